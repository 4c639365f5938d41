//! Arrival processes: when the jobs of a stream arrive.
//!
//! A spec is `KIND:key=value,…`, as for the generators:
//! - `poisson:rate=R` — a Poisson process of `R` jobs per second;
//! - `fixed:interval=T` — one job every `T` seconds, the first at `T`;
//! - `mmpp:rates=R1/R2,mean_stay=S1/S2` — a two-state Markov-modulated
//!   Poisson process (bursty traffic): `Ri` jobs per second while in state
//!   `i`, which lasts an exponential time of mean `Si` seconds (Fischer and
//!   Meier-Hellstern, "The Markov-modulated Poisson process (MMPP) cookbook",
//!   Performance Evaluation 18(2), 1993);
//! - `diurnal:rate=R,amplitude=A,period=P` — a Poisson process whose rate is
//!   `R (1 + A sin(2πt/P))`, drawn by thinning (Lewis and Shedler,
//!   "Simulation of nonhomogeneous Poisson processes by thinning", Naval
//!   Research Logistics Quarterly 26(3), 1979).
//!
//! Every process knows its time-average rate ([`ArrivalProcess::mean_rate`]),
//! which is what a stream's *load* scales ([`ArrivalProcess::with_mean_rate`]).
//!
//! The samplers are written here rather than taken from a crate: they are a
//! few lines each on top of `rand_distr`'s exponential, and the model (the
//! state switching, the thinning bound) is the product.

use super::StreamError;
use rand::RngExt as _;
use rand::SeedableRng as _;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution as _, Exp};
use std::f64::consts::TAU;

/// Names of the arrival kinds [`ArrivalProcess::parse`] knows (`trace:` is a
/// stream source of its own, see [`super::StreamSource`]).
pub const KINDS: &[&str] = &["poisson", "fixed", "mmpp", "diurnal"];

/// A seeded random process of arrival times.
#[derive(Clone, Debug, PartialEq)]
pub enum ArrivalProcess {
    /// Exponential gaps of mean `1 / rate`.
    Poisson {
        /// Jobs per second.
        rate: f64,
    },
    /// Equal gaps.
    Fixed {
        /// Seconds between two arrivals.
        interval: f64,
    },
    /// Two-state Markov-modulated Poisson process.
    Mmpp {
        /// Jobs per second in each state (one may be 0: an on/off source).
        rates: [f64; 2],
        /// Mean seconds spent in each state per visit.
        mean_stay: [f64; 2],
    },
    /// Sinusoidally modulated Poisson process.
    Diurnal {
        /// Time-average jobs per second.
        rate: f64,
        /// Relative swing of the rate, in `[0, 1]`.
        amplitude: f64,
        /// Seconds per cycle.
        period: f64,
    },
}

impl ArrivalProcess {
    /// Parses a spec such as `poisson:rate=0.5` or `mmpp:rates=2/0.1,mean_stay=10/100`.
    ///
    /// # Errors
    /// [`StreamError::Spec`] naming the key at fault and what was expected, or
    /// listing the valid kinds.
    pub fn parse(spec: &str) -> Result<ArrivalProcess, StreamError> {
        let (kind, rest) = spec.split_once(':').unwrap_or((spec, ""));
        let kind = kind.trim();
        let mut keys = Keys::parse(spec, rest)?;
        let process = match kind {
            "poisson" => ArrivalProcess::Poisson {
                rate: keys.positive("rate")?,
            },
            "fixed" => ArrivalProcess::Fixed {
                interval: keys.positive("interval")?,
            },
            "mmpp" => {
                let rates = keys.pair("rates")?;
                let mean_stay = keys.pair("mean_stay")?;
                if rates.iter().any(|&r| r < 0.0) || rates.iter().all(|&r| r <= 0.0) {
                    return Err(keys.bad("rates", "expected two rates ≥ 0, at least one > 0"));
                }
                if mean_stay.iter().any(|&s| s <= 0.0) {
                    return Err(keys.bad("mean_stay", "expected two mean stays > 0 seconds"));
                }
                ArrivalProcess::Mmpp { rates, mean_stay }
            }
            "diurnal" => {
                let rate = keys.positive("rate")?;
                let amplitude = keys.number("amplitude")?;
                if !(0.0..=1.0).contains(&amplitude) {
                    return Err(keys.bad("amplitude", "expected a number in [0, 1]"));
                }
                let period = keys.positive("period")?;
                ArrivalProcess::Diurnal {
                    rate,
                    amplitude,
                    period,
                }
            }
            _ => {
                return Err(StreamError::Spec {
                    spec: spec.to_owned(),
                    message: format!(
                        "unknown arrival kind {kind:?} (valid: {}, trace:FILE.csv)",
                        KINDS.join(", ")
                    ),
                });
            }
        };
        keys.finish()?;
        Ok(process)
    }

