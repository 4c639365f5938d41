//! Stage DAGs: the shape of analytics queries (Spark, Dask DataFrame, SQL
//! engines). A query runs as `stages` stages of parallel tasks; each stage
//! reads the whole output of the stage before it (a shuffle), so the stages
//! are joined by barriers, and a single result task collects the last one
//! (Zaharia et al., "Resilient distributed datasets", NSDI 2012, §5.1: stages
//! end at shuffle dependencies).
//!
//! ```text
//!    o o o o o o o o     stage 0: `width` tasks (the scan)
//!    |\/\/\/\/\/\/\|     all-to-all shuffle: a barrier
//!      o o o o o         stage 1: U{1..width} tasks
//!      |\/\/\/\/|
//!        o o o           …
//!         \|/
//!        result
//! ```
//!
//! Keys: `stages` \[3] parallel stages, `width` \[16] tasks of the first
//! stage (each later stage draws its width uniformly from 1 to `width`),
//! plus `work` and `ccr` (see [`super`]). Each task reads one edge's worth of
//! bytes in all (drawn as for any edge at `ccr`), split evenly over the
//! tasks of the stage before, so `ccr` is the ratio of a task's input to its
//! work. Tasks: the stages' widths plus one. Kinds `stage`, `result`.
//!
//! Unlike fork-join (one fork and one join per section) and map-reduce (one
//! shuffle), every stage boundary is a shuffle between two wide stages, so
//! no task but the result can start before a whole stage is done.

use super::{GenError, Params, Weights};
use rand::RngExt as _;
use rand_chacha::ChaCha8Rng;
use sim::{DagBuilder, TaskId, TaskSpec};

/// Reads the keys and builds the DAG; see the module docs.
pub(crate) fn generate(p: &mut Params, rng: &mut ChaCha8Rng) -> Result<DagBuilder, GenError> {
    let stages = p.usize("stages", 3, 1..=10_000)?;
    let width = p.usize("width", 16, 1..=10_000)?;
    let w = Weights::read(p)?;
    p.finish()?;
    let mut b = DagBuilder::new();
    let mut previous: Vec<TaskId> = Vec::new();
    for stage in 0..=stages {
        let n = match stage {
            0 => width,
            s if s == stages => 1,
            _ => rng.random_range(1..=width),
        };
        let kind = if stage == stages { "result" } else { "stage" };
        let tasks: Vec<TaskId> = (0..n)
            .map(|i| {
                let t = b.add_task(TaskSpec::new(format!("s{stage}_{i}"), w.work(rng, 1.0)).kind(kind));
                let per_producer = w.bytes(rng) / previous.len().max(1) as f64;
                for &src in &previous {
                    b.add_edge(src, t, per_producer);
                }
                t
            })
            .collect();
        previous = tasks;
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use crate::generators::check;

    #[test]
    fn stages_are_joined_by_all_to_all_shuffles() {
        // One stage of 6 tasks and the result: 7 tasks, 6 edges, depth 2.
        assert_eq!(check::shape("stages:stages=1,width=6"), (7, 6, 2, 6));
        let dag = crate::generate("stages:stages=3,width=8,ccr=2", 5).unwrap();
        let stats = crate::stats(&dag);
        assert_eq!(stats.depth, 4);
        // Every task after the first stage reads exactly the tasks of the stage before.
        let stage_of = |x: sim::TaskId| -> usize { dag.task(x).name[1..].split('_').next().unwrap().parse().unwrap() };
        for t in dag.task_ids().filter(|&t| stage_of(t) > 0) {
            let mut preds: Vec<_> = dag.predecessors(t).collect();
            preds.sort_unstable();
            let previous: Vec<_> = dag.task_ids().filter(|&x| stage_of(x) + 1 == stage_of(t)).collect();
            assert_eq!(preds, previous, "{}", dag.task(t).name);
        }
        check::deterministic("stages:stages=3,width=5");
    }
}
