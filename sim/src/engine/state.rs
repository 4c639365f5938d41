//! The engine's mutable state and its event handlers.
//!
//! # Runs
//! The engine runs *runs* of tasks. A task has a primary run from the moment
//! it joins the run (at the start, or when its job arrives on a job stream),
//! and the copies a scheduler asks for (active replicas, duplicates). A task is done when its first
//! run finishes; its queued, not yet started runs are then dropped, and runs
//! already running go on to the end (their outputs serve consumers on their
//! node). Each input of a run arrives once: from a finished run of the
//! producer on the same node, or by a transfer from the producer's first
//! finished run, whichever comes first. Only when every run of a task has
//! been lost to failures is the task handed back to the scheduler.

use super::queue::EventQueue;
use super::runs::{NewRun, Run, Runs, Status};
use super::{Record, SimConfig, SimError};
use crate::cost::CostModel;
use crate::dag::Dag;
use crate::failures::FailureClock;
use crate::ids::{EdgeId, JobId, NodeId, TaskId};
use crate::metrics;
use crate::network::{FinishedFlow, FlowNetwork};
use crate::noise::NoiseDraws;
use crate::platform::Platform;
use crate::power::{
    Load, NodePower, PowerCommand, PowerDecisions, PowerRecord, PowerState, PowerView, ResourceManager,
};
use crate::progress::Progress;
use crate::result::{CopyRecord, Folded, LostRecord, OutageRecord, RunResult, TaskRecord, TransferRecord};
use crate::scheduler::{
    Assignment, CopyKind, Decision, Decisions, JobInfo, Scheduler, SimView, StateSource, TaskState, Update,
};
use crate::speed_error::RealSpeeds;
use crate::time::{SimDuration, SimTime};
use crate::window::TaskWindow;
use std::collections::VecDeque;

/// A data movement in flight to one run, tagged with the run's assignment
/// epoch so that data sent to a node that has since lost the run is ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Transfer {
    edge: EdgeId,
    src: NodeId,
    dst: NodeId,
    issued: SimTime,
    run: Run,
    /// Position of `edge` among the consumer's in-edges.
    input: u32,
    epoch: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    /// A task with a release time becomes part of the run.
    Release(TaskId),
    /// A run ends (ignored unless `epoch` is the run's current one).
    RunEnd { run: Run, epoch: u32 },
    /// A dedicated-network transfer is complete.
    TransferEnd(Transfer),
    /// A shared-network transfer's latency has passed; its bytes start flowing.
    FlowStart(Transfer),
    /// The shared network may have finished flows (ignored unless `version` is current).
    NetworkWake { version: u64 },
    /// A node fails and stays down for `repair`.
    NodeDown { node: NodeId, repair: SimDuration },
    /// A node is back.
    NodeUp(NodeId),
    /// A decision paid its scheduling overhead: the run joins its node's queue
    /// (ignored unless `epoch` is the run's current one).
    Decided { run: Run, epoch: u32 },
    /// A node finished booting (ignored unless `epoch` is its current boot).
    BootDone { node: NodeId, epoch: u32 },
    /// The resource manager's control period came round.
    Tick,
}

/// The two policies of a run: the scheduler places tasks, the resource
/// manager powers nodes on and off.
pub(crate) struct Policies<'p> {
    pub scheduler: &'p mut dyn Scheduler,
    pub resources: &'p mut dyn ResourceManager,
}

struct NodeState {
    queue: VecDeque<Run>,
    free_cores: Vec<u32>,
    running: Vec<Run>,
    up: bool,
    dirty: bool,
    freed_in_batch: bool,
    /// Counts the node's boots, so that a boot cut short is ignored.
    boot_epoch: u32,
}

pub(super) struct State<'a> {
    /// The DAG and platform; `None` only while a job stream's DAG grows (see `detach`).
    costs: Option<&'a CostModel<'a>>,
    // Per task.
    /// The primary run of each task.
    primary: TaskWindow<Run>,
    /// The job of each task (empty outside job streams).
    job_of: TaskWindow<JobId>,
    unfinished_preds: TaskWindow<u32>,
    /// Whether a task's release time has passed (always true without one).
    released: TaskWindow<bool>,
    /// The run of each task that finished first.
    winner: TaskWindow<Option<Run>>,
    /// Copies of each task (runs beyond the primary one).
    copies_of: TaskWindow<Vec<Run>>,
    /// Whether a task has an active replica: its losing runs are then cancelled.
    has_replicas: TaskWindow<bool>,
    /// Every run (primary runs first, indexed by task).
    runs: Runs,
    /// Position of each edge among its consumer's in-edges.
    input_position: TaskWindow<u32>,
    n_assigned: u64,
    /// Finished runs that were not their task's first.
    finished_copies: Vec<CopyRecord>,
    /// Replicas cancelled because another run of their task finished.
    cancelled_copies: Vec<CopyRecord>,
    /// The core indices each run that took cores holds, from its record's
    /// `core_offset` on, in the order runs took them; a summary record drops
    /// the prefix no running run holds.
    core_slots: TaskWindow<u32>,
    nodes: Vec<NodeState>,
    dirty_nodes: Vec<NodeId>,
    transfers: Vec<TransferRecord>,
    lost_runs: Vec<LostRecord>,
    outages: Vec<OutageRecord>,
    /// Each node's power state (see [`crate::power`]).
    power: Vec<NodePower>,
    /// Finished off and booting periods.
    power_records: Vec<PowerRecord>,
    /// What resource managers decide from, kept up to date as the run goes.
    load: Load,
    /// The resource manager's control period.
    period: Option<SimDuration>,
    /// Whether a control tick is in the batch being processed.
    tick_due: bool,
    /// Whether a power command changed a node's state in this batch.
    power_changed: bool,
    events: EventQueue<Event>,
    now: SimTime,
    noise: TaskWindow<f64>,
    /// Where the noise factors of tasks still to come are drawn from.
    noise_draws: NoiseDraws,
    real_speeds: RealSpeeds,
    network: Option<FlowNetwork<Transfer>>,
    failures: FailureClock,
    /// Checkpoint interval and cost, in seconds of work and seconds.
    checkpoints: Option<(f64, f64)>,
    horizon: Option<f64>,
    progress: Option<Progress>,
    /// Simulated time each decision costs the scheduler.
    decision_overhead: SimDuration,
    /// When the scheduler is done with the decisions it has made so far.
    scheduler_busy_until: SimTime,
    n_done: usize,
    /// Events that can still change what schedulers see: transfers in flight,
    /// pending releases and pending repairs. With none of these, no running
    /// and no queued task, only new failures can happen: the run is stalled.
    n_pending_progress: usize,
    // Per-batch notifications.
    ready: Vec<TaskId>,
    finished: Vec<TaskId>,
    freed: Vec<NodeId>,
    lost: Vec<TaskId>,
    arrived: Vec<JobId>,
    /// The jobs of a job stream that have arrived.
    jobs: Vec<JobState>,
    /// Whether jobs of a stream are still to arrive (the run is not over
    /// when the tasks so far are done).
    jobs_to_come: bool,
    // Buffers reused from batch to batch.
    flows_done: Vec<FinishedFlow<Transfer>>,
    decisions: Decisions,
    power_decisions: PowerDecisions,
    /// How much of the run to keep ([`Record::Summary`] only on job streams).
    record: Record,
    /// The first runs and transfers a summary record folded instead of keeping.
    folded: Folded,
}

/// What the engine knows of one job of a stream.
#[derive(Clone, Copy, Debug)]
pub(super) struct JobState {
    pub info: JobInfo,
    /// When its first task took its cores.
    pub first_start: Option<SimTime>,
    /// When its last task finished.
    pub finish: Option<SimTime>,
    /// Tasks not finished.
    unfinished: u32,
}

