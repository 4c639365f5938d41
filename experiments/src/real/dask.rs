//! Real runs on Dask's distributed scheduler, for `schedlab validate
//! --runtime dask`: a scheduler no one here wrote.
//!
//! The Python side is the `schedlab_dask` package in `python/schedlab_dask`
//! (pinned Dask and NumPy): it starts a `LocalCluster` of N single-threaded
//! workers pinned to cores, runs one DAG as one Dask graph (each task keeps
//! its core busy for its work in seconds and returns a NumPy array of its
//! output size, which Dask moves itself) and writes Dask's own record of
//! the run, its task stream, as JSON. This module runs it, reads the record
//! into a [`RunResult`] (worker `i` is node `i`), and builds the platform
//! the simulation of the same DAG runs on from Dask's calibration (the
//! cost per task and the inter-worker transfer latency and bandwidth).
//!
//! A Dask task has one result, which every consumer on another worker
//! fetches whole, so [`one_output_per_task`] gives every out-edge of a
//! task the same bytes (the most it had) before either side runs.

use crate::real::calibrate::platform_spec;
use anyhow::{Context as _, Result, anyhow, bail, ensure};
use serde::{Deserialize, Serialize};
use sim::{
    CostModel, Dag, DagBuilder, EdgeId, NodeId, Platform, RunResult, SimDuration, SimTime, TaskId, TaskRecord, TaskSpec,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The `dask` policy set as Dask's scheduler works: one thread per task,
/// a task placed among the workers holding its inputs (`decide_worker`),
/// ready tasks run lowest id first (ids in Dask's order: see
/// [`DaskRuntime::in_dask_order`]), stealing every 100 ms from workers with
/// more than 0.2 s of work (`balance`, with Dask's default interval and
/// victim threshold).
pub const DASK_MODEL: &str = "dask:moldable=0,candidates=deps,order=id,steal_interval=0.1,steal_min=0.2";

/// Where the Python with `schedlab_dask` is looked for, in the working folder and the repository root.
const VENV_PYTHON: &str = ".venv-dask/bin/python";

/// What to install when no Python with `schedlab_dask` is found.
const INSTALL: &str = "real Dask runs need Python >= 3.11 with the schedlab_dask package \
(python/schedlab_dask: dask[distributed] 2026.8.0 and numpy 2.4.6, pinned). In the repository root run \
`python3 -m venv .venv-dask && .venv-dask/bin/pip install ./python/schedlab_dask`, \
or set SCHEDLAB_DASK_PYTHON to a Python that has it";

/// Dask on this machine, as `python -m schedlab_dask calibrate` measured it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DaskCalibration {
    /// Workers of the cluster (one thread each).
    pub workers: usize,
    /// Seconds per task of a chain of short busy tasks beyond their work:
    /// the scheduler's and the workers' cost of one task, end to end.
    pub overhead_s: f64,
    /// Seconds of fixed cost per inter-worker transfer between idle workers
    /// (the fit's intercept): the simulated links'.
    pub latency_s: f64,
    /// Bytes per second of a transfer between idle workers (the fit's inverse slope).
    pub bandwidth_bps: f64,
    /// The (bytes, seconds) transfers the fit was made from.
    pub transfer_samples: Vec<(f64, f64)>,
    /// The same fit while both workers run a busy task: a pure-Python task
    /// holds the GIL that its worker's communication needs, which the
    /// simulation does not model; kept to show how much that costs.
    pub busy_latency_s: f64,
    /// Bytes per second while both workers compute.
    pub busy_bandwidth_bps: f64,
    /// The transfers of the busy fit.
    pub busy_transfer_samples: Vec<(f64, f64)>,
    /// Cores of the machine.
    pub cpu_count: usize,
}

impl DaskCalibration {
    /// The platform the simulation runs on: one single-core node of speed 1
    /// per worker (work is in seconds), each task paying the cost per task,
    /// and links of the measured latency and bandwidth.
    ///
    /// # Errors
    /// If the measured figures make no valid platform.
    pub fn platform(&self) -> Result<Platform> {
        let bandwidth = if self.bandwidth_bps.is_finite() {
            self.bandwidth_bps
        } else {
            1e12
        };
        let mut spec = platform_spec(
            self.workers,
            &vec![1.0; self.workers],
            self.overhead_s,
            self.latency_s,
            bandwidth,
            None,
        );
        spec.name = format!("dask-{}-workers", self.workers);
        Ok(Platform::new(spec)?)
    }

