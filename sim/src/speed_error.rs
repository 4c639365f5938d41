//! Declared speeds that are wrong: nodes really run slower, faster, or drift.
//!
//! Schedulers plan with the platform's declared speeds (the [`CostModel`]);
//! with a [`SpeedError`] the engine runs each task `factor` times as long as
//! declared, where `factor` depends on the node and, for drifting nodes, on
//! when the task starts. This is how adaptive schedulers are evaluated: a
//! policy that learns the real speeds from finished tasks should beat one
//! that trusts the declaration.
//!
//! Which nodes are slow, fast or drifting is drawn once per run from the
//! run's seed (a ChaCha8 shuffle of the node ids), so every scheduler run
//! with the same seed meets the same wrong declaration.
//!
//! [`CostModel`]: crate::CostModel

use crate::ids::NodeId;
use crate::time::SimTime;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use thiserror::Error;

/// How real runtimes deviate from the declared speeds, node by node.
///
/// Nodes are split by the fractions `slow`, `fast` and `drifting` (rounded
/// to whole nodes, in that order over a seeded shuffle); the rest run as declared.
/// Factors multiply runtimes: 2 means twice as slow as declared.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpeedError {
    /// Fraction of nodes that are slower than declared.
    pub slow: f64,
    /// Runtime factor of slow nodes (default 2).
    pub slow_factor: f64,
    /// Fraction of nodes that are faster than declared.
    pub fast: f64,
    /// Runtime factor of fast nodes (default 0.5).
    pub fast_factor: f64,
    /// Fraction of nodes whose speed drifts over time.
    pub drifting: f64,
    /// Runtime factor a drifting node reaches at `drift_time` (default 3).
    pub drift_factor: f64,
    /// Seconds over which a drifting node's factor moves linearly from 1 to
    /// `drift_factor`; it stays there afterwards (default 60).
    pub drift_time: f64,
}

impl Default for SpeedError {
    /// No error: every node runs as declared.
    fn default() -> SpeedError {
        SpeedError {
            slow: 0.0,
            slow_factor: 2.0,
            fast: 0.0,
            fast_factor: 0.5,
            drifting: 0.0,
            drift_factor: 3.0,
            drift_time: 60.0,
        }
    }
}

/// Why a [`SpeedError`] setting was refused.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum SpeedErrorError {
    /// A field is out of range.
    #[error("speed error: {field} must be {expected}, got {value}")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
        /// The value given.
        value: f64,
    },
    /// The fractions add up to more than all nodes.
    #[error("speed error: slow + fast + drifting must be at most 1, got {0}")]
    FractionsAboveOne(f64),
    /// A `key=value` spec could not be read.
    #[error("speed error spec {spec:?}: {reason}; expected key=value,... with keys {keys}")]
    Malformed {
        /// The spec as given.
        spec: String,
        /// What is wrong.
        reason: String,
        /// The valid keys.
        keys: &'static str,
    },
}

const KEYS: &str = "slow, slow_factor, fast, fast_factor, drifting, drift_factor, drift_time";

impl SpeedError {
    /// Whether every node runs as declared.
    pub fn is_none(&self) -> bool {
        self.slow == 0.0 && self.fast == 0.0 && self.drifting == 0.0
    }

    /// Checks every field's range.
    ///
    /// # Errors
    /// [`SpeedErrorError`] naming the first field out of range.
    pub fn validate(&self) -> Result<(), SpeedErrorError> {
        let fraction = "a fraction in [0, 1]";
        let positive = "a finite number > 0";
        type Check = (&'static str, f64, &'static str, fn(f64) -> bool);
        let checks: [Check; 7] = [
            ("slow", self.slow, fraction, |v| (0.0..=1.0).contains(&v)),
            ("fast", self.fast, fraction, |v| (0.0..=1.0).contains(&v)),
            ("drifting", self.drifting, fraction, |v| (0.0..=1.0).contains(&v)),
            ("slow_factor", self.slow_factor, positive, |v| v.is_finite() && v > 0.0),
            ("fast_factor", self.fast_factor, positive, |v| v.is_finite() && v > 0.0),
            ("drift_factor", self.drift_factor, positive, |v| {
                v.is_finite() && v > 0.0
            }),
            ("drift_time", self.drift_time, positive, |v| v.is_finite() && v > 0.0),
        ];
        for (field, value, expected, ok) in checks {
            if !ok(value) {
                return Err(SpeedErrorError::OutOfRange { field, expected, value });
            }
        }
        let sum = self.slow + self.fast + self.drifting;
        if sum > 1.0 + 1e-12 {
            return Err(SpeedErrorError::FractionsAboveOne(sum));
        }
        Ok(())
    }

