//! `schedlab replay FILE…`: simulates recorded WfCommons executions through a
//! model of the workflow management system that ran them, and compares with
//! their measured `makespanInSeconds`.
//!
//! Each instance runs on the platform built from its machines (the reader
//! makes a task's work replay its measured runtime on its own machine), with
//! every task pinned to the machine it ran on (to the only machine when the
//! file records one machine and no placement, as Nextflow's do), queued there
//! as soon as DAGMan submits it. The platform gets the workflow system of
//! [`Model`] (see [`sim::wms`]): serial submission, staging of inputs through
//! shared storage, the set-up and tear-down jobs, and a per-job overhead on
//! the execute node.
//!
//! With `--fit`, the instances (sorted by path) are split alternately into a
//! fit half and a test half. The fitted parameters ([`FITTED`]) minimise the
//! mean |relative error| of the simulated makespans on the fit half
//! (argmin's Nelder–Mead over the logarithms of the parameters, from the
//! documented HTCondor/DAGMan defaults); the others stay at their defaults.
//! One fit covers all families; families with at least
//! [`MIN_KEY_RECORDINGS`] fit-half instances also get their own fit on them.
//! Errors are reported on the test half, which no fit sees. Last comes the
//! fit per deployment ([`crate::real::deployment::report`]), on the same
//! halves, with the fit half's residuals.

use crate::real::deployment::{KeyKind, Keyed, MIN_KEY_RECORDINGS, fit_keyed, keys_of};
use anyhow::{Context as _, Result, anyhow, bail};
use argmin::core::{CostFunction, Executor, State as _};
use argmin::solver::neldermead::NelderMead;
use rayon::prelude::*;
use schedulers::wms::Dagman;
use sim::{
    Dag, Decisions, NodeId, Platform, PlatformSpec, Scheduler, SimConfig, SimDuration, SimView, Update, WorkflowSystem,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use workloads::formats::wfcommons;

/// The workflow-system parameters of a replay, each with its unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Model {
    /// Seconds between two job submissions by DAGMan.
    pub submit_interval: f64,
    /// Bytes per second at which a job reads its inputs from shared storage.
    pub staging_bandwidth: f64,
    /// Seconds of fixed cost per job that stages inputs.
    pub staging_latency: f64,
    /// Seconds of each of the set-up and tear-down jobs.
    pub auxiliary: f64,
    /// Seconds per job on the execute node (start-up and teardown), every node's `task_overhead`.
    pub job_overhead: f64,
}

/// The parameters `--fit` fits, in the order of [`Model::fitted`]: the
/// three costs that grow with the workflow (per job submitted, per byte
/// staged, per job run). The auxiliary jobs stay at one negotiation cycle
/// and the staging latency at 0: a fit of the auxiliary time instead of the
/// per-job overhead left a larger error on the test half (see README, "How
/// close to reality").
pub const FITTED: [&str; 3] = ["submit_interval", "staging_bandwidth", "job_overhead"];

/// Where a fit starts the per-job overhead when the base model has none
/// (the fit works on logarithms, so it cannot start at 0): 1 s per job.
pub const JOB_OVERHEAD_START: f64 = 1.0;

impl Default for Model {
    /// The documented HTCondor/DAGMan defaults: DAGMan submits at most
    /// `DAGMAN_MAX_SUBMITS_PER_INTERVAL` = 100 jobs per
    /// `DAGMAN_USER_LOG_SCAN_INTERVAL` = 5 s, i.e. one every 0.05 s; the
    /// first jobs wait for a negotiation cycle (`NEGOTIATOR_INTERVAL` = 60 s),
    /// counted in the set-up job, and so does the tear-down; staging at the
    /// 10 Gbit/s of the reader's network, with no latency; no per-job
    /// overhead on the execute node.
    fn default() -> Model {
        Model {
            submit_interval: 0.05,
            staging_bandwidth: sim::presets::REFERENCE_BANDWIDTH,
            staging_latency: 0.0,
            auxiliary: 60.0,
            job_overhead: 0.0,
        }
    }
}