    /// A short human-readable summary.
    pub fn summary(&self) -> String {
        format!(
            "Dask, {} workers on {} cores: {:.2} ms per task, transfers {:.2} ms + bytes / {:.0} MB/s ({:.2} ms + bytes / {:.0} MB/s while both workers compute, not modelled)",
            self.workers,
            self.cpu_count,
            self.overhead_s * 1e3,
            self.latency_s * 1e3,
            self.bandwidth_bps / 1e6,
            self.busy_latency_s * 1e3,
            self.busy_bandwidth_bps / 1e6
        )
    }
}

/// A Python that can run `schedlab_dask`.
#[derive(Debug, Clone)]
pub struct DaskRuntime {
    python: PathBuf,
}

/// Dask's record of one run, as `schedlab_dask run` writes it.
#[derive(Debug, Deserialize)]
struct Record {
    workers: Vec<String>,
    tasks: Vec<ComputeRecord>,
    transfers: Vec<FetchRecord>,
}

/// One task's computation: `key` is `busy-<task index>`.
#[derive(Debug, Deserialize)]
struct ComputeRecord {
    key: String,
    worker: i64,
    start: f64,
    stop: f64,
}

/// Inputs fetched for one task from one other worker.
#[derive(Debug, Deserialize)]
struct FetchRecord {
    key: String,
    worker: i64,
    source: i64,
    start: f64,
    stop: f64,
}

impl DaskRuntime {
    /// Finds the Python: `SCHEDLAB_DASK_PYTHON`, else `.venv-dask/bin/python`
    /// in the working folder or the repository root; checks that it imports
    /// `schedlab_dask`.
    ///
    /// # Errors
    /// What to install, when no such Python is found.
    pub fn locate() -> Result<DaskRuntime> {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let python = match std::env::var_os("SCHEDLAB_DASK_PYTHON") {
            Some(p) => PathBuf::from(p),
            None => [PathBuf::from(VENV_PYTHON), repo.join(VENV_PYTHON)]
                .into_iter()
                .find(|p| p.is_file())
                .ok_or_else(|| anyhow!("no {VENV_PYTHON}: {INSTALL}"))?,
        };
        let probe = Command::new(&python)
            .args(["-c", "import schedlab_dask.runner"])
            .output()
            .with_context(|| format!("cannot start {}: {INSTALL}", python.display()))?;
        if !probe.status.success() {
            bail!(
                "{} cannot import schedlab_dask ({}): {INSTALL}",
                python.display(),
                String::from_utf8_lossy(&probe.stderr)
                    .trim()
                    .lines()
                    .last()
                    .unwrap_or("")
            );
        }
        Ok(DaskRuntime { python })
    }

    /// Runs `python -m schedlab_dask ARGS… OUT` and reads OUT.
    fn call<T: for<'de> Deserialize<'de>>(&self, args: &[&str], what: &str) -> Result<T> {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        let out = std::env::temp_dir().join(format!(
            "schedlab-dask-{}-{}.json",
            std::process::id(),
            CALLS.fetch_add(1, Ordering::Relaxed)
        ));
        let status = Command::new(&self.python)
            .args(["-m", "schedlab_dask"])
            .args(args)
            .arg(&out)
            .output()
            .with_context(|| format!("cannot start {}", self.python.display()))?;
        if !status.status.success() {
            bail!(
                "{what} failed on Dask: {}",
                String::from_utf8_lossy(&status.stderr).trim()
            );
        }
        let text = std::fs::read_to_string(&out).with_context(|| format!("{what}: no output in {}", out.display()));
        let _ = std::fs::remove_file(&out);
        serde_json::from_str(&text?).with_context(|| format!("{what}: Dask's record"))
    }

    /// Measures Dask on this machine with `workers` workers.
    ///
    /// # Errors
    /// If the calibration fails on Dask's side or gives unusable figures.
    pub fn calibrate(&self, workers: usize) -> Result<DaskCalibration> {
        ensure!(workers >= 1, "workers: expected at least 1");
        let calibration: DaskCalibration =
            self.call(&["calibrate", "--workers", &workers.to_string()], "calibration")?;
        ensure!(
            calibration.workers == workers,
            "calibration: Dask started {} workers, expected {workers}",
            calibration.workers
        );
        ensure!(
            calibration.overhead_s.is_finite() && calibration.overhead_s >= 0.0,
            "calibration: cost per task {} s",
            calibration.overhead_s
        );
        Ok(calibration)
    }

