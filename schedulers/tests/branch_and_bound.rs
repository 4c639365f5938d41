//! The exact solver against exhaustive enumeration, against every heuristic,
//! and under an exhausted budget.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use schedulers::branch_and_bound::{self, BranchAndBound};
use sim::{CostModel, Dag, DagBuilder, NodeId, Platform, SimConfig, SimTime, TaskSpec};

fn random_dag(rng: &mut ChaCha8Rng, n_tasks: usize) -> Dag {
    let mut b = DagBuilder::new();
    let density = rng.random_range(0.1..0.6);
    let mut ids = Vec::new();
    for i in 0..n_tasks {
        // Whole seconds, so that many ties (and symmetric choices) occur.
        let id = b.add_task(TaskSpec::new(format!("t{i}"), f64::from(rng.random_range(1..6u32))));
        for &p in &ids {
            if rng.random_range(0.0..1.0) < density {
                let bytes = sim::presets::REFERENCE_BANDWIDTH * f64::from(rng.random_range(0..4u32));
                b.add_edge(p, id, bytes);
            }
        }
        ids.push(id);
    }
    b.build().unwrap()
}

/// Minimum makespan over every sequence of (ready task, node) placements,
/// each task appended after everything on its node: no pruning at all.
fn brute_force(costs: &CostModel<'_>) -> SimTime {
    struct State {
        node_end: Vec<SimTime>,
        placed: Vec<Option<(NodeId, SimTime)>>,
    }
    fn go(costs: &CostModel<'_>, s: &mut State, n_left: usize) -> SimTime {
        let dag = costs.dag();
        if n_left == 0 {
            return s.placed.iter().flatten().map(|p| p.1).max().unwrap_or(SimTime::ZERO);
        }
        let mut best = SimTime::from_nanos(u64::MAX);
        for t in dag.task_ids() {
            if s.placed[t.index()].is_some() || dag.predecessors(t).any(|p| s.placed[p.index()].is_none()) {
                continue;
            }
            for q in costs.platform().node_ids() {
                let ready = dag
                    .in_edges(t)
                    .iter()
                    .map(|&e| {
                        let edge = dag.edge(e);
                        let (node, end) = s.placed[edge.src.index()].unwrap();
                        end + costs.comm_time(node, q, edge.bytes)
                    })
                    .max()
                    .unwrap_or(SimTime::ZERO);
                let start = ready.max(s.node_end[q.index()]);
                let saved = s.node_end[q.index()];
                s.node_end[q.index()] = start + costs.exec_time(t, q);
                s.placed[t.index()] = Some((q, s.node_end[q.index()]));
                best = best.min(go(costs, s, n_left - 1));
                s.placed[t.index()] = None;
                s.node_end[q.index()] = saved;
            }
        }
        best
    }
    let mut s = State {
        node_end: vec![SimTime::ZERO; costs.platform().node_count()],
        placed: vec![None; costs.dag().task_count()],
    };
    go(costs, &mut s, costs.dag().task_count())
}

fn simulate(dag: &Dag, platform: &Platform, spec: &str) -> sim::RunResult {
    let mut s = schedulers::registry::create(spec, 0).unwrap();
    let result = sim::simulate(dag, platform, &mut s, &SimConfig::default()).unwrap();
    sim::check::check(&CostModel::new(dag, platform).unwrap(), &result).unwrap();
    result
}

#[test]
fn matches_exhaustive_enumeration_on_tiny_dags() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for round in 0..40 {
        let n_tasks = rng.random_range(1..7);
        let platform = sim::presets::preset("homogeneous", rng.random_range(1..4)).unwrap();
        let dag = random_dag(&mut rng, n_tasks);
        let costs = CostModel::new(&dag, &platform).unwrap();
        let solution = branch_and_bound::solve(&costs, u64::MAX, usize::MAX);
        assert!(solution.optimal, "round {round}");
        assert_eq!(solution.makespan, brute_force(&costs), "round {round}: {n_tasks} tasks");
    }
}

#[test]
fn never_loses_to_a_heuristic_and_the_engine_reproduces_it() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for round in 0..25 {
        let n_tasks = rng.random_range(1..10);
        let platform = sim::presets::preset("homogeneous", rng.random_range(1..4)).unwrap();
        let dag = random_dag(&mut rng, n_tasks);
        let costs = CostModel::new(&dag, &platform).unwrap();
        let solution = branch_and_bound::solve(&costs, u64::MAX, usize::MAX);
        assert!(solution.optimal, "round {round}");
        let exact = simulate(&dag, &platform, "branch-and-bound:budget=100000000");
        assert_eq!(exact.makespan(), solution.makespan, "round {round}");
        for info in schedulers::registry::all() {
            let other = simulate(&dag, &platform, info.name);
            assert!(
                other.makespan() >= exact.makespan(),
                "round {round}: {} {} beats the optimum {}",
                info.name,
                other.makespan(),
                exact.makespan()
            );
        }
    }
}

#[test]
fn an_exhausted_budget_still_gives_a_valid_schedule() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let dag = random_dag(&mut rng, 30);
    let platform = sim::presets::preset("heterogeneous", 3).unwrap();
    let costs = CostModel::new(&dag, &platform).unwrap();
    for budget in [0, 10, 1000] {
        let solution = branch_and_bound::solve(&costs, budget, usize::MAX);
        assert!(solution.optimal || solution.expanded == budget, "budget {budget}");
        assert!(solution.expanded <= budget);
        assert_eq!(solution.placements.len(), dag.task_count());
        let result = simulate(&dag, &platform, &format!("branch-and-bound:budget={budget}"));
        assert_eq!(result.tasks.len(), dag.task_count());
    }
    let capped = branch_and_bound::solve(&costs, u64::MAX, 10);
    assert_eq!((capped.optimal, capped.expanded), (false, 0));
    assert_eq!(capped.makespan, branch_and_bound::solve(&costs, 0, usize::MAX).makespan);
    let mut unsearched = BranchAndBound::new(u64::MAX, 10);
    let result = sim::simulate(&dag, &platform, &mut unsearched, &SimConfig::default()).unwrap();
    sim::check::check(&costs, &result).unwrap();
}
