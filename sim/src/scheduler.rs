//! The one interface between the engine and every scheduling algorithm.
//!
//! ```text
//!   engine ──plan(view)──────────────▶ scheduler      (once, at time 0)
//!   engine ──on_update(view, update)─▶ scheduler      (after each batch of
//!          ◀──────── Decisions ──────                  same-time events)
//!   engine ──retire(before)──────────▶ scheduler      (job streams: tasks of
//!                                                      jobs that are over)
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
//!
//! # Copies
//! Besides one assignment per task, a scheduler may ask for more runs of a
//! task that is not finished: active replicas ([`Decisions::replicate`]) that
//! let a task survive a node failure, or duplicates ([`Decisions::duplicate`])
//! that produce a task's output on the node of a consumer to save a
//! transfer. A copy queues on its node at its task's place in the order of
//! assignments (like the task would), so runs of a task stay ahead of runs
//! of its descendants. A task is done when its first run finishes; its runs
//! that have not started are then dropped, and its runs that are running are
//! cancelled if the task has a replica, or else go on and serve consumers on
//! their node. A consumer's input comes from a finished run of the producer
//! on its own node, or by a transfer from the producer's first finished run,
//! whichever is first. A task goes back to the scheduler (`Update::lost`)
//! only when all its runs are lost.
//!
//! # Scheduling overhead
//! A scheduler may say what each decision costs it in simulated time
//! ([`Scheduler::decision_overhead`]), so that cheap and expensive policies
//! are compared fairly. The scheduler is then one sequential agent: the
//! decisions of a call take effect one after another, each `overhead` after
//! the previous one (and never before the scheduler finished its earlier
//! decisions). A task counts as queued on its node from the moment it was
//! decided, but joins the node's queue, and has its inputs sent, only when
//! its decision takes effect.

use crate::cost::CostModel;
use crate::dag::Dag;
use crate::ids::{JobId, NodeId, TaskId};
use crate::platform::Platform;
use crate::time::{SimDuration, SimTime};

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

/// One decision: a task's (first) run, or one more run of a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Run the task (it must not be assigned already).
    Assign(Assignment),
    /// Add one more run of a task that is not finished (see "Copies" in the module docs).
    Copy(Assignment, CopyKind),
}

/// What a copy of a task is for, which decides what happens to it when
/// another run of the task finishes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyKind {
    /// An active replica (fault tolerance): once any run of the task
    /// finishes, the task's other runs that are still running are cancelled.
    Replica,
    /// A duplicate (to save a transfer): it runs to its end even if another
    /// run of the task finished first, so that consumers on its node use its output.
    Duplicate,
}

/// Decisions a scheduler hands back to the engine, in order.
#[derive(Debug, Default)]
pub struct Decisions {
    decisions: Vec<Decision>,
}

impl Decisions {
    /// Assigns `task` to `node` with its minimum core count at nominal speed.
    pub fn assign(&mut self, view: &SimView<'_>, task: TaskId, node: NodeId) {
        let cores = view.dag().task(task).parallelism.min_cores;
        self.push(Assignment {
            task,
            node,
            cores,
            dvfs: 0,
        });
    }

    /// Adds a fully specified assignment.
    pub fn push(&mut self, assignment: Assignment) {
        self.decisions.push(Decision::Assign(assignment));
    }

    /// Adds an active replica of a task that is not finished (see [`CopyKind::Replica`]).
    pub fn replicate(&mut self, copy: Assignment) {
        self.decisions.push(Decision::Copy(copy, CopyKind::Replica));
    }

    /// Adds a duplicate of a task that is not finished (see [`CopyKind::Duplicate`]).
    pub fn duplicate(&mut self, copy: Assignment) {
        self.decisions.push(Decision::Copy(copy, CopyKind::Duplicate));
    }

    /// Adds a decision as it is (for wrappers that forward another scheduler's decisions).
    pub fn add(&mut self, decision: Decision) {
        self.decisions.push(decision);
    }

    /// The assignments so far (copies left out).
    pub fn assignments(&self) -> impl Iterator<Item = &Assignment> {
        self.decisions.iter().filter_map(|d| match d {
            Decision::Assign(a) => Some(a),
            Decision::Copy(..) => None,
        })
    }

    /// Removes and yields the decisions in order (for wrappers that
    /// inspect or redirect another scheduler's decisions).
    pub fn drain(&mut self) -> std::vec::Drain<'_, Decision> {
        self.decisions.drain(..)
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
    /// Jobs of a job stream that arrived: their tasks joined the DAG (with
    /// ids from [`JobInfo::first_task`] on) and their entry tasks are in
    /// `ready`. Empty outside job streams.
    pub arrived: &'a [JobId],
}

