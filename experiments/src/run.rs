//! One simulated run: a workload, a platform, a scheduler spec and the
//! engine's settings ([`RunSpec`]), and the one [`RunSpec::execute`] that
//! every entry point calls (`schedlab simulate`, sweep cells, `evaluate`,
//! the simulated side of `validate`, and the GUI's runner).
//!
//! `execute` always audits the run with the invariant checker, so no entry
//! point can report a run the checker would reject, and every setting of
//! [`SimConfig`] (noise, failures, checkpointing, speed error, progress)
//! reaches the engine the same way from all of them.

use anyhow::{Result, bail};
use sim::{CostModel, Dag, Platform, RunResult, Scheduler, SimConfig};

/// Everything that defines one simulated run.
#[derive(Debug, Clone)]
pub struct RunSpec<'a> {
    /// The workload.
    pub dag: &'a Dag,
    /// The platform.
    pub platform: &'a Platform,
    /// Scheduler spec, `NAME` or `NAME:key=value,…` (see `schedlab schedulers`).
    pub scheduler: &'a str,
    /// Resource manager spec, `NAME` or `NAME:key=value,…` (see
    /// `schedlab resource-managers`; [`schedulers::resource::DEFAULT`] keeps every node on).
    pub resource_manager: &'a str,
    /// The engine's settings; their seed also seeds randomised schedulers.
    pub settings: SimConfig,
}

/// `dag` as it runs on `platform`: with the set-up and tear-down jobs of the
/// platform's workflow system when it has them (see [`sim::wms`]), else
/// unchanged. [`RunSpec::execute`] puts the scheduler behind
/// [`schedulers::wms::wrap`] for the same system.
///
/// # Errors
/// If the jobs cannot be added (a task named like one of them).
pub fn workflow_dag(dag: Dag, platform: &Platform) -> Result<Dag> {
    match platform.workflow_system() {
        Some(wms) if wms.setup > 0.0 || wms.teardown > 0.0 => {
            Ok(sim::wms::with_auxiliary_jobs(&dag, wms.setup, wms.teardown, &[])?)
        }
        _ => Ok(dag),
    }
}

impl RunSpec<'_> {
    /// Builds the scheduler and the resource manager from their registries,
    /// runs them and audits the run.
    ///
    /// # Errors
    /// An unknown scheduler or resource manager spec, an engine error, or an
    /// invariant violation.
    pub fn execute(&self) -> Result<RunResult> {
        let mut scheduler = schedulers::wms::wrap(
            schedulers::registry::create(self.scheduler, self.settings.seed)?,
            self.platform,
        );
        self.execute_with(scheduler.as_mut())
    }

    /// Runs `scheduler` (one the caller built for this spec, e.g. wrapped to
    /// time its calls) under the spec's resource manager and audits the run.
    ///
    /// # Errors
    /// An unknown resource manager spec, an engine error or an invariant violation.
    pub fn execute_with(&self, scheduler: &mut dyn Scheduler) -> Result<RunResult> {
        let mut resources = schedulers::resource::create(self.resource_manager)?;
        let result = sim::simulate_managed(self.dag, self.platform, scheduler, resources.as_mut(), &self.settings)?;
        let costs = CostModel::new(self.dag, self.platform)?;
        if let Err(violations) = sim::check::check(&costs, &result) {
            let first = violations.first().map(ToString::to_string).unwrap_or_default();
            bail!("the run violates {} invariants, first: {first}", violations.len());
        }
        Ok(result)
    }
}

/// Everything that defines one simulated job stream.
#[derive(Debug, Clone)]
pub struct StreamSpec<'a> {
    /// The jobs and when they arrive.
    pub stream: &'a workloads::stream::Stream,
    /// The platform.
    pub platform: &'a Platform,
    /// Scheduler spec (static planners plan each job at its arrival).
    pub scheduler: &'a str,
    /// Resource manager spec, as [`RunSpec::resource_manager`].
    pub resource_manager: &'a str,
    /// The engine's settings; their seed also draws the jobs and seeds randomised schedulers.
    pub settings: SimConfig,
}

impl StreamSpec<'_> {
    /// Builds the scheduler for streams, runs the stream and audits the run
    /// ([`sim::check::check_stream`]: the single-DAG invariants, and no task
    /// before its job's arrival), unless the settings ask for a summary
    /// record ([`sim::Record::Summary`]), which keeps too little to audit.
    ///
    /// # Errors
    /// An unknown or stream-incapable scheduler, an unknown resource manager, a platform with a workflow
    /// system, a job that cannot be drawn, an engine error, or an invariant violation.
    pub fn execute(&self) -> Result<sim::StreamRun> {
        let mut scheduler = schedulers::registry::create_for_stream(self.scheduler, self.settings.seed)?;
        self.execute_with(scheduler.as_mut())
    }

    /// Runs `scheduler` (one the caller built for this stream: timed, or a
    /// learned policy with candidate weights during training) and audits the run.
    ///
    /// # Errors
    /// As [`StreamSpec::execute`], the scheduler's construction aside.
    pub fn execute_with(&self, scheduler: &mut dyn Scheduler) -> Result<sim::StreamRun> {
        if self.platform.workflow_system().is_some() {
            bail!(
                "platform {:?} has a workflow system; job streams do not model one",
                self.platform.name()
            );
        }
        let mut resources = schedulers::resource::create(self.resource_manager)?;
        let jobs = self.stream.sim_jobs(self.settings.seed);
        let run = sim::simulate_stream_managed(jobs, self.platform, scheduler, resources.as_mut(), &self.settings)?;
        // A summary record keeps too little of the run to audit.
        if self.settings.record == sim::Record::Summary {
            return Ok(run);
        }
        if let Err(violations) = sim::check::check_stream(&run, self.platform) {
            let first = violations.first().map(ToString::to_string).unwrap_or_default();
            bail!(
                "the stream run violates {} invariants, first: {first}",
                violations.len()
            );
        }
        Ok(run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executes_with_every_setting_and_rejects_unknown_schedulers() {
        let (Ok(dag), Ok(platform)) = (
            workloads::generate("layered:tasks=40", 2),
            sim::presets::preset("heterogeneous", 3),
        ) else {
            panic!("fixture");
        };
        let settings = SimConfig {
            failures: sim::Failures::exponential(20.0, 2.0),
            checkpointing: Some(sim::Checkpointing {
                cost: 0.1,
                interval: None,
            }),
            speed_error: "slow=0.5".parse().unwrap_or_default(),
            seed: 4,
            ..SimConfig::default()
        };
        let spec = RunSpec {
            dag: &dag,
            platform: &platform,
            scheduler: "heft",
            resource_manager: schedulers::resource::DEFAULT,
            settings,
        };
        let Ok(run) = spec.execute() else {
            panic!("run");
        };
        assert_eq!(run.tasks.len(), 40);
        let bad = RunSpec {
            scheduler: "no-such",
            ..spec
        };
        assert!(bad.execute().is_err());
    }
}
