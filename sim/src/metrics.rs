//! Energy and summary metrics of a finished run.

use crate::cost::CostModel;
use crate::dag::Dag;
use crate::ids::NodeId;
use crate::platform::Platform;
use crate::power::PowerState;
use crate::result::{Metrics, RunResult};
use crate::time::{SimDuration, SimTime};

/// Placeholder before metrics are computed (by the engine, or by the real
/// executor of `schedlab validate`, which fills a [`RunResult`] itself).
pub const EMPTY: Metrics = Metrics {
    makespan: 0.0,
    slr: 0.0,
    speedup: 0.0,
    efficiency: 0.0,
    utilisation: 0.0,
    energy_j: 0.0,
    edp: 0.0,
    bytes_moved: 0.0,
    lost_work: 0.0,
    wasted_energy_j: 0.0,
    node_hours: 0.0,
    cost: 0.0,
    peak_memory_bytes: None,
};

/// The most memory each node's runs held at one instant, in bytes, with
/// the first instant it was held (zero and time 0 on a node whose runs
/// declare none). A run holds its task's [`crate::Task::memory_bytes`] from
/// its start to its end; every run counts (copies, cancelled replicas, runs
/// lost to failures), and a run that ends at an instant frees its memory
/// before one that starts then takes it. O(r log r) in runs with memory; no
/// work at all when no task declares memory.
pub fn node_peak_memory(dag: &Dag, node_count: usize, result: &RunResult) -> Vec<(u64, SimTime)> {
    let runs = result
        .runs()
        .map(|r| (r.task, r.record.node, r.record.start, r.record.end))
        .chain(result.lost.iter().map(|l| (l.task, l.node, l.start, l.end)));
    // (node, time, whether it takes, bytes): at one instant releases sort first.
    let mut changes: Vec<(NodeId, SimTime, bool, u64)> = Vec::new();
    for (task, node, start, end) in runs {
        let memory = dag.tasks().get(task.index()).map_or(0, |t| t.memory_bytes);
        if memory > 0 && start < end {
            changes.push((node, start, true, memory));
            changes.push((node, end, false, memory));
        }
    }
    changes.sort_unstable();
    let mut peak = vec![(0u64, SimTime::ZERO); node_count];
    let mut held = 0u64;
    let mut current = None;
    for (node, at, takes, memory) in changes {
        if current != Some(node) {
            (current, held) = (Some(node), 0);
        }
        if takes {
            held = held.saturating_add(memory);
            if let Some(p) = peak.get_mut(node.index())
                && held > p.0
            {
                *p = (held, at);
            }
        } else {
            held = held.saturating_sub(memory);
        }
    }
    peak
}

/// Watts a node draws in a recorded power phase instead of its idle power.
fn phase_w(power: &crate::platform::PowerModel, state: PowerState) -> f64 {
    match state {
        PowerState::Booting => power.boot_w(),
        _ => power.off_w,
    }
}

/// Seconds each node was on (neither down, off nor booting) over the run.
pub fn on_secs(platform: &Platform, result: &RunResult) -> Vec<f64> {
    let makespan = result.makespan();
    let mut on = vec![makespan.as_secs_f64(); platform.node_count()];
    for o in &result.outages {
        let end = o.end.unwrap_or(makespan).min(makespan);
        on[o.node.index()] -= (end - o.start).as_secs_f64();
    }
    for p in &result.power {
        on[p.node.index()] -= (p.end.min(makespan) - p.start.min(makespan)).as_secs_f64();
    }
    on
}

/// Joules per node: idle power while on, `off_w` while off and the boot
/// power while booting (see [`crate::power`]), plus busy power per core at
/// the run's DVFS level for every task run, copies, cancelled replicas and
/// lost runs included.
pub fn node_energy(platform: &Platform, result: &RunResult) -> Vec<f64> {
    let makespan = result.makespan();
    let mut energy: Vec<f64> = platform
        .nodes()
        .iter()
        .zip(&on_secs(platform, result))
        .map(|(n, up)| n.power.idle_w * up)
        .collect();
    for p in &result.power {
        let span = (p.end.min(makespan) - p.start.min(makespan)).as_secs_f64();
        energy[p.node.index()] += phase_w(&platform.node(p.node).power, p.state) * span;
    }
    for (e, folded) in energy.iter_mut().zip(&result.folded.busy_energy_j) {
        *e += folded;
    }
    for r in result.runs().map(|r| r.record) {
        energy[r.node.index()] += busy_energy(platform, r.node, r.dvfs, r.cores, r.end - r.start);
    }
    for r in &result.lost {
        energy[r.node.index()] += busy_energy(platform, r.node, r.dvfs, r.cores, r.end - r.start);
    }
    energy
}

