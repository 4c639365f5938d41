//! A Dask-like policy: earliest estimated start, then rebalancing by stealing.
//!
//! After the Dask distributed scheduler (Rocklin, "Dask: parallel computation
//! with blocked algorithms and task scheduling", SciPy 2015; its
//! `decide_worker` and work-stealing heuristics).
//! Online. Each node has a queue kept inside the policy (the engine cannot
//! take an assignment back, so a task reaches the engine only when a core of
//! its node is free; see [`crate::capacity`]).
//! - A task that becomes ready joins the queue of the node where it would
//!   start earliest by the estimates: when its inputs could arrive there
//!   (actual producers and end times) and when the node's backlog (estimated
//!   time of everything queued or running there, spread over its cores)
//!   drains. Ties: lowest node id. With `candidates=deps`, as Dask's
//!   `decide_worker` does, a task with inputs is placed only among the nodes
//!   that hold one of them (every node when none of those is up).
//! - A node with free cores runs its queued task of highest upward rank
//!   (`order=rank`, the default), or of lowest id (`order=id`: Dask's
//!   workers run ready tasks in `dask.order`'s static priority, which a
//!   DAG numbered in that order carries in its ids).
//! - A node with free cores and an empty queue steals the top task of the
//!   node with the largest backlog per core, if the task would finish
//!   earlier here (counting its transfers) than after that backlog, or if
//!   that node is down. With `steal_interval=S`, as Dask's periodic
//!   `balance` (every 100 ms by default there), stealing happens only at the
//!   first event at or after each multiple of S seconds (the policy has no
//!   timer of its own, so a steal may come up to one event late). With
//!   `steal_min=B`, a node is robbed only while its backlog exceeds B
//!   seconds (Dask's `balance` takes victims only above 0.2 s of occupancy).
//! - Node failures: a lost task leaves its node's backlog and comes back as
//!   ready; down nodes get no new tasks and run nothing.
//! - Moldable tasks (`moldable=1`, the default): a task started on a node
//!   takes, of the cores free there now, the count that finishes it
//!   earliest (the fewest such); `moldable=0` keeps it on its fewest cores.
//!
//! Complexity: O(p·k + log n) per ready task (k its in-degree) and
//! O(p + log n) per decision; no decision scans the ready set.
//!
//! Mean transfer times: Dask estimates each transfer on its real link; the upward
//! rank that orders ready tasks uses HEFT's `c̄ = L̄ + data / B̄` (`comm_mean=rate`,
//! the default; `comm_mean=time` for the mean of the transfer times).

use crate::capacity::Capacity;
use crate::rank;
use sim::{Assignment, Decisions, NodeId, Scheduler, SimDuration, SimTime, SimView, TaskId, TaskWindow, Update};
use std::collections::BinaryHeap;

/// The Dask-like policy.
#[derive(Debug, Clone, Default)]
pub struct Dask {
    /// Upward rank in seconds of each task not retired.
    rank: TaskWindow<f64>,
    /// Per node: queued tasks by highest rank, then lowest id.
    queues: Vec<BinaryHeap<(u64, std::cmp::Reverse<TaskId>)>>,
    /// Per node: estimated nanoseconds of work queued or running there.
    backlog: Vec<u64>,
    /// Per task not retired: the node whose queue or cores it is in, and its estimate there.
    at: TaskWindow<Option<(NodeId, u64)>>,
    capacity: Capacity,
    /// Keep every task on its fewest cores instead of choosing a core count.
    rigid: bool,
    /// Place a task with inputs only among the nodes holding one (Dask's `decide_worker`).
    near_inputs: bool,
    /// Steal only at the first event of each period of this length (Dask's
    /// `balance`); `None` steals whenever a node is idle.
    steal_interval: Option<SimDuration>,
    /// When stealing is next allowed, with `steal_interval`.
    next_balance: SimTime,
    /// Nanoseconds of backlog a node must exceed to be robbed.
    steal_min: u64,
    /// Run queued tasks lowest id first instead of highest rank first.
    by_id: bool,
}