/// A job of a job stream as schedulers see it once it has arrived.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JobInfo {
    /// The job.
    pub id: JobId,
    /// When it arrived.
    pub arrival: SimTime,
    /// Its first task; its tasks are `first_task .. first_task + n_tasks`.
    pub first_task: TaskId,
    /// How many tasks it has.
    pub n_tasks: u32,
    /// Weight in weighted policies and metrics (1 by default).
    pub weight: f64,
    /// Absolute deadline, if it has one.
    pub deadline: Option<SimTime>,
    /// Its time alone on the platform: its critical path with every task at
    /// its best estimated time, without transfers (seconds). The lower bound
    /// of its completion time, and the denominator of its slowdown.
    pub lower_bound: f64,
}

impl JobInfo {
    /// Its tasks.
    pub fn tasks(&self) -> impl ExactSizeIterator<Item = TaskId> + use<> {
        let first = self.first_task.index();
        (first..first + self.n_tasks as usize).map(TaskId::new)
    }
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
    /// When the last input of `task`'s run (its first finished run, once
    /// there is one) arrived on its node, if it has. The default knows nothing.
    fn inputs_arrived(&self, task: TaskId) -> Option<SimTime> {
        let _ = task;
        None
    }
    /// The job `task` belongs to, on a job stream. The default: none.
    fn job_of(&self, task: TaskId) -> Option<JobId> {
        let _ = task;
        None
    }
    /// A job that has arrived. The default knows none.
    fn job(&self, job: JobId) -> Option<JobInfo> {
        let _ = job;
        None
    }
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

    /// This view with `costs` as its estimates (a scheduler's own definitions
    /// of the means over nodes, see [`CostModel::with_comm_mean`]). `costs` must
    /// bind the same DAG and platform.
    pub fn with_costs<'b>(&self, costs: &'b CostModel<'b>) -> SimView<'b>
    where
        'a: 'b,
    {
        SimView {
            now: self.now,
            costs,
            state: self.state,
        }
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
        self.inputs_ready_scaled(task, node, 1.0)
    }

    /// [`SimView::inputs_ready`] with every transfer estimate multiplied by
    /// `transfer_factor` (a policy's learned correction of the network model).
    pub fn inputs_ready_scaled(&self, task: TaskId, node: NodeId, transfer_factor: f64) -> SimTime {
        let dag = self.dag();
        dag.in_edges(task)
            .iter()
            .filter_map(|&e| {
                let edge = dag.edge(e);
                match self.task_state(edge.src) {
                    TaskState::Done { node: src, end, .. } => Some(
                        end + SimDuration::from_secs_f64(self.costs.comm_secs(src, node, edge.bytes) * transfer_factor),
                    ),
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

    /// When the last input of `task` arrived on the node running it, if it
    /// has: what a runtime observes of its transfers, so that a policy can
    /// learn how long data really takes to move.
    pub fn inputs_arrived(&self, task: TaskId) -> Option<SimTime> {
        self.state.inputs_arrived(task)
    }

    /// The job `task` belongs to, on a job stream (`None` for a single DAG).
    pub fn job_of(&self, task: TaskId) -> Option<JobId> {
        self.state.job_of(task)
    }

    /// A job that has arrived (`None` for jobs that have not, and off streams):
    /// a scheduler never learns of a job before its arrival.
    pub fn job(&self, job: JobId) -> Option<JobInfo> {
        self.state.job(job)
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

    /// Simulated time each decision costs (see "Scheduling overhead" in the
    /// module docs). The default is free decisions.
    fn decision_overhead(&self) -> SimDuration {
        SimDuration::ZERO
    }

    /// On a job stream, the tasks below `before` are retired: their jobs are
    /// over and no run of theirs is left, so no view or update will mention
    /// them again and per-task data of theirs may be dropped (see
    /// [`crate::TaskWindow`]). A scheduler must not ask the view about them
    /// either: under a summary record ([`crate::Record::Summary`]) the DAG
    /// and the engine's state no longer hold them. Called between batches, with `before`
    /// increasing from call to call. The default keeps everything.
    fn retire(&mut self, before: TaskId) {
        let _ = before;
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
    fn decision_overhead(&self) -> SimDuration {
        (**self).decision_overhead()
    }
    fn retire(&mut self, before: TaskId) {
        (**self).retire(before);
    }
}