/// A piecewise-constant function of time from 0 to `end`: `values[i]` holds
/// from `times[i]` to `times[i + 1]` (the last one until `end`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepSeries {
    /// Where each step starts, ascending; the first is 0.
    pub times: Vec<f64>,
    /// The value of each step.
    pub values: Vec<f64>,
    /// Where the last step ends.
    pub end: f64,
}

impl StepSeries {
    /// Steps from `base` changed by `(time, delta)` events; events at equal
    /// times make one step, and times past `end` are cut at `end`.
    pub(crate) fn from_events(mut events: Vec<(SimTime, f64)>, base: f64, end: SimTime) -> StepSeries {
        events.sort_by_key(|e| e.0);
        let mut series = StepSeries {
            times: vec![0.0],
            values: vec![base],
            end: end.as_secs_f64(),
        };
        let mut level = base;
        let mut i = 0;
        while let Some(&(t, _)) = events.get(i) {
            while let Some(&(_, delta)) = events.get(i).filter(|e| e.0 == t) {
                level += delta;
                i += 1;
            }
            if t >= end {
                break;
            }
            if t == SimTime::ZERO {
                series.values[0] = level;
            } else {
                series.times.push(t.as_secs_f64());
                series.values.push(level);
            }
        }
        series
    }

    /// The area under the steps (value × seconds).
    pub fn integral(&self) -> f64 {
        self.spans().map(|(a, b, v)| v * (b - a)).sum()
    }

    /// The corners of the steps, `(t0, v0), (t1, v0), (t1, v1), …, (end, v_last)`,
    /// for drawing as a line.
    pub fn corners(&self) -> Vec<(f64, f64)> {
        let mut points = Vec::with_capacity(2 * self.values.len());
        for (a, b, v) in self.spans() {
            points.push((a, v));
            points.push((b, v));
        }
        points
    }

    /// The mean value in each of `n_bins` equal bins of `[0, t_max]`, at the
    /// bins' centres (0 outside the series).
    pub fn bin_means(&self, t_max: f64, n_bins: usize) -> Vec<(f64, f64)> {
        let width = t_max / n_bins.max(1) as f64;
        let mut sums = vec![0.0; n_bins];
        for (a, b, v) in self.spans() {
            let first = ((a / width) as usize).min(n_bins.saturating_sub(1));
            for (bin, sum) in sums.iter_mut().enumerate().skip(first) {
                let lo = (bin as f64 * width).max(a);
                let hi = ((bin + 1) as f64 * width).min(b);
                if hi <= lo {
                    break;
                }
                *sum += v * (hi - lo);
            }
        }
        sums.iter()
            .enumerate()
            .map(|(bin, sum)| ((bin as f64 + 0.5) * width, sum / width))
            .collect()
    }

    /// `(start, end, value)` of every step.
    fn spans(&self) -> impl Iterator<Item = (f64, f64, f64)> + '_ {
        let ends = self.times.iter().skip(1).copied().chain(std::iter::once(self.end));
        self.times
            .iter()
            .zip(ends)
            .zip(&self.values)
            .map(|((&a, b), &v)| (a, b, v))
    }
}

/// Platform power in watts over the run: idle power of every node while it
/// is on, its off or boot power while off or booting, plus busy power per
/// core at its DVFS level for every run that held cores (copies, cancelled
/// replicas and lost runs included). Its integral is the run's energy,
/// [`node_energy`] summed.
pub fn power_series(platform: &Platform, result: &RunResult) -> StepSeries {
    let makespan = result.makespan();
    let idle: f64 = platform.nodes().iter().map(|n| n.power.idle_w).sum();
    let mut events = Vec::with_capacity(2 * (result.tasks.len() + result.lost.len() + result.outages.len()));
    for o in &result.outages {
        let idle_w = platform.node(o.node).power.idle_w;
        events.push((o.start.min(makespan), -idle_w));
        events.push((o.end.unwrap_or(makespan).min(makespan), idle_w));
    }
    for p in &result.power {
        let power = &platform.node(p.node).power;
        let delta = phase_w(power, p.state) - power.idle_w;
        events.push((p.start.min(makespan), delta));
        events.push((p.end.min(makespan), -delta));
    }
    let runs = result
        .runs()
        .map(|r| r.record)
        .map(|r| (r.node, r.dvfs, r.cores, r.start, r.end));
    let lost = result.lost.iter().map(|r| (r.node, r.dvfs, r.cores, r.start, r.end));
    for (node, dvfs, cores, start, end) in runs.chain(lost) {
        let power = &platform.node(node).power;
        let watts = power.level(dvfs).map_or(power.busy_core_w, |l| l.busy_core_w) * f64::from(cores);
        events.push((start, watts));
        events.push((end, -watts));
    }
    StepSeries::from_events(events, idle, makespan)
}

