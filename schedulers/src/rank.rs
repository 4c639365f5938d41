//! Task priorities shared by list schedulers: upward and downward ranks.
//!
//! Both use HEFT's averages: a task's mean execution time over the nodes that
//! can host it, and an edge's mean transfer time [`CostModel::mean_comm_secs`]
//! (by the definition the cost model carries, see [`sim::CommMean`]). Each is one pass over the DAG in (reverse) topological order:
//! O(n·p + e).

use sim::{CostModel, Dag, TaskId, TaskWindow};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// `rank_u(t) = w̄(t) + max over successors s of (c̄(t,s) + rank_u(s))`
/// (Topcuoglu et al. 2002, eq. 5). Indexed by task.
pub fn upward(costs: &CostModel<'_>) -> Vec<f64> {
    let mean_exec = costs.mean_exec_secs_all();
    upward_with(costs, |t| mean_exec[t.index()])
}

/// [`upward`] with `mean_exec(t)` as the average computation cost of `t`
/// (e.g. corrected by learned node speeds).
pub fn upward_with(costs: &CostModel<'_>, mean_exec: impl Fn(TaskId) -> f64) -> Vec<f64> {
    let mut rank = TaskWindow::default();
    upward_extend(costs, &mut rank, mean_exec);
    rank.into_live()
}

/// Extends `rank` (the upward ranks of the first `rank.len()` tasks) to every
/// task of the DAG: the ranks of a job stream's jobs as they arrive, in time
/// proportional to the new tasks. The tasks from `rank.len()` on must have no
/// edge to an earlier task, as [`sim::Dag::append`] guarantees.
pub fn upward_extend(costs: &CostModel<'_>, rank: &mut TaskWindow<f64>, mean_exec: impl Fn(TaskId) -> f64) {
    let first = rank.len();
    upward_from(costs, rank, first, mean_exec);
}

/// Recomputes the upward ranks of the tasks from `first` on (not retired from
/// `rank`; with no edge from a later task to an earlier one, as the tasks of
/// a job stream's jobs from a job's first task on), growing `rank` to every
/// task of the DAG.
pub fn upward_from(costs: &CostModel<'_>, rank: &mut TaskWindow<f64>, first: usize, mean_exec: impl Fn(TaskId) -> f64) {
    let dag = costs.dag();
    rank.resize(dag.task_count(), 0.0);
    for &t in dag.topological_order_from(TaskId::new(first)).iter().rev() {
        let tail = dag
            .out_edges(t)
            .iter()
            .map(|&e| {
                let edge = dag.edge(e);
                costs.mean_comm_secs(edge.bytes) + rank[edge.dst.index()]
            })
            .fold(0.0, f64::max);
        rank[t.index()] = mean_exec(t) + tail;
    }
}

/// `rank_d(t) = max over predecessors p of (rank_d(p) + w̄(p) + c̄(p,t))`
/// (Topcuoglu et al. 2002, eq. 6). Indexed by task.
pub fn downward(costs: &CostModel<'_>) -> Vec<f64> {
    let dag = costs.dag();
    let mean_exec = costs.mean_exec_secs_all();
    let mut rank = vec![0.0f64; dag.task_count()];
    for &t in dag.topological_order() {
        rank[t.index()] = dag
            .in_edges(t)
            .iter()
            .map(|&e| {
                let edge = dag.edge(e);
                rank[edge.src.index()] + mean_exec[edge.src.index()] + costs.mean_comm_secs(edge.bytes)
            })
            .fold(0.0, f64::max);
    }
    rank
}

/// SAGA 2.1.0's downward rank, used by its CPOP:
/// `rank_d(t) = max over predecessors p of (rank_d(p) + c̄(p,t) + w(t) / s̄)`,
/// with `w(t) / s̄` the task's work over the mean node speed for its kind,
/// where the paper adds the predecessor's mean execution time `w̄(p)`.
/// Indexed by task. O(n·p + e).
pub fn downward_saga(costs: &CostModel<'_>) -> Vec<f64> {
    let dag = costs.dag();
    let platform = costs.platform();
    let mean_speed = |t: TaskId| {
        let kind = dag.kind_name(dag.task(t).kind);
        let sum: f64 = platform
            .nodes()
            .iter()
            .map(|n| n.speed * n.kind_speed.get(kind).copied().unwrap_or(1.0))
            .sum();
        sum / platform.node_count().max(1) as f64
    };
    let mut rank = vec![0.0f64; dag.task_count()];
    for &t in dag.topological_order() {
        let own = dag.task(t).work / mean_speed(t);
        rank[t.index()] = dag
            .in_edges(t)
            .iter()
            .map(|&e| {
                let edge = dag.edge(e);
                rank[edge.src.index()] + costs.mean_comm_secs(edge.bytes) + own
            })
            .fold(0.0, f64::max);
    }
    rank
}

