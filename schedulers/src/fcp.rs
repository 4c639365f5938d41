//! FCP: Fast Critical Path.
//!
//! Radulescu, van Gemund, "On the complexity of list scheduling algorithms
//! for distributed-memory systems", ICS 1999.
//! Static. Ready tasks are taken by highest upward rank (b-level with mean
//! costs; ties: lower id). Each is considered on two nodes only: its
//! *enabling* node, the one its last-arriving input (at mean transfer cost)
//! comes from, and the node
//! that becomes free first; it goes, without insertion, to the one where it
//! finishes earlier (the paper's homogeneous setting compares start times,
//! which is the same there; ties: earlier start, lower node id).
//! Complexity: O(n log n + e + n·p) plus the timeline search on two nodes
//! per task.
//!
//! Mean transfer times: the paper's links are identical, where every definition agrees;
//! on differing links HEFT's `c̄ = L̄ + data / B̄` (`comm_mean=rate`, the default;
//! `comm_mean=time` for the mean of the transfer times).

use crate::list::ListPlanner;
use crate::rank;
use sim::{Decisions, NodeId, Scheduler, SimDuration, SimTime, SimView};
use std::cmp::Reverse;

/// Fast Critical Path (non-insertion, as in the paper).
#[derive(Debug, Clone, Default)]
pub struct Fcp;

impl Scheduler for Fcp {
    fn name(&self) -> &str {
        "fcp"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let dag = view.dag();
        let platform = view.platform();
        let ranks = rank::upward(costs);
        let mut planner = ListPlanner::new(costs, false);
        for task in rank::ready_list(dag, &ranks) {
            let cores = dag.task(task).parallelism.min_cores;
            // The enabling node: where the input that would arrive last (at
            // mean transfer cost) comes from; ties: the lower node id.
            let mut enabling: Option<(SimTime, Reverse<NodeId>)> = None;
            for &e in dag.in_edges(task) {
                let edge = dag.edge(e);
                if let Some(p) = planner.placement(edge.src) {
                    let arrival = p.end + SimDuration::from_secs_f64(costs.mean_comm_secs(edge.bytes));
                    let key = (arrival, Reverse(p.node));
                    if enabling.is_none_or(|k| key > k) {
                        enabling = Some(key);
                    }
                }
            }
            let first_free = platform
                .node_ids()
                .filter(|&n| costs.can_run(task, n))
                .min_by_key(|&n| (planner.available(n, costs.planned_cores(task, n, cores)), n));
            let candidates = [enabling.map(|(_, Reverse(n))| n), first_free];
            let best = candidates
                .into_iter()
                .flatten()
                .filter_map(|n| planner.candidate(task, n))
                .min_by_key(|c| (c.end, c.slot.start, c.node));
            match best {
                Some(c) => planner.place(task, c),
                None => planner.place_best(task),
            }
        }
        planner.emit(out);
    }
}
