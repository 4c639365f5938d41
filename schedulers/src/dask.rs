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
//!   drains. Ties: lowest node id.
//! - A node with free cores runs its queued task of highest upward rank.
//! - A node with free cores and an empty queue steals the top task of the
//!   node with the largest backlog per core, if the task would finish
//!   earlier here (counting its transfers) than after that backlog, or if
//!   that node is down.
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
use sim::{Assignment, Decisions, NodeId, Scheduler, SimDuration, SimTime, SimView, TaskId, Update};
use std::collections::BinaryHeap;

/// The Dask-like policy.
#[derive(Debug, Clone, Default)]
pub struct Dask {
    /// Upward rank in seconds.
    rank: Vec<f64>,
    /// Upward rank in nanoseconds, the queues' priority.
    rank_ns: Vec<u64>,
    /// Per node: queued tasks by highest rank, then lowest id.
    queues: Vec<BinaryHeap<(u64, std::cmp::Reverse<TaskId>)>>,
    /// Per node: estimated nanoseconds of work queued or running there.
    backlog: Vec<u64>,
    /// Per task: the node whose queue or cores it is in, and its estimate there.
    at: Vec<Option<(NodeId, u64)>>,
    capacity: Capacity,
    /// Keep every task on its fewest cores instead of choosing a core count.
    rigid: bool,
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
        self.queues[node.index()].push((self.rank_ns[task.index()], std::cmp::Reverse(task)));
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
            .filter(|&v| v != thief && !self.queues[v.index()].is_empty())
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
        if !self.capacity.fits(thief, cores) {
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
        let first = self.rank.len();
        rank::upward_extend(costs, &mut self.rank, |t| costs.mean_exec_secs(t));
        self.rank_ns.extend(
            self.rank[first..]
                .iter()
                .map(|&r| SimDuration::from_secs_f64(r).as_nanos()),
        );
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
        self.rank_ns.clear();
        self.add_tasks(view);
        self.queues = vec![BinaryHeap::new(); n_nodes];
        self.backlog = vec![0; n_nodes];
        self.capacity = Capacity::new(view.platform(), view.dag().task_count());
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
            let cores = view.dag().task(task).parallelism.min_cores;
            let hosting = || platform.node_ids().filter(|&n| platform.node(n).cores >= cores);
            let pick = |nodes: &mut dyn Iterator<Item = NodeId>| {
                nodes.min_by_key(|&n| (self.estimated_start(view, task, n), n))
            };
            let best = pick(&mut hosting().filter(|&n| view.node_up(n))).or_else(|| pick(&mut hosting()));
            if let Some(node) = best {
                self.enqueue(view, task, node);
            }
        }
        for node in platform.node_ids().filter(|&n| view.node_up(n)) {
            loop {
                if self.queues[node.index()].is_empty() {
                    self.steal(view, node);
                }
                let Some(&(_, std::cmp::Reverse(task))) = self.queues[node.index()].peek() else {
                    break;
                };
                let cores = view.dag().task(task).parallelism.min_cores;
                if !self.capacity.fits(node, cores) {
                    break;
                }
                self.queues[node.index()].pop();
                let cores = self.cores_to_take(view, task, node, self.capacity.free(node));
                self.capacity.take(task, node, cores);
                out.push(Assignment {
                    task,
                    node,
                    cores,
                    dvfs: 0,
                });
            }
        }
    }
}
