//! `schedlab simulate --stream`: a stream of jobs on one platform under one scheduler.

use crate::platform_arg;
use crate::run::StreamSpec;
use anyhow::{Context as _, Result, bail};
use serde::Serialize;
use sim::job_metrics::StreamMetrics;
use sim::{Noise, Platform, SimConfig, StreamRun};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use workloads::stream::{JobMix, Limit, MixEntry, MixSource, Stream, StreamSource, Trace};

/// What to simulate.
#[derive(Debug, Clone)]
pub struct StreamArgs {
    /// Arrival process (`poisson:rate=R`, `fixed:interval=T`, `mmpp:…`,
    /// `diurnal:…`) or `trace:FILE.csv`.
    pub arrivals: String,
    /// Most jobs.
    pub jobs: Option<usize>,
    /// Last arrival time, seconds, and where the stream is measured.
    pub horizon: Option<f64>,
    /// Offered load, replacing the process's rate.
    pub load: Option<f64>,
    /// Generator specs of the job mix, weight 1 each.
    pub generate: Vec<String>,
    /// DAG files of the job mix, weight 1 each.
    pub dags: Vec<PathBuf>,
    /// A platform file or `PRESET[:NODES]`.
    pub platform: String,
    /// Switch the platform's network to this model (`--network`).
    pub network: Option<sim::platform::NetworkModel>,
    /// Scheduler spec.
    pub scheduler: String,
    /// Resource manager spec.
    pub resource_manager: String,
    /// Log-normal runtime noise σ.
    pub noise: f64,
    /// Seed of the arrivals, the mix, the noise and randomised schedulers.
    pub seed: u64,
    /// Node failures.
    pub failures: sim::Failures,
    /// Where to write one CSV row per job.
    pub jobs_out: Option<PathBuf>,
    /// How much of the run to keep: a summary record is not audited.
    pub record: sim::Record,
}

/// The summary `simulate --stream --json` prints: the stream metrics of
/// [`sim::job_metrics`], and the run's energy and utilisation.
#[derive(Debug, Serialize)]
pub struct StreamSummary {
    /// Scheduler name.
    pub scheduler: String,
    /// Resource manager spec.
    pub resource_manager: String,
    /// The arrival spec.
    pub arrivals: String,
    /// Platform name.
    pub platform: String,
    /// Offered load: arrival rate × expected job work / Σ cores × speed.
    pub load: f64,
    /// Seed.
    pub seed: u64,
    /// Tasks of every job.
    pub tasks: usize,
    /// Jobs, JCT, slowdown, fairness, throughput, jobs in system, makespan, deadlines.
    #[serde(flatten)]
    pub metrics: StreamMetrics,
    /// The run's energy, joules.
    pub energy_j: f64,
    /// The run's energy over the jobs that arrived (the run finishes them all), joules.
    pub energy_per_job_j: Option<f64>,
    /// Busy core-seconds over cores × makespan.
    pub utilisation: f64,
    /// Node-hours powered over the run.
    pub node_hours: f64,
    /// What the powered time costs at the nodes' prices.
    pub cost: f64,
    /// Whether the invariant checker passed.
    pub checked: bool,
}

/// The stream the arguments describe, and its offered load on `platform`.
///
/// # Errors
/// A malformed arrival spec, a mix entry that cannot be read or generated,
/// `--load` with a trace or not > 0, a missing limit.
pub fn stream(args: &StreamArgs, platform: &Platform) -> Result<(Stream, f64)> {
    let limit = Limit {
        jobs: args.jobs,
        horizon: args.horizon,
    };
    let source = match args.arrivals.strip_prefix("trace:") {
        Some(path) => {
            if args.load.is_some() {
                bail!("--load scales an arrival process's rate; a trace's arrivals are recorded");
            }
            if !(args.generate.is_empty() && args.dags.is_empty()) {
                bail!("a trace names each job's DAG; --generate and --dag are for arrival processes");
            }
            StreamSource::Trace(Trace::read(Path::new(path))?)
        }
        None => {
            let entries: Vec<MixEntry> = args
                .generate
                .iter()
                .map(|spec| MixSource::Generator(spec.clone()))
                .chain(args.dags.iter().map(|path| MixSource::File(path.clone())))
                .map(|source| MixEntry { source, weight: 1.0 })
                .collect();
            if entries.is_empty() {
                bail!("--stream needs a job mix: --generate SPEC or --dag FILE, each repeatable");
            }
            if args.load.is_some_and(|load| !(load.is_finite() && load > 0.0)) {
                bail!(
                    "--load: expected a finite number > 0, got {}",
                    args.load.unwrap_or_default()
                );
            }
            StreamSource::process(&args.arrivals, args.load, JobMix::new(entries)?, platform).context("--stream")?
        }
    };
    let stream = Stream::new(source, limit)?;
    let load = stream.offered_load(platform)?;
    Ok((stream, load))
}

