//! Memory and placement constraints: every registered scheduler respects node
//! memory and labels on random instances (the checker audits every run), the
//! engine holds memory from a task's start to its end, and instances no node
//! can run are errors before the run.

use proptest::prelude::*;
use sim::platform::Platform;
use sim::{CostModel, Dag, DagBuilder, Failures, Noise, SimConfig, StreamJob, TaskId, TaskSpec};
use std::sync::Arc;

const GB: f64 = 1e9;

/// A platform of node types `(count, cores, memory in GB if limited, gpu)`,
/// on a dedicated network of unit latency and bandwidth.
fn platform(types: &[(u32, u32, Option<u8>, bool)]) -> Platform {
    let nodes: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, &(count, cores, memory, gpu))| {
            let memory = memory.map_or(String::new(), |m| format!(", memory_bytes = {}", f64::from(m) * GB));
            let labels = if gpu { ", labels = [\"gpu\"]" } else { "" };
            format!(
                "{{ name = \"t{i}\", count = {count}, cores = {cores}, speed = {}.0, \
                 power = {{ idle_w = 1.0, busy_core_w = 1.0 }}{memory}{labels} }}",
                i + 1
            )
        })
        .collect();
    let text = format!(
        "name = \"p\"\nnodes = [{}]\nnetwork = {{ model = \"dedicated\", latency = 0.5, bandwidth = 1.0 }}\n",
        nodes.join(", ")
    );
    Platform::from_toml(&text).expect("platform")
}

/// Tasks `(work, memory in GB, requires gpu)` with forward edges `(a, z, bytes)`.
fn dag(tasks: &[(u8, u8, bool)], edges: &[(usize, usize, u8)]) -> Dag {
    let mut b = DagBuilder::new();
    for (i, &(work, memory, gpu)) in tasks.iter().enumerate() {
        let requires = if gpu { vec!["gpu".to_owned()] } else { Vec::new() };
        b.add_task(
            TaskSpec::new(format!("t{i}"), f64::from(work))
                .memory_bytes(f64::from(memory) * GB)
                .requires(requires),
        );
    }
    for &(a, z, bytes) in edges {
        let (a, z) = (a % tasks.len(), z % tasks.len());
        if a < z {
            b.add_edge(TaskId::new(a), TaskId::new(z), f64::from(bytes));
        }
    }
    b.build().expect("dag")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Every scheduler, with and without noise and failures, on random node
    /// memories and labels and random task memories and requirements: every
    /// run passes the checker, which audits memory at every instant and the
    /// labels of every run's node. (About three instances in four can run
    /// and are constrained; the rest fit no node and are skipped.)
    #[test]
    fn every_scheduler_respects_memory_and_labels(
        types in prop::collection::vec((1u32..4, 1u32..4, prop::option::weighted(0.7, 2u8..8), any::<bool>()), 1..4),
        tasks in prop::collection::vec((0u8..5, 0u8..6, prop::bool::weighted(0.2)), 1..24),
        edges in prop::collection::vec((0usize..24, 0usize..24, 0u8..3), 0..40),
        seed in any::<u64>(),
    ) {
        // The last node type carries the label, so that most instances can run.
        let mut types = types;
        if let Some(last) = types.last_mut() {
            last.3 = true;
        }
        let platform = platform(&types);
        let dag = dag(&tasks, &edges);
        // Instances no node can run are errors before the run (tested below).
        let Ok(costs) = CostModel::new(&dag, &platform) else {
            return Ok(());
        };
        let settings = [
            (0.0, Failures::None),
            (0.3, Failures::Exponential { mtbf: 30.0, repair: 5.0 }),
        ];
        for (sigma, failures) in settings {
            for info in schedulers::registry::all() {
                let mut s = schedulers::registry::create(info.name, seed).unwrap();
                let config = SimConfig {
                    noise: Noise::lognormal(sigma),
                    failures: failures.clone(),
                    seed,
                    ..SimConfig::default()
                };
                let what = format!("{} with σ {sigma}, {failures:?}", info.name);
                let result = sim::simulate(&dag, &platform, &mut s, &config);
                let result = result.map_err(|e| TestCaseError::fail(format!("{what}: {e}")))?;
                if let Err(v) = sim::check::check(&costs, &result) {
                    return Err(TestCaseError::fail(format!("{what}: {v:?}")));
                }
            }
        }
    }
}

