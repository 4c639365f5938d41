//! `schedlab validate CONFIG`: every DAG × scheduler × repetition runs for
//! real (the [`crate::real::executor`]) and in simulation on the calibrated
//! platform, and the makespans and per-task times are compared.
//!
//! With `runtime = "dask"` (or `--runtime dask`) the real side is Dask's
//! distributed scheduler instead ([`crate::real::dask`]): each DAG runs once
//! per repetition on a real `LocalCluster` of `workers` workers, making its
//! own decisions, and every listed scheduler is simulated on the platform
//! calibrated for this Dask and compared with that one run
//! ([`dask::DASK_MODEL`] is added when no `dask` spec is listed).
//!
//! Time scale: DAG work is reference seconds; `seconds_per_work` real
//! seconds of kernel stand for one unit, and each edge copies
//! `bytes × bytes_scale` real bytes. The simulator runs the same scaled DAG,
//! so both sides describe the same real run. Both scales are recorded in
//! every row.
//!
//! Repetitions: each DAG × seed × scheduler (a case) runs `repetitions`
//! times for real. Its error is the simulated makespan against the median
//! real one, and the class summaries take the median and 90th percentile of
//! those; beside them, the range of the class median over the repetitions
//! taken one at a time, and the median spread of the real makespans, show how
//! much of the figure is run-to-run noise.
//!
//! A DAG's class is derived from the scaled DAG on the calibrated platform:
//! `compute` when it has ≥ 100 tasks, every task is ≥ 1 ms and its CCR (mean
//! transfer time of all edges over total work) is < 0.1; `communication`
//! when its CCR is ≥ 0.5; `mixed` otherwise.

use crate::real::calibrate::{self, CalibrateOptions, Calibration};
use crate::real::dask::{self, DaskCalibration, DaskRuntime};
use crate::real::executor::{self, ExecSettings};
use crate::run::RunSpec;
use anyhow::{Context as _, Result, anyhow, bail, ensure};
use serde::{Deserialize, Serialize};
use sim::{CostModel, Dag, DagBuilder, RunResult, SimConfig, TaskSpec};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The config file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidateFile {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    out: Option<PathBuf>,
    dags: Vec<String>,
    #[serde(default)]
    seeds: Vec<u64>,
    #[serde(default)]
    schedulers: Vec<String>,
    #[serde(default)]
    runtime: Option<String>,
    #[serde(default)]
    workers: Option<usize>,
    #[serde(default)]
    repetitions: Option<u32>,
    seconds_per_work: f64,
    #[serde(default)]
    bytes_scale: Option<f64>,
    #[serde(default)]
    slowdown: Vec<f64>,
    #[serde(default)]
    calibration: Option<PathBuf>,
    #[serde(default)]
    calibrate_secs: Option<f64>,
}

/// What runs the DAGs for real.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// schedlab's own executor, one pinned thread per core, following each
    /// scheduler's decisions.
    Own,
    /// Dask's distributed scheduler on `workers` single-threaded workers,
    /// making its own decisions.
    Dask {
        /// Worker processes of the cluster.
        workers: usize,
    },
}

impl Runtime {
    /// The runtime a config's `runtime` value (or `--runtime`) names;
    /// `workers` only with `dask` (default 2).
    ///
    /// # Errors
    /// An unknown name, or `workers` with `own` or < 1.
    pub fn parse(name: &str, workers: Option<usize>) -> Result<Runtime> {
        match name {
            "own" => {
                ensure!(workers.is_none(), "workers: only runtime = \"dask\" has workers");
                Ok(Runtime::Own)
            }
            "dask" => {
                let workers = workers.unwrap_or(2);
                ensure!(workers >= 1, "workers: expected an integer >= 1, got 0");
                Ok(Runtime::Dask { workers })
            }
            other => bail!("runtime: expected \"own\" or \"dask\", got {other:?}"),
        }
    }
}

/// How the platform of the simulations was measured.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Measured {
    /// `schedlab calibrate`'s measurements, for the own executor.
    Own(Calibration),
    /// `schedlab_dask`'s, for Dask.
    Dask(DaskCalibration),
}

