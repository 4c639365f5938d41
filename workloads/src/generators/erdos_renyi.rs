//! Erdős–Rényi random DAGs: each pair `i < j` of `tasks` tasks is an edge
//! `i → j` with probability `p` (the G(n, p) model of Erdős & Rényi, 1959,
//! oriented by task index so it is acyclic; used for scheduling benchmarks by
//! e.g. Cordeiro et al., "Random graph generation for scheduling
//! simulations", SIMUTools 2010).
//!
//! Edges are drawn by geometric skipping (Batagelj & Brandes, "Efficient
//! generation of large random networks", Phys. Rev. E 71, 2005), so the time
//! is O(tasks + edges), not O(tasks²).
//!
//! Keys: `tasks` \[100], `p` \[4 / tasks, a mean degree of about 4], plus
//! `work` and `ccr` (see [`super`]). Kind `task`.

use super::{GenError, Params, Weights};
use rand::RngExt as _;
use rand_chacha::ChaCha8Rng;
use sim::{DagBuilder, TaskId, TaskSpec};

/// Reads the keys and builds the DAG; see the module docs.
pub(crate) fn generate(p: &mut Params, rng: &mut ChaCha8Rng) -> Result<DagBuilder, GenError> {
    let n = p.usize("tasks", 100, 1..=100_000_000)?;
    let prob = p.f64("p", (4.0 / n as f64).min(1.0), 0.0..=1.0)?;
    let w = Weights::read(p)?;
    p.finish()?;
    let expected_edges = prob * (n as f64) * (n as f64 - 1.0) / 2.0;
    if expected_edges > 1e9 {
        return Err(GenError::BadValue {
            kind: p.kind.clone(),
            key: "p".to_owned(),
            message: format!("about {expected_edges:.0} edges is more than 10^9; lower p"),
        });
    }
    let mut b = DagBuilder::with_capacity(n, expected_edges as usize);
    for i in 0..n {
        b.add_task(TaskSpec::new(format!("t{i}"), w.work(rng, 1.0)));
    }
    if prob <= 0.0 {
        return Ok(b);
    }
    // Walk the pairs (src < dst) in order, skipping a geometric number of
    // non-edges before each edge.
    let log_q = (1.0 - prob).ln();
    let (mut dst, mut src) = (1usize, 0usize);
    let skip = |rng: &mut ChaCha8Rng| -> usize {
        if prob >= 1.0 {
            0
        } else {
            let u: f64 = rng.random_range(f64::MIN_POSITIVE..1.0);
            (u.ln() / log_q).floor().min(usize::MAX as f64 / 2.0) as usize
        }
    };
    src += skip(rng);
    while dst < n {
        while src >= dst && dst < n {
            src -= dst;
            dst += 1;
        }
        if dst < n {
            b.add_edge(TaskId::new(src), TaskId::new(dst), w.bytes(rng));
            src += 1 + skip(rng);
        }
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use crate::generators::check;

    #[test]
    fn density_follows_p() {
        let (tasks, edges, _, _) = check::shape("erdos-renyi:tasks=400,p=0.1");
        assert_eq!(tasks, 400);
        let expected = 0.1 * 400.0 * 399.0 / 2.0;
        assert!((edges as f64 - expected).abs() < 0.05 * expected, "{edges}");
        assert_eq!(check::shape("erdos-renyi:tasks=10,p=1").1, 45);
        assert_eq!(check::shape("erdos-renyi:tasks=10,p=0").1, 0);
        check::deterministic("erdos-renyi:tasks=50");
    }
}
