//! Energy and summary metrics of a finished run.

use crate::cost::CostModel;
use crate::dag::Dag;
use crate::ids::NodeId;
use crate::platform::Platform;
use crate::result::{Metrics, RunResult};
use crate::time::SimDuration;

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
};

/// Joules per node: idle power while up over the makespan, plus busy power
/// per core at the run's DVFS level for every task run, copies, cancelled
/// replicas and lost runs included.
pub fn node_energy(platform: &Platform, result: &RunResult) -> Vec<f64> {
    let makespan = result.makespan();
    let mut up_secs = vec![makespan.as_secs_f64(); platform.node_count()];
    for o in &result.outages {
        let end = o.end.unwrap_or(makespan).min(makespan);
        up_secs[o.node.index()] -= (end - o.start).as_secs_f64();
    }
    let mut energy: Vec<f64> = platform
        .nodes()
        .iter()
        .zip(&up_secs)
        .map(|(n, up)| n.power.idle_w * up)
        .collect();
    for r in result.runs().map(|r| r.record) {
        energy[r.node.index()] += busy_energy(platform, r.node, r.dvfs, r.cores, r.end - r.start);
    }
    for r in &result.lost {
        energy[r.node.index()] += busy_energy(platform, r.node, r.dvfs, r.cores, r.end - r.start);
    }
    energy
}

/// Busy joules of one run on `cores` cores of `node` at DVFS level `dvfs`.
fn busy_energy(platform: &Platform, node: NodeId, dvfs: u8, cores: u32, span: SimDuration) -> f64 {
    let power = &platform.node(node).power;
    let busy_w = power.level(dvfs).map_or(power.busy_core_w, |l| l.busy_core_w);
    busy_w * f64::from(cores) * span.as_secs_f64()
}

/// Length in seconds of the longest path when every task runs on its fastest
/// node and communication is free: the denominator of SLR.
pub fn min_critical_path(costs: &CostModel<'_>) -> f64 {
    let dag = costs.dag();
    let mut finish = vec![0.0f64; dag.task_count()];
    let mut longest = 0.0f64;
    for &t in dag.topological_order() {
        let ready = dag.predecessors(t).map(|p| finish[p.index()]).fold(0.0, f64::max);
        finish[t.index()] = ready + costs.min_exec_secs(t);
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

/// Summary metrics; see [`Metrics`] for definitions.
pub fn compute(costs: &CostModel<'_>, result: &RunResult) -> Metrics {
    let platform = costs.platform();
    let makespan = result.makespan().as_secs_f64();
    let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };
    let busy: f64 = result
        .runs()
        .map(|r| f64::from(r.record.cores) * (r.record.end - r.record.start).as_secs_f64())
        .sum();
    let energy_j: f64 = result.node_energy_j.iter().sum();
    let dag = costs.dag();
    let bytes_moved = result.transfers.iter().map(|t| dag.edge(t.edge).bytes).sum();
    let speedup = ratio(best_sequential(costs), makespan);
    Metrics {
        makespan,
        slr: ratio(makespan, min_critical_path(costs)),
        speedup,
        efficiency: speedup / platform.total_cores() as f64,
        utilisation: ratio(busy, platform.total_cores() as f64 * makespan),
        energy_j,
        edp: energy_j * makespan,
        bytes_moved,
        lost_work: result
            .lost
            .iter()
            .map(|r| f64::from(r.cores) * ((r.end - r.start).as_secs_f64() - r.saved).max(0.0))
            .sum(),
        // The share of an aborted run that checkpoints saved was not wasted.
        wasted_energy_j: result
            .lost
            .iter()
            .map(|r| {
                let span = (r.end - r.start).as_secs_f64();
                let unsaved = if span > 0.0 {
                    ((span - r.saved) / span).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                busy_energy(platform, r.node, r.dvfs, r.cores, r.end - r.start) * unsaved
            })
            .sum(),
    }
}