impl Model {
    /// The fitted parameters, in [`FITTED`] order.
    pub(crate) fn fitted(&self) -> [f64; 3] {
        [self.submit_interval, self.staging_bandwidth, self.job_overhead]
    }

    /// `self` with the fitted parameters set to `values` ([`FITTED`] order).
    pub(crate) fn with_fitted(self, values: [f64; 3]) -> Model {
        let [submit_interval, staging_bandwidth, job_overhead] = values;
        Model {
            submit_interval,
            staging_bandwidth,
            job_overhead,
            ..self
        }
    }

    /// The platform-file form of the workflow system.
    pub fn workflow_system(&self) -> WorkflowSystem {
        WorkflowSystem {
            submit_interval: self.submit_interval,
            staging_bandwidth: Some(self.staging_bandwidth),
            staging_latency: self.staging_latency,
            setup: self.auxiliary,
            teardown: self.auxiliary,
        }
    }

    /// The model a platform file holds: its workflow system and its first
    /// node's `task_overhead`.
    ///
    /// # Errors
    /// If the platform has no `[workflow_system]`, or it has no staging
    /// bandwidth or different set-up and tear-down times.
    pub fn from_platform(platform: &Platform) -> Result<Model> {
        let wms = platform
            .workflow_system()
            .ok_or_else(|| anyhow!("the platform {:?} has no [workflow_system] table", platform.name()))?;
        let staging_bandwidth = wms
            .staging_bandwidth
            .ok_or_else(|| anyhow!("workflow_system.staging_bandwidth: replay needs one"))?;
        if wms.setup != wms.teardown {
            bail!(
                "workflow_system.setup ({}) and teardown ({}): replay models one auxiliary time for both",
                wms.setup,
                wms.teardown
            );
        }
        Ok(Model {
            submit_interval: wms.submit_interval,
            staging_bandwidth,
            staging_latency: wms.staging_latency,
            auxiliary: wms.setup,
            job_overhead: platform.nodes().first().map_or(0.0, |n| n.task_overhead),
        })
    }

    /// Writes the parameters with their units, one per line.
    pub(crate) fn describe(&self, out: &mut dyn std::io::Write, indent: &str) -> std::io::Result<()> {
        writeln!(
            out,
            "{indent}submit_interval   = {:>12.4} s per job",
            self.submit_interval
        )?;
        writeln!(
            out,
            "{indent}staging_bandwidth = {:>12.4} MB/s per job",
            self.staging_bandwidth / 1e6
        )?;
        writeln!(
            out,
            "{indent}job_overhead      = {:>12.4} s per job (start-up and teardown on the execute node)",
            self.job_overhead
        )?;
        writeln!(
            out,
            "{indent}auxiliary         = {:>12.4} s (set-up and tear-down jobs, each; fixed)",
            self.auxiliary
        )?;
        writeln!(
            out,
            "{indent}staging_latency   = {:>12.4} s per job (fixed)",
            self.staging_latency
        )
    }
}

/// Queues each task on the node it ran on.
struct Pinned {
    node_of: Vec<NodeId>,
}

impl Scheduler for Pinned {
    fn name(&self) -> &str {
        "recorded-placement"
    }
    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        for &task in update.ready {
            out.assign(view, task, self.node_of[task.index()]);
        }
    }
}

/// One recorded execution, ready to replay.
pub struct Instance {
    /// The file.
    pub path: PathBuf,
    /// The workflow family: the name of the folder holding the file.
    pub family: String,
    /// Tasks.
    pub tasks: usize,
    /// Machines.
    pub machines: usize,
    /// Mean measured task runtime, seconds.
    pub mean_runtime: f64,
    /// Bytes of every task's input files, workflow inputs included.
    pub input_bytes: f64,
    /// The measured makespan, seconds.
    pub measured: f64,
    /// What the file records of the deployment that ran it.
    pub deployment: wfcommons::Deployment,
    dag: Dag,
    platform: Platform,
    node_of: Vec<NodeId>,
    external_input_bytes: Vec<f64>,
}

