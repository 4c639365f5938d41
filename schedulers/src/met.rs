//! MET: Minimum Execution Time.
//!
//! Armstrong, Hensgen, Kidd, HCW 1998; as compared in Braun et al., JPDC
//! 61(6), 2001 (there called "user-directed assignment").
//! Static. Tasks are taken in the order they become ready (ties by lower id)
//! and each goes, without insertion, to the node where it executes fastest,
//! regardless of that node's load. Among equally fast nodes it takes the one
//! where the task completes earliest (so on identical nodes MET behaves like
//! MCT rather than piling every task on node 0), then the lowest id.
//! Complexity: O(n log n + e·p) plus the timeline search.

use crate::list::ListPlanner;
use crate::rank;
use sim::{Decisions, Scheduler, SimView};

/// Minimum execution time, one task at a time in ready order.
#[derive(Debug, Clone, Default)]
pub struct Met;

impl Scheduler for Met {
    fn name(&self) -> &str {
        "met"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let mut planner = ListPlanner::new(view.costs(), false);
        let no_priority = vec![0.0; view.dag().task_count()];
        for task in rank::ready_list(view.dag(), &no_priority) {
            if let Some(c) = planner.best_by(task, |c| (c.end - c.slot.start, c.end)) {
                planner.place(task, c);
            }
        }
        planner.emit(out);
    }
}
