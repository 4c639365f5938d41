//! Job streams against queueing theory and the stream invariants.

use sim::{DagBuilder, SimConfig, StreamJob, StreamRun, TaskSpec, simulate_stream};
use std::sync::Arc;
use workloads::stream::{ArrivalProcess, JobMix, Limit, MixEntry, MixSource, Stream, StreamSource};

fn run(jobs: impl IntoIterator<Item = StreamJob>, platform: &str, scheduler: &str, seed: u64) -> StreamRun {
    let (kind, n) = platform.split_once(':').unwrap();
    let platform = sim::presets::preset(kind, n.parse().unwrap()).unwrap();
    let mut scheduler = schedulers::registry::create_for_stream(scheduler, seed).unwrap();
    let config = SimConfig {
        seed,
        ..SimConfig::default()
    };
    let run = simulate_stream(jobs.into_iter().map(Ok), &platform, &mut scheduler, &config).unwrap();
    sim::check::check_stream(&run, &platform).unwrap();
    run
}

/// Jobs of one task of `work` reference seconds, arriving as a Poisson process of `rate`.
fn one_task_jobs(rate: f64, n: usize, seed: u64) -> impl Iterator<Item = StreamJob> {
    let dag = {
        let mut b = DagBuilder::new();
        b.add_task(TaskSpec::new("t", 1.0));
        Arc::new(b.build().unwrap())
    };
    let times = ArrivalProcess::parse(&format!("poisson:rate={rate}"))
        .unwrap()
        .times_from_seed(seed);
    times.take(n).map(move |arrival| StreamJob {
        dag: Arc::clone(&dag),
        arrival,
        weight: 1.0,
        deadline: None,
    })
}

/// Mean of `values` and the half-width of its 99% confidence interval by
/// batch means (30 batches; Student's t with 29 degrees of freedom).
fn batch_means_99(values: &[f64]) -> (f64, f64) {
    const BATCHES: usize = 30;
    const T_99_29: f64 = 2.756;
    let size = values.len() / BATCHES;
    let means: Vec<f64> = values
        .chunks_exact(size)
        .take(BATCHES)
        .map(|c| c.iter().sum::<f64>() / size as f64)
        .collect();
    let mean = means.iter().sum::<f64>() / BATCHES as f64;
    let var = means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (BATCHES - 1) as f64;
    (mean, T_99_29 * (var / BATCHES as f64).sqrt())
}

/// M/D/1: Poisson arrivals at λ, service 1 s, one server, FIFO. The
/// Pollaczek–Khinchine mean sojourn time is 1 + λ / (2 (1 − λ)).
fn md1_sojourn(rate: f64, jobs: usize, tolerance: f64) {
    let expected = 1.0 + rate / (2.0 * (1.0 - rate));
    let run = run(one_task_jobs(rate, jobs, 7), "homogeneous:1", "job-fifo", 7);
    let jct: Vec<f64> = run.outcomes().iter().map(|o| o.jct().unwrap()).collect();
    let (mean, half_width) = batch_means_99(&jct);
    assert!(
        (mean - expected).abs() <= half_width,
        "λ = {rate}: mean JCT {mean:.4} ± {half_width:.4} (99%) misses the P-K value {expected}"
    );
    assert!(
        half_width <= tolerance * expected,
        "λ = {rate}: the 99% interval ±{half_width:.4} is wider than {tolerance} of {expected}"
    );
}

#[test]
fn md1_at_half_load_matches_pollaczek_khinchine() {
    md1_sojourn(0.5, 100_000, 0.02);
}

#[test]
fn md1_at_load_0_8_matches_pollaczek_khinchine() {
    md1_sojourn(0.8, 300_000, 0.03);
}

