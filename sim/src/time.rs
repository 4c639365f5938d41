//! Simulated time: an exact integer count of nanoseconds.
//!
//! Time is an integer so that event ordering, tie-breaking and the invariant
//! checker are exact: there is no epsilon anywhere in the engine. Model
//! quantities (work, bandwidth) are `f64`; they are turned into durations in
//! exactly one place, [`SimDuration::from_secs_f64`], which rounds to the
//! nearest nanosecond. Schedulers and the engine call the same conversion, so
//! a noise-free static plan predicts the engine's times to the nanosecond.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

const NANOS_PER_SEC: f64 = 1e9;

/// An instant of simulated time, in nanoseconds since the start of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SimTime(u64);

/// A span of simulated time, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SimDuration(u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);

    /// An instant from whole nanoseconds.
    pub const fn from_nanos(nanos: u64) -> SimTime {
        SimTime(nanos)
    }

    /// An instant from seconds, rounded to the nearest nanosecond (negative and NaN give zero).
    pub fn from_secs_f64(secs: f64) -> SimTime {
        SimTime(SimDuration::from_secs_f64(secs).0)
    }

    /// Nanoseconds since the start of the run.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// Seconds since the start of the run.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC
    }

    /// The span from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A span from whole nanoseconds.
    pub const fn from_nanos(nanos: u64) -> SimDuration {
        SimDuration(nanos)
    }

    /// A span from seconds, rounded to the nearest nanosecond.
    ///
    /// This is the one place where model arithmetic becomes simulated time.
    /// Negative values and NaN give zero; values beyond `u64::MAX` ns saturate.
    pub fn from_secs_f64(secs: f64) -> SimDuration {
        let nanos = (secs * NANOS_PER_SEC).round();
        if nanos.is_nan() || nanos <= 0.0 {
            SimDuration(0)
        } else {
            // `as` saturates for values above u64::MAX, which is what we want.
            SimDuration(nanos as u64)
        }
    }

    /// Whole nanoseconds.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// Seconds.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = *self + rhs;
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    /// Saturating: an earlier minus a later instant is zero.
    fn sub(self, rhs: SimTime) -> SimDuration {
        self.saturating_since(rhs)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.as_secs_f64())
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_trip_exactly_for_integers() {
        let d = SimDuration::from_secs_f64(14.0);
        assert_eq!(d.as_nanos(), 14_000_000_000);
        assert_eq!(d.as_secs_f64(), 14.0);
    }

    #[test]
    fn negative_and_nan_become_zero() {
        assert_eq!(SimDuration::from_secs_f64(-1.0), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN), SimDuration::ZERO);
    }

    #[test]
    fn subtraction_saturates() {
        let early = SimTime::from_nanos(5);
        let late = SimTime::from_nanos(9);
        assert_eq!(late - early, SimDuration::from_nanos(4));
        assert_eq!(early - late, SimDuration::ZERO);
    }
}