impl Instance {
    /// Reads a WfCommons instance that records machines and a makespan.
    ///
    /// # Errors
    /// If the file does not parse, records no makespan or machines, or a task
    /// has no machine while the file lists several.
    pub fn load(path: &Path) -> Result<Instance> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (workload, execution) =
            wfcommons::parse_execution(&text, &stem).with_context(|| format!("{}", path.display()))?;
        let what = || path.display().to_string();
        let measured = execution
            .makespan
            .filter(|m| m.is_finite() && *m > 0.0)
            .ok_or_else(|| anyhow!("{}: no workflow.execution.makespanInSeconds > 0", what()))?;
        let platform = workload
            .platform
            .ok_or_else(|| anyhow!("{}: no workflow.execution.machines", what()))?;
        let node_of = execution
            .machines
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let task = &workload.dag.tasks()[i].name;
                let Some(m) = m.as_deref() else {
                    return if platform.node_count() == 1 {
                        Ok(NodeId::new(0))
                    } else {
                        Err(anyhow!(
                            "{}: task {task:?} records no machine and the file lists {}",
                            what(),
                            platform.node_count()
                        ))
                    };
                };
                platform
                    .nodes()
                    .iter()
                    .position(|n| n.name == m)
                    .map(NodeId::new)
                    .ok_or_else(|| anyhow!("{}: task {task:?} ran on {m:?}, which is not in machines", what()))
            })
            .collect::<Result<Vec<_>>>()?;
        let dag = workload.dag;
        let tasks = dag.task_count();
        let mean_runtime = dag
            .task_ids()
            .map(|t| dag.task(t).work / platform.node(node_of[t.index()]).speed)
            .sum::<f64>()
            / tasks.max(1) as f64;
        let input_bytes =
            dag.edges().iter().map(|e| e.bytes).sum::<f64>() + execution.external_input_bytes.iter().sum::<f64>();
        Ok(Instance {
            family: path
                .parent()
                .and_then(Path::file_name)
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: path.to_owned(),
            tasks,
            machines: platform.node_count(),
            mean_runtime,
            input_bytes,
            measured,
            deployment: execution.deployment,
            dag,
            platform,
            node_of,
            external_input_bytes: execution.external_input_bytes,
        })
    }

    /// The file name.
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Simulated makespan under `model`.
    ///
    /// # Errors
    /// If a parameter is invalid or the simulation fails.
    pub fn simulate(&self, model: &Model) -> Result<f64> {
        let mut spec: PlatformSpec = self.platform.spec().clone();
        for node in &mut spec.nodes {
            node.task_overhead = model.job_overhead;
        }
        let wms = model.workflow_system();
        spec.workflow_system = Some(wms.clone());
        let platform = Platform::new(spec)?;
        let dag = sim::wms::with_auxiliary_jobs(&self.dag, wms.setup, wms.teardown, &self.external_input_bytes)?;
        // The auxiliary jobs (the last two tasks) run on the first machine.
        let mut node_of = self.node_of.clone();
        node_of.extend([NodeId::new(0); 2]);
        let mut scheduler = Dagman::new(
            Box::new(Pinned { node_of }),
            SimDuration::from_secs_f64(wms.submit_interval),
        );
        let result = sim::simulate(&dag, &platform, &mut scheduler, &SimConfig::default())
            .with_context(|| format!("simulating {}", self.path.display()))?;
        Ok(result.metrics.makespan)
    }

    /// `(simulated - measured) / measured` in percent.
    pub(crate) fn error_pct(&self, simulated: f64) -> f64 {
        (simulated - self.measured) / self.measured * 100.0
    }
}

/// The instance files among `paths` (folders are searched for `*.json`), sorted.
///
/// # Errors
/// If a folder cannot be read or nothing is found.
pub fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let pattern = p.join("**").join("*.json");
            for entry in glob::glob(&pattern.to_string_lossy())? {
                out.push(entry?);
            }
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    if out.is_empty() {
        bail!("no instance files in {paths:?}");
    }
    Ok(out)
}

