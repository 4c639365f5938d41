//! `schedlab adversary`: adversarial instance search after PISA (Coleman and
//! Krishnamachari, "PISA: An Adversarial Approach to Comparing Task Graph
//! Scheduling Algorithms", 2024): simulated annealing over problem instances
//! for one that maximises the ratio of a target scheduler's makespan (or
//! energy) to a baseline's.
//!
//! **Search.** Each restart starts from a random instance ([`Instance::random`])
//! and takes `iterations` steps; a step applies one of PISA's moves
//! ([`Instance::neighbour`]) and accepts the new instance if its ratio is
//! higher, else with probability `exp((new − old) / T)`. The temperature falls
//! geometrically from [`T_START`] to [`T_END`] over the iterations (ratios are
//! of order 1, so the search accepts most worse steps at first and almost
//! none at the end). Under noise or failures the ratio is that of the means
//! over `samples` seeded runs, so one lucky draw cannot be exploited.
//!
//! **Determinism.** Restart `r` draws from ChaCha8 stream `r` of the seed and
//! restarts run in parallel with rayon; the best instance is the highest
//! ratio, ties to the lowest restart, so the result does not depend on the
//! thread count.

pub mod instance;
pub mod pairs;

use crate::run::RunSpec;
use anyhow::{Context as _, Result, bail};
pub use instance::{Bounds, Instance};
use rand::RngExt as _;
use rand::SeedableRng as _;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use sim::{Failures, Noise, SimConfig};
use std::path::Path;

/// Temperature of the first step.
pub const T_START: f64 = 0.5;
/// Temperature of the last step.
pub const T_END: f64 = 0.005;

/// What the ratio compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Makespan in seconds.
    Makespan,
    /// Energy in joules.
    Energy,
}

impl Metric {
    /// The metric's name as files and captions write it.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Makespan => "makespan",
            Metric::Energy => "energy",
        }
    }
}

/// A search's settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Scheduler spec whose bad cases are sought.
    pub target: String,
    /// Scheduler spec it is compared with.
    pub baseline: String,
    /// What is compared.
    pub metric: Metric,
    /// Tasks per instance.
    pub tasks: u32,
    /// Nodes per instance.
    pub nodes: u32,
    /// Bounds of every drawn value.
    pub bounds: Bounds,
    /// The network model: `None` or dedicated for the contention-free
    /// model, shared for NICs shared by max-min fairness.
    pub network: Option<sim::platform::NetworkModel>,
    /// Log-normal runtime noise σ.
    pub noise: f64,
    /// Runs per scheduler and instance whose means are compared.
    pub samples: u32,
    /// Mean time between node failures, if any.
    pub mtbf: Option<f64>,
    /// Steps per restart.
    pub iterations: u32,
    /// Independent restarts.
    pub restarts: u32,
    /// Seed of every draw.
    pub seed: u64,
    /// The platform every restart starts from (its nodes fix the node count
    /// and cores), instead of random single-core nodes.
    pub start: Option<sim::Platform>,
}

impl Options {
    /// Checks the settings that no scheduler run would catch.
    ///
    /// # Errors
    /// Unknown schedulers, empty instances, zero iterations or samples, negative noise.
    pub fn check(&self) -> Result<()> {
        for (role, spec) in [("target", &self.target), ("baseline", &self.baseline)] {
            schedulers::registry::create(spec, 0).with_context(|| format!("--{role}"))?;
        }
        if self.tasks == 0 || self.nodes == 0 {
            bail!("--tasks and --nodes must be at least 1");
        }
        if self.iterations == 0 || self.restarts == 0 || self.samples == 0 {
            bail!("--iterations, --restarts and --samples must be at least 1");
        }
        if !(self.noise.is_finite() && self.noise >= 0.0) {
            bail!("--noise {}: expected a finite number >= 0", self.noise);
        }
        if self.mtbf.is_some_and(|m| m.is_nan() || m <= 0.0) {
            bail!("--mtbf: expected a number of seconds > 0");
        }
        Ok(())
    }

    /// These options with the target's and baseline's definitions pinned
    /// ([`schedulers::registry::pinned`]), so a saved result names exactly
    /// what ran.
    ///
    /// # Errors
    /// If a spec names no scheduler.
    pub fn pinned(self) -> Result<Options> {
        Ok(Options {
            target: schedulers::registry::pinned(&self.target).context("--target")?,
            baseline: schedulers::registry::pinned(&self.baseline).context("--baseline")?,
            ..self
        })
    }

