//! Training the learned stream policy (`[train] model = "learned-stream"`)
//! in the simulator, by evolution strategies.
//!
//! The policy is [`schedulers::learned::stream`]'s linear score. Its
//! weights θ are trained to minimise the mean, over the grid's streams
//! (arrival process × load × platform × seed; the `[[workloads]]` are the
//! job mix), of `ln(mean JCT of θ / mean JCT of the best baseline)`, where
//! the baselines are the config's `schedulers` run once on each stream. The
//! logarithm makes each stream count by its relative gain whatever its load,
//! and the best baseline is the reward's baseline: a stream where θ merely
//! ties the best heuristic contributes 0.
//!
//! The optimiser is the evolution strategy of Salimans et al. (2017): each
//! iteration draws `population` Gaussian directions ε, runs θ ± σε on every
//! stream (antithetic pairs, on the same arrivals: common random numbers),
//! and steps along `Σ (J(θ+σε) − J(θ−σε)) ε / (2σ · population)` with Adam.
//! This is a policy gradient in parameter space: it needs no differentiable
//! policy and no per-decision credit assignment, which on a stream of a few
//! thousand decisions is what makes Decima's per-action REINFORCE need
//! tens of thousands of episodes; for 14 weights a few thousand rollouts do.
//! The centre θ is evaluated every iteration, and the model keeps the best
//! centre seen (the initial weights, an SRPT rule with EFT placement,
//! included), so training never returns weights worse on the training
//! streams than where it started.
//!
//! Determinism: every rollout is a deterministic simulation; they run in
//! parallel and are collected in a fixed order; the directions come from
//! ChaCha8 seeded by (`seed`, iteration). The model file is byte-identical
//! at any thread count, and a run resumed from its checkpoint (written
//! after every iteration, weights as bit patterns) continues exactly as an
//! uninterrupted one.

use super::train::{TrainEntry, TrainSummary, progress_bar, provenance};
use crate::grid::config::{Cell, Config, WorkloadSource};
use crate::grid::sweep;
use crate::run::StreamSpec;
use crate::stats;
use anyhow::{Context as _, Result, bail};
use rand::SeedableRng as _;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution as _, StandardNormal};
use rayon::prelude::*;
use schedulers::learned::model::{Model, StreamModel};
use schedulers::learned::stream::{self, INITIAL_WEIGHTS, N_FEATURES, STREAM_FEATURES, StreamFeatures};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The evolution strategy's settings, from `[train]`.
#[derive(Clone, Copy, Debug)]
struct Settings {
    iterations: usize,
    population: usize,
    sigma: f64,
    learning_rate: f64,
    seed: u64,
}

impl Settings {
    fn read(entry: &TrainEntry) -> Result<Settings> {
        if entry.alpha.is_some() || entry.rounds.is_some() {
            bail!("[train] alpha and rounds apply to model = \"learned\" only");
        }
        let settings = Settings {
            iterations: entry.iterations.unwrap_or(40),
            population: entry.population.unwrap_or(8),
            sigma: entry.sigma.unwrap_or(0.3),
            learning_rate: entry.learning_rate.unwrap_or(0.1),
            seed: entry.seed.unwrap_or(0),
        };
        if settings.population == 0 {
            bail!("[train] population: expected at least 1 pair of directions");
        }
        for (key, value) in [("sigma", settings.sigma), ("learning_rate", settings.learning_rate)] {
            if !(value.is_finite() && value > 0.0) {
                bail!("[train] {key}: expected a finite number > 0, got {value}");
            }
        }
        Ok(settings)
    }
}

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

    fn mean_jct_of(&self, weights: &StreamFeatures) -> Result<f64> {
        self.mean_jct(&mut stream::policy(*weights))
    }
}

/// The state of training after an iteration: what a checkpoint holds.
#[derive(Clone, Debug, PartialEq)]
struct State {
    /// The next iteration to run.
    iteration: usize,
    theta: StreamFeatures,
    /// Adam's first and second moments.
    m: StreamFeatures,
    v: StreamFeatures,
    /// The best centre so far, its objective and its per-stream JCT ratios.
    best: StreamFeatures,
    best_objective: f64,
    best_ratios: Vec<f64>,
}

