//! Command-line definitions (clap) and dispatch.

pub mod simulate;
pub mod stream;
pub mod workload;

use crate::grid::sweep::SweepOptions;
use anyhow::{Context as _, Result, bail};
use clap::{Args, Parser, Subcommand};
use simulate::SimulateArgs;
use std::path::PathBuf;

/// schedlab: schedule task DAGs on heterogeneous platforms, simulate, compare.
#[derive(Debug, Parser)]
#[command(name = "schedlab", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one DAG on one platform with one scheduler and print the metrics.
    Simulate(SimulateCmd),
    /// List every scheduler with a one-line description and its parameters.
    Schedulers,
    /// List every resource manager (power-on/off policy) with what it models and its parameters.
    ResourceManagers,
    /// Describe platforms (every preset by default): nodes, cores, speeds, power, DVFS and links.
    Platforms(PlatformsCmd),
    /// Run an experiment grid (the built-in demo without CONFIG) and write its report.
    Run(RunCmd),
    /// Run the built-in demo experiment and write its report (same as `run` without CONFIG).
    Demo(DemoCmd),
    /// Write `report.html` (and PNG/SVG plots) for a finished results folder.
    Report(ReportCmd),
    /// Generate a DAG and write it to a file (format from the extension).
    Generate(GenerateCmd),
    /// Convert a DAG file to another format (from the output's extension).
    Convert(ConvertCmd),
    /// Print a DAG file's size and shape: tasks, edges, depth, width, work, critical path, CCR, kinds.
    Info(InfoCmd),
    /// Merge the shards of a results folder (`run --shard`) into the files `run` writes.
    Merge(MergeCmd),
    /// Run a sweep on a Slurm cluster as a job array of shards.
    Slurm(crate::grid::slurm::SlurmCmd),
    /// Fit a learned scheduler's model (the config's [train] table) and write the model file.
    Train(TrainCmd),
    /// Run a held-out grid and compare learned, HEFT, PEFT, auto and the oracle with 95% CIs (writes protocol.md).
    Evaluate(EvaluateCmd),
    /// Measure this machine (cores, kernel rate, dispatch overhead, copies) and write a platform file.
    Calibrate(CalibrateCmd),
    /// Run DAGs for real on this machine's cores and in simulation, and report the error.
    Validate(ValidateCmd),
    /// Simulate recorded WfCommons executions with tasks pinned where they ran; compare makespans.
    Replay(ReplayCmd),
    /// Search for an instance where a target scheduler does worst against a baseline (PISA's simulated annealing).
    Adversary(AdversaryCmd),
}

/// Arguments of `schedlab adversary`.
#[derive(Debug, Args)]
pub struct AdversaryCmd {
    /// The scheduler whose bad cases are sought: NAME or NAME:key=value,...
    #[arg(long, required_unless_present = "all", conflicts_with = "all")]
    pub target: Option<String>,
    /// The scheduler it is compared with.
    #[arg(long, required_unless_present = "all", conflicts_with = "all")]
    pub baseline: Option<String>,
    /// Search every ordered pair of these schedulers (names separated by `;`, or by
    /// `,` when no spec has parameters) and write a heatmap of worst ratios.
    #[arg(long, value_name = "SCHEDULERS")]
    pub all: Option<String>,
    /// What the ratio target / baseline compares.
    #[arg(long, value_enum, default_value = "makespan")]
    pub metric: crate::adversary::Metric,
    /// Tasks per instance.
    #[arg(long, default_value_t = 10)]
    pub tasks: u32,
    /// Nodes per instance (single-core, of varying speeds, joined by links of varying bandwidth).
    #[arg(long, default_value_t = 4)]
    pub nodes: u32,
    /// Start every restart from this platform (PRESET[:NODES] or a TOML file): its
    /// nodes and cores, speeds and bandwidths; moves then draw new speeds and
    /// bandwidths in the bounds. Without it, nodes are single-core and random.
    #[arg(long, conflicts_with = "nodes")]
    pub platform: Option<String>,
    /// Smallest drawn value (task work, edge bytes, node speed, link bandwidth).
    #[arg(long, default_value_t = 0.1)]
    pub low: f64,
    /// Largest drawn value.
    #[arg(long, default_value_t = 1.0)]
    pub high: f64,
    /// The network model; default: contention-free dedicated links.
    #[command(flatten)]
    pub network: crate::platform_arg::NetworkArg,
    /// Log-normal runtime noise sigma.
    #[arg(long, default_value_t = 0.0)]
    pub noise: f64,
    /// Seeded runs per scheduler and instance whose means are compared.
    #[arg(long, default_value_t = 1)]
    pub samples: u32,
    /// Node failures: mean time between failures of each node, in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub mtbf: Option<f64>,
    /// Annealing steps per restart.
    #[arg(long, default_value_t = 1000)]
    pub iterations: u32,
    /// Independent restarts (run in parallel).
    #[arg(long, default_value_t = 4)]
    pub restarts: u32,
    /// Seed of every draw.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output folder: summary.json, worst.json (the instance with its platform), trace.csv.
    #[arg(long)]
    pub out: PathBuf,
}

