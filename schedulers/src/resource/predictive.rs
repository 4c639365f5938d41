//! `predictive`: forecast the demand with Holt's linear exponential
//! smoothing of the arrival rate, and provision ahead by the boot time.
//!
//! Every control `period` the work that arrived in it (core-seconds: each
//! task's mean execution time over the nodes times its fewest cores) gives
//! a demand rate in cores, which Holt's method (Holt 1957, reprinted in
//! Int. J. Forecasting 20(1), 2004; as in Hyndman and Athanasopoulos,
//! *Forecasting: Principles and Practice*, 3rd ed., §8.2) smooths into a
//! level `ℓ` and a trend `b`:
//!
//! ```text
//! ℓ_t = α·x_t + (1 − α)·(ℓ_{t−1} + b_{t−1})      b_t = β·(ℓ_t − ℓ_{t−1}) + (1 − β)·b_{t−1}
//! ```
//!
//! The forecast `h` periods ahead is `ℓ + h·b`, with `h` the longest boot
//! time in periods (at least one): capacity ordered now is ready when that
//! demand arrives. The policy keeps `forecast / target` cores on or booting,
//! and at least the cores busy plus the tasks waiting; it boots off nodes
//! to reach that, and powers off nodes idle a whole period beyond it,
//! keeping `min` on. Like the other elastic policies it also boots nodes at
//! any event when waiting work exceeds the free and booting cores
//! ([`super::boot_for_backlog`]), so a forecast that is too low costs
//! delay, not a stall. O(tasks of the arrived jobs) per event, O(nodes log
//! nodes) per period.

use super::{ParamInfo, Params, ResourceError, boot_for_backlog, duration, idle_nodes, nodes_off};
use sim::{NodeId, PowerDecisions, PowerView, ResourceManager, SimDuration, SimView, Update};
use std::collections::BTreeSet;

pub(super) const PARAMS: &[ParamInfo] = &[
    ParamInfo {
        name: "period",
        description: "seconds between forecasts (default 60)",
    },
    ParamInfo {
        name: "alpha",
        description: "smoothing of the level, in [0, 1] (default 0.5)",
    },
    ParamInfo {
        name: "beta",
        description: "smoothing of the trend, in [0, 1] (default 0.2)",
    },
    ParamInfo {
        name: "target",
        description: "utilisation the forecast capacity aims at, in (0, 1] (default 0.8)",
    },
    ParamInfo {
        name: "min",
        description: "nodes always kept on (default 1)",
    },
];

/// The `predictive` resource manager; see the module docs.
pub struct Predictive {
    period: f64,
    alpha: f64,
    beta: f64,
    target: f64,
    min: usize,
    /// Core-seconds of work that arrived since the last forecast.
    arrived: f64,
    /// Holt's level and trend, in cores, once the first period has passed.
    smoothed: Option<(f64, f64)>,
    off: BTreeSet<NodeId>,
}

impl Predictive {
    pub(super) fn from_params(p: &mut Params) -> Result<Predictive, ResourceError> {
        let period = p.secs("period", 60.0)?;
        let alpha = p.f64_in("alpha", 0.5, 0.0, 1.0)?;
        let beta = p.f64_in("beta", 0.2, 0.0, 1.0)?;
        let target = p.f64_in("target", 0.8, 0.0, 1.0)?;
        if target == 0.0 {
            return Err(p.bad("target", "a number in (0, 1]", "0"));
        }
        Ok(Predictive {
            period,
            alpha,
            beta,
            target,
            min: p.count("min", 1)?,
            arrived: 0.0,
            smoothed: None,
            off: BTreeSet::new(),
        })
    }

    /// Holt's update with this period's demand rate; returns the forecast
    /// `horizon` periods ahead.
    fn forecast(&mut self, rate: f64, horizon: f64) -> f64 {
        let (level, trend) = match self.smoothed {
            None => (rate, 0.0),
            Some((level, trend)) => {
                let next = self.alpha * rate + (1.0 - self.alpha) * (level + trend);
                (next, self.beta * (next - level) + (1.0 - self.beta) * trend)
            }
        };
        self.smoothed = Some((level, trend));
        (level + horizon * trend).max(0.0)
    }
}

impl ResourceManager for Predictive {
    fn name(&self) -> &str {
        "predictive"
    }

    fn period(&self) -> Option<SimDuration> {
        Some(duration(self.period))
    }

    fn start(&mut self, _: &SimView<'_>, power: &PowerView<'_>, _: &mut PowerDecisions) {
        self.off = nodes_off(power);
    }

    fn on_update(&mut self, view: &SimView<'_>, power: &PowerView<'_>, update: &Update<'_>, out: &mut PowerDecisions) {
        let costs = view.costs();
        for job in update.arrived.iter().filter_map(|&j| view.job(j)) {
            self.arrived += job
                .tasks()
                .map(|t| costs.mean_exec_secs(t) * f64::from(view.dag().task(t).parallelism.min_cores))
                .sum::<f64>();
        }
        boot_for_backlog(view, power, &mut self.off, out);
    }

    fn on_tick(&mut self, view: &SimView<'_>, power: &PowerView<'_>, out: &mut PowerDecisions) {
        self.off = nodes_off(power);
        let platform = view.platform();
        let boot = platform.nodes().iter().map(|n| n.power.boot_secs).fold(0.0, f64::max);
        let horizon = (boot / self.period).ceil().max(1.0);
        let rate = std::mem::take(&mut self.arrived) / self.period;
        let forecast = self.forecast(rate, horizon);
        let load = power.load();
        let now_needed = (load.busy_cores + (load.ready + load.queued) as u64) as f64;
        let needed = (forecast / self.target).max(now_needed);
        let mut have = (load.on_cores + load.booting_cores) as f64;
        while have < needed {
            let Some(node) = self.off.pop_first() else { break };
            out.power_on(node);
            have += f64::from(platform.node(node).cores);
        }
        for node in idle_nodes(view, power, self.period, self.min) {
            let cores = f64::from(platform.node(node).cores);
            if have - cores < needed {
                break;
            }
            out.power_off(node);
            self.off.insert(node);
            have -= cores;
        }
    }
}