/// Little's law L = λW on a random stream of DAGs on several nodes, with
/// the arrival process's nominal λ.
#[test]
fn littles_law_holds_on_a_multi_node_stream() {
    let platform = sim::presets::preset("homogeneous", 8).unwrap();
    let mix = JobMix::new(vec![
        MixEntry {
            source: MixSource::Generator("fork-join:width=4,ccr=0.1".into()),
            weight: 1.0,
        },
        MixEntry {
            source: MixSource::Generator("layered:tasks=20,ccr=0.1".into()),
            weight: 1.0,
        },
    ])
    .unwrap();
    let rate = workloads::stream::rate_for_load(0.5, mix.expected_work(), &platform);
    let arrivals = ArrivalProcess::parse("poisson:rate=1").unwrap().with_mean_rate(rate);
    let stream = Stream::new(
        StreamSource::Process { arrivals, mix },
        Limit {
            jobs: Some(10_000),
            horizon: None,
        },
    )
    .unwrap();
    let mut scheduler = schedulers::registry::create_for_stream("online-eft", 3).unwrap();
    let config = SimConfig {
        seed: 3,
        ..SimConfig::default()
    };
    let run = simulate_stream(stream.sim_jobs(3), &platform, &mut scheduler, &config).unwrap();
    sim::check::check_stream(&run, &platform).unwrap();
    let m = run.metrics(None);
    let little = rate * m.mean_jct.unwrap();
    assert!(
        (m.jobs_in_system / little - 1.0).abs() < 0.02,
        "L = {} but λW = {little}",
        m.jobs_in_system
    );
}

/// HEFT per arrival plans a job on the work already placed: two one-task
/// jobs arriving together on two equal nodes go to different nodes.
#[test]
fn heft_per_arrival_plans_around_earlier_jobs() {
    let dag = {
        let mut b = DagBuilder::new();
        b.add_task(TaskSpec::new("t", 4.0));
        Arc::new(b.build().unwrap())
    };
    let job = |arrival| StreamJob {
        dag: Arc::clone(&dag),
        arrival,
        weight: 1.0,
        deadline: None,
    };
    let run = run([job(0.0), job(1.0)], "homogeneous:2", "heft", 1);
    let nodes: Vec<_> = run.result.tasks.iter().map(|r| r.node).collect();
    assert_ne!(nodes[0], nodes[1], "the second job queued behind the first");
    let finish: Vec<f64> = run.outcomes().iter().map(|o| o.finish.unwrap()).collect();
    assert_eq!(finish, [4.0, 5.0]);
}

/// A scheduler sees a job only from its arrival on.
#[test]
fn schedulers_never_see_future_jobs() {
    struct Spy {
        inner: Box<dyn sim::Scheduler>,
        arrivals: Vec<f64>,
    }
    impl sim::Scheduler for Spy {
        fn name(&self) -> &str {
            "spy"
        }
        fn plan(&mut self, view: &sim::SimView<'_>, out: &mut sim::Decisions) {
            assert_eq!(view.dag().task_count(), 0, "the stream starts with no job");
            self.inner.plan(view, out);
        }
        fn on_update(&mut self, view: &sim::SimView<'_>, update: &sim::Update<'_>, out: &mut sim::Decisions) {
            let now = view.now();
            let arrived = self
                .arrivals
                .iter()
                .filter(|&&a| sim::SimTime::from_secs_f64(a) <= now)
                .count();
            // One task per job: the DAG holds exactly the jobs arrived by now.
            assert_eq!(view.dag().task_count(), arrived, "at {now} s");
            assert!(view.job(sim::JobId::new(arrived)).is_none());
            self.inner.on_update(view, update, out);
        }
    }
    let jobs: Vec<StreamJob> = one_task_jobs(0.7, 500, 11).collect();
    let mut spy = Spy {
        inner: schedulers::registry::create_for_stream("online-eft", 11).unwrap(),
        arrivals: jobs.iter().map(|j| j.arrival).collect(),
    };
    let platform = sim::presets::preset("homogeneous", 2).unwrap();
    let run = simulate_stream(jobs.into_iter().map(Ok), &platform, &mut spy, &SimConfig::default()).unwrap();
    sim::check::check_stream(&run, &platform).unwrap();
}

