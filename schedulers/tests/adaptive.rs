//! The adaptive scheduler against the declaration it was given: when some
//! nodes are really slower than declared, learning their speed from finished
//! tasks must pay off against the same policy without learning and against
//! HEFT's static plan.

use sim::{CostModel, Dag, DagBuilder, SimConfig, SpeedError, TaskId, TaskSpec};

/// Waves of 24 independent 1 s tasks joined by a barrier task, 10 waves deep.
fn waves() -> Dag {
    let mut b = DagBuilder::new();
    let mut barrier: Option<TaskId> = None;
    for wave in 0..10 {
        let tasks: Vec<TaskId> = (0..24)
            .map(|i| b.add_task(TaskSpec::new(format!("w{wave}t{i}"), 1.0)))
            .collect();
        let next = b.add_task(TaskSpec::new(format!("barrier{wave}"), 0.1));
        for &t in &tasks {
            if let Some(prev) = barrier {
                b.add_edge(prev, t, 0.0);
            }
            b.add_edge(t, next, 0.0);
        }
        barrier = Some(next);
    }
    b.build().unwrap()
}

fn makespan(scheduler: &str, speed_error: SpeedError) -> f64 {
    let dag = waves();
    let platform = sim::presets::preset("homogeneous", 8).unwrap();
    let config = SimConfig {
        speed_error,
        seed: 3,
        ..SimConfig::default()
    };
    let mut s = schedulers::registry::create(scheduler, 0).unwrap();
    let r = sim::simulate(&dag, &platform, &mut s, &config).unwrap();
    sim::check::check(&CostModel::new(&dag, &platform).unwrap(), &r).unwrap();
    r.metrics.makespan
}

#[test]
fn learning_real_speeds_beats_trusting_the_declaration() {
    let wrong = SpeedError {
        slow: 0.5,
        slow_factor: 4.0,
        ..SpeedError::default()
    };
    let (adaptive, online, heft) = (
        makespan("adaptive", wrong),
        makespan("online-eft", wrong),
        makespan("heft", wrong),
    );
    assert!(adaptive < 0.8 * online, "adaptive {adaptive} vs online-eft {online}");
    assert!(adaptive < 0.8 * heft, "adaptive {adaptive} vs heft {heft}");
}

#[test]
fn with_a_true_declaration_adaptive_schedules_like_online_eft() {
    let right = SpeedError::default();
    assert_eq!(makespan("adaptive", right), makespan("online-eft", right));
}

#[test]
fn learning_how_long_data_takes_to_move_avoids_a_contended_network() {
    // Layers of 12 tasks, each fed 1 GB by two tasks of the layer above: on
    // the heterogeneous preset's shared network, transfers take far longer
    // than their contention-free estimates, which only observation reveals.
    let mut b = DagBuilder::new();
    let mut above: Vec<TaskId> = Vec::new();
    for layer in 0..8 {
        let tasks: Vec<TaskId> = (0..12)
            .map(|i| b.add_task(TaskSpec::new(format!("l{layer}t{i}"), 1.0 + (i % 4) as f64)))
            .collect();
        for (i, &t) in tasks.iter().enumerate() {
            for k in [i, i + 5] {
                if let Some(&src) = above.get(k % 12) {
                    b.add_edge(src, t, 1e9);
                }
            }
        }
        above = tasks;
    }
    let dag = b.build().unwrap();
    let platform = sim::presets::preset("heterogeneous", 8).unwrap();
    let run = |name: &str| {
        let mut s = schedulers::registry::create(name, 0).unwrap();
        let r = sim::simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
        sim::check::check(&CostModel::new(&dag, &platform).unwrap(), &r).unwrap();
        r.metrics.makespan
    };
    let (adaptive, online) = (run("adaptive"), run("online-eft"));
    assert!(adaptive < 0.8 * online, "adaptive {adaptive} vs online-eft {online}");
}
