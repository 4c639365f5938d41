//! The class-based candidate search (`ListPlanner::best`) against the
//! exhaustive scan over every node (`best_by` with the finish time), on
//! random platforms, DAGs, placement orders, duplicates and tentative
//! placements (made and undone).

use proptest::prelude::*;
use schedulers::list::ListPlanner;
use sim::{CostModel, DagBuilder, Parallelism, Platform, TaskId, TaskSpec};

/// A platform of up to three node types (count, cores, speed, group) on a
/// shared or a dedicated network.
fn platform(types: &[(u32, u32, u8, bool)], shared: bool) -> Platform {
    let nodes: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, &(count, cores, speed, grouped))| {
            let group = if grouped { ", group = \"g\"" } else { "" };
            format!(
                "{{ name = \"t{i}\", count = {count}, cores = {cores}, speed = {speed}.0, \
                 power = {{ idle_w = 1.0, busy_core_w = 1.0 }}{group} }}"
            )
        })
        .collect();
    let network = if shared {
        "{ model = \"shared\", latency = 0.5, bandwidth = 1.0 }"
    } else {
        "{ model = \"dedicated\", latency = 0.5, bandwidth = 1.0 }"
    };
    let text = format!("name = \"p\"\nnodes = [{}]\nnetwork = {network}\n", nodes.join(", "));
    Platform::from_toml(&text).expect("platform")
}

/// Small integers as work and bytes, so that ties in finish time are common;
/// zero-work tasks and two-core tasks take the other paths.
fn dag(works: &[u8], edges: &[(usize, usize, u8)], two_core: &[bool]) -> sim::Dag {
    let mut b = DagBuilder::new();
    for (i, &w) in works.iter().enumerate() {
        let mut spec = TaskSpec::new(format!("t{i}"), f64::from(w));
        if two_core[i] {
            spec = spec.parallelism(Parallelism {
                min_cores: 2,
                max_cores: 2,
                serial_fraction: 0.0,
                ..Parallelism::SEQUENTIAL
            });
        }
        b.add_task(spec);
    }
    for &(a, z, bytes) in edges {
        let (a, z) = (a % works.len(), z % works.len());
        if a < z {
            b.add_edge(TaskId::new(a), TaskId::new(z), f64::from(bytes));
        }
    }
    b.build().expect("dag")
}

/// Plans every task in the order of `order_keys`, checking at each step that
/// the class-based search picks what the exhaustive scan picks; some tasks
/// get a duplicate, and before some a tentative placement is made and undone
/// (as lookahead does), so the index follows releases as well as reservations.
fn check_against_scan(
    platform: &Platform,
    dag: &sim::Dag,
    insertion: bool,
    order_keys: &[u16],
    duplicate: &[bool],
    tentative: &[bool],
) -> Result<(), TestCaseError> {
    let Ok(costs) = CostModel::new(dag, platform) else {
        return Ok(()); // A two-core task on single-core nodes.
    };
    let mut planner = ListPlanner::new(&costs, insertion);
    // Any order: planners such as HEFT go by rank, others by readiness.
    let mut order: Vec<TaskId> = dag.task_ids().collect();
    order.sort_by_key(|t| order_keys[t.index()]);
    for (i, &task) in order.iter().enumerate() {
        if tentative[task.index()]
            && let Some(&next) = order.get(i + 1)
            && let Some(c) = planner.best_by(next, |c| c.end)
        {
            planner.place(next, c.clone());
            planner.unplace(next, &c);
        }
        let exhaustive = planner.best_by(task, |c| c.end);
        prop_assert_eq!(planner.best(task), exhaustive.clone());
        let Some(chosen) = exhaustive else { continue };
        let node = chosen.node;
        planner.place(task, chosen);
        if duplicate[task.index()] {
            let elsewhere = platform
                .node_ids()
                .filter(|&n| n != node)
                .find_map(|n| planner.candidate(task, n));
            if let Some(c) = elsewhere {
                planner.place_duplicate(task, &c);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn best_matches_the_exhaustive_scan(
        types in prop::collection::vec((1u32..5, 1u32..4, 1u8..3, any::<bool>()), 1..4),
        shared in any::<bool>(),
        works in prop::collection::vec(0u8..4, 2..30),
        edges in prop::collection::vec((0usize..30, 0usize..30, 0u8..3), 0..60),
        two_core in prop::collection::vec(prop::bool::weighted(0.1), 30),
        insertion in any::<bool>(),
        order_keys in prop::collection::vec(any::<u16>(), 30),
        duplicate in prop::collection::vec(prop::bool::weighted(0.15), 30),
        tentative in prop::collection::vec(prop::bool::weighted(0.15), 30),
    ) {
        let platform = platform(&types, shared);
        let dag = dag(&works, &edges, &two_core);
        check_against_scan(&platform, &dag, insertion, &order_keys, &duplicate, &tentative)?;
    }

    /// Classes of up to 40 nodes, so that the index's trees have several
    /// levels and most of a class is skipped, and DAGs wide enough to fill them.
    #[test]
    fn best_matches_the_exhaustive_scan_on_large_classes(
        types in prop::collection::vec((1u32..40, 1u32..3, 1u8..3, any::<bool>()), 1..3),
        shared in any::<bool>(),
        works in prop::collection::vec(0u8..6, 2..120),
        edges in prop::collection::vec((0usize..120, 0usize..120, 0u8..3), 0..200),
        two_core in prop::collection::vec(prop::bool::weighted(0.05), 120),
        insertion in any::<bool>(),
        order_keys in prop::collection::vec(any::<u16>(), 120),
        duplicate in prop::collection::vec(prop::bool::weighted(0.1), 120),
        tentative in prop::collection::vec(prop::bool::weighted(0.1), 120),
    ) {
        let platform = platform(&types, shared);
        let dag = dag(&works, &edges, &two_core);
        check_against_scan(&platform, &dag, insertion, &order_keys, &duplicate, &tentative)?;
    }
}
