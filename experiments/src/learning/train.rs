//! `schedlab train`: fit a learned scheduler's model on the instances of an
//! experiment grid, with linfa.
//!
//! The grid is an ordinary experiment config with a `[train]` table:
//! - `model = "learned"`: every (workload, platform, seed) of the grid is
//!   planned by the teacher (a one-step HEFT rollout, see
//!   `schedulers::learned::list`); each decision yields pairs (chosen node,
//!   a node whose rollout ends strictly later), and a logistic regression
//!   without intercept on the feature differences (a linear ranking model,
//!   as in RankSVM) learns weights such that the chosen node scores higher;
//! - `model = "learned-stream"`: the job-level policy of job streams,
//!   trained by rolling it out on the grid's streams (see [`super::stream`]);
//! - `model = "learned-net"`: the list scheduler for shared networks,
//!   trained by rolling it out on the grid's DAGs (see [`super::net`]);
//! - `model = "auto"`: every (workload, platform, noise, failures, seed) is
//!   run with each scheduler of the grid (the portfolio, through the same
//!   sweep code and invariant checker as `schedlab run`); for each member, a
//!   least-squares linear regression on standardised instance features
//!   learns its log regret, ln(its makespan / the best member's). Predicting
//!   regret rather than the winner's name weighs each mistake by what it
//!   costs: a classifier that is right 80% of the time can still pick a
//!   member 5x slower on the rest (regression-based selection, as in
//!   SATzilla, Xu et al. 2008).
//!
//! Instances run in parallel but are collected in grid order before
//! fitting, and both solvers are deterministic, so the model file depends
//! only on the config: the same bytes for any thread count.

use crate::grid::config::{Cell, Config};
use crate::grid::sweep;
use crate::stats::{self, MeanCi};
use anyhow::{Context as _, Result, anyhow, bail};
use linfa::prelude::*;
use linfa_linear::LinearRegression;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use rayon::prelude::*;
use schedulers::learned::features::{self, CANDIDATE_FEATURES, INSTANCE_FEATURES};
use schedulers::learned::list::{self, Decision, Demonstration};
use schedulers::learned::model::{ListModel, Model, SelectionModel, TrainedOn};
use serde::{Deserialize, Serialize};
use sim::CostModel;
use std::path::Path;

/// The `[train]` table of a config.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrainEntry {
    /// Which model to fit.
    pub model: ModelKind,
    /// Learned model only: L2 penalty of the logistic regression (default 1e-3).
    #[serde(default)]
    pub alpha: Option<f64>,
    /// Learned model only: rounds of data collection; round k > 0 follows the
    /// model fitted after round k − 1 (DAgger). Default 2.
    #[serde(default)]
    pub rounds: Option<usize>,
    /// Models trained by rollouts (learned-stream, learned-net) only: iterations of the evolution strategy (default 40).
    #[serde(default)]
    pub iterations: Option<usize>,
    /// Models trained by rollouts (learned-stream, learned-net) only: antithetic pairs of directions per iteration (default 8).
    #[serde(default)]
    pub population: Option<usize>,
    /// Models trained by rollouts (learned-stream, learned-net) only: the directions' standard deviation in weight space (default 0.3).
    #[serde(default)]
    pub sigma: Option<f64>,
    /// Models trained by rollouts (learned-stream, learned-net) only: Adam's step size (default 0.1).
    #[serde(default)]
    pub learning_rate: Option<f64>,
    /// Models trained by rollouts (learned-stream, learned-net) only: seed of the directions (default 0).
    #[serde(default)]
    pub seed: Option<u64>,
}

impl TrainEntry {
    /// Whether any key of the stream model is set.
    fn has_stream_keys(&self) -> bool {
        self.iterations.is_some()
            || self.population.is_some()
            || self.sigma.is_some()
            || self.learning_rate.is_some()
            || self.seed.is_some()
    }
}

