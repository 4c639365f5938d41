//! Max-Min.
//!
//! Ibarra, Kim, JACM 24(2), 1977; Braun et al., JPDC 61(6), 2001; applied to
//! DAGs on the ready set as in SAGA.
//! Static. Each step computes, for every ready task, its earliest completion
//! over all nodes (no insertion), and plans the task whose earliest
//! completion is *largest* on that node, so long tasks are not left for last
//! (ties: lower task id, lower node id).
//! Complexity: O(n·r + e·p) with r the largest ready set (O(n²) worst case),
//! see [`crate::batch`]; plus the timeline search.

use crate::batch::{self, Rule};
use sim::{Decisions, Scheduler, SimView};

#[doc = "See the module documentation."]
#[derive(Debug, Clone, Default)]
pub struct MaxMin;

impl Scheduler for MaxMin {
    fn name(&self) -> &str {
        "max-min"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        batch::plan(view.costs(), Rule::MaxMin).emit(out);
    }
}
