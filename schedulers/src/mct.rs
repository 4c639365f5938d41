//! MCT: Minimum Completion Time.
//!
//! Armstrong, Hensgen, Kidd, "The relative performance of various mapping
//! algorithms is independent of sizable variances in run-time predictions",
//! HCW 1998; as compared in Braun et al., JPDC 61(6), 2001.
//! Static. Tasks are taken in the order they become ready (ties by lower id)
//! and each goes, without insertion, to the node where it completes earliest.
//! Complexity: O(n log n + e·p) plus the timeline search.

use crate::list::ListPlanner;
use crate::rank;
use sim::{Decisions, Scheduler, SimView};

/// Minimum completion time, one task at a time in ready order.
#[derive(Debug, Clone, Default)]
pub struct Mct;

impl Scheduler for Mct {
    fn name(&self) -> &str {
        "mct"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let mut planner = ListPlanner::new(view.costs(), false);
        let no_priority = vec![0.0; view.dag().task_count()];
        for task in rank::ready_list(view.dag(), &no_priority) {
            planner.place_best(task);
        }
        planner.emit(out);
    }
}