/// Online policies, job policies and static planners per arrival.
const STREAM_POLICIES: [&str; 18] = [
    "job-fifo",
    "sjf-cp",
    "srpt",
    "fair",
    "weighted-fair",
    "tetris",
    "edf",
    "fifo",
    "random",
    "online-eft",
    "adaptive",
    "dask",
    "work-stealing",
    "online-min-min",
    "heft",
    "cpop",
    "peft",
    "min-min",
];

/// A Poisson stream of `jobs` layered 12-task jobs at `load` on `platform`.
fn layered_stream(platform: &sim::Platform, load: f64, jobs: usize) -> Stream {
    let mix = JobMix::new(vec![MixEntry {
        source: MixSource::Generator("layered:tasks=12".into()),
        weight: 1.0,
    }])
    .unwrap();
    let rate = workloads::stream::rate_for_load(load, mix.expected_work(), platform);
    let arrivals = ArrivalProcess::parse("poisson:rate=1").unwrap().with_mean_rate(rate);
    Stream::new(
        StreamSource::Process { arrivals, mix },
        Limit {
            jobs: Some(jobs),
            horizon: None,
        },
    )
    .unwrap()
}

/// Every stream policy and a static planner per arrival run a mixed stream,
/// and the same seed gives the same run.
#[test]
fn every_stream_policy_runs_and_is_deterministic() {
    let platform = sim::presets::preset("heterogeneous", 6).unwrap();
    let stream = layered_stream(&platform, 0.8, 60);
    for spec in STREAM_POLICIES {
        let once = || {
            let mut scheduler = schedulers::registry::create_for_stream(spec, 5).unwrap();
            let config = SimConfig {
                seed: 5,
                ..SimConfig::default()
            };
            let run = simulate_stream(stream.sim_jobs(5), &platform, &mut scheduler, &config)
                .unwrap_or_else(|e| panic!("{spec}: {e}"));
            sim::check::check_stream(&run, &platform).unwrap_or_else(|v| panic!("{spec}: {v:?}"));
            format!("{:?}{:?}", run.result.tasks, run.jobs)
        };
        assert_eq!(once(), once(), "{spec}");
    }
}

/// A summary record (`Record::Summary`: retired jobs' runs folded into the
/// metrics, their tasks dropped from the DAG) gives every metric and every
/// job's outcome and energy of the full record, for every stream policy:
/// exactly, but for per-node energy, whose busy part is summed apart from
/// the idle part (relative difference ≤ 1e-12). A policy that reads a retired
/// task of the DAG fails here in debug builds.
#[test]
fn a_summary_record_keeps_the_full_records_metrics() {
    let platform = sim::presets::preset("heterogeneous", 6).unwrap();
    let stream = layered_stream(&platform, 0.8, 80);
    // A policy that leaves an early job running long retires no job before the stream ends.
    let mut retired_none: Vec<&str> = Vec::new();
    for spec in STREAM_POLICIES {
        let run = |record| {
            let mut scheduler = schedulers::registry::create_for_stream(spec, 5).unwrap();
            let config = SimConfig {
                seed: 5,
                noise: sim::Noise::lognormal(0.2),
                record,
                ..SimConfig::default()
            };
            simulate_stream(stream.sim_jobs(5), &platform, &mut scheduler, &config)
                .unwrap_or_else(|e| panic!("{spec}: {e}"))
        };
        let (full, summary) = (run(sim::Record::Full), run(sim::Record::Summary));
        if summary.dag.first_task().index() == 0 {
            retired_none.push(spec);
        }
        assert_summary_keeps_the_metrics(spec, &full, &summary, &platform);
    }
}

