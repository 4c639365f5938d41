//! BIL, GDL and HBMCT. Their papers publish no schedule that this crate can
//! rebuild (no example graph with its schedule length is available), so
//! these tests check what the papers prove or the designs imply: BIL is
//! optimal on chains, GDL's descendant consideration and single-node
//! equivalence with DLS, HBMCT's balancing of independent tasks.

mod common;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::{CostModel, Dag, DagBuilder, Platform, RunResult, SimConfig, TaskSpec, simulate};

fn run(name: &str, dag: &Dag, platform: &Platform) -> RunResult {
    let mut s = schedulers::registry::create(name, 0).unwrap();
    let result = simulate(dag, platform, &mut s, &SimConfig::default()).unwrap();
    let costs = CostModel::new(dag, platform).unwrap();
    sim::check::check(&costs, &result).unwrap();
    result
}

/// Whole-second costs on three processors, for exact comparisons.
fn random_costs(rng: &mut ChaCha8Rng, n_tasks: usize) -> Vec<[f64; 3]> {
    (0..n_tasks)
        .map(|_| [(); 3].map(|()| f64::from(rng.random_range(1..20u32))))
        .collect()
}

#[test]
fn bil_plans_chains_optimally() {
    let mut rng = ChaCha8Rng::seed_from_u64(0xb11);
    for round in 0..40 {
        let n_tasks = rng.random_range(1..7);
        let costs = random_costs(&mut rng, n_tasks);
        // Half the chains carry no data: then the optimum runs every task on its fastest processor.
        let free = round % 2 == 0;
        let edges: Vec<(usize, usize, f64)> = (1..n_tasks)
            .map(|i| {
                (
                    i - 1,
                    i,
                    if free {
                        0.0
                    } else {
                        f64::from(rng.random_range(0..30u32))
                    },
                )
            })
            .collect();
        let (dag, platform) = common::paper_example("chain", "t", 0, &costs, &edges);
        let makespan = run("bil", &dag, &platform).metrics.makespan;
        let model = CostModel::new(&dag, &platform).unwrap();
        let optimum = schedulers::branch_and_bound::solve(&model, 1_000_000, 64);
        assert!(optimum.optimal, "round {round}");
        assert_eq!(
            makespan,
            optimum.makespan.as_secs_f64(),
            "round {round}: {costs:?} {edges:?}"
        );
        if free {
            let fastest: f64 = costs
                .iter()
                .map(|c| c.iter().copied().fold(f64::INFINITY, f64::min))
                .sum();
            assert_eq!(makespan, fastest, "round {round}");
        }
    }
}

#[test]
fn gdl_plans_like_dls_on_one_node() {
    // One node: no second-best node and no other node for the heaviest child,
    // so both extra terms of GDL vanish.
    let mut rng = ChaCha8Rng::seed_from_u64(0x6d1);
    for seed in 0..10 {
        let mut b = DagBuilder::new();
        let ids: Vec<_> = (0..40)
            .map(|i| b.add_task(TaskSpec::new(format!("t{i}"), f64::from(rng.random_range(1..10u32)))))
            .collect();
        for j in 0..ids.len() {
            for i in 0..j {
                if rng.random_range(0..8) == 0 {
                    b.add_edge(ids[i], ids[j], 1e6);
                }
            }
        }
        let dag = b.build().unwrap();
        let platform = sim::presets::preset("heterogeneous", 1).unwrap();
        let starts = |name| {
            let result = run(name, &dag, &platform);
            result.tasks.iter().map(|r| (r.node, r.start)).collect::<Vec<_>>()
        };
        assert_eq!(starts("gdl"), starts("dls"), "seed {seed}");
    }
}

#[test]
fn gdl_places_a_task_where_its_heaviest_child_runs_well() {
    // a → c with 100 s of transfer; a is a little faster on p0, c ten times
    // faster on p1. DLS puts a on p0 and then c must stay there (11 s); GDL's
    // descendant consideration puts a on p1 beside c (1.2 + 1 s).
    let costs = [[1.0, 1.2, 1.2], [10.0, 1.0, 10.0]];
    let (dag, platform) = common::paper_example("heaviest-child", "t", 0, &costs, &[(0, 1, 100.0)]);
    assert_eq!(run("dls", &dag, &platform).metrics.makespan, 11.0);
    let gdl = run("gdl", &dag, &platform);
    assert!((gdl.metrics.makespan - 2.2).abs() < 1e-9, "{}", gdl.metrics.makespan);
    assert!(gdl.tasks.iter().all(|r| r.node.index() == 1));
}

#[test]
fn hbmct_balances_independent_tasks() {
    // Four tasks, each fastest on p0 (2 s) and 3 s elsewhere: all start on p0
    // (8 s); balancing moves one to p1 and one to p2, optimal at 4 s.
    let costs = [[2.0, 3.0, 3.0]; 4];
    let (dag, platform) = common::paper_example("independent", "t", 0, &costs, &[]);
    let result = run("hbmct", &dag, &platform);
    assert_eq!(result.metrics.makespan, 4.0);
    let per_node: Vec<usize> = (0..3)
        .map(|q| result.tasks.iter().filter(|r| r.node.index() == q).count())
        .collect();
    assert_eq!(per_node, [2, 1, 1]);
}

#[test]
fn hbmct_never_finishes_independent_tasks_after_met() {
    // One group: step 1 is MET's assignment (costs are continuous, so no node
    // ties for fastest), and balancing only accepts moves that end before the
    // current latest finish.
    let mut rng = ChaCha8Rng::seed_from_u64(0x4b3c7);
    let mut n_better = 0;
    for round in 0..40 {
        let n_tasks = rng.random_range(1..25);
        let costs: Vec<[f64; 3]> = (0..n_tasks)
            .map(|_| [(); 3].map(|()| rng.random_range(1.0..20.0)))
            .collect();
        let (dag, platform) = common::paper_example("independent", "t", 0, &costs, &[]);
        let hbmct = run("hbmct", &dag, &platform).metrics.makespan;
        let met = run("met", &dag, &platform).metrics.makespan;
        assert!(hbmct <= met, "round {round}: hbmct {hbmct} > met {met}");
        n_better += usize::from(hbmct < met);
    }
    assert!(n_better > 20, "balancing helped in only {n_better} of 40 rounds");
}
