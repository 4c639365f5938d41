//! Training a linear score in the simulator by evolution strategies, shared
//! by the models trained by rollouts: the stream policy ([`super::stream`],
//! scored by mean JCT) and the shared-network list scheduler
//! ([`super::net`], scored by makespan).
//!
//! The weights θ are trained to minimise the mean over the training
//! instances of `ln(metric of θ / metric of the best baseline)`, where the
//! baselines are the config's `schedulers`, each run once per instance. The
//! logarithm makes each instance count by its relative gain whatever its
//! size, and the best baseline is the reward's baseline: an instance where θ
//! merely ties the best heuristic contributes 0.
//!
//! The optimiser is the evolution strategy of Salimans et al. (2017): each
//! iteration draws `population` Gaussian directions ε, runs θ ± σε on every
//! instance (antithetic pairs on the same instances: common random
//! numbers), and steps along `Σ (J(θ+σε) − J(θ−σε)) ε / (2σ · population)`
//! with Adam. This is a policy gradient in parameter space: it needs no
//! differentiable policy and no per-decision credit assignment, and for
//! ten-odd weights a few thousand rollouts do. The centre θ is evaluated
//! every iteration, and training keeps the best centre seen (the initial
//! weights included), so it never returns weights worse on the training
//! instances than where it started.
//!
//! Determinism: every rollout is a deterministic simulation; they run in
//! parallel and are collected in a fixed order; the directions come from
//! ChaCha8 seeded by (`seed`, iteration). The result is bit-identical at any
//! thread count, and a run resumed from its checkpoint (written after every
//! iteration, numbers as bit patterns, tied to the config's SHA-256)
//! continues exactly as an uninterrupted one.

use super::train::{TrainEntry, TrainSummary, progress_bar, provenance};
use crate::grid::config::{Cell, Config};
use crate::stats;
use anyhow::{Context as _, Result, bail};
use rand::SeedableRng as _;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution as _, StandardNormal};
use rayon::prelude::*;
use schedulers::learned::model::{LinearModel, Model};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The evolution strategy's settings, from `[train]`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    iterations: usize,
    population: usize,
    sigma: f64,
    learning_rate: f64,
    seed: u64,
}

