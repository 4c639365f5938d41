//! Fork-join graphs: a chain of `levels` parallel sections of `width` tasks,
//! each opened by a fork task and closed by a join task (the OpenMP /
//! bulk-synchronous shape; e.g. the fork-join DAGs of Liu et al.,
//! "Scheduling parallel jobs with fork-join structure", and of WfCommons'
//! `forkjoin` benchmark).
//!
//! ```text
//!        fork0
//!       / | \
//!      o  o  o      width tasks
//!       \ | /
//!        join0 = fork1
//!       / | \
//!      …
//! ```
//!
//! Keys: `levels` \[3] sections, `width` \[4] tasks per section, plus `work`
//! and `ccr` (see [`super`]). Tasks: `1 + levels × (width + 1)`; each join is
//! the next section's fork. Kinds: `fork`, `work`, `join`.

use super::{GenError, Params, Weights};
use rand_chacha::ChaCha8Rng;
use sim::{DagBuilder, TaskSpec};

/// Reads the keys and builds the DAG; see the module docs.
pub(crate) fn generate(p: &mut Params, rng: &mut ChaCha8Rng) -> Result<DagBuilder, GenError> {
    let levels = p.usize("levels", 3, 1..=10_000_000)?;
    let width = p.usize("width", 4, 1..=10_000_000)?;
    let w = Weights::read(p)?;
    p.finish()?;
    let mut b = DagBuilder::with_capacity(1 + levels * (width + 1), 2 * levels * width);
    let mut fork = b.add_task(TaskSpec::new("fork0", w.work(rng, 1.0)).kind("fork"));
    for level in 0..levels {
        let join_work = w.work(rng, 1.0);
        let branches: Vec<_> = (0..width)
            .map(|i| {
                let t = b.add_task(TaskSpec::new(format!("work{level}_{i}"), w.work(rng, 1.0)).kind("work"));
                (t, w.bytes(rng), w.bytes(rng))
            })
            .collect();
        let join = b.add_task(TaskSpec::new(format!("join{level}"), join_work).kind("join"));
        for (t, bytes_in, bytes_out) in branches {
            b.add_edge(fork, t, bytes_in);
            b.add_edge(t, join, bytes_out);
        }
        fork = join;
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use crate::generators::check;

    #[test]
    fn width_and_levels() {
        assert_eq!(check::shape("fork-join:levels=3,width=5"), (19, 30, 7, 5));
        check::deterministic("fork-join:levels=2,width=3");
    }
}