/// Runs the stream (audited by [`StreamSpec::execute`] unless the record is a
/// summary) and writes the jobs' CSV if asked.
///
/// # Errors
/// On any invalid input, a scheduler error, or an invariant violation.
pub fn run(args: &StreamArgs, warnings: &mut dyn std::io::Write) -> Result<(StreamSummary, StreamRun)> {
    let platform = platform_arg::with_network(platform_arg::resolve(&args.platform)?, args.network)?;
    let (stream, load) = stream(args, &platform)?;
    if load >= 1.0 {
        writeln!(
            warnings,
            "warning: offered load {load:.3} >= 1: the platform cannot keep up and jobs queue without bound until the stream's last arrival; with --horizon the stream is measured there and jobs not done by then are reported unfinished"
        )?;
    }
    if !(args.noise.is_finite() && args.noise >= 0.0) {
        bail!("--noise: expected a finite number >= 0, got {}", args.noise);
    }
    let spec = StreamSpec {
        stream: &stream,
        platform: &platform,
        scheduler: &args.scheduler,
        resource_manager: &args.resource_manager,
        settings: SimConfig {
            noise: Noise::lognormal(args.noise),
            seed: args.seed,
            failures: args.failures.clone(),
            record: args.record,
            ..SimConfig::default()
        },
    };
    let run = spec.execute().context("--stream")?;
    let energy = run.job_energy(&platform);
    if let Some(path) = &args.jobs_out {
        crate::output::write_atomic(path, jobs_csv(&run, &energy).as_bytes())?;
    }
    let metrics = run.metrics(stream.limit().horizon);
    let summary = StreamSummary {
        scheduler: run.result.scheduler.clone(),
        resource_manager: args.resource_manager.clone(),
        arrivals: args.arrivals.clone(),
        platform: platform.name().to_owned(),
        load,
        seed: args.seed,
        tasks: run.dag.task_count(),
        energy_j: run.result.metrics.energy_j,
        energy_per_job_j: (!run.jobs.is_empty()).then(|| run.result.metrics.energy_j / run.jobs.len() as f64),
        utilisation: run.result.metrics.utilisation,
        node_hours: run.result.metrics.node_hours,
        cost: run.result.metrics.cost,
        metrics,
        checked: args.record == sim::Record::Full,
    };
    Ok((summary, run))
}

/// One row per job: `job,arrival,tasks,first_start,finish,jct,slowdown,waiting,lower_bound,weight,deadline,energy_j`
/// (empty cells for what did not happen).
pub fn jobs_csv(run: &StreamRun, energy: &[f64]) -> String {
    let mut csv = String::from(
        "job,arrival,tasks,first_start,finish,jct,slowdown,waiting,lower_bound,weight,deadline,energy_j\n",
    );
    let cell = |x: Option<f64>| x.map_or(String::new(), |x| x.to_string());
    for (j, (job, energy)) in run.jobs.iter().zip(energy).enumerate() {
        let o = job.outcome();
        let _ = writeln!(
            csv,
            "{j},{},{},{},{},{},{},{},{},{},{},{energy}",
            o.arrival,
            job.info.n_tasks,
            cell(o.first_start),
            cell(o.finish),
            cell(o.jct()),
            cell(o.slowdown()),
            cell(o.waiting()),
            o.lower_bound,
            o.weight,
            cell(o.deadline),
        );
    }
    csv
}

/// The summary as an aligned two-column table.
pub fn table(s: &StreamSummary) -> String {
    let m = &s.metrics;
    let secs = |x: Option<f64>| x.map_or("-".to_owned(), |x| format!("{x:.4} s"));
    let num = |x: Option<f64>| x.map_or("-".to_owned(), |x| format!("{x:.4}"));
    let rows = [
        ("scheduler", s.scheduler.clone()),
        ("resource manager", s.resource_manager.clone()),
        ("arrivals", s.arrivals.clone()),
        ("platform", s.platform.clone()),
        ("offered load / seed", format!("{:.3} / {}", s.load, s.seed)),
        ("jobs finished / unfinished", format!("{} / {}", m.jobs, m.unfinished)),
        ("tasks", s.tasks.to_string()),
        ("mean / p50 JCT", format!("{} / {}", secs(m.mean_jct), secs(m.p50_jct))),
        ("p95 / p99 JCT", format!("{} / {}", secs(m.p95_jct), secs(m.p99_jct))),
        (
            "mean / p95 slowdown",
            format!("{} / {}", num(m.mean_slowdown), num(m.p95_slowdown)),
        ),
        ("Jain's fairness (slowdown)", num(m.jain_fairness)),
        ("throughput", format!("{:.4} jobs/s", m.throughput)),
        ("jobs in system (time avg)", format!("{:.4}", m.jobs_in_system)),
        (
            "makespan / measured until",
            format!("{:.4} s / {:.4} s", m.makespan, m.measured_until),
        ),
        ("utilisation", format!("{:.1} %", s.utilisation * 100.0)),
        (
            "energy / per job",
            format!(
                "{:.3} J / {}",
                s.energy_j,
                s.energy_per_job_j.map_or("-".to_owned(), |e| format!("{e:.3} J"))
            ),
        ),
        ("node-hours / cost", format!("{:.4} / {:.4}", s.node_hours, s.cost)),
        (
            "deadline misses / mean tardiness",
            format!("{} / {}", m.deadline_misses, secs(m.mean_tardiness)),
        ),
        (
            "invariant check",
            if s.checked { "passed" } else { "failed" }.to_owned(),
        ),
    ];
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    rows.iter().map(|(k, v)| format!("{k:<width$}  {v}\n")).collect()
}
