//! Online EFT: greedy earliest finish time on tasks as they become ready.
//!
//! Online. Ready tasks of one batch are taken in decreasing upward rank; each
//! goes to the node where, by the estimates, it would finish earliest given
//! when its inputs can arrive and when the node's cores are expected to be
//! free. The policy learns nothing about the future: it sees finish times as
//! they happen, and corrects a core's expected free time by the observed
//! deviation of every finished task.
//! Complexity: O(p·(k + c)) per task, with k its in-degree and c cores per node.

use crate::rank;
use sim::{Decisions, NodeId, Scheduler, SimTime, SimView, TaskId, TaskState, Update};

/// Online earliest-finish-time list scheduling.
#[derive(Debug, Clone, Default)]
pub struct OnlineEft {
    rank: Vec<f64>,
    /// Expected time each core of each node becomes free.
    core_free: Vec<Vec<SimTime>>,
    /// Expected end and core of each assigned task.
    expected: Vec<(SimTime, NodeId, u32)>,
    /// Ready tasks not yet placed (all nodes that could host them were down).
    batch: Vec<TaskId>,
}

impl Scheduler for OnlineEft {
    fn name(&self) -> &str {
        "online-eft"
    }

    fn plan(&mut self, view: &SimView<'_>, _out: &mut Decisions) {
        self.rank = rank::upward(view.costs());
        self.core_free = view
            .platform()
            .nodes()
            .iter()
            .map(|n| vec![SimTime::ZERO; n.cores as usize])
            .collect();
        self.expected = vec![(SimTime::ZERO, NodeId::new(0), 0); view.dag().task_count()];
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        let now = view.now();
        for &task in update.finished {
            let (expected_end, planned_node, core) = self.expected[task.index()];
            // A failure may have moved the task elsewhere; then there is nothing to correct.
            if let TaskState::Done { node, end, .. } = view.task_state(task)
                && node == planned_node
                && let Some(free) = self.core_free[node.index()].get_mut(core as usize)
            {
                // Shift the core's horizon by how much this task over- or under-ran.
                *free = if end >= expected_end {
                    *free + (end - expected_end)
                } else {
                    SimTime::from_nanos(free.as_nanos().saturating_sub((expected_end - end).as_nanos()))
                };
                *free = (*free).max(now);
            }
        }
        // Tasks that found no up node last time wait in the batch for the next update.
        self.batch.extend_from_slice(update.ready);
        let rank = &self.rank;
        self.batch
            .sort_by(|a, b| rank[b.index()].total_cmp(&rank[a.index()]).then(a.cmp(b)));
        self.batch.dedup();
        let mut unplaced = Vec::new();
        for i in 0..self.batch.len() {
            let task = self.batch[i];
            match self.best_node(view, task) {
                Some((node, start, cores)) => {
                    let end = start + view.costs().exec_time(task, node);
                    for &core in &cores {
                        self.core_free[node.index()][core as usize] = end;
                    }
                    self.expected[task.index()] = (end, node, cores[0]);
                    out.assign(view, task, node);
                }
                None => unplaced.push(task),
            }
        }
        self.batch = unplaced;
    }
}

impl OnlineEft {
    /// Node, expected start and cores with the earliest expected finish.
    fn best_node(&self, view: &SimView<'_>, task: TaskId) -> Option<(NodeId, SimTime, Vec<u32>)> {
        let dag = view.dag();
        let costs = view.costs();
        let cores = dag.task(task).parallelism.min_cores as usize;
        let mut best: Option<(SimTime, NodeId, SimTime, Vec<u32>)> = None;
        for node in view.platform().node_ids() {
            let free = &self.core_free[node.index()];
            if free.len() < cores || !view.node_up(node) {
                continue;
            }
            let ready = view.inputs_ready(task, node);
            // The `cores` cores that free first; the task starts when the last of them is free.
            let mut order: Vec<(SimTime, u32)> = free.iter().enumerate().map(|(c, &t)| (t, c as u32)).collect();
            order.sort_unstable();
            order.truncate(cores);
            let start = ready.max(order[cores - 1].0);
            let end = start + costs.exec_time(task, node);
            if best.as_ref().is_none_or(|b| end < b.0) {
                best = Some((end, node, start, order.into_iter().map(|(_, c)| c).collect()));
            }
        }
        best.map(|(_, node, start, cores)| (node, start, cores))
    }
}
