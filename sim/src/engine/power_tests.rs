//! Engine tests of power states: boots, drains, energy and price by hand,
//! refused assignments, stalls and the checker's audit of power records.

use super::*;
use crate::check::check;
use crate::dag::{DagBuilder, TaskSpec};
use crate::ids::{NodeId, TaskId};
use crate::metrics::power_series;
use crate::power::{PowerDecisions, PowerRecord, PowerState, PowerView, ResourceManager};
use crate::scheduler::{Decisions, SimView, Update};
use crate::time::SimDuration;

/// Two one-core nodes: idle 10 W, 5 W per busy core, 1 W off, a 2 s boot of
/// 40 J (20 W), at 36 per hour billed per `billing` seconds.
fn platform(billing: f64) -> Platform {
    Platform::from_toml(&format!(
        r#"
name = "two"
[network]
model = "dedicated"
latency = 0.0
bandwidth = 1e9
[[nodes]]
name = "n"
count = 2
cores = 1
speed = 1.0
price_per_hour = 36.0
billing_secs = {billing}
power = {{ idle_w = 10.0, busy_core_w = 5.0, off_w = 1.0, boot_secs = 2.0, boot_j = 40.0 }}
"#
    ))
    .unwrap()
}

/// `a` (4 s) then `b` and `c` (4 s each), both after `a`.
fn fork() -> Dag {
    let mut d = DagBuilder::new();
    let a = d.add_task(TaskSpec::new("a", 4.0));
    let b = d.add_task(TaskSpec::new("b", 4.0));
    let c = d.add_task(TaskSpec::new("c", 4.0));
    d.add_edge(a, b, 0.0);
    d.add_edge(a, c, 0.0);
    d.build().unwrap()
}

/// Places each ready task on the lowest node that accepts work and has a
/// free core, holding the others until one does.
#[derive(Default)]
struct FirstFree {
    waiting: Vec<TaskId>,
}

impl Scheduler for FirstFree {
    fn name(&self) -> &str {
        "first-free"
    }
    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        self.waiting.extend_from_slice(update.ready);
        let mut taken = vec![false; view.platform().node_count()];
        let mut still = Vec::new();
        for &task in &self.waiting {
            let node = view
                .platform()
                .node_ids()
                .find(|&n| !taken[n.index()] && view.node_up(n) && view.free_cores(n) > 0 && view.queue_len(n) == 0);
            match node {
                Some(n) => {
                    taken[n.index()] = true;
                    out.assign(view, task, n);
                }
                None => still.push(task),
            }
        }
        self.waiting = still;
    }
}

/// Powers node 1 off at the start and on when task 0 finishes.
struct Script;

impl ResourceManager for Script {
    fn name(&self) -> &str {
        "script"
    }
    fn start(&mut self, _: &SimView<'_>, _: &PowerView<'_>, out: &mut PowerDecisions) {
        out.power_off(NodeId::new(1));
    }
    fn on_update(&mut self, _: &SimView<'_>, _: &PowerView<'_>, update: &Update<'_>, out: &mut PowerDecisions) {
        if update.finished.contains(&TaskId::new(0)) {
            out.power_on(NodeId::new(1));
        }
    }
}

#[test]
fn energy_and_cost_integrate_off_boot_idle_and_busy_power_by_hand() {
    let platform = platform(1.0);
    let mut resources = Script;
    let run = simulate_managed(
        &fork(),
        &platform,
        &mut FirstFree::default(),
        &mut resources,
        &SimConfig::default(),
    )
    .unwrap();
    // Node 1 is off over [0, 4], boots over [4, 6] and runs c over [6, 10];
    // node 0 runs a over [0, 4] and b over [4, 8].
    let t = |s: u64| SimTime::from_nanos(s * 1_000_000_000);
    assert_eq!(run.task(TaskId::new(1)).node, NodeId::new(0));
    assert_eq!(
        (run.task(TaskId::new(2)).node, run.task(TaskId::new(2)).start),
        (NodeId::new(1), t(6))
    );
    assert_eq!(run.makespan(), t(10));
    let off = |state, start, end| PowerRecord {
        node: NodeId::new(1),
        state,
        start: t(start),
        end: t(end),
    };
    assert_eq!(run.power, [off(PowerState::Off, 0, 4), off(PowerState::Booting, 4, 6)]);
    // Node 0: 10 s at 10 W idle + 8 busy seconds at 5 W = 140 J.
    // Node 1: 4 s off at 1 W + 40 J of boot + 4 s on at 10 W + 4 busy s at 5 W = 104 J.
    assert_eq!(run.node_energy_j, [140.0, 104.0]);
    assert_eq!(run.metrics.energy_j, 244.0);
    assert!((power_series(&platform, &run).integral() - 244.0).abs() < 1e-9);
    // Powered for 10 s and 6 s at 0.01 per second.
    assert!((run.metrics.node_hours - 16.0 / 3600.0).abs() < 1e-15);
    assert!((run.metrics.cost - 0.16).abs() < 1e-12, "{}", run.metrics.cost);
    let dag = fork();
    let costs = CostModel::new(&dag, &platform).unwrap();
    assert_eq!(check(&costs, &run), Ok(()));

    // Billed per started 4 s: 12 s and 8 s.
    let run = simulate_managed(
        &dag,
        &self::platform(4.0),
        &mut FirstFree::default(),
        &mut Script,
        &SimConfig::default(),
    )
    .unwrap();
    assert!((run.metrics.cost - 0.20).abs() < 1e-12, "{}", run.metrics.cost);
}