impl Measured {
    /// A short human-readable summary.
    pub fn summary(&self) -> String {
        match self {
            Measured::Own(c) => c.summary(),
            Measured::Dask(c) => c.summary(),
        }
    }

    /// Nodes of the calibrated platform (cores of the own executor, Dask workers).
    pub fn nodes(&self) -> usize {
        match self {
            Measured::Own(c) => c.cores,
            Measured::Dask(c) => c.workers,
        }
    }
}

/// A validated `schedlab validate` config (see `experiments/configs/validate.toml`).
#[derive(Debug, Clone)]
pub struct ValidateConfig {
    /// Name for the report.
    pub name: String,
    /// The config text (kept in the manifest).
    pub text: String,
    /// Output folder, if the config names one (relative to the working folder).
    pub out: Option<PathBuf>,
    /// Generator specs, `family:key=value,…`.
    pub dags: Vec<String>,
    /// Generator seeds; each DAG spec is generated once per seed.
    pub seeds: Vec<u64>,
    /// Scheduler specs.
    pub schedulers: Vec<String>,
    /// What runs the DAGs for real.
    pub runtime: Runtime,
    /// Real runs per DAG (and per scheduler on the own executor).
    pub repetitions: u32,
    /// Real seconds one unit of DAG work takes on a calibrated core.
    pub seconds_per_work: f64,
    /// Real bytes copied per DAG byte.
    pub bytes_scale: f64,
    /// Slowdown per worker (empty: all 1).
    pub slowdown: Vec<f64>,
    /// A folder written by `schedlab calibrate`; calibrate afresh when absent.
    pub calibration: Option<PathBuf>,
    /// Seconds per kernel sample when calibrating afresh.
    pub calibrate_secs: f64,
}

fn positive(field: &str, v: f64) -> Result<f64> {
    ensure!(
        v.is_finite() && v > 0.0,
        "{field}: expected a finite number > 0, got {v}"
    );
    Ok(v)
}

impl ValidateConfig {
    /// Reads and validates the config at `path`.
    ///
    /// # Errors
    /// If it cannot be read or [`ValidateConfig::parse`] rejects it.
    pub fn load(path: &Path) -> Result<ValidateConfig> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read config {}", path.display()))?;
        let base = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        ValidateConfig::parse(&text, &base).with_context(|| format!("config {}", path.display()))
    }

    /// Parses and validates config `text`; a relative `calibration` folder is
    /// resolved against `base`.
    ///
    /// # Errors
    /// A message naming the field: unknown keys and type errors (with line),
    /// out-of-range numbers, empty lists, unknown generators or schedulers.
    pub fn parse(text: &str, base: &Path) -> Result<ValidateConfig> {
        let file: ValidateFile = toml::from_str(text).map_err(|e| anyhow!("{}", e.to_string().trim_end()))?;
        ensure!(!file.dags.is_empty(), "dags: give at least one generator spec");
        let runtime = Runtime::parse(file.runtime.as_deref().unwrap_or("own"), file.workers)?;
        if runtime != Runtime::Own {
            ensure!(
                file.slowdown.is_empty() && file.calibration.is_none(),
                "slowdown and calibration belong to the own executor; Dask is calibrated afresh"
            );
        }
        ensure!(
            runtime != Runtime::Own || !file.schedulers.is_empty(),
            "schedulers: give at least one scheduler"
        );
        for (i, spec) in file.dags.iter().enumerate() {
            workloads::generate(spec, 0).map_err(|e| anyhow!("dags[{i}] {spec:?}: {e}"))?;
        }
        for (i, spec) in file.schedulers.iter().enumerate() {
            schedulers::registry::create(spec, 0).map_err(|e| anyhow!("schedulers[{i}] {spec:?}: {e}"))?;
        }
        let repetitions = file.repetitions.unwrap_or(1);
        ensure!(repetitions >= 1, "repetitions: expected an integer >= 1, got 0");
        for (i, s) in file.slowdown.iter().enumerate() {
            positive(&format!("slowdown[{i}]"), *s)?;
        }
        Ok(ValidateConfig {
            name: file.name.unwrap_or_else(|| "validate".to_owned()),
            text: text.to_owned(),
            out: file.out,
            dags: file.dags,
            seeds: if file.seeds.is_empty() { vec![0] } else { file.seeds },
            schedulers: file.schedulers,
            runtime,
            repetitions,
            seconds_per_work: positive("seconds_per_work", file.seconds_per_work)?,
            bytes_scale: match file.bytes_scale {
                Some(b) => {
                    ensure!(
                        b.is_finite() && b >= 0.0,
                        "bytes_scale: expected a finite number >= 0, got {b}"
                    );
                    b
                }
                None => 1.0,
            },
            slowdown: file.slowdown,
            calibration: file.calibration.map(|c| base.join(c)),
            calibrate_secs: positive("calibrate_secs", file.calibrate_secs.unwrap_or(0.2))?,
        })
    }
}

