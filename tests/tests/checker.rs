//! The invariant checker rejects deliberately broken schedules.

mod common;

use sim::{CostModel, Dag, NodeId, Platform, RunResult, SimTime, TaskId};

fn setup() -> (Dag, Platform, RunResult) {
    let dag = workloads::generate("layered:tasks=60,ccr=1", 3).unwrap();
    let platform = sim::presets::preset("homogeneous", 3).unwrap();
    let result = common::run_checked(&dag, &platform, "heft", 0.0, 0);
    (dag, platform, result)
}

fn violations(dag: &Dag, platform: &Platform, result: &RunResult) -> Vec<String> {
    let costs = CostModel::new(dag, platform).unwrap();
    match sim::check::check(&costs, result) {
        Ok(()) => Vec::new(),
        Err(v) => v.into_iter().map(|v| v.0).collect(),
    }
}

/// A task with a predecessor.
fn consumer(dag: &Dag) -> TaskId {
    dag.task_ids().find(|&t| !dag.in_edges(t).is_empty()).unwrap()
}

#[test]
fn untouched_run_passes() {
    let (dag, platform, result) = setup();
    assert!(violations(&dag, &platform, &result).is_empty());
}

#[test]
fn starting_before_inputs_arrive_is_caught() {
    let (dag, platform, mut result) = setup();
    let t = consumer(&dag);
    let r = &mut result.tasks[t.index()];
    let len = r.end - r.start;
    r.start = SimTime::ZERO;
    r.end = SimTime::ZERO + len;
    let v = violations(&dag, &platform, &result);
    assert!(v.iter().any(|m| m.contains("before its input")), "{v:?}");
}

#[test]
fn two_tasks_on_one_core_at_once_is_caught() {
    let (dag, platform, mut result) = setup();
    // Put every task on node 0, core 0, at its original times: some must overlap.
    for r in &mut result.tasks {
        r.node = NodeId::new(0);
    }
    result.core_slots.iter_mut().for_each(|c| *c = 0);
    let v = violations(&dag, &platform, &result);
    assert!(v.iter().any(|m| m.contains("overlap")), "{v:?}");
}

#[test]
fn too_fast_transfer_is_caught() {
    let (dag, platform, mut result) = setup();
    let tr = result
        .transfers
        .iter_mut()
        .find(|t| dag.edge(t.edge).bytes > 0.0)
        .expect("a transfer with bytes");
    tr.end = tr.start;
    let v = violations(&dag, &platform, &result);
    assert!(v.iter().any(|m| m.contains("needs at least")), "{v:?}");
}

#[test]
fn missing_energy_is_caught() {
    let (dag, platform, mut result) = setup();
    result.node_energy_j[0] = 0.0;
    let v = violations(&dag, &platform, &result);
    assert!(v.iter().any(|m| m.contains("idle power")), "{v:?}");
}

#[test]
fn a_task_that_never_ran_is_caught() {
    let (dag, platform, mut result) = setup();
    result.tasks.pop();
    assert!(!violations(&dag, &platform, &result).is_empty());
}
