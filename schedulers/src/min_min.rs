//! Min-Min.
//!
//! Ibarra, Kim, "Heuristic algorithms for scheduling independent tasks on
//! nonidentical processors", JACM 24(2), 1977; Braun et al., JPDC 61(6), 2001;
//! applied to DAGs on the ready set as in SAGA.
//! Static. Each step computes, for every ready task, its earliest completion
//! over all nodes (no insertion), and plans the task whose earliest
//! completion is smallest on that node (ties: lower task id, lower node id).
//! With `compat=saga`, in rounds as SAGA 2.1.0: each round takes only the
//! tasks ready when it began ([`crate::batch`]). No mean transfer time is
//! involved, so `comm_mean` does not apply.
//! Complexity: O(n·r + e·p) with r the largest ready set (O(n²) worst case),
//! see [`crate::batch`]; plus the timeline search.

use crate::batch::{self, Rule};
use crate::definitions::Compat;
use sim::{Decisions, Scheduler, SimView};

#[doc = "See the module documentation."]
#[derive(Debug, Clone, Default)]
pub struct MinMin {
    compat: Compat,
}

impl MinMin {
    /// MinMin following `compat`'s definitions.
    pub fn new(compat: Compat) -> MinMin {
        MinMin { compat }
    }
}

impl Scheduler for MinMin {
    fn name(&self) -> &str {
        "min-min"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        match self.compat {
            Compat::Paper => batch::plan(view.costs(), Rule::MinMin).emit(out),
            Compat::Saga => batch::plan_in_rounds(view.costs(), Rule::MinMin).emit(out),
        }
    }
}
