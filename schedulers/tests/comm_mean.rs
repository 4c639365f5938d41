//! The two definitions of HEFT's mean transfer time on links of different
//! bandwidths, checked against schedules computed by hand.
//!
//! Three identical nodes (speed 1); links 0–1 and 0–2 carry 1 byte/s, link
//! 1–2 carries 4 bytes/s; no latency. Over the 6 ordered pairs the mean
//! bandwidth is 2 bytes/s and the mean inverse bandwidth 0.75 s/byte, so
//! the 13-byte edge B→D has `c̄ = 13 / 2 = 6.5 s` by the papers' rate
//! definition and `c̄ = 13 × 0.75 = 9.75 s` as the mean of transfer times.
//!
//! DAG: A (1 s) → B (1 s) → D (1 s) with 13 bytes on B→D, and A → C (10 s);
//! A→B and A→C carry nothing. Upward ranks: D = 1, B = 2 + c̄ (8.5 or 11.75),
//! C = 10, so B comes after C by rate and before C by time.

mod common;

use sim::platform::{NetworkSpec, PlatformSpec};
use sim::{CommMean, CostModel, Dag, DagBuilder, Platform, SimConfig, TaskSpec, simulate};

fn instance() -> (Dag, Platform) {
    let mut b = DagBuilder::new();
    let a = b.add_task(TaskSpec::new("A", 1.0));
    let bb = b.add_task(TaskSpec::new("B", 1.0));
    let c = b.add_task(TaskSpec::new("C", 10.0));
    let d = b.add_task(TaskSpec::new("D", 1.0));
    b.add_edge(a, bb, 0.0);
    b.add_edge(a, c, 0.0);
    b.add_edge(bb, d, 13.0);
    let node = common::unit_nodes(3);
    let spec = PlatformSpec {
        name: "links-1-1-4".into(),
        network: NetworkSpec::Dedicated {
            latency: 0.0,
            bandwidth: 1.0,
            bandwidth_matrix: Some(vec![vec![1.0, 1.0, 1.0], vec![1.0, 1.0, 4.0], vec![1.0, 4.0, 1.0]]),
            latency_matrix: None,
        },
        nodes: vec![node],
        workflow_system: None,
    };
    (b.build().unwrap(), Platform::new(spec).unwrap())
}

/// (node, start, end) of A, B, C, D under `spec`, audited by the checker.
fn schedule(spec: &str) -> Vec<(usize, f64, f64)> {
    let (dag, platform) = instance();
    let mut s = schedulers::registry::create(spec, 0).unwrap();
    let result = simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
    sim::check::check(&CostModel::new(&dag, &platform).unwrap(), &result).unwrap();
    result
        .tasks
        .iter()
        .map(|r| (r.node.index(), r.start.as_secs_f64(), r.end.as_secs_f64()))
        .collect()
}

#[test]
fn the_two_means_differ_as_computed_by_hand() {
    let (dag, platform) = instance();
    let costs = CostModel::new(&dag, &platform).unwrap();
    assert!((costs.mean_comm_secs(13.0) - 6.5).abs() < 1e-12);
    assert!((costs.mean_comm_secs_by(13.0, CommMean::Time) - 9.75).abs() < 1e-12);
    // SAGA's mean over the 3 links and 3 free self links: 9.75 × 2/4.
    assert!((costs.mean_comm_secs_by(13.0, CommMean::SagaLinks) - 4.875).abs() < 1e-12);
}

#[test]
fn heft_by_rate_places_c_first_and_by_time_b_first() {
    // Rate: order A, C, B, D. C ties on every node at [1, 11] and takes node 0;
    // B then finishes first on node 1 at [1, 2], and D follows it there.
    let by_rate = [(0, 0.0, 1.0), (1, 1.0, 2.0), (0, 1.0, 11.0), (1, 2.0, 3.0)];
    assert_eq!(schedule("heft"), by_rate);
    assert_eq!(schedule("heft:comm_mean=rate"), by_rate);
    // Time: order A, B, C, D. B ties at [1, 2] and takes node 0 after A; C
    // finishes first on node 1 at [1, 11]; D stays with B on node 0.
    let by_time = [(0, 0.0, 1.0), (0, 1.0, 2.0), (1, 1.0, 11.0), (0, 2.0, 3.0)];
    assert_eq!(schedule("heft:comm_mean=time"), by_time);
}

#[test]
fn cpop_by_rate_and_by_time_follow_different_critical_paths() {
    // Rate: priorities A 11, B 9.5, C 11, D 9.5: the critical path A, C on node 0;
    // B and D finish first on node 1.
    assert_eq!(
        schedule("cpop"),
        [(0, 0.0, 1.0), (1, 1.0, 2.0), (0, 1.0, 11.0), (1, 2.0, 3.0)]
    );
    // Time: priorities A 12.75, B 12.75, C 11, D 12.75: the critical path
    // A, B, D on node 0; C then finishes first on node 1.
    assert_eq!(
        schedule("cpop:comm_mean=time"),
        [(0, 0.0, 1.0), (0, 1.0, 2.0), (1, 1.0, 11.0), (0, 2.0, 3.0)]
    );
}

#[test]
fn comm_mean_values_are_checked() {
    let err = schedulers::registry::create("heft:comm_mean=harmonic", 0)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("rate or time"), "{err}");
    let err = schedulers::registry::create("peft:compat=saga,comm_mean=time", 0)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("compat=saga"), "{err}");
    assert!(schedulers::registry::create("min-min:comm_mean=time", 0).is_err());
}