impl ValidateConfig {
    /// This config with `runtime` (the `--runtime` flag) instead of its own.
    /// Dask is calibrated afresh, so a calibration folder is dropped.
    ///
    /// # Errors
    /// Slowdown factors, which Dask cannot emulate.
    pub fn with_runtime(mut self, runtime: Runtime) -> Result<ValidateConfig> {
        if runtime != Runtime::Own {
            ensure!(
                self.slowdown.is_empty(),
                "slowdown emulates heterogeneity on the own executor; Dask cannot"
            );
            self.calibration = None;
        }
        self.runtime = runtime;
        Ok(self)
    }

    /// The schedulers simulated: the config's, with [`dask::DASK_MODEL`]
    /// first on Dask when no `dask` spec is listed.
    pub fn simulated(&self) -> Vec<String> {
        let mut specs = self.schedulers.clone();
        let listed = specs.iter().any(|s| s.split(':').next() == Some("dask"));
        if matches!(self.runtime, Runtime::Dask { .. }) && !listed {
            specs.insert(0, dask::DASK_MODEL.to_owned());
        }
        specs
    }
}

/// One real run and its simulation.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Run number (config order).
    pub run: usize,
    /// Generator spec.
    pub dag: String,
    /// Generator family.
    pub family: String,
    /// Generator seed (also the scheduler's seed).
    pub seed: u64,
    /// Scheduler spec.
    pub scheduler: String,
    /// Repetition number.
    pub repetition: u32,
    /// Task count.
    pub tasks: usize,
    /// `compute`, `communication` or `mixed` (see the module docs).
    pub class: String,
    /// Mean transfer time of all edges over total work, on the calibrated platform.
    pub ccr: f64,
    /// Shortest task, real milliseconds.
    pub min_task_ms: f64,
    /// Simulated makespan, seconds.
    pub sim_makespan: f64,
    /// Measured makespan, seconds.
    pub real_makespan: f64,
    /// `(sim - real) / real`, percent.
    pub error_pct: f64,
    /// Median over tasks of |sim start − real start|, percent of the real makespan.
    pub start_err_median_pct: f64,
    /// 90th percentile of the same.
    pub start_err_p90_pct: f64,
    /// Median over tasks of |sim end − real end|, percent of the real makespan.
    pub end_err_median_pct: f64,
    /// 90th percentile of the same.
    pub end_err_p90_pct: f64,
    /// Real seconds per work unit.
    pub seconds_per_work: f64,
    /// Real bytes per DAG byte.
    pub bytes_scale: f64,
    /// Whether the workers were pinned.
    pub pinned: bool,
}

/// One DAG × seed × scheduler over its repetitions: the simulated makespan
/// against the median of the real ones.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// Generator spec.
    pub dag: String,
    /// Generator seed.
    pub seed: u64,
    /// Scheduler spec.
    pub scheduler: String,
    /// The DAG's class.
    pub class: String,
    /// Real runs.
    pub repetitions: usize,
    /// Simulated makespan, seconds (the simulation is deterministic).
    pub sim_makespan: f64,
    /// Median real makespan over the repetitions (nearest rank: the lower
    /// middle one of an even count), seconds.
    pub real_median: f64,
    /// Shortest real makespan, seconds.
    pub real_min: f64,
    /// Longest real makespan, seconds.
    pub real_max: f64,
    /// `(sim - real_median) / real_median`, percent.
    pub error_pct: f64,
}