/// Arguments of `schedlab platforms`.
#[derive(Debug, Args)]
pub struct PlatformsCmd {
    /// Platform TOML files or PRESET[:NODES] (default: every preset with 8 nodes).
    pub platforms: Vec<String>,
    /// The network model to show them with.
    #[command(flatten)]
    pub network: crate::platform_arg::NetworkArg,
    /// Print a JSON array of {platform, nodes, cores, spec}; each spec is a platform file's content.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `schedlab merge`.
#[derive(Debug, Args)]
pub struct MergeCmd {
    /// The results folder whose `shards/` to merge.
    pub dir: PathBuf,
    /// Merge the done shards even if others are not done (the manifest lists the missing ones).
    #[arg(long)]
    pub allow_partial: bool,
    /// Skip the HTML report.
    #[arg(long)]
    pub no_report: bool,
}

/// Arguments of `schedlab evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateCmd {
    /// Experiment config: the held-out grid, listing `learned:MODEL` and the portfolio.
    pub config: PathBuf,
    /// Algorithm-selection model to score on the grid (its picks must be in the grid's schedulers).
    #[arg(long, value_name = "MODEL")]
    pub auto: Option<PathBuf>,
    /// Output folder (default: the config's `out`, else results/evaluate).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Arguments of `schedlab train`.
#[derive(Debug, Args)]
pub struct TrainCmd {
    /// Experiment config with a [train] table.
    pub config: PathBuf,
    /// Model file to write (JSON).
    #[arg(short = 'o', long = "output", value_name = "MODEL")]
    pub output: PathBuf,
    /// Worker threads (default: one per core); the model does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Arguments of `schedlab replay`.
#[derive(Debug, Args)]
pub struct ReplayCmd {
    /// WfCommons instances recording machines and makespanInSeconds (files or folders).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Take the workflow-system model from a platform file written by `replay --fit`
    /// (its [workflow_system] and task_overhead) instead of the defaults.
    #[arg(long, value_name = "PLATFORM")]
    pub model: Option<PathBuf>,
    /// Seconds between two job submissions (default: DAGMan's 5 s / 100 jobs).
    #[arg(long)]
    pub submit_interval: Option<f64>,
    /// Bytes per second at which a job stages its inputs (default: 1.25e9).
    #[arg(long)]
    pub staging_bandwidth: Option<f64>,
    /// Seconds of fixed cost per job that stages inputs (default: 0).
    #[arg(long)]
    pub staging_latency: Option<f64>,
    /// Seconds of each of the set-up and tear-down jobs (default: one 60 s negotiation cycle).
    #[arg(long)]
    pub auxiliary: Option<f64>,
    /// Seconds per job on the execute node, every node's task_overhead (default: 0).
    #[arg(long)]
    pub job_overhead: Option<f64>,
    /// Fit submit_interval, staging_bandwidth and job_overhead on every other instance
    /// (across families, per family with at least 4 fit-half instances, and per deployment key
    /// chosen by cross-validation on the fit half) and report on the rest.
    #[arg(long)]
    pub fit: bool,
    /// With --fit, write the calibrated platform (TOML) here.
    #[arg(long, value_name = "FILE", requires = "fit")]
    pub platform_out: Option<PathBuf>,
    /// With --fit, fit the per-job costs per deployment keyed by this recorded metadata
    /// (none, family, wms, os, site, family+os, family+site) instead of the key that
    /// wins leave-one-out cross-validation on the fit half.
    #[arg(long, value_name = "KEY", requires = "fit")]
    pub deployment_key: Option<String>,
    /// With --deployment-key, the parameters fitted per key: submit_interval or
    /// submit_interval+job_overhead.
    #[arg(
        long,
        value_name = "PARAMS",
        default_value = "submit_interval",
        requires = "deployment_key"
    )]
    pub keyed: String,
    /// With --deployment-key, how a key's own fit combines with the global fit:
    /// min-recordings (its own fit only with at least 4 fit-half recordings) or
    /// shrink:K (weight n/(n+K) on its own fit of n recordings).
    #[arg(
        long,
        value_name = "POOLING",
        default_value = "min-recordings",
        requires = "deployment_key"
    )]
    pub pooling: String,
    /// The network model to run every instance's platform with.
    #[command(flatten)]
    pub network: crate::platform_arg::NetworkArg,
}

