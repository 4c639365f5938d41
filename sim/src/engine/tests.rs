//! Engine unit tests: releases, invalid decisions, stalls, shared links, failures.

use super::*;
use crate::cost::CostModel;
use crate::dag::{DagBuilder, TaskSpec};
use crate::failures::NodeOutage;
use crate::ids::{NodeId, TaskId};
use crate::presets::preset;
use crate::scheduler::{Assignment, CopyKind, Decision, Decisions, SimView, Update};
use crate::time::SimDuration;

/// Assigns every task to node 0 as soon as it is ready, recording when.
#[derive(Default)]
struct Greedy {
    seen_ready: Vec<(TaskId, SimTime)>,
}

impl Scheduler for Greedy {
    fn name(&self) -> &str {
        "greedy"
    }
    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        for &t in update.ready {
            self.seen_ready.push((t, view.now()));
            out.assign(view, t, NodeId::new(0));
        }
    }
}

/// Assigns every task to node 0 at time 0, in id order, before any is released.
struct EagerPlan;

impl Scheduler for EagerPlan {
    fn name(&self) -> &str {
        "eager"
    }
    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        for t in view.dag().task_ids() {
            out.assign(view, t, NodeId::new(0));
        }
    }
}

fn two_jobs() -> Dag {
    let mut b = DagBuilder::new();
    let a = b.add_task(TaskSpec::new("a", 1.0));
    let b2 = b.add_task(TaskSpec::new("b", 1.0));
    b.add_edge(a, b2, 0.0);
    b.add_task(TaskSpec::new("late", 1.0).release(5.0));
    b.build().unwrap()
}

#[test]
fn released_tasks_appear_and_start_at_their_release() {
    let dag = two_jobs();
    let platform = preset("homogeneous", 1).unwrap();
    let mut online = Greedy::default();
    let r = simulate(&dag, &platform, &mut online, &SimConfig::default()).unwrap();
    assert!(
        online
            .seen_ready
            .contains(&(TaskId::new(2), SimTime::from_secs_f64(5.0)))
    );
    assert_eq!(r.tasks[2].start, SimTime::from_secs_f64(5.0));
    let r = simulate(&dag, &platform, &mut EagerPlan, &SimConfig::default()).unwrap();
    assert_eq!(r.tasks[2].start, SimTime::from_secs_f64(5.0));
    assert_eq!(r.metrics.makespan, 6.0);
}

#[test]
fn invalid_decisions_are_errors_not_panics() {
    struct Bad(Assignment);
    impl Scheduler for Bad {
        fn name(&self) -> &str {
            "bad"
        }
        fn plan(&mut self, _view: &SimView<'_>, out: &mut Decisions) {
            out.push(self.0);
        }
    }
    let dag = two_jobs();
    let platform = preset("homogeneous", 2).unwrap();
    let task = TaskId::new(0);
    for (a, needle) in [
        (
            Assignment {
                task,
                node: NodeId::new(9),
                cores: 1,
                dvfs: 0,
            },
            "2 nodes",
        ),
        (
            Assignment {
                task,
                node: NodeId::new(0),
                cores: 2,
                dvfs: 0,
            },
            "cores",
        ),
        (
            Assignment {
                task,
                node: NodeId::new(0),
                cores: 1,
                dvfs: 3,
            },
            "DVFS",
        ),
        (
            Assignment {
                task: TaskId::new(99),
                node: NodeId::new(0),
                cores: 1,
                dvfs: 0,
            },
            "no such task",
        ),
    ] {
        let err = simulate(&dag, &platform, &mut Bad(a), &SimConfig::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{err}");
    }
}

#[test]
fn a_scheduler_that_assigns_nothing_stalls_with_a_clear_error() {
    struct Idle;
    impl Scheduler for Idle {
        fn name(&self) -> &str {
            "idle"
        }
    }
    let err = simulate(
        &two_jobs(),
        &preset("homogeneous", 1).unwrap(),
        &mut Idle,
        &SimConfig::default(),
    );
    assert!(matches!(err, Err(SimError::Stalled { unfinished: 3, .. })), "{err:?}");
}

/// Puts task `i` on node `placement[i]`, in id order.
struct Pinned(Vec<usize>);

impl Scheduler for Pinned {
    fn name(&self) -> &str {
        "pinned"
    }
    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        for (t, &n) in view.dag().task_ids().zip(&self.0) {
            out.assign(view, t, NodeId::new(n));
        }
    }
}

