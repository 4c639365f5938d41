//! HEFT: Heterogeneous Earliest Finish Time.
//!
//! Topcuoglu, Hariri, Wu, "Performance-effective and low-complexity task
//! scheduling for heterogeneous computing", IEEE TPDS 13(3), 2002.
//! Static. Tasks are taken in decreasing upward rank and each is placed, with
//! insertion, on the node where it finishes earliest.
//! Complexity: O(e·p) for ranks and data-ready times plus the timeline search
//! (near-linear in practice, see [`crate::timeline`]).
//!
//! Mean transfer times: the paper's `c̄ = L̄ + data / B̄` (mean latency plus data over the mean bandwidth;
//! `comm_mean=rate`, the default), or the mean of the transfer times (`comm_mean=time`).
//! `compat=saga` uses SAGA 2.1.0's mean over links ([`sim::CommMean::SagaLinks`]).

use crate::list::ListPlanner;
use crate::rank;
use sim::{CostModel, Decisions, Scheduler, SimView};

/// HEFT with insertion (as in the paper).
#[derive(Debug, Clone, Default)]
pub struct Heft;

impl Scheduler for Heft {
    fn name(&self) -> &str {
        "heft"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        plan(view.costs()).emit(out);
    }
}

/// HEFT's plan of `costs`.
pub(crate) fn plan<'c, 'a>(costs: &'c CostModel<'a>) -> ListPlanner<'c, 'a> {
    let ranks = rank::upward(costs);
    let mut planner = ListPlanner::new(costs, true);
    for task in rank::order_by_decreasing(costs, &ranks) {
        planner.place_best(task);
    }
    planner
}
