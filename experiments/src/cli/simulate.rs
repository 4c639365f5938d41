//! `schedlab simulate`: one DAG, one platform, one scheduler, one run.

use crate::platform_arg;
use crate::run::RunSpec;
use anyhow::{Context as _, Result, bail};
use serde::Serialize;
use sim::{Metrics, Noise, Platform, RunResult, SimConfig};
use std::path::PathBuf;
use workloads::Workload;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SimulateArgs {
    /// A DAG file or folder in any format `workloads::load` reads.
    pub dag: Option<PathBuf>,
    /// A generator spec such as `layered:tasks=1000,ccr=1`.
    pub generate: Option<String>,
    /// A platform file or `PRESET[:NODES]`; optional when the DAG brings its own.
    pub platform: Option<String>,
    /// Switch the platform's network to this model (`--network`).
    pub network: Option<sim::platform::NetworkModel>,
    /// Scheduler spec.
    pub scheduler: String,
    /// Resource manager spec.
    pub resource_manager: String,
    /// Log-normal runtime noise σ.
    pub noise: f64,
    /// Seed for generation, noise, failures and randomised schedulers.
    pub seed: u64,
    /// Node failures.
    pub failures: sim::Failures,
    /// Checkpoint cost in seconds; turns on checkpoint/restart at Young/Daly's interval.
    pub checkpoint_cost: Option<f64>,
    /// Real node speeds versus the declared ones.
    pub speed_error: sim::SpeedError,
    /// Where to write a Chrome trace.
    pub trace: Option<PathBuf>,
}

/// The summary `simulate --json` prints.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Scheduler name.
    pub scheduler: String,
    /// Resource manager spec.
    pub resource_manager: String,
    /// Workload name.
    pub workload: String,
    /// Platform name.
    pub platform: String,
    /// Number of tasks.
    pub tasks: usize,
    /// Number of edges.
    pub edges: usize,
    /// Number of nodes.
    pub nodes: usize,
    /// Noise σ.
    pub noise: f64,
    /// Seed.
    pub seed: u64,
    /// The run's metrics (makespan, SLR, speedup, efficiency, utilisation,
    /// energy, EDP, bytes moved, lost work, wasted energy).
    #[serde(flatten)]
    pub metrics: Metrics,
    /// Task runs aborted by node failures.
    pub lost_runs: usize,
    /// Whether the invariant checker passed.
    pub checked: bool,
    /// Per node, where tasks declare memory or labels or nodes have them:
    /// what placement and memory the constraints led to. Absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub node_use: Vec<NodeUse>,
}

/// What one node held in a run with memory or placement constraints.
#[derive(Debug, Serialize)]
pub struct NodeUse {
    /// Node name.
    pub node: String,
    /// Tasks whose first finished run ran here.
    pub tasks: usize,
    /// The most memory its runs held at one instant, bytes ([`sim::metrics::node_peak_memory`]).
    pub peak_memory_bytes: u64,
    /// Its memory, bytes (`None`: unlimited).
    pub memory_bytes: Option<u64>,
}

/// Per node, tasks run and peak memory, when the DAG or the platform declares
/// memory or labels (nothing otherwise, so outputs without them are unchanged).
fn node_use(dag: &sim::Dag, platform: &Platform, result: &RunResult) -> Vec<NodeUse> {
    let declared = dag.tasks().iter().any(|t| t.memory_bytes > 0 || !t.requires.is_empty())
        || platform.has_memory_limits()
        || !platform.labels().is_empty();
    if !declared {
        return Vec::new();
    }
    let mut tasks = vec![0usize; platform.node_count()];
    for r in &result.tasks {
        tasks[r.node.index()] += 1;
    }
    let peaks = sim::metrics::node_peak_memory(dag, platform.node_count(), result);
    platform
        .nodes()
        .iter()
        .zip(tasks)
        .zip(peaks)
        .map(|((n, tasks), (peak, _))| NodeUse {
            node: n.name.clone(),
            tasks,
            peak_memory_bytes: peak,
            memory_bytes: n.memory_bytes,
        })
        .collect()
}

/// Loads or generates the workload named by the arguments.
///
/// # Errors
/// If neither or both of `--dag` and `--generate` are given, or loading fails.
pub fn workload(args: &SimulateArgs) -> Result<Workload> {
    match (&args.dag, &args.generate) {
        (Some(path), None) => workloads::load(path).with_context(|| input(args)),
        (None, Some(spec)) => {
            let dag = workloads::generate(spec, args.seed).with_context(|| input(args))?;
            Ok(Workload {
                dag,
                platform: None,
                name: spec.clone(),
            })
        }
        (None, None) => bail!("give a DAG with --dag PATH or --generate KIND:key=value,..."),
        (Some(_), Some(_)) => bail!("--dag and --generate are mutually exclusive"),
    }
}

/// The argument that names the workload, for error messages: `--dag PATH` or `--generate SPEC`.
fn input(args: &SimulateArgs) -> String {
    match (&args.dag, &args.generate) {
        (Some(path), _) => format!("--dag {}", path.display()),
        (None, Some(spec)) => format!("--generate {spec:?}"),
        (None, None) => String::new(),
    }
}

