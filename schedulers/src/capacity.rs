//! Core and memory accounting shared by online policies that hand a task to
//! the engine only when a node has free cores (and memory) for it.
//!
//! The engine's [`SimView::free_cores`](sim::SimView::free_cores) counts
//! cores not running a task *now*, which includes cores promised to tasks
//! that are assigned but still waiting for their inputs. A policy that wants
//! no task to queue behind another on a node therefore keeps its own count:
//! a task holds its cores, and its memory on a node with a memory limit, from
//! assignment until it finishes; a node fits a task only if the task may run
//! there at all ([`CostModel::can_run`]: labels, memory).
//!
//! On a job stream the per-task table is a [`TaskWindow`]: the policy's
//! [`Capacity::retire`] drops the tasks of retired jobs, which hold nothing.

use sim::{CostModel, NodeId, TaskId, TaskWindow};
use std::collections::BTreeSet;

/// Free cores and memory per node, as the policy has promised them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Capacity {
    free: Vec<u32>,
    /// Free memory of each node, bytes; `None` where memory is unlimited.
    free_memory: Vec<Option<u64>>,
    /// Nodes with at least one free core, by id.
    with_free: BTreeSet<NodeId>,
    /// The node, cores and memory each assigned, unfinished task holds.
    held: TaskWindow<Option<(NodeId, u32, u64)>>,
    /// Tasks holding cores.
    n_held: usize,
}

impl Capacity {
    /// Every core and byte of `costs`' platform free, for its DAG's tasks.
    pub(crate) fn new(costs: &CostModel<'_>) -> Capacity {
        let platform = costs.platform();
        Capacity {
            free: platform.nodes().iter().map(|n| n.cores).collect(),
            free_memory: platform.nodes().iter().map(|n| n.memory_bytes).collect(),
            with_free: platform.node_ids().filter(|&n| platform.node(n).cores > 0).collect(),
            held: {
                let mut held = TaskWindow::default();
                held.resize(costs.dag().task_count(), None);
                held
            },
            n_held: 0,
        }
    }

    /// Whether `task` may run on `node` on `cores` cores now: the node has
    /// that many cores and the task's memory free, and the task may run there.
    pub(crate) fn fits(&self, costs: &CostModel<'_>, task: TaskId, node: NodeId, cores: u32) -> bool {
        let cores_free = self.free.get(node.index()).is_some_and(|&f| f >= cores);
        cores_free && (!costs.is_constrained() || self.memory_fits(costs, task, node) && costs.can_run(task, node))
    }

    /// Whether `node` has `task`'s memory free (always, for a policy that
    /// does not plan memory: [`CostModel::plans_memory`]).
    fn memory_fits(&self, costs: &CostModel<'_>, task: TaskId, node: NodeId) -> bool {
        if !costs.plans_memory() {
            return true;
        }
        let free = self.free_memory.get(node.index()).copied().flatten();
        free.is_none_or(|free| costs.dag().task(task).memory_bytes <= free)
    }

    /// Free cores of `node`.
    pub(crate) fn free(&self, node: NodeId) -> u32 {
        self.free.get(node.index()).copied().unwrap_or(0)
    }

    /// Whether some node has a free core.
    pub(crate) fn any_free(&self) -> bool {
        !self.with_free.is_empty()
    }

    /// Nodes that fit `task` on its fewest cores now ([`Capacity::fits`]),
    /// by id: O(log p) to the first for one core, O(p) at worst.
    pub(crate) fn fitting<'s>(&'s self, costs: &'s CostModel<'_>, task: TaskId) -> impl Iterator<Item = NodeId> + 's {
        let cores = costs.dag().task(task).parallelism.min_cores;
        self.with_free
            .iter()
            .copied()
            .filter(move |&n| self.fits(costs, task, n, cores))
    }

    /// `task` takes `cores` cores of `node` and its memory there (which must fit them).
    pub(crate) fn take(&mut self, costs: &CostModel<'_>, task: TaskId, node: NodeId, cores: u32) {
        let free = &mut self.free[node.index()];
        *free = free.saturating_sub(cores);
        if *free == 0 {
            self.with_free.remove(&node);
        }
        // A policy that does not plan memory holds none in its count.
        let memory = if costs.plans_memory() {
            costs.dag().task(task).memory_bytes
        } else {
            0
        };
        if let Some(free) = &mut self.free_memory[node.index()] {
            *free = free.saturating_sub(memory);
        }
        // On a job stream tasks keep arriving: the table grows to cover them.
        self.held.resize(task.index() + 1, None);
        if self.held[task.index()].replace((node, cores, memory)).is_none() {
            self.n_held += 1;
        }
    }

    /// Whether some task holds cores.
    pub(crate) fn holds_any(&self) -> bool {
        self.n_held > 0
    }

    /// Whether `task` holds cores.
    pub(crate) fn holds(&self, task: TaskId) -> bool {
        task.index() < self.held.len() && self.held[task.index()].is_some()
    }

    /// `task` finished: its cores and memory are free again.
    pub(crate) fn finish(&mut self, task: TaskId) {
        if task.index() >= self.held.len() {
            return;
        }
        if let Some((node, cores, memory)) = self.held[task.index()].take() {
            self.n_held -= 1;
            self.free[node.index()] += cores;
            if let Some(free) = &mut self.free_memory[node.index()] {
                *free += memory;
            }
            self.with_free.insert(node);
        }
    }

    /// The tasks below `before` are retired: over, holding nothing (see [`sim::Scheduler::retire`]).
    pub(crate) fn retire(&mut self, before: TaskId) {
        self.held.resize(before.index(), None);
        self.held.retire_before(before.index());
    }
}