/// Arguments of `schedlab calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateCmd {
    /// Output folder for calibration.toml and platform.toml.
    #[arg(long, default_value = "results/calibration")]
    pub out: PathBuf,
}

/// Arguments of `schedlab validate`.
#[derive(Debug, Args)]
pub struct ValidateCmd {
    /// Validation config (TOML), e.g. experiments/configs/validate.toml.
    pub config: PathBuf,
    /// Output folder (default: the config's `out`, else results/validate).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// What runs the DAGs for real, replacing the config's `runtime`: `own`
    /// (schedlab's executor) or `dask` (Dask's distributed scheduler).
    #[arg(long, value_name = "own|dask")]
    pub runtime: Option<String>,
    /// Dask workers with `--runtime dask` (default: the config's `workers`, else 2).
    #[arg(long)]
    pub workers: Option<usize>,
}

/// Arguments of `schedlab generate`.
#[derive(Debug, Args)]
pub struct GenerateCmd {
    /// Generator family, optionally with parameters: KIND or KIND:key=value,...
    /// (layered, topcuoglu, erdos-renyi, fork-join, in-tree, out-tree, pipeline,
    /// gaussian, fft, cholesky, lu, stencil, wavefront, map-reduce, stages, montage,
    /// epigenomics, 1000genome, cycles).
    pub kind: String,
    /// Further parameters as key=value (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Seed of the generator's random draws.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output file: .json (schedlab), .wfformat.json (WfCommons 1.5), .dot.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
}

/// Arguments of `schedlab convert`.
#[derive(Debug, Args)]
pub struct ConvertCmd {
    /// Input DAG file or folder, in any format `schedlab info` reads.
    pub input: PathBuf,
    /// Output file: .json (schedlab), .wfformat.json (WfCommons 1.5), .dot.
    pub output: PathBuf,
}

/// Arguments of `schedlab info`.
#[derive(Debug, Args)]
pub struct InfoCmd {
    /// DAG file or folder: schedlab JSON, WfCommons JSON, STG, DOT, DAX, FFT/Laplace text, reference CSV folder.
    pub file: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `schedlab run`.
#[derive(Debug, Args)]
pub struct RunCmd {
    /// Experiment config (TOML); the built-in demo when absent.
    pub config: Option<PathBuf>,
    /// Run only shard K of N: the cells whose identity hash is K modulo N, into
    /// OUT/shards/K-of-N (no report; `schedlab merge OUT` joins the shards).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::grid::shard::Shard>,
    /// After the sweep, write Chrome traces of the cells matching SELECTOR:
    /// KEY=VALUE,... with keys workload (label or name), platform, scheduler,
    /// noise, mtbf, seed (e.g. "scheduler=heft,seed=1"), or all.
    #[arg(long, value_name = "SELECTOR", requires = "trace_dir")]
    pub trace_cells: Option<crate::grid::select::Selector>,
    /// Folder for the traces of --trace-cells, one cell-INDEX.json per cell.
    #[arg(long, value_name = "DIR", requires = "trace_cells")]
    pub trace_dir: Option<PathBuf>,
    /// Output and parallelism.
    #[command(flatten)]
    pub sweep: SweepArgs,
}

/// Arguments of `schedlab demo`.
#[derive(Debug, Args)]
pub struct DemoCmd {
    /// Output and parallelism.
    #[command(flatten)]
    pub sweep: SweepArgs,
}

/// Options shared by `run` and `demo`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Output folder (default: the config's `out`, else results/NAME-OF-CONFIG).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Skip the HTML report.
    #[arg(long)]
    pub no_report: bool,
}

