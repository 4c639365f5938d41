//! CPOP: Critical Path On a Processor.
//!
//! Topcuoglu, Hariri, Wu, IEEE TPDS 13(3), 2002 (same paper as HEFT).
//! Static. Priority = upward + downward rank. Tasks on the critical path
//! (priority equal to the entry task's) all go to the one node that runs the
//! whole critical path fastest; other tasks go, with insertion, where they
//! finish earliest. Ready tasks are taken by highest priority.
//! Complexity: O(e·p + n log n) plus the timeline search.

use crate::list::ListPlanner;
use crate::rank;
use sim::{Decisions, NodeId, Scheduler, SimView, TaskId};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Relative tolerance when comparing priorities to the critical-path length.
const CP_REL_TOL: f64 = 1e-9;

/// CPOP (as in the paper).
#[derive(Debug, Clone, Default)]
pub struct Cpop;

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
        let down = rank::downward(costs);
        let priority: Vec<f64> = up.iter().zip(&down).map(|(u, d)| u + d).collect();
        let on_cp = |t: TaskId, cp: f64| (priority[t.index()] - cp).abs() <= CP_REL_TOL * cp.abs().max(1.0);

        // Walk the critical path from the highest-priority entry task.
        let mut critical = vec![false; dag.task_count()];
        let entry = dag
            .entry_tasks()
            .max_by(|&a, &b| priority[a.index()].total_cmp(&priority[b.index()]).then(b.cmp(&a)));
        if let Some(entry) = entry {
            let cp = priority[entry.index()];
            let mut current = Some(entry);
            while let Some(t) = current {
                critical[t.index()] = true;
                current = dag.successors(t).filter(|&s| on_cp(s, cp)).min();
            }
        }
        let cp_tasks: Vec<TaskId> = dag.task_ids().filter(|t| critical[t.index()]).collect();
        let cp_node = view
            .platform()
            .node_ids()
            .filter(|&n| {
                cp_tasks
                    .iter()
                    .all(|&t| view.platform().node(n).cores >= dag.task(t).parallelism.min_cores)
            })
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