/// Asserts that `summary`, a summary record of the run `full` recorded in
/// full, kept no task run nor transfer but every metric and job outcome:
/// exactly, but for the energy (and EDP) whose per-node busy part it sums
/// apart, within 10^-12.
fn assert_summary_keeps_the_metrics(spec: &str, full: &StreamRun, summary: &StreamRun, platform: &sim::Platform) {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(b.abs());
    assert!(
        summary.result.tasks.is_empty() && summary.result.transfers.is_empty(),
        "{spec}"
    );
    assert!(!full.result.transfers.is_empty(), "{spec}: no transfer to sum");
    let (f, s) = (full.result.metrics, summary.result.metrics);
    assert!(
        close(f.energy_j, s.energy_j) && close(f.edp, s.edp),
        "{spec}: {f:?} {s:?}"
    );
    let exact = sim::Metrics {
        energy_j: f.energy_j,
        edp: f.edp,
        ..s
    };
    assert_eq!(f, exact, "{spec}");
    assert_eq!(format!("{:?}", full.jobs), format!("{:?}", summary.jobs), "{spec}");
    assert_eq!(full.job_energy(platform), summary.job_energy(platform), "{spec}");
    assert_eq!(full.metrics(None), summary.metrics(None), "{spec}");
    let (fe, se) = (&full.result.node_energy_j, &summary.result.node_energy_j);
    assert!(
        fe.len() == se.len() && fe.iter().zip(se).all(|(&a, &b)| close(a, b)),
        "{spec}"
    );
}

/// A summary record drops the runs of retired jobs from the engine's run
/// table, so on a long stream the table holds about the jobs in the system,
/// not every run of the stream, while the metrics stay the full record's.
/// Under node failures and noise, events still queued name runs the table
/// has dropped (superseded run ends, moot transfers); they must read as
/// stale, which the debug build's assertion on reading a dropped row checks.
#[test]
fn a_summary_records_run_table_follows_the_jobs_in_the_system() {
    let platform = sim::presets::preset("homogeneous", 8).unwrap();
    let stream = layered_stream(&platform, 0.7, 1500);
    let calm = SimConfig {
        seed: 3,
        ..SimConfig::default()
    };
    let rough = SimConfig {
        seed: 3,
        noise: sim::Noise::lognormal(0.2),
        failures: sim::Failures::exponential(2000.0, 2.0),
        ..SimConfig::default()
    };
    // Job-level policies under failures: online EFT then leaves an early
    // job waiting long, which holds back every later job's retirement.
    let cases = [
        ("online-eft", &calm),
        ("heft", &calm),
        ("job-fifo", &rough),
        ("fair", &rough),
    ];
    for (spec, config) in cases {
        let run = |record| {
            let mut scheduler = schedulers::registry::create_for_stream(spec, 3).unwrap();
            let config = SimConfig {
                record,
                ..config.clone()
            };
            simulate_stream(stream.sim_jobs(3), &platform, &mut scheduler, &config)
                .unwrap_or_else(|e| panic!("{spec}: {e}"))
        };
        let (full, summary) = (run(sim::Record::Full), run(sim::Record::Summary));
        assert_summary_keeps_the_metrics(spec, &full, &summary, &platform);
        let tasks = full.dag.task_count();
        assert!(full.peak_runs_held >= tasks, "{spec}: {} rows", full.peak_runs_held);
        assert!(
            summary.peak_runs_held * 20 <= tasks,
            "{spec}: {} of {tasks} runs held",
            summary.peak_runs_held
        );
        if config.failures != calm.failures {
            assert!(!full.result.lost.is_empty(), "{spec}: no run was lost");
        }
        eprintln!(
            "{spec}: {} of {tasks} runs held at the peak (full record {})",
            summary.peak_runs_held, full.peak_runs_held
        );
    }
}

/// A summary record keeps no runs to find the peak memory from, so it
/// refuses a job whose tasks declare memory, naming the job and the task.
#[test]
fn a_summary_record_refuses_jobs_that_declare_memory() {
    let dag = {
        let mut b = DagBuilder::new();
        b.add_task(TaskSpec::new("plain", 1.0));
        b.add_task(TaskSpec::new("big", 1.0).memory_bytes(1e9));
        Arc::new(b.build().unwrap())
    };
    let platform = sim::presets::preset("homogeneous", 2).unwrap();
    let jobs = [0.0, 1.0].map(|arrival| {
        Ok(StreamJob {
            dag: Arc::clone(&dag),
            arrival,
            weight: 1.0,
            deadline: None,
        })
    });
    let mut scheduler = schedulers::registry::create_for_stream("job-fifo", 1).unwrap();
    let config = SimConfig {
        record: sim::Record::Summary,
        ..SimConfig::default()
    };
    let err = simulate_stream(jobs, &platform, &mut scheduler, &config)
        .unwrap_err()
        .to_string();
    assert!(err.contains("job 0: task \"big\" declares memory"), "{err}");
}

