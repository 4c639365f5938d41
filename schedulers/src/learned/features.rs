//! Features the learned schedulers read: one vector per (task, candidate
//! node) for the learned list scheduler, one per (DAG, platform, conditions)
//! instance for algorithm selection.
//!
//! Every feature is dimensionless (times are divided by the task's mean
//! execution time, sizes are logarithms), so a model trained on small DAGs
//! and one platform scale reads the same values on others.

use crate::list::{Candidate, ListPlanner};
use crate::{peft, rank};
use sim::{CostModel, TaskId};

/// Names of the per-candidate features, in order.
pub const CANDIDATE_FEATURES: [&str; 9] = [
    "eft_gap",
    "peft_gap",
    "exec_ratio",
    "transfer_gap",
    "idle_left",
    "node_speed",
    "critical_x_eft_gap",
    "fanout_x_peft_gap",
    "bytes_out_x_node_speed",
];

/// One candidate's features, in the order of [`CANDIDATE_FEATURES`].
pub type CandidateFeatures = [f64; CANDIDATE_FEATURES.len()];

/// Per-DAG quantities the candidate features need, computed once: O(e·p²)
/// for PEFT's optimistic cost table, O(n·p + e) for the rest.
pub struct Context {
    /// Upward ranks (HEFT's priority), indexed by task.
    pub upward: Vec<f64>,
    downward: Vec<f64>,
    oct: Vec<f64>,
    critical_path: f64,
    max_speed: f64,
}

impl Context {
    /// Precomputes ranks and PEFT's optimistic cost table.
    pub fn new(costs: &CostModel<'_>) -> Context {
        let upward = rank::upward(costs);
        let downward = rank::downward(costs);
        let critical_path = upward.iter().zip(&downward).map(|(u, d)| u + d).fold(0.0, f64::max);
        let max_speed = costs.platform().nodes().iter().map(|n| n.speed).fold(0.0, f64::max);
        Context {
            upward,
            downward,
            oct: peft::optimistic_cost_table(costs),
            critical_path,
            max_speed,
        }
    }
}

/// Writes one feature vector per candidate of `task` into `out` (cleared
/// first). O(p·(k + 1)) for p candidates and in-degree k.
///
/// - `eft_gap`: finish time minus the best candidate's, over the task's mean
///   execution time (HEFT picks 0);
/// - `peft_gap`: the same for finish time plus PEFT's optimistic cost to the exit;
/// - `exec_ratio`: execution time on the node over the task's mean;
/// - `transfer_gap`: data-ready time minus the best candidate's (estimated transfers);
/// - `idle_left`: idle time the placement leaves on the node before the task;
/// - `node_speed`: core speed over the fastest node's;
/// - `critical_x_eft_gap`: `eft_gap` times how critical the task is
///   (upward + downward rank over the critical path);
/// - `fanout_x_peft_gap`: `peft_gap` times ln(1 + out-degree);
/// - `bytes_out_x_node_speed`: `node_speed` times ln(1 + mean transfer time of
///   the task's outputs over its mean execution time).
pub fn candidates(
    planner: &ListPlanner<'_, '_>,
    context: &Context,
    costs: &CostModel<'_>,
    task: TaskId,
    candidates: &[Candidate],
    out: &mut Vec<CandidateFeatures>,
) {
    out.clear();
    let dag = costs.dag();
    let platform = costs.platform();
    let n_nodes = platform.node_count();
    let cores = dag.task(task).parallelism.min_cores;
    let scale = costs.mean_exec_secs(task).max(1e-9);
    let raw: Vec<[f64; 5]> = candidates
        .iter()
        .map(|c| {
            let exec = costs.exec_secs(task, c.node, cores, 0);
            let end = c.end.as_secs_f64();
            let ready = planner.data_ready(task, c.node).as_secs_f64();
            let idle = (c.slot.start.as_secs_f64() - planner.available(c.node, cores).as_secs_f64()).max(0.0);
            let oct = context.oct[task.index() * n_nodes + c.node.index()];
            [end, end + oct, exec, ready, idle]
        })
        .collect();
    let min = |i: usize| raw.iter().map(|r| r[i]).fold(f64::INFINITY, f64::min);
    let (min_eft, min_peft, min_ready) = (min(0), min(1), min(3));
    let critical = (context.upward[task.index()] + context.downward[task.index()]) / context.critical_path.max(1e-9);
    let fanout = (1.0 + dag.out_edges(task).len() as f64).ln();
    let out_comm: f64 = dag
        .out_edges(task)
        .iter()
        .map(|&e| costs.mean_comm_secs(dag.edge(e).bytes))
        .sum::<f64>()
        / dag.out_edges(task).len().max(1) as f64;
    let bytes_out = (1.0 + out_comm / scale).ln();
    for (c, r) in candidates.iter().zip(&raw) {
        let eft_gap = (r[0] - min_eft) / scale;
        let peft_gap = (r[1] - min_peft) / scale;
        let speed = platform.node(c.node).speed / context.max_speed.max(1e-9);
        out.push([
            eft_gap,
            peft_gap,
            r[2] / scale,
            (r[3] - min_ready) / scale,
            r[4] / scale,
            speed,
            critical * eft_gap,
            fanout * peft_gap,
            bytes_out * speed,
        ]);
    }
}

