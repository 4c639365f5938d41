//! 2-D wavefront: a `rows × cols` grid where cell (i, j) needs (i − 1, j) and
//! (i, j − 1), the dependence pattern of dynamic programming (Smith-Waterman)
//! and of Gauss-Seidel / SOR sweeps (e.g. Sinnen, "Task Scheduling for
//! Parallel Systems", Wiley 2007, §2.4).
//!
//! ```text
//!  (0,0) → (0,1) → (0,2)
//!    ↓       ↓       ↓
//!  (1,0) → (1,1) → (1,2)
//! ```
//!
//! Keys: `rows` \[8], `cols` \[8], plus `work` and `ccr` (see [`super`]).
//! Tasks: `rows × cols`; edges: `rows(cols − 1) + cols(rows − 1)`; the depth is
//! `rows + cols − 1` anti-diagonals. Kind `cell`.

use super::{GenError, Params, Weights};
use rand_chacha::ChaCha8Rng;
use sim::{DagBuilder, TaskId, TaskSpec};

/// Reads the keys and builds the DAG; see the module docs.
pub(crate) fn generate(p: &mut Params, rng: &mut ChaCha8Rng) -> Result<DagBuilder, GenError> {
    let rows = p.usize("rows", 8, 1..=100_000_000)?;
    let cols = p.usize("cols", 8, 1..=100_000_000)?;
    let w = Weights::read(p)?;
    p.finish()?;
    let n = rows.saturating_mul(cols);
    let mut b = DagBuilder::with_capacity(n, n.saturating_mul(2));
    for i in 0..rows {
        for j in 0..cols {
            let t = b.add_task(TaskSpec::new(format!("c{i}_{j}"), w.work(rng, 1.0)).kind("cell"));
            if i > 0 {
                b.add_edge(TaskId::new((i - 1) * cols + j), t, w.bytes(rng));
            }
            if j > 0 {
                b.add_edge(TaskId::new(i * cols + j - 1), t, w.bytes(rng));
            }
        }
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use crate::generators::check;

    #[test]
    fn shape() {
        assert_eq!(check::shape("wavefront:rows=3,cols=4"), (12, 3 * 3 + 4 * 2, 6, 3));
        check::deterministic("wavefront:rows=3,cols=3");
    }
}
