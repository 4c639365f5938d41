//! HBMCT: Hybrid heuristic with Balanced Minimum Completion Time.
//!
//! Sakellariou, Zhao, "A hybrid heuristic for DAG scheduling on
//! heterogeneous systems", 13th Heterogeneous Computing Workshop (IPDPS),
//! 2004.
//! Static. Tasks are ranked as in HEFT (decreasing upward rank) and the
//! ranked list is cut into groups of independent tasks: a task starts a new
//! group when one of its predecessors is in the current group. Each group is
//! then planned as a batch of independent tasks by BMCT:
//! 1. every task goes to the node where it executes fastest, and each node
//!    runs its group tasks in order of their earliest start there (when
//!    their inputs arrive), without insertion, after the earlier groups;
//! 2. while it helps, a task leaves the node that finishes the group last:
//!    its tasks are tried in order of mean earliest start over the nodes,
//!    and the first one whose removal and move to some other node both end
//!    before that node's finish moves to the other node that then finishes
//!    earliest (ties: the lower id).
//!
//! Every move lowers the sorted vector of the group's node finish times, so
//! step 2 ends, and a group never finishes later than step 1 planned it.
//! Complexity: O(n·(log n + p) + e) for ranks, groups and start times; each
//! round of step 2 tries up to `k·p` moves for a group of `k` tasks, each
//! re-planning one node's share of the group, O(k) placements: O(k²·p)
//! placements per round, rounds until no move helps (few in practice).
//!
//! Mean transfer times: HEFT's `c̄ = L̄ + data / B̄` in the upward rank, as the paper
//! takes HEFT's ranking (`comm_mean=rate`, the default; `comm_mean=time` for the
//! mean of the transfer times).

use crate::list::ListPlanner;
use crate::rank;
use sim::{CostModel, Dag, Decisions, NodeId, Scheduler, SimTime, SimView, TaskId};
use std::cmp::Reverse;

#[doc = "See the module documentation."]
#[derive(Debug, Clone, Default)]
pub struct Hbmct;

impl Scheduler for Hbmct {
    fn name(&self) -> &str {
        "hbmct"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let order = rank::order_by_decreasing(costs, &rank::upward(costs));
        let mut planner = ListPlanner::new(costs, false);
        for group in independent_groups(costs.dag(), &order) {
            plan_group(costs, &mut planner, group);
        }
        planner.emit(out);
    }
}

/// Cuts `order` (a topological order) into consecutive groups in which no
/// task depends on another: a task whose predecessor is in the current
/// group starts the next one. O(n + e).
fn independent_groups<'o>(dag: &Dag, order: &'o [TaskId]) -> Vec<&'o [TaskId]> {
    let mut group_of = vec![usize::MAX; dag.task_count()];
    let mut groups = Vec::new();
    let mut start = 0;
    for (i, &task) in order.iter().enumerate() {
        if dag.predecessors(task).any(|p| group_of[p.index()] == groups.len()) {
            groups.push(&order[start..i]);
            start = i;
        }
        group_of[task.index()] = groups.len();
    }
    if start < order.len() {
        groups.push(&order[start..]);
    }
    groups
}

