//! DLS: Dynamic Level Scheduling.
//!
//! Sih, Lee, "A compile-time scheduling heuristic for interconnection-
//! constrained heterogeneous processor architectures", IEEE TPDS 4(2), 1993.
//! Static. The dynamic level of a ready task `t` on node `p` is
//! `DL(t, p) = SL*(t) − EST(t, p) + Δ(t, p)`, where `SL*` is the static level
//! with median execution times, `EST` the earliest start (no insertion) and
//! `Δ(t, p) = w*(t) − w(t, p)` how much faster than its median `p` runs `t`.
//! Each step plans the pair of highest dynamic level (ties: earlier finish,
//! lower task id, lower node id).
//! Complexity: O(n·r + e·p) with r the largest ready set (O(n²) worst case),
//! see [`crate::batch`]; plus the timeline search.

use crate::batch::{self, Rule};
use sim::{Decisions, Scheduler, SimView};

#[doc = "See the module documentation."]
#[derive(Debug, Clone, Default)]
pub struct Dls;

impl Scheduler for Dls {
    fn name(&self) -> &str {
        "dls"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        batch::plan(view.costs(), Rule::Dls).emit(out);
    }
}
