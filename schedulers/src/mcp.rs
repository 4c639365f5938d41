//! MCP: Modified Critical Path.
//!
//! Wu, Gajski, "Hypertool: a programming aid for message-passing systems",
//! IEEE TPDS 1(3), 1990; as surveyed in Kwok & Ahmad, ACM Computing Surveys
//! 31(4), 1999.
//! Static. Tasks are taken by increasing ALAP (as-late-as-possible) start,
//! `ALAP(t) = CP − b-level(t)` with HEFT's mean costs, which is decreasing
//! upward rank; ties are broken by topological position (the paper breaks
//! them by the descendants' ALAP lists). Each task goes, with insertion, to
//! the node where it can start earliest (ties: earliest finish, lowest id).
//! Complexity: O(e·p + n log n) plus the timeline search.
//!
//! Mean transfer times: the paper's links are identical, where every definition agrees;
//! on differing links HEFT's `c̄ = L̄ + data / B̄` (`comm_mean=rate`, the default;
//! `comm_mean=time` for the mean of the transfer times).

use crate::list::ListPlanner;
use crate::rank;
use sim::{Decisions, Scheduler, SimView};

/// MCP with insertion (as in the paper).
#[derive(Debug, Clone, Default)]
pub struct Mcp;

impl Scheduler for Mcp {
    fn name(&self) -> &str {
        "mcp"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let ranks = rank::upward(costs);
        let mut planner = ListPlanner::new(costs, true);
        for task in rank::order_by_decreasing(costs, &ranks) {
            if let Some(c) = planner.best_by(task, |c| (c.slot.start, c.end)) {
                planner.place(task, c);
            }
        }
        planner.emit(out);
    }
}
