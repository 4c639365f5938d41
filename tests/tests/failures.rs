//! Every scheduler completes under node failures, passes the checker and loses no task.

use sim::{CostModel, Failures, NodeId, NodeOutage, Noise, SimConfig};

fn run_with(scheduler: &str, failures: Failures, platform: &str, seed: u64) -> sim::RunResult {
    let dag = workloads::generate("layered:tasks=60,ccr=0.5", seed).unwrap();
    let (name, n) = platform.split_once(':').unwrap();
    let platform = sim::presets::preset(name, n.parse().unwrap()).unwrap();
    let mut s = schedulers::registry::create(scheduler, seed).unwrap();
    let config = SimConfig {
        noise: Noise::lognormal(0.2),
        seed,
        failures,
        ..SimConfig::default()
    };
    let result = sim::simulate(&dag, &platform, &mut s, &config).unwrap_or_else(|e| {
        panic!(
            "{scheduler} on {platform:?} seed {seed}: {e}",
            platform = platform.name()
        )
    });
    let costs = CostModel::new(&dag, &platform).unwrap();
    if let Err(v) = sim::check::check(&costs, &result) {
        panic!("{scheduler} seed {seed}: {v:?}");
    }
    assert_eq!(result.tasks.len(), dag.task_count());
    result
}

#[test]
fn every_scheduler_survives_random_failures() {
    for info in schedulers::registry::all() {
        let mut lost = 0;
        for seed in 0..3 {
            for platform in ["homogeneous:4", "heterogeneous:4"] {
                let failures = Failures::Exponential {
                    mtbf: 20.0,
                    repair: 5.0,
                };
                let r = run_with(info.name, failures, platform, seed);
                lost += r.lost.len();
                assert!(r.metrics.lost_work >= 0.0 && r.metrics.wasted_energy_j >= 0.0);
            }
        }
        assert!(
            lost > 0,
            "{}: an MTBF of 20 s should abort some task over 6 runs",
            info.name
        );
    }
}

#[test]
fn every_scheduler_routes_around_a_node_that_never_comes_back() {
    for info in schedulers::registry::all() {
        let outage = NodeOutage {
            node: NodeId::new(0),
            at: 1.0,
            repair: f64::INFINITY,
        };
        let r = run_with(info.name, Failures::Trace(vec![outage].into()), "homogeneous:3", 1);
        let t1 = sim::SimTime::from_secs_f64(1.0);
        assert!(
            r.tasks.iter().all(|t| t.node != NodeId::new(0) || t.end <= t1),
            "{}",
            info.name
        );
    }
}