/// A checkpoint file: the state with every number as its bit pattern, so a
/// resumed run continues bit for bit; tied to the config's text.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Checkpoint {
    config_sha256: String,
    iteration: usize,
    theta: Vec<u64>,
    m: Vec<u64>,
    v: Vec<u64>,
    best: Vec<u64>,
    best_objective: u64,
    best_ratios: Vec<u64>,
}

fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|x| x.to_bits()).collect()
}

fn from_bits(values: &[u64]) -> Result<StreamFeatures> {
    let floats: Vec<f64> = values.iter().map(|&b| f64::from_bits(b)).collect();
    floats
        .try_into()
        .map_err(|_| anyhow::anyhow!("expected {N_FEATURES} weights"))
}

impl State {
    fn save(&self, path: &Path, sha: &str) -> Result<()> {
        let checkpoint = Checkpoint {
            config_sha256: sha.to_owned(),
            iteration: self.iteration,
            theta: bits(&self.theta),
            m: bits(&self.m),
            v: bits(&self.v),
            best: bits(&self.best),
            best_objective: self.best_objective.to_bits(),
            best_ratios: bits(&self.best_ratios),
        };
        crate::output::write_atomic(path, &serde_json::to_vec(&checkpoint)?)
    }

    /// The state in `path` if it exists and belongs to this config.
    fn load(path: &Path, sha: &str) -> Result<Option<State>> {
        let Ok(bytes) = std::fs::read(path) else {
            return Ok(None);
        };
        let c: Checkpoint = serde_json::from_slice(&bytes)
            .with_context(|| format!("checkpoint {} is unreadable; delete it to start over", path.display()))?;
        if c.config_sha256 != sha {
            return Ok(None);
        }
        let read = |v: &[u64]| from_bits(v).with_context(|| format!("checkpoint {}", path.display()));
        Ok(Some(State {
            iteration: c.iteration,
            theta: read(&c.theta)?,
            m: read(&c.m)?,
            v: read(&c.v)?,
            best: read(&c.best)?,
            best_objective: f64::from_bits(c.best_objective),
            best_ratios: c.best_ratios.into_iter().map(f64::from_bits).collect(),
        }))
    }
}

/// The mean of `ln(jct / reference)` over streams, and the ratios.
fn objective(jcts: &[f64], reference: &[f64]) -> (f64, Vec<f64>) {
    let ratios: Vec<f64> = jcts.iter().zip(reference).map(|(j, r)| j / r).collect();
    let mean = ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len().max(1) as f64;
    (mean, ratios)
}

