//! `schedlab replay FILE…`: simulates recorded WfCommons executions and
//! compares with their measured `makespanInSeconds`.
//!
//! Each instance runs on the platform built from its machines (the reader
//! makes a task's work replay its measured runtime on its own machine), with
//! every task pinned to the machine it ran on, queued there as soon as it is
//! ready. Workflow systems add per-task costs the instance does not list
//! (submission, staging, scheduling cycles); they are modelled as every
//! node's `task_overhead`. With `--fit`, the instances (sorted by path) are
//! split alternately into a fit half and a test half: the overhead that
//! minimises the median |error| on the fit half (a grid search, 0–120 s in
//! 1 s steps, then 0.05 s steps around the best) is applied to the test half.

use anyhow::{Context as _, Result, anyhow, bail};
use sim::{Decisions, NodeId, Platform, Scheduler, SimConfig, SimView, Update};
use std::path::{Path, PathBuf};
use workloads::formats::wfcommons;

/// Queues each ready task on the node it ran on.
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
    /// Tasks.
    pub tasks: usize,
    /// Machines.
    pub machines: usize,
    /// The measured makespan, seconds.
    pub measured: f64,
    dag: sim::Dag,
    platform: Platform,
    node_of: Vec<NodeId>,
}

impl Instance {
    /// Reads a WfCommons instance that records machines and a makespan.
    ///
    /// # Errors
    /// If the file does not parse, records no makespan or machines, or a task
    /// has no machine.
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
                let m = m
                    .as_deref()
                    .ok_or_else(|| anyhow!("{}: task {task:?} records no machine", what()))?;
                platform
                    .nodes()
                    .iter()
                    .position(|n| n.name == m)
                    .map(NodeId::new)
                    .ok_or_else(|| anyhow!("{}: task {task:?} ran on {m:?}, which is not in machines", what()))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Instance {
            path: path.to_owned(),
            tasks: workload.dag.task_count(),
            machines: platform.node_count(),
            measured,
            dag: workload.dag,
            platform,
            node_of,
        })
    }

    /// Simulated makespan with `task_overhead` seconds added to every task.
    ///
    /// # Errors
    /// If the overhead is invalid or the simulation fails.
    pub fn simulate(&self, task_overhead: f64) -> Result<f64> {
        let mut spec = self.platform.spec().clone();
        for node in &mut spec.nodes {
            node.task_overhead = task_overhead;
        }
        let platform = Platform::new(spec)?;
        let mut pinned = Pinned {
            node_of: self.node_of.clone(),
        };
        let result = sim::simulate(&self.dag, &platform, &mut pinned, &SimConfig::default())
            .with_context(|| format!("simulating {}", self.path.display()))?;
        Ok(result.metrics.makespan)
    }

    /// `(simulated - measured) / measured` in percent.
    fn error_pct(&self, simulated: f64) -> f64 {
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

/// Median |error| in percent of `instances` at `overhead`.
fn median_abs_error(instances: &[&Instance], overhead: f64) -> Result<f64> {
    let errs = instances
        .iter()
        .map(|i| Ok(i.error_pct(i.simulate(overhead)?).abs()))
        .collect::<Result<Vec<f64>>>()?;
    Ok(crate::real::validate::percentile(&errs, 0.5))
}

/// The overhead in [0, 120] s minimising the median |error| on `instances`.
///
/// # Errors
/// If a simulation fails.
pub fn fit_overhead(instances: &[&Instance]) -> Result<f64> {
    let search = |grid: Vec<f64>| -> Result<f64> {
        let mut best = (f64::INFINITY, 0.0);
        for o in grid {
            let e = median_abs_error(instances, o)?;
            if e < best.0 {
                best = (e, o);
            }
        }
        Ok(best.1)
    };
    let coarse = search((0..=120).map(f64::from).collect())?;
    search(
        (-20..=20)
            .map(|k| coarse + f64::from(k) * 0.05)
            .filter(|o| *o >= 0.0)
            .collect(),
    )
}

/// Replays `paths` with `overhead` (and, with `fit`, fits it on half and
/// tests on the other half), writing a table to `out`.
///
/// # Errors
/// If an instance cannot be read or simulated, or `fit` has fewer than two instances.
pub fn run(paths: &[PathBuf], overhead: f64, fit: bool, out: &mut dyn std::io::Write) -> Result<()> {
    let instances = files(paths)?
        .iter()
        .map(|p| Instance::load(p))
        .collect::<Result<Vec<_>>>()?;
    let fitted = if fit {
        if instances.len() < 2 {
            bail!("--fit needs at least two instances");
        }
        let train: Vec<&Instance> = instances.iter().step_by(2).collect();
        Some(fit_overhead(&train)?)
    } else {
        None
    };
    writeln!(
        out,
        "{:<52} {:>5} {:>4} {:>10} {:>10} {:>8} {}",
        "instance",
        "tasks",
        "mach",
        "measured",
        "simulated",
        "error %",
        if fit {
            "  fitted-overhead sim / error % (half)"
        } else {
            ""
        }
    )?;
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for (i, inst) in instances.iter().enumerate() {
        let sim = inst.simulate(overhead)?;
        let err = inst.error_pct(sim);
        let name = inst
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        write!(
            out,
            "{name:<52} {:>5} {:>4} {:>10.1} {:>10.1} {:>+8.1}",
            inst.tasks, inst.machines, inst.measured, sim, err
        )?;
        if let Some(o) = fitted {
            let half = if i % 2 == 0 { "fit" } else { "test" };
            let sim_fit = inst.simulate(o)?;
            let err_fit = inst.error_pct(sim_fit);
            write!(out, "  {sim_fit:>10.1} / {err_fit:>+8.1} ({half})")?;
            if i % 2 == 1 {
                before.push(err.abs());
                after.push(err_fit.abs());
            }
        } else {
            before.push(err.abs());
        }
        writeln!(out)?;
    }
    match fitted {
        Some(o) => writeln!(
            out,
            "task_overhead fitted on {} instances: {o:.2} s; on the {} test instances, median |error| {:.1} % with overhead {overhead} s, {:.1} % with the fitted overhead",
            instances.len().div_ceil(2),
            after.len(),
            crate::real::validate::percentile(&before, 0.5),
            crate::real::validate::percentile(&after, 0.5)
        )?,
        None => writeln!(
            out,
            "median |error| over {} instances: {:.1} % (task_overhead {overhead} s)",
            before.len(),
            crate::real::validate::percentile(&before, 0.5)
        )?,
    }
    Ok(())
}