    /// The mean of `metric` over the samples of `scheduler` on `instance`.
    fn measure(&self, scheduler: &str, instance: &Instance) -> Result<f64> {
        let dag = instance.dag()?;
        let platform = instance.platform()?;
        let mut total = 0.0;
        for sample in 0..u64::from(self.samples) {
            let settings = SimConfig {
                noise: Noise::lognormal(self.noise),
                seed: sample,
                failures: self.mtbf.map_or(Failures::None, |m| Failures::exponential(m, 60.0)),
                ..SimConfig::default()
            };
            let result = RunSpec {
                dag: &dag,
                platform: &platform,
                scheduler,
                resource_manager: schedulers::resource::DEFAULT,
                settings,
            }
            .execute()?;
            total += match self.metric {
                Metric::Makespan => result.metrics.makespan,
                Metric::Energy => result.metrics.energy_j,
            };
        }
        Ok(total / f64::from(self.samples))
    }

    /// The target's mean over the baseline's on `instance`.
    pub fn ratio(&self, instance: &Instance) -> Result<f64> {
        let baseline = self.measure(&self.baseline, instance)?;
        let target = self.measure(&self.target, instance)?;
        Ok(if baseline > 0.0 { target / baseline } else { 1.0 })
    }
}

/// One point of a restart's progress.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Step {
    /// The restart.
    pub restart: u32,
    /// The step (0 is the random start).
    pub iteration: u32,
    /// The ratio of the current instance.
    pub ratio: f64,
    /// The best ratio of the restart so far.
    pub best: f64,
}

/// What a search found.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The highest ratio.
    pub best_ratio: f64,
    /// Its instance.
    pub best: Instance,
    /// The restart that found it.
    pub restart: u32,
    /// Instances evaluated.
    pub evaluations: u64,
    /// Every step of every restart, in restart order.
    pub trace: Vec<Step>,
}

/// Runs one restart: its best ratio and instance, and its steps.
fn anneal(options: &Options, restart: u32) -> Result<(f64, Instance, Vec<Step>)> {
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    rng.set_stream(u64::from(restart));
    let mut current = match &options.start {
        Some(platform) => Instance::on_platform(options.tasks, platform, options.bounds, &mut rng),
        None => {
            let shared = options.network == Some(sim::platform::NetworkModel::Shared);
            Instance::random(options.tasks, options.nodes, options.bounds, shared, &mut rng)
        }
    };
    let mut ratio = options.ratio(&current)?;
    let (mut best_ratio, mut best) = (ratio, current.clone());
    let mut trace = vec![Step {
        restart,
        iteration: 0,
        ratio,
        best: best_ratio,
    }];
    let n = f64::from(options.iterations.max(2) - 1);
    for i in 1..=options.iterations {
        let temperature = T_START * (T_END / T_START).powf(f64::from(i - 1) / n);
        let next = current.neighbour(options.bounds, &mut rng);
        let next_ratio = options.ratio(&next)?;
        let accept = next_ratio >= ratio || rng.random::<f64>() < ((next_ratio - ratio) / temperature).exp();
        if accept {
            current = next;
            ratio = next_ratio;
            if ratio > best_ratio {
                best_ratio = ratio;
                best = current.clone();
            }
        }
        trace.push(Step {
            restart,
            iteration: i,
            ratio,
            best: best_ratio,
        });
    }
    Ok((best_ratio, best, trace))
}

/// Runs the search on the current rayon pool.
///
/// # Errors
/// If the options are invalid or a run fails.
pub fn search(options: &Options) -> Result<Outcome> {
    options.check()?;
    let restarts: Vec<(f64, Instance, Vec<Step>)> = (0..options.restarts)
        .into_par_iter()
        .map(|r| anneal(options, r))
        .collect::<Result<_>>()?;
    let mut best: Option<(f64, u32, Instance)> = None;
    let mut trace = Vec::new();
    for (r, (ratio, instance, steps)) in (0u32..).zip(restarts) {
        if best.as_ref().is_none_or(|(b, _, _)| ratio > *b) {
            best = Some((ratio, r, instance));
        }
        trace.extend(steps);
    }
    let (best_ratio, restart, best) = best.context("no restart ran")?;
    Ok(Outcome {
        best_ratio,
        best,
        restart,
        evaluations: u64::from(options.restarts) * (u64::from(options.iterations) + 1),
        trace,
    })
}

/// `summary.json`.
#[derive(Serialize)]
struct Summary<'a> {
    target: &'a str,
    baseline: &'a str,
    metric: Metric,
    best_ratio: f64,
    best_restart: u32,
    evaluations: u64,
    seconds: f64,
    evaluations_per_second: f64,
    tasks: u32,
    nodes: u32,
    start_platform: Option<&'a str>,
    low: f64,
    high: f64,
    network: String,
    noise: f64,
    samples: u32,
    mtbf: Option<f64>,
    iterations: u32,
    restarts: u32,
    seed: u64,
    t_start: f64,
    t_end: f64,
}

