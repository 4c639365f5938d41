//! FLB: Fast Load Balancing.
//!
//! Radulescu, van Gemund, "FLB: Fast load balancing for distributed-memory
//! machines", ICPP 1999.
//! Static. A fast approximation of ETF: instead of trying every ready task on
//! every node, each step compares two candidates and plans the one that can
//! start earlier (ties: the first, then the higher upward rank):
//! 1. for every node, the ready task *enabled* by it (its last input, at mean
//!    transfer cost, comes from there) whose inputs arrive there first;
//! 2. the ready task whose last input arrives first (at mean transfer cost)
//!    on the node that becomes free first.
//!
//! Tasks go without insertion. Like the paper (written for identical
//! processors) it compares start times, not finish times.
//! Complexity: O(n·(log n + p) + e) plus the timeline search.
//!
//! Mean transfer times: the paper's links are identical, where every definition agrees;
//! on differing links HEFT's `c̄ = L̄ + data / B̄` (`comm_mean=rate`, the default;
//! `comm_mean=time` for the mean of the transfer times).

use crate::list::ListPlanner;
use crate::rank;
use sim::{Decisions, NodeId, Scheduler, SimDuration, SimTime, SimView, TaskId};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Fast Load Balancing (non-insertion, as in the paper).
#[derive(Debug, Clone, Default)]
pub struct Flb;

/// A heap entry: earliest time first, then higher rank, then lower id.
type Keyed = Reverse<(SimTime, Reverse<u64>, TaskId)>;

/// A choice's key: start, which list (enabled first), higher rank.
type Choice = (SimTime, u8, Reverse<u64>);

impl Scheduler for Flb {
    fn name(&self) -> &str {
        "flb"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let dag = view.dag();
        let platform = view.platform();
        let rank_ns: Vec<u64> = rank::upward(costs)
            .into_iter()
            .map(|r| SimDuration::from_secs_f64(r).as_nanos())
            .collect();
        let mut planner = ListPlanner::new(costs, false);
        let mut waiting: Vec<u32> = dag.task_ids().map(|t| dag.in_edges(t).len() as u32).collect();
        let mut planned = vec![false; dag.task_count()];
        // Per node: tasks it enables, keyed by when their inputs arrive there.
        let mut enabled: Vec<BinaryHeap<Keyed>> = vec![BinaryHeap::new(); platform.node_count()];
        // Every ready task, keyed by when its last input arrives at mean cost.
        let mut by_arrival: BinaryHeap<Keyed> = BinaryHeap::new();
        let make_ready = |planner: &ListPlanner<'_, '_>,
                          enabled: &mut Vec<BinaryHeap<Keyed>>,
                          by_arrival: &mut BinaryHeap<Keyed>,
                          task: TaskId| {
            let rank = Reverse(rank_ns[task.index()]);
            let mut last: Option<(SimTime, Reverse<NodeId>)> = None;
            for &e in dag.in_edges(task) {
                let edge = dag.edge(e);
                if let Some(p) = planner.placement(edge.src) {
                    let arrival = p.end + SimDuration::from_secs_f64(costs.mean_comm_secs(edge.bytes));
                    let key = (arrival, Reverse(p.node));
                    if last.is_none_or(|k| key > k) {
                        last = Some(key);
                    }
                }
            }
            let release = SimTime::from_secs_f64(dag.task(task).release);
            let arrival = last.map_or(release, |(t, _)| t.max(release));
            by_arrival.push(Reverse((arrival, rank, task)));
            if let Some((_, Reverse(node))) = last
                && costs.can_run(task, node)
            {
                enabled[node.index()].push(Reverse((planner.data_ready(task, node), rank, task)));
            }
        };
        for task in dag.entry_tasks() {
            make_ready(&planner, &mut enabled, &mut by_arrival, task);
        }
        loop {
            // Drop tasks planned through the other list.
            for heap in enabled.iter_mut().chain(std::iter::once(&mut by_arrival)) {
                while heap.peek().is_some_and(|Reverse((_, _, t))| planned[t.index()]) {
                    heap.pop();
                }
            }
            let mut best: Option<(Choice, TaskId, NodeId)> = None;
            for (n, heap) in enabled.iter().enumerate() {
                if let Some(&Reverse((ready, rank, task))) = heap.peek() {
                    let node = NodeId::new(n);
                    let lanes = costs.planned_cores(task, node, dag.task(task).parallelism.min_cores);
                    let key = (ready.max(planner.available(node, lanes)), 0, rank);
                    if best.is_none_or(|(k, _, _)| key < k) {
                        best = Some((key, task, node));
                    }
                }
            }
            if let Some(&Reverse((_, rank, task))) = by_arrival.peek() {
                let cores = dag.task(task).parallelism.min_cores;
                let lanes = |n| costs.planned_cores(task, n, cores);
                let first_free = platform
                    .node_ids()
                    .filter(|&n| costs.can_run(task, n))
                    .min_by_key(|&n| (planner.available(n, lanes(n)), n));
                if let Some(node) = first_free {
                    let start = planner.data_ready(task, node).max(planner.available(node, lanes(node)));
                    let key = (start, 1, rank);
                    if best.is_none_or(|(k, _, _)| key < k) {
                        best = Some((key, task, node));
                    }
                }
            }
            let Some((_, task, node)) = best else { break };
            match planner.candidate(task, node) {
                Some(c) => planner.place(task, c),
                None => planner.place_best(task),
            }
            planned[task.index()] = true;
            for s in dag.successors(task) {
                waiting[s.index()] -= 1;
                if waiting[s.index()] == 0 {
                    make_ready(&planner, &mut enabled, &mut by_arrival, s);
                }
            }
        }
        planner.emit(out);
    }
}
