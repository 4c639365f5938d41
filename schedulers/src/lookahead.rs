//! Lookahead-HEFT: HEFT that looks one level ahead before choosing a node.
//!
//! Bittencourt, Sakellariou, Madeira, "DAG scheduling using a lookahead
//! variant of the Heterogeneous Earliest Finish Time algorithm", PDP 2010.
//! Static. Tasks are taken in decreasing upward rank, as in HEFT. For each
//! node `p`, the task is placed tentatively on `p` and each of its children
//! is then placed tentatively, in decreasing upward rank, at its own earliest
//! finish (with insertion; predecessors not yet planned are ignored). The
//! task goes to the node minimising the latest of those children's finish
//! times (its own finish if it has no children; ties: earlier own finish,
//! lower node id). Every tentative placement is undone before the next.
//! Complexity: O(Σ_t p·d_t·p·(k + c)) = O(e·p²·(k̄ + c)) for out-degree
//! d_t, mean in-degree k̄ and c cores per node, plus the timeline search.
//!
//! Mean transfer times: HEFT's `c̄ = L̄ + data / B̄` in the upward rank, as the paper
//! takes HEFT's ranks (`comm_mean=rate`, the default; `comm_mean=time` for the
//! mean of the transfer times).

use crate::list::{Candidate, ListPlanner};
use crate::rank;
use sim::{CostModel, Decisions, Scheduler, SimTime, SimView, TaskId};

/// Lookahead-HEFT with insertion and a one-level lookahead (as in the paper).
#[derive(Debug, Clone, Default)]
pub struct LookaheadHeft;

impl Scheduler for LookaheadHeft {
    fn name(&self) -> &str {
        "lookahead-heft"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        plan(view.costs()).emit(out);
    }
}

/// Lookahead-HEFT's plan of `costs`.
pub(crate) fn plan<'c, 'a>(costs: &'c CostModel<'a>) -> ListPlanner<'c, 'a> {
    let dag = costs.dag();
    let ranks = rank::upward(costs);
    let mut planner = ListPlanner::new(costs, true);
    let mut children: Vec<TaskId> = Vec::new();
    let mut trial: Vec<(TaskId, Candidate)> = Vec::new();
    for task in rank::order_by_decreasing(costs, &ranks) {
        children.clear();
        children.extend(dag.successors(task));
        children.sort_by(|a, b| ranks[b.index()].total_cmp(&ranks[a.index()]).then(a.cmp(b)));
        children.dedup();
        let mut best: Option<((SimTime, SimTime), Candidate)> = None;
        for node in costs.platform().node_ids() {
            let Some(own) = planner.candidate(task, node) else {
                continue;
            };
            planner.place(task, own.clone());
            let mut latest = own.end;
            for &child in &children {
                if let Some(c) = planner.best(child) {
                    latest = latest.max(c.end);
                    planner.place(child, c.clone());
                    trial.push((child, c));
                }
            }
            for (child, c) in trial.drain(..).rev() {
                planner.unplace(child, &c);
            }
            planner.unplace(task, &own);
            let key = (latest, own.end);
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, own));
            }
        }
        if let Some((_, c)) = best {
            planner.place(task, c);
        }
    }
    planner
}
