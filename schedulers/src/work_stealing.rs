//! Work stealing: a deque per core, random victims, steal half.
//!
//! Blumofe, Leiserson, "Scheduling multithreaded computations by work
//! stealing", JACM 46(5), 1999; steal-half after Hendler, Shavit, "Non-blocking
//! steal-half work queues", PODC 2002.
//! Online.
//!
//! # Model
//! Every core of every node is a *worker* with its own deque, kept inside the
//! policy: the engine only lets a scheduler assign, never take back, so a
//! task is handed to the engine only when a worker starts it, and until then
//! it can move between deques.
//! - A task that becomes ready is pushed at the bottom of the deque of the
//!   worker that ran its last-finishing predecessor (its data is there);
//!   entry tasks are dealt round-robin over the workers.
//! - An idle worker pops the bottom of its own deque (newest first, for
//!   locality). With an empty deque it picks a victim uniformly at random
//!   among the workers with non-empty deques (seeded ChaCha8 RNG), takes the
//!   older half of the victim's deque (top first) and starts the oldest.
//! - A task only goes to deques of workers whose node can host it, and a
//!   thief leaves behind stolen tasks its node cannot host.
//! - A task needing `k` cores claims `k − 1` more workers of its node: the
//!   idle ones at once, then the next ones to finish there; the engine starts
//!   it when its cores are free.
//!
//! - Node failures: a task lost with its node frees its workers like a
//!   finished one and comes back as ready. Workers of a down node take no
//!   work (others may steal theirs), and new tasks are routed to up nodes.
//!
//! Invariant after every update: an idle worker of an up node has an empty deque.
//!
//! Complexity: O(1) per push and local pop, O(log W) per idle-set change
//! (W workers), O(s) for a steal of s tasks; no decision scans the ready
//! set. While some deque is non-empty, each update offers every idle worker
//! one steal attempt, O(W) per update at worst.