/// Arguments of `schedlab report`.
#[derive(Debug, Args)]
pub struct ReportCmd {
    /// A folder written by `schedlab run`.
    pub dir: PathBuf,
}

/// Arguments of `schedlab simulate`.
#[derive(Debug, Args)]
pub struct SimulateCmd {
    /// DAG file or folder (our JSON, WfCommons JSON, STG, DOT, DAX, reference CSV folder);
    /// with --stream, repeatable: each is an entry of the job mix.
    #[arg(long, required_unless_present_any = ["generate", "stream"])]
    pub dag: Vec<PathBuf>,
    /// Generate a DAG instead: KIND:key=value,... (e.g. layered:tasks=1000,ccr=1);
    /// with --stream, repeatable: each job draws a fresh DAG from an entry of the mix.
    #[arg(long)]
    pub generate: Vec<String>,
    /// Run a stream of jobs arriving over time instead of one DAG: poisson:rate=R,
    /// fixed:interval=T, mmpp:rates=R1/R2,mean_stay=S1/S2, diurnal:rate=R,amplitude=A,period=P,
    /// or trace:FILE.csv (rows arrival,dag[,weight,deadline]).
    #[arg(long, value_name = "ARRIVALS")]
    pub stream: Option<String>,
    /// With --stream: the number of jobs.
    #[arg(long, requires = "stream", value_name = "N")]
    pub jobs: Option<usize>,
    /// With --stream: no job arrives after this many seconds.
    #[arg(long, requires = "stream", value_name = "SECONDS")]
    pub horizon: Option<f64>,
    /// With --stream: offered load (arrival rate × mean job work / Σ cores × speed);
    /// replaces the arrival process's rate, keeping its shape.
    #[arg(long, requires = "stream")]
    pub load: Option<f64>,
    /// With --stream: write one CSV row per job (arrival, start, finish, JCT, slowdown, energy).
    #[arg(long, requires = "stream", value_name = "FILE.csv")]
    pub jobs_out: Option<PathBuf>,
    /// With --stream: keep only per-job outcomes and the summary metrics,
    /// folding finished jobs' runs into them and dropping their tasks, so
    /// memory follows the jobs in the system; the run is then not audited
    /// by the invariant checker (`"checked": false`), which needs every run.
    #[arg(long, requires = "stream")]
    pub summary_only: bool,
    /// Platform TOML file or PRESET[:NODES] (homogeneous, heterogeneous, edge-cloud);
    /// not needed when the DAG brings its own processors.
    #[arg(long)]
    pub platform: Option<String>,
    /// The network model to run the platform with.
    #[command(flatten)]
    pub network: crate::platform_arg::NetworkArg,
    /// Scheduler: NAME or NAME:key=value,... (see `schedlab schedulers`).
    #[arg(long, default_value = "heft")]
    pub scheduler: String,
    /// Resource manager that powers nodes on and off: NAME or NAME:key=value,...
    /// (see `schedlab resource-managers`); the default keeps every node on.
    #[arg(long, value_name = "SPEC", default_value = schedulers::resource::DEFAULT)]
    pub resource_manager: String,
    /// Log-normal runtime noise sigma (0 = actual runtimes equal the estimates).
    #[arg(long, default_value_t = 0.0)]
    pub noise: f64,
    /// Seed for generation, noise, failures and randomised schedulers.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Node failures: mean time between failures of each node, in seconds
    /// (exponential up times); off unless given.
    #[arg(long, value_name = "SECONDS")]
    pub mtbf: Option<f64>,
    /// Seconds a failed node stays down (with --mtbf).
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0, requires = "mtbf")]
    pub repair: f64,
    /// Checkpoint running tasks, each checkpoint costing SECONDS, at Young/Daly's
    /// interval sqrt(2 * MTBF * SECONDS) (with --mtbf).
    #[arg(long, value_name = "SECONDS", requires = "mtbf")]
    pub checkpoint: Option<f64>,
    /// Real node speeds differ from the declared ones the scheduler sees:
    /// key=value,... with keys slow, slow_factor, fast, fast_factor, drifting,
    /// drift_factor, drift_time (e.g. slow=0.25,fast=0.25,drifting=0.25).
    #[arg(long, value_name = "SPEC", default_value = "")]
    pub speed_error: sim::SpeedError,
    /// Write a Chrome trace-event JSON file (open in Perfetto or chrome://tracing).
    #[arg(long, value_name = "OUT.json")]
    pub trace: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `--mtbf` and `--repair` as the engine's failure setting.