/// The L2 penalty of `entry`, checked.
fn alpha(entry: &TrainEntry) -> Result<f64> {
    let alpha = entry.alpha.unwrap_or(1e-3);
    if !(alpha.is_finite() && alpha >= 0.0) {
        bail!("[train] alpha: expected a finite number >= 0, got {alpha}");
    }
    Ok(alpha)
}

/// The kinds of model `schedlab train` fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// A node-scoring model for `learned:MODEL`.
    Learned,
    /// A portfolio selector for `auto:MODEL`.
    Auto,
    /// A job-level policy for `learned-stream:MODEL`.
    #[serde(rename = "learned-stream")]
    LearnedStream,
    /// A shared-network list scheduler for `learned-net:MODEL`.
    #[serde(rename = "learned-net")]
    LearnedNet,
}

/// Most solver iterations.
const MAX_ITERATIONS: u64 = 500;

/// What a training did, for the command's summary.
#[derive(Debug, Clone)]
pub struct TrainSummary {
    /// The fitted model.
    pub model: Model,
    /// Instances labelled.
    pub instances: usize,
    /// Samples handed to the learner.
    pub samples: usize,
    /// Fraction of training decisions (learned) or instances (auto) where the model agrees with its label.
    pub agreement: f64,
    /// Learned: the teacher's planned makespan over HEFT's, per instance. Auto: the makespan of
    /// the member the model picks over the best member's, per instance.
    pub ratio: Option<MeanCi>,
}

