//! The one interface between the engine and every scheduling algorithm.
//!
//! ```text
//!   engine ──plan(view)──────────────▶ scheduler      (once, at time 0)
//!   engine ──on_update(view, update)─▶ scheduler      (after each batch of
//!          ◀──────── Decisions ──────                  same-time events)
//! ```
//!
//! A *static planner* does all its work in [`Scheduler::plan`]: it sees the
//! whole DAG and platform through the [`SimView`] and assigns every task.
//! An *online policy* leaves `plan` empty and reacts in
//! [`Scheduler::on_update`] to tasks that became ready and cores that became
//! free, seeing only what has happened so far. Both return [`Decisions`] as
//! data; the engine validates and applies them. A scheduler never touches the
//! event queue, the clock or the engine's RNG.
//!
//! # Assignment semantics
//! An [`Assignment`] puts a task at the back of its node's queue. Each node
//! runs its queue in strict FIFO order: the head starts as soon as all its
//! input data has arrived on the node and enough cores are free; tasks behind
//! it wait. Input transfers start as soon as both the producer has finished
//! and the consumer has been assigned. A static plan therefore submits each
//! node's tasks in planned start order; on single-core nodes and without
//! noise the engine then reproduces an insertion-based plan exactly.

use crate::cost::CostModel;
use crate::dag::Dag;
use crate::ids::{NodeId, TaskId};
use crate::platform::Platform;
use crate::time::SimTime;

/// One scheduling decision: run `task` on `node` with `cores` cores at DVFS level `dvfs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The task (must not have been assigned before).
    pub task: TaskId,
    /// The node.
    pub node: NodeId,
    /// Cores, within the task's `[min_cores, max_cores]` and the node's core count.
    pub cores: u32,
    /// DVFS level of the node's power model (0 = nominal).
    pub dvfs: u8,
}

/// Decisions a scheduler hands back to the engine, in order.
#[derive(Debug, Default)]
pub struct Decisions {
    assignments: Vec<Assignment>,
}

impl Decisions {
    /// Assigns `task` to `node` with its minimum core count at nominal speed.
    pub fn assign(&mut self, view: &SimView<'_>, task: TaskId, node: NodeId) {
        let cores = view.dag().task(task).parallelism.min_cores;
        self.assignments.push(Assignment {
            task,
            node,
            cores,
            dvfs: 0,
        });
    }

    /// Adds a fully specified assignment.
    pub fn push(&mut self, assignment: Assignment) {
        self.assignments.push(assignment);
    }

    /// The assignments so far.
    pub fn assignments(&self) -> &[Assignment] {
        &self.assignments
    }

    /// Removes and yields the assignments in order (for wrappers that
    /// inspect or redirect another scheduler's decisions).
    pub fn drain(&mut self) -> std::vec::Drain<'_, Assignment> {
        self.assignments.drain(..)
    }
}

/// What happened since the scheduler was last called. All slices are in a
/// deterministic order (the order the engine processed the events).
#[derive(Debug, Clone, Copy)]
pub struct Update<'a> {
    /// Tasks whose predecessors have all finished (at time 0: the entry tasks).
    pub ready: &'a [TaskId],
    /// Tasks that finished.
    pub finished: &'a [TaskId],
    /// Nodes on which cores became free (including nodes back from a failure).
    pub freed: &'a [NodeId],
    /// Tasks handed back by a node failure (aborted or queued there); they
    /// are unassigned again, and those whose predecessors are done are also
    /// in `ready`.
    pub lost: &'a [TaskId],
}

/// Where a task stands, as a scheduler sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    /// Some predecessor has not finished.
    Waiting,
    /// All predecessors finished; not yet assigned.
    Ready,
    /// Assigned to a node, not started.
    Queued {
        /// The node.
        node: NodeId,
    },
    /// Running.
    Running {
        /// The node.
        node: NodeId,
        /// Start time.
        start: SimTime,
    },
    /// Finished.
    Done {
        /// The node.
        node: NodeId,
        /// Start time.
        start: SimTime,
        /// End time.
        end: SimTime,
    },
}

