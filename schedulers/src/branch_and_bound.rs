//! An exact solver for small instances: depth-first branch and bound.
//!
//! Static, no task duplication. It finds a schedule of minimum makespan
//! *under the cost model's estimates* (contention-free transfers of
//! `latency + bytes / bandwidth`, the engine's behaviour on dedicated
//! networks), so that heuristics' optimality gaps can be measured.
//!
//! # Search space
//! A schedule is built by repeatedly taking a ready task (all predecessors
//! placed) and a node, and starting the task there as early as its inputs
//! and the node's earliest-free cores allow, after everything already placed
//! on that node. Every schedule can be rebuilt this way, no later, by taking
//! its tasks in order of start time, so the space contains an optimum. To
//! visit each schedule once, placements must come in non-decreasing
//! (start, topological position) order; and among identical nodes (same
//! cores, same execution times for every task, same links) that are still
//! empty only the lowest-id one is tried.
//!
//! # Bounds
//! The incumbent starts as the best of the HEFT, ETF and DLS schedules. A partial
//! schedule is pruned when a lower bound reaches the incumbent: the largest of
//! (a) the current makespan; (b) for every unplaced task, an earliest start
//! (its release, the last placement's start, its predecessors' ends or
//! bounds) plus its longest path to an exit at minimum execution times with
//! free communication; (c) the total core time of placed work, counted from
//! the last placement's start, plus every unplaced task's minimum core time,
//! spread over all cores. Children are tried in ETF's order: earliest start
//! first, then longest remaining path.
//!
//! # Budget
//! The search stops after `budget` search nodes, or is skipped when the DAG
//! has more than `max_tasks` tasks. Either way it still returns a valid
//! schedule, the best found (never worse than HEFT, ETF or DLS), and
//! [`Solution::optimal`] says whether optimality was proven.
//!
//! Complexity: O(budget · (r·p·k + n + e)) time for r ready tasks of in-degree
//! k, plus the incumbent's O(n·r + e·p) (see [`crate::batch`]); O(n·(p + c))
//! memory; exponential in n without a budget.
//!
//! Mean transfer times: only the incumbent's HEFT ranks use a mean, HEFT's
//! `c̄ = L̄ + data / B̄` (`comm_mean=rate`, the default; `comm_mean=time` for the
//! mean of the transfer times); the search itself uses every link's own time.

use crate::batch::{self, Rule};
use crate::list::{ListPlanner, Placement};
use crate::rank;
use sim::{Assignment, CostModel, Decisions, NodeId, Scheduler, SimDuration, SimTime, SimView, TaskId};
use std::cmp::Reverse;

/// Default search-node budget.
pub const DEFAULT_BUDGET: u64 = 200_000;

/// Default largest DAG that is searched at all.
pub const DEFAULT_MAX_TASKS: usize = 64;

/// Branch and bound with a search-node budget.
#[derive(Debug, Clone)]
pub struct BranchAndBound {
    budget: u64,
    max_tasks: usize,
}

impl BranchAndBound {
    /// A solver that visits at most `budget` search nodes and searches only
    /// DAGs of at most `max_tasks` tasks.
    pub fn new(budget: u64, max_tasks: usize) -> BranchAndBound {
        BranchAndBound { budget, max_tasks }
    }
}

impl Default for BranchAndBound {
    fn default() -> Self {
        BranchAndBound::new(DEFAULT_BUDGET, DEFAULT_MAX_TASKS)
    }
}

/// What [`solve`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// Placement of every task, indexed by task.
    pub placements: Vec<Placement>,
    /// Predicted makespan.
    pub makespan: SimTime,
    /// Whether the search finished, proving `makespan` optimal in the model.
    pub optimal: bool,
    /// Search nodes visited.
    pub expanded: u64,
}

impl Scheduler for BranchAndBound {
    fn name(&self) -> &str {
        "branch-and-bound"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let solution = solve(view.costs(), self.budget, self.max_tasks);
        // Start order; ties (zero-length tasks) in topological order, so that
        // no node's queue puts a task before its predecessor.
        let mut position = vec![0u32; view.dag().task_count()];
        for (i, &t) in view.dag().topological_order().iter().enumerate() {
            position[t.index()] = i as u32;
        }
        let mut order: Vec<(SimTime, u32, TaskId)> = solution
            .placements
            .iter()
            .enumerate()
            .map(|(i, p)| (p.start, position[i], TaskId::new(i)))
            .collect();
        order.sort_unstable();
        for (_, _, task) in order {
            let p = solution.placements[task.index()];
            out.push(Assignment {
                task,
                node: p.node,
                cores: p.cores,
                dvfs: 0,
            });
        }
    }
}