    /// The time-average arrival rate in jobs per second: for `mmpp` the
    /// stationary mean `(R1 S1 + R2 S2) / (S1 + S2)`, for `diurnal` its `rate`.
    pub fn mean_rate(&self) -> f64 {
        match *self {
            ArrivalProcess::Poisson { rate } => rate,
            ArrivalProcess::Fixed { interval } => 1.0 / interval,
            ArrivalProcess::Mmpp { rates, mean_stay } => {
                (rates[0] * mean_stay[0] + rates[1] * mean_stay[1]) / (mean_stay[0] + mean_stay[1])
            }
            ArrivalProcess::Diurnal { rate, .. } => rate,
        }
    }

    /// The same process with its time-average rate scaled to `rate`: every
    /// rate is multiplied by one factor, while the time scales of the
    /// modulation (MMPP stays, diurnal period) stay as they are.
    ///
    /// # Panics
    /// If `rate` is not finite and positive (callers validate user input first).
    pub fn with_mean_rate(&self, rate: f64) -> ArrivalProcess {
        assert!(
            rate.is_finite() && rate > 0.0,
            "mean rate {rate} must be finite and > 0"
        );
        let factor = rate / self.mean_rate();
        match *self {
            ArrivalProcess::Poisson { .. } => ArrivalProcess::Poisson { rate },
            ArrivalProcess::Fixed { .. } => ArrivalProcess::Fixed { interval: 1.0 / rate },
            ArrivalProcess::Mmpp { rates, mean_stay } => ArrivalProcess::Mmpp {
                rates: rates.map(|r| r * factor),
                mean_stay,
            },
            ArrivalProcess::Diurnal { amplitude, period, .. } => ArrivalProcess::Diurnal {
                rate,
                amplitude,
                period,
            },
        }
    }

    /// The arrival times, in seconds from 0, increasing, without end.
    /// The same `rng` state gives the same times.
    pub fn times(&self, rng: ChaCha8Rng) -> ArrivalTimes {
        ArrivalTimes {
            process: self.clone(),
            rng,
            now: 0.0,
            mmpp: None,
        }
    }

    /// [`ArrivalProcess::times`] from a seed.
    pub fn times_from_seed(&self, seed: u64) -> ArrivalTimes {
        self.times(ChaCha8Rng::seed_from_u64(seed))
    }
}

/// The endless, increasing arrival times of one process (an iterator).
#[derive(Clone, Debug)]
pub struct ArrivalTimes {
    process: ArrivalProcess,
    rng: ChaCha8Rng,
    now: f64,
    /// The MMPP's current state and the time its stay ends, once drawn.
    mmpp: Option<(usize, f64)>,
}

impl ArrivalTimes {
    fn exp(&mut self, rate: f64) -> f64 {
        Exp::new(rate)
            .expect("rates are validated positive")
            .sample(&mut self.rng)
    }

    fn next_mmpp(&mut self, rates: [f64; 2], mean_stay: [f64; 2]) -> f64 {
        let (mut state, mut stay_end) = match self.mmpp {
            Some(current) => current,
            None => {
                // Start in the stationary distribution, so the stream has no warm-up transient.
                let p0 = mean_stay[0] / (mean_stay[0] + mean_stay[1]);
                let state = usize::from(self.rng.random::<f64>() >= p0);
                (state, self.now + self.exp(1.0 / mean_stay[state]))
            }
        };
        loop {
            // Exponential gaps are memoryless, so a gap cut short by a state change is redrawn.
            let candidate = if rates[state] > 0.0 {
                self.now + self.exp(rates[state])
            } else {
                f64::INFINITY
            };
            if candidate < stay_end {
                self.mmpp = Some((state, stay_end));
                return candidate;
            }
            self.now = stay_end;
            state = 1 - state;
            stay_end = self.now + self.exp(1.0 / mean_stay[state]);
        }
    }

    fn next_diurnal(&mut self, rate: f64, amplitude: f64, period: f64) -> f64 {
        let bound = rate * (1.0 + amplitude);
        loop {
            self.now += self.exp(bound);
            let intensity = rate * (1.0 + amplitude * (TAU * self.now / period).sin());
            if self.rng.random::<f64>() * bound < intensity {
                return self.now;
            }
        }
    }
}

impl Iterator for ArrivalTimes {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        let next = match self.process {
            ArrivalProcess::Poisson { rate } => self.now + self.exp(rate),
            ArrivalProcess::Fixed { interval } => self.now + interval,
            ArrivalProcess::Mmpp { rates, mean_stay } => self.next_mmpp(rates, mean_stay),
            ArrivalProcess::Diurnal {
                rate,
                amplitude,
                period,
            } => self.next_diurnal(rate, amplitude, period),
        };
        self.now = next;
        Some(next)
    }
}

