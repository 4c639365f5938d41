//! Resource managers: policies that power nodes on and off as demand moves
//! (see [`sim::power`] for the model), composable with any scheduler.
//!
//! A resource manager is named on the command line and in configs as
//! `NAME` or `NAME:key=value,…`, as schedulers are ([`create`]); unknown
//! names and keys get a "did you mean". Each policy's doc says what it
//! models and where it comes from:
//!
//! | name | decides from | powers on | powers off |
//! |---|---|---|---|
//! | `always-on` | nothing | never | never |
//! | `reactive` | queue and utilisation | when queued work exceeds free cores | nodes idle `idle` s once utilisation < `low`, `cooldown` s after the last scale-up |
//! | `predictive` | arrival rate (Holt) | ahead of the forecast demand by the boot time | nodes beyond the forecast, idle a period |
//! | `consolidating` | idle times | when queued work exceeds free cores | nodes idle longer than `timeout` |
//!
//! All three elastic policies share the scale-up step ([`boot_for_backlog`]),
//! which also keeps a run alive: work waiting with no node on or booting
//! always boots one.
//!
//! On a platform with pools ([`sim::power`], "Pools") the same commands
//! acquire and release pool nodes: the elastic policies start with the pools
//! released, boot nodes lowest id first (so fixed nodes declared before a
//! pool are used before capacity is rented), and release idle pool nodes
//! before they power off an idle fixed node. `always-on` holds every pool
//! whole from time 0.

mod consolidating;
mod predictive;
mod reactive;

pub use consolidating::Consolidating;
pub use predictive::Predictive;
pub use reactive::Reactive;

use sim::{AlwaysOn, NodeId, PowerDecisions, PowerState, PowerView, ResourceManager, SimDuration, SimView};
use std::collections::BTreeMap;
use thiserror::Error;

/// The default resource manager: every node on for the whole run.
pub const DEFAULT: &str = "always-on";

/// Why a resource manager spec was refused.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum ResourceError {
    /// No resource manager has this name.
    #[error(
        "unknown resource manager {name:?}{hint}; expected one of: {valid}",
        hint = sim::suggest::did_you_mean(.name, .valid.split(", "))
    )]
    Unknown {
        /// The name given.
        name: String,
        /// Comma-separated valid names.
        valid: String,
    },
    /// A parameter is not accepted by this resource manager.
    #[error(
        "resource manager {manager:?} has no parameter {key:?}{hint}; it accepts: {valid}",
        hint = sim::suggest::did_you_mean(.key, .valid.split(", "))
    )]
    UnknownParam {
        /// Resource manager name.
        manager: String,
        /// The key given.
        key: String,
        /// Accepted keys.
        valid: String,
    },
    /// A parameter value does not parse or is out of range.
    #[error("resource manager {manager:?}: parameter {key:?}: expected {expected}, got {value:?}")]
    BadValue {
        /// Resource manager name.
        manager: String,
        /// Key.
        key: String,
        /// What was expected.
        expected: &'static str,
        /// The value given.
        value: String,
    },
    /// The spec is not `NAME` or `NAME:key=value,…`.
    #[error("malformed resource manager spec {0:?}; expected NAME or NAME:key=value,...")]
    Malformed(String),
}

/// A parameter a resource manager accepts.
#[derive(Clone, Copy, Debug)]
pub struct ParamInfo {
    /// Key.
    pub name: &'static str,
    /// What it does, with its default.
    pub description: &'static str,
}

/// One registry entry.
#[derive(Clone, Copy, Debug)]
pub struct ManagerInfo {
    /// Stable name.
    pub name: &'static str,
    /// One line: what it models and where it comes from.
    pub description: &'static str,
    /// Accepted parameters.
    pub params: &'static [ParamInfo],
    build: fn(&mut Params) -> Result<Box<dyn ResourceManager>, ResourceError>,
}

/// Every resource manager, in the order `schedlab resource-managers` lists them.
pub fn all() -> &'static [ManagerInfo] {
    REGISTRY
}