/// The run state behind a [`SimView`]: implemented by the engine and, since
/// the real executor (`schedlab validate`) drives schedulers too, by anything
/// else that runs a DAG and wants to ask a scheduler for decisions.
pub trait StateSource {
    /// Where `task` stands.
    fn task_state(&self, task: TaskId) -> TaskState;
    /// Cores of `node` not running a task right now.
    fn free_cores(&self, node: NodeId) -> u32;
    /// Tasks assigned to `node` that have not started.
    fn queue_len(&self, node: NodeId) -> usize;
    /// Whether `node` is up.
    fn node_up(&self, node: NodeId) -> bool;
}

/// A read-only view of the simulation, handed to every scheduler call.
pub struct SimView<'a> {
    now: SimTime,
    costs: &'a CostModel<'a>,
    state: &'a dyn StateSource,
}

impl<'a> SimView<'a> {
    /// A view at time `now` of the run whose state `state` exposes.
    pub fn new(now: SimTime, costs: &'a CostModel<'a>, state: &'a dyn StateSource) -> SimView<'a> {
        SimView { now, costs, state }
    }

    /// Current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The DAG being run.
    pub fn dag(&self) -> &'a Dag {
        self.costs.dag()
    }

    /// The platform.
    pub fn platform(&self) -> &'a Platform {
        self.costs.platform()
    }

    /// Estimated (noise-free) execution and transfer times.
    pub fn costs(&self) -> &'a CostModel<'a> {
        self.costs
    }

    /// Where `task` stands.
    pub fn task_state(&self, task: TaskId) -> TaskState {
        self.state.task_state(task)
    }

    /// Cores of `node` not running a task right now.
    pub fn free_cores(&self, node: NodeId) -> u32 {
        self.state.free_cores(node)
    }

    /// Tasks assigned to `node` that have not started.
    pub fn queue_len(&self, node: NodeId) -> usize {
        self.state.queue_len(node)
    }

    /// When all inputs of `task` could be on `node` by the estimates, counting
    /// only producers that have finished, and not before now: the data-ready
    /// time online policies compare nodes by. O(in-degree).
    pub fn inputs_ready(&self, task: TaskId, node: NodeId) -> SimTime {
        let dag = self.dag();
        dag.in_edges(task)
            .iter()
            .filter_map(|&e| {
                let edge = dag.edge(e);
                match self.task_state(edge.src) {
                    TaskState::Done { node: src, end, .. } => Some(end + self.costs.comm_time(src, node, edge.bytes)),
                    _ => None,
                }
            })
            .max()
            .unwrap_or(SimTime::ZERO)
            .max(self.now)
    }

    /// Whether `node` is up (assigning to a down node is an invalid decision).
    pub fn node_up(&self, node: NodeId) -> bool {
        self.state.node_up(node)
    }
}

/// A scheduling algorithm. See the module docs for who calls what and when.
///
/// Only [`Scheduler::name`] is required; a static planner overrides
/// [`Scheduler::plan`], an online policy [`Scheduler::on_update`], an
/// adaptive one both. Implementations must be deterministic given their
/// construction parameters (a randomised scheduler owns a seeded RNG).
pub trait Scheduler: Send {
    /// Short, stable name used by the registry, the CLI and reports.
    fn name(&self) -> &str;

    /// Called once at time 0, before any task runs. The default does nothing.
    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let _ = (view, out);
    }

    /// Called after each batch of events at the same instant (and once at
    /// time 0 with the entry tasks as `ready`). The default does nothing.
    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        let _ = (view, update, out);
    }
}

impl<S: Scheduler + ?Sized> Scheduler for Box<S> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        (**self).plan(view, out);
    }
    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        (**self).on_update(view, update, out);
    }
}