fn shared_platform(n_nodes: u32) -> Platform {
    use crate::platform::{NetworkSpec, NodeSpec, PlatformSpec, PowerModel};
    let node = NodeSpec {
        name: "n".into(),
        count: n_nodes,
        cores: 1,
        speed: 1.0,
        kind_speed: Default::default(),
        power: PowerModel {
            idle_w: 0.0,
            busy_core_w: 1.0,
            dvfs: vec![],
            off_w: 0.0,
            boot_secs: 0.0,
            boot_j: 0.0,
        },
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
    let network = NetworkSpec::Shared {
        latency: 0.5,
        bandwidth: 100.0,
        group_links: vec![],
        backplane_bandwidth: None,
    };
    Platform::new(PlatformSpec {
        name: "shared".into(),
        network,
        nodes: vec![node],
        workflow_system: None,
    })
    .unwrap()
}

/// Transfer records of one producer on node 0 sending `bytes[k]` to a consumer on node `k + 1`.
fn fan_out_transfers(bytes: [f64; 2]) -> Vec<crate::result::TransferRecord> {
    let mut b = DagBuilder::new();
    let src = b.add_task(TaskSpec::new("src", 0.0));
    for (k, &size) in bytes.iter().enumerate() {
        let consumer = b.add_task(TaskSpec::new(format!("c{k}"), 0.0));
        b.add_edge(src, consumer, size);
    }
    let dag = b.build().unwrap();
    let r = simulate(
        &dag,
        &shared_platform(3),
        &mut Pinned(vec![0, 1, 2]),
        &SimConfig::default(),
    )
    .unwrap();
    r.transfers
}

#[test]
fn transfers_sharing_an_uplink_split_its_bandwidth() {
    // Alone, each transfer takes 0.5 s latency + 1 s; sharing node 0's up link, both take 0.5 + 2 s.
    for t in fan_out_transfers([100.0, 100.0]) {
        assert_eq!((t.end - t.start).as_secs_f64(), 2.5);
    }
    // Max-min fairness: once the first of two unequal flows ends, the other gets the whole link.
    let ends: Vec<f64> = fan_out_transfers([50.0, 150.0])
        .iter()
        .map(|t| t.end.as_secs_f64())
        .collect();
    // 50 B at 50 B/s ends at 0.5 + 1; the other has 100 B left, now at 100 B/s: 0.5 + 1 + 1.
    assert_eq!(ends, vec![1.5, 2.5]);
}

/// Assigns each ready task to the first node that is up, keeping tasks
/// for later while every node is down.
#[derive(Default)]
struct FirstUp {
    waiting: Vec<TaskId>,
}

impl Scheduler for FirstUp {
    fn name(&self) -> &str {
        "first-up"
    }
    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        self.waiting.extend_from_slice(update.ready);
        if let Some(node) = view.platform().node_ids().find(|&n| view.node_up(n)) {
            for t in self.waiting.drain(..) {
                out.assign(view, t, node);
            }
        }
    }
}

/// Never assigns anything it learns about after time 0.
struct Forgetful;

impl Scheduler for Forgetful {
    fn name(&self) -> &str {
        "forgetful"
    }
    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        for t in view.dag().task_ids() {
            out.assign(view, t, NodeId::new(0));
        }
    }
}

/// Settings where node `node` fails once, at `at` seconds, for `repair` seconds.
fn one_outage(node: usize, at: f64, repair: f64) -> SimConfig {
    let outage = NodeOutage {
        node: NodeId::new(node),
        at,
        repair,
    };
    SimConfig {
        failures: Failures::Trace(vec![outage].into()),
        ..SimConfig::default()
    }
}

fn chain(n: usize, work: f64) -> Dag {
    let mut b = DagBuilder::new();
    let ids: Vec<TaskId> = (0..n)
        .map(|i| b.add_task(TaskSpec::new(format!("t{i}"), work)))
        .collect();
    for w in ids.windows(2) {
        b.add_edge(w[0], w[1], 0.0);
    }
    b.build().unwrap()
}

