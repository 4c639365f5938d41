//! Task priorities shared by list schedulers: upward and downward ranks.
//!
//! Both use HEFT's averages: a task's mean execution time over the nodes that
//! can host it, and an edge's mean transfer time over all pairs of distinct
//! nodes. Each is one pass over the DAG in (reverse) topological order:
//! O(n·p + e).

use sim::{CostModel, TaskId};

/// `rank_u(t) = w̄(t) + max over successors s of (c̄(t,s) + rank_u(s))`
/// (Topcuoglu et al. 2002, eq. 5). Indexed by task.
pub fn upward(costs: &CostModel<'_>) -> Vec<f64> {
    let dag = costs.dag();
    let mut rank = vec![0.0f64; dag.task_count()];
    for &t in dag.topological_order().iter().rev() {
        let tail = dag
            .out_edges(t)
            .iter()
            .map(|&e| {
                let edge = dag.edge(e);
                costs.mean_comm_secs(edge.bytes) + rank[edge.dst.index()]
            })
            .fold(0.0, f64::max);
        rank[t.index()] = costs.mean_exec_secs(t) + tail;
    }
    rank
}

/// `rank_d(t) = max over predecessors p of (rank_d(p) + w̄(p) + c̄(p,t))`
/// (Topcuoglu et al. 2002, eq. 6). Indexed by task.
pub fn downward(costs: &CostModel<'_>) -> Vec<f64> {
    let dag = costs.dag();
    let mut rank = vec![0.0f64; dag.task_count()];
    for &t in dag.topological_order() {
        rank[t.index()] = dag
            .in_edges(t)
            .iter()
            .map(|&e| {
                let edge = dag.edge(e);
                rank[edge.src.index()] + costs.mean_exec_secs(edge.src) + costs.mean_comm_secs(edge.bytes)
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