/// Simulated makespans of `instances` under `model`, in order (in parallel).
fn simulate_all(instances: &[&Instance], model: &Model) -> Result<Vec<f64>> {
    instances.par_iter().map(|i| i.simulate(model)).collect()
}

/// The mean |relative error| of the simulated makespans of `instances`,
/// each under the model `model_of` gives for its index: the quantity the
/// targets are stated in, and what every fit minimises.
///
/// # Errors
/// If a simulation fails.
pub(crate) fn mean_abs_error(instances: &[&Instance], model_of: impl Fn(usize) -> Model + Sync) -> Result<f64> {
    let simulated: Vec<f64> = instances
        .par_iter()
        .enumerate()
        .map(|(i, inst)| inst.simulate(&model_of(i)))
        .collect::<Result<_>>()?;
    let sum: f64 = simulated
        .iter()
        .zip(instances)
        .map(|(s, i)| (s / i.measured - 1.0).abs())
        .sum();
    Ok(sum / instances.len() as f64)
}

/// A cost as a function of the logarithms of the parameters it is minimised over.
struct LogCost<'a> {
    cost: &'a (dyn Fn(&[f64]) -> Result<f64> + Sync),
}

impl CostFunction for LogCost<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, log_params: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        let values: Vec<f64> = log_params.iter().map(|x| x.exp()).collect();
        (self.cost)(&values)
    }
}

/// Nelder–Mead iterations of each round of a fit.
pub const FIT_ITERATIONS: u64 = 200;

/// Rounds of a fit: each restarts Nelder–Mead from the best point so far
/// with a fresh simplex, since a collapsed simplex can stall short of the
/// minimum.
pub const FIT_ROUNDS: usize = 2;

/// The positive parameters that minimise `cost`, from `start`: Nelder–Mead
/// over their logarithms, from a simplex around the start with each
/// parameter also tried at twice its value, [`FIT_ROUNDS`] rounds of at most
/// [`FIT_ITERATIONS`] iterations. Deterministic: the simplex and every
/// evaluation are.
///
/// # Errors
/// If an evaluation of `cost` fails.
pub(crate) fn minimise(start: &[f64], cost: &(dyn Fn(&[f64]) -> Result<f64> + Sync)) -> Result<Vec<f64>> {
    let mut best = start.to_vec();
    for _ in 0..FIT_ROUNDS {
        // A parameter the previous round drove to 0 (its logarithm to
        // -inf) restarts at the smallest positive value, so that the simplex
        // stays finite.
        let start: Vec<f64> = best.iter().map(|v| v.max(f64::MIN_POSITIVE).ln()).collect();
        let mut simplex = vec![start.clone()];
        for k in 0..start.len() {
            let mut p = start.clone();
            p[k] += std::f64::consts::LN_2;
            simplex.push(p);
        }
        let solver = NelderMead::new(simplex).with_sd_tolerance(1e-6)?;
        let result = Executor::new(LogCost { cost }, solver)
            .configure(|s| s.max_iters(FIT_ITERATIONS))
            .run()
            .map_err(|e| anyhow!("fitting: {e:#}"))?;
        let point = result
            .state()
            .get_best_param()
            .ok_or_else(|| anyhow!("fitting: no parameters evaluated"))?;
        best = point.iter().map(|x| x.exp()).collect();
    }
    Ok(best)
}

/// Fits [`FITTED`] of `base` on `instances` with [`minimise`], from `base`
/// with a per-job overhead of at least [`JOB_OVERHEAD_START`].
///
/// # Errors
/// If `instances` is empty or a simulation fails.
pub fn fit(instances: &[&Instance], base: Model) -> Result<Model> {
    if instances.is_empty() {
        bail!("nothing to fit on");
    }
    let start = Model {
        job_overhead: base.job_overhead.max(JOB_OVERHEAD_START),
        ..base
    };
    let with = |values: &[f64]| base.with_fitted([values[0], values[1], values[2]]);
    let best = minimise(&start.fitted(), &|values: &[f64]| {
        let model = with(values);
        mean_abs_error(instances, |_| model)
    })?;
    Ok(with(&best))
}

