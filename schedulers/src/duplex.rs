//! Duplex: the better of Min-Min and Max-Min.
//!
//! Armstrong, Hensgen, Kidd, HCW 1998; Braun et al., JPDC 61(6), 2001.
//! Static. Plans the DAG with both [`crate::MinMin`] and [`crate::MaxMin`]
//! and keeps the plan with the smaller predicted makespan (ties: Min-Min).
//! Complexity: twice that of Min-Min, O(n·r + e·p) with r the largest ready
//! set (see [`crate::batch`]).

use crate::batch::{self, Rule};
use sim::{Decisions, Scheduler, SimView};

/// Duplex (as in Braun et al.).
#[derive(Debug, Clone, Default)]
pub struct Duplex;

impl Scheduler for Duplex {
    fn name(&self) -> &str {
        "duplex"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let min_min = batch::plan(view.costs(), Rule::MinMin);
        let max_min = batch::plan(view.costs(), Rule::MaxMin);
        if max_min.makespan() < min_min.makespan() {
            max_min.emit(out);
        } else {
            min_min.emit(out);
        }
    }
}