    /// Draws which nodes are slow, fast or drifting, deterministically in `seed`.
    ///
    /// # Errors
    /// [`SpeedErrorError`] if the setting is invalid.
    pub fn draw(&self, n_nodes: usize, seed: u64) -> Result<RealSpeeds, SpeedErrorError> {
        self.validate()?;
        let mut order: Vec<usize> = (0..n_nodes).collect();
        // A stream distinct from the noise and failure draws of the same seed.
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_5eed_5eed_5eed);
        order.shuffle(&mut rng);
        let count = |fraction: f64| (fraction * n_nodes as f64).round() as usize;
        let (n_slow, n_fast, n_drifting) = (count(self.slow), count(self.fast), count(self.drifting));
        let mut nodes = vec![NodeSpeed::Declared; n_nodes];
        for (rank, &node) in order.iter().enumerate() {
            nodes[node] = if rank < n_slow {
                NodeSpeed::Constant(self.slow_factor)
            } else if rank < n_slow + n_fast {
                NodeSpeed::Constant(self.fast_factor)
            } else if rank < n_slow + n_fast + n_drifting {
                NodeSpeed::Drifting {
                    to: self.drift_factor,
                    over_secs: self.drift_time,
                }
            } else {
                NodeSpeed::Declared
            };
        }
        Ok(RealSpeeds { nodes })
    }
}

impl std::fmt::Display for SpeedError {
    /// The `key=value,…` form [`SpeedError::from_str`] reads, listing the
    /// keys that differ from their defaults (empty for no error).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = SpeedError::default();
        let fields = [
            ("slow", self.slow, d.slow),
            ("slow_factor", self.slow_factor, d.slow_factor),
            ("fast", self.fast, d.fast),
            ("fast_factor", self.fast_factor, d.fast_factor),
            ("drifting", self.drifting, d.drifting),
            ("drift_factor", self.drift_factor, d.drift_factor),
            ("drift_time", self.drift_time, d.drift_time),
        ];
        let pairs: Vec<String> = fields
            .iter()
            .filter(|(_, value, default)| value != default)
            .map(|(key, value, _)| format!("{key}={value}"))
            .collect();
        f.write_str(&pairs.join(","))
    }
}

impl FromStr for SpeedError {
    type Err = SpeedErrorError;

    /// Reads `key=value,…` (e.g. `slow=0.25,fast=0.25,drifting=0.25,drift_time=30`);
    /// keys left out keep their defaults.
    fn from_str(spec: &str) -> Result<SpeedError, SpeedErrorError> {
        let malformed = |reason: String| SpeedErrorError::Malformed {
            spec: spec.to_owned(),
            reason,
            keys: KEYS,
        };
        let mut res = SpeedError::default();
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| malformed(format!("{pair:?} is not key=value")))?;
            let value: f64 = value
                .trim()
                .parse()
                .map_err(|_| malformed(format!("{key}: {value:?} is not a number")))?;
            let field = match key.trim() {
                "slow" => &mut res.slow,
                "slow_factor" => &mut res.slow_factor,
                "fast" => &mut res.fast,
                "fast_factor" => &mut res.fast_factor,
                "drifting" => &mut res.drifting,
                "drift_factor" => &mut res.drift_factor,
                "drift_time" => &mut res.drift_time,
                other => return Err(malformed(format!("unknown key {other:?}"))),
            };
            *field = value;
        }
        res.validate()?;
        Ok(res)
    }
}

