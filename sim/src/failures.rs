//! Node failures: when nodes go down and for how long.
//!
//! Two sources: an exponential model (each node fails after an
//! exponentially distributed up time with mean `mtbf`, stays down for
//! `repair` seconds, then starts a new up period), or a trace of explicit
//! outages. Exponential draws come from one ChaCha8 stream per node, derived
//! from the run's seed, so a node's failure times do not depend on what the
//! scheduler does.
//!
//! Model: a failure aborts the tasks running on the node (their work is
//! lost and they must run again) and returns the tasks queued there to the
//! scheduler. Outputs of tasks that already finished are assumed to be on
//! stable storage and stay available. A down node draws no power.

use crate::ids::NodeId;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One outage of a trace: `node` goes down at `at` seconds for `repair` seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeOutage {
    /// The node.
    pub node: NodeId,
    /// Seconds after the start of the run.
    pub at: f64,
    /// Seconds until the node is back (`f64::INFINITY` for never).
    pub repair: f64,
}

/// How nodes fail during a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Failures {
    /// Nodes never fail.
    #[default]
    None,
    /// Exponential up times with mean `mtbf` seconds, fixed repair time.
    Exponential {
        /// Mean time between failures of one node, seconds (> 0).
        mtbf: f64,
        /// Seconds a failed node stays down (≥ 0).
        repair: f64,
    },
    /// Explicit outages.
    Trace(Arc<[NodeOutage]>),
}

/// Checkpoint/restart: a running task saves its progress every `interval`
/// seconds of work, paying `cost` seconds per checkpoint; after a failure it
/// restarts from its last checkpoint instead of from scratch.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpointing {
    /// Seconds one checkpoint takes (C).
    pub cost: f64,
    /// Seconds of work between checkpoints; `None` picks Young/Daly's
    /// √(2 · MTBF · C) from an exponential failure model.
    pub interval: Option<f64>,
}

impl Checkpointing {
    /// The checkpoint interval in seconds under `failures`.
    ///
    /// # Errors
    /// [`FailureError`] if a number is out of range, or no interval is given
    /// and the failures are not exponential (Young/Daly needs an MTBF).
    pub fn interval(&self, failures: &Failures) -> Result<f64, FailureError> {
        if !(self.cost.is_finite() && self.cost >= 0.0) {
            return Err(FailureError::BadNumber {
                field: "checkpoint cost",
                expected: "a finite number >= 0",
                value: self.cost,
            });
        }
        let interval = match (self.interval, failures) {
            (Some(i), _) => i,
            (None, Failures::Exponential { mtbf, .. }) => (2.0 * mtbf * self.cost).sqrt(),
            (None, _) => return Err(FailureError::NoInterval),
        };
        if interval.is_finite() && interval > 0.0 {
            Ok(interval)
        } else {
            Err(FailureError::BadNumber {
                field: "checkpoint interval",
                expected: "a finite number > 0",
                value: interval,
            })
        }
    }
}

/// Why a failure setting is invalid.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum FailureError {
    /// A number is out of range.
    #[error("failures: {field} must be {expected}, got {value}")]
    BadNumber {
        /// Which field.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
        /// The value.
        value: f64,
    },
    /// Young/Daly's interval needs an MTBF.
    #[error("failures: checkpointing without an explicit interval needs exponential failures (an MTBF)")]
    NoInterval,
    /// A trace names a node the platform does not have.
    #[error("failures: trace entry {index} names node {node} but the platform has {n_nodes} nodes")]
    UnknownNode {
        /// Index in the trace.
        index: usize,
        /// The node.
        node: NodeId,
        /// Platform size.
        n_nodes: usize,
    },
}

impl Failures {
    /// Exponential failures with mean `mtbf` seconds between failures of one
    /// node and `repair` seconds down; an infinite `mtbf` means none.
    pub fn exponential(mtbf: f64, repair: f64) -> Failures {
        if mtbf.is_finite() {
            Failures::Exponential { mtbf, repair }
        } else {
            Failures::None
        }
    }

    /// The mean time between failures of one node, for exponential failures.
    pub fn mtbf(&self) -> Option<f64> {
        match self {
            Failures::Exponential { mtbf, .. } => Some(*mtbf),
            Failures::None | Failures::Trace(_) => None,
        }
    }

    /// Checks the numbers against a platform of `n_nodes` nodes.
    ///
    /// # Errors
    /// [`FailureError`] naming the offending field or trace entry.
    pub fn validate(&self, n_nodes: usize) -> Result<(), FailureError> {
        match self {
            Failures::None => Ok(()),
            Failures::Exponential { mtbf, repair } => {
                if !(mtbf.is_finite() && *mtbf > 0.0) {
                    return Err(FailureError::BadNumber {
                        field: "mtbf",
                        expected: "a finite number > 0",
                        value: *mtbf,
                    });
                }
                if !(repair.is_finite() && *repair >= 0.0) {
                    return Err(FailureError::BadNumber {
                        field: "repair",
                        expected: "a finite number >= 0",
                        value: *repair,
                    });
                }
                Ok(())
            }
            Failures::Trace(outages) => {
                for (index, o) in outages.iter().enumerate() {
                    if o.node.index() >= n_nodes {
                        return Err(FailureError::UnknownNode {
                            index,
                            node: o.node,
                            n_nodes,
                        });
                    }
                    if !(o.at.is_finite() && o.at >= 0.0) {
                        return Err(FailureError::BadNumber {
                            field: "at",
                            expected: "a finite number >= 0",
                            value: o.at,
                        });
                    }
                    if o.repair.is_nan() || o.repair < 0.0 {
                        return Err(FailureError::BadNumber {
                            field: "repair",
                            expected: "a number >= 0",
                            value: o.repair,
                        });
                    }
                }
                Ok(())
            }
        }
    }
}

/// Draws successive up times for each node.
pub(crate) struct FailureClock {
    model: Failures,
    streams: Vec<ChaCha8Rng>,
}

impl FailureClock {
    pub fn new(model: &Failures, n_nodes: usize, seed: u64) -> FailureClock {
        let streams = match model {
            Failures::Exponential { .. } => (0..n_nodes)
                .map(|n| {
                    // A distinct, seed-derived stream per node.
                    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xFA11_0000_0000_0000);
                    rng.set_stream(n as u64);
                    rng
                })
                .collect(),
            _ => Vec::new(),
        };
        FailureClock {
            model: model.clone(),
            streams,
        }
    }

    /// Outages known up front (traces), as (node, down at, repair seconds).
    pub fn scheduled(&self) -> Vec<NodeOutage> {
        match &self.model {
            Failures::Trace(outages) => outages.to_vec(),
            _ => Vec::new(),
        }
    }

    /// Repair time of the exponential model.
    pub fn repair_secs(&self) -> f64 {
        match self.model {
            Failures::Exponential { repair, .. } => repair,
            _ => 0.0,
        }
    }

    /// The next up time of `node` in seconds, if failures are drawn.
    pub fn next_up_time(&mut self, node: NodeId) -> Option<f64> {
        let Failures::Exponential { mtbf, .. } = self.model else {
            return None;
        };
        let dist = Exp::new(1.0 / mtbf).ok()?;
        Some(dist.sample(self.streams.get_mut(node.index())?))
    }
}
