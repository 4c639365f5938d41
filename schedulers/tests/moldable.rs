//! Moldable tasks: M-HEFT, CPA, MCPA and HCPA choose core counts, checked
//! against allocations and schedules worked by hand, and SLR's lower bound
//! gives each moldable task its best core count.

mod common;

use common::unit_nodes;
use sim::platform::{NetworkSpec, NodeSpec, PlatformSpec};
use sim::{Dag, DagBuilder, Parallelism, Platform, RunResult, SimConfig, TaskSpec};

/// A platform of the given (speed, cores) node types, one node each, joined
/// by fast links.
fn platform(nodes: &[(f64, u32)]) -> Platform {
    let spec = PlatformSpec {
        name: "moldable".into(),
        network: NetworkSpec::Dedicated {
            latency: 0.0,
            bandwidth: 1e12,
            bandwidth_matrix: None,
            latency_matrix: None,
        },
        nodes: nodes
            .iter()
            .enumerate()
            .map(|(i, &(speed, cores))| NodeSpec {
                name: format!("n{i}"),
                count: 1,
                cores,
                speed,
                ..unit_nodes(1)
            })
            .collect(),
        workflow_system: None,
    };
    Platform::new(spec).unwrap()
}

/// A chain of `n` tasks of work 8 that run on 1 to 8 cores with `serial` as
/// their Amdahl serial fraction.
fn chain(n: usize, serial: f64) -> Dag {
    let mut b = DagBuilder::new();
    let mut previous = None;
    for i in 0..n {
        let t = b.add_task(TaskSpec::new(format!("t{i}"), 8.0).parallelism(Parallelism {
            min_cores: 1,
            max_cores: 8,
            serial_fraction: serial,
            ..Parallelism::SEQUENTIAL
        }));
        if let Some(p) = previous {
            b.add_edge(p, t, 0.0);
        }
        previous = Some(t);
    }
    b.build().unwrap()
}

fn run(scheduler: &str, dag: &Dag, platform: &Platform) -> RunResult {
    let mut s = schedulers::registry::create(scheduler, 0).unwrap();
    let result = sim::simulate(dag, platform, s.as_mut(), &SimConfig::default()).unwrap();
    sim::check::check(&sim::CostModel::new(dag, platform).unwrap(), &result).unwrap();
    result
}

/// Cores and core-seconds of every task, in task order.
fn allocations(result: &RunResult) -> Vec<(u32, f64)> {
    result
        .tasks
        .iter()
        .map(|r| (r.cores, f64::from(r.cores) * (r.end - r.start).as_secs_f64()))
        .collect()
}

/// Every scheduler that chooses core counts.
const MOLDABLE: [&str; 4] = ["m-heft", "cpa", "mcpa", "hcpa"];

#[test]
fn a_perfectly_parallel_chain_takes_every_core() {
    let (dag, platform) = (chain(4, 0.0), platform(&[(1.0, 8)]));
    for scheduler in MOLDABLE {
        let result = run(scheduler, &dag, &platform);
        // Work 8 on 8 cores: 1 s each, 8 core-seconds each, 4 s in all.
        assert_eq!(allocations(&result), vec![(8, 8.0); 4], "{scheduler}");
        assert!((result.metrics.makespan - 4.0).abs() < 1e-9);
        // The lower bound gives each task its 8 cores: optimal, SLR 1.
        assert!((result.metrics.slr - 1.0).abs() < 1e-9, "{}", result.metrics.slr);
    }
    // HEFT keeps each task on its fewest cores: 8 times longer.
    let rigid = run("heft", &dag, &platform);
    assert_eq!(allocations(&rigid), vec![(1, 8.0); 4]);
    assert!((rigid.metrics.slr - 8.0).abs() < 1e-9, "{}", rigid.metrics.slr);
}

#[test]
fn a_fully_serial_chain_keeps_one_core_per_task() {
    let (dag, platform) = (chain(4, 1.0), platform(&[(1.0, 8)]));
    for scheduler in MOLDABLE {
        let result = run(scheduler, &dag, &platform);
        // More cores finish no sooner; they would only waste core time.
        assert_eq!(allocations(&result), vec![(1, 8.0); 4], "{scheduler}");
        assert!((result.metrics.makespan - 32.0).abs() < 1e-9);
        assert!((result.metrics.slr - 1.0).abs() < 1e-9);
    }
}

#[test]
fn node_and_core_count_are_chosen_together() {
    // A fast node (speed 2, 2 cores) and a slow one (speed 1, 8 cores);
    // one task of work 8 on 1 to 8 cores.
    let platform = platform(&[(2.0, 2), (1.0, 8)]);
    // Serial fraction 0.5: fast on 2 cores 8/2 × (0.5 + 0.5/2) = 3.0 s;
    // slow on 8 cores 8 × (0.5 + 0.5/8) = 4.5 s. The fast node wins.
    let result = run("m-heft", &chain(1, 0.5), &platform);
    let r = &result.tasks[0];
    assert_eq!((r.node.index(), r.cores), (0, 2));
    assert!((result.metrics.makespan - 3.0).abs() < 1e-9);
    // Perfectly parallel: fast on 2 cores 8/2/2 = 2 s; slow on 8 cores 8/8 = 1 s.
    let result = run("m-heft", &chain(1, 0.0), &platform);
    let r = &result.tasks[0];
    assert_eq!((r.node.index(), r.cores), (1, 8));
    assert!((result.metrics.makespan - 1.0).abs() < 1e-9);
}

