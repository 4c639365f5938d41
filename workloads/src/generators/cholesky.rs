//! Tiled Cholesky factorisation of a `tiles × tiles` matrix, the right-looking
//! task graph of PLASMA / StarPU / Chameleon (Buttari, Langou, Kurzak &
//! Dongarra, "A class of parallel tiled linear algebra algorithms for
//! multicore architectures", Parallel Computing 35(1), 2009).
//!
//! ```text
//!  for k in 0..t:   POTRF(k)                        ← SYRK(k−1, k)
//!    for i > k:     TRSM(k, i)    ← POTRF(k),          GEMM(k−1, i, k)
//!    for i > k:     SYRK(k, i)    ← TRSM(k, i),        SYRK(k−1, i)
//!    for i > j > k: GEMM(k, i, j) ← TRSM(k, i), TRSM(k, j), GEMM(k−1, i, j)
//! ```
//!
//! Keys: `tiles` \[4], plus `work` and `ccr` (see [`super`]); one tile is
//! moved per edge. Work is weighted by flop count in units of b³/3 flops for a
//! tile of size b: POTRF 1, TRSM 3, SYRK 3, GEMM 6. Tasks:
//! `t + t(t−1) + t(t−1)(t−2)/6` for `t` tiles.

use super::{GenError, Params, Tiles, Weights};
use rand_chacha::ChaCha8Rng;
use sim::DagBuilder;

/// Reads the keys and builds the DAG; see the module docs.
pub(crate) fn generate(p: &mut Params, rng: &mut ChaCha8Rng) -> Result<DagBuilder, GenError> {
    let t = p.usize("tiles", 4, 1..=300)?;
    let w = Weights::read(p)?;
    p.finish()?;
    let mut tiles = Tiles::new(rng, w);
    for k in 0..t {
        tiles.task(format!("potrf{k}"), "potrf", 1.0, &[(k, k)], (k, k));
        for i in k + 1..t {
            tiles.task(format!("trsm{k}_{i}"), "trsm", 3.0, &[(k, k), (i, k)], (i, k));
        }
        for i in k + 1..t {
            for j in k + 1..i {
                let reads = [(i, k), (j, k), (i, j)];
                tiles.task(format!("gemm{k}_{i}_{j}"), "gemm", 6.0, &reads, (i, j));
            }
            tiles.task(format!("syrk{k}_{i}"), "syrk", 3.0, &[(i, k), (i, i)], (i, i));
        }
    }
    Ok(tiles.finish())
}

#[cfg(test)]
mod tests {
    use crate::generators::check;

    #[test]
    fn task_count_and_chain() {
        for t in [1usize, 3, 6] {
            let expected = t + t * (t - 1) + t * (t - 1) * (t.saturating_sub(2)) / 6;
            assert_eq!(check::shape(&format!("cholesky:tiles={t}")).0, expected);
        }
        let dag = crate::generate("cholesky:tiles=4", 1).unwrap();
        assert_eq!((dag.entry_tasks().count(), dag.exit_tasks().count()), (1, 1));
        // The critical path runs POTRF → TRSM → SYRK → POTRF …: 3t − 2 levels.
        assert_eq!(check::shape("cholesky:tiles=4").2, 10);
        check::deterministic("cholesky:tiles=3");
    }
}