/// The cases of `rows`, in order of their first row.
pub fn cases(rows: &[Row]) -> Vec<Case> {
    let mut index: HashMap<(&str, u64, &str), usize> = HashMap::new();
    let mut groups: Vec<Vec<&Row>> = Vec::new();
    for r in rows {
        let next = groups.len();
        let i = *index.entry((&r.dag, r.seed, &r.scheduler)).or_insert(next);
        if i == next {
            groups.push(Vec::new());
        }
        groups[i].push(r);
    }
    groups
        .into_iter()
        .map(|g| {
            let real: Vec<f64> = g.iter().map(|r| r.real_makespan).collect();
            let median = percentile(&real, 0.5);
            let sim = g[0].sim_makespan;
            Case {
                dag: g[0].dag.clone(),
                seed: g[0].seed,
                scheduler: g[0].scheduler.clone(),
                class: g[0].class.clone(),
                repetitions: g.len(),
                sim_makespan: sim,
                real_median: median,
                real_min: real.iter().copied().fold(f64::INFINITY, f64::min),
                real_max: real.iter().copied().fold(0.0, f64::max),
                error_pct: (sim - median) / median * 100.0,
            }
        })
        .collect()
}

/// The makespan error of one class of DAGs, and how much it moves between repetitions.
#[derive(Debug, Clone, Serialize)]
pub struct ClassSummary {
    /// The class.
    pub class: String,
    /// Real runs.
    pub runs: usize,
    /// Distinct DAGs.
    pub dags: usize,
    /// Repetitions (the most of any case).
    pub repetitions: usize,
    /// Median over cases of |error of the median real makespan|, percent.
    pub median_abs_error_pct: f64,
    /// 90th percentile of the same, percent.
    pub p90_abs_error_pct: f64,
    /// The least, over repetitions, of the median |error| of that repetition's runs, percent.
    pub rep_median_min_pct: f64,
    /// The greatest of the same, percent.
    pub rep_median_max_pct: f64,
    /// Median over cases of (longest − shortest) / median real makespan, percent:
    /// how much the real runs themselves vary.
    pub real_spread_pct: f64,
}

/// Everything a validation produced (for the report).
pub struct Outcome {
    /// One row per real run.
    pub rows: Vec<Row>,
    /// One per DAG × seed × scheduler, over its repetitions.
    pub cases: Vec<Case>,
    /// Per class, then `all`.
    pub summary: Vec<ClassSummary>,
    /// |start| errors of every task of every run, percent of the real makespan.
    pub start_errors: Vec<f64>,
    /// |end| errors, likewise.
    pub end_errors: Vec<f64>,
    /// The real and simulated run of the row whose |error| is the median.
    pub example: Option<(Row, RunResult, RunResult)>,
    /// The calibration used.
    pub calibration: Measured,
}

/// `p` in [0, 1] by nearest rank of sorted `v` (0 when empty).
pub fn percentile(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    if s.is_empty() {
        return 0.0;
    }
    s[nearest_rank(s.len(), p) - 1]
}

/// The 1-based rank [`percentile`] takes `p` at among `n > 0` sorted values.
pub fn nearest_rank(n: usize, p: f64) -> usize {
    ((p * n as f64).ceil() as usize).clamp(1, n)
}

/// `dag` with work × `work` and bytes × `bytes` (releases and explicit costs scale with work).
pub fn scaled(dag: &Dag, work: f64, bytes: f64) -> Result<Dag> {
    let mut b = DagBuilder::with_capacity(dag.task_count(), dag.edge_count());
    for t in dag.tasks() {
        let mut spec = TaskSpec::new(t.name.clone(), t.work * work)
            .kind(dag.kind_name(t.kind))
            .parallelism(t.parallelism)
            .release(t.release * work);
        if let Some(costs) = &t.node_costs {
            spec = spec.node_costs(costs.iter().map(|c| c * work).collect());
        }
        b.add_task(spec);
    }
    for e in dag.edges() {
        b.add_edge(e.src, e.dst, e.bytes * bytes);
    }
    Ok(b.build()?)
}

