//! The discrete-event engine: runs a DAG on a platform under a scheduler.
//!
//! # Event ordering
//! 1. Events are processed in order of time, then of the sequence number
//!    they were created with (FIFO among equal times). Both are integers, so
//!    the order is total and exact.
//! 2. All events at one instant are processed as a batch; the scheduler is
//!    then called once with everything that happened in the batch, its
//!    decisions are applied, and finally every node whose state changed
//!    starts what it can, in node-id order.
//!
//! Given the same DAG, platform, scheduler and [`SimConfig`], a run is
//! therefore bit-for-bit reproducible.
//!
//! # Failures
//! With [`Failures`] set, nodes go down and come back (see
//! [`crate::failures`]). Tasks running on a failed node are aborted (recorded
//! in [`RunResult::lost`]) and, with the tasks queued there, handed back to
//! the scheduler in [`Update::lost`](crate::Update::lost); assigning to a
//! down node is an invalid decision.

#[cfg(test)]
mod power_tests;
mod queue;
mod runs;
mod state;
mod stream;
#[cfg(test)]
mod tests;

use crate::cost::{BindError, CostModel};
use crate::dag::Dag;
use crate::failures::{Checkpointing, FailureError, Failures};
use crate::noise::Noise;
use crate::platform::Platform;
use crate::power::{AlwaysOn, ResourceManager};
use crate::progress::Progress;
use crate::result::RunResult;
use crate::scheduler::Scheduler;
use crate::speed_error::{SpeedError, SpeedErrorError};
use crate::time::SimTime;
use thiserror::Error;

pub use stream::{JobRecord, StreamJob, StreamRun, simulate_stream, simulate_stream_managed};

/// Settings of one run that are not the DAG, platform or scheduler.
///
/// Build with struct update syntax so that new settings keep old code compiling:
/// `SimConfig { seed: 7, ..SimConfig::default() }`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SimConfig {
    /// Runtime noise.
    pub noise: Noise,
    /// Seed of every random draw the engine makes.
    pub seed: u64,
    /// Node failures.
    pub failures: Failures,
    /// Checkpoint/restart of running tasks, if any.
    pub checkpointing: Option<Checkpointing>,
    /// Give up with [`SimError::Horizon`] if the run is not finished after
    /// this many simulated seconds (a guard for sweeps over harsh failure
    /// rates, where a run can take practically forever).
    pub horizon: Option<f64>,
    /// Progress counter and cancel flag shared with another thread, if any;
    /// the engine updates and checks it once per batch of events.
    pub progress: Option<Progress>,
    /// Real node speeds that differ from the declared ones schedulers see.
    pub speed_error: SpeedError,
    /// How much of a job stream's run to keep (single DAGs keep everything).
    pub record: Record,
}

/// How much of a job stream's run the engine keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Record {
    /// Every task run and transfer, and the whole DAG: what the invariant
    /// checker, traces, Gantt charts and per-task views read.
    #[default]
    Full,
    /// Per-job outcomes and energy and the summary metrics only: as jobs
    /// retire, their runs are folded into the metrics ([`crate::Folded`]) and
    /// their tasks dropped from the DAG, so memory follows the jobs in the
    /// system. Metrics and jobs are those of [`Record::Full`] but for the
    /// order of per-node energy sums (last bits); `RunResult::tasks` and
    /// `transfers` are empty, and the run's DAG holds the jobs not retired.
    /// Jobs whose tasks declare memory are refused (the peak memory needs
    /// every run).
    Summary,
}

/// Why a run could not finish.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum SimError {
    /// The DAG cannot run on the platform.
    #[error(transparent)]
    Bind(#[from] BindError),
    /// The noise setting is invalid.
    #[error("noise sigma must be a finite number >= 0, got {0}")]
    BadNoise(f64),
    /// The failure setting is invalid.
    #[error(transparent)]
    BadFailures(#[from] FailureError),
    /// The speed error setting is invalid.
    #[error(transparent)]
    BadSpeedError(#[from] SpeedErrorError),
    /// The scheduler made a decision the engine refuses.
    #[error("scheduler {scheduler:?} assigned task {task:?} to node {node}: {reason}")]
    BadDecision {
        /// Scheduler name.
        scheduler: String,
        /// Task name.
        task: String,
        /// Node index as given.
        node: usize,
        /// What is wrong.
        reason: String,
    },
    /// The run passed its horizon with tasks unfinished.
    #[error("the run passed its horizon of {horizon} s with {unfinished} tasks unfinished")]
    Horizon {
        /// The horizon in seconds.
        horizon: f64,
        /// Number of unfinished tasks.
        unfinished: usize,
    },
    /// A job of a stream cannot be drawn or is out of order.
    #[error("job stream: {0}")]
    Stream(String),
    /// The run was stopped through [`SimConfig::progress`].
    #[error("the run was cancelled with {unfinished} tasks unfinished")]
    Cancelled {
        /// Number of unfinished tasks.
        unfinished: usize,
    },
    /// Nothing more can happen but tasks are unfinished: the scheduler left
    /// them unassigned, or every node that could run them is down for good.
    #[error(
        "scheduler {scheduler:?} stalled at {time}: {unfinished} tasks unfinished, e.g. {example:?} ({state}); {nodes_down} nodes down, {nodes_off} off or booting"
    )]
    Stalled {
        /// Scheduler name.
        scheduler: String,
        /// Time of the stall.
        time: SimTime,
        /// Number of unfinished tasks.
        unfinished: usize,
        /// One of them.
        example: String,
        /// Its state.
        state: String,
        /// Nodes down at the time of the stall.
        nodes_down: usize,
        /// Nodes off or booting at the time of the stall (left so by the resource manager).
        nodes_off: usize,
    },
}

/// Runs `dag` on `platform`, asking `scheduler` for every decision.
///
/// # Errors
/// [`SimError`] if the DAG does not fit the platform, the noise or failure
/// setting is invalid, the scheduler makes an invalid decision, or the run
/// cannot finish.
pub fn simulate(
    dag: &Dag,
    platform: &Platform,
    scheduler: &mut dyn Scheduler,
    config: &SimConfig,
) -> Result<RunResult, SimError> {
    simulate_managed(dag, platform, scheduler, &mut AlwaysOn, config)
}

/// [`simulate`] with `resources` powering nodes on and off (see [`crate::power`]).
///
/// # Errors
/// As [`simulate`].
pub fn simulate_managed(
    dag: &Dag,
    platform: &Platform,
    scheduler: &mut dyn Scheduler,
    resources: &mut dyn ResourceManager,
    config: &SimConfig,
) -> Result<RunResult, SimError> {
    let costs = CostModel::new(dag, platform)?;
    start_state(&costs, config)?.run(&mut state::Policies { scheduler, resources })
}

/// The engine's state at time 0 for `costs`, once the settings are checked
/// and the runtime noise and real node speeds are drawn from the seed.
fn start_state<'a>(costs: &'a CostModel<'a>, config: &SimConfig) -> Result<state::State<'a>, SimError> {
    let platform = costs.platform();
    let noise = config
        .noise
        .draws(config.seed)
        .ok_or(SimError::BadNoise(config.noise.sigma()))?;
    config.failures.validate(platform.node_count())?;
    let checkpoint_interval = config.checkpointing.map(|c| c.interval(&config.failures)).transpose()?;
    let real_speeds = config.speed_error.draw(platform.node_count(), config.seed)?;
    Ok(state::State::new(
        costs,
        noise,
        real_speeds,
        config,
        checkpoint_interval,
    ))
}
