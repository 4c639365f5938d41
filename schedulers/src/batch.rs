//! The core shared by static "pick a (task, node) pair" list schedulers:
//! Min-Min, Max-Min, Sufferage, ETF, DLS, GDL, BIL and WBA.
//!
//! Unlike HEFT-style planners, these choose the next task *and* its node
//! together, by looking at every ready task (all predecessors planned) on
//! every node. Nodes are used without insertion: a task starts on a node
//! after everything already planned there, so a node's availability only
//! grows. That makes the bookkeeping incremental:
//! - when a task becomes ready, its data-ready time and execution time on
//!   every node are computed once, O(k·p) for in-degree k;
//! - when a task is planned on node `q`, only the scores on `q` of the other
//!   ready tasks change, and only for the worse, so each is updated in O(1),
//!   and a task's best and second-best nodes are recomputed (O(p)) only if
//!   `q` was one of them;
//! - each step scans the ready set once to pick the task, O(r).
//!
//! Total: O(n·r + e·p + n·p) where r is the largest ready set (r ≤ n, so
//! O(n²) in the worst case of a DAG with ~n independent tasks; about 10^8
//! cheap steps at 10^4 tasks), plus the timeline search for each placement.

use crate::list::ListPlanner;
use crate::rank;
use sim::{CostModel, NodeId, SimDuration, SimTime, TaskId};

/// How a (task, node) pair is scored and how tasks are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Smallest earliest completion first.
    MinMin,
    /// Largest earliest completion first.
    MaxMin,
    /// Largest gap between the second-best and best completion first.
    Sufferage,
    /// Earliest start first, ties by higher static level.
    Etf,
    /// Highest dynamic level `SL(t) − EST(t, p) + Δ(t, p)` first.
    Dls,
    /// Pairs by dynamic level plus descendant consideration `DC(t, p)`;
    /// tasks by generalized dynamic level, the best pair's level plus its
    /// lead over the task's second-best node.
    Gdl,
    /// Lowest best imaginary makespan `EST(t, p) + BIL(t, p)` first.
    Bil,
}

/// A score, lower is better, compared lexicographically (nanoseconds).
pub(crate) type Score = (i64, i64);

/// Picks the next (ready-set index, node) from the ready set and the current
/// planned makespan, or `None` to stop.
pub(crate) type Chooser<'f> = dyn FnMut(&[Entry], SimTime) -> Option<(usize, NodeId)> + 'f;

/// A ready task's cached state.
pub(crate) struct Entry {
    /// The task.
    pub(crate) task: TaskId,
    cores: u32,
    /// Per node: data-ready time, or `None` if the task cannot run there.
    ready: Vec<Option<SimTime>>,
    /// Per node: execution time.
    pub(crate) exec: Vec<SimDuration>,
    /// Per node: current score (`None` where the node cannot host the task).
    pub(crate) score: Vec<Option<Score>>,
    /// Best node and its score.
    best: Option<(Score, NodeId)>,
    /// Second-best score over the other nodes.
    second: Option<Score>,
}

/// Plans every task of `costs`' DAG by `rule`.
pub(crate) fn plan<'c, 'a>(costs: &'c CostModel<'a>, rule: Rule) -> ListPlanner<'c, 'a> {
    plan_impl(costs, rule, None, false)
}

/// Plans every task of `costs`' DAG by `rule` in rounds, as SAGA 2.1.0's
/// Min-Min and Max-Min do: each round takes only the tasks that were ready
/// when it began, and tasks they make ready wait for the next round.
pub(crate) fn plan_in_rounds<'c, 'a>(costs: &'c CostModel<'a>, rule: Rule) -> ListPlanner<'c, 'a> {
    plan_impl(costs, rule, None, true)
}

/// Plans every task of `costs`' DAG, scoring pairs by `rule` and picking
/// each by `choose` (by `rule`'s own order if `None`).
pub(crate) fn plan_with<'c, 'a>(
    costs: &'c CostModel<'a>,
    rule: Rule,
    choose: Option<&mut Chooser<'_>>,
) -> ListPlanner<'c, 'a> {
    plan_impl(costs, rule, choose, false)
}