static REGISTRY: &[ManagerInfo] = &[
    ManagerInfo {
        name: "always-on",
        description: "every node on for the whole run: a fixed platform (the default)",
        params: &[],
        build: |_| Ok(Box::new(AlwaysOn)),
    },
    ManagerInfo {
        name: "reactive",
        description: "queue and utilisation thresholds with a scale-down cooldown, after the Kubernetes cluster autoscaler",
        params: reactive::PARAMS,
        build: |p| Ok(Box::new(Reactive::from_params(p)?)),
    },
    ManagerInfo {
        name: "predictive",
        description: "Holt's linear smoothing of the arrival rate, provisioning ahead by the boot time",
        params: predictive::PARAMS,
        build: |p| Ok(Box::new(Predictive::from_params(p)?)),
    },
    ManagerInfo {
        name: "consolidating",
        description: "work packed on the nodes that are on; nodes idle longer than a timeout powered off",
        params: consolidating::PARAMS,
        build: |p| Ok(Box::new(Consolidating::from_params(p)?)),
    },
];

/// Parameters of one spec, consumed by the builder.
pub(crate) struct Params {
    manager: &'static str,
    values: BTreeMap<String, String>,
}

impl Params {
    /// A finite number within `[min, max]`, or `default` if absent.
    pub(crate) fn f64_in(&mut self, key: &str, default: f64, min: f64, max: f64) -> Result<f64, ResourceError> {
        let Some(v) = self.values.remove(key) else {
            return Ok(default);
        };
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= min && *x <= max)
            .ok_or_else(|| ResourceError::BadValue {
                manager: self.manager.to_owned(),
                key: key.to_owned(),
                expected: match (min, max) {
                    (0.0, 1.0) => "a number in [0, 1]",
                    (0.0, _) => "a finite number >= 0",
                    _ => "a finite number > 0",
                },
                value: v,
            })
    }

    /// The error for a present but invalid value of `key`.
    pub(crate) fn bad(&self, key: &str, expected: &'static str, value: &str) -> ResourceError {
        ResourceError::BadValue {
            manager: self.manager.to_owned(),
            key: key.to_owned(),
            expected,
            value: value.to_owned(),
        }
    }

    /// Seconds > 0, or `default` if absent.
    pub(crate) fn secs(&mut self, key: &str, default: f64) -> Result<f64, ResourceError> {
        self.f64_in(key, default, f64::MIN_POSITIVE, f64::MAX)
    }

    /// A whole count, or `default` if absent.
    pub(crate) fn count(&mut self, key: &str, default: usize) -> Result<usize, ResourceError> {
        let Some(v) = self.values.remove(key) else {
            return Ok(default);
        };
        v.parse::<usize>().map_err(|_| ResourceError::BadValue {
            manager: self.manager.to_owned(),
            key: key.to_owned(),
            expected: "a non-negative integer",
            value: v,
        })
    }
}

/// Builds the resource manager named by `spec` (`NAME` or `NAME:key=value,…`).
///
/// # Errors
/// [`ResourceError`] for unknown names, unknown keys or bad values.
pub fn create(spec: &str) -> Result<Box<dyn ResourceManager>, ResourceError> {
    let (name, rest) = spec.split_once(':').unwrap_or((spec, ""));
    let name = name.trim();
    let info = REGISTRY
        .iter()
        .find(|i| i.name == name)
        .ok_or_else(|| ResourceError::Unknown {
            name: name.to_owned(),
            valid: REGISTRY.iter().map(|i| i.name).collect::<Vec<_>>().join(", "),
        })?;
    let mut values = BTreeMap::new();
    for pair in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| ResourceError::Malformed(spec.to_owned()))?;
        values.insert(k.trim().to_owned(), v.trim().to_owned());
    }
    let mut params = Params {
        manager: info.name,
        values,
    };
    let manager = (info.build)(&mut params)?;
    if let Some(key) = params.values.keys().next() {
        return Err(ResourceError::UnknownParam {
            manager: info.name.to_owned(),
            key: key.clone(),
            valid: info.params.iter().map(|p| p.name).collect::<Vec<_>>().join(", "),
        });
    }
    Ok(manager)
}

