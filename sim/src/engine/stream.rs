//! Job streams: DAGs arriving over time into one run.
//!
//! The run starts with an empty DAG. When a job arrives its DAG is appended
//! ([`Dag::append`]), the engine's state grows by its tasks
//! (`State::add_job`), and the scheduler hears of it in the update of that
//! instant ([`Update::arrived`](crate::Update::arrived)) together with its
//! entry tasks in `ready`. Before its arrival no scheduler can see a job: its
//! tasks do not exist yet. Jobs are drawn from the caller's iterator one at
//! a time, when the clock reaches the previous one's arrival.
//!
//! Between arrivals the state runs exactly as for a single DAG; at an
//! arrival it is detached from the DAG, the DAG grows, and the cost model is
//! extended by the new tasks only ([`CostModel::extended`]), so a stream
//! costs time in proportion to its jobs, not to jobs × stream length.
//!
//! Retirement: at each arrival the oldest jobs that are over (finished, with
//! no run of their tasks live, `State::job_over`) are retired in arrival
//! order, and the scheduler hears that the tasks below the first task of the
//! oldest job left are gone ([`Scheduler::retire`]), so per-task data it
//! keeps in a [`crate::TaskWindow`] follows the jobs in the system. A job
//! still running holds back the retirement of every later job. With the
//! full record ([`Record::Full`]) the DAG, the engine's state and the run's
//! record keep every task; a summary record ([`Record::Summary`]) folds the
//! retired jobs' first runs into the metrics and drops their tasks from the
//! DAG and the engine's per-task columns. The run table and the cost model's
//! per-task tables still keep every task.

use super::state::{JobState, Policies, State};
use super::{Record, SimConfig, SimError};
use crate::cost::CostModel;
use crate::dag::Dag;
use crate::ids::{JobId, TaskId};
use crate::job_metrics::{self, JobOutcome, StreamMetrics};
use crate::metrics::{self, StepSeries};
use crate::platform::Platform;
use crate::power::{AlwaysOn, ResourceManager};
use crate::result::RunResult;
use crate::scheduler::{JobInfo, Scheduler};
use crate::time::SimTime;
use std::sync::Arc;

/// One job of a stream, as the engine takes it.
#[derive(Clone, Debug)]
pub struct StreamJob {
    /// The job's tasks.
    pub dag: Arc<Dag>,
    /// Seconds from the stream's start (non-decreasing along the stream).
    pub arrival: f64,
    /// Weight in weighted policies and metrics.
    pub weight: f64,
    /// Absolute deadline, seconds, if any.
    pub deadline: Option<f64>,
}

/// What happened to one job.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JobRecord {
    /// The job as schedulers saw it.
    pub info: JobInfo,
    /// When its first task took its cores.
    pub first_start: Option<SimTime>,
    /// When its last task finished.
    pub finish: Option<SimTime>,
}

impl JobRecord {
    /// The job's outcome for [`crate::job_metrics`].
    pub fn outcome(&self) -> JobOutcome {
        JobOutcome {
            arrival: self.info.arrival.as_secs_f64(),
            first_start: self.first_start.map(SimTime::as_secs_f64),
            finish: self.finish.map(SimTime::as_secs_f64),
            lower_bound: self.info.lower_bound,
            weight: self.info.weight,
            deadline: self.info.deadline.map(SimTime::as_secs_f64),
        }
    }
}

impl From<&JobState> for JobRecord {
    fn from(job: &JobState) -> JobRecord {
        JobRecord {
            info: job.info,
            first_start: job.first_start,
            finish: job.finish,
        }
    }
}

/// A finished stream run.
#[derive(Debug)]
pub struct StreamRun {
    /// Every job's DAG, appended in arrival order (job `j`'s task names carry
    /// the prefix `j<j>:`): what the run's task ids refer to.
    pub dag: Dag,
    /// The run, as for a single DAG.
    pub result: RunResult,
    /// Every job, in arrival order.
    pub jobs: Vec<JobRecord>,
    /// The most rows the engine's run table held, measured after each
    /// arrival's jobs joined and at the end: with a summary record it drops
    /// the runs of retired jobs and follows the jobs in the system, with the
    /// full record it holds every run of the stream.
    pub peak_runs_held: usize,
}

impl StreamRun {
    /// The jobs' outcomes, in arrival order.
    pub fn outcomes(&self) -> Vec<JobOutcome> {
        self.jobs.iter().map(JobRecord::outcome).collect()
    }

    /// The stream's metrics ([`job_metrics::stream_metrics`]), measured at
    /// `horizon` if the run outlasted it.
    pub fn metrics(&self, horizon: Option<f64>) -> StreamMetrics {
        job_metrics::stream_metrics(&self.outcomes(), self.result.makespan().as_secs_f64(), horizon)
    }

    /// Jobs arrived and not finished over time, from 0 to the makespan.
    pub fn jobs_in_system(&self) -> StepSeries {
        let mut events = Vec::with_capacity(2 * self.jobs.len());
        for job in &self.jobs {
            events.push((job.info.arrival, 1.0));
            events.extend(job.finish.map(|f| (f, -1.0)));
        }
        StepSeries::from_events(events, 0.0, self.result.makespan())
    }