#[test]
fn a_failure_aborts_the_running_task_and_it_runs_again_elsewhere() {
    let dag = chain(1, 2.0);
    let platform = preset("homogeneous", 2).unwrap();
    let config = one_outage(0, 1.5, 1.0);
    let r = simulate(&dag, &platform, &mut FirstUp::default(), &config).unwrap();
    assert_eq!(r.lost.len(), 1);
    assert_eq!((r.lost[0].start.as_secs_f64(), r.lost[0].end.as_secs_f64()), (0.0, 1.5));
    assert_eq!(r.tasks[0].node, NodeId::new(1));
    assert_eq!(r.metrics.makespan, 3.5);
    assert_eq!(r.metrics.lost_work, 1.5);
    // Node 0 was down from 1.5 to 2.5: 1 s less idle power (10 W), plus 1.5 s busy (20 W) wasted.
    assert_eq!(r.metrics.wasted_energy_j, 30.0);
    assert_eq!(r.node_energy_j[0], 10.0 * 2.5 + 30.0);
    let costs = CostModel::new(&dag, &platform).unwrap();
    crate::check::check(&costs, &r).unwrap();
}

#[test]
fn exponential_failures_are_reproducible_and_lose_no_task() {
    let dag = chain(40, 1.0);
    let platform = preset("homogeneous", 3).unwrap();
    let config = SimConfig {
        failures: crate::failures::Failures::Exponential { mtbf: 5.0, repair: 2.0 },
        seed: 9,
        ..SimConfig::default()
    };
    let a = simulate(&dag, &platform, &mut FirstUp::default(), &config).unwrap();
    let b = simulate(&dag, &platform, &mut FirstUp::default(), &config).unwrap();
    assert_eq!(a, b);
    assert!(
        !a.lost.is_empty() && !a.outages.is_empty(),
        "mtbf 5 s over a 40 s chain should fail something"
    );
    let costs = CostModel::new(&dag, &platform).unwrap();
    crate::check::check(&costs, &a).unwrap();
}

#[test]
fn a_permanent_failure_of_every_node_is_a_clear_stall() {
    let dag = chain(3, 1.0);
    let platform = preset("homogeneous", 1).unwrap();
    let config = one_outage(0, 0.5, f64::INFINITY);
    let err = simulate(&dag, &platform, &mut FirstUp::default(), &config).unwrap_err();
    assert!(matches!(err, SimError::Stalled { nodes_down: 1, .. }), "{err}");
}

#[test]
fn assigning_to_a_down_node_is_refused() {
    let dag = chain(2, 1.0);
    let platform = preset("homogeneous", 2).unwrap();
    let config = one_outage(0, 0.5, 10.0);
    let mut greedy = Greedy::default();
    let err = simulate(&dag, &platform, &mut greedy, &config).unwrap_err().to_string();
    assert!(err.contains("down"), "{err}");
}

#[test]
fn a_scheduler_that_ignores_lost_tasks_stalls_even_while_failures_go_on() {
    let dag = chain(20, 1.0);
    let platform = preset("homogeneous", 2).unwrap();
    let config = SimConfig {
        failures: crate::failures::Failures::Exponential { mtbf: 3.0, repair: 1.0 },
        seed: 1,
        ..SimConfig::default()
    };
    let err = simulate(&dag, &platform, &mut Forgetful, &config).unwrap_err();
    assert!(matches!(err, SimError::Stalled { .. }), "{err}");
}