/// [`plan_with`], in rounds (see [`plan_in_rounds`]) if `rounds`.
fn plan_impl<'c, 'a>(
    costs: &'c CostModel<'a>,
    rule: Rule,
    mut choose: Option<&mut Chooser<'_>>,
    rounds: bool,
) -> ListPlanner<'c, 'a> {
    let dag = costs.dag();
    let platform = costs.platform();
    let n_nodes = platform.node_count();
    // Per-task and per-(task, node) static terms of the score.
    let level: Vec<i64> = match rule {
        Rule::Etf => rank::static_level(costs).into_iter().map(to_ns).collect(),
        _ => Vec::new(),
    };
    let offset: Vec<i64> = match rule {
        Rule::Dls => dynamic_level_offsets(costs, false),
        Rule::Gdl => dynamic_level_offsets(costs, true),
        // Infinite only where the node cannot host the task, which is never scored.
        Rule::Bil => rank::best_imaginary_level(costs)
            .into_iter()
            .map(|b| if b.is_finite() { to_ns(b) } else { 0 })
            .collect(),
        _ => Vec::new(),
    };
    let score_of = |task: TaskId, node: NodeId, start: SimTime, exec: SimDuration| -> Score {
        let (start, end) = (start.as_nanos() as i64, (start + exec).as_nanos() as i64);
        match rule {
            Rule::MinMin | Rule::MaxMin | Rule::Sufferage => (end, 0),
            Rule::Etf => (start, end),
            Rule::Dls | Rule::Gdl | Rule::Bil => (start + offset[task.index() * n_nodes + node.index()], end),
        }
    };
    let task_key = |e: &Entry| -> Option<Score> {
        let (best, _) = e.best?;
        Some(match rule {
            Rule::MinMin | Rule::Dls | Rule::Bil => best,
            // −GDL = −DL(best) − (DL(best) − DL(second)); no second node, no lead.
            Rule::Gdl => e
                .second
                .map_or(best, |s| (best.0.saturating_mul(2).saturating_sub(s.0), best.1)),
            Rule::MaxMin => (-best.0, 0),
            Rule::Sufferage => {
                let sufferage = e.second.map_or(i64::MAX, |s| s.0 - best.0);
                (-sufferage, best.0)
            }
            Rule::Etf => (best.0, -level[e.task.index()]),
        })
    };

    let mut planner = ListPlanner::new(costs, false);
    let mut waiting: Vec<u32> = dag.task_ids().map(|t| dag.in_edges(t).len() as u32).collect();
    let mut ready: Vec<Entry> = Vec::new();
    let new_entry = |planner: &ListPlanner<'_, '_>, task: TaskId| -> Entry {
        let cores = dag.task(task).parallelism.min_cores;
        let mut e = Entry {
            task,
            cores,
            ready: Vec::with_capacity(n_nodes),
            exec: Vec::with_capacity(n_nodes),
            score: Vec::with_capacity(n_nodes),
            best: None,
            second: None,
        };
        for q in platform.node_ids() {
            let at = costs.can_run(task, q).then(|| planner.data_ready(task, q));
            let exec = costs.exec_time(task, q);
            e.ready.push(at);
            e.exec.push(exec);
            let lanes = costs.planned_cores(task, q, cores);
            e.score
                .push(at.map(|at| score_of(task, q, at.max(planner.available(q, lanes)), exec)));
        }
        summarise(&mut e);
        e
    };
    for t in dag.entry_tasks() {
        ready.push(new_entry(&planner, t));
    }
    let mut makespan = SimTime::ZERO;
    // With rounds: whether a task belongs to the current round.
    let mut in_round = vec![false; if rounds { dag.task_count() } else { 0 }];
    while !ready.is_empty() {
        if rounds && !ready.iter().any(|e| in_round[e.task.index()]) {
            for e in &ready {
                in_round[e.task.index()] = true;
            }
        }
        let choice = match choose.as_mut() {
            Some(choose) => choose(&ready, makespan),
            None => ready
                .iter()
                .enumerate()
                .filter(|(_, e)| !rounds || in_round[e.task.index()])
                .filter_map(|(i, e)| task_key(e).map(|k| (k, e.task, i)))
                .min()
                .and_then(|(_, _, i)| ready[i].best.map(|(_, node)| (i, node))),
        };
        let Some((i, node)) = choice else { break };
        let task = ready.swap_remove(i).task;
        let Some(candidate) = planner.candidate(task, node) else {
            break;
        };
        makespan = makespan.max(candidate.end);
        planner.place(task, candidate);
        // Only `node` got busier: rescore it for the others.
        let mut available: Vec<(u32, SimTime)> = Vec::new();
        for e in &mut ready {
            let Some(at) = e.ready[node.index()] else { continue };
            let lanes = costs.planned_cores(e.task, node, e.cores);
            let free = match available.iter().find(|(c, _)| *c == lanes) {
                Some(&(_, free)) => free,
                None => {
                    let free = planner.available(node, lanes);
                    available.push((lanes, free));
                    free
                }
            };
            let new = score_of(e.task, node, at.max(free), e.exec[node.index()]);
            let old = e.score[node.index()].replace(new);
            let was_top = e.best.is_some_and(|(_, n)| n == node) || e.second == old;
            if was_top && old != Some(new) {
                summarise(e);
            }
        }
        for s in dag.successors(task) {
            waiting[s.index()] -= 1;
            if waiting[s.index()] == 0 {
                ready.push(new_entry(&planner, s));
            }
        }
    }
    planner
}

