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
