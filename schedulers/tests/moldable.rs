//! Moldable tasks: M-HEFT chooses each task's node and core count by earliest
//! finish, checked against schedules worked by hand, and SLR's lower bound
//! gives each moldable task its best core count.

mod common;

use common::unit_nodes;
use sim::platform::{NetworkSpec, NodeSpec, PlatformSpec};
use sim::{Dag, DagBuilder, Parallelism, Platform, RunResult, SimConfig, TaskSpec};

/// A platform of the given (speed, cores) node types, one node each, joined
/// by fast links.
fn platform(nodes: &[(f64, u32)]) -> Platform {
    let spec = PlatformSpec {
        name: "moldable".into(),
        network: NetworkSpec::Dedicated {
            latency: 0.0,
            bandwidth: 1e12,
            bandwidth_matrix: None,
            latency_matrix: None,
        },
        nodes: nodes
            .iter()
            .enumerate()
            .map(|(i, &(speed, cores))| NodeSpec {
                name: format!("n{i}"),
                count: 1,
                cores,
                speed,
                ..unit_nodes(1)
            })
            .collect(),
        workflow_system: None,
    };
    Platform::new(spec).unwrap()
}

/// A chain of `n` tasks of work 8 that run on 1 to 8 cores with `serial` as
/// their Amdahl serial fraction.
fn chain(n: usize, serial: f64) -> Dag {
    let mut b = DagBuilder::new();
    let mut previous = None;
    for i in 0..n {
        let t = b.add_task(TaskSpec::new(format!("t{i}"), 8.0).parallelism(Parallelism {
            min_cores: 1,
            max_cores: 8,
            serial_fraction: serial,
        }));
        if let Some(p) = previous {
            b.add_edge(p, t, 0.0);
        }
        previous = Some(t);
    }
    b.build().unwrap()
}

fn run(scheduler: &str, dag: &Dag, platform: &Platform) -> RunResult {
    let mut s = schedulers::registry::create(scheduler, 0).unwrap();
    let result = sim::simulate(dag, platform, s.as_mut(), &SimConfig::default()).unwrap();
    sim::check::check(&sim::CostModel::new(dag, platform).unwrap(), &result).unwrap();
    result
}

/// Cores and core-seconds of every task, in task order.
fn allocations(result: &RunResult) -> Vec<(u32, f64)> {
    result
        .tasks
        .iter()
        .map(|r| (r.cores, f64::from(r.cores) * (r.end - r.start).as_secs_f64()))
        .collect()
}

#[test]
fn a_perfectly_parallel_chain_takes_every_core() {
    let (dag, platform) = (chain(4, 0.0), platform(&[(1.0, 8)]));
    let result = run("m-heft", &dag, &platform);
    // Work 8 on 8 cores: 1 s each, 8 core-seconds each, 4 s in all.
    assert_eq!(allocations(&result), vec![(8, 8.0); 4]);
    assert!((result.metrics.makespan - 4.0).abs() < 1e-9);
    // The lower bound gives each task its 8 cores, so M-HEFT is optimal: SLR 1.
    assert!((result.metrics.slr - 1.0).abs() < 1e-9, "{}", result.metrics.slr);
    // HEFT keeps each task on its fewest cores: 8 times longer.
    let rigid = run("heft", &dag, &platform);
    assert_eq!(allocations(&rigid), vec![(1, 8.0); 4]);
    assert!((rigid.metrics.slr - 8.0).abs() < 1e-9, "{}", rigid.metrics.slr);
}

#[test]
fn a_fully_serial_chain_keeps_one_core_per_task() {
    let (dag, platform) = (chain(4, 1.0), platform(&[(1.0, 8)]));
    let result = run("m-heft", &dag, &platform);
    // More cores finish no sooner; they would only waste core time.
    assert_eq!(allocations(&result), vec![(1, 8.0); 4]);
    assert!((result.metrics.makespan - 32.0).abs() < 1e-9);
    assert!((result.metrics.slr - 1.0).abs() < 1e-9);
}

#[test]
fn node_and_core_count_are_chosen_together() {
    // A fast node (speed 2, 2 cores) and a slow one (speed 1, 8 cores);
    // one task of work 8 on 1 to 8 cores.
    let platform = platform(&[(2.0, 2), (1.0, 8)]);
    // Serial fraction 0.5: fast on 2 cores 8/2 × (0.5 + 0.5/2) = 3.0 s;
    // slow on 8 cores 8 × (0.5 + 0.5/8) = 4.5 s. The fast node wins.
    let result = run("m-heft", &chain(1, 0.5), &platform);
    let r = &result.tasks[0];
    assert_eq!((r.node.index(), r.cores), (0, 2));
    assert!((result.metrics.makespan - 3.0).abs() < 1e-9);
    // Perfectly parallel: fast on 2 cores 8/2/2 = 2 s; slow on 8 cores 8/8 = 1 s.
    let result = run("m-heft", &chain(1, 0.0), &platform);
    let r = &result.tasks[0];
    assert_eq!((r.node.index(), r.cores), (1, 8));
    assert!((result.metrics.makespan - 1.0).abs() < 1e-9);
}