#[test]
fn the_checker_refuses_a_run_on_a_node_while_it_was_off_or_booting() {
    let platform = platform(1.0);
    let run = simulate_managed(
        &fork(),
        &platform,
        &mut FirstFree::default(),
        &mut Script,
        &SimConfig::default(),
    )
    .unwrap();
    let dag = fork();
    let costs = CostModel::new(&dag, &platform).unwrap();
    let t = |s: u64| SimTime::from_nanos(s * 1_000_000_000);
    for (start, end, state) in [(1, 3, "off"), (5, 9, "booting")] {
        let mut forged = run.clone();
        (forged.tasks[2].start, forged.tasks[2].end) = (t(start), t(end));
        let violations = check(&costs, &forged).unwrap_err();
        assert!(
            violations
                .iter()
                .any(|v| v.0.contains(&format!("while it was {state}"))),
            "{violations:?}"
        );
    }
    let mut overlapping = run.clone();
    overlapping.power[1].start = SimTime::from_nanos(3_000_000_000);
    let violations = check(&costs, &overlapping).unwrap_err();
    assert!(violations.iter().any(|v| v.0.contains("overlapping")), "{violations:?}");
}

/// Puts every task on node `.0` at time 0.
struct AllOn(usize);

impl Scheduler for AllOn {
    fn name(&self) -> &str {
        "all-on"
    }
    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        for t in view.dag().task_ids() {
            out.assign(view, t, NodeId::new(self.0));
        }
    }
}

/// Powers off every node at the start, then nothing.
struct Dark;

impl ResourceManager for Dark {
    fn name(&self) -> &str {
        "dark"
    }
    fn start(&mut self, view: &SimView<'_>, _: &PowerView<'_>, out: &mut PowerDecisions) {
        for n in view.platform().node_ids() {
            out.power_off(n);
        }
    }
}

#[test]
fn an_assignment_to_an_off_node_is_refused_and_a_dark_platform_stalls() {
    let platform = platform(1.0);
    let err = simulate_managed(&fork(), &platform, &mut AllOn(1), &mut Script, &SimConfig::default());
    assert!(
        matches!(&err, Err(SimError::BadDecision { reason, node: 1, .. }) if reason == "the node is off"),
        "{err:?}"
    );
    let err = simulate_managed(
        &fork(),
        &platform,
        &mut FirstFree::default(),
        &mut Dark,
        &SimConfig::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("0 nodes down, 2 off or booting"), "{err}");
}

/// Powers node 0 off at 1 s, while it runs `a` and has `b` and `c` queued.
struct OffAtOne;

impl ResourceManager for OffAtOne {
    fn name(&self) -> &str {
        "off-at-one"
    }
    fn period(&self) -> Option<SimDuration> {
        Some(SimDuration::from_secs_f64(1.0))
    }
    fn on_tick(&mut self, view: &SimView<'_>, power: &PowerView<'_>, out: &mut PowerDecisions) {
        if view.now() == SimTime::from_nanos(1_000_000_000) {
            assert_eq!(power.load().queued, 2);
            assert_eq!(power.load().busy_cores, 1);
            out.power_off(NodeId::new(0));
        }
    }
}

#[test]
fn powering_off_a_busy_node_drains_it_first() {
    let platform = platform(1.0);
    let run = simulate_managed(&fork(), &platform, &mut AllOn(0), &mut OffAtOne, &SimConfig::default()).unwrap();
    // Its work runs to the end (12 s); only then is it off, after the makespan,
    // so the run records no off period.
    assert_eq!(run.makespan(), SimTime::from_nanos(12_000_000_000));
    assert!(run.power.is_empty(), "{:?}", run.power);
    let dag = fork();
    let costs = CostModel::new(&dag, &platform).unwrap();
    assert_eq!(check(&costs, &run), Ok(()));
}

