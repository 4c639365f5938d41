//! GDL: Generalized Dynamic Level scheduling.
//!
//! Sih, Lee, "A compile-time scheduling heuristic for interconnection-
//! constrained heterogeneous processor architectures", IEEE TPDS 4(2), 1993.
//! Static. The same paper as [`crate::Dls`], which implements its dynamic
//! level with the heterogeneity adjustment,
//! `DL(t, p) = SL*(t) − EST(t, p) + Δ(t, p)`. GDL adds the paper's two
//! further terms:
//! - descendant consideration: with `D` the child receiving the most data
//!   from `t`, `DC(t, p) = w*(D) − min(w(D, p), F(p))`, where `F(p)` is how
//!   soon `D` could finish on another node after the transfer; it favours
//!   putting `t` where its heaviest consumer runs well;
//! - the cost of not using the preferred node: a task's generalized dynamic
//!   level is `GDL(t) = DL2(t, p*) + (DL2(t, p*) − DL2(t, p'))`, with
//!   `DL2 = DL + DC`, `p*` its best node and `p'` its second best (no second
//!   node, no lead).
//!
//! Each step plans the ready task of highest GDL on its best node (ties:
//! earlier finish, lower task id, lower node id). On a single node `DC` and
//! the lead vanish and GDL plans exactly as DLS. SAGA's GDL is this scheme;
//! unlike SAGA, the static level here uses median execution times without
//! transfers and `Δ` the task's own median, as in the paper.
//! Complexity: O(n·p² + e) for the static terms, O(n·r + e·p) for the steps
//! with r the largest ready set (see [`crate::batch`]), plus the timeline
//! search.

use crate::batch::{self, Rule};
use sim::{Decisions, Scheduler, SimView};

#[doc = "See the module documentation."]
#[derive(Debug, Clone, Default)]
pub struct Gdl;

impl Scheduler for Gdl {
    fn name(&self) -> &str {
        "gdl"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        batch::plan(view.costs(), Rule::Gdl).emit(out);
    }
}