/// A task of `work` on 1 to 4 cores with serial fraction `serial`.
fn moldable(name: &str, work: f64, serial: f64) -> TaskSpec {
    TaskSpec::new(name, work).parallelism(Parallelism {
        min_cores: 1,
        max_cores: 4,
        serial_fraction: serial,
        ..Parallelism::SEQUENTIAL
    })
}

#[test]
fn cpa_allocates_as_worked_by_hand() {
    // A → {B, C} → D on one 4-core node (P = 4); A, B, D perfectly parallel
    // (work 4, 8, 4), C serial (work 2); no data. Allocation, by CPA's rules:
    //  k = A1 B1 C1 D1: T_CP = A+B+D = 16 > T_A = 18/4 = 4.5; gains A 3, B 6, D 3: B.
    //  B2: T_CP 12; gains A 3, B 2 − 8/9 = 1.11, D 3: A (lower id).
    //  A2: T_CP 10; gains A 1 − 4/9 = 0.56, B 1.11, D 3: D.
    //  D2: T_CP 8; gains A 0.56, B 1.11, D 0.56: B.
    //  B3: T_CP 6.67; gains A 0.56, B 8/9 − 1/2 = 0.39, D 0.56: A.
    //  A3: T_CP 6; gains A 4/9 − 1/4 = 0.19, B 0.39, D 0.56: D.
    //  D3: T_CP 5.33; gains A 0.19, B 0.39, D 0.19: B.
    //  B4: T_CP = 4.67 on both paths (A-B-D and A-C-D); C cannot gain
    //      (serial), B is at 4 cores; gains A 0.19, D 0.19: A.
    //  A4: T_CP = 1 + 2 + 1.33 = 4.33 <= T_A = 4.5: stop.
    let mut b = DagBuilder::new();
    let a = b.add_task(moldable("A", 4.0, 0.0));
    let bb = b.add_task(moldable("B", 8.0, 0.0));
    let c = b.add_task(moldable("C", 2.0, 1.0));
    let d = b.add_task(moldable("D", 4.0, 0.0));
    for (s, t) in [(a, bb), (a, c), (bb, d), (c, d)] {
        b.add_edge(s, t, 0.0);
    }
    let dag = b.build().unwrap();
    let platform = platform(&[(1.0, 4)]);
    let costs = sim::CostModel::new(&dag, &platform).unwrap();
    let reference = schedulers::cpa::Reference::of(&costs, schedulers::cpa::Variant::Cpa);
    assert_eq!(reference.cores, 4);
    let cores = schedulers::cpa::allocate(&costs, &reference, schedulers::cpa::Variant::Cpa);
    assert_eq!(cores, [4, 4, 1, 3]);
    // Mapping by bottom level (A 4.33, B = C 3.33, D 1.33; B and C tie and
    // go in the DAG's topological order): A 0–1 on 4 cores; B and C one
    // after the other, 2 s each (B holds every core); D 5–6.33 on 3 cores.
    let result = run("cpa", &dag, &platform);
    let span = |i: usize| {
        let r = &result.tasks[i];
        (r.cores, r.start.as_secs_f64(), r.end.as_secs_f64())
    };
    let close = |got: (u32, f64, f64), want: (u32, f64, f64)| {
        got.0 == want.0 && (got.1 - want.1).abs() < 1e-6 && (got.2 - want.2).abs() < 1e-6
    };
    assert!(close(span(0), (4, 0.0, 1.0)), "{:?}", span(0));
    let (b_first, c_first) = ((4, 1.0, 3.0), (1, 1.0, 3.0));
    let ordered = (close(span(1), b_first) && close(span(2), (1, 3.0, 5.0)))
        || (close(span(2), c_first) && close(span(1), (4, 3.0, 5.0)));
    assert!(ordered, "{:?} {:?}", span(1), span(2));
    assert!(close(span(3), (3, 5.0, 5.0 + 4.0 / 3.0)), "{:?}", span(3));
}