fn failures(mtbf: Option<f64>, repair: f64) -> sim::Failures {
    mtbf.map_or(sim::Failures::None, |mtbf| sim::Failures::Exponential { mtbf, repair })
}

/// `schedlab simulate --stream`.
fn run_stream(cmd: SimulateCmd, out: &mut dyn std::io::Write) -> Result<()> {
    if cmd.checkpoint.is_some() || !cmd.speed_error.is_none() || cmd.trace.is_some() {
        bail!("--checkpoint, --speed-error and --trace do not apply to --stream yet");
    }
    let args = stream::StreamArgs {
        arrivals: cmd.stream.unwrap_or_default(),
        jobs: cmd.jobs,
        horizon: cmd.horizon,
        load: cmd.load,
        generate: cmd.generate,
        dags: cmd.dag,
        platform: cmd
            .platform
            .context("--platform is required with --stream (PRESET[:NODES] or a platform file)")?,
        network: cmd.network.network,
        scheduler: cmd.scheduler,
        resource_manager: cmd.resource_manager,
        noise: cmd.noise,
        seed: cmd.seed,
        failures: failures(cmd.mtbf, cmd.repair),
        jobs_out: cmd.jobs_out,
        record: if cmd.summary_only {
            sim::Record::Summary
        } else {
            sim::Record::Full
        },
    };
    let (summary, _) = stream::run(&args, &mut std::io::stderr())?;
    if cmd.json {
        writeln!(out, "{}", serde_json::to_string(&summary)?)?;
    } else {
        write!(out, "{}", stream::table(&summary))?;
    }
    Ok(())
}