    /// Runs `dag` (work in seconds, one output per task: see
    /// [`one_output_per_task`]) on a fresh cluster of `workers` workers; the
    /// result is Dask's task stream on `platform` (one node per worker).
    ///
    /// # Errors
    /// If Dask fails, or its record misses a task, runs one twice or names an unknown worker.
    pub fn run(&self, dag: &Dag, platform: &Platform, workers: usize) -> Result<RunResult> {
        let record: Record = self.call_on(dag, workers, "run", "the run")?;
        to_result(dag, platform, &record)
    }

    /// `dag` with its tasks numbered in Dask's static priority order
    /// (`dask.order`, which decides what a worker runs next among its ready
    /// tasks), so that the `dask` policy with `order=id` runs them in
    /// Dask's order. Names, work and edges are kept.
    ///
    /// # Errors
    /// If Dask fails or gives a priority per task that is not a permutation.
    pub fn in_dask_order(&self, dag: &Dag) -> Result<Dag> {
        #[derive(Deserialize)]
        struct Priorities {
            priority: Vec<u64>,
        }
        let p: Priorities = self.call_on(dag, 0, "order", "Dask's task order")?;
        ensure!(
            p.priority.len() == dag.task_count(),
            "Dask's task order has {} priorities for {} tasks",
            p.priority.len(),
            dag.task_count()
        );
        let mut order: Vec<usize> = (0..dag.task_count()).collect();
        order.sort_by_key(|&t| (p.priority[t], t));
        renumbered(dag, &order)
    }

    /// Runs `python -m schedlab_dask COMMAND JOB OUT` on `dag` as a job of `workers` workers.
    fn call_on<T: for<'de> Deserialize<'de>>(&self, dag: &Dag, workers: usize, command: &str, what: &str) -> Result<T> {
        let output = output_bytes(dag);
        let job = serde_json::json!({
            "workers": workers,
            "tasks": dag.tasks().iter().zip(&output).map(|(t, bytes)| serde_json::json!({
                "work": t.work,
                "out_bytes": bytes.round(),
            })).collect::<Vec<_>>(),
            "edges": dag.edges().iter().map(|e| [e.src.index(), e.dst.index()]).collect::<Vec<_>>(),
        });
        let input = std::env::temp_dir().join(format!("schedlab-dask-job-{}.json", std::process::id()));
        std::fs::write(&input, serde_json::to_vec(&job)?)
            .with_context(|| format!("cannot write {}", input.display()))?;
        let result = self.call(&[command, &input.to_string_lossy()], what);
        let _ = std::fs::remove_file(&input);
        result
    }
}

/// `dag` with task `order[i]` as task `i`.
fn renumbered(dag: &Dag, order: &[usize]) -> Result<Dag> {
    let mut new_id = vec![0; order.len()];
    for (i, &t) in order.iter().enumerate() {
        new_id[t] = i;
    }
    let mut b = DagBuilder::with_capacity(dag.task_count(), dag.edge_count());
    for &t in order {
        let task = dag.task(TaskId::new(t));
        b.add_task(
            TaskSpec::new(task.name.clone(), task.work)
                .kind(dag.kind_name(task.kind))
                .parallelism(task.parallelism),
        );
    }
    for e in dag.edges() {
        b.add_edge(
            TaskId::new(new_id[e.src.index()]),
            TaskId::new(new_id[e.dst.index()]),
            e.bytes,
        );
    }
    Ok(b.build()?)
}

/// Task index of a `busy-<i>` key.
fn task_of(key: &str, n: usize) -> Result<TaskId> {
    key.strip_prefix("busy-")
        .and_then(|i| i.parse::<usize>().ok())
        .filter(|&i| i < n)
        .map(TaskId::new)
        .ok_or_else(|| anyhow!("Dask's record names task {key:?}, not one of the DAG's"))
}

/// Seconds from the graph's submission as the engine's clock.
fn at(secs: f64) -> SimTime {
    SimTime::from_secs_f64(secs.max(0.0))
}

