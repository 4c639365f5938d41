//! Sufferage.
//!
//! Maheswaran, Ali, Siegel, Hensgen, Freund, "Dynamic mapping of a class of
//! independent tasks onto heterogeneous computing systems", JPDC 59(2), 1999;
//! applied to DAGs on the ready set as in SAGA.
//! Static. A ready task's sufferage is how much later it would complete on
//! its second-best node than on its best (no insertion; a task only one node
//! can host suffers most). Each step plans the task of largest sufferage on
//! its best node (ties: earlier completion, lower task id, lower node id).
//! Complexity: O(n·r + e·p) with r the largest ready set (O(n²) worst case),
//! see [`crate::batch`]; plus the timeline search.

use crate::batch::{self, Rule};
use sim::{Decisions, Scheduler, SimView};

#[doc = "See the module documentation."]
#[derive(Debug, Clone, Default)]
pub struct Sufferage;

impl Scheduler for Sufferage {
    fn name(&self) -> &str {
        "sufferage"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        batch::plan(view.costs(), Rule::Sufferage).emit(out);
    }
}