/// Runs a parsed command line, writing its output to `out`.
///
/// # Errors
/// Whatever the command reports; `main` prints the chain and exits with 2.
pub fn run(cli: Cli, out: &mut dyn std::io::Write) -> Result<()> {
    match cli.command {
        Command::Run(cmd) => {
            let traces = cmd.trace_cells.as_ref().zip(cmd.trace_dir.as_deref());
            run_sweep(cmd.config.as_deref(), cmd.shard, traces, &cmd.sweep, out)?;
        }
        Command::Demo(cmd) => run_sweep(None, None, None, &cmd.sweep, out)?,
        Command::Merge(cmd) => {
            let summary = crate::results::merge::merge(&cmd.dir, cmd.allow_partial)?;
            writeln!(
                out,
                "merged {} runs ({} failed): {}",
                summary.cells,
                summary.failed,
                cmd.dir.join("results.csv").display()
            )?;
            finish(&cmd.dir, &summary, cmd.no_report, out)?;
        }
        Command::Slurm(cmd) => crate::grid::slurm::run(cmd, out)?,
        Command::Report(cmd) => {
            let path = crate::grid::report::write(&cmd.dir)?;
            writeln!(out, "report: {}", path.display())?;
        }
        Command::Generate(cmd) => {
            let written = workload::generate(&cmd.kind, &cmd.params, cmd.seed, &cmd.output)?;
            writeln!(out, "{}", workload::wrote(&cmd.output, &written))?;
        }
        Command::Convert(cmd) => {
            let written = workload::convert(&cmd.input, &cmd.output)?;
            writeln!(out, "{}", workload::wrote(&cmd.output, &written))?;
        }
        Command::Info(cmd) => {
            let stats = workload::info(&cmd.file)?;
            if cmd.json {
                writeln!(out, "{}", serde_json::to_string(&stats)?)?;
            } else {
                write!(out, "{}", workload::table(&stats))?;
            }
        }
        Command::Evaluate(cmd) => {
            crate::learning::evaluate::run(&cmd.config, cmd.auto.as_deref(), cmd.out, cmd.threads, out)?
        }
        Command::Train(cmd) => crate::learning::train::run(&cmd.config, &cmd.output, cmd.threads, out)?,
        Command::Simulate(cmd) if cmd.stream.is_some() => run_stream(cmd, out)?,
        Command::Simulate(cmd) => {
            if cmd.dag.len() + cmd.generate.len() > 1 {
                bail!("give one DAG with --dag or --generate; several make a job mix only with --stream");
            }
            let args = SimulateArgs {
                dag: cmd.dag.into_iter().next(),
                generate: cmd.generate.into_iter().next(),
                platform: cmd.platform,
                network: cmd.network.network,
                scheduler: cmd.scheduler,
                resource_manager: cmd.resource_manager,
                noise: cmd.noise,
                seed: cmd.seed,
                failures: failures(cmd.mtbf, cmd.repair),
                checkpoint_cost: cmd.checkpoint,
                speed_error: cmd.speed_error,
                trace: cmd.trace,
            };
            let (summary, _) = simulate::run(&args)?;
            if cmd.json {
                writeln!(out, "{}", serde_json::to_string(&summary)?)?;
            } else {
                write!(out, "{}", simulate::table(&summary))?;
            }
        }
        Command::Calibrate(cmd) => {
            let calibration = crate::real::calibrate::measure(crate::real::calibrate::CalibrateOptions::default())?;
            calibration.write(&cmd.out)?;
            writeln!(
                out,
                "{}\nwrote {}",
                calibration.summary(),
                cmd.out.join("platform.toml").display()
            )?;
        }
        Command::Validate(cmd) => run_validate(&cmd, out)?,
        Command::Replay(cmd) => run_replay(&cmd, out)?,
        Command::Adversary(cmd) => run_adversary(&cmd, out)?,
        Command::Platforms(cmd) => crate::platforms::run(&cmd.platforms, cmd.network.network, cmd.json, out)?,
        Command::Schedulers => {
            for info in schedulers::registry::all() {
                let nature = match info.nature {
                    schedulers::registry::Nature::Static => "static",
                    schedulers::registry::Nature::Online => "online",
                };
                writeln!(out, "{:<14} {:<7} {}", info.name, nature, info.description)?;
                for p in info.params {
                    writeln!(out, "{:<14} {:<7}   {}: {}", "", "", p.name, p.description)?;
                }
            }
            writeln!(out, "\nevery scheduler also accepts:")?;
            for p in schedulers::registry::COMMON_PARAMS {
                writeln!(out, "  {}: {}", p.name, p.description)?;
            }
        }
        Command::ResourceManagers => {
            for info in schedulers::resource::all() {
                writeln!(out, "{:<14} {}", info.name, info.description)?;
                for p in info.params {
                    writeln!(out, "{:<14}   {}: {}", "", p.name, p.description)?;
                }
            }
        }
    }
    Ok(())
}