impl Settings {
    /// The settings of `entry`, checked; defaults where a key is absent.
    pub(crate) fn read(entry: &TrainEntry) -> Result<Settings> {
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

    /// Rollouts a training over `n` instances runs, baselines excluded.
    pub(crate) fn rollouts(&self, n: usize) -> usize {
        n * (1 + self.iterations * (1 + 2 * self.population) + 1)
    }

    /// The provenance's description of the training, whose objective is
    /// `ln(METRIC / best of BASELINES)`.
    pub(crate) fn describe(&self, metric: &str, baselines: &[String]) -> String {
        format!(
            "evolution strategies ({} iterations x {} antithetic pairs, sigma {}, Adam {}, seed {}): \
             mean over {} of ln({metric} / best of {})",
            self.iterations,
            self.population,
            self.sigma,
            self.learning_rate,
            self.seed,
            if metric == "mean JCT" { "streams" } else { "instances" },
            baselines.join(", ")
        )
    }
}

/// Per instance, the lowest of the baselines' metrics, `run(instance,
/// baseline)` giving one; runs in parallel, collected in order.
///
/// # Errors
/// The first run that fails.
pub(crate) fn best_baselines(
    n: usize,
    n_baselines: usize,
    progress: bool,
    run: impl Fn(usize, usize) -> Result<f64> + Sync,
) -> Result<Vec<f64>> {
    let bar = progress_bar(progress, n * n_baselines, "baseline runs");
    let runs: Vec<f64> = (0..n * n_baselines)
        .into_par_iter()
        .map(|k| {
            let value = run(k / n_baselines, k % n_baselines)?;
            bar.inc(1);
            Ok(value)
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();
    Ok(runs
        .chunks(n_baselines)
        .map(|c| c.iter().copied().fold(f64::INFINITY, f64::min))
        .collect())
}

/// The state of training after an iteration: what a checkpoint holds.
#[derive(Clone, Debug, PartialEq)]
struct State {
    /// The next iteration to run.
    iteration: usize,
    theta: Vec<f64>,
    /// Adam's first and second moments.
    m: Vec<f64>,
    v: Vec<f64>,
    /// The best centre so far, its objective and its per-instance ratios.
    best: Vec<f64>,
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

    /// The state in `path` if it exists and belongs to this config, with
    /// `n_weights` weights.
    fn load(path: &Path, sha: &str, n_weights: usize) -> Result<Option<State>> {
        let Ok(bytes) = std::fs::read(path) else {
            return Ok(None);
        };
        let c: Checkpoint = serde_json::from_slice(&bytes)
            .with_context(|| format!("checkpoint {} is unreadable; delete it to start over", path.display()))?;
        if c.config_sha256 != sha {
            return Ok(None);
        }
        let read = |v: &[u64]| {
            if v.len() != n_weights {
                bail!("checkpoint {}: expected {n_weights} weights", path.display());
            }
            Ok(v.iter().map(|&b| f64::from_bits(b)).collect::<Vec<f64>>())
        };
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

/// The mean of `ln(value / reference)` over instances, and the ratios.
fn objective(values: &[f64], reference: &[f64]) -> (f64, Vec<f64>) {
    let ratios: Vec<f64> = values.iter().zip(reference).map(|(j, r)| j / r).collect();
    let mean = ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len().max(1) as f64;
    (mean, ratios)
}

/// The `population` directions of `iteration`, `n_weights` each.
fn directions(settings: &Settings, iteration: usize, n_weights: usize) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    rng.set_stream(iteration as u64);
    (0..settings.population)
        .map(|_| (0..n_weights).map(|_| StandardNormal.sample(&mut rng)).collect())
        .collect()
}

/// The cells a model trained by rollouts learns from: one per instance
/// (the first scheduler, resource manager and condition of each workload ×
/// platform × seed), since a rollout runs its own policy on the instance.
pub(crate) fn instance_cells(config: &Config) -> Vec<Cell> {
    config
        .cells()
        .filter(|c| c.scheduler == 0 && c.resource_manager == 0 && c.noise == 0 && c.failure == 0)
        .collect()
}

/// What training found: the best centre and its ratio to the best baseline per instance.
pub(crate) struct Outcome {
    /// The weights.
    pub best: Vec<f64>,
    /// Per instance, the metric of `best` over the best baseline's.
    pub ratios: Vec<f64>,
}

impl Outcome {
    /// The trained model (`kind` wraps the linear score) with its
    /// provenance, and what `train` prints of it: `metric` names what the
    /// rollouts scored, `agreement` is the share of instances where the
    /// model beats the best baseline.
    pub(crate) fn summary(
        self,
        run: &TrainingRun<'_>,
        feature_names: &[&str],
        metric: &str,
        kind: fn(LinearModel) -> Model,
    ) -> TrainSummary {
        let n = self.ratios.len();
        let rollouts = run.settings.rollouts(n);
        let model = kind(LinearModel {
            trained_on: provenance(
                run.config,
                run.config_name,
                n,
                rollouts,
                run.settings.describe(metric, &run.config.schedulers),
            ),
            feature_names: feature_names.iter().map(|s| (*s).to_owned()).collect(),
            weights: self.best,
        });
        let wins = self.ratios.iter().filter(|&&r| r < 1.0).count();
        TrainSummary {
            model,
            instances: n,
            samples: rollouts,
            agreement: wins as f64 / n.max(1) as f64,
            ratio: stats::mean_ci(&self.ratios),
        }
    }
}

/// What identifies a training run in its model's provenance.
pub(crate) struct TrainingRun<'a> {
    /// The training config.
    pub config: &'a Config,
    /// Its name as given.
    pub config_name: &'a str,
    /// The `[train]` settings.
    pub settings: &'a Settings,
}

/// Trains weights from `initial` against `reference` (the best baseline's
/// metric per instance), `rollout(weights, instance)` giving the metric of a
/// run; with `checkpoint`, resumes from it and writes it after every
/// iteration.
///
/// # Errors
/// A rollout that fails, or an unreadable or unwritable checkpoint.
pub(crate) fn optimise(
    settings: &Settings,
    initial: &[f64],
    reference: &[f64],
    config_sha256: &str,
    checkpoint: Option<&Path>,
    progress: bool,
    rollout: impl Fn(&[f64], usize) -> Result<f64> + Sync,
) -> Result<Outcome> {
    let n = reference.len();
    let n_weights = initial.len();
    let evaluate = |weights: &[Vec<f64>]| -> Result<Vec<f64>> {
        (0..weights.len() * n)
            .into_par_iter()
            .map(|k| rollout(&weights[k / n], k % n))
            .collect()
    };
    let mut state = match checkpoint
        .map(|p| State::load(p, config_sha256, n_weights))
        .transpose()?
        .flatten()
    {
        Some(state) => state,
        None => {
            let (objective, ratios) = objective(&evaluate(&[initial.to_vec()])?, reference);
            State {
                iteration: 0,
                theta: initial.to_vec(),
                m: vec![0.0; n_weights],
                v: vec![0.0; n_weights],
                best: initial.to_vec(),
                best_objective: objective,
                best_ratios: ratios,
            }
        }
    };
    let bar = progress_bar(progress, settings.iterations, "iterations");
    bar.set_position(state.iteration as u64);
    bar.reset_eta();
    while state.iteration < settings.iterations {
        let eps = directions(settings, state.iteration, n_weights);
        let mut candidates = vec![state.theta.clone()];
        for e in &eps {
            for sign in [1.0, -1.0] {
                candidates.push(
                    (0..n_weights)
                        .map(|f| state.theta[f] + sign * settings.sigma * e[f])
                        .collect(),
                );
            }
        }
        let values = evaluate(&candidates)?;
        let scores: Vec<(f64, Vec<f64>)> = values.chunks(n).map(|c| objective(c, reference)).collect();
        if scores[0].0 < state.best_objective {
            state.best = state.theta.clone();
            state.best_objective = scores[0].0;
            state.best_ratios = scores[0].1.clone();
        }
        let mut gradient = vec![0.0; n_weights];
        for (p, e) in eps.iter().enumerate() {
            let difference = scores[1 + 2 * p].0 - scores[2 + 2 * p].0;
            for f in 0..n_weights {
                gradient[f] += difference * e[f] / (2.0 * settings.sigma * settings.population as f64);
            }
        }
        adam(&mut state, &gradient, settings.learning_rate);
        state.iteration += 1;
        if let Some(path) = checkpoint {
            state.save(path, config_sha256)?;
        }
        bar.set_message(format!("best {:.4}", state.best_objective.exp()));
        bar.inc(1);
    }
    bar.finish_and_clear();
    // The last step's centre has not been scored yet.
    let (last, ratios) = objective(&evaluate(std::slice::from_ref(&state.theta))?, reference);
    if last < state.best_objective {
        state.best = state.theta;
        state.best_ratios = ratios;
    }
    Ok(Outcome {
        best: state.best.iter().map(|w| w + 0.0).collect(),
        ratios: state.best_ratios,
    })
}

/// One Adam step (Kingma & Ba 2015, β = 0.9, 0.999) descending `gradient`.
fn adam(state: &mut State, gradient: &[f64], learning_rate: f64) {
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