/// Seconds as a [`SimDuration`].
fn duration(secs: f64) -> SimDuration {
    SimDuration::from_secs_f64(secs)
}

/// The scale-up step every elastic policy shares: when the work waiting
/// (ready tasks no scheduler placed, and runs queued on nodes) exceeds the
/// free cores of the nodes that are on plus the cores already booting,
/// boots off nodes, lowest id first, until their cores cover the excess.
/// Returns how many nodes it powered on.
///
/// `off` holds the nodes believed off (kept by the caller: nodes leave it
/// here when booted, and the caller refreshes it each control period), so a
/// call costs O(nodes booted), not O(nodes).
pub(crate) fn boot_for_backlog(
    view: &SimView<'_>,
    power: &PowerView<'_>,
    off: &mut std::collections::BTreeSet<NodeId>,
    out: &mut PowerDecisions,
) -> usize {
    let load = power.load();
    let waiting = (load.ready + load.queued) as u64;
    let free = load.on_cores.saturating_sub(load.busy_cores);
    let mut excess = waiting.saturating_sub(free + load.booting_cores);
    let mut booted = 0;
    while excess > 0 {
        let Some(node) = off.pop_first() else { break };
        if power.node(node).state != PowerState::Off {
            continue;
        }
        out.power_on(node);
        excess = excess.saturating_sub(u64::from(view.platform().node(node).cores));
        booted += 1;
    }
    booted
}

/// The nodes off now, for [`boot_for_backlog`]: O(nodes), once per control period.
pub(crate) fn nodes_off(power: &PowerView<'_>) -> std::collections::BTreeSet<NodeId> {
    (0..power.nodes().len())
        .map(NodeId::new)
        .filter(|&n| power.node(n).state == PowerState::Off)
        .collect()
}

/// Nodes that are on and have had no work for at least `idle` seconds at
/// `view.now()`, keeping at least `keep` nodes on: the ones a policy may
/// power off. Pool nodes come first (rented capacity is released before a
/// fixed node is powered off), then longest idle first, ties by id.
pub(crate) fn idle_nodes(view: &SimView<'_>, power: &PowerView<'_>, idle: f64, keep: usize) -> Vec<NodeId> {
    let now = view.now();
    let platform = view.platform();
    let mut nodes: Vec<(bool, sim::SimTime, NodeId)> = (0..power.nodes().len())
        .map(NodeId::new)
        .filter_map(|n| {
            let p = power.node(n);
            let since = p.idle_since?;
            let idle_enough = p.state == PowerState::On && view.node_up(n) && now - since >= duration(idle);
            idle_enough.then_some((!platform.node(n).pooled, since, n))
        })
        .collect();
    nodes.sort_unstable();
    let spare = power.load().n_on.saturating_sub(keep);
    nodes.into_iter().take(spare).map(|(_, _, n)| n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_bad_ones_say_what_is_wrong() {
        for spec in [
            "always-on",
            "reactive",
            "predictive:alpha=0.3",
            "consolidating:timeout=30",
        ] {
            assert!(create(spec).is_ok(), "{spec}");
        }
        let err = |spec: &str| create(spec).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            err("reactiv").contains("did you mean \"reactive\""),
            "{}",
            err("reactiv")
        );
        assert!(err("reactive:cooldwn=5").contains("did you mean \"cooldown\""));
        assert_eq!(
            err("predictive:alpha=2"),
            "resource manager \"predictive\": parameter \"alpha\": expected a number in [0, 1], got \"2\""
        );
        assert_eq!(
            err("consolidating:timeout=-1"),
            "resource manager \"consolidating\": parameter \"timeout\": expected a finite number >= 0, got \"-1\""
        );
        assert!(err("reactive:5").starts_with("malformed resource manager spec"));
    }
}
