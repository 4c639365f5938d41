//! FastestNode: every task on the one node that runs the whole DAG fastest.
//!
//! The serial baseline of SAGA (Coleman, Krishnamachari, "Scheduling
//! algorithms gauntlet", 2023) and of speedup/SLR definitions.
//! Static. The node with the least total execution time over all tasks it can
//! host (ties: lowest id) runs them in ready order (ties by lower id); a task
//! needing more cores than that node has goes, without insertion, to the node
//! where it completes earliest.
//! Complexity: O(n·p + n log n + e) plus the timeline search.

use crate::list::ListPlanner;
use crate::rank;
use sim::{Decisions, Scheduler, SimView};

/// Everything on the fastest node.
#[derive(Debug, Clone, Default)]
pub struct FastestNode;

impl Scheduler for FastestNode {
    fn name(&self) -> &str {
        "fastest-node"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let dag = view.dag();
        let platform = view.platform();
        let fastest = platform.node_ids().min_by_key(|&n| {
            let (hosted, total) = dag
                .task_ids()
                .filter(|&t| costs.can_run(t, n))
                .fold((0usize, 0u64), |(k, sum), t| {
                    (k + 1, sum + costs.exec_time(t, n).as_nanos())
                });
            // More hosted tasks first, then the least total time, then the lowest id.
            (std::cmp::Reverse(hosted), total, n)
        });
        let mut planner = ListPlanner::new(costs, false);
        let no_priority = vec![0.0; dag.task_count()];
        for task in rank::ready_list(dag, &no_priority) {
            let candidate = fastest.and_then(|n| planner.candidate(task, n));
            match candidate {
                Some(c) => planner.place(task, c),
                None => planner.place_best(task),
            }
        }
        planner.emit(out);
    }
}