/// The platform from `--platform`, or the one the workload brings, with
/// `--network` applied.
///
/// # Errors
/// If neither is available, the argument is invalid, or the network cannot be switched.
pub fn platform(args: &SimulateArgs, workload: &Workload) -> Result<Platform> {
    let platform = match (&args.platform, &workload.platform) {
        (Some(arg), _) => platform_arg::resolve(arg)?,
        (None, Some(own)) => own.clone(),
        (None, None) => bail!(
            "--platform is required: {} brings no processors of its own",
            workload.name
        ),
    };
    platform_arg::with_network(platform, args.network)
}

/// Runs the simulation (audited by [`RunSpec::execute`]) and writes the trace if asked.
///
/// # Errors
/// On any invalid input, a scheduler error, or an invariant violation.
pub fn run(args: &SimulateArgs) -> Result<(Summary, RunResult)> {
    let mut workload = workload(args)?;
    let platform = platform(args, &workload)?;
    workload.dag = crate::run::workflow_dag(workload.dag, &platform)?;
    // A task no node can run (memory, labels, cores) is an error naming the input and the task.
    sim::CostModel::new(&workload.dag, &platform).with_context(|| input(args))?;
    schedulers::registry::create(&args.scheduler, args.seed).context("--scheduler")?;
    schedulers::resource::create(&args.resource_manager).context("--resource-manager")?;
    if !(args.noise.is_finite() && args.noise >= 0.0) {
        bail!("--noise: expected a finite number >= 0, got {}", args.noise);
    }
    let spec = RunSpec {
        dag: &workload.dag,
        platform: &platform,
        scheduler: &args.scheduler,
        resource_manager: &args.resource_manager,
        settings: SimConfig {
            noise: Noise::lognormal(args.noise),
            seed: args.seed,
            failures: args.failures.clone(),
            checkpointing: args
                .checkpoint_cost
                .map(|cost| sim::Checkpointing { cost, interval: None }),
            speed_error: args.speed_error,
            ..SimConfig::default()
        },
    };
    let result = spec.execute()?;
    if let Some(path) = &args.trace {
        let trace = sim::trace::chrome_trace(&workload.dag, &platform, &result);
        crate::output::write_atomic(path, serde_json::to_string(&trace)?.as_bytes())?;
    }
    let summary = Summary {
        scheduler: result.scheduler.clone(),
        resource_manager: args.resource_manager.clone(),
        workload: workload.name,
        platform: platform.name().to_owned(),
        tasks: workload.dag.task_count(),
        edges: workload.dag.edge_count(),
        nodes: platform.node_count(),
        noise: args.noise,
        seed: args.seed,
        metrics: result.metrics,
        lost_runs: result.lost.len(),
        checked: true,
        node_use: node_use(&workload.dag, &platform, &result),
    };
    Ok((summary, result))
}

/// The summary as an aligned two-column table.
pub fn table(s: &Summary) -> String {
    let rows: [(&str, String); 18] = [
        ("scheduler", s.scheduler.clone()),
        ("resource manager", s.resource_manager.clone()),
        ("workload", s.workload.clone()),
        ("platform", s.platform.clone()),
        ("tasks / edges", format!("{} / {}", s.tasks, s.edges)),
        ("nodes", s.nodes.to_string()),
        ("noise sigma / seed", format!("{} / {}", s.noise, s.seed)),
        ("makespan", format!("{:.6} s", s.metrics.makespan)),
        ("SLR", format!("{:.4}", s.metrics.slr)),
        ("speedup", format!("{:.4}", s.metrics.speedup)),
        ("efficiency", format!("{:.4}", s.metrics.efficiency)),
        ("utilisation", format!("{:.1} %", s.metrics.utilisation * 100.0)),
        ("energy", format!("{:.3} J", s.metrics.energy_j)),
        ("energy-delay product", format!("{:.3} J·s", s.metrics.edp)),
        (
            "node-hours / cost",
            format!("{:.4} / {:.4}", s.metrics.node_hours, s.metrics.cost),
        ),
        ("bytes moved", format!("{:.0} B", s.metrics.bytes_moved)),
        (
            "lost to failures",
            format!(
                "{} runs, {:.3} core-s, {:.3} J",
                s.lost_runs, s.metrics.lost_work, s.metrics.wasted_energy_j
            ),
        ),
        (
            "invariant check",
            if s.checked {
                "passed".to_owned()
            } else {
                "failed".to_owned()
            },
        ),
    ];
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let mut text: String = rows.iter().map(|(k, v)| format!("{k:<width$}  {v}\n")).collect();
    if !s.node_use.is_empty() {
        text.push_str("per node           tasks  peak memory / memory\n");
        for n in &s.node_use {
            let capacity = n
                .memory_bytes
                .map_or_else(|| "unlimited".to_owned(), |m| format!("{m} B"));
            text.push_str(&format!(
                "  {:<16} {:>5}  {} B / {capacity}\n",
                n.node, n.tasks, n.peak_memory_bytes
            ));
        }
    }
    text
}
