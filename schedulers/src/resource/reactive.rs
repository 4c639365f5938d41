//! `reactive`: thresholds on the queue and on utilisation, with a cooldown,
//! in the manner of the Kubernetes cluster autoscaler.
//!
//! The cluster autoscaler (kubernetes/autoscaler, `cluster-autoscaler/FAQ.md`)
//! adds nodes when pods cannot be scheduled, and every `scan-interval`
//! (10 s) removes nodes that have been unneeded for `scale-down-unneeded-time`
//! (10 min) while their utilisation is below `scale-down-utilization-threshold`
//! (0.5), but not within `scale-down-delay-after-add` (10 min) of a scale-up.
//! Here a task that cannot start is a pending pod: scale-up happens at once,
//! at any event, when the tasks waiting exceed the free and booting cores
//! ([`super::boot_for_backlog`]); scale-down is checked every `period` and
//! powers off (draining first) nodes idle for `idle` seconds when the
//! platform's utilisation of its cores that are on is below `low`, keeping
//! at least `min` nodes on. O(1) per event, O(nodes log nodes) per period.

use super::{ParamInfo, Params, ResourceError, boot_for_backlog, duration, idle_nodes, nodes_off};
use sim::{NodeId, PowerDecisions, PowerView, ResourceManager, SimDuration, SimTime, SimView, Update};
use std::collections::BTreeSet;

pub(super) const PARAMS: &[ParamInfo] = &[
    ParamInfo {
        name: "period",
        description: "seconds between scale-down checks (the autoscaler's scan interval; default 10)",
    },
    ParamInfo {
        name: "low",
        description: "utilisation of the cores that are on below which idle nodes are removed (default 0.5)",
    },
    ParamInfo {
        name: "idle",
        description: "seconds a node must have been idle before it is removed (default 600)",
    },
    ParamInfo {
        name: "cooldown",
        description: "seconds after a scale-up during which nothing is removed (default 600)",
    },
    ParamInfo {
        name: "min",
        description: "nodes always kept on (default 1)",
    },
];

/// The `reactive` resource manager; see the module docs.
pub struct Reactive {
    period: f64,
    low: f64,
    idle: f64,
    cooldown: SimDuration,
    min: usize,
    last_scale_up: Option<SimTime>,
    off: BTreeSet<NodeId>,
}

impl Reactive {
    pub(super) fn from_params(p: &mut Params) -> Result<Reactive, ResourceError> {
        Ok(Reactive {
            period: p.secs("period", 10.0)?,
            low: p.f64_in("low", 0.5, 0.0, 1.0)?,
            idle: p.f64_in("idle", 600.0, 0.0, f64::MAX)?,
            cooldown: duration(p.f64_in("cooldown", 600.0, 0.0, f64::MAX)?),
            min: p.count("min", 1)?,
            last_scale_up: None,
            off: BTreeSet::new(),
        })
    }

    fn scale_up(&mut self, view: &SimView<'_>, power: &PowerView<'_>, out: &mut PowerDecisions) {
        if boot_for_backlog(view, power, &mut self.off, out) > 0 {
            self.last_scale_up = Some(view.now());
        }
    }
}

impl ResourceManager for Reactive {
    fn name(&self) -> &str {
        "reactive"
    }

    fn period(&self) -> Option<SimDuration> {
        Some(duration(self.period))
    }

    fn start(&mut self, _: &SimView<'_>, power: &PowerView<'_>, _: &mut PowerDecisions) {
        self.off = nodes_off(power);
    }

    fn on_update(&mut self, view: &SimView<'_>, power: &PowerView<'_>, _: &Update<'_>, out: &mut PowerDecisions) {
        self.scale_up(view, power, out);
    }

    fn on_tick(&mut self, view: &SimView<'_>, power: &PowerView<'_>, out: &mut PowerDecisions) {
        self.off = nodes_off(power);
        self.scale_up(view, power, out);
        let load = power.load();
        let utilisation = load.busy_cores as f64 / load.on_cores.max(1) as f64;
        let cooled = self.last_scale_up.is_none_or(|t| view.now() - t >= self.cooldown);
        if cooled && utilisation < self.low {
            for node in idle_nodes(view, power, self.idle, self.min) {
                out.power_off(node);
                self.off.insert(node);
            }
        }
    }
}