/// Searches for a minimum-makespan schedule; see the module docs.
pub fn solve(costs: &CostModel<'_>, budget: u64, max_tasks: usize) -> Solution {
    let dag = costs.dag();
    let ranks = rank::upward(costs);
    let mut heft = ListPlanner::new(costs, true);
    for task in rank::order_by_decreasing(costs, &ranks) {
        heft.place_best(task);
    }
    // The incumbent: the best of HEFT, ETF and DLS (ties: that order).
    let planner = [batch::plan(costs, Rule::Etf), batch::plan(costs, Rule::Dls)]
        .into_iter()
        .fold(heft, |best, p| if p.makespan() < best.makespan() { p } else { best });
    let placements: Vec<Placement> = dag.task_ids().filter_map(|t| planner.placement(t)).collect();
    let mut best = Solution {
        makespan: planner.makespan(),
        placements,
        optimal: false,
        expanded: 0,
    };
    if dag.task_count() > max_tasks || best.placements.len() != dag.task_count() {
        return best;
    }
    let mut search = Search::new(costs);
    best.optimal = search.run(budget, &mut best);
    best
}

/// How to undo one placement.
struct Undo {
    task: TaskId,
    node: NodeId,
    lanes: Vec<SimTime>,
    last: (SimTime, u32),
}

/// One level of the depth-first search.
struct Frame {
    children: Vec<(TaskId, NodeId)>,
    next: usize,
    undo: Option<Undo>,
}

/// The mutable partial schedule and the instance's precomputed data.
struct Search<'c, 'a> {
    costs: &'c CostModel<'a>,
    n_nodes: usize,
    /// `[task][node]` execution time, `None` where the node has too few cores.
    exec: Vec<Option<SimDuration>>,
    cores: Vec<u32>,
    release: Vec<SimTime>,
    topo_pos: Vec<u32>,
    min_exec: Vec<SimDuration>,
    /// Longest path to an exit at minimum execution times, including the task.
    tail: Vec<SimDuration>,
    /// Symmetry class of each node (the lowest id of identical nodes).
    class: Vec<usize>,
    total_lanes: u64,
    lanes: Vec<Vec<SimTime>>,
    on_node: Vec<u32>,
    placed: Vec<Option<Placement>>,
    waiting: Vec<u32>,
    n_placed: usize,
    last: (SimTime, u32),
    est: Vec<SimTime>,
}

impl<'c, 'a> Search<'c, 'a> {
    fn new(costs: &'c CostModel<'a>) -> Search<'c, 'a> {
        let dag = costs.dag();
        let platform = costs.platform();
        let n_nodes = platform.node_count();
        let cores: Vec<u32> = dag.tasks().iter().map(|t| t.parallelism.min_cores).collect();
        let mut exec = Vec::with_capacity(dag.task_count() * n_nodes);
        for t in dag.task_ids() {
            for q in platform.node_ids() {
                exec.push(costs.can_run(t, q).then(|| costs.exec_time(t, q)));
            }
        }
        let min_exec: Vec<SimDuration> = dag
            .task_ids()
            .map(|t| {
                exec[t.index() * n_nodes..(t.index() + 1) * n_nodes]
                    .iter()
                    .flatten()
                    .copied()
                    .min()
                    .unwrap_or(SimDuration::ZERO)
            })
            .collect();
        let mut tail = min_exec.clone();
        for &t in dag.topological_order().iter().rev() {
            let after = dag
                .successors(t)
                .map(|s| tail[s.index()])
                .max()
                .unwrap_or(SimDuration::ZERO);
            tail[t.index()] = min_exec[t.index()] + after;
        }
        let mut topo_pos = vec![0u32; dag.task_count()];
        for (i, &t) in dag.topological_order().iter().enumerate() {
            topo_pos[t.index()] = i as u32;
        }
        let class = node_classes(costs, &exec);
        Search {
            costs,
            n_nodes,
            cores,
            release: dag.tasks().iter().map(|t| SimTime::from_secs_f64(t.release)).collect(),
            topo_pos,
            min_exec,
            tail,
            class,
            total_lanes: platform.total_cores(),
            lanes: platform
                .nodes()
                .iter()
                .map(|n| vec![SimTime::ZERO; n.cores as usize])
                .collect(),
            on_node: vec![0; n_nodes],
            placed: vec![None; dag.task_count()],
            waiting: dag.task_ids().map(|t| dag.in_edges(t).len() as u32).collect(),
            n_placed: 0,
            last: (SimTime::ZERO, 0),
            est: vec![SimTime::ZERO; dag.task_count()],
            exec,
        }
    }