/// A `[stream]` grid runs and fills the stream columns; bad stream keys are
/// errors naming the key and line.
#[test]
fn stream_configs_run_and_reject_bad_keys() {
    use experiments::grid::config::Config;
    let config = |stream: &str, extra: &str| {
        format!(
            "schedulers = [\"job-fifo\", \"heft\"]\nseeds = 1\n{stream}\n[[workloads]]\nfamily = \"layered\"\nparams = {{ tasks = 8 }}\n{extra}\n[[platforms]]\npreset = \"homogeneous\"\nnodes = 4\n"
        )
    };
    let good = config(
        "[stream]\narrivals = \"poisson:rate=1\"\nload = [0.5, 0.8]\njobs = 20",
        "weight = 2",
    );
    let parsed = Config::parse(&good, std::path::Path::new(".")).unwrap();
    assert_eq!(parsed.cells().count(), 4);
    let row = experiments::grid::sweep::run_cell(&parsed, &parsed.cells().next().unwrap());
    assert_eq!(row.error, "");
    assert_eq!(row.family, "stream");
    assert!(row.get(&experiments::results::metrics::MEAN_JCT).is_some());
    let jobs = experiments::results::metrics::by_key("jobs").unwrap();
    assert_eq!(row.get(jobs), Some(20.0));

    for (stream, extra, expected) in [
        (
            "[stream]\narrivals = \"poisson:rate=1\"\nload = -1\njobs = 5",
            "",
            "stream.load (line 5",
        ),
        (
            "[stream]\narrivals = \"bursty:rate=1\"\njobs = 5",
            "",
            "unknown arrival kind",
        ),
        ("[stream]\narrivals = \"poisson:rate=1\"", "", "jobs=N or horizon"),
        ("", "weight = 2", "weights are for the job mix"),
    ] {
        let err = Config::parse(&config(stream, extra), std::path::Path::new("."))
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(err.contains(expected), "{stream:?}: {err}");
    }

    // A trace names its jobs' DAGs: it needs no [[workloads]], and a mix
    // that no arrival would draw from is refused rather than ignored.
    let dir = std::env::temp_dir().join("schedlab-stream-config-trace");
    std::fs::create_dir_all(&dir).unwrap();
    let dag = workloads::generate("layered:tasks=6", 1).unwrap();
    let job = workloads::Workload {
        dag,
        platform: None,
        name: "job".to_owned(),
    };
    workloads::save(&job, &dir.join("job.json")).unwrap();
    std::fs::write(dir.join("trace.csv"), "arrival,dag\n0,job.json\n2.5,job.json\n").unwrap();
    let platforms = "[[platforms]]\npreset = \"homogeneous\"\nnodes = 2\n";
    let trace_only =
        format!("schedulers = [\"job-fifo\"]\nseeds = 1\n[stream]\narrivals = \"trace:trace.csv\"\n{platforms}");
    let parsed = Config::parse(&trace_only, &dir).unwrap();
    let row = experiments::grid::sweep::run_cell(&parsed, &parsed.cells().next().unwrap());
    assert_eq!((row.error.as_str(), row.get(jobs)), ("", Some(2.0)));
    let with_mix = config("[stream]\narrivals = \"trace:trace.csv\"", "");
    let err = format!("{:#}", Config::parse(&with_mix, &dir).unwrap_err());
    assert!(err.contains("would be ignored") && err.contains("line 4"), "{err}");
    let no_mix = format!(
        "schedulers = [\"job-fifo\"]\nseeds = 1\n[stream]\narrivals = \"poisson:rate=1\"\njobs = 3\n{platforms}"
    );
    let err = format!("{:#}", Config::parse(&no_mix, &dir).unwrap_err());
    assert!(err.contains("give at least one entry"), "{err}");
}

