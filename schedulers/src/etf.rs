//! ETF: Earliest Time First.
//!
//! Hwang, Chow, Anger, Lee, "Scheduling precedence graphs in systems with
//! interprocessor communication times", SIAM J. Computing 18(2), 1989.
//! Static. Each step plans the (ready task, node) pair with the earliest
//! start time (no insertion), ties broken by the higher static level
//! ([`crate::rank::static_level`]), then earlier finish, lower task id,
//! lower node id. No mean transfer time is involved, so `comm_mean` does
//! not apply.
//! Complexity: O(n·r + e·p) with r the largest ready set (O(n²) worst case),
//! see [`crate::batch`]; plus the timeline search.
//!
//! With `compat=saga`, SAGA 2.1.0's `ETFScheduler`: time advances from one
//! task end to the next; at each such moment the ready tasks are planned on
//! the nodes idle at that moment, each step taking the task that can start
//! earliest, on the node where it can start earliest, as long as it starts
//! before the next task end. SAGA breaks ties by iterating Python sets of
//! task and node names, which [`crate::python_set`] reproduces as CPython
//! 3.12 orders them under `PYTHONHASHSEED=0` (the seed SAGA's reference
//! results are made with). Transfers within a node cross the node's self
//! link, as in SAGA (its strength is kept by the SAGA reader).
//! Complexity: O(n · r² · p · k) for in-degree k.

use crate::batch::{self, Rule};
use crate::definitions::Compat;
use crate::python_set::PySet;
use sim::{CostModel, Dag, Decisions, NodeId, Scheduler, SimView, TaskId};
use std::collections::HashMap;

#[doc = "See the module documentation."]
#[derive(Debug, Clone, Default)]
pub struct Etf {
    compat: Compat,
}

impl Etf {
    /// ETF following `compat`'s definitions.
    pub fn new(compat: Compat) -> Etf {
        Etf { compat }
    }
}

impl Scheduler for Etf {
    fn name(&self) -> &str {
        "etf"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        match self.compat {
            Compat::Paper => batch::plan(view.costs(), Rule::Etf).emit(out),
            Compat::Saga => emit(view, &saga_plan(view.costs()), out),
        }
    }
}

/// A planned task: node, start and end in seconds.
type Slot = (NodeId, f64, f64);

/// The order in which SAGA iterates `task_graph.tasks` for a task graph read
/// from a file that lists the tasks as the DAG does: the set built by adding
/// the names in file order, copied into the `frozenset` of `TaskGraph.create`,
/// then rebuilt by pydantic's validation of that field.
fn saga_task_order(dag: &Dag, task_id: &HashMap<&str, TaskId>) -> Vec<TaskId> {
    let added = PySet::from_adds(dag.tasks().iter().map(|t| t.name.as_str()));
    let validated = PySet::from_adds(added.frozen_copy().iter().collect::<Vec<_>>());
    validated.iter().map(|name| task_id[name]).collect()
}

/// Seconds to move `bytes` from `src` to `dst` as SAGA does: over the
/// network's link, or within a node over its self link (the diagonal the
/// SAGA reader keeps in the bandwidth matrix; free where it is 0 or absent).
fn saga_comm_secs(costs: &CostModel<'_>, src: NodeId, dst: NodeId, bytes: f64) -> f64 {
    if src != dst {
        return costs.comm_secs(src, dst, bytes);
    }
    let self_strength = match &costs.platform().spec().network {
        sim::platform::NetworkSpec::Dedicated {
            bandwidth_matrix: Some(m),
            ..
        } => m[src.index()][src.index()],
        _ => 0.0,
    };
    if self_strength > 0.0 {
        bytes / self_strength
    } else {
        0.0
    }
}

/// SAGA 2.1.0's ETF plan (see the module documentation), one slot per task.
fn saga_plan(costs: &CostModel<'_>) -> Vec<Option<Slot>> {
    let dag = costs.dag();
    let platform = costs.platform();
    let task_id: HashMap<&str, TaskId> = dag.task_ids().map(|t| (dag.task(t).name.as_str(), t)).collect();
    let task_order = saga_task_order(dag, &task_id);
    let node_id: HashMap<&str, NodeId> = platform
        .nodes()
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.as_str(), NodeId::new(i)))
        .collect();
    let node_names = PySet::from_adds(platform.nodes().iter().map(|n| n.name.as_str()));
    let mut slots: Vec<Option<Slot>> = vec![None; dag.task_count()];
    let mut last_end: Vec<Option<f64>> = vec![None; platform.node_count()];
    let mut n_planned = 0;
    let (mut now, mut next) = (0.0_f64, f64::INFINITY);
    while n_planned < dag.task_count() && now.is_finite() {
        let ready_names = task_order.iter().filter(|&&t| {
            slots[t.index()].is_none()
                && dag
                    .in_edges(t)
                    .iter()
                    .all(|&e| slots[dag.edge(e).src.index()].is_some())
        });
        let mut ready: Vec<TaskId> = PySet::from_adds(ready_names.map(|&t| dag.task(t).name.as_str()))
            .iter()
            .map(|name| task_id[name])
            .collect();
        let mut idle: Vec<NodeId> = PySet::from_adds(
            node_names
                .iter()
                .filter(|name| last_end[node_id[name].index()].is_none_or(|e| e <= now)),
        )
        .iter()
        .map(|name| node_id[name])
        .collect();
        while !ready.is_empty() && !idle.is_empty() {
            // The first task, in set order, with the earliest start on its
            // first node, in set order, with the earliest start.
            let mut best: Option<(usize, NodeId, f64)> = None;
            for (k, &task) in ready.iter().enumerate() {
                let mut on: Option<(NodeId, f64)> = None;
                for &node in &idle {
                    // Every predecessor of a ready task is planned.
                    let arrival = dag.in_edges(task).iter().fold(now, |latest, &e| {
                        let edge = dag.edge(e);
                        slots[edge.src.index()].map_or(latest, |(src_node, _, src_end)| {
                            latest.max(src_end + saga_comm_secs(costs, src_node, node, edge.bytes))
                        })
                    });
                    if on.is_none_or(|(_, s)| arrival < s) {
                        on = Some((node, arrival));
                    }
                }
                if let Some((node, start)) = on
                    && best.is_none_or(|(_, _, s)| start < s)
                {
                    best = Some((k, node, start));
                }
            }
            let Some((k, node, start)) = best else { break };
            let start = start.max(now);
            if start > next {
                break;
            }
            let task = ready.remove(k);
            let end = start + costs.exec_secs(task, node, dag.task(task).parallelism.min_cores, 0);
            slots[task.index()] = Some((node, start, end));
            last_end[node.index()] = Some(end);
            idle.retain(|&q| q != node);
            n_planned += 1;
            next = next.min(end);
        }
        now = next;
        next = slots
            .iter()
            .flatten()
            .map(|&(_, _, end)| end)
            .filter(|&end| end > now)
            .fold(f64::INFINITY, f64::min);
    }
    slots
}

/// Assigns every planned task in planned start order (ties in topological
/// order), which the engine's FIFO node queues follow.
fn emit(view: &SimView<'_>, slots: &[Option<Slot>], out: &mut Decisions) {
    let dag = view.dag();
    let mut position = vec![0usize; dag.task_count()];
    for (i, &t) in dag.topological_order().iter().enumerate() {
        position[t.index()] = i;
    }
    let mut planned: Vec<(f64, usize, TaskId, NodeId)> = slots
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|(node, start, _)| (start, position[i], TaskId::new(i), node)))
        .collect();
    planned.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (_, _, task, node) in planned {
        out.assign(view, task, node);
    }
}