/// What `schedlab replay` does.
#[derive(Clone, Debug)]
pub struct Options {
    /// The model without `--fit`, and the start and fixed values of a fit.
    pub model: Model,
    /// Fit on half the instances and report on the other half.
    pub fit: bool,
    /// Where to write the calibrated platform (with `--fit`).
    pub platform_out: Option<PathBuf>,
    /// The network model every instance's platform runs with (`--network`;
    /// see [`Platform::with_network_model`]), if not the reader's.
    pub network: Option<sim::platform::NetworkModel>,
    /// The deployment key of the keyed fit (`--deployment-key`); `None`
    /// chooses it by cross-validation on the fit half.
    pub deployment_key: Option<crate::real::deployment::Choice>,
}

/// |errors| in percent: median, nearest-rank 90th percentile, as a line.
pub(crate) fn summary(errors: &[f64]) -> String {
    let abs: Vec<f64> = errors.iter().map(|e| e.abs()).collect();
    format!(
        "median |error| {:.1} %, p90 {:.1} % (nearest rank: the {} of {})",
        crate::real::validate::percentile(&abs, 0.5),
        crate::real::validate::percentile(&abs, 0.9),
        ordinal(abs.len() + 1 - crate::real::validate::nearest_rank(abs.len().max(1), 0.9)),
        abs.len()
    )
}

/// Signed errors in percent, largest |error| first, as a list.
pub(crate) fn largest_first(errors: &[f64]) -> String {
    let mut sorted = errors.to_vec();
    sorted.sort_by(|a, b| b.abs().total_cmp(&a.abs()));
    let list: Vec<String> = sorted.iter().map(|e| format!("{e:+.1}")).collect();
    list.join(", ")
}

fn ordinal(k: usize) -> String {
    match k {
        1 => "largest".to_owned(),
        2 => "2nd largest".to_owned(),
        3 => "3rd largest".to_owned(),
        k => format!("{k}th largest"),
    }
}

