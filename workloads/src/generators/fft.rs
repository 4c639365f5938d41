//! The fast Fourier transform graph of Topcuoglu, Hariri & Wu, IEEE TPDS
//! 13(3), 2002, §5.2 (after Chung & Ranka, and Cormen et al.'s recursive FFT).
//!
//! ```text
//!   recursive calls: a binary out-tree with `points` leaves (2·points − 1 tasks)
//!   butterflies:     log2(points) levels of `points` tasks; butterfly (l, i)
//!                    reads (l − 1, i) and (l − 1, i XOR 2^l) (level −1 = the leaves)
//! ```
//!
//! Keys: `points` \[8] (a power of two ≥ 2), plus `work` and `ccr` (see
//! [`super`]). Tasks: `2·points − 1 + points·log2(points)`. Kinds `call` and
//! `butterfly`.

use super::{GenError, Params, Weights};
use rand_chacha::ChaCha8Rng;
use sim::{DagBuilder, TaskId, TaskSpec};

/// Reads the keys and builds the DAG; see the module docs.
pub(crate) fn generate(p: &mut Params, rng: &mut ChaCha8Rng) -> Result<DagBuilder, GenError> {
    let points = p.usize("points", 8, 2..=1 << 22)?;
    if !points.is_power_of_two() {
        return Err(GenError::BadValue {
            kind: p.kind.clone(),
            key: "points".to_owned(),
            message: format!("{points} is not a power of two"),
        });
    }
    let w = Weights::read(p)?;
    p.finish()?;
    let log = points.trailing_zeros() as usize;
    let mut b = DagBuilder::with_capacity(2 * points - 1 + points * log, 4 * points + 2 * points * log);
    // Recursive-call tree, level by level: level d has 2^d calls.
    let mut level: Vec<TaskId> = vec![b.add_task(TaskSpec::new("call0_0", w.work(rng, 1.0)).kind("call"))];
    for d in 1..=log {
        let next: Vec<TaskId> = (0..1usize << d)
            .map(|i| b.add_task(TaskSpec::new(format!("call{d}_{i}"), w.work(rng, 1.0)).kind("call")))
            .collect();
        for (i, &child) in next.iter().enumerate() {
            if let Some(&parent) = level.get(i / 2) {
                b.add_edge(parent, child, w.bytes(rng));
            }
        }
        level = next;
    }
    for l in 0..log {
        let next: Vec<TaskId> = (0..points)
            .map(|i| b.add_task(TaskSpec::new(format!("butterfly{l}_{i}"), w.work(rng, 1.0)).kind("butterfly")))
            .collect();
        for (i, &t) in next.iter().enumerate() {
            for source in [i, i ^ (1 << l)] {
                if let Some(&s) = level.get(source) {
                    b.add_edge(s, t, w.bytes(rng));
                }
            }
        }
        level = next;
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use crate::generators::check;

    #[test]
    fn task_count_is_the_papers() {
        // 4 points: 7 calls + 8 butterflies = 15 (Topcuoglu et al., Fig. 6a).
        assert_eq!(check::shape("fft:points=4").0, 15);
        assert_eq!(check::shape("fft:points=16").0, 31 + 64);
        assert!(crate::generate("fft:points=6", 1).is_err());
        check::deterministic("fft:points=8");
    }
}