/// A fixed one-core node and a pool of one more, each as in [`platform`]
/// but drawing nothing while off (a pool's released nodes draw nothing),
/// billed per `billing` seconds; with `pooled` false the second node is a
/// fixed one.
fn pool_platform(billing: f64, pooled: bool) -> Platform {
    let pool = if pooled { "pool = { max = 1 }" } else { "" };
    Platform::from_toml(&format!(
        r#"
name = "pool"
[network]
model = "dedicated"
latency = 0.0
bandwidth = 1e9
[[nodes]]
name = "base"
cores = 1
speed = 1.0
price_per_hour = 36.0
billing_secs = {billing}
power = {{ idle_w = 10.0, busy_core_w = 5.0, boot_secs = 2.0, boot_j = 40.0 }}
[[nodes]]
name = "vm"
{pool}
cores = 1
speed = 1.0
price_per_hour = 36.0
billing_secs = {billing}
power = {{ idle_w = 10.0, busy_core_w = 5.0, boot_secs = 2.0, boot_j = 40.0 }}
"#
    ))
    .unwrap()
}

/// [`fork`] with `d` (4 s) after `b`.
fn fork_and_tail() -> Dag {
    let mut d = DagBuilder::new();
    let a = d.add_task(TaskSpec::new("a", 4.0));
    let b = d.add_task(TaskSpec::new("b", 4.0));
    let c = d.add_task(TaskSpec::new("c", 4.0));
    let tail = d.add_task(TaskSpec::new("d", 4.0));
    d.add_edge(a, b, 0.0);
    d.add_edge(a, c, 0.0);
    d.add_edge(b, tail, 0.0);
    d.build().unwrap()
}

/// Acquires the pool node when task 0 finishes and releases it at 7 s.
struct Rent;

impl ResourceManager for Rent {
    fn name(&self) -> &str {
        "rent"
    }
    fn period(&self) -> Option<SimDuration> {
        Some(SimDuration::from_secs_f64(1.0))
    }
    fn on_update(&mut self, _: &SimView<'_>, _: &PowerView<'_>, update: &Update<'_>, out: &mut PowerDecisions) {
        if update.finished.contains(&TaskId::new(0)) {
            out.power_on(NodeId::new(1));
        }
    }
    fn on_tick(&mut self, view: &SimView<'_>, _: &PowerView<'_>, out: &mut PowerDecisions) {
        if view.now() == SimTime::from_nanos(7_000_000_000) {
            out.power_off(NodeId::new(1));
        }
    }
}

#[test]
fn a_pool_node_is_held_billed_and_powered_only_from_its_acquisition_to_its_release() {
    let dag = fork_and_tail();
    let run_with = |billing| {
        simulate_managed(
            &dag,
            &pool_platform(billing, true),
            &mut FirstFree::default(),
            &mut Rent,
            &SimConfig::default(),
        )
        .unwrap()
    };
    let run = run_with(1.0);
    // The pool node is released over [0, 4], boots over [4, 6], runs c over
    // [6, 10] (draining from 7 s) and is released at 10 s; the base node runs
    // a, b and d back to back until 12 s.
    let t = |s: u64| SimTime::from_nanos(s * 1_000_000_000);
    assert_eq!(
        (run.task(TaskId::new(2)).node, run.task(TaskId::new(2)).start),
        (NodeId::new(1), t(6))
    );
    assert_eq!(run.makespan(), t(12));
    let record = |state, start, end| PowerRecord {
        node: NodeId::new(1),
        state,
        start: t(start),
        end: t(end),
    };
    assert_eq!(
        run.power,
        [
            record(PowerState::Off, 0, 4),
            record(PowerState::Booting, 4, 6),
            record(PowerState::Off, 10, 12)
        ]
    );
    // Base: 12 s at 10 W idle + 12 busy s at 5 W = 180 J. Pool node: nothing
    // while released, 40 J of boot, 4 s on at 10 W + 4 busy s at 5 W = 100 J.
    assert_eq!(run.node_energy_j, [180.0, 100.0]);
    assert_eq!(run.metrics.energy_j, 280.0);
    // Held 12 s and 6 s (the boot and the drain included), at 0.01 per second.
    assert!((run.metrics.node_hours - 18.0 / 3600.0).abs() < 1e-15);
    assert!((run.metrics.cost - 0.18).abs() < 1e-12, "{}", run.metrics.cost);
    let platform = pool_platform(1.0, true);
    let costs = CostModel::new(&dag, &platform).unwrap();
    assert_eq!(check(&costs, &run), Ok(()));
    // Billed per started 4 s: 12 s and 8 s; per started hour: an hour each.
    assert!((run_with(4.0).metrics.cost - 0.20).abs() < 1e-12);
    let hourly = run_with(3600.0);
    assert!((hourly.metrics.cost - 72.0).abs() < 1e-12, "{}", hourly.metrics.cost);
    assert!((hourly.metrics.node_hours - 18.0 / 3600.0).abs() < 1e-15);
}