/// CCR, shortest task (ms) and class of a scaled DAG on `platform`'s costs.
fn classify(costs: &CostModel<'_>) -> (f64, f64, String) {
    let dag = costs.dag();
    let comm: f64 = dag.edges().iter().map(|e| costs.mean_comm_secs(e.bytes)).sum();
    let work: f64 = dag.tasks().iter().map(|t| t.work).sum();
    let ccr = if work > 0.0 { comm / work } else { 0.0 };
    let min_ms = dag.tasks().iter().map(|t| t.work).fold(f64::INFINITY, f64::min) * 1e3;
    let class = if dag.task_count() >= 100 && min_ms >= 1.0 && ccr < 0.1 {
        "compute"
    } else if ccr >= 0.5 {
        "communication"
    } else {
        "mixed"
    };
    (ccr, min_ms, class.to_owned())
}

/// Per-task |sim − real| start and end differences, percent of the real makespan.
fn task_errors(sim: &RunResult, real: &RunResult) -> (Vec<f64>, Vec<f64>) {
    let scale = 100.0 / real.metrics.makespan.max(1e-12);
    let diff = |a: sim::SimTime, b: sim::SimTime| (a.as_secs_f64() - b.as_secs_f64()).abs() * scale;
    sim.tasks
        .iter()
        .zip(&real.tasks)
        .map(|(s, r)| (diff(s.start, r.start), diff(s.end, r.end)))
        .unzip()
}

/// Summaries per class (in a fixed order), then over all runs, from the
/// runs and their [`cases`].
pub fn summarise(rows: &[Row], cases: &[Case]) -> Vec<ClassSummary> {
    let mut out = Vec::new();
    for class in ["compute", "communication", "mixed", "all"] {
        let of_class = |c: &str| class == "all" || c == class;
        let sel: Vec<&Row> = rows.iter().filter(|r| of_class(&r.class)).collect();
        if sel.is_empty() {
            continue;
        }
        let sel_cases: Vec<&Case> = cases.iter().filter(|c| of_class(&c.class)).collect();
        let errs: Vec<f64> = sel_cases.iter().map(|c| c.error_pct.abs()).collect();
        let spreads: Vec<f64> = sel_cases
            .iter()
            .map(|c| (c.real_max - c.real_min) / c.real_median * 100.0)
            .collect();
        let repetitions = sel_cases.iter().map(|c| c.repetitions).max().unwrap_or(0);
        let rep_medians: Vec<f64> = (0..repetitions as u32)
            .map(|rep| {
                let errs: Vec<f64> = sel
                    .iter()
                    .filter(|r| r.repetition == rep)
                    .map(|r| r.error_pct.abs())
                    .collect();
                percentile(&errs, 0.5)
            })
            .collect();
        let mut dags: Vec<(&str, u64)> = sel.iter().map(|r| (r.dag.as_str(), r.seed)).collect();
        dags.sort_unstable();
        dags.dedup();
        out.push(ClassSummary {
            class: class.to_owned(),
            runs: sel.len(),
            dags: dags.len(),
            repetitions,
            median_abs_error_pct: percentile(&errs, 0.5),
            p90_abs_error_pct: percentile(&errs, 0.9),
            rep_median_min_pct: rep_medians.iter().copied().fold(f64::INFINITY, f64::min),
            rep_median_max_pct: rep_medians.iter().copied().fold(0.0, f64::max),
            real_spread_pct: percentile(&spreads, 0.5),
        });
    }
    out
}

/// The summary as a text table (printed on stdout and shown in the report).
pub fn summary_table(summary: &[ClassSummary]) -> String {
    let mut s = format!(
        "{:<14} {:>5} {:>5} {:>5} {:>17} {:>14} {:>19} {:>15}\n",
        "class", "dags", "runs", "reps", "median |error| %", "p90 |error| %", "per-rep median %", "real spread %"
    );
    for c in summary {
        s.push_str(&format!(
            "{:<14} {:>5} {:>5} {:>5} {:>17.2} {:>14.2} {:>19} {:>15.2}\n",
            c.class,
            c.dags,
            c.runs,
            c.repetitions,
            c.median_abs_error_pct,
            c.p90_abs_error_pct,
            format!("{:.2}-{:.2}", c.rep_median_min_pct, c.rep_median_max_pct),
            c.real_spread_pct
        ));
    }
    s
}

