//! The `overhead=SECONDS` key every scheduler accepts: each decision costs
//! simulated time, so a policy that decides more pays more.

use sim::{CostModel, Dag, DagBuilder, SimConfig, TaskId, TaskSpec};

/// Six layers of ten tasks, each task fed by two tasks of the layer above.
fn layers() -> Dag {
    let mut b = DagBuilder::new();
    let mut above: Vec<TaskId> = Vec::new();
    for layer in 0..6 {
        let tasks: Vec<TaskId> = (0..10)
            .map(|i| b.add_task(TaskSpec::new(format!("l{layer}t{i}"), 1.0 + (i % 3) as f64)))
            .collect();
        for (i, &t) in tasks.iter().enumerate() {
            for k in [i, i + 3] {
                if let Some(&src) = above.get(k % 10) {
                    b.add_edge(src, t, 1e8);
                }
            }
        }
        above = tasks;
    }
    b.build().unwrap()
}

fn makespan(spec: &str) -> f64 {
    let dag = layers();
    let platform = sim::presets::preset("homogeneous", 4).unwrap();
    let mut s = schedulers::registry::create(spec, 0).unwrap();
    let r = sim::simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
    sim::check::check(&CostModel::new(&dag, &platform).unwrap(), &r).unwrap();
    r.metrics.makespan
}

#[test]
fn every_scheduler_pays_its_decision_overhead() {
    for name in ["heft", "online-eft", "fifo", "work-stealing"] {
        // A small overhead may even help an online policy (it shifts when
        // decisions see the run: a scheduling anomaly), a large one must hurt.
        let free = makespan(name);
        let costly = makespan(&format!("{name}:overhead=0.2"));
        assert!(free < costly, "{name}: {free} vs {costly}");
    }
    // HEFT decides all 60 tasks at time 0, one after another: the last takes
    // effect after 12 s, so the plan cannot finish before.
    assert!(makespan("heft:overhead=0.2") >= 12.0);
}

#[test]
fn overhead_is_listed_among_the_valid_keys_and_checked() {
    let err = schedulers::registry::create("fifo:overheads=1", 0)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("it accepts: overhead"), "{err}");
    let err = schedulers::registry::create("fifo:overhead=-1", 0)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("expected a finite number >= 0"), "{err}");
}
