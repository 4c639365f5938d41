//! CPOP: Critical Path On a Processor.
//!
//! Topcuoglu, Hariri, Wu, IEEE TPDS 13(3), 2002 (same paper as HEFT).
//! Static. Priority = upward + downward rank. Tasks on the critical path
//! (priority equal to the entry task's) all go to the one node that runs the
//! whole critical path fastest; other tasks go, with insertion, where they
//! finish earliest. Ready tasks are taken by highest priority.
//! Mean transfer times are the paper's `L̄ + data / B̄` (`comm_mean=rate`, the
//! default; `comm_mean=time` for the mean of the transfer times).
//! With `compat=saga`, SAGA 2.1.0's definitions: its downward rank
//! ([`rank::downward_saga`]), its mean over links ([`sim::CommMean::SagaLinks`]),
//! and as critical path every task whose priority is within `numpy.isclose`
//! (relative 1e-5, absolute 1e-8) of the entry task's.
//! Complexity: O(e·p + n log n) plus the timeline search.

use crate::definitions::Compat;
use crate::list::ListPlanner;
use crate::rank;
use sim::{Decisions, NodeId, Scheduler, SimView, TaskId};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Relative tolerance when comparing priorities to the critical-path length.
const CP_REL_TOL: f64 = 1e-9;

/// CPOP (as in the paper, or as in SAGA).
#[derive(Debug, Clone, Default)]
pub struct Cpop {
    compat: Compat,
}

impl Cpop {
    /// CPOP following `compat`'s definitions.
    pub fn new(compat: Compat) -> Cpop {
        Cpop { compat }
    }
}

/// `numpy.isclose(a, b)` with its default tolerances, as SAGA compares priorities.
fn numpy_isclose(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-8 + 1e-5 * b.abs()
}

/// A ready task keyed by priority, ties by lower id.
#[derive(PartialEq)]
struct Ready(f64, TaskId);

impl Eq for Ready {}

impl PartialOrd for Ready {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ready {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
    }
}

impl Scheduler for Cpop {
    fn name(&self) -> &str {
        "cpop"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let dag = view.dag();
        let up = rank::upward(costs);
        let down = match self.compat {
            Compat::Paper => rank::downward(costs),
            Compat::Saga => rank::downward_saga(costs),
        };
        let priority: Vec<f64> = up.iter().zip(&down).map(|(u, d)| u + d).collect();
        let on_cp = |t: TaskId, cp: f64| (priority[t.index()] - cp).abs() <= CP_REL_TOL * cp.abs().max(1.0);

        let mut critical = vec![false; dag.task_count()];
        let entry = dag
            .entry_tasks()
            .max_by(|&a, &b| priority[a.index()].total_cmp(&priority[b.index()]).then(b.cmp(&a)));
        if let Some(entry) = entry {
            let cp = priority[entry.index()];
            match self.compat {
                // Walk the critical path from the highest-priority entry task.
                Compat::Paper => {
                    let mut current = Some(entry);
                    while let Some(t) = current {
                        critical[t.index()] = true;
                        current = dag.successors(t).filter(|&s| on_cp(s, cp)).min();
                    }
                }
                Compat::Saga => {
                    for t in dag.task_ids() {
                        critical[t.index()] = numpy_isclose(priority[t.index()], cp);
                    }
                }
            }
        }
        let cp_tasks: Vec<TaskId> = dag.task_ids().filter(|t| critical[t.index()]).collect();
        let cp_node = view
            .platform()
            .node_ids()
            .filter(|&n| cp_tasks.iter().all(|&t| costs.can_run(t, n)))
            .min_by(|&a, &b| {
                let total = |n: NodeId| cp_tasks.iter().map(|&t| costs.exec_time(t, n).as_nanos()).sum::<u64>();
                total(a).cmp(&total(b)).then(a.cmp(&b))
            });

        let mut planner = ListPlanner::new(costs, true);
        let mut waiting: Vec<u32> = dag.task_ids().map(|t| dag.in_edges(t).len() as u32).collect();
        let mut ready: BinaryHeap<Ready> = dag.entry_tasks().map(|t| Ready(priority[t.index()], t)).collect();
        while let Some(Ready(_, task)) = ready.pop() {
            let candidate = match cp_node {
                Some(node) if critical[task.index()] => planner.candidate(task, node),
                _ => planner.best(task),
            };
            if let Some(c) = candidate {
                planner.place(task, c);
            }
            for s in dag.successors(task) {
                waiting[s.index()] -= 1;
                if waiting[s.index()] == 0 {
                    ready.push(Ready(priority[s.index()], s));
                }
            }
        }
        planner.emit(out);
    }
}
