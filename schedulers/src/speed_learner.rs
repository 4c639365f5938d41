//! Learns how fast nodes really are from the tasks they finish, and how
//! long data really takes to move.
//!
//! For every finished task the learner compares the observed duration with
//! the declared estimate and keeps, per node × task kind, an exponentially
//! weighted mean of ln(observed / estimated): an online regression of the
//! log runtime on the log estimate with unit slope, whose intercept is the
//! node's real slowdown. Exponential forgetting lets it follow nodes whose
//! speed drifts. A (node, kind) pair with no observation yet falls back to
//! the node's estimate over all kinds, then to the declaration (factor 1).
//!
//! Hand-written rather than a linfa model: linfa fits batch models, while
//! this one must absorb each finished task in O(1) as the run unfolds.

use sim::{Dag, KindId, NodeId, TaskId};

/// An exponentially weighted mean of log runtime factors.
#[derive(Clone, Copy, Debug, Default)]
struct LogMean {
    value: f64,
    observed: bool,
}

impl LogMean {
    fn add(&mut self, log_factor: f64, weight: f64) {
        self.value = if self.observed {
            self.value + weight * (log_factor - self.value)
        } else {
            log_factor
        };
        self.observed = true;
    }
}

/// Runtime corrections per node × task kind, learned online.
#[derive(Clone, Debug, Default)]
pub struct SpeedLearner {
    /// Weight of the newest observation (0 < weight ≤ 1).
    weight: f64,
    n_kinds: usize,
    /// Indexed by `node × n_kinds + kind`.
    by_kind: Vec<LogMean>,
    /// Indexed by node.
    by_node: Vec<LogMean>,
    /// Observed over estimated transfer times.
    transfers: LogMean,
}

impl SpeedLearner {
    /// A learner for `dag`'s kinds on `n_nodes` nodes that weighs each new
    /// observation by `weight` (1 keeps only the latest).
    pub fn new(dag: &Dag, n_nodes: usize, weight: f64) -> SpeedLearner {
        let n_kinds = dag.kinds().len();
        SpeedLearner {
            weight,
            n_kinds,
            by_kind: vec![LogMean::default(); n_nodes * n_kinds],
            by_node: vec![LogMean::default(); n_nodes],
            transfers: LogMean::default(),
        }
    }

    /// Makes room for kinds up to `n_kinds` (a job stream's new jobs may
    /// bring kinds the first ones had not): what was learned is kept.
    pub fn ensure_kinds(&mut self, n_kinds: usize) {
        if n_kinds <= self.n_kinds {
            return;
        }
        let n_nodes = self.by_node.len();
        let mut by_kind = vec![LogMean::default(); n_nodes * n_kinds];
        for node in 0..n_nodes {
            for kind in 0..self.n_kinds {
                by_kind[node * n_kinds + kind] = self.by_kind[node * self.n_kinds + kind];
            }
        }
        self.by_kind = by_kind;
        self.n_kinds = n_kinds;
    }

    /// Records that a task of `kind` estimated at `estimated` seconds took
    /// `observed` seconds on `node`. Degenerate durations teach nothing.
    pub fn observe(&mut self, node: NodeId, kind: KindId, estimated: f64, observed: f64) {
        if !(estimated > 0.0 && observed > 0.0 && estimated.is_finite() && observed.is_finite()) {
            return;
        }
        let log_factor = (observed / estimated).ln();
        self.by_kind[node.index() * self.n_kinds + kind.index()].add(log_factor, self.weight);
        self.by_node[node.index()].add(log_factor, self.weight);
    }

    /// The factor real runtimes of `kind` on `node` are expected to have over the declared ones.
    pub fn factor(&self, node: NodeId, kind: KindId) -> f64 {
        let specific = self.by_kind[node.index() * self.n_kinds + kind.index()];
        if specific.observed {
            specific.value.exp()
        } else {
            self.node_factor(node)
        }
    }

    /// Records that data estimated to take `estimated` seconds took `observed`.
    pub fn observe_transfer(&mut self, estimated: f64, observed: f64) {
        if estimated > 0.0 && observed > 0.0 && estimated.is_finite() && observed.is_finite() {
            self.transfers.add((observed / estimated).ln(), self.weight);
        }
    }

    /// The factor real transfer times are expected to have over the estimates.
    pub fn transfer_factor(&self) -> f64 {
        if self.transfers.observed {
            self.transfers.value.exp()
        } else {
            1.0
        }
    }

    /// The factor learned for `node` over all kinds (1 until it finished a task).
    pub fn node_factor(&self, node: NodeId) -> f64 {
        let general = self.by_node[node.index()];
        if general.observed { general.value.exp() } else { 1.0 }
    }

    /// The corrected estimate of `task` on `node` from its declared `estimated` seconds.
    pub fn corrected(&self, dag: &Dag, task: TaskId, node: NodeId, estimated: f64) -> f64 {
        estimated * self.factor(node, dag.task(task).kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{DagBuilder, TaskSpec};

    fn two_kinds() -> Dag {
        let mut b = DagBuilder::new();
        b.add_task(TaskSpec::new("a", 1.0).kind("x"));
        b.add_task(TaskSpec::new("b", 1.0).kind("y"));
        b.build().unwrap()
    }

    #[test]
    fn learns_per_kind_and_falls_back_to_the_node_then_to_the_declaration() {
        let dag = two_kinds();
        let (x, y) = (dag.task(TaskId::new(0)).kind, dag.task(TaskId::new(1)).kind);
        let mut learner = SpeedLearner::new(&dag, 2, 0.5);
        learner.observe(NodeId::new(0), x, 1.0, 2.0);
        assert!((learner.factor(NodeId::new(0), x) - 2.0).abs() < 1e-12);
        assert!((learner.factor(NodeId::new(0), y) - 2.0).abs() < 1e-12, "node fallback");
        assert_eq!(learner.factor(NodeId::new(1), x), 1.0, "declared until observed");
        learner.observe(NodeId::new(0), y, 2.0, 1.0);
        assert!((learner.factor(NodeId::new(0), y) - 0.5).abs() < 1e-12);
        assert!(
            (learner.factor(NodeId::new(0), x) - 2.0).abs() < 1e-12,
            "kinds are kept apart"
        );
    }

    #[test]
    fn follows_a_drifting_node() {
        let dag = two_kinds();
        let x = dag.task(TaskId::new(0)).kind;
        let mut learner = SpeedLearner::new(&dag, 1, 0.3);
        for _ in 0..5 {
            learner.observe(NodeId::new(0), x, 1.0, 1.0);
        }
        for _ in 0..30 {
            learner.observe(NodeId::new(0), x, 1.0, 3.0);
        }
        assert!((learner.factor(NodeId::new(0), x) - 3.0).abs() < 0.01);
        learner.observe(NodeId::new(0), x, 0.0, 1.0);
        learner.observe(NodeId::new(0), x, 1.0, f64::NAN);
        assert!(
            (learner.factor(NodeId::new(0), x) - 3.0).abs() < 0.01,
            "degenerate samples ignored"
        );
    }
}
