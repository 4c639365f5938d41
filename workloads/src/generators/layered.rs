//! Random layered DAGs in the style of daggen (F. Suter, `daggen`, the
//! generator used by Suter & Hunold and many list-scheduling studies;
//! <https://github.com/frs69wq/daggen>).
//!
//! ```text
//!  level 0    o   o   o          width ≈ tasks^fat, varied by regularity
//!             |\ /|  /
//!  level 1    o o o o            each task has 1 + U[0, density × width of the
//!              \|/ \|            level above) parents, from up to `jump` levels up
//!  level 2      o   o
//! ```
//!
//! Keys (defaults in brackets):
//! - `tasks` \[100]: number of tasks.
//! - `fat` \[0.5]: the mean level width is `tasks^fat` (0 gives a chain, 1 one level).
//! - `regularity` \[0.9]: each level's width is drawn uniformly within
//!   ± (1 − regularity) of the mean width.
//! - `density` \[0.5]: a task on level `i > 0` has `1 + ⌊U[0, density × w)⌋`
//!   parents, where `w` is the width of level `i − 1`.
//! - `jump` \[1]: each parent lies `U{1..=jump}` levels up (clamped at level 0).
//! - `max_parents` \[8]: cap on the number of parents. daggen has no cap, so it
//!   makes Θ(tasks × width) edges; the cap keeps the graph O(tasks) for 10^6
//!   tasks and changes nothing while `density × width < max_parents`.
//! - `work` \[1] and `ccr` \[1]: mean work in seconds and the
//!   communication-to-computation ratio (see [`super`]): each task's work is
//!   `U[0.5, 1.5] × work` and each edge's bytes `U[0.5, 1.5] × ccr × work × REFERENCE_BANDWIDTH`.
//!
//! Tasks are named `t0`, `t1`, … level by level; all have kind `task`.
//! Time and memory are O(tasks × max_parents).

use super::{GenError, Params, Weights};
use rand::RngExt as _;
use rand_chacha::ChaCha8Rng;
use sim::{DagBuilder, TaskId, TaskSpec};

/// Reads the keys and builds the DAG; see the module docs.
pub(crate) fn generate(p: &mut Params, rng: &mut ChaCha8Rng) -> Result<DagBuilder, GenError> {
    let n_tasks = p.usize("tasks", 100, 1..=100_000_000)?;
    let fat = p.f64("fat", 0.5, 0.0..=1.0)?;
    let regularity = p.f64("regularity", 0.9, 0.0..=1.0)?;
    let density = p.f64("density", 0.5, 0.0..=1.0)?;
    let jump = p.usize("jump", 1, 1..=usize::MAX)?;
    let max_parents = p.usize("max_parents", 8, 1..=10_000)?;
    let w = Weights::read(p)?;
    p.finish()?;

    let mean_width = (n_tasks as f64).powf(fat);
    let spread = 1.0 - regularity;
    let mut level_start: Vec<usize> = vec![0];
    while let Some(&start) = level_start.last()
        && start < n_tasks
    {
        let width = if spread > 0.0 {
            mean_width * rng.random_range(1.0 - spread..=1.0 + spread)
        } else {
            mean_width
        };
        let width = (width.round() as usize).clamp(1, n_tasks - start);
        level_start.push(start + width);
    }

    let mut b = DagBuilder::with_capacity(n_tasks, n_tasks * max_parents.min(8));
    for i in 0..n_tasks {
        b.add_task(TaskSpec::new(format!("t{i}"), w.work(rng, 1.0)));
    }
    // Edges are drawn child by child, then handed to the builder sorted by
    // (parent, child) with a counting sort, so the builder's own sort finds
    // them in order (O(edges) instead of O(edges log edges)).
    let mut edges: Vec<(usize, usize, f64)> = Vec::with_capacity(n_tasks * max_parents.min(8));
    let mut parents: Vec<usize> = Vec::with_capacity(max_parents);
    for level in 1..level_start.len() - 1 {
        let above = level_start[level] - level_start[level - 1];
        let span = density * above as f64;
        for task in level_start[level]..level_start[level + 1] {
            let extra = if span > 0.0 {
                rng.random_range(0.0..span) as usize
            } else {
                0
            };
            let n_parents = (1 + extra).min(above).min(max_parents);
            parents.clear();
            for _ in 0..n_parents {
                let up = rng.random_range(1..=jump).min(level);
                let from = level - up;
                let parent = rng.random_range(level_start[from]..level_start[from + 1]);
                if !parents.contains(&parent) {
                    parents.push(parent);
                    edges.push((parent, task, w.bytes(rng)));
                }
            }
        }
    }
    let mut start = vec![0usize; n_tasks + 1];
    for &(parent, _, _) in &edges {
        start[parent + 1] += 1;
    }
    for i in 0..n_tasks {
        start[i + 1] += start[i];
    }
    let mut order = vec![0usize; edges.len()];
    for (i, &(parent, _, _)) in edges.iter().enumerate() {
        order[start[parent]] = i;
        start[parent] += 1;
    }
    for i in order {
        if let Some(&(parent, child, bytes)) = edges.get(i) {
            b.add_edge(TaskId::new(parent), TaskId::new(child), bytes);
        }
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use crate::{generate, stats};

    #[test]
    fn structure_follows_the_keys() {
        let dag = generate("layered:tasks=1000,fat=0.5,regularity=1,density=0", 3).unwrap();
        let s = stats(&dag);
        assert_eq!(s.tasks, 1000);
        // Regular levels of 1000^0.5 ≈ 32 tasks, one parent each from the level above.
        assert_eq!(s.max_width, 32);
        assert_eq!(s.depth, 1000_usize.div_ceil(32));
        assert_eq!(s.edges, 1000 - 32);
        let chain = generate("layered:tasks=10,fat=0", 3).unwrap();
        assert_eq!(stats(&chain).depth, 10);
        let flat = generate("layered:tasks=10,fat=1,regularity=1", 3).unwrap();
        assert_eq!(stats(&flat).edges, 0);
    }

    #[test]
    fn ccr_is_close_to_the_key() {
        let dag = generate("layered:tasks=2000,ccr=2", 5).unwrap();
        let ccr = stats(&dag).ccr;
        assert!((ccr - 2.0).abs() < 0.1, "{ccr}");
    }

    #[test]
    fn same_seed_same_dag() {
        let a = generate("layered:tasks=500,jump=3", 9).unwrap();
        let b = generate("layered:tasks=500,jump=3", 9).unwrap();
        let c = generate("layered:tasks=500,jump=3", 10).unwrap();
        assert_eq!(a.tasks(), b.tasks());
        assert_eq!(a.edges(), b.edges());
        assert_ne!(a.edges(), c.edges());
    }
}