/// Busy cores over all cores of the platform over the run, counting every
/// run that held cores (copies, cancelled replicas and lost runs included,
/// which is what the cores did; [`Metrics::utilisation`] leaves lost runs out).
pub fn utilisation_series(platform: &Platform, result: &RunResult) -> StepSeries {
    let total = platform.total_cores().max(1) as f64;
    let runs = result.runs().map(|r| r.record).map(|r| (r.cores, r.start, r.end));
    let lost = result.lost.iter().map(|r| (r.cores, r.start, r.end));
    let mut events = Vec::with_capacity(2 * (result.tasks.len() + result.lost.len()));
    for (cores, start, end) in runs.chain(lost) {
        events.push((start, f64::from(cores) / total));
        events.push((end, -f64::from(cores) / total));
    }
    StepSeries::from_events(events, 0.0, result.makespan())
}

/// Busy joules of one run on `cores` cores of `node` at DVFS level `dvfs`.
pub(crate) fn busy_energy(platform: &Platform, node: NodeId, dvfs: u8, cores: u32, span: SimDuration) -> f64 {
    let power = &platform.node(node).power;
    let busy_w = power.level(dvfs).map_or(power.busy_core_w, |l| l.busy_core_w);
    busy_w * f64::from(cores) * span.as_secs_f64()
}

/// Length in seconds of the longest path when every task runs on its fastest
/// node (a moldable task on as many cores as it can use there) and
/// communication is free: the denominator of SLR, so SLR ≥ 1 without noise.
pub fn min_critical_path(costs: &CostModel<'_>) -> f64 {
    let dag = costs.dag();
    let mut finish = vec![0.0f64; dag.task_count()];
    let mut longest = 0.0f64;
    for &t in dag.topological_order() {
        let ready = dag.predecessors(t).map(|p| finish[p.index()]).fold(0.0, f64::max);
        finish[t.index()] = ready + costs.best_exec_secs(t);
        longest = longest.max(finish[t.index()]);
    }
    longest
}

/// Best time to run the whole DAG sequentially on one core of one node.
pub fn best_sequential(costs: &CostModel<'_>) -> f64 {
    let dag: &Dag = costs.dag();
    let platform = costs.platform();
    // Nodes of one class have equal sums unless tasks give per-node costs.
    let nodes: Vec<NodeId> = match dag.node_cost_count() {
        None => platform.class_representatives().to_vec(),
        Some(_) => platform.node_ids().collect(),
    };
    nodes
        .into_iter()
        .map(|n| dag.task_ids().map(|t| costs.exec_secs(t, n, 1, 0)).sum::<f64>())
        .fold(f64::INFINITY, f64::min)
}

/// The sum of `values`, +0 when there are none. The standard library's
/// float sum of nothing is −0, which files and tables would show as `-0`.
fn sum(values: impl Iterator<Item = f64>) -> f64 {
    values.sum::<f64>() + 0.0
}

/// Every period a node was powered (not off) within the run, as the node
/// and its length in seconds: the gaps between its off periods, node by node.
fn powered_periods(platform: &Platform, result: &RunResult) -> impl Iterator<Item = (NodeId, f64)> {
    let makespan = result.makespan();
    let mut off: Vec<(NodeId, SimTime, SimTime)> = result
        .power
        .iter()
        .filter(|p| p.state == PowerState::Off)
        .map(|p| (p.node, p.start.min(makespan), p.end.min(makespan)))
        .collect();
    off.sort_unstable();
    let mut periods = Vec::with_capacity(platform.node_count() + off.len());
    let mut next = off.iter().peekable();
    for node in platform.node_ids() {
        let mut from = SimTime::ZERO;
        while let Some(&(_, start, end)) = next.next_if(|o| o.0 == node) {
            periods.push((node, (start - from).as_secs_f64()));
            from = end;
        }
        periods.push((node, (makespan - from).as_secs_f64()));
    }
    periods.into_iter().filter(|&(_, secs)| secs > 0.0)
}

