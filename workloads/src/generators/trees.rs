//! Complete trees: out-trees (divide, broadcast) and in-trees (reduce, merge),
//! the tree-shaped task graphs of the scheduling literature (e.g. Kwok &
//! Ahmad, "Benchmarking and comparison of the task graph scheduling
//! algorithms", JPDC 59(3), 1999).
//!
//! ```text
//!  out-tree:     o            in-tree:   o o o o
//!               / \                       \/   \/
//!              o   o                       o   o
//!             /\   /\                       \ /
//!            o  o o  o                       o
//! ```
//!
//! Keys: `depth` \[4] levels, `arity` \[2] children per inner node, plus
//! `work` and `ccr` (see [`super`]). Tasks: `(arity^depth − 1) / (arity − 1)`
//! (`depth` when `arity` is 1). Kind `node`; task names give level and index.

use super::{GenError, Params, Weights};
use rand_chacha::ChaCha8Rng;
use sim::{DagBuilder, TaskId, TaskSpec};

/// Which way the edges point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Leaves first, edges towards the root.
    In,
    /// Root first, edges towards the leaves.
    Out,
}

/// Reads the keys and builds the DAG; see the module docs.
pub(crate) fn generate(p: &mut Params, rng: &mut ChaCha8Rng, direction: Direction) -> Result<DagBuilder, GenError> {
    let depth = p.usize("depth", 4, 1..=64)?;
    let arity = p.usize("arity", 2, 1..=1_000_000)?;
    let w = Weights::read(p)?;
    p.finish()?;
    let mut total: usize = 0;
    let mut width: usize = 1;
    for _ in 0..depth {
        total = total.saturating_add(width);
        width = width.saturating_mul(arity);
    }
    if total > 100_000_000 {
        return Err(GenError::BadValue {
            kind: p.kind.clone(),
            key: "depth".to_owned(),
            message: format!("{total} tasks is more than 10^8; lower depth or arity"),
        });
    }
    let mut b = DagBuilder::with_capacity(total, total);
    let mut previous: Vec<TaskId> = Vec::new();
    for level in 0..depth {
        let n_level = arity.pow(level as u32);
        let current: Vec<TaskId> = (0..n_level)
            .map(|i| b.add_task(TaskSpec::new(format!("n{level}_{i}"), w.work(rng, 1.0)).kind("node")))
            .collect();
        for (i, &child) in current.iter().enumerate() {
            if let Some(&parent) = previous.get(i / arity) {
                let bytes = w.bytes(rng);
                match direction {
                    Direction::Out => b.add_edge(parent, child, bytes),
                    Direction::In => b.add_edge(child, parent, bytes),
                }
            }
        }
        previous = current;
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use crate::generators::check;

    #[test]
    fn sizes_and_direction() {
        assert_eq!(check::shape("out-tree:depth=4,arity=3"), (40, 39, 4, 27));
        assert_eq!(check::shape("in-tree:depth=4,arity=3"), (40, 39, 4, 27));
        let dag = crate::generate("in-tree:depth=3", 1).unwrap();
        assert_eq!(dag.exit_tasks().count(), 1);
        assert_eq!(dag.entry_tasks().count(), 4);
        check::deterministic("out-tree:depth=3");
        check::deterministic("in-tree:depth=3");
    }
}