/// Runs the validation: calibrates (or loads the calibration), then every
/// DAG × scheduler × repetition for real and in simulation. `progress` gets
/// one line per run.
///
/// # Errors
/// A failed calibration, generation, simulation or real run (naming the run).
pub fn run(config: &ValidateConfig, progress: &mut dyn FnMut(&Row)) -> Result<Outcome> {
    let mut real = RealSide::start(config)?;
    let platform = real.platform(config)?;
    let schedulers = config.simulated();
    let mut rows = Vec::new();
    let (mut start_errors, mut end_errors) = (Vec::new(), Vec::new());
    let mut runs: Vec<(RunResult, RunResult)> = Vec::new();
    for spec in &config.dags {
        for &seed in &config.seeds {
            let dag = real.prepare(scaled(
                &workloads::generate(spec, seed)?,
                config.seconds_per_work,
                config.bytes_scale,
            )?)?;
            let costs = CostModel::new(&dag, &platform)?;
            let (ccr, min_task_ms, class) = classify(&costs);
            let mut sims = Vec::new();
            for sched in &schedulers {
                let sim = RunSpec {
                    dag: &dag,
                    platform: &platform,
                    scheduler: sched,
                    resource_manager: schedulers::resource::DEFAULT,
                    settings: SimConfig::default(),
                }
                .execute()
                .with_context(|| format!("simulating {spec} seed {seed} with {sched}"))?;
                sims.push(sim);
            }
            for repetition in 0..config.repetitions {
                let mut dask_run = None;
                for (sched, sim) in schedulers.iter().zip(&sims) {
                    let what = || format!("{spec} seed {seed} with {sched}");
                    let (real_run, pinned) = real
                        .execute(&dag, &platform, sched, seed, &mut dask_run)
                        .with_context(|| format!("running {} for real", what()))?;
                    executor::check(&dag, &platform, &real_run).with_context(what)?;
                    let (starts, ends) = task_errors(sim, &real_run);
                    let (s, r) = (sim.metrics.makespan, real_run.metrics.makespan);
                    let row = Row {
                        run: rows.len(),
                        dag: spec.clone(),
                        family: spec.split(':').next().unwrap_or(spec).to_owned(),
                        seed,
                        scheduler: sched.clone(),
                        repetition,
                        tasks: dag.task_count(),
                        class: class.clone(),
                        ccr,
                        min_task_ms,
                        sim_makespan: s,
                        real_makespan: r,
                        error_pct: (s - r) / r * 100.0,
                        start_err_median_pct: percentile(&starts, 0.5),
                        start_err_p90_pct: percentile(&starts, 0.9),
                        end_err_median_pct: percentile(&ends, 0.5),
                        end_err_p90_pct: percentile(&ends, 0.9),
                        seconds_per_work: config.seconds_per_work,
                        bytes_scale: config.bytes_scale,
                        pinned,
                    };
                    progress(&row);
                    start_errors.extend(starts);
                    end_errors.extend(ends);
                    rows.push(row);
                    runs.push((real_run, sim.clone()));
                }
            }
        }
    }
    if rows.is_empty() {
        bail!("no runs: the config gives no DAG, seed or scheduler");
    }
    let cases = cases(&rows);
    let summary = summarise(&rows, &cases);
    let mut by_error: Vec<usize> = (0..rows.len()).collect();
    by_error.sort_by(|&a, &b| rows[a].error_pct.abs().total_cmp(&rows[b].error_pct.abs()));
    let median_run = by_error[by_error.len() / 2];
    let (real_run, sim) = runs.swap_remove(median_run);
    Ok(Outcome {
        example: Some((rows[median_run].clone(), real_run, sim)),
        rows,
        cases,
        summary,
        start_errors,
        end_errors,
        calibration: real.measured,
    })
}

/// The real side of a validation: the own executor or Dask, with its calibration.
struct RealSide {
    measured: Measured,
    /// The own executor's settings.
    own: Option<ExecSettings>,
    /// The own executor's copy buffers, kept from run to run.
    buffers: executor::Buffers,
    /// The Python that runs Dask, and the cluster's workers.
    dask: Option<(DaskRuntime, usize)>,
}