/// How one node really runs, relative to its declaration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NodeSpeed {
    /// As declared.
    Declared,
    /// Runtimes are always this factor times the declared ones.
    Constant(f64),
    /// The factor moves linearly from 1 at time 0 to `to` at `over_secs`, then stays.
    Drifting {
        /// Final factor.
        to: f64,
        /// Seconds to reach it.
        over_secs: f64,
    },
}

/// The drawn real speed of every node of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct RealSpeeds {
    nodes: Vec<NodeSpeed>,
}

impl RealSpeeds {
    /// How `node` runs.
    pub fn node(&self, node: NodeId) -> NodeSpeed {
        self.nodes[node.index()]
    }

    /// Runtime factor of a task that starts on `node` at `at`. The factor of
    /// a drifting node is taken at the task's start and held for the whole
    /// run, an approximation that is exact when tasks are short next to the drift.
    pub fn factor(&self, node: NodeId, at: SimTime) -> f64 {
        match self.nodes[node.index()] {
            NodeSpeed::Declared => 1.0,
            NodeSpeed::Constant(f) => f,
            NodeSpeed::Drifting { to, over_secs } => 1.0 + (to - 1.0) * (at.as_secs_f64() / over_secs).min(1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_pick_whole_nodes_deterministically() {
        let error: SpeedError = "slow=0.25,fast=0.25,drifting=0.25".parse().unwrap();
        let speeds = error.draw(8, 3).unwrap();
        assert_eq!(speeds, error.draw(8, 3).unwrap());
        let count = |pred: fn(NodeSpeed) -> bool| (0..8).filter(|&n| pred(speeds.node(NodeId::new(n)))).count();
        assert_eq!(count(|s| s == NodeSpeed::Constant(2.0)), 2);
        assert_eq!(count(|s| s == NodeSpeed::Constant(0.5)), 2);
        assert_eq!(count(|s| matches!(s, NodeSpeed::Drifting { .. })), 2);
        assert_eq!(count(|s| s == NodeSpeed::Declared), 2);
        let other_seeds_differ = (4..20).any(|seed| error.draw(8, seed).unwrap() != speeds);
        assert!(other_seeds_differ);
    }

    #[test]
    fn display_writes_what_from_str_reads() {
        let error: SpeedError = "slow=0.25,fast_factor=0.4,drift_time=30".parse().unwrap();
        assert_eq!(error.to_string(), "slow=0.25,fast_factor=0.4,drift_time=30");
        assert_eq!(error.to_string().parse::<SpeedError>().unwrap(), error);
        assert_eq!(SpeedError::default().to_string(), "");
    }

    #[test]
    fn drift_is_linear_then_flat() {
        let error = SpeedError {
            drifting: 1.0,
            drift_factor: 3.0,
            drift_time: 10.0,
            ..SpeedError::default()
        };
        let speeds = error.draw(1, 0).unwrap();
        let node = NodeId::new(0);
        assert_eq!(speeds.factor(node, SimTime::ZERO), 1.0);
        assert_eq!(speeds.factor(node, SimTime::from_secs_f64(5.0)), 2.0);
        assert_eq!(speeds.factor(node, SimTime::from_secs_f64(100.0)), 3.0);
    }

    #[test]
    fn bad_settings_name_the_field() {
        let err = "slow=1.5".parse::<SpeedError>().unwrap_err();
        assert!(err.to_string().contains("slow must be a fraction"), "{err}");
        let err = "slow=0.6,fast=0.6".parse::<SpeedError>().unwrap_err();
        assert!(matches!(err, SpeedErrorError::FractionsAboveOne(_)), "{err}");
        let err = "slowness=1".parse::<SpeedError>().unwrap_err();
        assert!(err.to_string().contains("unknown key \"slowness\""), "{err}");
        let err = "drift_time=0".parse::<SpeedError>().unwrap_err();
        assert!(err.to_string().contains("drift_time"), "{err}");
        assert!("".parse::<SpeedError>().unwrap().is_none());
    }
}