/// `schedlab replay`: the model from `--model` or the defaults, with any
/// parameter given on the command line in its place.
/// `schedlab adversary`: searches (one pair, or every pair with `--all`),
/// writes the folder and prints the worst ratios.
fn run_adversary(cmd: &AdversaryCmd, out: &mut dyn std::io::Write) -> Result<()> {
    let options = crate::adversary::Options {
        target: cmd.target.clone().unwrap_or_default(),
        baseline: cmd.baseline.clone().unwrap_or_default(),
        metric: cmd.metric,
        tasks: cmd.tasks,
        nodes: cmd.nodes,
        bounds: crate::adversary::Bounds::new(cmd.low, cmd.high).context("--low/--high")?,
        network: cmd.network.network,
        noise: cmd.noise,
        samples: cmd.samples,
        mtbf: cmd.mtbf,
        iterations: cmd.iterations,
        restarts: cmd.restarts,
        seed: cmd.seed,
        start: match &cmd.platform {
            Some(arg) => Some(crate::platform_arg::with_network(
                crate::platform_arg::resolve(arg)?,
                cmd.network.network,
            )?),
            None => None,
        },
    };
    let options = crate::adversary::Options {
        nodes: options.start.as_ref().map_or(options.nodes, |p| p.node_count() as u32),
        network: options
            .start
            .as_ref()
            .map_or(options.network, |p| Some(p.network_model())),
        ..options
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cmd.threads.unwrap_or(0))
        .build()
        .context("cannot start the thread pool")?;
    let started = std::time::Instant::now();
    if let Some(all) = &cmd.all {
        let separator = if all.contains(';') { ';' } else { ',' };
        let names: Vec<String> = all
            .split(separator)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        let ratios = pool.install(|| crate::adversary::pairs::run(&options, &names, &cmd.out))?;
        let pairs = ratios.iter().flatten().flatten().count();
        writeln!(
            out,
            "{pairs} pairs in {:.1} s; heatmap: {}",
            started.elapsed().as_secs_f64(),
            cmd.out.join("index.html").display()
        )?;
        return Ok(());
    }
    let options = options.pinned()?;
    let outcome = pool.install(|| crate::adversary::search(&options))?;
    let seconds = started.elapsed().as_secs_f64();
    crate::adversary::write(&cmd.out, &options, &outcome, seconds)?;
    writeln!(
        out,
        "{} / {} {}: worst ratio {:.4} (restart {}), {} evaluations in {:.1} s ({:.0} per second): {}",
        options.target,
        options.baseline,
        options.metric.name(),
        outcome.best_ratio,
        outcome.restart,
        outcome.evaluations,
        seconds,
        outcome.evaluations as f64 / seconds.max(1e-9),
        cmd.out.display()
    )?;
    Ok(())
}

fn run_replay(cmd: &ReplayCmd, out: &mut dyn std::io::Write) -> Result<()> {
    let mut model = match &cmd.model {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let platform = sim::Platform::from_toml(&text).with_context(|| format!("{}", path.display()))?;
            crate::real::replay::Model::from_platform(&platform).with_context(|| format!("{}", path.display()))?
        }
        None => crate::real::replay::Model::default(),
    };
    let set = |flag: &str, value: Option<f64>, positive: bool, field: &mut f64| -> Result<()> {
        if let Some(v) = value {
            if !(v.is_finite() && if positive { v > 0.0 } else { v >= 0.0 }) {
                bail!(
                    "--{flag}: expected a finite number {} 0, got {v}",
                    if positive { ">" } else { ">=" }
                );
            }
            *field = v;
        }
        Ok(())
    };
    set(
        "submit-interval",
        cmd.submit_interval,
        false,
        &mut model.submit_interval,
    )?;
    set(
        "staging-bandwidth",
        cmd.staging_bandwidth,
        true,
        &mut model.staging_bandwidth,
    )?;
    set(
        "staging-latency",
        cmd.staging_latency,
        false,
        &mut model.staging_latency,
    )?;
    set("auxiliary", cmd.auxiliary, false, &mut model.auxiliary)?;
    set("job-overhead", cmd.job_overhead, false, &mut model.job_overhead)?;
    let options = crate::real::replay::Options {
        model,
        fit: cmd.fit,
        platform_out: cmd.platform_out.clone(),
        network: cmd.network.network,
        deployment_key: match &cmd.deployment_key {
            Some(kind) => Some(crate::real::deployment::Choice {
                kind: crate::real::deployment::KeyKind::parse(kind)?,
                keyed: crate::real::deployment::Keyed::parse(&cmd.keyed)?,
                pooling: crate::real::deployment::Pooling::parse(&cmd.pooling)?,
            }),
            None => None,
        },
    };
    crate::real::replay::run(&cmd.files, &options, out)
}

