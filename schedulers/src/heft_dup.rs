//! HEFT with task duplication: duplicate a task's critical parent onto its
//! node when that lets the task start earlier.
//!
//! The idea of duplicating the parent whose data arrives last (the
//! "critical parent") onto the child's processor is the Duplication
//! Scheduling Heuristic's (Kruatrachue & Lewis, "Grain size determination for
//! parallel processing", IEEE Software 5(1), 1988), applied here inside
//! HEFT's list (Topcuoglu et al. 2002), as heterogeneous duplication
//! heuristics such as HCPFD (Hagras & Janeček 2005) do: tasks are taken in
//! decreasing upward rank; for each node, the planner compares the task's
//! earliest finish as HEFT computes it with its earliest finish after
//! duplicating the critical parent into the node's earliest free slot, and
//! keeps the better option over all nodes. One level of duplication only.
//!
//! The engine runs each duplicate as a copy of the parent (see "Copies" in
//! [`sim::scheduler`]): the consumer takes its input from the local copy
//! instead of waiting for the transfer.
//! Complexity: about three times HEFT's, O(e·p) plus the timeline searches.
//!
//! Mean transfer times: HEFT's `c̄ = L̄ + data / B̄` in the upward rank
//! (`comm_mean=rate`, the default; `comm_mean=time` for the mean of the transfer times).

use crate::list::{Candidate, ListPlanner};
use crate::rank;
use sim::{CostModel, Decisions, NodeId, Scheduler, SimView, TaskId};

/// HEFT with duplication of critical parents.
#[derive(Debug, Clone, Default)]
pub struct HeftDuplication;

/// The best way found to run one task on one node.
struct Choice {
    candidate: Candidate,
    /// The parent duplicated onto the node first, with its slot.
    duplicate: Option<(TaskId, Candidate)>,
}

impl Scheduler for HeftDuplication {
    fn name(&self) -> &str {
        "heft-dup"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let ranks = rank::upward(costs);
        let mut planner = ListPlanner::new(costs, true);
        for task in rank::order_by_decreasing(costs, &ranks) {
            let mut best: Option<Choice> = None;
            for node in view.platform().node_ids() {
                let Some(plain) = planner.candidate(task, node) else {
                    continue;
                };
                let option = with_duplicate(costs, &mut planner, task, node)
                    .filter(|d| d.candidate.end < plain.end)
                    .unwrap_or(Choice {
                        candidate: plain,
                        duplicate: None,
                    });
                if best.as_ref().is_none_or(|b| option.candidate.end < b.candidate.end) {
                    best = Some(option);
                }
            }
            let Some(best) = best else { continue };
            // Reserving the duplicate again restores the timeline the task's slot was found in.
            if let Some((parent, slot)) = &best.duplicate {
                planner.place_duplicate(*parent, slot);
            }
            planner.place(task, best.candidate);
        }
        planner.emit(out);
    }
}

/// The task's earliest finish on `node` after duplicating its critical parent
/// there, or `None` if there is no parent worth duplicating. Leaves the plan unchanged.
fn with_duplicate(
    costs: &CostModel<'_>,
    planner: &mut ListPlanner<'_, '_>,
    task: TaskId,
    node: NodeId,
) -> Option<Choice> {
    let dag = costs.dag();
    // The parent whose data arrives last, unless it already runs on the node.
    let (arrival, edge) = dag
        .in_edges(task)
        .iter()
        .filter_map(|&e| planner.arrival(e, node).map(|at| (at, e)))
        .max()?;
    let parent = dag.edge(edge).src;
    if planner.is_on(parent, node) {
        return None;
    }
    let duplicate = planner.candidate(parent, node)?;
    if duplicate.end >= arrival {
        return None; // Running it here would deliver its data no sooner.
    }
    planner.place_duplicate(parent, &duplicate);
    let candidate = planner.candidate(task, node);
    planner.unplace_duplicate(parent, &duplicate);
    Some(Choice {
        candidate: candidate?,
        duplicate: Some((parent, duplicate)),
    })
}
