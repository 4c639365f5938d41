//! Pipelines: `lanes` independent chains of `stages` tasks, the linear
//! workflows of stream and batch processing (the `chain` benchmark of
//! WfCommons; Benoit & Robert's pipeline mapping problems).
//!
//! ```text
//!  lane 0:  s0 → s1 → s2 → s3
//!  lane 1:  s0 → s1 → s2 → s3
//! ```
//!
//! Keys: `stages` \[8], `lanes` \[1], plus `work` and `ccr` (see [`super`]).
//! Tasks: `stages × lanes`; stage `s` has kind `stage{s}`.

use super::{GenError, Params, Weights};
use rand_chacha::ChaCha8Rng;
use sim::{DagBuilder, TaskSpec};

/// Reads the keys and builds the DAG; see the module docs.
pub(crate) fn generate(p: &mut Params, rng: &mut ChaCha8Rng) -> Result<DagBuilder, GenError> {
    let stages = p.usize("stages", 8, 1..=100_000_000)?;
    let lanes = p.usize("lanes", 1, 1..=100_000_000)?;
    let w = Weights::read(p)?;
    p.finish()?;
    let mut b = DagBuilder::with_capacity(stages.saturating_mul(lanes), stages.saturating_mul(lanes));
    for lane in 0..lanes {
        let mut previous = None;
        for stage in 0..stages {
            let t =
                b.add_task(TaskSpec::new(format!("l{lane}_s{stage}"), w.work(rng, 1.0)).kind(format!("stage{stage}")));
            if let Some(prev) = previous {
                b.add_edge(prev, t, w.bytes(rng));
            }
            previous = Some(t);
        }
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use crate::generators::check;

    #[test]
    fn chains() {
        assert_eq!(check::shape("pipeline:stages=5,lanes=3"), (15, 12, 5, 3));
        check::deterministic("pipeline:stages=4,lanes=2");
    }
}