#[test]
fn checkpoints_cost_time_and_save_work_from_a_failure() {
    use crate::failures::Checkpointing;
    let dag = chain(1, 100.0);
    let platform = preset("homogeneous", 2).unwrap();
    let checkpointing = Some(Checkpointing {
        cost: 1.0,
        interval: Some(10.0),
    });

    // No failure: 100 s of work plus 9 checkpoints.
    let quiet = SimConfig {
        checkpointing,
        ..SimConfig::default()
    };
    let r = simulate(&dag, &platform, &mut FirstUp::default(), &quiet).unwrap();
    assert_eq!(r.metrics.makespan, 109.0);

    // Node 0 fails at 50 s: 4 checkpoints (44 s) saved 40 s of work; the
    // restart on node 1 does the other 60 s plus 5 checkpoints: 50 + 65.
    let failing = SimConfig {
        checkpointing,
        ..one_outage(0, 50.0, 1.0)
    };
    let r = simulate(&dag, &platform, &mut FirstUp::default(), &failing).unwrap();
    assert_eq!(r.lost[0].saved, 40.0);
    assert_eq!(r.metrics.lost_work, 10.0);
    // 50 s busy at 20 W, of which 40 s of work was saved.
    assert_eq!(r.metrics.wasted_energy_j, 20.0 * 50.0 * (10.0 / 50.0));
    assert_eq!(r.metrics.makespan, 115.0);

    // Without checkpoints the restart redoes all 100 s.
    let bare = SimConfig {
        checkpointing: None,
        ..failing
    };
    let r = simulate(&dag, &platform, &mut FirstUp::default(), &bare).unwrap();
    assert_eq!(r.metrics.makespan, 150.0);
}

#[test]
fn young_daly_interval_comes_from_the_mtbf() {
    use crate::failures::{Checkpointing, Failures};
    let c = Checkpointing {
        cost: 2.0,
        interval: None,
    };
    assert_eq!(
        c.interval(&Failures::Exponential {
            mtbf: 400.0,
            repair: 1.0
        }),
        Ok(40.0)
    );
    assert!(c.interval(&Failures::None).is_err());
}

#[test]
fn a_run_past_its_horizon_stops_with_an_error() {
    let dag = chain(10, 1.0);
    let platform = preset("homogeneous", 1).unwrap();
    let config = SimConfig {
        horizon: Some(4.5),
        ..SimConfig::default()
    };
    let err = simulate(&dag, &platform, &mut FirstUp::default(), &config).unwrap_err();
    assert_eq!(
        err,
        SimError::Horizon {
            horizon: 4.5,
            unfinished: 6
        }
    );
}

#[test]
fn wrong_declared_speeds_stretch_runtimes_by_node() {
    let dag = chain(4, 1.0);
    let platform = preset("homogeneous", 1).unwrap();
    let run = |speed_error: &str| {
        let config = SimConfig {
            speed_error: speed_error.parse().unwrap(),
            ..SimConfig::default()
        };
        let r = simulate(&dag, &platform, &mut Greedy::default(), &config).unwrap();
        crate::check::check(&CostModel::new(&dag, &platform).unwrap(), &r).unwrap();
        r.tasks
            .iter()
            .map(|t| (t.end - t.start).as_secs_f64())
            .collect::<Vec<_>>()
    };
    assert_eq!(run(""), [1.0; 4]);
    assert_eq!(run("slow=1"), [2.0; 4]);
    assert_eq!(run("fast=1,fast_factor=0.25"), [0.25; 4]);
    // The factor of a drifting node is read when a task starts: 1 at 0 s, 2 at 1 s, 3 from 2 s on.
    assert_eq!(run("drifting=1,drift_factor=3,drift_time=2"), [1.0, 2.0, 3.0, 3.0]);
}

/// `inner`, paying `overhead` seconds per decision.
struct Costly<S> {
    inner: S,
    overhead: f64,
}

impl<S: Scheduler> Scheduler for Costly<S> {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        self.inner.plan(view, out);
    }
    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        self.inner.on_update(view, update, out);
    }
    fn decision_overhead(&self) -> SimDuration {
        SimDuration::from_secs_f64(self.overhead)
    }
}