/// Dask's record as a run of `dag` on `platform`: every task computed once
/// on a known worker, and every input from another worker fetched; the
/// first fetch of a result onto a worker is the transfer of every edge it serves.
fn to_result(dag: &Dag, platform: &Platform, record: &Record) -> Result<RunResult> {
    let n = dag.task_count();
    let worker = |w: i64| {
        usize::try_from(w)
            .ok()
            .filter(|&w| w < record.workers.len() && w < platform.node_count())
            .map(NodeId::new)
            .ok_or_else(|| {
                anyhow!(
                    "Dask's record names worker {w}; the cluster had {}",
                    record.workers.len()
                )
            })
    };
    let mut tasks: Vec<Option<TaskRecord>> = vec![None; n];
    for c in &record.tasks {
        let task = task_of(&c.key, n)?;
        ensure!(tasks[task.index()].is_none(), "Dask computed {} more than once", c.key);
        tasks[task.index()] = Some(TaskRecord {
            node: worker(c.worker)?,
            cores: 1,
            core_offset: 0,
            dvfs: 0,
            start: at(c.start),
            end: at(c.stop),
        });
    }
    let mut tasks: Vec<TaskRecord> = tasks
        .into_iter()
        .enumerate()
        .map(|(t, r)| r.ok_or_else(|| anyhow!("Dask's record has no computation of task {t}")))
        .collect::<Result<_>>()?;
    separate_on_each_worker(&mut tasks)?;
    // A worker fetches a result once and keeps it: the first fetch of a
    // producer's result onto a worker serves every consumer there. One
    // fetch may bring several results from one worker, recorded with one
    // of the tasks waiting for them: a result no record names came with the
    // last fetch from its worker that ended before its consumer started.
    let mut fetched: BTreeMap<(usize, NodeId), (SimTime, SimTime)> = BTreeMap::new();
    let mut between: BTreeMap<(NodeId, NodeId), Vec<(SimTime, SimTime)>> = BTreeMap::new();
    for f in &record.transfers {
        let consumer = task_of(&f.key, n)?;
        let (src, dst) = (worker(f.source)?, worker(f.worker)?);
        between.entry((src, dst)).or_default().push((at(f.start), at(f.stop)));
        for &e in dag.in_edges(consumer) {
            let producer = dag.edge(e).src.index();
            if tasks[producer].node == src {
                let interval = (at(f.start), at(f.stop));
                fetched
                    .entry((producer, dst))
                    .and_modify(|first| *first = (*first).min(interval))
                    .or_insert(interval);
            }
        }
    }
    let mut transfers = Vec::new();
    for (e, edge) in dag.edges().iter().enumerate() {
        let (src, dst) = (tasks[edge.src.index()].node, tasks[edge.dst.index()].node);
        if src == dst {
            continue;
        }
        let (produced, consumed) = (tasks[edge.src.index()].end, tasks[edge.dst.index()].start);
        let batch = || {
            between.get(&(src, dst)).and_then(|fetches| {
                fetches
                    .iter()
                    .filter(|&&(_, stop)| stop <= consumed)
                    .max_by_key(|&&(_, stop)| stop)
                    .copied()
            })
        };
        let (start, end) = fetched
            .get(&(edge.src.index(), dst))
            .copied()
            .or_else(batch)
            .ok_or_else(|| {
                anyhow!(
                    "Dask's record has no fetch from worker {} onto worker {} before task {} started (it needs task {}'s result)",
                    src.index(),
                    dst.index(),
                    edge.dst.index(),
                    edge.src.index()
                )
            })?;
        // Dask shifts each worker's fetch times by its estimate of that
        // worker's clock offset (a millisecond or so of noise on one
        // machine): keep each transfer between its producer's end and its
        // consumer's start.
        let start = start.max(produced).min(consumed);
        transfers.push(sim::TransferRecord {
            edge: EdgeId::new(e),
            src,
            dst,
            start,
            end: end.max(start).min(consumed.max(start)),
        });
    }
    let costs = CostModel::new(dag, platform)?;
    Ok(RunResult::recorded(
        "dask (real)".to_owned(),
        tasks,
        transfers,
        vec![0],
        &costs,
    ))
}