impl StateSource for State<'_> {
    fn task_state(&self, task: TaskId) -> TaskState {
        if let Some(run) = self.winner[task.index()] {
            let r = &self.runs.record[run];
            return TaskState::Done {
                node: r.node,
                start: r.start,
                end: r.end,
            };
        }
        // The most advanced live run speaks for the task: running, then queued.
        let runs = std::iter::once(self.primary[task.index()]).chain(self.copies_of[task.index()].iter().copied());
        let mut queued = None;
        for run in runs {
            let node = self.runs.assignment[run].node;
            match self.runs.status[run] {
                Status::Running => {
                    return TaskState::Running {
                        node,
                        start: self.runs.record[run].start,
                    };
                }
                Status::Deciding | Status::Queued => queued = queued.or(Some(node)),
                _ => {}
            }
        }
        match queued {
            Some(node) => TaskState::Queued { node },
            None if self.unfinished_preds[task.index()] == 0 => TaskState::Ready,
            None => TaskState::Waiting,
        }
    }

    fn free_cores(&self, node: NodeId) -> u32 {
        self.nodes[node.index()].free_cores.len() as u32
    }

    fn queue_len(&self, node: NodeId) -> usize {
        self.nodes[node.index()].queue.len()
    }

    fn node_up(&self, node: NodeId) -> bool {
        self.accepts(node)
    }

    fn inputs_arrived(&self, task: TaskId) -> Option<SimTime> {
        let run = self.winner[task.index()].unwrap_or(self.primary[task.index()]);
        self.runs.inputs_at[run]
    }

    fn job_of(&self, task: TaskId) -> Option<JobId> {
        (task.index() < self.job_of.len()).then(|| self.job_of[task.index()])
    }

    fn job(&self, job: JobId) -> Option<JobInfo> {
        self.jobs.get(job.index()).map(|j| j.info)
    }
}

/// Inputs a task waits for before it may start: one per in-edge, plus one
/// for its release if it has a release time.
/// Whether transfer `t` still feeds the run it was sent to: the same epoch,
/// and committed (queued or running). A retired run's transfers are moot.
fn feeds_its_run(runs: &Runs, t: &Transfer) -> bool {
    matches!(
        runs.current_status(t.run, t.epoch),
        Some(Status::Queued | Status::Running)
    )
}

fn pending_at_start(dag: &Dag, task: TaskId) -> u32 {
    dag.in_edges(task).len() as u32 + u32::from(dag.task(task).release > 0.0)
}

fn all_cores(cores: u32) -> Vec<u32> {
    (0..cores).rev().collect()
}