/// Replays `paths` (and, with `options.fit`, fits on half and tests on the
/// other half), writing tables to `out`.
///
/// # Errors
/// If an instance cannot be read or simulated, `fit` has fewer than two
/// instances, or the platform cannot be written.
pub fn run(paths: &[PathBuf], options: &Options, out: &mut dyn std::io::Write) -> Result<()> {
    let instances = files(paths)?
        .iter()
        .map(|p| {
            let mut instance = Instance::load(p)?;
            instance.platform = crate::platform_arg::with_network(instance.platform, options.network)
                .with_context(|| format!("{}", p.display()))?;
            Ok(instance)
        })
        .collect::<Result<Vec<_>>>()?;
    let all: Vec<&Instance> = instances.iter().collect();
    let base = options.model;
    let before = simulate_all(&all, &base)?;
    if !options.fit {
        writeln!(out, "Model:")?;
        base.describe(out, "  ")?;
        table_header(out, false)?;
        let mut errors = Vec::new();
        for (inst, sim) in instances.iter().zip(&before) {
            let err = inst.error_pct(*sim);
            errors.push(err);
            table_row(out, inst, *sim, err, None)?;
        }
        writeln!(out, "All {} instances: {}", instances.len(), summary(&errors))?;
        let families: Vec<String> = instances.iter().map(|i| i.family.clone()).collect();
        residuals(out, &all, ("family", &families), &[("error %", &errors)])?;
        return Ok(());
    }
    if instances.len() < 2 {
        bail!("--fit needs at least two instances");
    }
    let train: Vec<&Instance> = instances.iter().step_by(2).collect();
    let fitted = fit(&train, base)?;
    let families = keys_of(KeyKind::Family, &train)?;
    let family_fit = fit_keyed(&train, &families, fitted, Keyed::Fitted, MIN_KEY_RECORDINGS)?;
    let family_models: BTreeMap<&str, Model> = family_fit
        .per_key
        .iter()
        .filter_map(|(family, fit)| Some((family.as_str(), fit.own?)))
        .collect();
    let after = simulate_all(&all, &fitted)?;
    writeln!(
        out,
        "Fitted on the {} fit-half instances (every other file, sorted by path), across families:",
        train.len()
    )?;
    fitted.describe(out, "  ")?;
    if family_models.is_empty() {
        writeln!(
            out,
            "No family has {MIN_KEY_RECORDINGS} fit-half instances: no fit per family (the issue's rule)"
        )?;
    }
    for (family, model) in &family_models {
        writeln!(out, "Fitted on the fit-half instances of {family} only:")?;
        model.describe(out, "  ")?;
    }
    table_header(out, true)?;
    let (mut test_before, mut test_after) = (Vec::new(), Vec::new());
    let mut per_family: BTreeMap<&str, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for (i, inst) in instances.iter().enumerate() {
        let err_fit = inst.error_pct(after[i]);
        let family_err = match family_models.get(inst.family.as_str()) {
            Some(m) => Some(inst.error_pct(inst.simulate(m)?)),
            None => None,
        };
        table_row(out, inst, after[i], err_fit, Some((i % 2 == 1, family_err)))?;
        if i % 2 == 1 {
            test_before.push(inst.error_pct(before[i]));
            test_after.push(err_fit);
            let entry = per_family.entry(inst.family.as_str()).or_default();
            entry.0.push(err_fit);
            entry.1.extend(family_err);
        }
    }
    writeln!(out, "Test half ({} instances):", test_after.len())?;
    writeln!(out, "  default model:         {}", summary(&test_before))?;
    writeln!(out, "  fitted across families: {}", summary(&test_after))?;
    writeln!(out, "  errors %, largest first: {}", largest_first(&test_after))?;
    for (family, (across, own)) in &per_family {
        write!(out, "  {family:<14} across: {}", summary(across))?;
        if !own.is_empty() {
            write!(out, "; own fit: {}", summary(own))?;
        }
        writeln!(out)?;
    }
    crate::real::deployment::report(out, &instances, fitted, base, options.deployment_key)?;
    if let Some(path) = &options.platform_out {
        let platform = calibrated_platform(&train, &fitted)?;
        let text = toml::to_string(platform.spec()).context("serialising the platform")?;
        crate::output::write_atomic(path, text.as_bytes())?;
        writeln!(out, "Wrote the calibrated platform to {}", path.display())?;
    }
    Ok(())
}

fn table_header(out: &mut dyn std::io::Write, fit: bool) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<48} {:>5} {:>4} {:>9} {:>9} {:>8}{}",
        "instance",
        "tasks",
        "mach",
        "measured",
        "simulated",
        "error %",
        if fit { "  half  own-family-fit error %" } else { "" }
    )
}

fn table_row(
    out: &mut dyn std::io::Write,
    inst: &Instance,
    sim: f64,
    err: f64,
    fit: Option<(bool, Option<f64>)>,
) -> std::io::Result<()> {
    write!(
        out,
        "{:<48} {:>5} {:>4} {:>9.0} {:>9.0} {:>+8.1}",
        inst.name(),
        inst.tasks,
        inst.machines,
        inst.measured,
        sim,
        err
    )?;
    if let Some((test, family)) = fit {
        write!(out, "  {}", if test { "test" } else { "fit " })?;
        if let Some(e) = family {
            write!(out, "  {e:>+8.1}")?;
        }
    }
    writeln!(out)
}