impl Dask {
    /// This policy choosing core counts of moldable tasks (`true`, the
    /// default) or keeping every task on its fewest cores.
    pub fn moldable(self, moldable: bool) -> Dask {
        Dask {
            rigid: !moldable,
            ..self
        }
    }

    /// This policy placing a task with inputs only among the nodes holding
    /// one (`true`, as Dask's `decide_worker`) or among all nodes (`false`, the default).
    pub fn near_inputs(self, near_inputs: bool) -> Dask {
        Dask { near_inputs, ..self }
    }

    /// This policy stealing only at the first event of each `interval`
    /// (Dask's periodic `balance`), or whenever a node is idle (`None`, the default).
    pub fn steal_interval(self, interval: Option<SimDuration>) -> Dask {
        Dask {
            steal_interval: interval,
            ..self
        }
    }

    /// This policy running queued tasks lowest id first (`true`) or highest
    /// upward rank first (`false`, the default).
    pub fn by_id(self, by_id: bool) -> Dask {
        Dask { by_id, ..self }
    }

    /// This policy robbing only nodes with more than `min` of backlog (0: any, the default).
    pub fn steal_min(self, min: SimDuration) -> Dask {
        Dask {
            steal_min: min.as_nanos(),
            ..self
        }
    }

    /// Whether stealing may happen now; moves the next balance time past now.
    fn balance_now(&mut self, now: SimTime) -> bool {
        let Some(interval) = self.steal_interval.filter(|i| *i > SimDuration::ZERO) else {
            return true;
        };
        if now < self.next_balance {
            return false;
        }
        let periods = (now - SimTime::ZERO).as_nanos() / interval.as_nanos() + 1;
        self.next_balance = SimTime::from_nanos(periods * interval.as_nanos());
        true
    }

    /// Nodes holding an input of `task`: the nodes its finished predecessors ran on.
    fn input_holders(view: &SimView<'_>, task: TaskId) -> Vec<NodeId> {
        let mut nodes: Vec<NodeId> = view
            .dag()
            .predecessors(task)
            .filter_map(|p| match view.task_state(p) {
                sim::TaskState::Done { node, .. } => Some(node),
                _ => None,
            })
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        nodes
    }

    /// Cores `task` takes on `node` when `free` cores are free there: the
    /// count that finishes it earliest (the fewest such; a measured speedup
    /// may peak before the most cores).
    fn cores_to_take(&self, view: &SimView<'_>, task: TaskId, node: NodeId, free: u32) -> u32 {
        let p = view.dag().task(task).parallelism;
        let most = p.max_cores.min(free).max(p.min_cores);
        if self.rigid {
            return p.min_cores;
        }
        let costs = view.costs();
        (p.min_cores..=most)
            .min_by_key(|&k| (costs.exec_time_with(task, node, k, 0), k))
            .unwrap_or(p.min_cores)
    }

    /// When `task` could start on `node`: inputs there and backlog drained.
    fn estimated_start(&self, view: &SimView<'_>, task: TaskId, node: NodeId) -> SimTime {
        let per_core = self.backlog[node.index()] / u64::from(view.platform().node(node).cores.max(1));
        view.inputs_ready(task, node)
            .max(view.now() + SimDuration::from_nanos(per_core))
    }

    fn enqueue(&mut self, view: &SimView<'_>, task: TaskId, node: NodeId) {
        let exec = view.costs().exec_time(task, node).as_nanos();
        self.backlog[node.index()] += exec;
        self.at[task.index()] = Some((node, exec));
        let priority = self.priority(task);
        self.queues[node.index()].push((priority, std::cmp::Reverse(task)));
    }

    /// A queued task's priority: its upward rank in nanoseconds, or 0 by id
    /// (every task the same, so the queues' ties, lowest id, decide).
    fn priority(&self, task: TaskId) -> u64 {
        if self.by_id {
            0
        } else {
            SimDuration::from_secs_f64(self.rank[task.index()]).as_nanos()
        }
    }

    fn dequeue(&mut self, task: TaskId) {
        if let Some((node, exec)) = self.at[task.index()].take() {
            self.backlog[node.index()] = self.backlog[node.index()].saturating_sub(exec);
        }
    }

