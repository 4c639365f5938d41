//! PEFT: Predict Earliest Finish Time.
//!
//! Arabnejad, Barbosa, "List scheduling algorithm for heterogeneous systems
//! by an optimistic cost table", IEEE TPDS 25(3), 2014.
//! Static. The optimistic cost table `OCT(t, p)` is, for task `t` on node
//! `p`, the longest path from `t`'s successors to an exit task when every
//! later task runs on its best node and communication is counted at its mean
//! only when it changes node. Tasks are taken from a ready list by decreasing
//! `rank_oct` (the mean of `t`'s OCT row); each goes, with insertion, to the
//! node minimising the optimistic finish `EFT(t, p) + OCT(t, p)`.
//! Mean transfer times are the paper's `L̄ + data / B̄` (`comm_mean=rate`, the
//! default; `comm_mean=time` for the mean of the transfer times).
//! With `compat=saga`, SAGA 2.1.0's table: the transfer between `p` and `q`
//! costs that link's own time ([`optimistic_cost_table_per_link`]).
//! `priority=` ([`Priority`]) changes only the task order, to tell which of
//! PEFT's two departures from HEFT (its order, its node choice) makes it win
//! or lose on a family of instances: `oct` is the paper's `rank_oct`,
//! `oct+cost` adds the task's own mean execution time (which `rank_oct`
//! leaves out, so every exit task ranks 0), and `upward` is HEFT's upward
//! rank, leaving PEFT's node choice as the only difference from HEFT.
//! Complexity: O(e·p² + n log n) for the table and ranks, O(e·p) for
//! data-ready times, plus the timeline search.

use crate::definitions::Compat;
use crate::list::{Candidate, ListPlanner};
use crate::rank;
use sim::{CostModel, Decisions, NodeId, Scheduler, SimDuration, SimTime, SimView};

/// PEFT with insertion (as in the paper, or as in SAGA).
#[derive(Debug, Clone, Default)]
pub struct Peft {
    compat: Compat,
    priority: Priority,
}

impl Peft {
    /// PEFT following `compat`'s definitions, taking tasks by `priority`.
    pub fn new(compat: Compat, priority: Priority) -> Peft {
        Peft { compat, priority }
    }
}

/// The priority tasks are taken from the ready list by (the `priority=`
/// parameter; see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Priority {
    /// `rank_oct`, the paper's.
    #[default]
    Oct,
    /// `rank_oct` plus the task's mean execution time.
    OctPlusCost,
    /// HEFT's upward rank.
    Upward,
}

impl Priority {
    /// The parameter value naming this priority.
    pub fn name(self) -> &'static str {
        match self {
            Priority::Oct => "oct",
            Priority::OctPlusCost => "oct+cost",
            Priority::Upward => "upward",
        }
    }

    /// The priority named `name`.
    pub fn from_name(name: &str) -> Option<Priority> {
        [Priority::Oct, Priority::OctPlusCost, Priority::Upward]
            .into_iter()
            .find(|p| p.name() == name)
    }
}

/// The optimistic cost table, row-major `[task][node]`, in seconds:
/// `OCT(t, p) = max over successors s of min over nodes q of
/// (OCT(s, q) + w(s, q) + [q ≠ p]·c̄(t, s))`, and 0 for exit tasks.
/// Nodes that cannot host a task (too few cores) are never chosen as `q`.
/// O(e·p²).
pub fn optimistic_cost_table(costs: &CostModel<'_>) -> Vec<f64> {
    oct_by(costs, |through, comm_from, row| {
        let best_elsewhere = through.iter().fold(f64::INFINITY, |a, &b| a.min(b)) + comm_from(None);
        for (p, slot) in row.iter_mut().enumerate() {
            *slot = slot.max(through[p].min(best_elsewhere));
        }
    })
}

/// SAGA 2.1.0's optimistic cost table: [`optimistic_cost_table`] with
/// `c(p, q)`, the time of the transfer on the link between `p` and `q`, in
/// place of the mean `[q ≠ p]·c̄(t, s)`. O(e·p²).
pub fn optimistic_cost_table_per_link(costs: &CostModel<'_>) -> Vec<f64> {
    oct_by(costs, |through, comm_from, row| {
        for (p, slot) in row.iter_mut().enumerate() {
            let best = through
                .iter()
                .enumerate()
                .map(|(q, &x)| x + comm_from(Some((p, q))))
                .fold(f64::INFINITY, f64::min);
            *slot = slot.max(best);
        }
    })
}