/// Recomputes the best node (ties: lowest id) and second-best score of `e`.
fn summarise(e: &mut Entry) {
    e.best = None;
    e.second = None;
    for (q, score) in e.score.iter().enumerate() {
        let Some(score) = *score else { continue };
        match e.best {
            Some((b, _)) if score >= b => {
                if e.second.is_none_or(|s| score < s) {
                    e.second = Some(score);
                }
            }
            _ => {
                e.second = e.best.map(|(b, _)| b);
                e.best = Some((score, NodeId::new(q)));
            }
        }
    }
}

/// Median execution seconds of `task` over the nodes that can host it (the
/// lower median for an even count), as DLS's `w*(t)`.
fn median_exec_secs(costs: &CostModel<'_>, task: TaskId) -> f64 {
    let cores = costs.dag().task(task).parallelism.min_cores;
    let platform = costs.platform();
    let mut times: Vec<f64> = platform
        .node_ids()
        .filter(|&q| costs.can_run(task, q))
        .map(|q| costs.exec_secs(task, q, cores, 0))
        .collect();
    times.sort_unstable_by(f64::total_cmp);
    times.get(times.len().saturating_sub(1) / 2).copied().unwrap_or(0.0)
}

/// `secs` as whole nanoseconds (the scores' unit).
fn to_ns(secs: f64) -> i64 {
    SimDuration::from_secs_f64(secs).as_nanos() as i64
}

/// The per-(task, node) term of DLS's and GDL's score, nanoseconds,
/// row-major `[task · node_count + node]`: `−SL*(t) − Δ(t, p)` with
/// `Δ(t, p) = w*(t) − w(t, p)`, and with `descendants` also `− DC(t, p)`.
/// O(n·p + e) (O(n·p² + e) with `descendants`).
fn dynamic_level_offsets(costs: &CostModel<'_>, descendants: bool) -> Vec<i64> {
    let dag = costs.dag();
    let platform = costs.platform();
    let median: Vec<f64> = dag.task_ids().map(|t| median_exec_secs(costs, t)).collect();
    let level = rank::static_level_with(dag, &median);
    let mut offset = Vec::with_capacity(dag.task_count() * platform.node_count());
    let mut consideration = Vec::new();
    for t in dag.task_ids() {
        consideration.clear();
        if descendants {
            descendant_consideration(costs, t, &median, &mut consideration);
        }
        let base = -to_ns(level[t.index()]) - to_ns(median[t.index()]);
        for q in platform.node_ids() {
            let exec = costs.exec_time(t, q).as_nanos() as i64;
            offset.push(base + exec - consideration.get(q.index()).copied().unwrap_or(0));
        }
    }
    offset
}

/// GDL's descendant consideration of `task` on every node, nanoseconds,
/// pushed onto `out` (nothing for an exit task). `D` is the child that
/// receives the most data from `task` (ties: the lower id); on node `p`,
/// `DC(task, p) = w*(D) − min(w(D, p), F(p))` where
/// `F(p) = min over other nodes q of c(p, q) + w(D, q)` is how soon `D` could
/// finish elsewhere. O(k + p²) for out-degree k.
fn descendant_consideration(costs: &CostModel<'_>, task: TaskId, median: &[f64], out: &mut Vec<i64>) {
    let dag = costs.dag();
    let platform = costs.platform();
    let heaviest = dag
        .out_edges(task)
        .iter()
        .map(|&e| dag.edge(e))
        .min_by(|a, b| b.bytes.total_cmp(&a.bytes).then(a.dst.cmp(&b.dst)));
    let Some(edge) = heaviest else { return };
    let child = edge.dst;
    let exec = |q: NodeId| {
        costs
            .can_run(child, q)
            .then(|| costs.exec_time(child, q).as_nanos() as i64)
    };
    let child_median = to_ns(median[child.index()]);
    for p in platform.node_ids() {
        let elsewhere = platform
            .node_ids()
            .filter(|&q| q != p)
            .filter_map(|q| Some(costs.comm_time(p, q, edge.bytes).as_nanos() as i64 + exec(q)?))
            .min();
        let soonest = [exec(p), elsewhere].into_iter().flatten().min().unwrap_or(child_median);
        out.push(child_median - soonest);
    }
}