#[test]
fn each_decision_costs_its_overhead_one_after_another() {
    // A chain: every task waits for its own decision after its predecessor ends.
    let dag = chain(3, 1.0);
    let platform = preset("homogeneous", 1).unwrap();
    let mut online = Costly {
        inner: Greedy::default(),
        overhead: 0.5,
    };
    let r = simulate(&dag, &platform, &mut online, &SimConfig::default()).unwrap();
    let starts: Vec<f64> = r.tasks.iter().map(|t| t.start.as_secs_f64()).collect();
    assert_eq!(starts, [0.5, 2.0, 3.5]);
    // Independent tasks decided in one call take effect one after another.
    let mut b = DagBuilder::new();
    for i in 0..3 {
        b.add_task(TaskSpec::new(format!("t{i}"), 1.0));
    }
    let dag = b.build().unwrap();
    let platform = preset("homogeneous", 3).unwrap();
    struct Spread;
    impl Scheduler for Spread {
        fn name(&self) -> &str {
            "spread"
        }
        fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
            for t in view.dag().task_ids() {
                out.assign(view, t, NodeId::new(t.index()));
            }
        }
    }
    let mut planner = Costly {
        inner: Spread,
        overhead: 0.25,
    };
    let r = simulate(&dag, &platform, &mut planner, &SimConfig::default()).unwrap();
    let starts: Vec<f64> = r.tasks.iter().map(|t| t.start.as_secs_f64()).collect();
    assert_eq!(starts, [0.25, 0.5, 0.75]);
    crate::check::check(&CostModel::new(&dag, &platform).unwrap(), &r).unwrap();
}

#[test]
fn a_node_failing_while_the_scheduler_decides_hands_the_task_back() {
    let dag = chain(1, 1.0);
    let platform = preset("homogeneous", 2).unwrap();
    let config = one_outage(0, 0.5, 10.0);
    let mut online = Costly {
        inner: FirstUp::default(),
        overhead: 1.0,
    };
    let r = simulate(&dag, &platform, &mut online, &config).unwrap();
    // Decided for node 0 at 0, effective at 1: node 0 is down by then, so the
    // task is handed back, decided again for node 1 (effective at 2) and runs.
    assert_eq!(r.tasks[0].node, NodeId::new(1));
    assert_eq!(r.tasks[0].start.as_secs_f64(), 2.0);
    assert!(r.lost.is_empty(), "nothing ran, so nothing was lost");
    crate::check::check(&CostModel::new(&dag, &platform).unwrap(), &r).unwrap();
}

/// Makes a fixed list of decisions at time 0, `(task, node, copy kind)`, and
/// ignores everything after.
struct Fixed(Vec<(usize, usize, Option<CopyKind>)>);

const DUP: Option<CopyKind> = Some(CopyKind::Duplicate);
const REPLICA: Option<CopyKind> = Some(CopyKind::Replica);

impl Scheduler for Fixed {
    fn name(&self) -> &str {
        "fixed"
    }
    fn plan(&mut self, _view: &SimView<'_>, out: &mut Decisions) {
        for &(task, node, copy) in &self.0 {
            let a = Assignment {
                task: TaskId::new(task),
                node: NodeId::new(node),
                cores: 1,
                dvfs: 0,
            };
            match copy {
                None => out.push(a),
                Some(kind) => out.add(Decision::Copy(a, kind)),
            }
        }
    }
}

#[test]
fn the_first_copy_to_finish_completes_the_task_and_running_copies_go_on() {
    let dag = chain(1, 2.0);
    let platform = Platform::from_toml(
        r#"name = "test"
nodes = [
  { name = "slow", cores = 1, speed = 1.0, power = { idle_w = 10.0, busy_core_w = 20.0 } },
  { name = "fast", cores = 1, speed = 2.0, power = { idle_w = 10.0, busy_core_w = 20.0 } },
]
network = { model = "dedicated", latency = 0.0, bandwidth = 1e9 }
"#,
    )
    .unwrap();
    let mut s = Fixed(vec![(0, 0, None), (0, 1, DUP)]);
    let r = simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
    assert_eq!(r.tasks[0].node, NodeId::new(1), "the fast copy won");
    assert_eq!(r.metrics.makespan, 1.0);
    assert_eq!(r.copies.len(), 1, "the slow primary ran on: {:?}", r.copies);
    assert_eq!(r.copies[0].record.end.as_secs_f64(), 2.0);
    crate::check::check(&CostModel::new(&dag, &platform).unwrap(), &r).unwrap();
    // As a replica, the fast copy's finish cancels the slow primary at once.
    let mut s = Fixed(vec![(0, 0, None), (0, 1, REPLICA)]);
    let replicated = simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
    assert!(replicated.copies.is_empty());
    assert_eq!(replicated.cancelled.len(), 1);
    assert_eq!(replicated.cancelled[0].record.end.as_secs_f64(), 1.0);
    assert!(replicated.metrics.energy_j < r.metrics.energy_j);
    crate::check::check(&CostModel::new(&dag, &platform).unwrap(), &replicated).unwrap();
    // A replica survives the failure of its primary's node: nothing is handed back.
    let config = one_outage(1, 0.5, 100.0);
    let mut s = Fixed(vec![(0, 1, None), (0, 0, REPLICA)]);
    let r = simulate(&dag, &platform, &mut s, &config).unwrap();
    assert_eq!((r.tasks[0].node, r.metrics.makespan), (NodeId::new(0), 2.0));
    assert_eq!(r.lost.len(), 1);
    crate::check::check(&CostModel::new(&dag, &platform).unwrap(), &r).unwrap();
}