    /// Runs the search, improving `best`; returns whether it finished.
    fn run(&mut self, budget: u64, best: &mut Solution) -> bool {
        let n_tasks = self.placed.len();
        let mut stack = vec![Frame {
            children: self.children(),
            next: 0,
            undo: None,
        }];
        while let Some(frame) = stack.last_mut() {
            let Some(&(task, node)) = frame.children.get(frame.next) else {
                if let Some(undo) = stack.pop().and_then(|f| f.undo) {
                    self.undo(undo);
                }
                continue;
            };
            frame.next += 1;
            if best.expanded >= budget {
                return false;
            }
            best.expanded += 1;
            let undo = self.apply(task, node);
            if self.n_placed == n_tasks {
                let makespan = self
                    .placed
                    .iter()
                    .flatten()
                    .map(|p| p.end)
                    .max()
                    .unwrap_or(SimTime::ZERO);
                if makespan < best.makespan {
                    best.makespan = makespan;
                    best.placements = self.placed.iter().flatten().copied().collect();
                }
                self.undo(undo);
                continue;
            }
            if self.lower_bound() >= best.makespan {
                self.undo(undo);
                continue;
            }
            let children = self.children();
            if children.is_empty() {
                self.undo(undo);
                continue;
            }
            stack.push(Frame {
                children,
                next: 0,
                undo: Some(undo),
            });
        }
        true
    }

    /// Start and end of `task` on `node` after everything placed there.
    fn start_on(&self, task: TaskId, node: NodeId) -> Option<(SimTime, SimTime)> {
        let exec = self.exec[task.index() * self.n_nodes + node.index()]?;
        let dag = self.costs.dag();
        let mut ready = self.release[task.index()];
        for &e in dag.in_edges(task) {
            let edge = dag.edge(e);
            let p = self.placed[edge.src.index()]?;
            ready = ready.max(p.end + self.costs.comm_time(p.node, node, edge.bytes));
        }
        let free = kth_smallest(&self.lanes[node.index()], self.cores[task.index()]);
        let start = ready.max(free);
        Some((start, start + exec))
    }

    /// Ready (task, node) pairs that respect the canonical order and node
    /// symmetry, as ETF would rank them: earliest start first, then longest
    /// path to an exit, then earliest finish.
    fn children(&self) -> Vec<(TaskId, NodeId)> {
        let mut first_empty: Vec<Option<usize>> = vec![None; self.n_nodes];
        for q in 0..self.n_nodes {
            let class = self.class[q];
            if self.on_node[q] == 0 && first_empty[class].is_none() {
                first_empty[class] = Some(q);
            }
        }
        let mut children: Vec<(SimTime, Reverse<u64>, SimTime, TaskId, NodeId)> = Vec::new();
        for task in self.costs.dag().task_ids() {
            if self.placed[task.index()].is_some() || self.waiting[task.index()] > 0 {
                continue;
            }
            for q in 0..self.n_nodes {
                if self.on_node[q] == 0 && first_empty[self.class[q]] != Some(q) {
                    continue;
                }
                let node = NodeId::new(q);
                let Some((start, end)) = self.start_on(task, node) else {
                    continue;
                };
                if (start, self.topo_pos[task.index()]) < self.last {
                    continue;
                }
                children.push((start, Reverse(self.tail[task.index()].as_nanos()), end, task, node));
            }
        }
        children.sort_unstable();
        children.into_iter().map(|(_, _, _, t, q)| (t, q)).collect()
    }

