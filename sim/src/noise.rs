//! Runtime noise: actual durations = estimate × a random factor.
//!
//! Factors are drawn once per run, one per task in task-id order, from a
//! ChaCha8 RNG seeded by the run's seed. The draw therefore does not depend
//! on the order in which a scheduler happens to start tasks, so two schedulers
//! run with the same seed face exactly the same actual runtimes.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal};
use serde::{Deserialize, Serialize};

/// How actual task durations deviate from the estimates schedulers see.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Noise {
    /// Actual = estimate.
    #[default]
    None,
    /// Actual = estimate × X with ln X ~ N(−σ²/2, σ²), so that E[X] = 1.
    LogNormal {
        /// σ of the underlying normal (0.3 ≈ ±30 % typical deviation).
        sigma: f64,
    },
}

impl Noise {
    /// Log-normal noise with `sigma`, or no noise for `sigma == 0`.
    pub fn lognormal(sigma: f64) -> Noise {
        if sigma == 0.0 {
            Noise::None
        } else {
            Noise::LogNormal { sigma }
        }
    }

    /// The σ of this noise (0 for none).
    pub fn sigma(&self) -> f64 {
        match self {
            Noise::None => 0.0,
            Noise::LogNormal { sigma } => *sigma,
        }
    }

    /// One factor per task, deterministic in `seed`. `None` if σ is not a finite number ≥ 0.
    pub fn factors(&self, n_tasks: usize, seed: u64) -> Option<Vec<f64>> {
        let mut draws = self.draws(seed)?;
        Some((0..n_tasks).map(|_| draws.draw()).collect())
    }

    /// The factors of [`Noise::factors`] one at a time, for runs whose tasks
    /// arrive over time (job streams): the k-th draw is the k-th task's factor.
    /// `None` if σ is not a finite number ≥ 0.
    pub fn draws(&self, seed: u64) -> Option<NoiseDraws> {
        let dist = match *self {
            Noise::None => None,
            Noise::LogNormal { sigma } => {
                if !(sigma.is_finite() && sigma >= 0.0) {
                    return None;
                }
                Some(LogNormal::new(-sigma * sigma / 2.0, sigma).ok()?)
            }
        };
        Some(NoiseDraws {
            dist,
            rng: ChaCha8Rng::seed_from_u64(seed),
        })
    }
}

/// A stream of noise factors (see [`Noise::draws`]).
#[derive(Clone, Debug)]
pub struct NoiseDraws {
    dist: Option<LogNormal<f64>>,
    rng: ChaCha8Rng,
}

impl NoiseDraws {
    /// The next task's factor.
    pub fn draw(&mut self) -> f64 {
        self.dist.as_ref().map_or(1.0, |d| d.sample(&mut self.rng))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_are_deterministic_and_mean_one() {
        let noise = Noise::lognormal(0.5);
        let a = noise.factors(20_000, 7).unwrap();
        assert_eq!(a, noise.factors(20_000, 7).unwrap());
        assert_ne!(a, noise.factors(20_000, 8).unwrap());
        let mean = a.iter().sum::<f64>() / a.len() as f64;
        assert!((mean - 1.0).abs() < 0.02, "mean {mean}");
    }

    #[test]
    fn invalid_sigma_is_refused() {
        assert!(Noise::LogNormal { sigma: -1.0 }.factors(3, 0).is_none());
        assert!(Noise::LogNormal { sigma: f64::NAN }.factors(3, 0).is_none());
    }
}