#[test]
fn nothing_runs_on_a_pool_node_before_it_is_acquired() {
    let dag = fork_and_tail();
    let platform = pool_platform(1.0, true);
    let run = simulate_managed(
        &dag,
        &platform,
        &mut FirstFree::default(),
        &mut Rent,
        &SimConfig::default(),
    )
    .unwrap();
    let costs = CostModel::new(&dag, &platform).unwrap();
    let mut forged = run.clone();
    let t = |s: u64| SimTime::from_nanos(s * 1_000_000_000);
    (forged.tasks[2].start, forged.tasks[2].end) = (t(0), t(4));
    let violations = check(&costs, &forged).unwrap_err();
    assert!(
        violations.iter().any(|v| v.0.contains("while it was off")),
        "{violations:?}"
    );
    // A plan aimed at the released node is refused, as one aimed at an off node.
    let err = simulate_managed(&dag, &platform, &mut AllOn(1), &mut Rent, &SimConfig::default());
    assert!(
        matches!(&err, Err(SimError::BadDecision { reason, node: 1, .. }) if reason == "the node is off"),
        "{err:?}"
    );
}

#[test]
fn always_on_holds_the_whole_pool_as_a_fixed_platform() {
    let dag = fork_and_tail();
    let pooled = simulate(
        &dag,
        &pool_platform(1.0, true),
        &mut FirstFree::default(),
        &SimConfig::default(),
    )
    .unwrap();
    let fixed = simulate(
        &dag,
        &pool_platform(1.0, false),
        &mut FirstFree::default(),
        &SimConfig::default(),
    )
    .unwrap();
    assert!(pooled.power.is_empty(), "{:?}", pooled.power);
    assert_eq!(pooled.tasks, fixed.tasks);
    assert_eq!(pooled.metrics, fixed.metrics);
    // Both nodes held for the 12 s: c runs at once on the pool node.
    assert!((pooled.metrics.cost - 0.24).abs() < 1e-12, "{}", pooled.metrics.cost);
}

/// Powers node 1 off at the start and on when task 0 finishes, and records
/// node 1's idle time as seen at the end of the run.
#[derive(Default)]
struct IdleWatch {
    idle_since_at_end: Option<Option<SimTime>>,
}

impl ResourceManager for IdleWatch {
    fn name(&self) -> &str {
        "idle-watch"
    }
    fn start(&mut self, _: &SimView<'_>, _: &PowerView<'_>, out: &mut PowerDecisions) {
        out.power_off(NodeId::new(1));
    }
    fn on_update(&mut self, _: &SimView<'_>, power: &PowerView<'_>, update: &Update<'_>, out: &mut PowerDecisions) {
        if update.finished.contains(&TaskId::new(0)) {
            out.power_on(NodeId::new(1));
        }
        if update.finished.contains(&TaskId::new(1)) {
            self.idle_since_at_end = Some(power.node(NodeId::new(1)).idle_since);
        }
    }
}

#[test]
fn a_node_that_comes_on_without_work_is_idle_from_when_it_came_on() {
    // `a` then `b`, both on node 0 over [0, 8]; node 1 is off over [0, 4]
    // and boots over [4, 6], then has nothing to do. Its idle timeout must
    // count from 6 s: the time it was off is not idle time on, else an
    // idle-timeout manager would release a node the instant it booted.
    let mut d = DagBuilder::new();
    let a = d.add_task(TaskSpec::new("a", 4.0));
    let b = d.add_task(TaskSpec::new("b", 4.0));
    d.add_edge(a, b, 0.0);
    let mut watch = IdleWatch::default();
    let run = simulate_managed(
        &d.build().unwrap(),
        &platform(1.0),
        &mut FirstFree::default(),
        &mut watch,
        &SimConfig::default(),
    )
    .unwrap();
    assert_eq!(run.makespan(), SimTime::from_nanos(8_000_000_000));
    assert_eq!(watch.idle_since_at_end, Some(Some(SimTime::from_nanos(6_000_000_000))));
}
