//! The random DAGs of Topcuoglu, Hariri & Wu, "Performance-effective and
//! low-complexity task scheduling for heterogeneous computing", IEEE TPDS
//! 13(3), 2002, §5.1, with per-node execution costs.
//!
//! - `tasks` \[100] (v): number of tasks.
//! - `alpha` \[1] (α, shape): the graph has `⌈√v / α⌉` levels of mean width
//!   `√v × α`; every level gets at least one task, the rest are spread
//!   uniformly at random.
//! - `out_degree` \[2]: each task off the last level has `U{1..=2·out_degree − 1}`
//!   children on the next level; a task left without a parent gets one from the
//!   level above.
//! - `ccr` \[1]: mean edge bytes are `ccr × work × REFERENCE_BANDWIDTH`.
//! - `beta` \[0.5] (β, range percentage of computation costs, in \[0, 2]): a task's
//!   mean cost `w̄ᵢ` is drawn from `U(0, 2 × work]`, and its cost on node `j`
//!   from `U[w̄ᵢ (1 − β/2), w̄ᵢ (1 + β/2)]`.
//! - `nodes` \[4]: how many per-node costs each task gets; simulate on a
//!   platform with that many nodes.
//! - `work` \[1]: the DAG's mean computation cost `w̄_DAG`, in seconds.
//!
//! A task's `work` is the mean of its node costs. Kind `task`. O(v × out_degree).

use super::{GenError, Params, Weights};
use rand::RngExt as _;
use rand_chacha::ChaCha8Rng;
use sim::{DagBuilder, TaskId, TaskSpec};

/// Reads the keys and builds the DAG; see the module docs.
pub(crate) fn generate(p: &mut Params, rng: &mut ChaCha8Rng) -> Result<DagBuilder, GenError> {
    let n = p.usize("tasks", 100, 1..=10_000_000)?;
    let alpha = p.f64("alpha", 1.0, 0.01..=100.0)?;
    let out_degree = p.usize("out_degree", 2, 1..=1000)?;
    let beta = p.f64("beta", 0.5, 0.0..=2.0)?;
    let n_nodes = p.usize("nodes", 4, 1..=10_000)?;
    let w = Weights::read(p)?;
    p.finish()?;

    let height = (((n as f64).sqrt() / alpha).ceil() as usize).clamp(1, n);
    let mut level_of: Vec<usize> = (0..n)
        .map(|i| if i < height { i } else { rng.random_range(0..height) })
        .collect();
    level_of.sort_unstable();
    let mut level_start = vec![0usize; height + 1];
    for &l in &level_of {
        level_start[l + 1] += 1;
    }
    for l in 0..height {
        level_start[l + 1] += level_start[l];
    }

    let mut b = DagBuilder::with_capacity(n, n * out_degree);
    for i in 0..n {
        let mean = 2.0 * w.work * (1.0 - rng.random_range(0.0..1.0));
        let costs: Vec<f64> = (0..n_nodes)
            .map(|_| mean * rng.random_range(1.0 - beta / 2.0..=1.0 + beta / 2.0))
            .collect();
        let work = costs.iter().sum::<f64>() / n_nodes as f64;
        b.add_task(TaskSpec::new(format!("t{i}"), work).node_costs(costs));
    }
    let mut has_parent = vec![false; n];
    let mut children: Vec<usize> = Vec::new();
    for l in 0..height.saturating_sub(1) {
        let (next_start, next_end) = (level_start[l + 1], level_start[l + 2]);
        let next_width = next_end - next_start;
        for task in level_start[l]..level_start[l + 1] {
            let degree = rng.random_range(1..=2 * out_degree - 1).min(next_width);
            children.clear();
            while children.len() < degree {
                let c = rng.random_range(next_start..next_end);
                if !children.contains(&c) {
                    children.push(c);
                }
            }
            for &c in &children {
                has_parent[c] = true;
                b.add_edge(TaskId::new(task), TaskId::new(c), w.bytes(rng));
            }
        }
        let orphans: Vec<usize> = (next_start..next_end)
            .filter(|&c| has_parent.get(c) == Some(&false))
            .collect();
        for c in orphans {
            let parent = rng.random_range(level_start[l]..level_start[l + 1]);
            b.add_edge(TaskId::new(parent), TaskId::new(c), w.bytes(rng));
        }
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use crate::generators::check;

    #[test]
    fn levels_costs_and_degree() {
        let (tasks, edges, depth, _) = check::shape("topcuoglu:tasks=100,alpha=0.5,out_degree=3");
        assert_eq!((tasks, depth), (100, 20));
        assert!(edges >= 100 - 5, "{edges}");
        let dag = crate::generate("topcuoglu:tasks=50,nodes=3,beta=1", 4).unwrap();
        assert_eq!(dag.node_cost_count(), Some(3));
        for t in dag.tasks() {
            let costs = t.node_costs.as_deref().unwrap();
            let mean = costs.iter().sum::<f64>() / 3.0;
            assert!((t.work - mean).abs() < 1e-12);
        }
        let flat = crate::generate("topcuoglu:tasks=50,beta=0", 4).unwrap();
        let costs = flat.tasks()[0].node_costs.as_deref().unwrap();
        assert!(costs.iter().all(|&c| c == costs[0]));
        check::deterministic("topcuoglu:tasks=40");
    }
}
