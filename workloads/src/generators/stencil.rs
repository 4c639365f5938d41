//! Iterative stencil: `steps` time steps of a 1-D domain cut into `width`
//! blocks, each block reading itself and its two neighbours from the previous
//! step (the Jacobi-sweep graph; e.g. the `stencil` pattern of the Task Bench
//! suite, Slaughter et al., SC 2020).
//!
//! ```text
//!  step 0:  o   o   o   o
//!           |\ /|\ /|\ /|
//!  step 1:  o   o   o   o
//! ```
//!
//! Keys: `steps` \[4], `width` \[8], plus `work` and `ccr` (see [`super`]).
//! Tasks: `steps × width`; edges: `(steps − 1) × (3·width − 2)`. Kind `stencil`.

use super::{GenError, Params, Weights};
use rand_chacha::ChaCha8Rng;
use sim::{DagBuilder, TaskId, TaskSpec};

/// Reads the keys and builds the DAG; see the module docs.
pub(crate) fn generate(p: &mut Params, rng: &mut ChaCha8Rng) -> Result<DagBuilder, GenError> {
    let steps = p.usize("steps", 4, 1..=100_000_000)?;
    let width = p.usize("width", 8, 1..=100_000_000)?;
    let w = Weights::read(p)?;
    p.finish()?;
    let mut b = DagBuilder::with_capacity(
        steps.saturating_mul(width),
        steps.saturating_mul(width).saturating_mul(3),
    );
    let mut previous: Vec<TaskId> = Vec::new();
    for step in 0..steps {
        let current: Vec<TaskId> = (0..width)
            .map(|x| b.add_task(TaskSpec::new(format!("s{step}_{x}"), w.work(rng, 1.0)).kind("stencil")))
            .collect();
        for (x, &t) in current.iter().enumerate() {
            for source in [x.wrapping_sub(1), x, x + 1] {
                if let Some(&s) = previous.get(source) {
                    b.add_edge(s, t, w.bytes(rng));
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
    fn shape() {
        assert_eq!(check::shape("stencil:steps=4,width=5"), (20, 3 * 13, 4, 5));
        check::deterministic("stencil:steps=3,width=3");
    }
}