/// Summary metrics; see [`Metrics`] for definitions.
pub fn compute(costs: &CostModel<'_>, result: &RunResult) -> Metrics {
    let platform = costs.platform();
    let makespan = result.makespan().as_secs_f64();
    let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };
    let folded = &result.folded;
    // Continuing the folded sums adds in the order a full record would.
    let busy = result
        .runs()
        .map(|r| f64::from(r.record.cores) * (r.record.end - r.record.start).as_secs_f64())
        .fold(folded.busy_core_secs, |a, b| a + b)
        + 0.0;
    let energy_j = sum(result.node_energy_j.iter().copied());
    let dag = costs.dag();
    let bytes_moved = result
        .transfers
        .iter()
        .map(|t| dag.edge(t.edge).bytes)
        .fold(folded.bytes_moved, |a, b| a + b)
        + 0.0;
    let (critical_path, sequential) = folded
        .dag_bounds
        .unwrap_or_else(|| (min_critical_path(costs), best_sequential(costs)));
    let speedup = ratio(sequential, makespan);
    Metrics {
        makespan,
        slr: ratio(makespan, critical_path),
        speedup,
        efficiency: speedup / platform.total_cores() as f64,
        utilisation: ratio(busy, platform.total_cores() as f64 * makespan),
        energy_j,
        edp: energy_j * makespan,
        bytes_moved,
        lost_work: sum(result
            .lost
            .iter()
            .map(|r| f64::from(r.cores) * ((r.end - r.start).as_secs_f64() - r.saved).max(0.0))),
        node_hours: sum(powered_periods(platform, result).map(|(_, secs)| secs / 3600.0)),
        cost: sum(powered_periods(platform, result).map(|(node, secs)| {
            let node = platform.node(node);
            (secs / node.billing_secs).ceil() * node.billing_secs * node.price_per_hour / 3600.0
        })),
        // The share of an aborted run that checkpoints saved was not wasted.
        wasted_energy_j: sum(result.lost.iter().map(|r| {
            let span = (r.end - r.start).as_secs_f64();
            let unsaved = if span > 0.0 {
                ((span - r.saved) / span).clamp(0.0, 1.0)
            } else {
                0.0
            };
            busy_energy(platform, r.node, r.dvfs, r.cores, r.end - r.start) * unsaved
        })),
        peak_memory_bytes: dag
            .tasks_from(dag.first_task())
            .iter()
            .any(|t| t.memory_bytes > 0)
            .then(|| {
                let peaks = node_peak_memory(dag, platform.node_count(), result);
                peaks.iter().map(|&(bytes, _)| bytes).max().unwrap_or(0) as f64
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_sum_is_positive_zero() {
        assert!(sum(std::iter::empty()).is_sign_positive());
        assert_eq!(format!("{:.3}", sum(std::iter::empty())), "0.000");
        assert_eq!(sum([1.5, 2.0].into_iter()), 3.5);
    }

    fn t(secs: f64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs_f64(secs)
    }

    #[test]
    fn steps_merge_equal_times_and_integrate() {
        let events = vec![(t(1.0), 2.0), (t(3.0), -2.0), (t(1.0), 1.0), (t(0.0), 0.5)];
        let s = StepSeries::from_events(events, 1.0, t(4.0));
        assert_eq!(s.times, [0.0, 1.0, 3.0]);
        assert_eq!(s.values, [1.5, 4.5, 2.5]);
        assert_eq!(s.integral(), 1.5 + 4.5 * 2.0 + 2.5);
        assert_eq!(
            s.corners(),
            [(0.0, 1.5), (1.0, 1.5), (1.0, 4.5), (3.0, 4.5), (3.0, 2.5), (4.0, 2.5)]
        );
    }

    #[test]
    fn bin_means_keep_the_area() {
        let s = StepSeries::from_events(vec![(t(1.0), 2.0), (t(3.0), -2.0)], 0.0, t(4.0));
        let bins = s.bin_means(4.0, 8);
        assert_eq!(bins.len(), 8);
        assert_eq!(bins[0], (0.25, 0.0));
        assert_eq!(bins[3], (1.75, 2.0));
        let area: f64 = bins.iter().map(|b| b.1 * 0.5).sum();
        assert!((area - s.integral()).abs() < 1e-12);
    }
}