/// Plans one group of independent tasks, all of whose predecessors are
/// planned, by BMCT (steps 1 and 2 of the module documentation).
fn plan_group(costs: &CostModel<'_>, planner: &mut ListPlanner<'_, '_>, group: &[TaskId]) {
    let platform = costs.platform();
    let n_nodes = platform.node_count();
    let hosts = |task: TaskId, q: NodeId| costs.can_run(task, q);
    // `est[i·n_nodes + q]`: when the inputs of group task i are on node q; fixed
    // while the group is planned, as they all come from earlier groups.
    let est: Vec<Option<SimTime>> = group
        .iter()
        .flat_map(|&t| platform.node_ids().map(move |q| (t, q)))
        .map(|(t, q)| hosts(t, q).then(|| planner.data_ready(t, q)))
        .collect();
    let est_on = |i: usize, q: usize| est[i * n_nodes + q];
    let mean_est: Vec<u128> = (0..group.len())
        .map(|i| {
            let times = || (0..n_nodes).filter_map(|q| est_on(i, q));
            times().map(|s| u128::from(s.as_nanos())).sum::<u128>() / times().count().max(1) as u128
        })
        .collect();
    let by_est = |q: usize, i: usize| (est_on(i, q), i);

    let mut on: Vec<Vec<usize>> = vec![Vec::new(); n_nodes];
    for (i, &task) in group.iter().enumerate() {
        let fastest = platform
            .node_ids()
            .filter(|&q| hosts(task, q))
            .min_by_key(|&q| (costs.exec_time(task, q), q));
        if let Some(q) = fastest {
            on[q.index()].push(i);
        }
    }
    for (q, tasks) in on.iter_mut().enumerate() {
        tasks.sort_unstable_by_key(|&i| by_est(q, i));
    }
    let mut finish: Vec<SimTime> = (0..n_nodes)
        .map(|q| lay_out(planner, NodeId::new(q), group, &on[q], false))
        .collect();

    while let Some(from) = (0..n_nodes)
        .filter(|&q| !on[q].is_empty())
        .max_by_key(|&q| (finish[q], Reverse(q)))
    {
        let latest = finish[from];
        let mut candidates = on[from].clone();
        candidates.sort_unstable_by_key(|&i| (mean_est[i], i));
        let mut moved = false;
        for i in candidates {
            let rest: Vec<usize> = on[from].iter().copied().filter(|&j| j != i).collect();
            let rest_finish = lay_out(planner, NodeId::new(from), group, &rest, false);
            if rest_finish >= latest {
                continue;
            }
            let mut best: Option<(SimTime, usize, Vec<usize>)> = None;
            for to in (0..n_nodes).filter(|&q| q != from && est_on(i, q).is_some()) {
                let mut with = on[to].clone();
                let at = with.partition_point(|&j| by_est(to, j) < by_est(to, i));
                with.insert(at, i);
                let end = lay_out(planner, NodeId::new(to), group, &with, false);
                if end < latest && best.as_ref().is_none_or(|b| end < b.0) {
                    best = Some((end, to, with));
                }
            }
            if let Some((end, to, with)) = best {
                (on[from], finish[from]) = (rest, rest_finish);
                (on[to], finish[to]) = (with, end);
                moved = true;
                break;
            }
        }
        if !moved {
            break;
        }
    }
    for (q, tasks) in on.iter().enumerate() {
        lay_out(planner, NodeId::new(q), group, tasks, true);
    }
}

/// Places group tasks `tasks` (indices into `group`) on `node` in that
/// order, each at its earliest start there without insertion, and returns
/// when the last ends (zero for none). Unless `keep`, the placements are
/// undone again.
fn lay_out(planner: &mut ListPlanner<'_, '_>, node: NodeId, group: &[TaskId], tasks: &[usize], keep: bool) -> SimTime {
    let mut placed = Vec::with_capacity(tasks.len());
    let mut end = SimTime::ZERO;
    for &i in tasks {
        if let Some(c) = planner.candidate(group[i], node) {
            end = end.max(c.end);
            planner.place(group[i], c.clone());
            placed.push((group[i], c));
        }
    }
    if !keep {
        for (task, c) in placed.iter().rev() {
            planner.unplace(*task, c);
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{DagBuilder, TaskSpec};

    #[test]
    fn groups_break_at_a_dependency_on_the_current_group() {
        // a → c, b → d, c → e; ranked a, b, c, d, e.
        let mut b = DagBuilder::new();
        let t: Vec<TaskId> = (0..5)
            .map(|i| b.add_task(TaskSpec::new(format!("t{i}"), 1.0)))
            .collect();
        b.add_edge(t[0], t[2], 0.0);
        b.add_edge(t[1], t[3], 0.0);
        b.add_edge(t[2], t[4], 0.0);
        let dag = b.build().unwrap();
        let groups = independent_groups(&dag, &t);
        assert_eq!(groups, vec![&t[0..2], &t[2..4], &t[4..5]]);
    }
}