/// Two tasks of 6 GB on one 2-core node of 8 GB run one after the other
/// although a core is free: memory is held from start to end.
#[test]
fn memory_serialises_tasks_that_do_not_fit_together() {
    let platform = platform(&[(1, 2, Some(8), false)]);
    let dag = dag(&[(2, 6, false), (3, 6, false), (1, 1, false)], &[]);
    let costs = CostModel::new(&dag, &platform).unwrap();
    for name in ["heft", "online-eft", "fifo"] {
        let mut s = schedulers::registry::create(name, 0).unwrap();
        let result = sim::simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
        sim::check::check(&costs, &result).unwrap();
        let (a, b) = (result.task(TaskId::new(0)), result.task(TaskId::new(1)));
        assert!(a.end <= b.start || b.end <= a.start, "{name}: {a:?} and {b:?} overlap");
        let peak = sim::metrics::node_peak_memory(&dag, platform.node_count(), &result);
        assert_eq!(peak[0].0, 7_000_000_000, "{name}: a 6 GB task beside the 1 GB one");
    }
}

/// `memory=ignore`, the memory-oblivious baseline, plans the two 6 GB tasks
/// side by side on the 8 GB node; the engine still runs them one after the
/// other, so the run is longer than planned but valid; a bad value is an error.
#[test]
fn ignoring_memory_in_plans_still_gives_valid_runs() {
    // A slow single-core node with unlimited memory, and a fast two-core node of 8 GB.
    let platform = platform(&[(1, 1, None, false), (1, 2, Some(8), false)]);
    let dag = dag(&[(4, 6, false), (3, 6, false)], &[]);
    let costs = CostModel::new(&dag, &platform).unwrap();
    let run = |spec: &str| {
        let mut s = schedulers::registry::create(spec, 0).unwrap();
        let result = sim::simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
        sim::check::check(&costs, &result).unwrap();
        result
    };
    // Aware of memory, HEFT sends the second task to the slower, unlimited node (ends at 3 s).
    let aware = run("heft");
    assert_ne!(aware.task(TaskId::new(0)).node, aware.task(TaskId::new(1)).node);
    // Oblivious, it plans both on the fast node's two cores; they run in turn (ends at 3.5 s).
    let oblivious = run("heft:memory=ignore");
    let (a, b) = (oblivious.task(TaskId::new(0)), oblivious.task(TaskId::new(1)));
    assert_eq!(a.node, b.node);
    assert!(a.end <= b.start || b.end <= a.start);
    assert!(oblivious.makespan() > aware.makespan());
    let err = schedulers::registry::create("heft:memory=maybe", 0)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("plan or ignore"), "{err}");
}

/// The checker finds memory over-committed in a forged run: two 6 GB tasks
/// moved to overlap on the 8 GB node.
#[test]
fn the_checker_finds_memory_over_committed() {
    let platform = platform(&[(1, 2, Some(8), false)]);
    let dag = dag(&[(2, 6, false), (2, 6, false)], &[]);
    let costs = CostModel::new(&dag, &platform).unwrap();
    let mut s = schedulers::registry::create("heft", 0).unwrap();
    let mut result = sim::simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
    let first = *result.task(TaskId::new(0));
    let second = &mut result.tasks[1];
    (second.start, second.end) = (first.start, first.end);
    // Give the forged run the other core so that only memory is wrong.
    let other = 1 - result.core_slots[first.core_offset as usize];
    result.core_slots[second.core_offset as usize] = other;
    result.node_energy_j = sim::metrics::node_energy(&platform, &result);
    let violations = sim::check::check(&costs, &result).unwrap_err();
    assert!(
        violations
            .iter()
            .any(|v| v.0.contains("held 12000000000 bytes of memory")),
        "{violations:?}"
    );
}

/// A task goes to the only node with its label, though another is faster,
/// and the engine refuses an assignment to a node without it.
#[test]
fn labels_decide_the_node_and_the_engine_enforces_them() {
    let platform = platform(&[(1, 1, None, false), (1, 1, None, true)]);
    let dag = dag(&[(4, 0, true)], &[]);
    let costs = CostModel::new(&dag, &platform).unwrap();
    assert!(!costs.can_run(TaskId::new(0), sim::NodeId::new(0)));
    let mut s = schedulers::registry::create("heft", 0).unwrap();
    let result = sim::simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
    assert_eq!(result.task(TaskId::new(0)).node, sim::NodeId::new(1));
}