impl RealSide {
    /// Calibrates the runtime (or loads the own executor's calibration).
    fn start(config: &ValidateConfig) -> Result<RealSide> {
        match config.runtime {
            Runtime::Own => {
                let calibration = match &config.calibration {
                    Some(dir) => Calibration::load(dir)?,
                    None => calibrate::measure(CalibrateOptions {
                        sample_secs: config.calibrate_secs,
                    })?,
                };
                Ok(RealSide {
                    own: Some(ExecSettings {
                        iterations_per_work: calibration.kernel_rate,
                        slowdown: config.slowdown.clone(),
                        pin: true,
                    }),
                    measured: Measured::Own(calibration),
                    buffers: executor::Buffers::default(),
                    dask: None,
                })
            }
            Runtime::Dask { workers } => {
                let runtime = DaskRuntime::locate()?;
                let calibration = runtime.calibrate(workers)?;
                Ok(RealSide {
                    measured: Measured::Dask(calibration),
                    own: None,
                    buffers: executor::Buffers::default(),
                    dask: Some((runtime, workers)),
                })
            }
        }
    }

    /// The calibrated platform both sides describe.
    fn platform(&self, config: &ValidateConfig) -> Result<sim::Platform> {
        match &self.measured {
            Measured::Own(c) => c.platform(&config.slowdown),
            Measured::Dask(c) => c.platform(),
        }
    }

    /// The DAG as this runtime runs it (on Dask: one output per task, tasks
    /// numbered in Dask's priority order).
    fn prepare(&self, dag: Dag) -> Result<Dag> {
        match &self.dask {
            Some((runtime, _)) => runtime.in_dask_order(&dask::one_output_per_task(&dag)?),
            None => Ok(dag),
        }
    }

    /// One real run of `dag` and whether its workers were pinned. The own
    /// executor follows `scheduler`; Dask decides for itself, so its run is
    /// made once into `dask_run` and compared with every simulated scheduler.
    fn execute(
        &mut self,
        dag: &Dag,
        platform: &sim::Platform,
        scheduler: &str,
        seed: u64,
        dask_run: &mut Option<RunResult>,
    ) -> Result<(RunResult, bool)> {
        if let Some((runtime, workers)) = &self.dask {
            let run = match dask_run {
                Some(run) => run.clone(),
                None => dask_run.insert(runtime.run(dag, platform, *workers)?).clone(),
            };
            return Ok((run, true));
        }
        let settings = self.own.as_ref().context("the own executor was not calibrated")?;
        let mut scheduler = schedulers::registry::create(scheduler, seed)?;
        let real = executor::execute_in(dag, platform, &mut scheduler, settings, &mut self.buffers)?;
        Ok((real.result, real.pinned))
    }
}

/// Writes `DIR/results.csv` (one row per run), `DIR/cases.csv` (one row per
/// DAG × seed × scheduler over its repetitions), `DIR/manifest.json` (config,
/// calibration, load averages, wall time) and `DIR/report.html`; returns the
/// report's path.
///
/// # Errors
/// If a file cannot be written.
pub fn write(
    dir: &Path,
    config: &ValidateConfig,
    outcome: &Outcome,
    loadavg: (&str, &str),
    wall_secs: f64,
) -> Result<PathBuf> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    for row in &outcome.rows {
        csv.serialize(row)?;
    }
    crate::output::write_atomic(&dir.join("results.csv"), &csv.into_inner()?)?;
    let mut csv = csv::Writer::from_writer(Vec::new());
    for case in &outcome.cases {
        csv.serialize(case)?;
    }
    crate::output::write_atomic(&dir.join("cases.csv"), &csv.into_inner()?)?;
    let manifest = serde_json::json!({
        "name": config.name,
        "config": config.text,
        "config_sha256": crate::results::manifest::sha256_hex(&config.text),
        "calibration": outcome.calibration,
        "loadavg_start": loadavg.0,
        "loadavg_end": loadavg.1,
        "wall_secs": wall_secs,
        "summary": outcome.summary,
    });
    crate::output::write_atomic(
        &dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)?.as_bytes(),
    )?;
    crate::real::validate_report::write(dir, &config.name, outcome, loadavg)
}
