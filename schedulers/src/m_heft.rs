//! M-HEFT: HEFT for moldable tasks, choosing each task's node and core count
//! together by earliest finish.
//!
//! The mixed-parallel extension of HEFT (Topcuoglu et al., IEEE TPDS 13(3),
//! 2002) studied by N'Takpé, Suter and Casanova, "A comparison of scheduling
//! approaches for mixed-parallel applications on heterogeneous platforms"
//! (ISPDC 2007), under the name M-HEFT. Static. Tasks are taken in
//! decreasing upward rank (HEFT's ranks, each task's mean cost on its fewest
//! cores) and each is placed, with insertion, on the node and core count
//! where it finishes earliest.
//!
//! Allocation rule: every core count in `[min_cores, min(max_cores, node
//! cores)]` on every node is a candidate. Stopping criterion: none beyond the
//! earliest finish; among candidates finishing together the one with fewer
//! cores wins (the same finish for less core time), then the lowest node id.
//! So a fully serial task keeps one core, and a perfectly parallel chain
//! alone on a node takes all its cores.
//! Complexity: O(e·p + n·p·c) candidate evaluations for c cores per node.

use crate::list::ListPlanner;
use crate::rank;
use sim::{Decisions, Scheduler, SimView};

/// HEFT choosing each task's core count by earliest finish.
#[derive(Debug, Clone, Default)]
pub struct MoldableHeft;

impl Scheduler for MoldableHeft {
    fn name(&self) -> &str {
        "m-heft"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let ranks = rank::upward(costs);
        let mut planner = ListPlanner::new(costs, true);
        for task in rank::order_by_decreasing(costs, &ranks) {
            if let Some(candidate) = planner.best_moldable(task) {
                planner.place(task, candidate);
            }
        }
        planner.emit(out);
    }
}
