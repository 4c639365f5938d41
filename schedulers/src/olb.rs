//! OLB: Opportunistic Load Balancing.
//!
//! Armstrong, Hensgen, Kidd, HCW 1998; Freund et al., HCW 1998; as compared
//! in Braun et al., JPDC 61(6), 2001.
//! Static. Tasks are taken in the order they become ready (ties by lower id)
//! and each goes, without insertion, to the node that becomes free first,
//! ignoring both its execution time there and where its inputs are (ties:
//! lowest node id).
//! Complexity: O(n log n + e·p) plus the timeline search.

use crate::list::ListPlanner;
use crate::rank;
use sim::{Decisions, Scheduler, SimView};

/// Opportunistic load balancing, one task at a time in ready order.
#[derive(Debug, Clone, Default)]
pub struct Olb;

impl Scheduler for Olb {
    fn name(&self) -> &str {
        "olb"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let mut planner = ListPlanner::new(view.costs(), false);
        let no_priority = vec![0.0; view.dag().task_count()];
        for task in rank::ready_list(view.dag(), &no_priority) {
            let cores = view.dag().task(task).parallelism.min_cores;
            if let Some(c) = planner.best_by(task, |c| planner.available(c.node, cores)) {
                planner.place(task, c);
            }
        }
        planner.emit(out);
    }
}