/// Spearman's rank correlation of `a` and `b` (ties get their mean rank).
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    fn ranks(v: &[f64]) -> Vec<f64> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        let mut r = vec![0.0; v.len()];
        let mut k = 0;
        while k < idx.len() {
            let mut m = k;
            while m + 1 < idx.len() && v[idx[m + 1]] == v[idx[k]] {
                m += 1;
            }
            for &i in &idx[k..=m] {
                r[i] = (k + m) as f64 / 2.0;
            }
            k = m + 1;
        }
        r
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let mean = (n - 1.0) / 2.0;
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - mean) * (y - mean)).sum();
    let var = |r: &[f64]| r.iter().map(|x| (x - mean).powi(2)).sum::<f64>();
    let denom = (var(&ra) * var(&rb)).sqrt();
    if denom == 0.0 { 0.0 } else { cov / denom }
}

/// The residual of every instance (one column per model in `columns`,
/// simulated - measured in % of measured; then the first column's model's
/// shortfall in seconds per job) next to its key (`key`: a header and one
/// value per instance) and what could explain it, and the rank
/// correlation of each column with each: a mechanism the model lacks shows
/// as a residual that grows with one of them.
pub(crate) fn residuals(
    out: &mut dyn std::io::Write,
    instances: &[&Instance],
    key: (&str, &[String]),
    columns: &[(&str, &[f64])],
) -> std::io::Result<()> {
    let (key_name, keys) = key;
    writeln!(
        out,
        "Residuals (simulated - measured, % of measured) against instance features:"
    )?;
    write!(out, "  {:<48} {key_name:<20}", "instance")?;
    for (name, _) in columns {
        write!(out, " {name:>9}")?;
    }
    writeln!(
        out,
        " {:>13} {:>6} {:>12} {:>10} {:>5}",
        "short s/job", "tasks", "mean task s", "input GB", "mach"
    )?;
    for (i, inst) in instances.iter().enumerate() {
        write!(out, "  {:<48} {:<20}", inst.name(), keys[i])?;
        for (_, errors) in columns {
            write!(out, " {:>+9.1}", errors[i])?;
        }
        // How much shorter than measured the first column's model is, per job.
        let short = columns.first().map_or(0.0, |(_, e)| -e[i] / 100.0 * inst.measured) / inst.tasks.max(1) as f64;
        writeln!(
            out,
            " {short:>+13.2} {:>6} {:>12.1} {:>10.2} {:>5}",
            inst.tasks,
            inst.mean_runtime,
            inst.input_bytes / 1e9,
            inst.machines
        )?;
    }
    let features: [(&str, Vec<f64>); 4] = [
        ("task count", instances.iter().map(|i| i.tasks as f64).collect()),
        ("mean task runtime", instances.iter().map(|i| i.mean_runtime).collect()),
        ("input bytes", instances.iter().map(|i| i.input_bytes).collect()),
        ("machine count", instances.iter().map(|i| i.machines as f64).collect()),
    ];
    for (name, errors) in columns {
        let line: Vec<String> = features
            .iter()
            .map(|(feature, v)| format!("{feature} {:+.2}", spearman(errors, v)))
            .collect();
        writeln!(
            out,
            "  Spearman rank correlation of the {name} error with: {}",
            line.join(", ")
        )?;
    }
    Ok(())
}

/// The platform a researcher can simulate new workflows on: every machine
/// of the fit instances (by name, with the most cores recorded for it) at
/// speed 1.0, so that a task's work is its runtime on these machines, with
/// the fitted workflow system and per-job overhead.
fn calibrated_platform(instances: &[&Instance], model: &Model) -> Result<Platform> {
    let mut nodes: BTreeMap<String, sim::platform::NodeSpec> = BTreeMap::new();
    for inst in instances {
        for node in &inst.platform.spec().nodes {
            let entry = nodes.entry(node.name.clone()).or_insert_with(|| node.clone());
            entry.cores = entry.cores.max(node.cores);
            entry.speed = 1.0;
            entry.task_overhead = model.job_overhead;
        }
    }
    let first = instances
        .first()
        .ok_or_else(|| anyhow!("no instance to take machines from"))?;
    Ok(Platform::new(PlatformSpec {
        name: "replay-calibrated".to_owned(),
        network: first.platform.spec().network.clone(),
        nodes: nodes.into_values().collect(),
        workflow_system: Some(model.workflow_system()),
    })?)
}