#[test]
fn a_duplicate_on_the_consumers_node_saves_the_transfer() {
    let mut b = DagBuilder::new();
    let a = b.add_task(TaskSpec::new("a", 1.0));
    let z = b.add_task(TaskSpec::new("z", 1.0));
    b.add_edge(a, z, 4e9); // 4 s at 1 GB/s
    let dag = b.build().unwrap();
    let platform = Platform::from_toml(
        r#"name = "test"
nodes = [{ name = "n", count = 2, cores = 1, speed = 1.0, power = { idle_w = 10.0, busy_core_w = 20.0 } }]
network = { model = "dedicated", latency = 0.0, bandwidth = 1e9 }
"#,
    )
    .unwrap();
    let costs = CostModel::new(&dag, &platform).unwrap();
    // The duplicate of `a` must be decided before `z`, which queues behind it on node 1.
    let plain = Fixed(vec![(0, 0, None), (1, 1, None)]);
    let duplicated = Fixed(vec![(0, 0, None), (0, 1, DUP), (1, 1, None)]);
    let mut makespans = Vec::new();
    for mut s in [plain, duplicated] {
        let r = simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
        crate::check::check(&costs, &r).unwrap();
        makespans.push(r.metrics.makespan);
    }
    assert_eq!(makespans, [6.0, 2.0]);
}

#[test]
fn invalid_copies_are_refused() {
    let dag = chain(2, 1.0);
    let platform = preset("homogeneous", 2).unwrap();
    let refuse = |decisions: Vec<(usize, usize, Option<CopyKind>)>, reason: &str| {
        let err = simulate(&dag, &platform, &mut Fixed(decisions), &SimConfig::default()).unwrap_err();
        assert!(err.to_string().contains(reason), "{err}");
    };
    refuse(vec![(0, 0, None), (1, 1, DUP), (1, 1, DUP)], "already has a run");
    refuse(vec![(0, 0, None), (1, 0, None), (1, 0, DUP)], "already has a run");
    refuse(vec![(0, 0, None), (7, 1, DUP)], "no such task");
    refuse(vec![(0, 0, DUP), (0, 1, None), (0, 1, None)], "already assigned");
}

#[test]
fn task_overhead_lengthens_every_task_on_its_node_and_the_checker_agrees() {
    let dag = chain(3, 1.0);
    let mut spec = shared_platform(1).spec().clone();
    spec.nodes[0].task_overhead = 0.25;
    let platform = Platform::new(spec).unwrap();
    let result = simulate(&dag, &platform, &mut Greedy::default(), &SimConfig::default()).unwrap();
    assert_eq!(result.makespan(), SimTime::from_secs_f64(3.75));
    let costs = CostModel::new(&dag, &platform).unwrap();
    assert_eq!(
        costs.exec_time(TaskId::new(0), NodeId::new(0)),
        crate::time::SimDuration::from_secs_f64(1.25)
    );
    crate::check::check(&costs, &result).unwrap();
}