use rand::{RngExt as _, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::{Decisions, NodeId, Scheduler, SimTime, SimView, TaskId, TaskState, TaskWindow, Update};
use std::collections::{BTreeSet, VecDeque};

/// Sentinel for "no position" in the non-empty set.
const ABSENT: usize = usize::MAX;

/// Work stealing over per-core deques.
#[derive(Debug, Clone)]
pub struct WorkStealing {
    rng: ChaCha8Rng,
    /// Node of each worker.
    node_of: Vec<NodeId>,
    /// First worker of each node (workers of a node are contiguous).
    first_worker: Vec<usize>,
    deques: Vec<VecDeque<TaskId>>,
    /// Workers with a non-empty deque, and each worker's position in it.
    nonempty: Vec<usize>,
    position: Vec<usize>,
    idle: BTreeSet<usize>,
    /// Per task not retired: the worker that started it, and the other workers it holds.
    ran_by: TaskWindow<usize>,
    holds: TaskWindow<Vec<usize>>,
    /// Per node: tasks still owed workers, oldest first, with how many.
    debts: Vec<VecDeque<(TaskId, u32)>>,
    /// Workers whose deque got work or who became idle in this update.
    touched: Vec<usize>,
}

impl WorkStealing {
    /// Work stealing drawing its victims from `seed`.
    pub fn new(seed: u64) -> WorkStealing {
        WorkStealing {
            rng: ChaCha8Rng::seed_from_u64(seed),
            node_of: Vec::new(),
            first_worker: Vec::new(),
            deques: Vec::new(),
            nonempty: Vec::new(),
            position: Vec::new(),
            idle: BTreeSet::new(),
            ran_by: TaskWindow::default(),
            holds: TaskWindow::default(),
            debts: Vec::new(),
            touched: Vec::new(),
        }
    }

    fn hosts(&self, view: &SimView<'_>, worker: usize, task: TaskId) -> bool {
        view.costs().can_run(task, self.node_of[worker])
    }

    /// `worker` if its node is up and can host `task`, else the first worker
    /// of the lowest-id up node that can (of any node that can if none is up).
    fn route(&self, view: &SimView<'_>, worker: usize, task: TaskId) -> usize {
        if self.hosts(view, worker, task) && view.node_up(self.node_of[worker]) {
            return worker;
        }
        let platform = view.platform();
        let hosting = || platform.node_ids().filter(|&n| view.costs().can_run(task, n));
        hosting()
            .find(|&n| view.node_up(n))
            .or_else(|| hosting().next())
            .map_or(worker, |n| self.first_worker[n.index()])
    }

    fn push_bottom(&mut self, worker: usize, task: TaskId) {
        self.deques[worker].push_back(task);
        self.mark_nonempty(worker);
        self.touched.push(worker);
    }

    fn mark_nonempty(&mut self, worker: usize) {
        if self.position[worker] == ABSENT {
            self.position[worker] = self.nonempty.len();
            self.nonempty.push(worker);
        }
    }

    fn mark_if_empty(&mut self, worker: usize) {
        let at = self.position[worker];
        if at != ABSENT && self.deques[worker].is_empty() {
            self.nonempty.swap_remove(at);
            if let Some(&moved) = self.nonempty.get(at) {
                self.position[moved] = at;
            }
            self.position[worker] = ABSENT;
        }
    }

    /// A worker is free again: it pays its node's oldest debt, or goes idle.
    fn free_worker(&mut self, worker: usize) {
        let node = self.node_of[worker].index();
        if let Some((task, owed)) = self.debts[node].front_mut() {
            let task = *task;
            *owed -= 1;
            if *owed == 0 {
                self.debts[node].pop_front();
            }
            self.holds[task.index()].push(worker);
        } else {
            self.idle.insert(worker);
            self.touched.push(worker);
        }
    }

    /// `worker` (idle) starts `task`, claiming more workers of its node if needed.
    fn start(&mut self, view: &SimView<'_>, worker: usize, task: TaskId, out: &mut Decisions) {
        self.idle.remove(&worker);
        self.ran_by[task.index()] = worker;
        let mut owed = view.dag().task(task).parallelism.min_cores.saturating_sub(1);
        let node = self.node_of[worker];
        let first = self.first_worker[node.index()];
        let n_cores = view.platform().node(node).cores as usize;
        let mut helpers: Vec<usize> = Vec::new();
        for &w in self.idle.range(first..first + n_cores) {
            if owed == 0 {
                break;
            }
            if self.deques[w].is_empty() {
                helpers.push(w);
                owed -= 1;
            }
        }
        for &w in &helpers {
            self.idle.remove(&w);
        }
        self.holds[task.index()] = helpers;
        if owed > 0 {
            self.debts[node.index()].push_back((task, owed));
        }
        out.assign(view, task, node);
    }

    /// Takes the older half of a random victim's deque into `thief`'s;
    /// returns whether anything the thief can run was taken.
    fn steal(&mut self, view: &SimView<'_>, thief: usize) -> bool {
        if self.nonempty.is_empty() {
            return false;
        }
        let victim = self.nonempty[self.rng.random_range(0..self.nonempty.len())];
        if victim == thief {
            return false;
        }
        let half = self.deques[victim].len().div_ceil(2);
        let mut stolen: Vec<TaskId> = self.deques[victim].drain(..half).collect();
        let mut left: Vec<TaskId> = Vec::new();
        stolen.retain(|&t| {
            let ok = self.hosts(view, thief, t);
            if !ok {
                left.push(t);
            }
            ok
        });
        for &t in left.iter().rev() {
            self.deques[victim].push_front(t);
        }
        self.mark_if_empty(victim);
        if stolen.is_empty() {
            return false;
        }
        self.deques[thief].extend(stolen);
        self.mark_nonempty(thief);
        true
    }
}

impl Scheduler for WorkStealing {
    fn name(&self) -> &str {
        "work-stealing"
    }

    fn plan(&mut self, view: &SimView<'_>, _out: &mut Decisions) {
        let platform = view.platform();
        self.node_of.clear();
        self.first_worker.clear();
        for node in platform.node_ids() {
            self.first_worker.push(self.node_of.len());
            for _ in 0..platform.node(node).cores {
                self.node_of.push(node);
            }
        }
        let n_workers = self.node_of.len();
        let n_tasks = view.dag().task_count();
        self.deques = vec![VecDeque::new(); n_workers];
        self.nonempty.clear();
        self.position = vec![ABSENT; n_workers];
        self.idle = (0..n_workers).collect();
        self.ran_by.clear();
        self.ran_by.resize(n_tasks, 0);
        self.holds.clear();
        self.holds.resize(n_tasks, Vec::new());
        self.debts = vec![VecDeque::new(); platform.node_count()];
        self.touched.clear();
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        let n_workers = self.node_of.len();
        if n_workers == 0 {
            return;
        }
        // A job stream's arrived jobs bring tasks.
        let n_tasks = view.dag().task_count();
        self.ran_by.resize(n_tasks, 0);
        self.holds.resize(n_tasks, Vec::new());
        self.touched.clear();
        // A lost task no longer waits for workers.
        for &task in update.lost {
            let node = self.node_of[self.ran_by[task.index()]].index();
            self.debts[node].retain(|&(t, _)| t != task);
        }
        // Runs lost to a node failure release their cores like finished ones.
        for &task in update.finished.iter().chain(update.lost) {
            let mut freed = std::mem::take(&mut self.holds[task.index()]);
            freed.push(self.ran_by[task.index()]);
            for worker in freed {
                self.free_worker(worker);
            }
        }
        // Workers of nodes back from a failure look at their deques again.
        for &node in update.freed {
            let first = self.first_worker[node.index()];
            let n_cores = view.platform().node(node).cores as usize;
            let back: Vec<usize> = self.idle.range(first..first + n_cores).copied().collect();
            self.touched.extend(back);
        }
        let dag = view.dag();
        for &task in update.ready {
            let mut last: Option<(SimTime, usize)> = None;
            for p in dag.predecessors(task) {
                if let TaskState::Done { end, .. } = view.task_state(p) {
                    let candidate = (end, self.ran_by[p.index()]);
                    if last.is_none_or(|l| candidate > l) {
                        last = Some(candidate);
                    }
                }
            }
            let preferred = last.map_or(task.index() % n_workers, |(_, w)| w);
            let worker = self.route(view, preferred, task);
            self.push_bottom(worker, task);
        }
        // Idle workers with local work pop their newest task.
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable();
        touched.dedup();
        for &worker in &touched {
            if self.idle.contains(&worker)
                && view.node_up(self.node_of[worker])
                && let Some(task) = self.deques[worker].pop_back()
            {
                self.mark_if_empty(worker);
                self.start(view, worker, task, out);
            }
        }
        // The other idle workers (empty deques) try one steal each.
        let thieves: Vec<usize> = self.idle.iter().copied().collect();
        for thief in thieves {
            if self.nonempty.is_empty() {
                break;
            }
            if self.idle.contains(&thief)
                && view.node_up(self.node_of[thief])
                && self.steal(view, thief)
                && let Some(task) = self.deques[thief].pop_front()
            {
                self.mark_if_empty(thief);
                self.start(view, thief, task, out);
            }
        }
    }

    fn retire(&mut self, before: TaskId) {
        self.ran_by.retire_before(before.index());
        self.holds.retire_before(before.index());
    }
}