/// The `population` directions of `iteration`.
fn directions(settings: &Settings, iteration: usize) -> Vec<StreamFeatures> {
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    rng.set_stream(iteration as u64);
    (0..settings.population)
        .map(|_| std::array::from_fn(|_| StandardNormal.sample(&mut rng)))
        .collect()
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
    let settings = Settings::read(entry)?;
    if !config.workloads.iter().all(|w| matches!(w, WorkloadSource::Stream(_))) {
        bail!("model = \"learned-stream\" trains on job streams: add a [stream] table");
    }
    let cells: Vec<Cell> = config
        .cells()
        .filter(|c| c.scheduler == 0 && c.noise == 0 && c.failure == 0)
        .collect();
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
    let bar = progress_bar(progress, n * baselines.len(), "baseline runs");
    // reference[i]: the best baseline's mean JCT on stream i.
    let runs: Vec<f64> = (0..n * baselines.len())
        .into_par_iter()
        .map(|k| {
            let (i, s) = (k / baselines.len(), k % baselines.len());
            let spec = &baselines[s];
            let mut scheduler = schedulers::registry::create_for_stream(spec, instances[i].settings.seed)?;
            let jct = instances[i]
                .mean_jct(scheduler.as_mut())
                .with_context(|| format!("baseline {spec} on {}", config.cell_id(&cells[i])))?;
            bar.inc(1);
            Ok(jct)
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();
    let reference: Vec<f64> = runs
        .chunks(baselines.len())
        .map(|c| c.iter().copied().fold(f64::INFINITY, f64::min))
        .collect();

    let sha = crate::results::manifest::sha256_hex(&config.text);
    let evaluate = |weights: &[StreamFeatures]| -> Result<Vec<f64>> {
        (0..weights.len() * n)
            .into_par_iter()
            .map(|k| instances[k % n].mean_jct_of(&weights[k / n]))
            .collect()
    };
    let mut state = match checkpoint.map(|p| State::load(p, &sha)).transpose()?.flatten() {
        Some(state) => state,
        None => {
            let (objective, ratios) = objective(&evaluate(&[INITIAL_WEIGHTS])?, &reference);
            State {
                iteration: 0,
                theta: INITIAL_WEIGHTS,
                m: [0.0; N_FEATURES],
                v: [0.0; N_FEATURES],
                best: INITIAL_WEIGHTS,
                best_objective: objective,
                best_ratios: ratios,
            }
        }
    };
    let bar = progress_bar(progress, settings.iterations, "iterations");
    bar.set_position(state.iteration as u64);
    bar.reset_eta();
    while state.iteration < settings.iterations {
        let eps = directions(&settings, state.iteration);
        let mut candidates = vec![state.theta];
        for e in &eps {
            for sign in [1.0, -1.0] {
                candidates.push(std::array::from_fn(|f| state.theta[f] + sign * settings.sigma * e[f]));
            }
        }
        let jcts = evaluate(&candidates)?;
        let scores: Vec<(f64, Vec<f64>)> = jcts.chunks(n).map(|c| objective(c, &reference)).collect();
        if scores[0].0 < state.best_objective {
            state.best = state.theta;
            state.best_objective = scores[0].0;
            state.best_ratios = scores[0].1.clone();
        }
        let mut gradient = [0.0; N_FEATURES];
        for (p, e) in eps.iter().enumerate() {
            let difference = scores[1 + 2 * p].0 - scores[2 + 2 * p].0;
            for f in 0..N_FEATURES {
                gradient[f] += difference * e[f] / (2.0 * settings.sigma * settings.population as f64);
            }
        }
        adam(&mut state, &gradient, settings.learning_rate);
        state.iteration += 1;
        if let Some(path) = checkpoint {
            state.save(path, &sha)?;
        }
        bar.set_message(format!("best {:.4}", state.best_objective.exp()));
        bar.inc(1);
    }
    bar.finish_and_clear();
    // The last step's centre has not been scored yet.
    let (last, ratios) = objective(&evaluate(&[state.theta])?, &reference);
    if last < state.best_objective {
        state.best = state.theta;
        state.best_objective = last;
        state.best_ratios = ratios;
    }
    let rollouts = n * (1 + settings.iterations * (1 + 2 * settings.population) + 1);
    let model = Model::LearnedStream(StreamModel {
        trained_on: provenance(
            config,
            config_name,
            n,
            rollouts,
            format!(
                "evolution strategies ({} iterations x {} antithetic pairs, sigma {}, Adam {}, seed {}): \
                 mean over streams of ln(mean JCT / best of {})",
                settings.iterations,
                settings.population,
                settings.sigma,
                settings.learning_rate,
                settings.seed,
                baselines.join(", ")
            ),
        ),
        feature_names: STREAM_FEATURES.iter().map(|s| (*s).to_owned()).collect(),
        weights: state.best.iter().map(|w| w + 0.0).collect(),
    });
    let wins = state.best_ratios.iter().filter(|&&r| r < 1.0).count();
    Ok(TrainSummary {
        model,
        instances: n,
        samples: rollouts,
        agreement: wins as f64 / n.max(1) as f64,
        ratio: stats::mean_ci(&state.best_ratios),
    })
}

/// One Adam step (Kingma & Ba 2015, β = 0.9, 0.999) descending `gradient`.
fn adam(state: &mut State, gradient: &StreamFeatures, learning_rate: f64) {
    let t = (state.iteration + 1) as i32;
    let (b1, b2) = (0.9f64, 0.999f64);
    for (f, &g) in gradient.iter().enumerate() {
        state.m[f] = b1 * state.m[f] + (1.0 - b1) * g;
        state.v[f] = b2 * state.v[f] + (1.0 - b2) * g * g;
        let m_hat = state.m[f] / (1.0 - b1.powi(t));
        let v_hat = state.v[f] / (1.0 - b2.powi(t));
        state.theta[f] -= learning_rate * m_hat / (v_hat.sqrt() + 1e-8);
    }
}