#[test]
fn a_node_that_pulls_its_inputs_copies_them_with_its_own_core() {
    // a (1 s, node 0) sends 1 s of data to b on node 1, which first runs c (2 s).
    let mut b = DagBuilder::new();
    let a = b.add_task(TaskSpec::new("a", 1.0));
    let z = b.add_task(TaskSpec::new("b", 1.0));
    b.add_task(TaskSpec::new("c", 2.0));
    b.add_edge(a, z, 1e9);
    let dag = b.build().unwrap();
    let run = |pulls: bool| {
        let platform = Platform::from_toml(&format!(
            r#"name = "test"
nodes = [{{ name = "n", count = 2, cores = 1, speed = 1.0, pulls_inputs = {pulls}, power = {{ idle_w = 1.0, busy_core_w = 1.0 }} }}]
network = {{ model = "dedicated", latency = 0.0, bandwidth = 1e9 }}
"#
        ))
        .unwrap();
        let mut s = Fixed(vec![(0, 0, None), (2, 1, None), (1, 1, None)]);
        let r = simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
        crate::check::check(&CostModel::new(&dag, &platform).unwrap(), &r).unwrap();
        let t = r.transfers[0];
        (
            t.start.as_secs_f64(),
            t.end.as_secs_f64(),
            r.tasks[1].start.as_secs_f64(),
            r.metrics.makespan,
        )
    };
    // In the background, the data moves while c runs and b starts when c ends.
    assert_eq!(run(false), (1.0, 2.0, 2.0, 3.0));
    // Pulled, the copy waits for node 1's core and delays b by its length.
    assert_eq!(run(true), (2.0, 3.0, 3.0, 4.0));
}

#[test]
fn an_idle_pulling_node_fetches_as_soon_as_the_producer_ends() {
    let dag = {
        let mut b = DagBuilder::new();
        let a = b.add_task(TaskSpec::new("a", 1.0));
        let z = b.add_task(TaskSpec::new("z", 1.0));
        b.add_edge(a, z, 1e9);
        b.build().unwrap()
    };
    let platform = Platform::from_toml(
        r#"name = "test"
nodes = [{ name = "n", count = 2, cores = 1, speed = 1.0, pulls_inputs = true, power = { idle_w = 1.0, busy_core_w = 1.0 } }]
network = { model = "dedicated", latency = 0.0, bandwidth = 1e9 }
"#,
    )
    .unwrap();
    let r = simulate(
        &dag,
        &platform,
        &mut Fixed(vec![(0, 0, None), (1, 1, None)]),
        &SimConfig::default(),
    )
    .unwrap();
    assert_eq!(
        r.metrics.makespan, 3.0,
        "nothing else wakes node 1: the producer's end must"
    );
}

#[test]
fn concurrent_transfers_share_the_backplane_and_one_alone_is_capped_by_it() {
    // `pairs` producer → consumer pairs, 1 GB each, on distinct nodes (NICs of
    // 1 GB/s): no NIC is shared, so only a backplane makes the copies contend.
    let run = |backplane: &str, pairs: usize| {
        let mut b = DagBuilder::new();
        for i in 0..pairs {
            let s = b.add_task(TaskSpec::new(format!("s{i}"), 1.0));
            let d = b.add_task(TaskSpec::new(format!("d{i}"), 1.0));
            b.add_edge(s, d, 1e9);
        }
        let dag = b.build().unwrap();
        let platform = Platform::from_toml(&format!(
            r#"name = "test"
nodes = [{{ name = "n", count = 4, cores = 1, speed = 1.0, power = {{ idle_w = 1.0, busy_core_w = 1.0 }} }}]
network = {{ model = "shared", latency = 0.0, bandwidth = 1e9 {backplane} }}
"#
        ))
        .unwrap();
        let mut s = Fixed((0..2 * pairs).map(|t| (t, t, None)).collect());
        let r = simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
        crate::check::check(&CostModel::new(&dag, &platform).unwrap(), &r).unwrap();
        let secs: Vec<f64> = r.transfers.iter().map(|t| (t.end - t.start).as_secs_f64()).collect();
        (secs, platform.path_bandwidth(NodeId::new(0), NodeId::new(1)))
    };
    assert_eq!(run("", 2), (vec![1.0, 1.0], 1e9), "no backplane: no contention");
    let (secs, bandwidth) = run(", backplane_bandwidth = 1.5e9", 2);
    assert_eq!(bandwidth, 1e9, "a copy alone still runs at its NIC's bandwidth");
    for s in secs {
        assert!((s - 4.0 / 3.0).abs() < 1e-6, "two copies share 1.5 GB/s: {s}");
    }
    assert_eq!(
        run(", backplane_bandwidth = 5e8", 1),
        (vec![2.0], 5e8),
        "a slower backplane caps a copy alone, and the estimates know it"
    );
}