/// `schedlab validate`: real and simulated runs, results, report, and the summary on `out`.
fn run_validate(cmd: &ValidateCmd, out: &mut dyn std::io::Write) -> Result<()> {
    let mut config = crate::real::validate::ValidateConfig::load(&cmd.config)?;
    if cmd.runtime.is_some() || cmd.workers.is_some() {
        let workers = match config.runtime {
            crate::real::validate::Runtime::Dask { workers } => cmd.workers.or(Some(workers)),
            crate::real::validate::Runtime::Own => cmd.workers,
        };
        let name = cmd
            .runtime
            .as_deref()
            .unwrap_or(if workers.is_some() { "dask" } else { "own" });
        let runtime = crate::real::validate::Runtime::parse(name, workers).context("--runtime")?;
        config = config.with_runtime(runtime)?;
    }
    let dir = cmd
        .out
        .clone()
        .or_else(|| config.out.clone())
        .unwrap_or_else(|| PathBuf::from("results").join("validate"));
    let (started, load_start) = (std::time::Instant::now(), crate::real::calibrate::loadavg());
    let outcome = crate::real::validate::run(&config, &mut |row| {
        eprintln!(
            "run {:>3} {} seed {} {} rep {}: sim {:.4} s, real {:.4} s ({:+.2} %)",
            row.run,
            row.dag,
            row.seed,
            row.scheduler,
            row.repetition,
            row.sim_makespan,
            row.real_makespan,
            row.error_pct
        );
    })?;
    let load_end = crate::real::calibrate::loadavg();
    let report = crate::real::validate::write(
        &dir,
        &config,
        &outcome,
        (&load_start, &load_end),
        started.elapsed().as_secs_f64(),
    )?;
    write!(out, "{}", crate::real::validate::summary_table(&outcome.summary))?;
    writeln!(out, "loadavg before: {load_start}; after: {load_end}")?;
    writeln!(
        out,
        "results: {}\nreport: {}",
        dir.join("results.csv").display(),
        report.display()
    )?;
    Ok(())
}

/// `schedlab run`: the sweep, then the report.
///
/// # Errors
/// A bad config or I/O failure, or [`crate::grid::sweep::SomeRunsFailed`] when the
/// sweep finished but some cells failed (exit code 1).
fn run_sweep(
    config: Option<&std::path::Path>,
    shard: Option<crate::grid::shard::Shard>,
    traces: Option<(&crate::grid::select::Selector, &std::path::Path)>,
    args: &SweepArgs,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let config = match config {
        Some(path) => crate::grid::config::Config::load(path)?,
        None => crate::grid::config::Config::demo()?,
    };
    let dir = out_dir(args.out.as_deref(), &config);
    let options = SweepOptions {
        out: dir.clone(),
        threads: args.threads,
        progress: true,
    };
    let started = std::time::Instant::now();
    let (summary, written) = match shard {
        Some(shard) => (
            crate::grid::sweep::run_shard(&config, &options, shard)?,
            shard.dir(&dir).join("results.jsonl"),
        ),
        None => (crate::grid::sweep::run(&config, &options)?, dir.join("results.csv")),
    };
    writeln!(
        out,
        "{} runs ({} resumed from the journal, {} failed) in {:.1} s: {}",
        summary.cells,
        summary.resumed,
        summary.failed,
        started.elapsed().as_secs_f64(),
        written.display()
    )?;
    for reason in &summary.reruns {
        writeln!(out, "{reason}")?;
    }
    if let Some((selector, trace_dir)) = traces {
        let rows = crate::results::read_results(shard.map_or(dir.as_path(), |_| written.parent().unwrap_or(&dir)))?;
        let files = crate::grid::traces::write(&config, &rows, selector, trace_dir)?;
        writeln!(out, "{} traces ({selector}): {}", files.len(), trace_dir.display())?;
    }
    finish(&dir, &summary, args.no_report || shard.is_some(), out)
}

/// The results folder of a sweep: `--out`, else the config's `out`, else `results/experiment`.
pub fn out_dir(out: Option<&std::path::Path>, config: &crate::grid::config::Config) -> PathBuf {
    out.map(std::path::Path::to_path_buf)
        .or_else(|| config.out.clone())
        .unwrap_or_else(|| PathBuf::from("results").join("experiment"))
}

/// Writes the report unless `no_report`; fails with [`crate::grid::sweep::SomeRunsFailed`] if runs failed.
fn finish(
    dir: &std::path::Path,
    summary: &crate::grid::sweep::SweepSummary,
    no_report: bool,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    if !no_report {
        let path = crate::grid::report::write(dir)?;
        writeln!(out, "report: {}", path.display())?;
    }
    if summary.failed > 0 {
        return Err(crate::grid::sweep::SomeRunsFailed(summary.failed).into());
    }
    Ok(())
}