impl<'a> State<'a> {
    pub(super) fn new(
        costs: &'a CostModel<'a>,
        noise_draws: NoiseDraws,
        real_speeds: RealSpeeds,
        config: &SimConfig,
        checkpoint_interval: Option<f64>,
    ) -> State<'a> {
        let dag = costs.dag();
        let platform = costs.platform();
        let n_tasks = dag.task_count();
        let mut state = State {
            costs: Some(costs),
            primary: Vec::with_capacity(n_tasks).into(),
            job_of: TaskWindow::default(),
            unfinished_preds: Vec::with_capacity(n_tasks).into(),
            released: Vec::with_capacity(n_tasks).into(),
            winner: Vec::with_capacity(n_tasks).into(),
            copies_of: Vec::with_capacity(n_tasks).into(),
            has_replicas: Vec::with_capacity(n_tasks).into(),
            runs: Runs::with_capacity(n_tasks, dag.edge_count()),
            input_position: Vec::with_capacity(dag.edge_count()).into(),
            n_assigned: 0,
            finished_copies: Vec::new(),
            cancelled_copies: Vec::new(),
            core_slots: TaskWindow::with_capacity(n_tasks),
            nodes: platform
                .nodes()
                .iter()
                .map(|n| NodeState {
                    queue: VecDeque::new(),
                    free_cores: all_cores(n.cores),
                    running: Vec::new(),
                    up: true,
                    dirty: false,
                    freed_in_batch: false,
                    boot_epoch: 0,
                })
                .collect(),
            dirty_nodes: Vec::new(),
            transfers: Vec::new(),
            lost_runs: Vec::new(),
            outages: Vec::new(),
            power: vec![
                NodePower {
                    state: PowerState::On,
                    since: SimTime::ZERO,
                    idle_since: Some(SimTime::ZERO),
                };
                platform.node_count()
            ],
            power_records: Vec::new(),
            load: Load {
                on_cores: platform.total_cores(),
                n_on: platform.node_count(),
                ..Load::default()
            },
            period: None,
            tick_due: false,
            power_changed: false,
            events: EventQueue::new(),
            now: SimTime::ZERO,
            noise: Vec::with_capacity(n_tasks).into(),
            noise_draws,
            real_speeds,
            network: FlowNetwork::new(platform),
            failures: FailureClock::new(&config.failures, platform.node_count(), config.seed),
            checkpoints: checkpoint_interval.zip(config.checkpointing.map(|c| c.cost)),
            horizon: config.horizon,
            progress: config.progress.clone(),
            decision_overhead: SimDuration::ZERO,
            scheduler_busy_until: SimTime::ZERO,
            n_done: 0,
            n_pending_progress: 0,
            ready: Vec::new(),
            finished: Vec::new(),
            freed: Vec::new(),
            lost: Vec::new(),
            arrived: Vec::new(),
            jobs: Vec::new(),
            jobs_to_come: false,
            flows_done: Vec::new(),
            decisions: Decisions::default(),
            power_decisions: PowerDecisions::default(),
            record: Record::Full,
            folded: Folded::default(),
        };
        state.add_tasks(dag, 0);
        for outage in state.failures.scheduled() {
            let repair = SimDuration::from_secs_f64(outage.repair);
            state.push(
                SimTime::from_secs_f64(outage.at),
                Event::NodeDown {
                    node: outage.node,
                    repair,
                },
            );
        }
        for node in platform.node_ids() {
            state.schedule_next_failure(node);
        }
        state
    }

    /// Sets up the tasks of `dag` from `first` on: their primary runs, input
    /// counts and noise factors; the ready ones join the next update.
    fn add_tasks(&mut self, dag: &Dag, first: usize) {
        let placeholder = Assignment {
            task: TaskId::new(0),
            node: NodeId::new(0),
            cores: 0,
            dvfs: 0,
        };
        let empty_record = TaskRecord {
            node: NodeId::new(0),
            cores: 0,
            core_offset: 0,
            dvfs: 0,
            start: SimTime::ZERO,
            end: SimTime::ZERO,
        };
        self.input_position.resize(dag.edge_count(), 0);
        for t in (first..dag.task_count()).map(TaskId::new) {
            for (k, &e) in dag.in_edges(t).iter().enumerate() {
                self.input_position[e.index()] = k as u32;
            }
            let pending = pending_at_start(dag, t);
            let run = self.runs.push(NewRun {
                task: t,
                missing_inputs: pending,
                n_inputs: dag.in_edges(t).len(),
                priority: u64::MAX,
                assignment: placeholder,
                record: empty_record,
            });
            self.primary.push(run);
            self.unfinished_preds.push(pending);
            self.released.push(dag.task(t).release == 0.0);
            self.winner.push(None);
            self.copies_of.push(Vec::new());
            self.has_replicas.push(false);
            self.noise.push(self.noise_draws.draw());
            if pending == 0 {
                self.ready.push(t);
                self.load.ready += 1;
            }
            if dag.task(t).release > 0.0 {
                self.n_pending_progress += 1;
                let at = SimTime::from_secs_f64(dag.task(t).release).max(self.now);
                self.push(at, Event::Release(t));
            }
        }
    }

    /// The DAG and platform (the state is bound to them outside `detach`..`attach`).
    fn costs(&self) -> &'a CostModel<'a> {
        self.costs
            .expect("the engine's state is bound to its DAG while it runs")
    }

    /// This state without its DAG, so that a job stream's DAG can grow.
    pub(super) fn detach(self) -> State<'static> {
        self.rebind(None)
    }

    /// This state bound to `costs`: the DAG it ran on, possibly grown by [`State::add_job`].
    pub(super) fn attach<'b>(self, costs: &'b CostModel<'b>) -> State<'b> {
        self.rebind(Some(costs))
    }

    fn rebind<'b>(self, costs: Option<&'b CostModel<'b>>) -> State<'b> {
        let State {
            costs: _,
            primary,
            job_of,
            unfinished_preds,
            released,
            winner,
            copies_of,
            has_replicas,
            runs,
            input_position,
            n_assigned,
            finished_copies,
            cancelled_copies,
            core_slots,
            nodes,
            dirty_nodes,
            transfers,
            lost_runs,
            outages,
            power,
            power_records,
            load,
            period,
            tick_due,
            power_changed,
            events,
            now,
            noise,
            noise_draws,
            real_speeds,
            network,
            failures,
            checkpoints,
            horizon,
            progress,
            decision_overhead,
            scheduler_busy_until,
            n_done,
            n_pending_progress,
            ready,
            finished,
            freed,
            lost,
            arrived,
            jobs,
            jobs_to_come,
            flows_done,
            decisions,
            power_decisions,
            record,
            folded,
        } = self;
        State {
            costs,
            primary,
            job_of,
            unfinished_preds,
            released,
            winner,
            copies_of,
            has_replicas,
            runs,
            input_position,
            n_assigned,
            finished_copies,
            cancelled_copies,
            core_slots,
            nodes,
            dirty_nodes,
            transfers,
            lost_runs,
            outages,
            power,
            power_records,
            load,
            period,
            tick_due,
            power_changed,
            events,
            now,
            noise,
            noise_draws,
            real_speeds,
            network,
            failures,
            checkpoints,
            horizon,
            progress,
            decision_overhead,
            scheduler_busy_until,
            n_done,
            n_pending_progress,
            ready,
            finished,
            freed,
            lost,
            arrived,
            jobs,
            jobs_to_come,
            flows_done,
            decisions,
            power_decisions,
            record,
            folded,
        }
    }

    /// Keeps only what `record` asks for from now on (a job stream's choice,
    /// made before its first job).
    pub(super) fn set_record(&mut self, record: Record) {
        self.record = record;
    }

    /// Folds the first runs of the tasks below `before` (all done: their jobs
    /// retired) into the summary metrics, in task-id order; a summary record
    /// then reads nothing of them again. O(tasks folded).
    pub(super) fn fold_first_runs(&mut self, platform: &Platform, before: TaskId) {
        let f = &mut self.folded;
        f.busy_energy_j.resize(platform.node_count(), 0.0);
        for t in f.tasks..before.index() {
            let Some(run) = self.winner[t] else {
                unreachable!("task {t} of a retired job is not done")
            };
            let r = self.runs.record[run];
            let energy = metrics::busy_energy(platform, r.node, r.dvfs, r.cores, r.end - r.start);
            f.last_end = f.last_end.max(r.end);
            f.busy_core_secs += f64::from(r.cores) * (r.end - r.start).as_secs_f64();
            f.busy_energy_j[r.node.index()] += energy;
            let job = self.job_of[t].index();
            if f.job_energy_j.len() <= job {
                f.job_energy_j.resize(job + 1, 0.0);
            }
            f.job_energy_j[job] += energy;
        }
        f.tasks = f.tasks.max(before.index());
    }

    /// Drops the per-task and per-edge state of the tasks below `before` and
    /// the edges below `first_edge` (their jobs retired, their first runs
    /// folded by [`State::fold_first_runs`]): a summary record's state then
    /// follows the jobs in the system. Reading them again is a bug, caught in
    /// debug builds.
    pub(super) fn retire_before(&mut self, before: TaskId, first_edge: EdgeId) {
        debug_assert!(
            self.folded.tasks >= before.index(),
            "tasks retired before their runs were folded"
        );
        let t = before.index();
        self.primary.retire_before(t);
        self.job_of.retire_before(t);
        self.unfinished_preds.retire_before(t);
        self.released.retire_before(t);
        self.winner.retire_before(t);
        self.copies_of.retire_before(t);
        self.has_replicas.retire_before(t);
        self.noise.retire_before(t);
        self.input_position.retire_before(first_edge.index());
        // Runs are numbered in decision order, primary runs in task order as
        // tasks join: every run below the first task's primary run (or below
        // every run, if no task is left) is one of a retired task. Copies
        // of retired tasks decided later stay until a later cut passes them.
        let first_run = self.primary.get(t).copied().unwrap_or_else(|| self.runs.next());
        self.runs.retire_before(first_run);
        // Only runs holding cores read their slots again (when they release
        // them); runs take slots at the end. O(runs holding cores).
        let first_slot = self.nodes.iter().flat_map(|n| &n.running);
        let first_slot = first_slot.map(|&r| self.runs.record[r].core_offset as usize).min();
        self.core_slots
            .retire_before(first_slot.unwrap_or_else(|| self.core_slots.len()));
    }

    /// Rows the run table holds in storage (see [`Runs::held`]).
    pub(super) fn runs_held(&self) -> usize {
        self.runs.held()
    }

    /// Sets what a summary record's metrics take instead of the DAG's
    /// critical path and best sequential time ([`Folded::dag_bounds`]).
    pub(super) fn set_dag_bounds(&mut self, critical_path: f64, sequential: f64) {
        self.folded.dag_bounds = Some((critical_path, sequential));
    }

    /// Adds a job that arrives now: `dag` is the run's DAG with the job's
    /// tasks appended from `job.first_task` on. The job and its entry tasks
    /// are announced in the next update.
    pub(super) fn add_job(&mut self, dag: &Dag, job: JobInfo) {
        let first = job.first_task.index();
        self.job_of.resize(dag.task_count(), job.id);
        self.add_tasks(dag, first);
        self.jobs.push(JobState {
            info: job,
            first_start: None,
            finish: None,
            unfinished: job.n_tasks,
        });
        self.arrived.push(job.id);
    }

    /// The jobs that have arrived, with when they started and finished.
    pub(super) fn jobs(&self) -> &[JobState] {
        &self.jobs
    }

    /// Whether job `job` (arrived) is over: finished, with no run of its
    /// tasks still live (copies deciding, queued or running), so nothing in
    /// flight refers to its tasks any more. O(runs of its tasks).
    pub(super) fn job_over(&self, job: JobId) -> bool {
        let job = &self.jobs[job.index()];
        job.finish.is_some()
            && job.info.tasks().all(|t| {
                let copies = self.copies_of[t.index()].iter();
                std::iter::once(&self.primary[t.index()])
                    .chain(copies)
                    .all(|&run| !self.runs.status[run].is_live())
            })
    }

    /// The time of the next event, if any.
    pub(super) fn next_event_time(&self) -> Option<SimTime> {
        self.events.next_time()
    }

    /// Runs to completion.
    pub(super) fn run(mut self, policies: &mut Policies<'_>) -> Result<RunResult, SimError> {
        self.begin(policies)?;
        self.run_before(None, policies)?;
        self.end(policies)
    }

    /// Lets the resource manager set the initial power states, calls the
    /// planner at time 0 and starts what can start.
    pub(super) fn begin(&mut self, policies: &mut Policies<'_>) -> Result<(), SimError> {
        self.decision_overhead = policies.scheduler.decision_overhead();
        self.period = policies.resources.period().filter(|p| *p > SimDuration::ZERO);
        if let Some(period) = self.period {
            self.push(self.now + period, Event::Tick);
        }
        if !policies.resources.holds_pools() {
            self.release_pools();
        }
        let mut power = std::mem::take(&mut self.power_decisions);
        policies.resources.start(
            &SimView::new(self.now, self.costs(), &*self),
            &self.power_view(),
            &mut power,
        );
        self.apply_power(&mut power);
        self.power_decisions = power;
        let mut decisions = Decisions::default();
        policies
            .scheduler
            .plan(&SimView::new(self.now, self.costs(), &*self), &mut decisions);
        self.apply(policies.scheduler.name(), &mut decisions)?;
        self.notify(policies, &mut decisions)?;
        self.start_dirty_nodes();
        Ok(())
    }

    /// Processes the batches of events before `limit` (all of them without
    /// one), until the run is stalled.
    pub(super) fn run_before(&mut self, limit: Option<SimTime>, policies: &mut Policies<'_>) -> Result<(), SimError> {
        while let Some(time) = self.next_event_time() {
            if limit.is_some_and(|limit| time >= limit) {
                break;
            }
            self.batch(time, policies)?;
            if self.is_stalled() {
                break;
            }
        }
        Ok(())
    }

    /// Processes the events at `time` (none, when only jobs arrived then),
    /// then calls the resource manager and the scheduler and starts what can start.
    pub(super) fn batch(&mut self, time: SimTime, policies: &mut Policies<'_>) -> Result<(), SimError> {
        if let Some(horizon) = self.horizon
            && time.as_secs_f64() > horizon
            && !self.all_done()
        {
            let unfinished = self.winner.len() - self.n_done;
            return Err(SimError::Horizon { horizon, unfinished });
        }
        self.now = time;
        let mut flows_done = std::mem::take(&mut self.flows_done);
        while let Some(event) = self.events.pop_at(time) {
            self.process(event, &mut flows_done);
        }
        self.flows_done = flows_done;
        self.settle_network();
        let mut decisions = std::mem::take(&mut self.decisions);
        let notified = self.notify(policies, &mut decisions);
        self.decisions = decisions;
        notified?;
        self.start_dirty_nodes();
        // Tick on while anything can still happen: without jobs to come,
        // pending events, running work or a power change in this batch,
        // nothing ever will, and the run ends (stalled, if tasks are left).
        let power_changed = std::mem::take(&mut self.power_changed);
        let can_change = self.jobs_to_come || self.n_pending_progress > 0 || self.load.busy_cores > 0 || power_changed;
        if std::mem::take(&mut self.tick_due)
            && let Some(period) = self.period
            && !self.over()
            && can_change
        {
            self.push(self.now + period, Event::Tick);
        }
        if let Some(progress) = &self.progress {
            progress.report(self.n_done);
            if progress.is_cancelled() {
                let unfinished = self.winner.len() - self.n_done;
                return Err(SimError::Cancelled { unfinished });
            }
        }
        Ok(())
    }

    /// Sets the clock to `time`, when jobs arrive with no event then.
    pub(super) fn advance_to(&mut self, time: SimTime) {
        self.now = self.now.max(time);
    }

    /// The result, or why the run could not finish.
    pub(super) fn end(self, policies: &mut Policies<'_>) -> Result<RunResult, SimError> {
        let dag = self.costs().dag();
        if self.n_done < dag.task_count() {
            let first = self.winner.start();
            let example = self
                .winner
                .live_from(first)
                .iter()
                .position(Option::is_none)
                .map_or(TaskId::new(first), |i| TaskId::new(first + i));
            return Err(SimError::Stalled {
                scheduler: policies.scheduler.name().to_owned(),
                time: self.now,
                unfinished: dag.task_count() - self.n_done,
                example: dag.task(example).name.clone(),
                state: format!("{:?}", self.task_state(example)),
                nodes_down: self.nodes.iter().filter(|n| !n.up).count(),
                nodes_off: self.load.n_off + self.load.n_booting,
            });
        }
        Ok(self.finish(policies.scheduler.name()))
    }

    fn push(&mut self, time: SimTime, event: Event) {
        self.events.push(time, event);
    }

    fn mark_dirty(&mut self, node: NodeId) {
        let n = &mut self.nodes[node.index()];
        if !n.dirty {
            n.dirty = true;
            self.dirty_nodes.push(node);
        }
    }

    fn all_done(&self) -> bool {
        self.n_done == self.winner.len()
    }

    /// Whether nothing is left to run: every task done and, on a job
    /// stream, no job still to arrive. Failures stop then.
    fn over(&self) -> bool {
        self.all_done() && !self.jobs_to_come
    }

    /// Whether `node` takes new work: up (not failed) and on (not off,
    /// booting or draining).
    fn accepts(&self, node: NodeId) -> bool {
        self.nodes[node.index()].up && self.power[node.index()].state == PowerState::On
    }

    /// What the resource manager sees of the power states now.
    fn power_view(&self) -> PowerView<'_> {
        PowerView::new(&self.power, self.load)
    }

    /// Applies a resource manager's power commands in order (see
    /// [`crate::power`] for what each does in each state).
    fn apply_power(&mut self, commands: &mut PowerDecisions) {
        let n_nodes = self.nodes.len();
        for command in commands.drain() {
            let (PowerCommand::On(node) | PowerCommand::Off(node)) = command;
            if node.index() >= n_nodes || !self.nodes[node.index()].up {
                continue;
            }
            let state = self.power[node.index()].state;
            match (command, state) {
                (PowerCommand::On(_), PowerState::Off) => {
                    let boot = self.costs().platform().node(node).power.boot_secs;
                    if boot > 0.0 {
                        self.set_power(node, PowerState::Booting);
                        let n = &mut self.nodes[node.index()];
                        n.boot_epoch += 1;
                        let epoch = n.boot_epoch;
                        self.n_pending_progress += 1;
                        self.push(
                            self.now + SimDuration::from_secs_f64(boot),
                            Event::BootDone { node, epoch },
                        );
                    } else {
                        self.set_power(node, PowerState::On);
                        self.became_available(node);
                    }
                }
                (PowerCommand::On(_), PowerState::Draining) => {
                    self.set_power(node, PowerState::On);
                    self.became_available(node);
                }
                (PowerCommand::Off(_), PowerState::On) => {
                    self.set_power(node, PowerState::Draining);
                    // Off at once if it has no work, else when its work is done.
                    self.note_idle(node);
                }
                _ => {}
            }
        }
    }

    /// Starts every pool node released (off) at time 0; see [`crate::power`].
    fn release_pools(&mut self) {
        let platform = self.costs().platform();
        for node in platform.node_ids().filter(|&n| platform.node(n).pooled) {
            self.set_power(node, PowerState::Off);
        }
    }

    /// Moves `node` to power state `to`, recording the off or booting period it leaves.
    fn set_power(&mut self, node: NodeId, to: PowerState) {
        let power = &mut self.power[node.index()];
        let from = power.state;
        if from == to {
            return;
        }
        if matches!(from, PowerState::Off | PowerState::Booting) {
            self.power_records.push(PowerRecord {
                node,
                state: from,
                start: power.since,
                end: self.now,
            });
        }
        power.state = to;
        power.since = self.now;
        if to == PowerState::On && matches!(from, PowerState::Off | PowerState::Booting) {
            // Time spent off or booting is not idle time on: a node that
            // comes on without work starts its idle timeout now.
            power.idle_since = power.idle_since.map(|_| self.now);
        }
        self.power_changed = true;
        let cores = u64::from(self.costs().platform().node(node).cores);
        for (state, sign) in [(from, -1i64), (to, 1)] {
            let load = &mut self.load;
            let count = match state {
                PowerState::Off => &mut load.n_off,
                PowerState::Booting => &mut load.n_booting,
                PowerState::On => &mut load.n_on,
                PowerState::Draining => &mut load.n_draining,
            };
            *count = count.wrapping_add_signed(sign as isize);
            let cores_in_state = match state {
                PowerState::On | PowerState::Draining => &mut load.on_cores,
                PowerState::Booting => &mut load.booting_cores,
                PowerState::Off => continue,
            };
            *cores_in_state = cores_in_state.wrapping_add_signed(sign * cores as i64);
        }
    }

    /// `node` takes work again: the scheduler hears of it as freed.
    fn became_available(&mut self, node: NodeId) {
        let state = &mut self.nodes[node.index()];
        if !state.freed_in_batch {
            state.freed_in_batch = true;
            self.freed.push(node);
        }
        self.mark_dirty(node);
    }

    /// Says whether more jobs of a stream are still to arrive.
    pub(super) fn set_jobs_to_come(&mut self, to_come: bool) {
        self.jobs_to_come = to_come;
    }

    fn is_done(&self, task: TaskId) -> bool {
        self.winner[task.index()].is_some()
    }

    /// Whether `run`'s assignment has taken effect, so that its node receives its inputs.
    fn is_committed(&self, run: Run) -> bool {
        matches!(self.runs.status[run], Status::Queued | Status::Running)
    }

    /// The primary run and the copies of `task`. The copy list is cloned so
    /// that callers may change the state while they iterate; without copies
    /// (the common case) the clone is empty and allocates nothing.
    fn runs_of(&self, task: TaskId) -> impl Iterator<Item = Run> + use<> {
        let copies = self.copies_of[task.index()].clone();
        std::iter::once(self.primary[task.index()]).chain(copies)
    }

    /// Whether nothing but new failures can happen although tasks are unfinished.
    fn is_stalled(&self) -> bool {
        !self.all_done()
            && self.n_pending_progress == 0
            && self.nodes.iter().all(|n| n.running.is_empty() && n.queue.is_empty())
    }

    /// Calls the resource manager if anything happened or its period came
    /// round, applies its power commands, then calls the scheduler if
    /// anything happened (nodes the commands made available included) and
    /// applies its decisions.
    fn notify(&mut self, policies: &mut Policies<'_>, decisions: &mut Decisions) -> Result<(), SimError> {
        let happened = !(self.ready.is_empty()
            && self.finished.is_empty()
            && self.freed.is_empty()
            && self.lost.is_empty()
            && self.arrived.is_empty());
        if !happened && !self.tick_due {
            return Ok(());
        }
        let ready = std::mem::take(&mut self.ready);
        let finished = std::mem::take(&mut self.finished);
        let mut freed = std::mem::take(&mut self.freed);
        let lost = std::mem::take(&mut self.lost);
        let arrived = std::mem::take(&mut self.arrived);
        let mut power = std::mem::take(&mut self.power_decisions);
        {
            let view = SimView::new(self.now, self.costs(), &*self);
            let power_view = self.power_view();
            if happened {
                let update = Update {
                    ready: &ready,
                    finished: &finished,
                    freed: &freed,
                    lost: &lost,
                    arrived: &arrived,
                };
                policies.resources.on_update(&view, &power_view, &update, &mut power);
            }
            if self.tick_due {
                policies.resources.on_tick(&view, &power_view, &mut power);
            }
        }
        self.apply_power(&mut power);
        self.power_decisions = power;
        // Nodes the resource manager made available now are freed in this batch.
        freed.append(&mut self.freed);
        if ready.is_empty() && finished.is_empty() && freed.is_empty() && lost.is_empty() && arrived.is_empty() {
            (self.ready, self.finished, self.freed, self.lost, self.arrived) = (ready, finished, freed, lost, arrived);
            return Ok(());
        }
        for &node in &freed {
            self.nodes[node.index()].freed_in_batch = false;
        }
        let update = Update {
            ready: &ready,
            finished: &finished,
            freed: &freed,
            lost: &lost,
            arrived: &arrived,
        };
        let scheduler = &mut *policies.scheduler;
        scheduler.on_update(&SimView::new(self.now, self.costs(), &*self), &update, decisions);
        // Hand the buffers back so their capacity is reused.
        (self.ready, self.finished, self.freed, self.lost, self.arrived) = (ready, finished, freed, lost, arrived);
        self.arrived.clear();
        self.ready.clear();
        self.finished.clear();
        self.freed.clear();
        self.lost.clear();
        self.apply(scheduler.name(), decisions)
    }

    /// Validates and applies decisions in order.
    fn apply(&mut self, scheduler: &str, decisions: &mut Decisions) -> Result<(), SimError> {
        let dag = self.costs().dag();
        let platform = self.costs().platform();
        for decision in decisions.drain() {
            let (a, copy) = match decision {
                Decision::Assign(a) => (a, None),
                Decision::Copy(a, kind) => (a, Some(kind)),
            };
            let is_copy = copy.is_some();
            let reject = |reason: String| SimError::BadDecision {
                scheduler: scheduler.to_owned(),
                task: dag
                    .tasks()
                    .get(a.task.index())
                    .map_or_else(|| a.task.to_string(), |t| t.name.clone()),
                node: a.node.index(),
                reason,
            };
            if a.task.index() >= dag.task_count() {
                return Err(reject("no such task".into()));
            }
            if is_copy {
                if self.is_done(a.task) {
                    return Err(reject("a copy of a task that has finished".into()));
                }
                let on_node = self
                    .runs_of(a.task)
                    .any(|r| self.runs.status[r].is_live() && self.runs.assignment[r].node == a.node);
                if on_node {
                    return Err(reject("a copy on a node where the task already has a run".into()));
                }
            } else if self.runs.status[self.primary[a.task.index()]] != Status::Unassigned || self.is_done(a.task) {
                return Err(reject("task was already assigned".into()));
            }
            let Some(node) = platform.nodes().get(a.node.index()) else {
                return Err(reject(format!("the platform has {} nodes", platform.node_count())));
            };
            if !self.nodes[a.node.index()].up {
                return Err(reject("the node is down".into()));
            }
            let power = self.power[a.node.index()].state;
            if power != PowerState::On {
                return Err(reject(format!("the node is {power}")));
            }
            let p = dag.task(a.task).parallelism;
            if a.cores < p.min_cores || a.cores > p.max_cores || a.cores > node.cores {
                return Err(reject(format!(
                    "{} cores requested; the task allows {}..={} and the node has {}",
                    a.cores, p.min_cores, p.max_cores, node.cores
                )));
            }
            if !self.costs().can_run(a.task, a.node) {
                let task = dag.task(a.task);
                return Err(reject(format!(
                    "the task needs {} bytes of memory and the labels {:?}; the node has {} and the labels {:?}",
                    task.memory_bytes,
                    task.requires,
                    node.memory_bytes
                        .map_or_else(|| "unlimited memory".to_owned(), |m| format!("{m} bytes")),
                    node.labels
                )));
            }
            if usize::from(a.dvfs) >= node.power.level_count() {
                return Err(reject(format!(
                    "DVFS level {} requested; the node has {}",
                    a.dvfs,
                    node.power.level_count()
                )));
            }
            let run = if let Some(kind) = copy {
                self.has_replicas[a.task.index()] |= kind == CopyKind::Replica;
                self.new_copy(a.task)
            } else {
                let primary = self.primary[a.task.index()];
                if self.unfinished_preds[a.task.index()] == 0 {
                    self.load.ready -= 1;
                }
                let first_time = &mut self.runs.priority[primary];
                if *first_time == u64::MAX {
                    *first_time = self.n_assigned;
                    self.n_assigned += 1;
                }
                primary
            };
            self.runs.assignment[run] = a;
            if self.decision_overhead == SimDuration::ZERO {
                self.commit(run);
            } else {
                self.runs.status[run] = Status::Deciding;
                self.scheduler_busy_until = self.scheduler_busy_until.max(self.now) + self.decision_overhead;
                self.n_pending_progress += 1;
                let epoch = self.runs.epoch[run];
                self.push(self.scheduler_busy_until, Event::Decided { run, epoch });
            }
        }
        Ok(())
    }

    /// Adds a run of `task` beyond its primary one, with its own input flags.
    fn new_copy(&mut self, task: TaskId) -> Run {
        let dag = self.costs().dag();
        // A copy queues at its task's place in the assignment order (a copy
        // decided before its task's first assignment, in its own place), so
        // that runs of a task stay ahead of runs of its descendants on every
        // node, the order that keeps re-queued runs from deadlocking.
        let primary = self.primary[task.index()];
        let task_place = self.runs.priority[primary];
        let place = if task_place == u64::MAX {
            self.n_assigned += 1;
            self.n_assigned - 1
        } else {
            task_place
        };
        let run = self.runs.push(NewRun {
            task,
            missing_inputs: pending_at_start(dag, task),
            n_inputs: dag.in_edges(task).len(),
            priority: place,
            assignment: self.runs.assignment[primary],
            record: self.runs.record[primary],
        });
        self.copies_of[task.index()].push(run);
        run
    }

    /// Puts an assigned run in its node's queue and sends it the inputs that are ready.
    fn commit(&mut self, run: Run) {
        let dag = self.costs().dag();
        let task = self.runs.task[run];
        let node = self.runs.assignment[run].node;
        self.runs.status[run] = Status::Queued;
        self.enqueue(run, node);
        self.mark_dirty(node);
        if dag.task(task).release > 0.0 && self.released[task.index()] {
            self.input_arrived(run);
        }
        for (k, &e) in dag.in_edges(task).iter().enumerate() {
            if self.is_done(dag.edge(e).src) {
                self.deliver(e, k, run);
            }
        }
    }

    /// Puts `run` in `node`'s queue, in the order of its task's first
    /// decision (see `new_copy`).
    ///
    /// For tasks assigned once this is plain FIFO. A task handed back by a
    /// failure keeps its original place in the global assignment order, so
    /// it queues ahead of everything assigned after it. Static plans emit in
    /// an order that respects precedence, so a re-queued task never waits
    /// behind one of its own descendants: no failure can deadlock a queue.
    fn enqueue(&mut self, run: Run, node: NodeId) {
        let priority = &self.runs.priority;
        let queue = &mut self.nodes[node.index()].queue;
        let at = queue.partition_point(|&r| priority[r] < priority[run]);
        queue.insert(at, run);
        self.load.queued += 1;
    }

    /// Moves the data of edge `e`, the `k`-th input of `run`, to `run`'s node
    /// (its producer is done and `run` committed): locally if a finished run
    /// of the producer is on that node, else from the producer's first finished run.
    fn deliver(&mut self, e: EdgeId, k: usize, run: Run) {
        let edge = *self.costs().dag().edge(e);
        let dst = self.runs.assignment[run].node;
        let local = self
            .runs_of(edge.src)
            .any(|r| self.runs.status[r] == Status::Finished && self.runs.record[r].node == dst);
        if local {
            self.input_ready(run, k);
            return;
        }
        let Some(winner) = self.winner[edge.src.index()] else {
            return;
        };
        if self.costs().platform().node(dst).pulls_inputs && !self.runs.pulling[run] {
            return; // The run's cores will fetch it when it is next to run.
        }
        let transfer = Transfer {
            edge: e,
            src: self.runs.record[winner].node,
            dst,
            issued: self.now,
            run,
            input: k as u32,
            epoch: self.runs.epoch[run],
        };
        self.n_pending_progress += 1;
        if self.network.is_some() {
            let latency = SimDuration::from_secs_f64(self.costs().platform().latency(transfer.src, dst));
            self.push(self.now + latency, Event::FlowStart(transfer));
        } else {
            let duration = self.costs().comm_time(transfer.src, dst, edge.bytes);
            self.push(self.now + duration, Event::TransferEnd(transfer));
        }
    }

    /// The `k`-th input of `run` is on its node; counts it once.
    fn input_ready(&mut self, run: Run, k: usize) {
        if self.runs.mark_input(run, k) {
            self.input_arrived(run);
        }
    }

    fn input_arrived(&mut self, run: Run) {
        self.runs.missing_inputs[run] -= 1;
        if self.runs.missing_inputs[run] == 0 {
            self.runs.inputs_at[run] = Some(self.now);
            if self.runs.pulling[run] {
                self.runs.pulling[run] = false;
                self.begin_compute(run);
            } else {
                self.mark_dirty(self.runs.assignment[run].node);
            }
        }
    }

    /// Whether transfer `t` still feeds a run waiting for it.
    fn is_current(&self, t: &Transfer) -> bool {
        feeds_its_run(&self.runs, t)
    }

    fn transfer_done(&mut self, t: Transfer) {
        self.n_pending_progress -= 1;
        if !self.is_current(&t) {
            return; // The run was lost to a failure or dropped; this data is moot.
        }
        match self.record {
            Record::Full => self.transfers.push(TransferRecord {
                edge: t.edge,
                src: t.src,
                dst: t.dst,
                start: t.issued,
                end: self.now,
            }),
            Record::Summary => self.folded.bytes_moved += self.costs().dag().edge(t.edge).bytes,
        }
        self.input_ready(t.run, t.input as usize);
    }

    fn process(&mut self, event: Event, flows_done: &mut Vec<FinishedFlow<Transfer>>) {
        match event {
            Event::Release(task) => {
                self.n_pending_progress -= 1;
                self.released[task.index()] = true;
                self.predecessor_done(task);
                for run in self.runs_of(task) {
                    if self.is_committed(run) {
                        self.input_arrived(run);
                    }
                }
            }
            Event::RunEnd { run, epoch } => {
                if self.runs.current_status(run, epoch) == Some(Status::Running) {
                    self.run_end(run);
                }
            }
            Event::TransferEnd(t) => self.transfer_done(t),
            Event::FlowStart(t) => {
                if !self.is_current(&t) {
                    self.n_pending_progress -= 1; // Moot before it began: never sent.
                    return;
                }
                let bytes = self.costs().dag().edge(t.edge).bytes;
                if let Some(net) = &mut self.network {
                    net.add(self.now, t.src, t.dst, bytes, t);
                }
            }
            Event::NetworkWake { version } => {
                let Some(net) = &mut self.network else { return };
                if net.version != version {
                    return;
                }
                net.take_finished(self.now, flows_done);
                for f in flows_done.drain(..) {
                    self.transfer_done(f.tag);
                }
            }
            Event::NodeDown { node, repair } => self.node_down(node, repair),
            Event::BootDone { node, epoch } => {
                self.n_pending_progress -= 1;
                if self.nodes[node.index()].boot_epoch == epoch && self.power[node.index()].state == PowerState::Booting
                {
                    self.set_power(node, PowerState::On);
                    self.became_available(node);
                }
            }
            Event::Tick => self.tick_due = true,
            Event::NodeUp(node) => self.node_up_again(node),
            Event::Decided { run, epoch } => {
                self.n_pending_progress -= 1;
                if self.runs.current_status(run, epoch) != Some(Status::Deciding) {
                    return; // Dropped while the scheduler was deciding.
                }
                if self.accepts(self.runs.assignment[run].node) {
                    self.commit(run);
                } else {
                    // Its node failed while the scheduler was deciding.
                    self.drop_run(run);
                    let task = self.runs.task[run];
                    self.hand_back_if_orphaned(task);
                }
            }
        }
    }

    /// Recomputes bandwidth shares once for the whole batch and schedules
    /// the next flow completion.
    fn settle_network(&mut self) {
        if let Some(net) = &mut self.network
            && net.settle()
            && let Some(at) = net.next_completion(self.now)
        {
            let version = net.version;
            self.push(at, Event::NetworkWake { version });
        }
    }

    fn schedule_next_failure(&mut self, node: NodeId) {
        if let Some(up_secs) = self.failures.next_up_time(node) {
            let repair = SimDuration::from_secs_f64(self.failures.repair_secs());
            self.push(
                self.now + SimDuration::from_secs_f64(up_secs),
                Event::NodeDown { node, repair },
            );
        }
    }

    fn node_down(&mut self, node: NodeId, repair: SimDuration) {
        if !self.nodes[node.index()].up || self.over() {
            return;
        }
        if !self.power[node.index()].state.is_on() {
            // An off or booting node does not fail (see `crate::power`).
            self.schedule_next_failure(node);
            return;
        }
        let cores = self.costs().platform().node(node).cores;
        let state = &mut self.nodes[node.index()];
        state.up = false;
        let running = std::mem::take(&mut state.running);
        let queued: Vec<Run> = state.queue.drain(..).collect();
        self.load.queued -= queued.len();
        state.free_cores = all_cores(cores);
        self.outages.push(OutageRecord {
            node,
            start: self.now,
            end: None,
        });
        let mut affected = Vec::with_capacity(running.len() + queued.len());
        for run in running {
            let r = self.runs.record[run];
            self.load.busy_cores -= u64::from(r.cores);
            let saved = self.checkpointed_work(run, self.now - r.start);
            self.lost_runs.push(LostRecord {
                task: self.runs.task[run],
                node,
                cores: r.cores,
                core_offset: r.core_offset,
                dvfs: r.dvfs,
                start: r.start,
                end: self.now,
                saved,
            });
            self.drop_run(run);
            affected.push(self.runs.task[run]);
        }
        for run in queued {
            self.drop_run(run);
            affected.push(self.runs.task[run]);
        }
        for task in affected {
            self.hand_back_if_orphaned(task);
        }
        self.cancel_moot_flows();
        if repair.as_nanos() < u64::MAX {
            self.n_pending_progress += 1;
            self.push(self.now + repair, Event::NodeUp(node));
        }
    }

    /// Seconds of work of `run` saved by checkpoints after it ran for
    /// `elapsed`; records the progress so that the task's next run does the rest.
    fn checkpointed_work(&mut self, run: Run, elapsed: SimDuration) -> f64 {
        let Some((interval, cost)) = self.checkpoints else {
            return 0.0;
        };
        let work = self.runs.work[run];
        let segments = (elapsed.as_secs_f64() / (interval + cost)).floor();
        let saved = (segments * interval).min(work);
        if work > 0.0 {
            self.runs.remaining[run] *= 1.0 - saved / work;
        }
        saved
    }

    /// Stops flows carrying data to runs that are gone.
    fn cancel_moot_flows(&mut self) {
        let runs = &self.runs;
        if let Some(net) = &mut self.network {
            let dropped = net.cancel(self.now, |t| !feeds_its_run(runs, t));
            self.n_pending_progress -= dropped;
        }
    }

    /// Marks a run that will not finish (its node failed, or its task is done
    /// and it never started) and invalidates its pending events and data.
    fn drop_run(&mut self, run: Run) {
        self.runs.status[run] = Status::Dead;
        self.runs.epoch[run] += 1;
    }

    /// Returns `task` to the scheduler if it is unfinished and none of its runs is live.
    fn hand_back_if_orphaned(&mut self, task: TaskId) {
        if self.is_done(task) || self.runs_of(task).any(|r| self.runs.status[r].is_live()) {
            return;
        }
        let dag = self.costs().dag();
        let primary = self.primary[task.index()];
        let was_assigned = self.runs.status[primary] != Status::Unassigned;
        // A lost primary run's checkpointed progress is kept for the next run.
        let remaining = self.runs_of(task).map(|r| self.runs.remaining[r]).fold(1.0, f64::min);
        self.runs.remaining[primary] = remaining;
        self.runs.pulling[primary] = false;
        self.runs.inputs_at[primary] = None;
        self.runs.status[primary] = Status::Unassigned;
        // As at the start: the release counts as an input until it is delivered
        // on assignment (if already past) or by the release event.
        self.runs.missing_inputs[primary] = pending_at_start(dag, task);
        self.runs.clear_inputs(primary, dag.in_edges(task).len());
        self.lost.push(task);
        if self.unfinished_preds[task.index()] == 0 {
            self.ready.push(task);
            if was_assigned {
                self.load.ready += 1;
            }
        }
    }

    fn node_up_again(&mut self, node: NodeId) {
        self.n_pending_progress -= 1;
        let state = &mut self.nodes[node.index()];
        state.up = true;
        if !state.freed_in_batch {
            state.freed_in_batch = true;
            self.freed.push(node);
        }
        if let Some(o) = self
            .outages
            .iter_mut()
            .rev()
            .find(|o| o.node == node && o.end.is_none())
        {
            o.end = Some(self.now);
        }
        self.mark_dirty(node);
        if !self.over() {
            self.schedule_next_failure(node);
        }
    }

    /// Takes a run off its node's cores (it finished or was cancelled).
    fn release_cores(&mut self, run: Run) -> TaskRecord {
        let record = self.runs.record[run];
        let node = &mut self.nodes[record.node.index()];
        if let Some(pos) = node.running.iter().position(|&r| r == run) {
            node.running.swap_remove(pos);
            self.load.busy_cores -= u64::from(record.cores);
        }
        let offset = record.core_offset as usize;
        let slots = (offset..offset + record.cores as usize).rev();
        node.free_cores.extend(slots.map(|slot| self.core_slots[slot]));
        if !node.freed_in_batch {
            node.freed_in_batch = true;
            self.freed.push(record.node);
        }
        self.mark_dirty(record.node);
        record
    }

    fn run_end(&mut self, run: Run) {
        let dag = self.costs().dag();
        let task = self.runs.task[run];
        self.runs.status[run] = Status::Finished;
        let record = self.release_cores(run);
        if self.is_done(task) {
            // A later run: its outputs serve consumers on its node that still wait.
            self.finished_copies.push(CopyRecord { task, record });
            for &e in dag.out_edges(task) {
                let dst = dag.edge(e).dst;
                let k = self.input_position[e.index()] as usize;
                for consumer in self.runs_of(dst) {
                    if self.is_committed(consumer) && self.runs.assignment[consumer].node == record.node {
                        self.input_ready(consumer, k);
                    }
                }
            }
            return;
        }
        self.winner[task.index()] = Some(run);
        self.n_done += 1;
        if self.runs.status[self.primary[task.index()]] == Status::Unassigned
            && self.unfinished_preds[task.index()] == 0
        {
            self.load.ready -= 1;
        }
        if let Some(job) = StateSource::job_of(self, task) {
            let job = &mut self.jobs[job.index()];
            job.unfinished -= 1;
            if job.unfinished == 0 {
                job.finish = Some(self.now);
            }
        }
        self.finished.push(task);
        // Runs of the task that have not started are no longer needed, nor
        // running ones if the task is replicated: the first finisher wins.
        let cancel_running = self.has_replicas[task.index()];
        for other in self.runs_of(task) {
            match self.runs.status[other] {
                Status::Deciding | Status::Queued => {
                    let node = self.runs.assignment[other].node;
                    let queue = &mut self.nodes[node.index()].queue;
                    let before = queue.len();
                    queue.retain(|&r| r != other);
                    self.load.queued -= before - queue.len();
                    self.mark_dirty(node);
                    self.drop_run(other);
                }
                Status::Running if cancel_running => {
                    let mut record = self.release_cores(other);
                    record.end = self.now;
                    self.cancelled_copies.push(CopyRecord { task, record });
                    self.drop_run(other);
                }
                _ => {}
            }
        }
        for &e in dag.out_edges(task) {
            let dst = dag.edge(e).dst;
            self.predecessor_done(dst);
            let k = self.input_position[e.index()] as usize;
            for consumer in self.runs_of(dst) {
                if self.is_committed(consumer) {
                    self.deliver(e, k, consumer);
                }
            }
        }
    }

    /// One of `task`'s predecessors (or its release) is done; it may become ready.
    fn predecessor_done(&mut self, task: TaskId) {
        self.unfinished_preds[task.index()] -= 1;
        if self.unfinished_preds[task.index()] == 0 {
            self.ready.push(task);
            if self.runs.status[self.primary[task.index()]] == Status::Unassigned {
                self.load.ready += 1;
            }
            // A node that pulls inputs may now start fetching this task's.
            for run in self.runs_of(task) {
                let node = self.runs.assignment[run].node;
                if self.is_committed(run) && self.costs().platform().node(node).pulls_inputs {
                    self.mark_dirty(node);
                }
            }
        }
    }

    /// Starts queued runs, head first, on every node whose state changed.
    fn start_dirty_nodes(&mut self) {
        let mut dirty = std::mem::take(&mut self.dirty_nodes);
        dirty.sort_unstable();
        for &node in &dirty {
            self.nodes[node.index()].dirty = false;
            self.start_queued(node);
            self.note_idle(node);
        }
        dirty.clear();
        self.dirty_nodes = dirty;
    }

    /// Records since when `node` has had no work, and powers off a
    /// draining node once its work is done.
    fn note_idle(&mut self, node: NodeId) {
        let n = &self.nodes[node.index()];
        let idle = n.up && n.running.is_empty() && n.queue.is_empty();
        let power = &mut self.power[node.index()];
        if !idle {
            power.idle_since = None;
            return;
        }
        power.idle_since = power.idle_since.or(Some(self.now));
        if power.state == PowerState::Draining {
            self.set_power(node, PowerState::Off);
        }
    }

    /// Starts the runs at the head of `node`'s queue that can start.
    fn start_queued(&mut self, node: NodeId) {
        if !self.nodes[node.index()].up {
            return;
        }
        {
            let pulls = self.costs().platform().node(node).pulls_inputs;
            while let Some(&run) = self.nodes[node.index()].queue.front() {
                let a = self.runs.assignment[run];
                let free = self.nodes[node.index()].free_cores.len() as u32;
                if free < a.cores || !self.memory_free(node, run) {
                    break;
                }
                if self.runs.missing_inputs[run] > 0 {
                    // A pulling node takes the head's cores once its predecessors
                    // are done, and fetches its inputs with them.
                    if !(pulls && self.unfinished_preds[self.runs.task[run].index()] == 0) {
                        break;
                    }
                    self.nodes[node.index()].queue.pop_front();
                    self.load.queued -= 1;
                    self.begin_pull(run, a);
                    continue;
                }
                self.nodes[node.index()].queue.pop_front();
                self.load.queued -= 1;
                self.start(run, a);
            }
        }
    }

    /// Whether `node` has the memory of `run`'s task free beside what the
    /// runs holding its cores hold (memory is held from a run's start to its
    /// end). Summed afresh in integers, so no rounding accumulates; free on a
    /// node without a memory limit.
    fn memory_free(&self, node: NodeId, run: Run) -> bool {
        let Some(capacity) = self.costs().platform().node(node).memory_bytes else {
            return true;
        };
        let dag = self.costs().dag();
        let memory = |r: Run| dag.task(self.runs.task[r]).memory_bytes;
        let running = self.nodes[node.index()].running.iter();
        let held = running.fold(memory(run), |held, &r| held.saturating_add(memory(r)));
        held <= capacity
    }

    fn start(&mut self, run: Run, a: Assignment) {
        self.take_cores(run, a);
        self.begin_compute(run);
    }

    /// Gives `run` its cores; it counts as running from now on.
    fn take_cores(&mut self, run: Run, a: Assignment) {
        let offset = self.core_slots.len() as u32;
        let node = &mut self.nodes[a.node.index()];
        for _ in 0..a.cores {
            if let Some(core) = node.free_cores.pop() {
                self.core_slots.push(core);
            }
        }
        node.running.push(run);
        self.load.busy_cores += u64::from(a.cores);
        if let Some(job) = StateSource::job_of(self, self.runs.task[run]) {
            let first_start = &mut self.jobs[job.index()].first_start;
            *first_start = Some(first_start.unwrap_or(self.now));
        }
        self.runs.work[run] = 0.0;
        self.runs.record[run] = TaskRecord {
            node: a.node,
            cores: a.cores,
            core_offset: offset,
            dvfs: a.dvfs,
            start: self.now,
            end: self.now,
        };
        self.runs.status[run] = Status::Running;
    }

    /// Starts a run that holds its cores while its node pulls its remaining
    /// inputs; it computes once the last one is in (see `input_arrived`).
    fn begin_pull(&mut self, run: Run, a: Assignment) {
        self.take_cores(run, a);
        self.runs.pulling[run] = true;
        let dag = self.costs().dag();
        let task = self.runs.task[run];
        for (k, &e) in dag.in_edges(task).iter().enumerate() {
            if !self.runs.has_input(run, k) {
                self.deliver(e, k, run);
            }
        }
    }

    /// Starts the computation of a run that holds its cores and has all its inputs.
    fn begin_compute(&mut self, run: Run) {
        let task = self.runs.task[run];
        let a = self.runs.assignment[run];
        let work = self.costs().exec_secs(task, a.node, a.cores, a.dvfs)
            * self.noise[task.index()]
            * self.real_speeds.factor(a.node, self.now)
            * self.runs.remaining[run];
        self.runs.work[run] = work;
        // With checkpointing, a run of `work` seconds pays for one checkpoint
        // at the end of every full interval except the last.
        let overhead = self
            .checkpoints
            .map_or(0.0, |(interval, cost)| ((work / interval).ceil() - 1.0).max(0.0) * cost);
        let end = self.now + SimDuration::from_secs_f64(work + overhead);
        self.runs.record[run].start = self.now;
        self.runs.record[run].end = end;
        self.push(
            end,
            Event::RunEnd {
                run,
                epoch: self.runs.epoch[run],
            },
        );
    }

    fn finish(mut self, scheduler: &str) -> RunResult {
        let costs = self.costs();
        if self.record == Record::Summary {
            self.fold_first_runs(costs.platform(), TaskId::new(self.winner.len()));
        }
        let first = self.folded.tasks;
        let records = &self.runs.record;
        let tasks = self
            .winner
            .live_from(first)
            .iter()
            .flatten()
            .map(|&run| records[run])
            .collect();
        let mut result = RunResult {
            scheduler: scheduler.to_owned(),
            tasks,
            transfers: self.transfers,
            core_slots: match self.record {
                Record::Full => self.core_slots.into_live(),
                Record::Summary => Vec::new(),
            },
            lost: self.lost_runs,
            copies: self.finished_copies,
            cancelled: self.cancelled_copies,
            outages: Vec::new(),
            power: Vec::new(),
            node_energy_j: Vec::new(),
            metrics: metrics::EMPTY,
            folded: self.folded,
        };
        // Keep outages that overlap the run, closed at the makespan at the latest.
        let makespan = result.makespan();
        result.outages = self
            .outages
            .into_iter()
            .filter(|o| o.start < makespan)
            .map(|o| OutageRecord {
                end: Some(o.end.map_or(makespan, |e| e.min(makespan))),
                ..o
            })
            .collect();
        // Close the periods still open, and keep those that overlap the run.
        let mut power = self.power_records;
        for (n, p) in self.power.iter().enumerate() {
            if matches!(p.state, PowerState::Off | PowerState::Booting) {
                power.push(PowerRecord {
                    node: NodeId::new(n),
                    state: p.state,
                    start: p.since,
                    end: makespan,
                });
            }
        }
        result.power = power
            .into_iter()
            .filter(|p| p.start < makespan)
            .map(|p| PowerRecord {
                end: p.end.min(makespan),
                ..p
            })
            .collect();
        result.node_energy_j = metrics::node_energy(costs.platform(), &result);
        result.metrics = metrics::compute(costs, &result);
        result
    }
}
