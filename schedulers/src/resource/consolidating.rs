//! `consolidating`: keep work packed on as few nodes as it needs and power
//! off nodes idle longer than a timeout.
//!
//! This is the power-down-on-idle policy of dynamic server consolidation
//! (Chase et al., "Managing energy and server resources in hosting
//! centers", SOSP 2001; the fixed timeout of Beloglazov and Buyya's
//! consolidation heuristics, CCPE 2012) and of Slurm's power saving
//! (`SuspendTime`: a node idle that long is suspended, resumed when work
//! needs it; `slurm.conf`). Since off nodes take no work, the scheduler packs
//! the work on the nodes that are on; a node is booted only when the tasks
//! waiting exceed the free and booting cores ([`super::boot_for_backlog`]).
//! There is no cooldown: every control `period` each node idle for
//! `timeout` seconds is powered off (draining first), keeping `min` on.
//! O(1) per event, O(nodes log nodes) per period.

use super::{ParamInfo, Params, ResourceError, boot_for_backlog, duration, idle_nodes, nodes_off};
use sim::{NodeId, PowerDecisions, PowerView, ResourceManager, SimDuration, SimView, Update};
use std::collections::BTreeSet;

pub(super) const PARAMS: &[ParamInfo] = &[
    ParamInfo {
        name: "timeout",
        description: "seconds a node must have been idle before it is powered off (Slurm's SuspendTime; default 60)",
    },
    ParamInfo {
        name: "period",
        description: "seconds between checks for idle nodes (default 10)",
    },
    ParamInfo {
        name: "min",
        description: "nodes always kept on (default 1)",
    },
];

/// The `consolidating` resource manager; see the module docs.
pub struct Consolidating {
    timeout: f64,
    period: f64,
    min: usize,
    off: BTreeSet<NodeId>,
}

impl Consolidating {
    pub(super) fn from_params(p: &mut Params) -> Result<Consolidating, ResourceError> {
        Ok(Consolidating {
            timeout: p.f64_in("timeout", 60.0, 0.0, f64::MAX)?,
            period: p.secs("period", 10.0)?,
            min: p.count("min", 1)?,
            off: BTreeSet::new(),
        })
    }
}

impl ResourceManager for Consolidating {
    fn name(&self) -> &str {
        "consolidating"
    }

    fn period(&self) -> Option<SimDuration> {
        Some(duration(self.period))
    }

    fn start(&mut self, _: &SimView<'_>, power: &PowerView<'_>, _: &mut PowerDecisions) {
        self.off = nodes_off(power);
    }

    fn on_update(&mut self, view: &SimView<'_>, power: &PowerView<'_>, _: &Update<'_>, out: &mut PowerDecisions) {
        boot_for_backlog(view, power, &mut self.off, out);
    }

    fn on_tick(&mut self, view: &SimView<'_>, power: &PowerView<'_>, out: &mut PowerDecisions) {
        self.off = nodes_off(power);
        boot_for_backlog(view, power, &mut self.off, out);
        for node in idle_nodes(view, power, self.timeout, self.min) {
            out.power_off(node);
            self.off.insert(node);
        }
    }
}
