//! Gaussian elimination on an `m × m` matrix, the application graph of
//! Topcuoglu, Hariri & Wu, "Performance-effective and low-complexity task
//! scheduling for heterogeneous computing", IEEE TPDS 13(3), 2002, §5.2
//! (after Wu & Gajski's Hypertool).
//!
//! ```text
//!  step k:  pivot(k) → update(k, j) for j = k+1 … m
//!           update(k, k+1) → pivot(k+1)
//!           update(k, j)   → update(k+1, j)   for j > k+1
//! ```
//!
//! Keys: `m` \[5] (≥ 2), plus `work` and `ccr` (see [`super`]). Tasks:
//! `(m² + m − 2) / 2` (m − 1 pivots and m(m − 1)/2 updates). Kinds `pivot`
//! and `update`; the DAG has one entry (`pivot1`) and one exit (`update{m−1}_{m}`).

use super::{GenError, Params, Weights};
use rand_chacha::ChaCha8Rng;
use sim::{DagBuilder, TaskId, TaskSpec};

/// Reads the keys and builds the DAG; see the module docs.
pub(crate) fn generate(p: &mut Params, rng: &mut ChaCha8Rng) -> Result<DagBuilder, GenError> {
    let m = p.usize("m", 5, 2..=10_000)?;
    let w = Weights::read(p)?;
    p.finish()?;
    let mut b = DagBuilder::with_capacity((m * m + m - 2) / 2, m * m);
    // updates[j] is the latest update of column j.
    let mut updates: Vec<Option<TaskId>> = vec![None; m + 1];
    for k in 1..m {
        let pivot = b.add_task(TaskSpec::new(format!("pivot{k}"), w.work(rng, 1.0)).kind("pivot"));
        if let Some(Some(prev)) = updates.get(k) {
            b.add_edge(*prev, pivot, w.bytes(rng));
        }
        for j in k + 1..=m {
            let update = b.add_task(TaskSpec::new(format!("update{k}_{j}"), w.work(rng, 1.0)).kind("update"));
            b.add_edge(pivot, update, w.bytes(rng));
            if let Some(slot) = updates.get_mut(j) {
                if let Some(prev) = *slot {
                    b.add_edge(prev, update, w.bytes(rng));
                }
                *slot = Some(update);
            }
        }
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use crate::generators::check;

    #[test]
    fn task_count_is_the_papers() {
        for m in [2usize, 5, 12] {
            let (tasks, _, _, _) = check::shape(&format!("gaussian:m={m}"));
            assert_eq!(tasks, (m * m + m - 2) / 2);
        }
        let dag = crate::generate("gaussian:m=5", 1).unwrap();
        assert_eq!((dag.entry_tasks().count(), dag.exit_tasks().count()), (1, 1));
        check::deterministic("gaussian:m=6");
    }
}
