//! Tiled LU factorisation without pivoting of a `tiles × tiles` matrix, the
//! right-looking task graph of PLASMA / StarPU (Buttari et al., Parallel
//! Computing 35(1), 2009; Agullo et al., "LU factorization for
//! accelerator-based systems", AICCSA 2011).
//!
//! ```text
//!  for k in 0..t:        GETRF(k)          ← GEMM(k−1, k, k)
//!    for j > k:          TRSM_U(k, j)      ← GETRF(k), GEMM(k−1, k, j)
//!    for i > k:          TRSM_L(k, i)      ← GETRF(k), GEMM(k−1, i, k)
//!    for i > k, j > k:   GEMM(k, i, j)     ← TRSM_L(k, i), TRSM_U(k, j), GEMM(k−1, i, j)
//! ```
//!
//! Keys: `tiles` \[4], plus `work` and `ccr` (see [`super`]); one tile per
//! edge. Work weights in units of b³/3 flops: GETRF 2, TRSM 3, GEMM 6. Tasks:
//! `Σ_{k<t} (1 + 2(t−k−1) + (t−k−1)²)`.

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
        tiles.task(format!("getrf{k}"), "getrf", 2.0, &[(k, k)], (k, k));
        for j in k + 1..t {
            tiles.task(format!("trsm_u{k}_{j}"), "trsm", 3.0, &[(k, k), (k, j)], (k, j));
        }
        for i in k + 1..t {
            tiles.task(format!("trsm_l{k}_{i}"), "trsm", 3.0, &[(k, k), (i, k)], (i, k));
        }
        for i in k + 1..t {
            for j in k + 1..t {
                let reads = [(i, k), (k, j), (i, j)];
                tiles.task(format!("gemm{k}_{i}_{j}"), "gemm", 6.0, &reads, (i, j));
            }
        }
    }
    Ok(tiles.finish())
}

#[cfg(test)]
mod tests {
    use crate::generators::check;

    #[test]
    fn task_count() {
        for t in [1usize, 3, 5] {
            let expected: usize = (0..t).map(|k| 1 + 2 * (t - k - 1) + (t - k - 1) * (t - k - 1)).sum();
            assert_eq!(check::shape(&format!("lu:tiles={t}")).0, expected);
        }
        let dag = crate::generate("lu:tiles=4", 1).unwrap();
        assert_eq!((dag.entry_tasks().count(), dag.exit_tasks().count()), (1, 1));
        check::deterministic("lu:tiles=3");
    }
}
