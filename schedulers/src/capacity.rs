//! Core accounting shared by online policies that hand a task to the engine
//! only when a node has a free core for it.
//!
//! The engine's [`SimView::free_cores`](sim::SimView::free_cores) counts
//! cores not running a task *now*, which includes cores promised to tasks
//! that are assigned but still waiting for their inputs. A policy that wants
//! no task to queue behind another on a node therefore keeps its own count:
//! a task holds its cores from assignment until it finishes.

use sim::{NodeId, Platform, TaskId};
use std::collections::BTreeSet;

/// Free cores per node, as the policy has promised them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Capacity {
    free: Vec<u32>,
    /// Nodes with at least one free core, by id.
    with_free: BTreeSet<NodeId>,
    /// The node and cores each assigned, unfinished task holds.
    held: Vec<Option<(NodeId, u32)>>,
    /// Tasks holding cores.
    n_held: usize,
}

impl Capacity {
    /// Every core of `platform` free, for a DAG of `n_tasks` tasks.
    pub(crate) fn new(platform: &Platform, n_tasks: usize) -> Capacity {
        Capacity {
            free: platform.nodes().iter().map(|n| n.cores).collect(),
            with_free: platform.node_ids().filter(|&n| platform.node(n).cores > 0).collect(),
            held: vec![None; n_tasks],
            n_held: 0,
        }
    }

    /// Whether `node` has `cores` free cores.
    pub(crate) fn fits(&self, node: NodeId, cores: u32) -> bool {
        self.free.get(node.index()).is_some_and(|&f| f >= cores)
    }

    /// Free cores of `node`.
    pub(crate) fn free(&self, node: NodeId) -> u32 {
        self.free.get(node.index()).copied().unwrap_or(0)
    }

    /// Whether some node has a free core.
    pub(crate) fn any_free(&self) -> bool {
        !self.with_free.is_empty()
    }

    /// Nodes with at least `cores` free cores, by id: O(log p) to the first
    /// for one core, O(p) at worst.
    pub(crate) fn fitting(&self, cores: u32) -> impl Iterator<Item = NodeId> + '_ {
        self.with_free.iter().copied().filter(move |&n| self.fits(n, cores))
    }

    /// `task` takes `cores` cores of `node` (which must fit them).
    pub(crate) fn take(&mut self, task: TaskId, node: NodeId, cores: u32) {
        let free = &mut self.free[node.index()];
        *free = free.saturating_sub(cores);
        if *free == 0 {
            self.with_free.remove(&node);
        }
        // On a job stream tasks keep arriving: the table grows to cover them.
        if self.held.len() <= task.index() {
            self.held.resize(task.index() + 1, None);
        }
        if self.held[task.index()].replace((node, cores)).is_none() {
            self.n_held += 1;
        }
    }

    /// Whether some task holds cores.
    pub(crate) fn holds_any(&self) -> bool {
        self.n_held > 0
    }

    /// Whether `task` holds cores.
    pub(crate) fn holds(&self, task: TaskId) -> bool {
        self.held.get(task.index()).is_some_and(Option::is_some)
    }

    /// `task` finished: its cores are free again.
    pub(crate) fn finish(&mut self, task: TaskId) {
        if let Some((node, cores)) = self.held.get_mut(task.index()).and_then(Option::take) {
            self.n_held -= 1;
            self.free[node.index()] += cores;
            self.with_free.insert(node);
        }
    }
}