/// Each task's largest out-edge's bytes (0 for exit tasks).
fn output_bytes(dag: &Dag) -> Vec<f64> {
    dag.task_ids()
        .map(|t| {
            dag.out_edges(t)
                .iter()
                .map(|&e: &EdgeId| dag.edge(e).bytes)
                .fold(0.0, f64::max)
        })
        .collect()
}

/// Largest overlap of two tasks on one single-threaded worker that is taken
/// for clock jitter: Dask corrects each worker's timestamps by an offset it
/// re-estimates, so consecutive tasks may appear to overlap by a little.
const MAX_JITTER: SimDuration = SimDuration::from_nanos(5_000_000);

/// Starts each task on a worker no earlier than the previous one there
/// ended, when they appear to overlap by at most [`MAX_JITTER`].
fn separate_on_each_worker(tasks: &mut [TaskRecord]) -> Result<()> {
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by_key(|&t| (tasks[t].node, tasks[t].start, tasks[t].end));
    for pair in order.windows(2) {
        let (a, b) = (tasks[pair[0]], tasks[pair[1]]);
        if a.node == b.node && b.start < a.end {
            ensure!(
                a.end - b.start <= MAX_JITTER,
                "Dask's record has tasks {} and {} overlapping by {:.3} ms on one single-threaded worker",
                pair[0],
                pair[1],
                (a.end - b.start).as_secs_f64() * 1e3
            );
            tasks[pair[1]].start = a.end;
            tasks[pair[1]].end = tasks[pair[1]].end.max(a.end);
        }
    }
    Ok(())
}

