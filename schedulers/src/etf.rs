//! ETF: Earliest Time First.
//!
//! Hwang, Chow, Anger, Lee, "Scheduling precedence graphs in systems with
//! interprocessor communication times", SIAM J. Computing 18(2), 1989.
//! Static. Each step plans the (ready task, node) pair with the earliest
//! start time (no insertion), ties broken by the higher static level
//! ([`crate::rank::static_level`]), then earlier finish, lower task id,
//! lower node id.
//! Complexity: O(n·r + e·p) with r the largest ready set (O(n²) worst case),
//! see [`crate::batch`]; plus the timeline search.

use crate::batch::{self, Rule};
use sim::{Decisions, Scheduler, SimView};

#[doc = "See the module documentation."]
#[derive(Debug, Clone, Default)]
pub struct Etf;

impl Scheduler for Etf {
    fn name(&self) -> &str {
        "etf"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        batch::plan(view.costs(), Rule::Etf).emit(out);
    }
}
