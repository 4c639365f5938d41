//! Scaling benchmarks: the targets of issue 14 and the engine alone.
//!
//! Groups (filter with the group name, e.g. `-- targets`):
//! - `targets`: generating a 10^6-task layered DAG; HEFT on the 10k
//!   Epigenomics case (`experiments/platforms/epigenomics-4nodes.toml`);
//!   HEFT plus simulation of 10^5 layered tasks on `heterogeneous:64`.
//! - `engine_replay`: the engine alone, replaying a fixed plan (HEFT's,
//!   computed once outside the timed loop), with the number of events as
//!   throughput, so criterion reports events per second.
//! - `scale_1m`: HEFT plus simulation of 10^6 layered tasks (CCR 1) on
//!   `homogeneous:1024`, and of 10^5 on the shared network of
//!   `heterogeneous:1024` (10^6 there takes about 20 minutes: every flow start
//!   or end refills max-min shares over one component holding nearly every
//!   active flow; see README, "Performance"). Long: ten samples of 10 to 30 s.
//! - `streams`: issue 17's stream, 10^4 jobs of 100 layered tasks (CCR 0.1)
//!   at offered load 0.7 on `homogeneous:64`, under online EFT and under
//!   HEFT per arrival (jobs drawn in the timed loop, as `simulate --stream` does).
//!
//! Run with `cargo bench -p experiments --bench scale [-- GROUP]`; README
//! ("Benchmarks") has the whole-process commands and the regression guard.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sim::{Assignment, Dag, Decisions, Platform, RunResult, Scheduler, SimConfig, SimView};
use std::hint::black_box;
use std::time::Duration;

/// Hands the engine a precomputed list of assignments at time 0.
struct Replay(Vec<Assignment>);

impl Scheduler for Replay {
    fn name(&self) -> &str {
        "replay"
    }
    fn plan(&mut self, _view: &SimView<'_>, out: &mut Decisions) {
        for &a in &self.0 {
            out.push(a);
        }
    }
}

/// The assignments a finished run made, each node's tasks in start order.
fn plan_of(result: &RunResult) -> Vec<Assignment> {
    let mut order: Vec<usize> = (0..result.tasks.len()).collect();
    order.sort_by_key(|&i| (result.tasks[i].start, i));
    order
        .into_iter()
        .map(|i| {
            let r = &result.tasks[i];
            Assignment {
                task: sim::TaskId::new(i),
                node: r.node,
                cores: r.cores,
                dvfs: r.dvfs,
            }
        })
        .collect()
}

/// Events a dedicated-network run processes without failures: one per task
/// end and one per transfer.
fn events(result: &RunResult) -> u64 {
    (result.tasks.len() + result.transfers.len()) as u64
}

fn layered(n_tasks: usize) -> Dag {
    workloads::generate(&format!("layered:tasks={n_tasks},ccr=1"), 1).expect("generator")
}

fn preset(name: &str, n_nodes: u32) -> Platform {
    sim::presets::preset(name, n_nodes).expect("preset")
}

fn run(dag: &Dag, platform: &Platform, scheduler: &mut dyn Scheduler) -> RunResult {
    sim::simulate(dag, platform, scheduler, &SimConfig::default()).expect("run")
}

fn targets(c: &mut Criterion) {
    let mut group = c.benchmark_group("targets");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function("generate_layered_1m", |b| b.iter(|| black_box(layered(1_000_000))));

    let epigenomics = workloads::generate("epigenomics:lanes=10,chunks=250", 1).expect("generator");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/platforms/epigenomics-4nodes.toml");
    let four_nodes = Platform::from_toml(&std::fs::read_to_string(path).expect("platform file")).expect("platform");
    group.bench_function("heft_epigenomics_10k", |b| {
        b.iter(|| black_box(run(&epigenomics, &four_nodes, &mut schedulers::Heft)))
    });

    let dag = layered(100_000);
    let platform = preset("heterogeneous", 64);
    group.bench_function("heft_layered_100k_heterogeneous64", |b| {
        b.iter(|| black_box(run(&dag, &platform, &mut schedulers::Heft)))
    });
    group.finish();
}

fn engine_replay(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine_replay");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15))
        .warm_up_time(Duration::from_secs(1));
    for n_tasks in [10_000usize, 100_000] {
        let dag = layered(n_tasks);
        let platform = preset("homogeneous", 64);
        let heft = run(&dag, &platform, &mut schedulers::Heft);
        let plan = plan_of(&heft);
        group.throughput(Throughput::Elements(events(&heft)));
        let label = format!("homogeneous64_{n_tasks}tasks_{}events", events(&heft));
        group.bench_function(BenchmarkId::from_parameter(label), |b| {
            b.iter(|| black_box(run(&dag, &platform, &mut Replay(plan.clone()))))
        });
    }
    group.finish();
}

fn scale_1m(c: &mut Criterion) {
    let mut group = c.benchmark_group("scale_1m");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(60))
        .warm_up_time(Duration::from_secs(1));
    for (name, n_tasks) in [("homogeneous", 1_000_000), ("heterogeneous", 100_000)] {
        let dag = layered(n_tasks);
        let platform = preset(name, 1024);
        group.bench_function(
            BenchmarkId::new(format!("heft_layered_{n_tasks}"), format!("{name}1024")),
            |b| b.iter(|| black_box(run(&dag, &platform, &mut schedulers::Heft))),
        );
    }
    group.finish();
}

fn streams(c: &mut Criterion) {
    use workloads::stream::{ArrivalProcess, JobMix, Limit, MixEntry, MixSource, Stream, StreamSource};
    let mut group = c.benchmark_group("streams");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(60))
        .warm_up_time(Duration::from_secs(1));
    let platform = preset("homogeneous", 64);
    let mix = JobMix::new(vec![MixEntry {
        source: MixSource::Generator("layered:tasks=100,ccr=0.1".to_owned()),
        weight: 1.0,
    }])
    .expect("a valid mix");
    let rate = workloads::stream::rate_for_load(0.7, mix.expected_work(), &platform);
    let arrivals = ArrivalProcess::parse("poisson:rate=1")
        .expect("a valid spec")
        .with_mean_rate(rate);
    let limit = Limit {
        jobs: Some(10_000),
        horizon: None,
    };
    let stream = Stream::new(StreamSource::Process { arrivals, mix }, limit).expect("a valid stream");
    for spec in ["online-eft", "heft"] {
        group.bench_function(BenchmarkId::new("jobs_10k_x100_homogeneous64", spec), |b| {
            b.iter(|| {
                let mut scheduler = schedulers::registry::create_for_stream(spec, 0).expect("a stream scheduler");
                let run = sim::simulate_stream(stream.sim_jobs(0), &platform, &mut scheduler, &SimConfig::default());
                black_box(run.expect("the stream runs"))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, targets, engine_replay, scale_1m, streams);
criterion_main!(benches);
