//! Training the shared-network list scheduler (`[train] model =
//! "learned-net"`) in the simulator, by the evolution strategies of
//! [`super::es`].
//!
//! The scheduler is [`schedulers::learned::net`]'s linear score over a
//! contention model of the plan. Its weights are trained on the grid's
//! single DAGs (workload × platform × seed, noise-free and without
//! failures) by their simulated makespan, on the platforms' own networks
//! (the shared presets: max-min fair NICs and group links), against the
//! best of the config's `schedulers` on each instance. An imitation teacher
//! would have to plan under contention to be worth imitating, and the
//! simulator is that teacher's only exact model; rolling out the scheduler
//! itself scores every weight vector by what it is judged on. Training
//! starts from the contention-aware earliest finish time, and rolls out the
//! model alone (no guard): the guard's heuristic plans do not depend on the
//! weights, so they would only blur the signal and triple the cost.

use super::es;
use super::train::{TrainEntry, TrainSummary};
use crate::grid::config::{Config, WorkloadSource};
use crate::grid::sweep::{self, Prepared};
use anyhow::{Context as _, Result, bail};
use schedulers::learned::model::Model;
use schedulers::learned::net::{INITIAL_WEIGHTS, LearnedNet, NET_FEATURES, NetFeatures};
use std::path::Path;

/// Makespan of `scheduler` on `instance` (audited run).
fn makespan(instance: &Prepared<'_>, scheduler: &mut dyn sim::Scheduler) -> Result<f64> {
    let run = instance
        .spec("learned-net", schedulers::resource::DEFAULT)
        .execute_with(scheduler)?;
    Ok(run.makespan().as_secs_f64())
}

/// Trains the shared-network list scheduler on the DAGs of `config`; with
/// `checkpoint`, resumes from it and writes it after every iteration.
///
/// # Errors
/// A grid of job streams, bad `[train]` settings, a run that fails, or an
/// unwritable checkpoint.
pub(crate) fn train(
    config: &Config,
    entry: &TrainEntry,
    config_name: &str,
    progress: bool,
    checkpoint: Option<&Path>,
) -> Result<TrainSummary> {
    let settings = es::Settings::read(entry)?;
    if config.workloads.iter().any(|w| matches!(w, WorkloadSource::Stream(_))) {
        bail!("model = \"learned-net\" trains on single DAGs: remove the [stream] table");
    }
    let cells = es::instance_cells(config);
    let instances: Vec<Prepared> = cells
        .iter()
        .map(|cell| sweep::prepare(config, cell))
        .collect::<Result<_>>()?;
    let n = instances.len();
    let baselines = &config.schedulers;
    let reference = es::best_baselines(n, baselines.len(), progress, |i, s| {
        let spec = &baselines[s];
        let mut scheduler = schedulers::registry::create(spec, instances[i].settings.seed)?;
        makespan(&instances[i], scheduler.as_mut())
            .with_context(|| format!("baseline {spec} on {}", config.cell_id(&cells[i])))
    })?;
    let sha = crate::results::manifest::sha256_hex(&config.text);
    let outcome = es::optimise(
        &settings,
        &INITIAL_WEIGHTS,
        &reference,
        &sha,
        checkpoint,
        progress,
        |w, i| {
            let weights: NetFeatures = w.try_into().context("weights of learned-net")?;
            makespan(&instances[i], &mut LearnedNet::new(weights, false))
        },
    )?;
    let run = es::TrainingRun {
        config,
        config_name,
        settings: &settings,
    };
    Ok(outcome.summary(&run, &NET_FEATURES, "makespan", Model::LearnedNet))
}