/// Instances no node can run are errors that name the task, before any run.
#[test]
fn infeasible_instances_are_errors_naming_the_task() {
    let small = platform(&[(2, 2, Some(4), false), (1, 1, Some(2), true)]);
    let bind = |tasks: &[(u8, u8, bool)]| {
        let dag = dag(tasks, &[]);
        CostModel::new(&dag, &small).map(|_| ()).unwrap_err().to_string()
    };
    assert_eq!(
        bind(&[(1, 1, false), (1, 5, false)]),
        "task \"t1\" needs 5000000000 bytes of memory but the most any node of \"p\" has is 4000000000 bytes"
    );
    assert_eq!(
        bind(&[(1, 3, true)]),
        "task \"t0\" fits no node of \"p\": none has 1 cores, 3000000000 bytes of memory and the labels [\"gpu\"] together"
    );
    let unlabelled = platform(&[(1, 1, None, false)]);
    let dag = dag(&[(1, 0, true)], &[]);
    assert_eq!(
        CostModel::new(&dag, &unlabelled).map(|_| ()).unwrap_err().to_string(),
        "task \"t0\" requires label \"gpu\", which no node of \"p\" has (its labels: [])"
    );
    let mut b = DagBuilder::new();
    b.add_task(TaskSpec::new("x", 1.0).memory_bytes(-1.0));
    assert_eq!(
        b.build().unwrap_err().to_string(),
        "task \"x\": memory_bytes must be a finite number >= 0, got -1"
    );
    let text = "name = \"p\"\nnodes = [{ name = \"n\", cores = 1, speed = 1.0, memory_bytes = -5, \
                power = { idle_w = 1.0, busy_core_w = 1.0 } }]\n\
                network = { model = \"dedicated\", latency = 0.0, bandwidth = 1.0 }\n";
    assert_eq!(
        Platform::from_toml(text).unwrap_err().to_string(),
        "nodes[0].memory_bytes: expected a finite number >= 0, got -5"
    );
}

/// On a job stream every scheduler that runs streams respects memory and
/// labels too (jobs' constraints reach the cost model as the DAG grows), and
/// a job whose task fits no node ends the run with an error naming the task.
#[test]
fn job_streams_respect_memory_and_labels() {
    let platform = platform(&[(2, 2, Some(6), false), (1, 4, Some(16), true)]);
    let job = |i: usize| {
        let tasks: Vec<(u8, u8, bool)> = (0..6)
            .map(|t| (1 + (t % 3) as u8, ((i + t) % 6) as u8, t == 2))
            .collect();
        StreamJob {
            dag: Arc::new(dag(&tasks, &[(0, 2, 1), (1, 3, 1), (2, 5, 1)])),
            arrival: i as f64,
            weight: 1.0,
            deadline: None,
        }
    };
    let mut ran = 0;
    for info in schedulers::registry::all() {
        let Ok(mut s) = schedulers::registry::create_for_stream(info.name, 1) else {
            continue;
        };
        let run = sim::simulate_stream((0..8).map(|i| Ok(job(i))), &platform, &mut s, &SimConfig::default())
            .unwrap_or_else(|e| panic!("{}: {e}", info.name));
        sim::check::check_stream(&run, &platform).unwrap_or_else(|v| panic!("{}: {v:?}", info.name));
        ran += 1;
    }
    assert!(ran > 10, "{ran} schedulers ran streams");
    let too_big = StreamJob {
        dag: Arc::new(dag(&[(1, 20, false)], &[])),
        ..job(8)
    };
    let mut s = schedulers::registry::create_for_stream("heft", 1).unwrap();
    let jobs = (0..2).map(|i| Ok(job(i))).chain([Ok(too_big)]);
    let err = sim::simulate_stream(jobs, &platform, &mut s, &SimConfig::default())
        .err()
        .unwrap();
    assert!(err.to_string().contains("needs 20000000000 bytes of memory"), "{err}");
}

/// A static planner on a stream plans each job around the memory earlier
/// jobs' placed, unfinished tasks hold: a task that needs all of the fast
/// node's memory keeps the next job's task off it (where it would wait for
/// the memory) and on the slow node, where it starts at once; under
/// `memory=ignore` the plan is the optimistic one and the task waits.
#[test]
fn per_job_planners_count_the_memory_of_earlier_jobs() {
    // Node 0: 4 cores of speed 1; node 1: 4 cores of speed 2; 8 GB each.
    let platform = platform(&[(1, 4, Some(8), false), (1, 4, Some(8), false)]);
    let jobs = || {
        [(100, 8, 0.0), (10, 4, 1.0)].map(|(work, memory, arrival)| {
            Ok(StreamJob {
                dag: Arc::new(dag(&[(work, memory, false)], &[])),
                arrival,
                weight: 1.0,
                deadline: None,
            })
        })
    };
    let second = |spec: &str| {
        let mut s = schedulers::registry::create_for_stream(spec, 1).unwrap();
        let run = sim::simulate_stream(jobs(), &platform, &mut s, &SimConfig::default()).unwrap();
        sim::check::check_stream(&run, &platform).unwrap();
        let first = run.result.task(TaskId::new(0));
        assert_eq!(first.node.index(), 1, "{spec}: the first job's task on the fast node");
        let task = run.result.task(TaskId::new(1));
        (task.node.index(), task.end.as_secs_f64())
    };
    // The fast node's memory is held until 50 s: 1 s + 10 s on the slow node.
    assert_eq!(second("heft"), (0, 11.0));
    // Planned at 1 + 10 / 2 = 6 s on the fast node, it waits for the memory until 50 s.
    assert_eq!(second("heft:memory=ignore"), (1, 55.0));
}