/// Names of the per-instance features of algorithm selection, in order.
pub const INSTANCE_FEATURES: [&str; 9] = [
    "ln_tasks",
    "ln_depth",
    "ln_width",
    "ln_nodes",
    "ln_ccr",
    "heterogeneity",
    "parallelism",
    "noise",
    "failures_per_critical_path",
];

/// One instance's features, in the order of [`INSTANCE_FEATURES`].
pub type InstanceFeatures = [f64; INSTANCE_FEATURES.len()];

/// Features of a DAG on a platform under runtime noise `noise` (log-normal σ)
/// and node failures at `failure_rate` per node per second. O(n·p + e).
///
/// - sizes: ln of tasks, depth (levels), width (most tasks on a level) and nodes;
/// - `ln_ccr`: ln of the mean edge's mean transfer time over the mean task's
///   mean execution time on this platform (plus 10⁻³, so CCR 0 is finite);
/// - `heterogeneity`: the mean over tasks of the coefficient of variation of
///   their execution times across nodes;
/// - `parallelism`: total mean work over the critical path, over the node count;
/// - `failures_per_critical_path`: expected failures of one node while the critical path runs.
pub fn instance(costs: &CostModel<'_>, noise: f64, failure_rate: f64) -> InstanceFeatures {
    let dag = costs.dag();
    let platform = costs.platform();
    let n_tasks = dag.task_count().max(1) as f64;
    let mut level = vec![0usize; dag.task_count()];
    for &t in dag.topological_order() {
        level[t.index()] = dag.predecessors(t).map(|p| level[p.index()] + 1).max().unwrap_or(0);
    }
    let depth = level.iter().max().map_or(0, |&l| l + 1);
    let mut per_level = vec![0usize; depth];
    for &l in &level {
        per_level[l] += 1;
    }
    let width = per_level.iter().copied().max().unwrap_or(0);
    let mut work = 0.0;
    let mut spread = 0.0;
    for t in dag.task_ids() {
        let cores = dag.task(t).parallelism.min_cores;
        let times: Vec<f64> = platform
            .node_ids()
            .filter(|&p| costs.can_run(t, p))
            .map(|p| costs.exec_secs(t, p, cores, 0))
            .collect();
        let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
        let var = times.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / times.len().max(1) as f64;
        work += mean;
        if mean > 0.0 {
            spread += var.sqrt() / mean;
        }
    }
    let mean_comm =
        dag.edges().iter().map(|e| costs.mean_comm_secs(e.bytes)).sum::<f64>() / dag.edge_count().max(1) as f64;
    let ccr = mean_comm / (work / n_tasks).max(1e-12);
    let critical_path = rank::upward(costs).into_iter().fold(0.0, f64::max);
    let n_nodes = platform.node_count() as f64;
    [
        n_tasks.ln(),
        (depth.max(1) as f64).ln(),
        (width.max(1) as f64).ln(),
        n_nodes.ln(),
        (ccr + 1e-3).ln(),
        spread / n_tasks,
        work / critical_path.max(1e-12) / n_nodes,
        noise,
        failure_rate * critical_path,
    ]
}
