//! Max-Min.
//!
//! Ibarra, Kim, JACM 24(2), 1977; Braun et al., JPDC 61(6), 2001; applied to
//! DAGs on the ready set as in SAGA.
//! Static. Each step computes, for every ready task, its earliest completion
//! over all nodes (no insertion), and plans the task whose earliest
//! completion is *largest* on that node, so long tasks are not left for last
//! (ties: lower task id, lower node id).
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
pub struct MaxMin {
    compat: Compat,
}

impl MaxMin {
    /// MaxMin following `compat`'s definitions.
    pub fn new(compat: Compat) -> MaxMin {
        MaxMin { compat }
    }
}

impl Scheduler for MaxMin {
    fn name(&self) -> &str {
        "max-min"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        match self.compat {
            Compat::Paper => batch::plan(view.costs(), Rule::MaxMin).emit(out),
            Compat::Saga => batch::plan_in_rounds(view.costs(), Rule::MaxMin).emit(out),
        }
    }
}