/// Tasks sorted by decreasing `priority`, ties broken by topological position,
/// so that a task always comes after its predecessors when priorities are
/// non-increasing along edges (as upward ranks are).
pub fn order_by_decreasing(costs: &CostModel<'_>, priority: &[f64]) -> Vec<TaskId> {
    let dag = costs.dag();
    let mut position = vec![0u32; dag.task_count()];
    for (i, &t) in dag.topological_order().iter().enumerate() {
        position[t.index()] = i as u32;
    }
    let mut order: Vec<TaskId> = dag.task_ids().collect();
    order.sort_by(|&a, &b| {
        priority[b.index()]
            .total_cmp(&priority[a.index()])
            .then(position[a.index()].cmp(&position[b.index()]))
    });
    order
}

/// Static level (Adam, Chandy, Dickson 1974): the longest path to an exit
/// task counting only mean execution times, `sl(t) = w̄(t) + max over
/// successors s of sl(s)`. Indexed by task. O(n·p + e).
pub fn static_level(costs: &CostModel<'_>) -> Vec<f64> {
    static_level_with(costs.dag(), &costs.mean_exec_secs_all())
}

/// Static level with given per-task `weights` (seconds, indexed by task):
/// `sl(t) = weights[t] + max over successors s of sl(s)`. O(n + e).
pub fn static_level_with(dag: &Dag, weights: &[f64]) -> Vec<f64> {
    let mut level = vec![0.0f64; dag.task_count()];
    for &t in dag.topological_order().iter().rev() {
        let tail = dag.successors(t).map(|s| level[s.index()]).fold(0.0, f64::max);
        level[t.index()] = weights[t.index()] + tail;
    }
    level
}

/// Best imaginary level (Oh & Ha 1996): how long `task` and its descendants
/// would take from `task`'s start on `node` if every task had a node of its
/// choice to itself,
/// `BIL(t, p) = w(t, p) + max over successors s of min over nodes q of (BIL(s, q) + c(t→s, p, q))`,
/// with `c` the transfer time between `p` and `q` (zero for `q = p`).
/// The paper has one cost per edge; this uses the platform's cost for each
/// pair of nodes (as SAGA does), so on a chain `min over p of BIL` is the
/// optimal makespan. Row-major `[task · node_count + node]`, infinite where
/// `node` cannot host the task. O(n·p + e·p²).
pub fn best_imaginary_level(costs: &CostModel<'_>) -> Vec<f64> {
    let dag = costs.dag();
    let platform = costs.platform();
    let n_nodes = platform.node_count();
    let mut bil = vec![f64::INFINITY; dag.task_count() * n_nodes];
    for &t in dag.topological_order().iter().rev() {
        let cores = dag.task(t).parallelism.min_cores;
        for p in platform.node_ids().filter(|&p| costs.can_run(t, p)) {
            let tail = dag
                .out_edges(t)
                .iter()
                .map(|&e| {
                    let edge = dag.edge(e);
                    let child = &bil[edge.dst.index() * n_nodes..][..n_nodes];
                    platform
                        .node_ids()
                        .map(|q| child[q.index()] + costs.comm_secs(p, q, edge.bytes))
                        .fold(f64::INFINITY, f64::min)
                })
                .fold(0.0, f64::max);
            bil[t.index() * n_nodes + p.index()] = costs.exec_secs(t, p, cores, 0) + tail;
        }
    }
    bil
}

/// The order in which a list scheduler with a ready list takes tasks: each
/// step takes the ready task (all predecessors taken) of highest `priority`,
/// ties broken by lower task id. Unlike [`order_by_decreasing`] this is a
/// valid topological order for any priority. O(n log n + e).
pub fn ready_list(dag: &Dag, priority: &[f64]) -> Vec<TaskId> {
    let mut waiting: Vec<u32> = dag.task_ids().map(|t| dag.in_edges(t).len() as u32).collect();
    let mut ready: BinaryHeap<ByPriority> = dag.entry_tasks().map(|t| ByPriority(priority[t.index()], t)).collect();
    let mut order = Vec::with_capacity(dag.task_count());
    while let Some(ByPriority(_, task)) = ready.pop() {
        order.push(task);
        for s in dag.successors(task) {
            waiting[s.index()] -= 1;
            if waiting[s.index()] == 0 {
                ready.push(ByPriority(priority[s.index()], s));
            }
        }
    }
    order
}

/// A task keyed by priority for a max-heap, ties by lower id.
#[derive(PartialEq)]
struct ByPriority(f64, TaskId);

impl Eq for ByPriority {}

impl PartialOrd for ByPriority {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ByPriority {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
    }
}