/// The `key=value` pairs of an arrival spec, read with typed getters; a key
/// no getter asked for is an error listing the ones that were asked for.
struct Keys {
    spec: String,
    pairs: Vec<(String, String, bool)>,
    asked: Vec<&'static str>,
}

impl Keys {
    fn parse(spec: &str, text: &str) -> Result<Keys, StreamError> {
        let mut pairs = Vec::new();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some((key, value)) = item.split_once('=') else {
                return Err(StreamError::Spec {
                    spec: spec.to_owned(),
                    message: format!("{item:?}: expected key=value"),
                });
            };
            pairs.push((key.trim().to_owned(), value.trim().to_owned(), false));
        }
        Ok(Keys {
            spec: spec.to_owned(),
            pairs,
            asked: Vec::new(),
        })
    }

    fn bad(&self, key: &str, message: &str) -> StreamError {
        StreamError::Spec {
            spec: self.spec.clone(),
            message: format!("{key}: {message}"),
        }
    }

    fn raw(&mut self, key: &'static str) -> Result<String, StreamError> {
        self.asked.push(key);
        match self.pairs.iter_mut().find(|(k, _, _)| k == key) {
            Some((_, value, used)) => {
                *used = true;
                Ok(value.clone())
            }
            None => Err(self.bad(key, "missing")),
        }
    }

    fn parse_number(&self, key: &str, text: &str) -> Result<f64, StreamError> {
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(value),
            _ => Err(self.bad(key, &format!("{text:?} is not a finite number"))),
        }
    }

    fn number(&mut self, key: &'static str) -> Result<f64, StreamError> {
        let text = self.raw(key)?;
        self.parse_number(key, &text)
    }

    fn positive(&mut self, key: &'static str) -> Result<f64, StreamError> {
        let value = self.number(key)?;
        if value <= 0.0 {
            return Err(self.bad(key, &format!("{value} must be > 0")));
        }
        Ok(value)
    }

    /// Two numbers written `A/B`.
    fn pair(&mut self, key: &'static str) -> Result<[f64; 2], StreamError> {
        let text = self.raw(key)?;
        let Some((a, b)) = text.split_once('/') else {
            return Err(self.bad(key, &format!("{text:?}: expected two numbers as A/B")));
        };
        Ok([self.parse_number(key, a.trim())?, self.parse_number(key, b.trim())?])
    }

    fn finish(&self) -> Result<(), StreamError> {
        match self.pairs.iter().find(|(_, _, used)| !used) {
            None => Ok(()),
            Some((key, _, _)) => Err(self.bad(key, &format!("unknown key (valid: {})", self.asked.join(", ")))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(spec: &str, n: usize) -> Vec<f64> {
        ArrivalProcess::parse(spec)
            .unwrap()
            .times_from_seed(7)
            .take(n)
            .collect()
    }

    fn gaps(times: &[f64]) -> Vec<f64> {
        let mut previous = 0.0;
        times
            .iter()
            .map(|&t| {
                let gap = t - previous;
                previous = t;
                gap
            })
            .collect()
    }

    fn mean(xs: &[f64]) -> f64 {
        xs.iter().sum::<f64>() / xs.len() as f64
    }

    /// Variance over mean of the counts in windows of `width` seconds:
    /// 1 for a Poisson process, above 1 for bursty ones.
    fn dispersion(times: &[f64], width: f64) -> f64 {
        let windows = (times.last().unwrap() / width).floor() as usize;
        let mut counts = vec![0.0f64; windows];
        for &t in times {
            if let Some(c) = counts.get_mut((t / width) as usize) {
                *c += 1.0;
            }
        }
        let m = mean(&counts);
        counts.iter().map(|c| (c - m).powi(2)).sum::<f64>() / (windows as f64 - 1.0) / m
    }

    #[test]
    fn poisson_gaps_are_exponential_with_the_given_rate() {
        let times = take("poisson:rate=2", 200_000);
        let g = gaps(&times);
        let m = mean(&g);
        // The standard error of the mean gap is 0.5 / sqrt(200000) ≈ 0.0011.
        assert!((m - 0.5).abs() < 0.005, "mean gap {m}");
        let cv = (g.iter().map(|x| (x - m).powi(2)).sum::<f64>() / g.len() as f64).sqrt() / m;
        assert!((cv - 1.0).abs() < 0.02, "coefficient of variation {cv}");
        let d = dispersion(&times, 10.0);
        assert!((d - 1.0).abs() < 0.1, "index of dispersion {d}");
        assert!(times.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn fixed_arrivals_are_evenly_spaced() {
        assert_eq!(take("fixed:interval=0.25", 4), vec![0.25, 0.5, 0.75, 1.0]);
    }

    #[test]
    fn mmpp_meets_its_stationary_rate_and_is_bursty() {
        let spec = "mmpp:rates=4/0.5,mean_stay=20/60";
        let process = ArrivalProcess::parse(spec).unwrap();
        // (4·20 + 0.5·60) / 80 = 1.375 jobs per second.
        assert!((process.mean_rate() - 1.375).abs() < 1e-12);
        let times = take(spec, 300_000);
        let measured = times.len() as f64 / times.last().unwrap();
        assert!((measured / 1.375 - 1.0).abs() < 0.03, "measured rate {measured}");
        let d = dispersion(&times, 10.0);
        assert!(d > 3.0, "an MMPP with these rates must be bursty: dispersion {d}");
    }

    #[test]
    fn mmpp_with_a_silent_state_is_an_on_off_source() {
        let times = take("mmpp:rates=2/0,mean_stay=5/5", 50_000);
        let measured = times.len() as f64 / times.last().unwrap();
        assert!((measured - 1.0).abs() < 0.05, "measured rate {measured}");
    }

    #[test]
    fn diurnal_rate_follows_the_sinusoid() {
        let spec = "diurnal:rate=5,amplitude=0.8,period=100";
        let times = take(spec, 400_000);
        let measured = times.len() as f64 / times.last().unwrap();
        assert!((measured / 5.0 - 1.0).abs() < 0.02, "measured rate {measured}");
        // Over the rising half of each cycle the mean rate is R (1 + 2A/π), over the other R (1 − 2A/π).
        let (mut first, mut second) = (0.0, 0.0);
        for &t in &times {
            if (t % 100.0) < 50.0 {
                first += 1.0;
            } else {
                second += 1.0;
            }
        }
        let expected = (1.0 + 1.6 / std::f64::consts::PI) / (1.0 - 1.6 / std::f64::consts::PI);
        assert!(
            (first / second / expected - 1.0).abs() < 0.03,
            "{first} / {second} vs {expected}"
        );
    }

    #[test]
    fn scaling_the_mean_rate_keeps_the_shape() {
        for spec in [
            "poisson:rate=1",
            "fixed:interval=3",
            "mmpp:rates=3/1,mean_stay=1/3",
            "diurnal:rate=2,amplitude=0.5,period=10",
        ] {
            let scaled = ArrivalProcess::parse(spec).unwrap().with_mean_rate(0.7);
            assert!((scaled.mean_rate() - 0.7).abs() < 1e-12, "{spec}: {scaled:?}");
        }
        let scaled = ArrivalProcess::parse("mmpp:rates=3/1,mean_stay=1/3")
            .unwrap()
            .with_mean_rate(3.0);
        assert_eq!(
            scaled,
            ArrivalProcess::Mmpp {
                rates: [6.0, 2.0],
                mean_stay: [1.0, 3.0]
            }
        );
    }

    #[test]
    fn same_seed_same_times_other_seed_other_times() {
        let p = ArrivalProcess::parse("mmpp:rates=3/1,mean_stay=1/3").unwrap();
        let a: Vec<f64> = p.times_from_seed(1).take(100).collect();
        let b: Vec<f64> = p.times_from_seed(1).take(100).collect();
        let c: Vec<f64> = p.times_from_seed(2).take(100).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn bad_specs_say_what_is_expected() {
        let cases = [
            ("poison:rate=1", "unknown arrival kind \"poison\" (valid: poisson"),
            ("poisson:rate=0", "rate: 0 must be > 0"),
            ("poisson:rate=-2", "rate: -2 must be > 0"),
            ("poisson", "rate: missing"),
            ("poisson:rate=fast", "\"fast\" is not a finite number"),
            ("poisson:rate=1,burst=2", "burst: unknown key (valid: rate)"),
            ("poisson:rate", "expected key=value"),
            ("mmpp:rates=1,mean_stay=1/1", "expected two numbers as A/B"),
            ("mmpp:rates=0/0,mean_stay=1/1", "at least one > 0"),
            ("mmpp:rates=1/1,mean_stay=0/1", "mean stays > 0"),
            (
                "diurnal:rate=1,amplitude=1.5,period=10",
                "amplitude: expected a number in [0, 1]",
            ),
        ];
        for (spec, expected) in cases {
            let e = ArrivalProcess::parse(spec).unwrap_err().to_string();
            assert!(e.contains(expected), "{spec}: {e}");
            assert!(e.contains(spec.split(':').next().unwrap()), "{spec}: {e}");
        }
    }
}
