//! Training the learned stream policy (`[train] model = "learned-stream"`)
//! in the simulator, by the evolution strategies of [`super::es`].
//!
//! The policy is [`schedulers::learned::stream`]'s linear score. Its
//! weights are trained on the grid's streams (arrival process × load ×
//! platform × seed; the `[[workloads]]` are the job mix) by mean JCT,
//! against the best of the config's `schedulers` on each stream. For 14
//! weights a few thousand rollouts do, where Decima's per-action REINFORCE
//! needs tens of thousands of episodes on streams of a few thousand
//! decisions. Training starts from an SRPT rule with EFT placement.

use super::es;
use super::train::{TrainEntry, TrainSummary};
use crate::grid::config::{Config, WorkloadSource};
use crate::grid::sweep;
use crate::run::StreamSpec;
use anyhow::{Context as _, Result, bail};
use schedulers::learned::model::Model;
use schedulers::learned::stream::{self, INITIAL_WEIGHTS, STREAM_FEATURES, StreamFeatures};
use std::path::Path;

/// One stream of the grid, drawn once and rolled out many times.
struct Instance<'a> {
    stream: workloads::stream::Stream,
    platform: &'a sim::Platform,
    settings: sim::SimConfig,
}

impl Instance<'_> {
    /// Mean JCT of `scheduler` on this stream (audited run).
    fn mean_jct(&self, scheduler: &mut dyn sim::Scheduler) -> Result<f64> {
        let run = StreamSpec {
            stream: &self.stream,
            platform: self.platform,
            scheduler: "learned-stream",
            resource_manager: schedulers::resource::DEFAULT,
            settings: self.settings.clone(),
        }
        .execute_with(scheduler)?;
        run.metrics(self.stream.limit().horizon)
            .mean_jct
            .ok_or_else(|| anyhow::anyhow!("no job of the stream finished by its horizon"))
    }
}

/// Trains the learned stream policy on the streams of `config`; with
/// `checkpoint`, resumes from it and writes it after every iteration.
///
/// # Errors
/// A grid without streams, bad `[train]` settings, a run that fails, or an
/// unwritable checkpoint.
pub(crate) fn train(
    config: &Config,
    entry: &TrainEntry,
    config_name: &str,
    progress: bool,
    checkpoint: Option<&Path>,
) -> Result<TrainSummary> {
    let settings = es::Settings::read(entry)?;
    if !config.workloads.iter().all(|w| matches!(w, WorkloadSource::Stream(_))) {
        bail!("model = \"learned-stream\" trains on job streams: add a [stream] table");
    }
    let cells = es::instance_cells(config);
    let instances: Vec<Instance> = cells
        .iter()
        .map(|cell| {
            let (stream, platform) = sweep::stream_of(config, cell)?;
            Ok(Instance {
                stream,
                platform,
                settings: sweep::settings(config, cell),
            })
        })
        .collect::<Result<_>>()?;
    let n = instances.len();
    let baselines = &config.schedulers;
    let reference = es::best_baselines(n, baselines.len(), progress, |i, s| {
        let spec = &baselines[s];
        let mut scheduler = schedulers::registry::create_for_stream(spec, instances[i].settings.seed)?;
        instances[i]
            .mean_jct(scheduler.as_mut())
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
            let weights: StreamFeatures = w.try_into().context("weights of the stream policy")?;
            instances[i].mean_jct(&mut stream::policy(weights))
        },
    )?;
    let run = es::TrainingRun {
        config,
        config_name,
        settings: &settings,
    };
    Ok(outcome.summary(&run, &STREAM_FEATURES, "mean JCT", Model::LearnedStream))
}