    /// The energy attributed to each job, joules: the busy power of the
    /// cores its runs held (copies, cancelled replicas and runs lost to
    /// failures included) over their durations. The platform's idle power
    /// belongs to no job, so the jobs' sum is the run's energy less its idle part.
    pub fn job_energy(&self, platform: &Platform) -> Vec<f64> {
        // Jobs hold ascending stretches of task ids.
        let job_of = |task: TaskId| self.jobs.partition_point(|j| j.info.first_task <= task) - 1;
        let mut energy = self.result.folded.job_energy_j.clone();
        energy.resize(self.jobs.len(), 0.0);
        let runs = self.result.runs().map(|r| (r.task, *r.record));
        let lost = self.result.lost.iter().map(|l| {
            let record = crate::result::TaskRecord {
                node: l.node,
                cores: l.cores,
                core_offset: l.core_offset,
                dvfs: l.dvfs,
                start: l.start,
                end: l.end,
            };
            (l.task, record)
        });
        for (task, r) in runs.chain(lost) {
            energy[job_of(task)] += metrics::busy_energy(platform, r.node, r.dvfs, r.cores, r.end - r.start);
        }
        energy
    }
}

/// Runs a stream of jobs on `platform`, asking `scheduler` for every decision.
///
/// `jobs` yields the jobs in order of arrival, or an error message (a DAG
/// file that cannot be read, say), which ends the run with
/// [`SimError::Stream`].
///
/// # Errors
/// As [`crate::simulate`], plus [`SimError::Stream`] for a job that cannot
/// be drawn, arrives before the previous one or at a negative or non-finite time.
pub fn simulate_stream(
    jobs: impl IntoIterator<Item = Result<StreamJob, String>>,
    platform: &Platform,
    scheduler: &mut dyn Scheduler,
    config: &SimConfig,
) -> Result<StreamRun, SimError> {
    simulate_stream_managed(jobs, platform, scheduler, &mut AlwaysOn, config)
}

/// [`simulate_stream`] with `resources` powering nodes on and off (see [`crate::power`]).
///
/// # Errors
/// As [`simulate_stream`].
pub fn simulate_stream_managed(
    jobs: impl IntoIterator<Item = Result<StreamJob, String>>,
    platform: &Platform,
    scheduler: &mut dyn Scheduler,
    resources: &mut dyn ResourceManager,
    config: &SimConfig,
) -> Result<StreamRun, SimError> {
    let policies = &mut Policies { scheduler, resources };
    let mut jobs = jobs.into_iter();
    let mut dag = Dag::empty();
    let costs = CostModel::new(&dag, platform)?;
    let mut state = super::start_state(&costs, config)?;
    state.set_record(config.record);
    let mut bounds = (config.record == Record::Summary).then(|| DagBounds::new(platform));
    let mut next = next_job(&mut jobs, 0.0)?;
    state.set_jobs_to_come(next.is_some());
    state.begin(policies)?;
    let mut state = state.detach();
    let mut tables = costs.into_tables();
    let mut bound = 0;
    let mut arrival = None;
    let mut retired = 0;
    let mut peak_runs_held = 0;
    loop {
        let costs = CostModel::extended(&dag, platform, tables, bound)?;
        bound = dag.task_count();
        let mut running = state.attach(&costs);
        if let Some(time) = arrival {
            running.batch(time, policies)?;
        }
        let Some(job) = next.take() else {
            running.set_jobs_to_come(false);
            running.run_before(None, policies)?;
            if let Some(bounds) = &bounds {
                running.set_dag_bounds(bounds.critical_path, bounds.sequential(platform, &dag));
            }
            let records = running.jobs().iter().map(JobRecord::from).collect();
            let peak_runs_held = peak_runs_held.max(running.runs_held());
            let result = running.end(policies)?;
            drop(costs);
            return Ok(StreamRun {
                dag,
                result,
                jobs: records,
                peak_runs_held,
            });
        };
        let time = SimTime::from_secs_f64(job.arrival);
        running.run_before(Some(time), policies)?;
        state = running.detach();
        tables = costs.into_tables();
        state.advance_to(time);
        if let Some(before) = retire_over_jobs(&state, &mut retired) {
            policies.scheduler.retire(before);
            if config.record == Record::Summary {
                state.fold_first_runs(platform, before);
                dag.retire_before(before);
                state.retire_before(before, dag.first_edge());
            }
        }
        // Every job arriving at this instant joins the same batch.
        let mut job = Some(job);
        while let Some(this) = job.take() {
            let arrival_secs = this.arrival;
            add_job(&mut dag, &mut state, this, platform, bounds.as_mut())?;
            next = next_job(&mut jobs, arrival_secs)?;
            if next.as_ref().is_some_and(|n| SimTime::from_secs_f64(n.arrival) == time) {
                job = next.take();
            }
        }
        peak_runs_held = peak_runs_held.max(state.runs_held());
        arrival = Some(time);
    }
}