/// The table's recursion over the DAG; `fold(through, comm, row)` raises
/// `row` (the current task's entries) by one successor, given `through[q]`
/// (the successor's OCT plus execution time on `q`, infinite where it cannot
/// run) and `comm(Some((p, q)))`, the edge's transfer time from `p` to `q`
/// (`comm(None)`: its mean).
fn oct_by(
    costs: &CostModel<'_>,
    mut fold: impl FnMut(&[f64], &dyn Fn(Option<(usize, usize)>) -> f64, &mut [f64]),
) -> Vec<f64> {
    let dag = costs.dag();
    let platform = costs.platform();
    let n_nodes = platform.node_count();
    let mut oct = vec![0.0f64; dag.task_count() * n_nodes];
    // Per successor: OCT + execution time on each node (infinite where it cannot run).
    let mut through = vec![0.0f64; n_nodes];
    for &t in dag.topological_order().iter().rev() {
        let mut row = vec![0.0f64; n_nodes];
        for &e in dag.out_edges(t) {
            let edge = dag.edge(e);
            let s = edge.dst;
            let cores = dag.task(s).parallelism.min_cores;
            for q in platform.node_ids() {
                through[q.index()] = if costs.can_run(s, q) {
                    oct[s.index() * n_nodes + q.index()] + costs.exec_secs(s, q, cores, 0)
                } else {
                    f64::INFINITY
                };
            }
            let comm = |pair: Option<(usize, usize)>| match pair {
                None => costs.mean_comm_secs(edge.bytes),
                Some((p, q)) => costs.comm_secs(NodeId::new(p), NodeId::new(q), edge.bytes),
            };
            fold(&through, &comm, &mut row);
        }
        oct[t.index() * n_nodes..(t.index() + 1) * n_nodes].copy_from_slice(&row);
    }
    oct
}

/// `rank_oct(t)`: the mean of `t`'s OCT row over the nodes that can host it.
pub fn rank_oct(costs: &CostModel<'_>, oct: &[f64]) -> Vec<f64> {
    let dag = costs.dag();
    let platform = costs.platform();
    let n_nodes = platform.node_count();
    dag.task_ids()
        .map(|t| {
            let (sum, n) = platform
                .node_ids()
                .filter(|&p| costs.can_run(t, p))
                .fold((0.0, 0usize), |(s, k), p| {
                    (s + oct[t.index() * n_nodes + p.index()], k + 1)
                });
            sum / n.max(1) as f64
        })
        .collect()
}

impl Scheduler for Peft {
    fn name(&self) -> &str {
        "peft"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let n_nodes = view.platform().node_count();
        let oct = match self.compat {
            Compat::Paper => optimistic_cost_table(costs),
            Compat::Saga => optimistic_cost_table_per_link(costs),
        };
        let ranks = match self.priority {
            Priority::Oct => rank_oct(costs, &oct),
            Priority::OctPlusCost => rank_oct(costs, &oct)
                .into_iter()
                .zip(view.dag().task_ids())
                .map(|(r, t)| r + costs.mean_exec_secs(t))
                .collect(),
            Priority::Upward => rank::upward(costs),
        };
        let mut planner = ListPlanner::new(costs, true);
        for task in rank::ready_list(view.dag(), &ranks) {
            let mut best: Option<(SimDuration, Candidate)> = None;
            for node in view.platform().node_ids() {
                let Some(c) = planner.candidate(task, node) else {
                    continue;
                };
                let optimistic = SimDuration::from_secs_f64(oct[task.index() * n_nodes + node.index()]);
                let key = (c.end - SimTime::ZERO) + optimistic;
                if best.as_ref().is_none_or(|(k, _)| key < *k) {
                    best = Some((key, c));
                }
            }
            if let Some((_, c)) = best {
                planner.place(task, c);
            }
        }
        planner.emit(out);
    }
}
