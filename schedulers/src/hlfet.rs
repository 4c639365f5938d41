//! HLFET: Highest Level First with Estimated Times.
//!
//! Adam, Chandy, Dickson, "A comparison of list schedules for parallel
//! processing systems", CACM 17(12), 1974; as surveyed in Kwok & Ahmad, ACM
//! Computing Surveys 31(4), 1999.
//! Static. Priority is the static level (b-level without communication, mean
//! execution times, see [`crate::rank::static_level`]). Ready tasks are taken
//! by highest static level (ties: lower id) and each goes, without insertion,
//! to the node where it can start earliest (ties: earliest finish, lowest id).
//! Complexity: O(n·p + n log n + e·p) plus the timeline search.

use crate::list::ListPlanner;
use crate::rank;
use sim::{Decisions, Scheduler, SimView};

/// HLFET (non-insertion, as in the original).
#[derive(Debug, Clone, Default)]
pub struct Hlfet;

impl Scheduler for Hlfet {
    fn name(&self) -> &str {
        "hlfet"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let level = rank::static_level(costs);
        let mut planner = ListPlanner::new(costs, false);
        for task in rank::ready_list(view.dag(), &level) {
            if let Some(c) = planner.best_by(task, |c| (c.slot.start, c.end)) {
                planner.place(task, c);
            }
        }
        planner.emit(out);
    }
}
