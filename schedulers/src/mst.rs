//! MST: Minimum Start Time.
//!
//! The immediate-mode baseline of SAGA (Coleman, Krishnamachari,
//! "Scheduling algorithms gauntlet", 2023), next to MCT, MET and OLB.
//! Static. Tasks are taken in the order they become ready (ties by lower id)
//! and each goes, without insertion, to the node where it can start earliest,
//! counting when its inputs arrive (ties: earliest finish, lowest node id).
//! Complexity: O(n log n + e·p) plus the timeline search.

use crate::list::ListPlanner;
use crate::rank;
use sim::{Decisions, Scheduler, SimView};

/// Minimum start time, one task at a time in ready order.
#[derive(Debug, Clone, Default)]
pub struct Mst;

impl Scheduler for Mst {
    fn name(&self) -> &str {
        "mst"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let mut planner = ListPlanner::new(view.costs(), false);
        let no_priority = vec![0.0; view.dag().task_count()];
        for task in rank::ready_list(view.dag(), &no_priority) {
            if let Some(c) = planner.best_by(task, |c| (c.slot.start, c.end)) {
                planner.place(task, c);
            }
        }
        planner.emit(out);
    }
}