/// Advances `retired`, the number of jobs retired (the oldest ones), over
/// the next jobs that are over ([`State::job_over`]); returns the first task
/// not retired if it moved. A job still running holds back every later one.
fn retire_over_jobs(state: &State<'_>, retired: &mut usize) -> Option<TaskId> {
    let before = *retired;
    while *retired < state.jobs().len() && state.job_over(JobId::new(*retired)) {
        *retired += 1;
    }
    (*retired > before).then(|| {
        let last = state.jobs()[*retired - 1].info;
        TaskId::new(last.first_task.index() + last.n_tasks as usize)
    })
}

/// The next job, checked to arrive at a finite time ≥ `previous`.
fn next_job(
    jobs: &mut impl Iterator<Item = Result<StreamJob, String>>,
    previous: f64,
) -> Result<Option<StreamJob>, SimError> {
    let Some(job) = jobs.next() else { return Ok(None) };
    let job = job.map_err(SimError::Stream)?;
    if !(job.arrival.is_finite() && job.arrival >= previous) {
        return Err(SimError::Stream(format!(
            "a job arrives at {} s, expected a finite time >= {previous} s (the previous arrival)",
            job.arrival
        )));
    }
    if let Some(deadline) = job.deadline
        && !(deadline.is_finite() && deadline >= 0.0)
    {
        return Err(SimError::Stream(format!(
            "a job has deadline {deadline} s, expected a finite time >= 0"
        )));
    }
    Ok(Some(job))
}

/// Appends `job` to the run's DAG and state, and adds it to `bounds` if a
/// summary record keeps them.
fn add_job(
    dag: &mut Dag,
    state: &mut State<'static>,
    job: StreamJob,
    platform: &Platform,
    bounds: Option<&mut DagBounds>,
) -> Result<(), SimError> {
    let id = JobId::new(state.jobs().len());
    let costs = CostModel::new(&job.dag, platform)?;
    let lower_bound = metrics::min_critical_path(&costs);
    if let Some(bounds) = bounds {
        if let Some(task) = job.dag.tasks().iter().find(|t| t.memory_bytes > 0) {
            return Err(SimError::Stream(format!(
                "job {}: task {:?} declares memory, and a summary record keeps no runs to find the peak memory from; use the full record",
                id.index(),
                task.name
            )));
        }
        bounds.add(&costs, lower_bound);
    }
    let first_task = dag
        .append(&job.dag, &format!("j{}:", id.index()))
        .map_err(|e| SimError::Stream(format!("job {}: {e}", id.index())))?;
    let info = JobInfo {
        id,
        arrival: SimTime::from_secs_f64(job.arrival),
        first_task,
        n_tasks: job.dag.task_count() as u32,
        weight: job.weight,
        deadline: job.deadline.map(SimTime::from_secs_f64),
        lower_bound,
    };
    state.add_job(dag, info);
    Ok(())
}

/// The stream DAG's [`metrics::min_critical_path`] and
/// [`metrics::best_sequential`], built up job by job for a summary record,
/// whose DAG drops retired jobs: the same sums in the same order as over the
/// whole DAG, so the same numbers.
struct DagBounds {
    /// The longest job critical path (jobs share no edge).
    critical_path: f64,
    /// Per node, Σ one-core time of every task so far, in task order; kept
    /// for class representatives only until a task gives per-node costs.
    sums: Vec<f64>,
    /// Whether every node's sum is kept.
    all_nodes: bool,
}

impl DagBounds {
    fn new(platform: &Platform) -> DagBounds {
        DagBounds {
            critical_path: 0.0,
            sums: vec![-0.0; platform.node_count()],
            all_nodes: false,
        }
    }

    /// Adds a job (its own cost model) whose critical path is `critical_path`.
    fn add(&mut self, costs: &CostModel<'_>, critical_path: f64) {
        let platform = costs.platform();
        self.critical_path = self.critical_path.max(critical_path);
        if !self.all_nodes && costs.dag().node_cost_count().is_some() {
            // Until now every node summed what its class's first node did.
            for n in platform.node_ids() {
                self.sums[n.index()] = self.sums[platform.class_representatives()[platform.node_class(n)].index()];
            }
            self.all_nodes = true;
        }
        let nodes = if self.all_nodes {
            platform.node_ids().collect()
        } else {
            platform.class_representatives().to_vec()
        };
        for n in nodes {
            let sum = &mut self.sums[n.index()];
            for t in costs.dag().task_ids() {
                *sum += costs.exec_secs(t, n, 1, 0);
            }
        }
    }

    /// The best sequential time over the nodes [`metrics::best_sequential`]
    /// takes for `dag`.
    fn sequential(&self, platform: &Platform, dag: &Dag) -> f64 {
        let sums = &self.sums;
        match dag.node_cost_count() {
            None => platform
                .class_representatives()
                .iter()
                .map(|n| sums[n.index()])
                .fold(f64::INFINITY, f64::min),
            Some(_) => sums.iter().copied().fold(f64::INFINITY, f64::min),
        }
    }
}