    fn apply(&mut self, task: TaskId, node: NodeId) -> Undo {
        let lanes = self.lanes[node.index()].clone();
        let undo = Undo {
            task,
            node,
            lanes,
            last: self.last,
        };
        let Some((start, end)) = self.start_on(task, node) else {
            return undo;
        };
        let cores = self.cores[task.index()];
        let mut order: Vec<(SimTime, usize)> = self.lanes[node.index()]
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, i))
            .collect();
        order.sort_unstable();
        for &(_, lane) in order.iter().take(cores as usize) {
            self.lanes[node.index()][lane] = end;
        }
        self.placed[task.index()] = Some(Placement {
            node,
            start,
            end,
            cores,
            lane: 0,
            dvfs: 0,
        });
        self.on_node[node.index()] += 1;
        for s in self.costs.dag().successors(task) {
            self.waiting[s.index()] -= 1;
        }
        self.n_placed += 1;
        self.last = (start, self.topo_pos[task.index()]);
        undo
    }

    fn undo(&mut self, undo: Undo) {
        if self.placed[undo.task.index()].take().is_none() {
            return;
        }
        self.lanes[undo.node.index()] = undo.lanes;
        self.on_node[undo.node.index()] -= 1;
        for s in self.costs.dag().successors(undo.task) {
            self.waiting[s.index()] += 1;
        }
        self.n_placed -= 1;
        self.last = undo.last;
    }

    /// A lower bound on the makespan of every completion; see the module docs.
    fn lower_bound(&mut self) -> SimTime {
        let dag = self.costs.dag();
        let last_start = self.last.0;
        let mut bound = SimTime::ZERO;
        let mut core_time: u128 = 0;
        for &t in dag.topological_order() {
            let i = t.index();
            if let Some(p) = self.placed[i] {
                bound = bound.max(p.end);
                continue;
            }
            let mut est = self.release[i].max(last_start);
            for p in dag.predecessors(t) {
                est = est.max(match self.placed[p.index()] {
                    Some(placed) => placed.end,
                    None => self.est[p.index()] + self.min_exec[p.index()],
                });
            }
            self.est[i] = est;
            bound = bound.max(est + self.tail[i]);
            core_time += u128::from(self.min_exec[i].as_nanos()) * u128::from(self.cores[i]);
        }
        for lane in self.lanes.iter().flatten() {
            core_time += u128::from(lane.max(&last_start).as_nanos());
        }
        let spread = core_time.div_ceil(u128::from(self.total_lanes.max(1)));
        bound.max(SimTime::from_nanos(u64::try_from(spread).unwrap_or(u64::MAX)))
    }
}

/// The `k`-th smallest lane end (when `k` lanes are free), `k ≥ 1`.
fn kth_smallest(lanes: &[SimTime], k: u32) -> SimTime {
    if k <= 1 {
        return lanes.iter().copied().min().unwrap_or(SimTime::ZERO);
    }
    let mut ends = lanes.to_vec();
    ends.sort_unstable();
    ends.get(k as usize - 1).copied().unwrap_or(SimTime::ZERO)
}

/// Groups interchangeable nodes: same cores, same execution time of every
/// task, and the same links to every other node and among themselves. Each
/// node maps to the lowest id of its group. O(p³ + p²·n).
fn node_classes(costs: &CostModel<'_>, exec: &[Option<SimDuration>]) -> Vec<usize> {
    let platform = costs.platform();
    let n_nodes = platform.node_count();
    let n_tasks = costs.dag().task_count();
    let link = |a: usize, b: usize| {
        let (a, b) = (NodeId::new(a), NodeId::new(b));
        (
            platform.latency(a, b).to_bits(),
            platform.path_bandwidth(a, b).to_bits(),
        )
    };
    let same = |a: usize, b: usize| {
        platform.nodes()[a].cores == platform.nodes()[b].cores
            && (0..n_tasks).all(|t| exec[t * n_nodes + a] == exec[t * n_nodes + b])
            && link(a, b) == link(b, a)
            && (0..n_nodes)
                .filter(|&x| x != a && x != b)
                .all(|x| link(a, x) == link(b, x) && link(x, a) == link(x, b))
    };
    let mut class: Vec<usize> = (0..n_nodes).collect();
    for q in 0..n_nodes {
        for r in 0..q {
            if class[r] == r && (r..q).filter(|&m| class[m] == r).all(|m| same(m, q)) {
                class[q] = r;
                break;
            }
        }
    }
    class
}
