//! The generator families the workload panel offers, with a slider per parameter.
//!
//! Keys, defaults, whole-number-ness and accepted ranges come from
//! [`workloads::generators::describe`], which records them as each
//! generator's own code reads its keys; only the slider spans are the GUI's
//! choice ([`SPANS`]): generators accept sizes up to 10^8 tasks, a window
//! wants DAGs it can draw. A key whose default is derived from other keys
//! (map-reduce's `shuffle`) gets no slider and keeps its derived value.

use std::collections::BTreeMap;
use std::sync::OnceLock;

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

/// The GUI's own slider spans `(key, lowest, highest)` where the accepted
/// range is too wide for a slider (or starts at 0 on a log scale); the
/// slider never leaves the accepted range.
const SPANS: &[(&str, f64, f64)] = &[
    ("tasks", 1.0, 20_000.0),
    ("work", 0.01, 10.0),
    ("ccr", 0.01, 100.0),
    ("alpha", 0.1, 10.0),
    ("jump", 1.0, 10.0),
    ("max_parents", 1.0, 64.0),
    ("out_degree", 1.0, 20.0),
    ("nodes", 1.0, 64.0),
    ("levels", 1.0, 200.0),
    ("width", 1.0, 200.0),
    ("depth", 1.0, 14.0),
    ("arity", 1.0, 8.0),
    ("stages", 1.0, 1000.0),
    ("lanes", 1.0, 100.0),
    ("m", 2.0, 140.0),
    ("points", 2.0, 2048.0),
    ("tiles", 1.0, 40.0),
    ("steps", 1.0, 200.0),
    ("rows", 1.0, 200.0),
    ("cols", 1.0, 200.0),
    ("mappers", 1.0, 2000.0),
    ("reducers", 1.0, 500.0),
    ("images", 1.0, 500.0),
    ("chunks", 1.0, 500.0),
    ("individuals", 1.0, 500.0),
    ("chromosomes", 1.0, 50.0),
    ("locations", 1.0, 200.0),
    ("units", 1.0, 200.0),
    ("max_cores", 1.0, 64.0),
    ("memory_gb", 0.0, 64.0),
    ("runtime_scale", 0.01, 100.0),
    ("data_scale", 0.01, 100.0),
];

/// Keys whose slider is logarithmic: they span orders of magnitude.
const LOG_KEYS: &[&str] = &["ccr", "runtime_scale", "data_scale", "alpha"];

/// Spans of keys not in [`SPANS`] whose accepted range is wider than this
/// are cut to it (past the default), so no slider spans 10^19.
const WIDEST: f64 = 1000.0;

/// The slider of one described parameter, or `None` if its default is derived.
fn slider(p: &workloads::generators::GenParam) -> Option<ParamDef> {
    let default = p.default?;
    let (lo, hi) = SPANS
        .iter()
        .find(|(key, _, _)| *key == p.key)
        .map_or((p.min, p.max.min(p.min + WIDEST.max(default))), |&(_, lo, hi)| (lo, hi));
    let (min, max) = (lo.max(p.min), hi.min(p.max));
    Some(ParamDef {
        key: p.key,
        default: default.clamp(min, max),
        min,
        max,
        integer: p.integer,
        log: LOG_KEYS.contains(&p.key) || (p.integer && min >= 1.0 && max / min > 100.0),
    })
}

/// The sliders of `kind`, or `None` for a kind the generators do not know.
pub fn family(kind: &str) -> Option<&'static [ParamDef]> {
    static ALL: OnceLock<BTreeMap<&'static str, Vec<ParamDef>>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        kinds()
            .iter()
            .filter_map(|&k| {
                let params = workloads::generators::describe(k).ok()?;
                Some((k, params.iter().filter_map(slider).collect()))
            })
            .collect()
    });
    all.get(kind).map(Vec::as_slice)
}

/// Every generator kind: those the `workloads` crate knows, in its order.
pub fn kinds() -> &'static [&'static str] {
    workloads::generators::KINDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_sliders_that_generate_at_defaults_and_extremes() {
        for &kind in kinds() {
            let params = family(kind).unwrap_or_else(|| panic!("{kind} has no sliders"));
            assert!(!params.is_empty(), "{kind}");
            for values in [
                params.iter().map(|p| p.default).collect::<Vec<_>>(),
                params.iter().map(|p| p.min).collect(),
            ] {
                let pairs: Vec<String> = params
                    .iter()
                    .zip(values)
                    .map(|(p, v)| format!("{}={v}", p.key))
                    .collect();
                let spec = format!("{kind}:{}", pairs.join(","));
                assert!(workloads::generate(&spec, 1).is_ok(), "{spec}");
            }
            for p in params {
                assert!(p.min <= p.default && p.default <= p.max, "{kind} {p:?}");
                assert!(p.max <= 20_000.0, "{kind} {p:?}: a slider for sizes a window can draw");
            }
        }
    }

    #[test]
    fn sliders_follow_the_generators() {
        let layered = family("layered").unwrap();
        let tasks = layered.iter().find(|p| p.key == "tasks").unwrap();
        assert_eq!(
            (tasks.default, tasks.min, tasks.max, tasks.integer),
            (100.0, 1.0, 20_000.0, true)
        );
        let keys: Vec<&str> = layered.iter().map(|p| p.key).collect();
        assert_eq!(keys[..2], ["tasks", "fat"]);
        assert!(keys.ends_with(&["moldable", "serial", "max_cores", "memory_gb", "gpu"]));
        // A derived default gets no slider.
        assert!(family("map-reduce").unwrap().iter().all(|p| p.key != "shuffle"));
        assert!(family("no-such").is_none());
    }
}
