//! The generator families the workload panel offers, with a slider range per parameter.
//!
//! Keys and defaults mirror the generators' documentation in `workloads::generators`;
//! the ranges are only what the sliders span. A family listed in
//! [`workloads::generators::KINDS`] but not here still works through a free-text
//! parameter field.

/// One generator parameter shown as a slider.
#[derive(Clone, Copy, Debug)]
pub struct ParamDef {
    /// Key in the generator spec.
    pub key: &'static str,
    /// Value the generator uses when the key is absent.
    pub default: f64,
    /// Lowest slider value.
    pub min: f64,
    /// Highest slider value.
    pub max: f64,
    /// Whether the value is a whole number.
    pub integer: bool,
    /// Whether the slider is logarithmic.
    pub log: bool,
}

const fn int(key: &'static str, default: f64, min: f64, max: f64) -> ParamDef {
    ParamDef {
        key,
        default,
        min,
        max,
        integer: true,
        log: max / min > 100.0,
    }
}

const fn real(key: &'static str, default: f64, min: f64, max: f64) -> ParamDef {
    ParamDef {
        key,
        default,
        min,
        max,
        integer: false,
        log: false,
    }
}

const WORK: ParamDef = real("work", 1.0, 0.01, 10.0);
const CCR: ParamDef = ParamDef {
    key: "ccr",
    default: 1.0,
    min: 0.01,
    max: 100.0,
    integer: false,
    log: true,
};

/// A generator family and its sliders.
#[derive(Clone, Copy, Debug)]
pub struct Family {
    /// Generator kind, as in the spec string.
    pub kind: &'static str,
    /// Sliders, in display order.
    pub params: &'static [ParamDef],
}

/// Every family with known sliders.
pub const FAMILIES: &[Family] = &[
    Family {
        kind: "layered",
        params: &[
            int("tasks", 100.0, 1.0, 20_000.0),
            real("fat", 0.5, 0.0, 1.0),
            real("regularity", 0.9, 0.0, 1.0),
            real("density", 0.5, 0.0, 1.0),
            int("jump", 1.0, 1.0, 10.0),
            int("max_parents", 8.0, 1.0, 64.0),
            CCR,
            WORK,
        ],
    },
    Family {
        kind: "topcuoglu",
        params: &[
            int("tasks", 100.0, 1.0, 20_000.0),
            real("alpha", 1.0, 0.1, 10.0),
            int("out_degree", 2.0, 1.0, 20.0),
            real("beta", 0.5, 0.0, 2.0),
            int("nodes", 4.0, 1.0, 64.0),
            CCR,
            WORK,
        ],
    },
    Family {
        kind: "erdos-renyi",
        params: &[int("tasks", 100.0, 1.0, 20_000.0), real("p", 0.04, 0.0, 1.0), CCR, WORK],
    },
    Family {
        kind: "fork-join",
        params: &[int("levels", 3.0, 1.0, 200.0), int("width", 4.0, 1.0, 200.0), CCR, WORK],
    },
    Family {
        kind: "in-tree",
        params: &[int("depth", 4.0, 1.0, 14.0), int("arity", 2.0, 1.0, 8.0), CCR, WORK],
    },
    Family {
        kind: "out-tree",
        params: &[int("depth", 4.0, 1.0, 14.0), int("arity", 2.0, 1.0, 8.0), CCR, WORK],
    },
    Family {
        kind: "pipeline",
        params: &[
            int("stages", 8.0, 1.0, 1000.0),
            int("lanes", 1.0, 1.0, 100.0),
            CCR,
            WORK,
        ],
    },
    Family {
        kind: "gaussian",
        params: &[int("m", 5.0, 2.0, 140.0), CCR, WORK],
    },
    Family {
        kind: "fft",
        params: &[int("points", 8.0, 2.0, 2048.0), CCR, WORK],
    },
    Family {
        kind: "cholesky",
        params: &[int("tiles", 4.0, 1.0, 40.0), CCR, WORK],
    },
    Family {
        kind: "lu",
        params: &[int("tiles", 4.0, 1.0, 30.0), CCR, WORK],
    },
    Family {
        kind: "stencil",
        params: &[int("steps", 4.0, 1.0, 200.0), int("width", 8.0, 1.0, 200.0), CCR, WORK],
    },
    Family {
        kind: "wavefront",
        params: &[int("rows", 8.0, 1.0, 200.0), int("cols", 8.0, 1.0, 200.0), CCR, WORK],
    },
    Family {
        kind: "map-reduce",
        params: &[
            int("mappers", 8.0, 1.0, 2000.0),
            int("reducers", 4.0, 1.0, 500.0),
            CCR,
            WORK,
        ],
    },
];

/// The sliders of `kind`, or `None` for a family without a table entry.
pub fn family(kind: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.kind == kind)
}

/// Every generator kind: those the `workloads` crate knows, in its order.
pub fn kinds() -> &'static [&'static str] {
    workloads::generators::KINDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_generates_with_its_defaults_and_extremes() {
        for f in FAMILIES {
            let defaults: Vec<String> = f.params.iter().map(|p| format!("{}={}", p.key, p.default)).collect();
            let spec = format!("{}:{}", f.kind, defaults.join(","));
            assert!(workloads::generate(&spec, 1).is_ok(), "{spec}");
            let lows: Vec<String> = f.params.iter().map(|p| format!("{}={}", p.key, p.min)).collect();
            let spec = format!("{}:{}", f.kind, lows.join(","));
            assert!(workloads::generate(&spec, 1).is_ok(), "{spec}");
        }
    }

    #[test]
    fn every_family_is_a_known_kind() {
        for f in FAMILIES {
            assert!(kinds().contains(&f.kind), "{}", f.kind);
        }
    }
}