#[test]
fn mcpa_keeps_a_level_within_the_platform() {
    // Three independent tasks of work 12 on one 4-core node. CPA gives each
    // 2 cores (T_CP 12 → 6 <= T_A 9); MCPA stops once the level holds 4
    // cores (B 2, C 1, D 1), with T_CP still 12. Both finish at 12.
    let mut b = DagBuilder::new();
    for name in ["B", "C", "D"] {
        b.add_task(moldable(name, 12.0, 0.0));
    }
    let dag = b.build().unwrap();
    let platform = platform(&[(1.0, 4)]);
    let costs = sim::CostModel::new(&dag, &platform).unwrap();
    let cpa = schedulers::cpa::Reference::of(&costs, schedulers::cpa::Variant::Cpa);
    assert_eq!(
        schedulers::cpa::allocate(&costs, &cpa, schedulers::cpa::Variant::Cpa),
        [2, 2, 2]
    );
    assert_eq!(
        schedulers::cpa::allocate(&costs, &cpa, schedulers::cpa::Variant::Mcpa),
        [2, 1, 1]
    );
    for scheduler in ["cpa", "mcpa"] {
        let result = run(scheduler, &dag, &platform);
        assert!((result.metrics.makespan - 12.0).abs() < 1e-9, "{scheduler}");
    }
}

#[test]
fn hcpa_reasons_on_a_reference_platform_of_equal_power() {
    // Nodes of speed 1 × 4 cores and speed 2 × 2 cores: power 8, so the
    // reference platform has 8 cores of speed 1 (the slowest).
    let platform = platform(&[(1.0, 4), (2.0, 2)]);
    let dag = chain(1, 0.0);
    let costs = sim::CostModel::new(&dag, &platform).unwrap();
    let reference = schedulers::cpa::Reference::of(&costs, schedulers::cpa::Variant::Hcpa);
    assert_eq!((reference.node.index(), reference.cores, reference.largest), (0, 8, 4));
    // One perfectly parallel task of work 8: T_A = 8/8 = 1, so it grows to the
    // largest node's 4 cores (reference time 2 s); mapped, the speed-2 node
    // needs 2 cores for 8/2/2 = 2 s, and finishes as early as the 4-core one:
    // the lower node id wins.
    let result = run("hcpa", &dag, &platform);
    let r = &result.tasks[0];
    assert_eq!((r.node.index(), r.cores), (0, 4));
    assert!((result.metrics.makespan - 2.0).abs() < 1e-9);
}

#[test]
fn online_policies_choose_core_counts_unless_told_not_to() {
    let (parallel, serial, platform) = (chain(4, 0.0), chain(4, 1.0), platform(&[(1.0, 8)]));
    for scheduler in ["online-eft", "adaptive", "dask"] {
        let result = run(scheduler, &parallel, &platform);
        assert_eq!(allocations(&result), vec![(8, 8.0); 4], "{scheduler}");
        let result = run(scheduler, &serial, &platform);
        assert_eq!(allocations(&result), vec![(1, 8.0); 4], "{scheduler}");
        let rigid = run(&format!("{scheduler}:moldable=0"), &parallel, &platform);
        assert_eq!(allocations(&rigid), vec![(1, 8.0); 4], "{scheduler}:moldable=0");
    }
    let err = schedulers::registry::create("online-eft:moldable=2", 0)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("0 or 1"), "{err}");
}

#[test]
fn bad_parallelism_is_an_error_naming_the_task() {
    let mut b = DagBuilder::new();
    b.add_task(TaskSpec::new("wide", 1.0).parallelism(Parallelism {
        min_cores: 4,
        max_cores: 2,
        serial_fraction: 0.0,
        ..Parallelism::SEQUENTIAL
    }));
    let err = b.build().unwrap_err().to_string();
    assert!(
        err.contains("\"wide\"") && err.contains("min_cores <= max_cores"),
        "{err}"
    );
    let mut b = DagBuilder::new();
    b.add_task(TaskSpec::new("huge", 1.0).parallelism(Parallelism {
        min_cores: 16,
        max_cores: 16,
        serial_fraction: 0.0,
        ..Parallelism::SEQUENTIAL
    }));
    let dag = b.build().unwrap();
    let err = sim::CostModel::new(&dag, &platform(&[(1.0, 8)]))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("\"huge\" needs at least 16 cores"), "{err}");
}

#[test]
fn a_measured_speedup_table_that_peaks_is_followed() {
    // Speedups measured on 1..8 cores peak at 4 (3.4) and fall after (memory
    // bandwidth): every moldable scheduler gives the task 4 cores, and SLR's
    // bound uses the peak.
    let mut b = DagBuilder::new();
    b.add_task(
        TaskSpec::new("stencil", 34.0)
            .speedup_table(vec![1.0, 1.9, 2.7, 3.4, 3.2, 3.0, 2.8, 2.6])
            .parallelism(Parallelism {
                min_cores: 1,
                max_cores: 8,
                ..Parallelism::SEQUENTIAL
            }),
    );
    let dag = b.build().unwrap();
    let platform = platform(&[(1.0, 8)]);
    for scheduler in MOLDABLE.iter().chain(&["online-eft", "dask"]) {
        let result = run(scheduler, &dag, &platform);
        assert_eq!(result.tasks[0].cores, 4, "{scheduler}");
        assert!((result.metrics.makespan - 10.0).abs() < 1e-9, "{scheduler}");
        assert!((result.metrics.slr - 1.0).abs() < 1e-9, "{scheduler}");
    }
}