/// Fits the model the `[train]` table of `config` asks for; the models
/// trained by rollouts (`learned-stream`, `learned-net`) resume from
/// `checkpoint` and write it as they go (the others are quick and ignore it).
///
/// # Errors
/// No `[train]` table, a workload that cannot be built, a portfolio run
/// that fails, or a solver error.
pub fn train(
    config: &Config,
    config_name: &str,
    progress: bool,
    threads: Option<usize>,
    checkpoint: Option<&Path>,
) -> Result<TrainSummary> {
    let entry = config.train.as_ref().ok_or_else(|| {
        anyhow!("the config has no [train] table; add one with model = \"learned\", \"auto\", \"learned-stream\" or \"learned-net\"")
    })?;
    if !matches!(entry.model, ModelKind::LearnedStream | ModelKind::LearnedNet) && entry.has_stream_keys() {
        bail!(
            "[train] iterations, population, sigma, learning_rate and seed apply to model = \"learned-stream\" and \"learned-net\" only"
        );
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .context("cannot start the thread pool")?;
    pool.install(|| match entry.model {
        ModelKind::Learned => train_list(config, entry, config_name, progress),
        ModelKind::Auto => train_selection(config, entry, config_name, progress),
        ModelKind::LearnedStream => super::stream::train(config, entry, config_name, progress, checkpoint),
        ModelKind::LearnedNet => super::net::train(config, entry, config_name, progress, checkpoint),
    })
}

/// One cell per instance: the grid's cells with the first scheduler and,
/// unless `conditions`, the first noise level and failure setting.
fn instances(config: &Config, conditions: bool) -> Vec<Cell> {
    config
        .cells()
        .filter(|c| c.scheduler == 0 && (conditions || (c.noise == 0 && c.failure == 0)))
        .collect()
}

pub(crate) fn progress_bar(show: bool, len: usize, what: &str) -> indicatif::ProgressBar {
    let bar = if show {
        indicatif::ProgressBar::new(len as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {what}, ETA {{eta}} {{msg}}"))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

pub(crate) fn provenance(
    config: &Config,
    config_name: &str,
    instances: usize,
    samples: usize,
    labels: String,
) -> TrainedOn {
    TrainedOn {
        config: config_name.to_owned(),
        config_sha256: crate::results::manifest::sha256_hex(&config.text),
        workloads: config.workloads.iter().map(|w| w.label().to_owned()).collect(),
        platforms: config.platforms.iter().map(|p| p.label.clone()).collect(),
        seeds: config.seeds.clone(),
        instances,
        samples,
        labels,
    }
}

fn train_list(config: &Config, entry: &TrainEntry, config_name: &str, progress: bool) -> Result<TrainSummary> {
    let cells = instances(config, false);
    let rounds = entry.rounds.unwrap_or(2);
    if rounds == 0 {
        bail!("[train] rounds: expected at least 1");
    }
    let alpha = alpha(entry)?;
    let bar = progress_bar(progress, cells.len() * rounds, "instances demonstrated");
    let mut decisions: Vec<Decision> = Vec::new();
    let mut weights: Option<Vec<f64>> = None;
    let mut teacher_gain = Vec::new();
    for round in 0..rounds {
        let demos: Vec<Demonstration> = cells
            .par_iter()
            .map(|cell| {
                let prepared = sweep::prepare(config, cell)?;
                let costs = CostModel::new(&prepared.dag, prepared.platform)?;
                let demo = list::demonstrate(&costs, weights.as_deref());
                bar.inc(1);
                Ok(demo)
            })
            .collect::<Result<_>>()?;
        if round == 0 {
            teacher_gain = demos.iter().map(|d| d.makespan / d.heft_makespan).collect();
        }
        decisions.extend(demos.into_iter().flat_map(|d| d.decisions));
        weights = Some(fit_ranking(&decisions, alpha)?);
    }
    bar.finish_and_clear();
    let weights = weights.unwrap_or_default();
    let agree = decisions
        .iter()
        .filter(|d| d.rollout[list::best_scoring(&d.features, &weights)] <= d.rollout[d.chosen])
        .count();
    let samples = decisions.iter().map(worse_count).sum::<usize>() * 2;
    let model = Model::LearnedList(ListModel {
        trained_on: provenance(
            config,
            config_name,
            cells.len(),
            samples,
            format!(
                "one-step rollout of HEFT, {rounds} round(s) of DAgger (pairs: chosen node vs each node whose rollout ends later)"
            ),
        ),
        feature_names: CANDIDATE_FEATURES.iter().map(|s| (*s).to_owned()).collect(),
        weights,
    });
    Ok(TrainSummary {
        model,
        instances: cells.len(),
        samples,
        agreement: agree as f64 / decisions.len().max(1) as f64,
        ratio: stats::mean_ci(&teacher_gain),
    })
}

/// Candidates of `decision` whose rollout ends strictly later than the chosen one's.
fn worse_count(decision: &Decision) -> usize {
    let best = decision.rollout[decision.chosen];
    decision.rollout.iter().filter(|&&r| r > best).count()
}

/// Fits ranking weights: for each decision and each candidate whose rollout
/// ends strictly later than the chosen one's, the feature difference
/// (chosen − worse) is a positive example and its negation a negative one;
/// a logistic regression without intercept on them gives weights under
/// which the chosen candidate scores higher.
fn fit_ranking(decisions: &[Decision], alpha: f64) -> Result<Vec<f64>> {
    let n_features = CANDIDATE_FEATURES.len();
    let mut rows: Vec<f64> = Vec::new();
    for decision in decisions {
        let best = decision.rollout[decision.chosen];
        let chosen = &decision.features[decision.chosen];
        for (f, &r) in decision.features.iter().zip(&decision.rollout) {
            if r > best {
                rows.extend(chosen.iter().zip(f).map(|(a, b)| a - b));
            }
        }
    }
    let n_pairs = rows.len() / n_features;
    if n_pairs == 0 {
        bail!("the teacher never preferred one node strictly over another on this grid; nothing to learn from");
    }
    let differences = Array2::from_shape_vec((n_pairs, n_features), rows)?;
    // Scale columns to unit root-mean-square so that one penalty fits all features.
    let scale: Vec<f64> = differences
        .columns()
        .into_iter()
        .map(|c| (c.mapv(|x| x * x).mean().unwrap_or(0.0)).sqrt().max(1e-12))
        .collect();
    let scaled = &differences / &Array1::from(scale.clone());
    let records = ndarray::concatenate(ndarray::Axis(0), &[scaled.view(), (-&scaled).view()])?;
    let targets: Array1<bool> = (0..2 * n_pairs).map(|i| i < n_pairs).collect();
    let fitted = LogisticRegression::default()
        .alpha(alpha)
        .with_intercept(false)
        .max_iterations(MAX_ITERATIONS)
        .fit(&Dataset::new(records, targets))
        .context("fitting the list model")?;
    let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
    Ok(fitted
        .params()
        .iter()
        .zip(&scale)
        .map(|(w, s)| sign * w / s + 0.0)
        .collect())
}

/// One labelled instance of algorithm selection.
struct Labelled {
    features: features::InstanceFeatures,
    makespans: Vec<f64>,
}

fn train_selection(config: &Config, entry: &TrainEntry, config_name: &str, progress: bool) -> Result<TrainSummary> {
    if entry.alpha.is_some() || entry.rounds.is_some() {
        bail!("[train] alpha and rounds apply to model = \"learned\" only");
    }
    let cells = instances(config, true);
    let portfolio = &config.schedulers;
    let bar = progress_bar(progress, cells.len() * portfolio.len(), "portfolio runs");
    let labelled: Vec<Labelled> = cells
        .par_iter()
        .map(|cell| {
            let prepared = sweep::prepare(config, cell)?;
            let costs = CostModel::new(&prepared.dag, prepared.platform)?;
            let rate = failure_rate(&config.failures[cell.failure]);
            let features = features::instance(&costs, config.noise[cell.noise], rate);
            let makespans = (0..portfolio.len())
                .map(|s| {
                    let member = Cell { scheduler: s, ..*cell };
                    let result = prepared
                        .spec(&config.schedulers[s], &config.resource_managers[cell.resource_manager])
                        .execute()
                        .with_context(|| format!("portfolio run {}", config.cell_id(&member)))?;
                    bar.inc(1);
                    Ok(result.metrics.makespan)
                })
                .collect::<Result<Vec<f64>>>()?;
            Ok(Labelled { features, makespans })
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();

    let n = labelled.len();
    let n_features = INSTANCE_FEATURES.len();
    let raw = Array2::from_shape_fn((n, n_features), |(i, f)| labelled[i].features[f]);
    let mean: Vec<f64> = raw.columns().into_iter().map(|c| c.mean().unwrap_or(0.0)).collect();
    let min: Vec<f64> = raw
        .columns()
        .into_iter()
        .map(|c| c.fold(f64::INFINITY, |a, &b| a.min(b)))
        .collect();
    let max: Vec<f64> = raw
        .columns()
        .into_iter()
        .map(|c| c.fold(f64::NEG_INFINITY, |a, &b| a.max(b)))
        .collect();
    let spread: Vec<f64> = raw.columns().into_iter().map(|c| c.std(0.0)).collect();
    // Constant features carry no information (and would make the fit singular): weight 0.
    let active: Vec<usize> = (0..n_features).filter(|&f| spread[f] > 1e-12).collect();
    let std: Vec<f64> = spread.iter().map(|&s| if s > 1e-12 { s } else { 1.0 }).collect();
    let x = Array2::from_shape_fn((n, active.len()), |(i, k)| {
        let f = active[k];
        (raw[(i, f)] - mean[f]) / std[f]
    });
    let mut weights = Vec::with_capacity(portfolio.len());
    let mut intercepts = Vec::with_capacity(portfolio.len());
    for (s, member) in portfolio.iter().enumerate() {
        let regret: Array1<f64> = labelled
            .iter()
            .map(|l| (l.makespans[s] / l.makespans[argmin(&l.makespans)]).ln())
            .collect();
        let fitted = LinearRegression::new()
            .fit(&Dataset::new(x.clone(), regret))
            .with_context(|| format!("fitting the regret model of {member}"))?;
        let mut row = vec![0.0; n_features];
        for (k, &f) in active.iter().enumerate() {
            row[f] = fitted.params()[k] + 0.0;
        }
        weights.push(row);
        intercepts.push(fitted.intercept() + 0.0);
    }
    let model = SelectionModel {
        trained_on: provenance(
            config,
            config_name,
            n,
            n * portfolio.len(),
            format!(
                "log regret (makespan over the best of {}) per member",
                portfolio.join(", ")
            ),
        ),
        feature_names: INSTANCE_FEATURES.iter().map(|s| (*s).to_owned()).collect(),
        min,
        max,
        mean,
        std,
        portfolio: portfolio.clone(),
        weights,
        intercepts,
    };
    let mut agree = 0;
    let mut ratios = Vec::with_capacity(n);
    for l in &labelled {
        let winner = argmin(&l.makespans);
        let pick = schedulers::learned::select::predict(&model, &l.features);
        agree += usize::from(pick == winner);
        ratios.push(l.makespans[pick] / l.makespans[winner]);
    }
    Ok(TrainSummary {
        model: Model::AlgorithmSelection(model),
        instances: n,
        samples: n * portfolio.len(),
        agreement: agree as f64 / n.max(1) as f64,
        ratio: stats::mean_ci(&ratios),
    })
}

/// Failures per node per second (0 without exponential failures).
pub fn failure_rate(failures: &sim::Failures) -> f64 {
    failures
        .mtbf()
        .filter(|&mtbf| mtbf > 0.0)
        .map_or(0.0, |mtbf| 1.0 / mtbf)
}

/// Index of the smallest value (ties: the first).
fn argmin(values: &[f64]) -> usize {
    (0..values.len()).fold(0, |b, i| if values[i] < values[b] { i } else { b })
}

/// `schedlab train CONFIG -o MODEL`: trains, writes the model file, prints a summary.
///
/// # Errors
/// As [`train`], or the model file cannot be written.
pub fn run(config_path: &Path, out_path: &Path, threads: Option<usize>, out: &mut dyn std::io::Write) -> Result<()> {
    let config = Config::load(config_path)?;
    let name = config_path.file_name().map_or_else(
        || config_path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let started = std::time::Instant::now();
    // Next to the model: a killed training resumes from it when rerun.
    let checkpoint = out_path.with_extension("checkpoint");
    let summary = train(&config, &name, true, threads, Some(&checkpoint))?;
    let seconds = started.elapsed().as_secs_f64();
    let bytes = summary.model.to_bytes()?;
    // Read it back as `learned`/`auto` will, so a degenerate fit (non-finite weights) fails here.
    Model::from_bytes(&bytes, &out_path.display().to_string())
        .map_err(|e| anyhow!("the fitted model is unusable: {e}"))?;
    crate::output::write_atomic(out_path, &bytes)?;
    if checkpoint.exists() {
        std::fs::remove_file(&checkpoint)
            .with_context(|| format!("cannot remove the finished checkpoint {}", checkpoint.display()))?;
    }
    writeln!(
        out,
        "{} model: {} instances, {} samples, trained in {seconds:.2} s, {} bytes: {}",
        summary.model.kind(),
        summary.instances,
        summary.samples,
        bytes.len(),
        out_path.display()
    )?;
    let (agreement, ratio) = match summary.model {
        Model::LearnedList(_) => (
            "decisions as good as the teacher's (by rollout)",
            "teacher / HEFT planned makespan",
        ),
        Model::AlgorithmSelection(_) => ("instances where it picks the winner", "picked / oracle makespan"),
        Model::LearnedStream(_) => (
            "streams where it beats the best baseline",
            "mean JCT / the best baseline's",
        ),
        Model::LearnedNet(_) => (
            "instances where it beats the best baseline",
            "makespan / the best baseline's",
        ),
    };
    writeln!(out, "training fit: {:.1}% {agreement}", 100.0 * summary.agreement)?;
    if let Some(r) = summary.ratio {
        writeln!(
            out,
            "on the training instances: {ratio} {:.4} ± {:.4} (mean, 95% CI, n = {})",
            r.mean, r.half_width, r.n
        )?;
    }
    Ok(())
}