    /// Moves the top task of the most loaded other node to `thief`, if it
    /// would finish earlier there.
    fn steal(&mut self, view: &SimView<'_>, thief: NodeId) {
        let platform = view.platform();
        let victim = platform
            .node_ids()
            .filter(|&v| v != thief && !self.queues[v.index()].is_empty() && self.backlog[v.index()] > self.steal_min)
            .max_by_key(|&v| {
                let per_core = self.backlog[v.index()] / u64::from(platform.node(v).cores.max(1));
                (per_core, std::cmp::Reverse(v))
            });
        let Some(victim) = victim else { return };
        let victim_down = !view.node_up(victim);
        let Some(&(_, std::cmp::Reverse(task))) = self.queues[victim.index()].peek() else {
            return;
        };
        let cores = view.dag().task(task).parallelism.min_cores;
        if !self.capacity.fits(view.costs(), task, thief, cores) {
            return;
        }
        let costs = view.costs();
        let here = view.inputs_ready(task, thief) + costs.exec_time(task, thief);
        let there = self.estimated_start(view, task, victim) + costs.exec_time(task, victim);
        if victim_down || here < there {
            self.queues[victim.index()].pop();
            self.dequeue(task);
            self.enqueue(view, task, thief);
        }
    }
}

impl Dask {
    /// Ranks the tasks that joined the DAG since the last call (all of them
    /// at the start; a job stream's arrived jobs later).
    fn add_tasks(&mut self, view: &SimView<'_>) {
        let costs = view.costs();
        rank::upward_extend(costs, &mut self.rank, |t| costs.mean_exec_secs(t));
        self.at.resize(view.dag().task_count(), None);
    }
}

impl Scheduler for Dask {
    fn name(&self) -> &str {
        "dask"
    }

    fn plan(&mut self, view: &SimView<'_>, _out: &mut Decisions) {
        let n_nodes = view.platform().node_count();
        self.rank.clear();
        self.at.clear();
        self.add_tasks(view);
        self.queues = vec![BinaryHeap::new(); n_nodes];
        self.backlog = vec![0; n_nodes];
        self.next_balance = SimTime::ZERO;
        self.capacity = Capacity::new(view.costs());
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        if !update.arrived.is_empty() {
            self.add_tasks(view);
        }
        let platform = view.platform();
        // Runs lost to a node failure release their cores like finished ones.
        for &task in update.finished.iter().chain(update.lost) {
            self.capacity.finish(task);
            self.dequeue(task);
        }
        for &task in update.ready {
            let hosting = || platform.node_ids().filter(|&n| view.costs().can_run(task, n));
            let pick = |nodes: &mut dyn Iterator<Item = NodeId>| {
                nodes.min_by_key(|&n| (self.estimated_start(view, task, n), n))
            };
            let holders = if self.near_inputs {
                Self::input_holders(view, task)
            } else {
                Vec::new()
            };
            let near = pick(
                &mut holders
                    .iter()
                    .copied()
                    .filter(|&n| view.node_up(n) && view.costs().can_run(task, n)),
            );
            let best = near
                .or_else(|| pick(&mut hosting().filter(|&n| view.node_up(n))))
                .or_else(|| pick(&mut hosting()));
            if let Some(node) = best {
                self.enqueue(view, task, node);
            }
        }
        let may_steal = self.balance_now(view.now());
        for node in platform.node_ids().filter(|&n| view.node_up(n)) {
            loop {
                if may_steal && self.queues[node.index()].is_empty() {
                    self.steal(view, node);
                }
                let Some(&(_, std::cmp::Reverse(task))) = self.queues[node.index()].peek() else {
                    break;
                };
                let cores = view.dag().task(task).parallelism.min_cores;
                if !self.capacity.fits(view.costs(), task, node, cores) {
                    break;
                }
                self.queues[node.index()].pop();
                let cores = self.cores_to_take(view, task, node, self.capacity.free(node));
                self.capacity.take(view.costs(), task, node, cores);
                out.push(Assignment {
                    task,
                    node,
                    cores,
                    dvfs: 0,
                });
            }
        }
    }

    fn retire(&mut self, before: TaskId) {
        self.rank.retire_before(before.index());
        self.at.retire_before(before.index());
        self.capacity.retire(before);
    }
}