/// The command line refuses a stream without a mix and a load that is not > 0.
#[test]
fn simulate_stream_rejects_bad_arguments() {
    use clap::Parser as _;
    let run = |args: &[&str]| {
        let cli = experiments::cli::Cli::try_parse_from(args).unwrap();
        let mut out = Vec::new();
        experiments::cli::run(cli, &mut out)
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default()
    };
    let base = [
        "schedlab",
        "simulate",
        "--stream",
        "poisson:rate=1",
        "--jobs",
        "3",
        "--platform",
        "homogeneous:2",
    ];
    assert!(run(&base).contains("needs a job mix"));
    let with = |extra: &[&'static str]| base.iter().chain(extra).copied().collect::<Vec<_>>();
    assert!(run(&with(&["--generate", "layered:tasks=5", "--load", "0"])).contains("--load"));
    assert!(run(&with(&["--generate", "layered:tasks=5", "--scheduler", "auto"])).contains("cannot run a job stream"));
    let trace = std::env::temp_dir().join("schedlab-stream-missing.csv");
    std::fs::write(&trace, "arrival,dag\n0,nope.json\n").unwrap();
    let err = run(&[
        "schedlab",
        "simulate",
        "--stream",
        &format!("trace:{}", trace.display()),
        "--platform",
        "homogeneous:2",
    ]);
    assert!(err.contains("line 2"), "{err}");
}

/// A stream of one job arriving at 0 is the single-DAG run: the same
/// records for a static planner (planned per arrival) and an online policy.
#[test]
fn a_one_job_stream_is_the_single_dag_run() {
    let dag = workloads::generate("layered:tasks=60,ccr=1", 4).unwrap();
    let platform = sim::presets::preset("heterogeneous", 6).unwrap();
    let config = SimConfig {
        seed: 4,
        noise: sim::Noise::lognormal(0.3),
        ..SimConfig::default()
    };
    for spec in ["heft", "cpop", "online-eft", "dask"] {
        let mut single = schedulers::registry::create(spec, 4).unwrap();
        let alone = sim::simulate(&dag, &platform, &mut single, &config).unwrap();
        let job = StreamJob {
            dag: Arc::new(dag.clone()),
            arrival: 0.0,
            weight: 1.0,
            deadline: None,
        };
        let mut streamed = schedulers::registry::create_for_stream(spec, 4).unwrap();
        let run = simulate_stream([Ok(job)], &platform, &mut streamed, &config).unwrap();
        assert_eq!(run.result.tasks, alone.tasks, "{spec}");
        assert_eq!(run.result.transfers, alone.transfers, "{spec}");
        assert_eq!(run.jobs[0].finish, Some(alone.makespan()), "{spec}");
    }
}

/// Appending jobs and taking them back out gives the jobs' DAGs, and the
/// cost model extended job by job estimates as one built on the whole.
#[test]
fn appended_jobs_extract_back_and_extend_the_cost_model_exactly() {
    let platform = sim::presets::preset("heterogeneous", 5).unwrap();
    let jobs: Vec<sim::Dag> = ["layered:tasks=30", "fork-join:width=5", "montage:images=4", "cholesky"]
        .iter()
        .enumerate()
        .map(|(seed, spec)| workloads::generate(spec, seed as u64).unwrap())
        .collect();
    let mut dag = sim::Dag::empty();
    let mut tables = sim::CostModel::new(&dag, &platform).unwrap().into_tables();
    let mut firsts = Vec::new();
    for (j, job) in jobs.iter().enumerate() {
        let bound = dag.task_count();
        firsts.push(dag.append(job, &format!("j{j}:")).unwrap());
        tables = sim::CostModel::extended(&dag, &platform, tables, bound)
            .unwrap()
            .into_tables();
    }
    let grown = sim::CostModel::extended(&dag, &platform, tables, dag.task_count()).unwrap();
    let whole = sim::CostModel::new(&dag, &platform).unwrap();
    for t in dag.task_ids() {
        for n in platform.node_ids() {
            assert_eq!(grown.exec_secs(t, n, 1, 0), whole.exec_secs(t, n, 1, 0));
        }
    }
    for (job, first) in jobs.iter().zip(firsts) {
        let back = dag.extract(first, job.task_count());
        assert_eq!(back.edges(), job.edges());
        assert_eq!(back.topological_order(), job.topological_order());
        for t in job.task_ids() {
            assert_eq!(back.in_edges(t), job.in_edges(t));
            assert_eq!(back.out_edges(t), job.out_edges(t));
            assert_eq!(back.task(t).work, job.task(t).work);
            assert!(back.task(t).name.ends_with(&job.task(t).name));
            assert_eq!(back.kind_name(back.task(t).kind), job.kind_name(job.task(t).kind));
        }
    }
}

/// Nodes keep failing between jobs: an idle platform waiting for the next
/// arrival is not a finished run.
#[test]
fn failures_go_on_between_arrivals() {
    let dag = Arc::new({
        let mut b = DagBuilder::new();
        b.add_task(TaskSpec::new("t", 1.0));
        b.build().unwrap()
    });
    let jobs = (0..10).map(|i| StreamJob {
        dag: Arc::clone(&dag),
        arrival: f64::from(i) * 100.0,
        weight: 1.0,
        deadline: None,
    });
    let platform = sim::presets::preset("homogeneous", 2).unwrap();
    let mut scheduler = schedulers::registry::create_for_stream("online-eft", 2).unwrap();
    let config = SimConfig {
        seed: 2,
        failures: sim::Failures::exponential(30.0, 1.0),
        ..SimConfig::default()
    };
    let run = simulate_stream(jobs.map(Ok), &platform, &mut scheduler, &config).unwrap();
    sim::check::check_stream(&run, &platform).unwrap();
    // Two nodes failing every 30 s on average over 900 s: dozens of outages, most between jobs.
    let late = run
        .result
        .outages
        .iter()
        .filter(|o| o.start.as_secs_f64() > 500.0)
        .count();
    assert!(late >= 5, "{late} outages after 500 s of {}", run.result.outages.len());
}

/// An overloaded stream cut at a horizon: the warning says so, jobs not done
/// by the horizon are reported unfinished, and the run itself drains.
#[test]
fn an_overloaded_stream_is_measured_at_its_horizon() {
    let args = experiments::cli::stream::StreamArgs {
        arrivals: "poisson:rate=1".to_owned(),
        jobs: None,
        horizon: Some(60.0),
        load: Some(1.5),
        generate: vec!["layered:tasks=6".to_owned()],
        dags: Vec::new(),
        platform: "homogeneous:2".to_owned(),
        network: None,
        scheduler: "job-fifo".to_owned(),
        resource_manager: schedulers::resource::DEFAULT.to_owned(),
        noise: 0.0,
        seed: 5,
        failures: sim::Failures::None,
        jobs_out: None,
        record: sim::Record::Full,
    };
    let mut warnings = Vec::new();
    let (summary, run) = experiments::cli::stream::run(&args, &mut warnings).unwrap();
    let warnings = String::from_utf8(warnings).unwrap();
    assert!(warnings.contains("offered load 1.5"), "{warnings}");
    let m = &summary.metrics;
    assert_eq!(m.measured_until, 60.0);
    assert!(m.makespan > 60.0, "at load 1.5 the backlog outlasts the horizon");
    assert!(run.jobs.iter().all(|j| j.finish.is_some()), "the run drains");
    assert!(run.jobs.iter().all(|j| j.info.arrival.as_secs_f64() <= 60.0));
    let done_by_horizon = run
        .jobs
        .iter()
        .filter(|j| j.finish.is_some_and(|f| f.as_secs_f64() <= 60.0))
        .count();
    assert_eq!(
        (m.jobs, m.unfinished),
        (done_by_horizon, run.jobs.len() - done_by_horizon)
    );
    assert!(m.unfinished > 0);
}
