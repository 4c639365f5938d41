//! The class-based candidate search (`ListPlanner::best`) against the
//! exhaustive scan over every node (`best_by` with the finish time), on
//! random platforms, DAGs, placement orders, duplicates and tentative
//! placements (made and undone), and with node memory and labels.

use proptest::prelude::*;
use schedulers::list::ListPlanner;
use sim::{CostModel, DagBuilder, Parallelism, Platform, TaskId, TaskSpec};

/// A platform of up to three node types (count, cores, speed, group) on a
/// shared or a dedicated network; `constraints` gives type `i` a memory
/// (units of 1000 bytes) and the label `gpu` (none where it has no entry).
fn platform(types: &[(u32, u32, u8, bool)], shared: bool, constraints: &[(Option<u8>, bool)]) -> Platform {
    let nodes: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, &(count, cores, speed, grouped))| {
            let group = if grouped { ", group = \"g\"" } else { "" };
            let (memory, gpu) = constraints.get(i).copied().unwrap_or((None, false));
            let memory = memory.map_or(String::new(), |m| format!(", memory_bytes = {}", u32::from(m) * 1000));
            let labels = if gpu { ", labels = [\"gpu\"]" } else { "" };
            format!(
                "{{ name = \"t{i}\", count = {count}, cores = {cores}, speed = {speed}.0, \
                 power = {{ idle_w = 1.0, busy_core_w = 1.0 }}{group}{memory}{labels} }}"
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
/// zero-work tasks and two-core tasks take the other paths. `constraints`
/// gives task `i` a memory (units of 1000 bytes) and the requirement `gpu`.
fn dag(works: &[u8], edges: &[(usize, usize, u8)], two_core: &[bool], constraints: &[(u8, bool)]) -> sim::Dag {
    let mut b = DagBuilder::new();
    for (i, &w) in works.iter().enumerate() {
        let (memory, gpu) = constraints.get(i).copied().unwrap_or((0, false));
        let requires = if gpu { vec!["gpu".to_owned()] } else { Vec::new() };
        let mut spec = TaskSpec::new(format!("t{i}"), f64::from(w))
            .memory_bytes(f64::from(memory) * 1000.0)
            .requires(requires);
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
        return Ok(()); // A two-core task on single-core nodes, or a task no node has memory or labels for.
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
        let platform = platform(&types, shared, &[]);
        let dag = dag(&works, &edges, &two_core, &[]);
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
        let platform = platform(&types, shared, &[]);
        let dag = dag(&works, &edges, &two_core, &[]);
        check_against_scan(&platform, &dag, insertion, &order_keys, &duplicate, &tentative)?;
    }

    /// Node types with and without memory limits and labels, tasks with
    /// memory (some holding several lanes' share of a node's memory) and
    /// labels: the search skips nodes a task may not run on, and evaluates
    /// one by one the classes where its memory holds more than one lane.
    #[test]
    fn best_matches_the_exhaustive_scan_with_memory_and_labels(
        types in prop::collection::vec((1u32..12, 1u32..5, 1u8..3, any::<bool>()), 1..4),
        constraints in prop::collection::vec((prop::option::weighted(0.7, 4u8..10), any::<bool>()), 3),
        shared in any::<bool>(),
        works in prop::collection::vec(0u8..4, 2..40),
        edges in prop::collection::vec((0usize..40, 0usize..40, 0u8..3), 0..80),
        two_core in prop::collection::vec(prop::bool::weighted(0.1), 40),
        task_constraints in prop::collection::vec((0u8..6, prop::bool::weighted(0.2)), 40),
        insertion in any::<bool>(),
        order_keys in prop::collection::vec(any::<u16>(), 40),
        duplicate in prop::collection::vec(prop::bool::weighted(0.1), 40),
        tentative in prop::collection::vec(prop::bool::weighted(0.1), 40),
    ) {
        let platform = platform(&types, shared, &constraints);
        let dag = dag(&works, &edges, &two_core, &task_constraints);
        check_against_scan(&platform, &dag, insertion, &order_keys, &duplicate, &tentative)?;
    }
}