/// Writes `summary.json`, `worst.json` (the best instance as a schedlab DAG
/// file with its platform), `worst-platform.toml` (the platform alone, for
/// `simulate --platform` and the GUI) and `trace.csv` into `dir`.
///
/// # Errors
/// If a file cannot be written.
pub fn write(dir: &Path, options: &Options, outcome: &Outcome, seconds: f64) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let summary = Summary {
        target: &options.target,
        baseline: &options.baseline,
        metric: options.metric,
        best_ratio: outcome.best_ratio,
        best_restart: outcome.restart,
        evaluations: outcome.evaluations,
        seconds,
        evaluations_per_second: outcome.evaluations as f64 / seconds.max(1e-9),
        tasks: options.tasks,
        nodes: options.nodes,
        start_platform: options.start.as_ref().map(sim::Platform::name),
        low: options.bounds.low,
        high: options.bounds.high,
        network: options
            .network
            .map_or_else(|| "dedicated (contention-free)".to_owned(), |m| m.to_string()),
        noise: options.noise,
        samples: options.samples,
        mtbf: options.mtbf,
        iterations: options.iterations,
        restarts: options.restarts,
        seed: options.seed,
        t_start: T_START,
        t_end: T_END,
    };
    crate::output::write_atomic(&dir.join("summary.json"), &serde_json::to_vec_pretty(&summary)?)?;
    let workload = workloads::Workload {
        dag: outcome.best.dag()?,
        platform: Some(outcome.best.platform()?),
        name: format!("worst {} vs {}", options.target, options.baseline),
    };
    workloads::save(&workload, &dir.join("worst.json"))?;
    if let Some(platform) = &workload.platform {
        let text = toml::to_string(platform.spec()).context("serialising the platform")?;
        crate::output::write_atomic(&dir.join("worst-platform.toml"), text.as_bytes())?;
    }
    let mut csv = csv::Writer::from_writer(Vec::new());
    for step in &outcome.trace {
        csv.serialize(step)?;
    }
    crate::output::write_atomic(&dir.join("trace.csv"), &csv.into_inner()?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Options {
        Options {
            target: "heft".into(),
            baseline: "fastest-node".into(),
            metric: Metric::Makespan,
            tasks: 8,
            nodes: 3,
            bounds: Bounds::new(0.1, 1.0).unwrap(),
            network: None,
            noise: 0.0,
            samples: 1,
            mtbf: None,
            iterations: 60,
            restarts: 3,
            seed: 5,
            start: None,
        }
    }

    #[test]
    fn the_search_climbs_and_is_deterministic_at_any_thread_count() {
        let opts = options();
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| search(&opts)).unwrap()
        };
        let (one, two) = (run(1), run(2));
        assert_eq!(one.best, two.best);
        assert_eq!(one.best_ratio.to_bits(), two.best_ratio.to_bits());
        assert_eq!(one.trace, two.trace);
        assert_eq!(one.evaluations, 3 * 61);
        // The best is at least every restart's start and is what a re-run gives.
        let starts = one.trace.iter().filter(|s| s.iteration == 0).map(|s| s.ratio);
        assert!(starts.into_iter().all(|r| one.best_ratio >= r));
        assert_eq!(opts.ratio(&one.best).unwrap().to_bits(), one.best_ratio.to_bits());
    }

    #[test]
    fn a_search_can_start_from_a_platform() {
        let platform = sim::presets::preset("heterogeneous", 3).unwrap();
        let opts = Options {
            start: Some(platform.clone()),
            iterations: 20,
            ..options()
        };
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let start = Instance::on_platform(5, &platform, opts.bounds, &mut rng);
        let cores: Vec<u32> = platform.nodes().iter().map(|n| n.cores).collect();
        assert_eq!(start.cores, cores);
        assert_eq!(
            start.speeds,
            platform.nodes().iter().map(|n| n.speed).collect::<Vec<_>>()
        );
        assert_eq!(start.nics.len(), 3, "the preset's network is shared");
        let outcome = search(&opts).unwrap();
        assert_eq!(outcome.best.cores, cores, "no move changes cores");
    }

    #[test]
    fn bad_settings_are_errors() {
        let mut o = options();
        o.target = "hetf".into();
        let err = format!("{:#}", search(&o).unwrap_err());
        assert!(
            err.contains("--target") && err.contains("did you mean \"heft\""),
            "{err}"
        );
        let mut o = options();
        o.iterations = 0;
        assert!(search(&o).is_err());
    }
}
