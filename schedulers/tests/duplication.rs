//! Task duplication and active replication: copies of tasks that save
//! transfers or survive failures, run by the engine as extra runs.

mod common;

use sim::platform::NetworkSpec;
use sim::{CostModel, Dag, DagBuilder, Failures, NodeOutage, Platform, RunResult, SimConfig, TaskSpec};

fn run(dag: &Dag, platform: &Platform, spec: &str, config: &SimConfig) -> RunResult {
    let mut s = schedulers::registry::create(spec, 0).unwrap();
    let r = sim::simulate(dag, platform, &mut s, config).unwrap();
    sim::check::check(&CostModel::new(dag, platform).unwrap(), &r).unwrap();
    r
}

/// `a` feeds `b` and `c` with data that takes 10 s to move; every task takes 1 s.
fn fork() -> (Dag, Platform) {
    let (dag, platform) = common::paper_example(
        "fork",
        "t",
        0,
        &[[1.0; 3], [1.0; 3], [1.0; 3]],
        &[(0, 1, 10.0), (0, 2, 10.0)],
    );
    (dag, platform)
}

#[test]
fn duplicating_the_critical_parent_saves_the_transfer() {
    let (dag, platform) = fork();
    // HEFT keeps everything on one processor (3 s); duplicating `a` lets `b`
    // and `c` run side by side after 1 s.
    assert_eq!(
        run(&dag, &platform, "heft", &SimConfig::default()).metrics.makespan,
        3.0
    );
    let r = run(&dag, &platform, "heft-dup", &SimConfig::default());
    assert_eq!(r.metrics.makespan, 2.0);
    assert_eq!(r.copies.len(), 1, "one duplicate of a ran: {:?}", r.copies);
    assert!(r.transfers.is_empty(), "no data moved: {:?}", r.transfers);
}

#[test]
fn replicas_finish_a_task_whose_node_failed_without_re_running_it() {
    let mut b = DagBuilder::new();
    b.add_task(TaskSpec::new("long", 10.0));
    let dag = b.build().unwrap();
    let platform = sim::presets::preset("homogeneous", 3).unwrap();
    assert!(matches!(platform.spec().network, NetworkSpec::Dedicated { .. }));
    let plain = run(&dag, &platform, "heft", &SimConfig::default());
    let failed_node = plain.tasks[0].node;
    let config = SimConfig {
        failures: Failures::Trace(
            vec![NodeOutage {
                node: failed_node,
                at: 5.0,
                repair: 1.0,
            }]
            .into(),
        ),
        ..SimConfig::default()
    };
    let single = run(&dag, &platform, "heft", &config);
    assert_eq!(single.metrics.makespan, 15.0, "re-run after the failure");
    let replicated = run(&dag, &platform, "active-replication:k=2,base=heft", &config);
    assert_eq!(replicated.metrics.makespan, 10.0, "the replica finished");
    assert_eq!(replicated.lost.len(), 1);
    assert_ne!(replicated.tasks[0].node, failed_node);
    // Without failures a replica only costs energy.
    let calm = run(&dag, &platform, "active-replication:k=3", &SimConfig::default());
    assert_eq!(calm.metrics.makespan, 10.0);
    assert_eq!(calm.cancelled.len(), 2, "the other replicas stop when one finishes");
    assert!(calm.metrics.energy_j > plain.metrics.energy_j);
}

#[test]
fn bad_replication_parameters_are_refused() {
    for (spec, needle) in [
        ("active-replication:k=0", "an integer >= 1"),
        ("active-replication:base=active-replication", "without parameters"),
        ("active-replication:base=nope", "unknown scheduler \"nope\""),
    ] {
        let err = schedulers::registry::create(spec, 0).err().unwrap().to_string();
        assert!(err.contains(needle), "{spec}: {err}");
    }
}
