//! Energy-aware scheduling on a platform where DVFS pays off: single-core
//! nodes whose slow levels draw far less power, on a contention-free network.

use sim::platform::{DvfsLevel, NetworkSpec, NodeSpec, PlatformSpec, PowerModel};
use sim::{CostModel, Dag, DagBuilder, Platform, RunResult, SimConfig, TaskSpec};

fn platform() -> Platform {
    let power = PowerModel {
        idle_w: 5.0,
        busy_core_w: 40.0,
        dvfs: vec![
            DvfsLevel {
                speed_factor: 0.8,
                busy_core_w: 20.0,
            },
            DvfsLevel {
                speed_factor: 0.5,
                busy_core_w: 5.0,
            },
        ],
        off_w: 0.0,
        boot_secs: 0.0,
        boot_j: 0.0,
    };
    let node = |name: &str, speed: f64| NodeSpec {
        name: name.into(),
        count: 2,
        cores: 1,
        speed,
        kind_speed: Default::default(),
        power: power.clone(),
        group: None,
        nic_bandwidth: None,
        task_overhead: 0.0,
        pulls_inputs: false,
        price_per_hour: None,
        billing_secs: None,
        memory_bytes: None,
        labels: Vec::new(),
        pool: None,
    };
    let spec = PlatformSpec {
        name: "dvfs".into(),
        network: NetworkSpec::Dedicated {
            latency: 0.0,
            bandwidth: 1e9,
            bandwidth_matrix: None,
            latency_matrix: None,
        },
        nodes: vec![node("fast", 2.0), node("slow", 1.0)],
        workflow_system: None,
    };
    Platform::new(spec).unwrap()
}

/// Fork-join-like DAG with uneven branches, so off-critical tasks have slack.
fn dag() -> Dag {
    let mut b = DagBuilder::new();
    let mut prev = b.add_task(TaskSpec::new("root", 1.0));
    for stage in 0..6 {
        let join = b.add_task(TaskSpec::new(format!("join{stage}"), 1.0));
        for k in 0..4 {
            let work = if k == 0 { 8.0 } else { 1.0 + f64::from(k) };
            let t = b.add_task(TaskSpec::new(format!("s{stage}b{k}"), work));
            b.add_edge(prev, t, 1e6);
            b.add_edge(t, join, 1e6);
        }
        prev = join;
    }
    b.build().unwrap()
}

fn run(name: &str) -> RunResult {
    let (dag, platform) = (dag(), platform());
    let mut s = schedulers::registry::create(name, 0).unwrap();
    let r = sim::simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
    sim::check::check(&CostModel::new(&dag, &platform).unwrap(), &r).unwrap();
    r
}

#[test]
fn slack_reclamation_keeps_the_makespan_and_saves_energy() {
    let heft = run("heft");
    let slack = run("heft-slack");
    assert_eq!(slack.metrics.makespan, heft.metrics.makespan);
    assert!(slack.tasks.iter().any(|t| t.dvfs > 0), "some task should be slowed");
    assert!(
        slack.metrics.energy_j < heft.metrics.energy_j,
        "{} J vs HEFT {} J",
        slack.metrics.energy_j,
        heft.metrics.energy_j
    );
}

#[test]
fn energy_heft_trades_makespan_for_energy_within_its_budget() {
    let heft = run("heft");
    for slack in [0.1, 0.5] {
        let r = run(&format!("energy-heft:slack={slack}"));
        assert!(
            r.metrics.energy_j < heft.metrics.energy_j,
            "slack {slack}: {} J",
            r.metrics.energy_j
        );
        assert!(
            r.metrics.makespan <= heft.metrics.makespan * (1.0 + slack) + 1e-9,
            "slack {slack}"
        );
    }
    assert!(schedulers::registry::create("energy-heft:slack=-1", 0).is_err());
}
