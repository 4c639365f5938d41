//! Scaling benchmarks for issue 2: the engine alone, and HEFT (planning plus
//! engine), on sparse layered DAGs of 10^4 and 10^5 tasks on 64 nodes.
//!
//! The engine is measured by replaying a fixed plan (HEFT's, computed once
//! outside the timed loop), so the figure contains no scheduling work.
//! Two networks: `homogeneous:64` (dedicated links: cost per event is O(1)
//! plus the heap) and `heterogeneous:64` (shared links with max-min
//! fairness: every batch of events recomputes the shares of all active
//! flows, so cost grows with the number of concurrent transfers; measured at
//! 10^4 tasks only, to keep the run short).
//! Run with `cargo bench -p experiments --bench scale`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
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

fn setup(n_tasks: usize, preset: &str) -> (Dag, Platform) {
    let dag = workloads::generate(&format!("layered:tasks={n_tasks},ccr=1"), 1).expect("generator");
    let platform = sim::presets::preset(preset, 64).expect("preset");
    (dag, platform)
}

fn run(dag: &Dag, platform: &Platform, scheduler: &mut dyn Scheduler) -> RunResult {
    sim::simulate(dag, platform, scheduler, &SimConfig::default()).expect("run")
}

fn scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("scale");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(1));
    for (n_tasks, preset) in [
        (10_000usize, "homogeneous"),
        (100_000, "homogeneous"),
        (10_000, "heterogeneous"),
    ] {
        let (dag, platform) = setup(n_tasks, preset);
        let label = format!("{preset}64_{n_tasks}tasks_{}edges", dag.edge_count());
        let mut heft = schedulers::Heft;
        let plan = plan_of(&run(&dag, &platform, &mut heft));
        group.bench_function(BenchmarkId::new("engine_replay", &label), |b| {
            b.iter(|| black_box(run(&dag, &platform, &mut Replay(plan.clone()))))
        });
        group.bench_function(BenchmarkId::new("heft_plan_and_run", &label), |b| {
            b.iter(|| black_box(run(&dag, &platform, &mut schedulers::Heft)))
        });
    }
    group.finish();
}

criterion_group!(benches, scale);
criterion_main!(benches);