/// `dag` with every out-edge of a task carrying the task's largest
/// out-edge's bytes: a Dask task has one result, fetched whole.
///
/// # Errors
/// If the rebuilt DAG is invalid (it cannot be when `dag` is valid).
pub fn one_output_per_task(dag: &Dag) -> Result<Dag> {
    let mut b = DagBuilder::with_capacity(dag.task_count(), dag.edge_count());
    for t in dag.tasks() {
        b.add_task(
            TaskSpec::new(t.name.clone(), t.work)
                .kind(dag.kind_name(t.kind))
                .parallelism(t.parallelism),
        );
    }
    let output = output_bytes(dag);
    for e in dag.edges() {
        b.add_edge(e.src, e.dst, output[e.src.index()]);
    }
    Ok(b.build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `a` feeds `b` and `c`; two workers.
    fn fixture() -> (Dag, Platform) {
        let mut b = DagBuilder::new();
        let a = b.add_task(TaskSpec::new("a", 0.01));
        let t1 = b.add_task(TaskSpec::new("b", 0.01));
        let t2 = b.add_task(TaskSpec::new("c", 0.01));
        b.add_edge(a, t1, 1e6);
        b.add_edge(a, t2, 1e3);
        let calibration = DaskCalibration {
            workers: 2,
            overhead_s: 0.001,
            latency_s: 0.001,
            bandwidth_bps: 1e8,
            transfer_samples: Vec::new(),
            busy_latency_s: 0.01,
            busy_bandwidth_bps: 2e8,
            busy_transfer_samples: Vec::new(),
            cpu_count: 2,
        };
        let dag = one_output_per_task(&b.build().unwrap()).unwrap();
        (dag, calibration.platform().unwrap())
    }

    fn record(json: &str) -> Record {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn one_fetch_serves_every_consumer_on_its_worker() {
        let (dag, platform) = fixture();
        assert!(dag.edges().iter().all(|e| e.bytes == 1e6), "one output per task");
        // b and c both on worker 1; the fetch is recorded with b only.
        let r = record(
            r#"{"workers": ["w0", "w1"], "tasks": [
                {"key": "busy-0", "worker": 0, "start": 0.0, "stop": 0.01},
                {"key": "busy-1", "worker": 1, "start": 0.02, "stop": 0.03},
                {"key": "busy-2", "worker": 1, "start": 0.03, "stop": 0.04}],
              "transfers": [{"key": "busy-1", "worker": 1, "source": 0, "start": 0.011, "stop": 0.019}]}"#,
        );
        let result = to_result(&dag, &platform, &r).unwrap();
        assert_eq!(result.transfers.len(), 2);
        assert!(
            result
                .transfers
                .iter()
                .all(|t| t.start == at(0.011) && t.end == at(0.019))
        );
        assert!((result.metrics.makespan - 0.04).abs() < 1e-9);
        crate::real::executor::check(&dag, &platform, &result).unwrap();
    }

    #[test]
    fn a_fetch_of_several_results_recorded_with_another_task_counts() {
        let (dag, platform) = fixture();
        // c's fetch was recorded with no task of its own: the last fetch from worker 0 before c started.
        let r = record(
            r#"{"workers": ["w0", "w1"], "tasks": [
                {"key": "busy-0", "worker": 0, "start": 0.0, "stop": 0.01},
                {"key": "busy-1", "worker": 0, "start": 0.01, "stop": 0.02},
                {"key": "busy-2", "worker": 1, "start": 0.03, "stop": 0.04}],
              "transfers": [{"key": "busy-9", "worker": 1, "source": 0, "start": 0.012, "stop": 0.02}]}"#,
        );
        let err = to_result(&dag, &platform, &r).unwrap_err().to_string();
        assert!(err.contains("busy-9"), "an unknown task is named: {err}");
        let r = record(
            r#"{"workers": ["w0", "w1"], "tasks": [
                {"key": "busy-0", "worker": 0, "start": 0.0, "stop": 0.01},
                {"key": "busy-1", "worker": 1, "start": 0.021, "stop": 0.03},
                {"key": "busy-2", "worker": 1, "start": 0.03, "stop": 0.04}],
              "transfers": [{"key": "busy-1", "worker": 1, "source": 0, "start": 0.012, "stop": 0.02}]}"#,
        );
        let result = to_result(&dag, &platform, &r).unwrap();
        assert_eq!(result.transfers.len(), 2);
    }

    #[test]
    fn bad_records_are_errors_that_say_what_is_wrong() {
        let (dag, platform) = fixture();
        let twice = record(
            r#"{"workers": ["w0", "w1"], "tasks": [
                {"key": "busy-0", "worker": 0, "start": 0.0, "stop": 0.01},
                {"key": "busy-0", "worker": 1, "start": 0.0, "stop": 0.01}], "transfers": []}"#,
        );
        let err = to_result(&dag, &platform, &twice).unwrap_err().to_string();
        assert!(err.contains("more than once"), "{err}");
        let missing = record(
            r#"{"workers": ["w0", "w1"], "tasks": [{"key": "busy-0", "worker": 0, "start": 0.0, "stop": 0.01}], "transfers": []}"#,
        );
        let err = to_result(&dag, &platform, &missing).unwrap_err().to_string();
        assert!(err.contains("no computation of task 1"), "{err}");
        let stranger = record(
            r#"{"workers": ["w0", "w1"], "tasks": [{"key": "busy-0", "worker": 5, "start": 0.0, "stop": 0.01}], "transfers": []}"#,
        );
        let err = to_result(&dag, &platform, &stranger).unwrap_err().to_string();
        assert!(err.contains("worker 5"), "{err}");
        let unfetched = record(
            r#"{"workers": ["w0", "w1"], "tasks": [
                {"key": "busy-0", "worker": 0, "start": 0.0, "stop": 0.01},
                {"key": "busy-1", "worker": 1, "start": 0.02, "stop": 0.03},
                {"key": "busy-2", "worker": 0, "start": 0.03, "stop": 0.04}], "transfers": []}"#,
        );
        let err = to_result(&dag, &platform, &unfetched).unwrap_err().to_string();
        assert!(err.contains("no fetch from worker 0 onto worker 1"), "{err}");
    }

    #[test]
    fn clock_jitter_on_one_worker_is_separated_and_real_overlap_is_not() {
        let (dag, platform) = fixture();
        let json = |overlap: f64| {
            format!(
                r#"{{"workers": ["w0", "w1"], "tasks": [
                {{"key": "busy-0", "worker": 0, "start": 0.0, "stop": 0.01}},
                {{"key": "busy-1", "worker": 0, "start": {}, "stop": 0.02}},
                {{"key": "busy-2", "worker": 0, "start": 0.02, "stop": 0.03}}], "transfers": []}}"#,
                0.01 - overlap
            )
        };
        let result = to_result(&dag, &platform, &record(&json(0.001))).unwrap();
        assert_eq!(result.tasks[1].start, at(0.01));
        let err = to_result(&dag, &platform, &record(&json(0.008)))
            .unwrap_err()
            .to_string();
        assert!(err.contains("overlapping by 8.000 ms"), "{err}");
    }
}
