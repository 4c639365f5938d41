//! A workflow management system between the scheduler and the nodes, as
//! Pegasus runs workflows through DAGMan and HTCondor (the platform file's
//! optional `[workflow_system]` table).
//!
//! Recorded executions of scientific workflows last far longer than their
//! tasks: the time goes into the system that runs them. This model keeps the
//! mechanisms that recorded Pegasus runs show (see `schedlab replay`), each a
//! parameter with a physical meaning and a unit:
//!
//! - **Serial submission** (`submit_interval`, seconds per job): DAGMan hands
//!   jobs to the HTCondor queue one at a time, and only once their parents
//!   are done. Applied by the `schedulers::wms` wrapper as the scheduler's
//!   decision overhead (see "Scheduling overhead" in [`crate::scheduler`]).
//! - **Staging through shared storage** (`staging_bandwidth` in bytes per
//!   second, `staging_latency` in seconds): a job reads its input files from
//!   the staging site while it holds its slot, as HTCondor's file transfer
//!   does; [`crate::CostModel::exec_secs`] adds `latency + input bytes /
//!   bandwidth` to every task with inputs.
//! - **Auxiliary jobs** (`setup` and `teardown`, seconds): the jobs Pegasus's
//!   planner adds around the workflow (directory creation and stage-in
//!   before the first task, which also waits for the first negotiation
//!   cycle; stage-out, registration and clean-up after the last).
//!   [`with_auxiliary_jobs`] adds them to a DAG as two tasks.
//!
//! Per-job start-up and teardown on the execute node (shadow, starter, the
//! job wrapper) is each node's `task_overhead`. HTCondor's negotiation cycle
//! is not a separate mechanism: once slots are claimed, the schedd starts the
//! next idle job on a slot as soon as it frees, without waiting for a cycle;
//! the first cycle, when nothing is claimed yet, is part of `setup`.

use crate::dag::{Dag, DagBuilder, DagError, TaskSpec};
use crate::ids::TaskId;
use crate::platform::PlatformError;
use serde::{Deserialize, Serialize};

/// The `[workflow_system]` table of a platform file. Every field is optional
/// and defaults to "no cost".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowSystem {
    /// Seconds between two job submissions (DAGMan submits one job at a
    /// time, each once its parents are done).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub submit_interval: f64,
    /// Bytes per second at which a job reads its inputs from shared storage
    /// while holding its slot; absent: staging costs nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staging_bandwidth: Option<f64>,
    /// Seconds of fixed cost per job that reads inputs from shared storage.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub staging_latency: f64,
    /// Seconds of the set-up job that runs before every other task.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub setup: f64,
    /// Seconds of the tear-down job that runs after every other task.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub teardown: f64,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

impl WorkflowSystem {
    /// Checks every number, naming the field (`workflow_system.KEY`) on error.
    ///
    /// # Errors
    /// [`PlatformError::BadNumber`] for a negative or non-finite value, or a
    /// staging bandwidth that is not > 0.
    pub fn validate(&self) -> Result<(), PlatformError> {
        let bad = |key: &str, expected: &'static str, value: f64| PlatformError::BadNumber {
            field: format!("workflow_system.{key}"),
            expected,
            value,
        };
        for (key, value) in [
            ("submit_interval", self.submit_interval),
            ("staging_latency", self.staging_latency),
            ("setup", self.setup),
            ("teardown", self.teardown),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(bad(key, "a finite number of seconds >= 0", value));
            }
        }
        if let Some(b) = self.staging_bandwidth
            && !(b.is_finite() && b > 0.0)
        {
            return Err(bad("staging_bandwidth", "a finite number of bytes per second > 0", b));
        }
        Ok(())
    }

    /// Seconds a task that reads `input_bytes` spends staging them in; zero
    /// without a staging bandwidth or without inputs.
    pub fn staging_secs(&self, input_bytes: f64) -> f64 {
        match self.staging_bandwidth {
            Some(bandwidth) if input_bytes > 0.0 => self.staging_latency + input_bytes / bandwidth,
            _ => 0.0,
        }
    }
}

/// Name of the set-up task [`with_auxiliary_jobs`] adds.
pub const SETUP_TASK: &str = "wms::setup";
/// Name of the tear-down task [`with_auxiliary_jobs`] adds.
pub const TEARDOWN_TASK: &str = "wms::teardown";

/// `dag` with the workflow system's auxiliary jobs: a set-up task of `setup`
/// reference seconds before every entry task, and a tear-down task of
/// `teardown` after every exit task. The set-up task stands for the stage-in
/// job too: an edge from it carries `staged_inputs[t]` bytes (the workflow
/// inputs task `t` reads, which no task of `dag` produces) to every task `t`
/// that reads any, so that staging charges them (pass an empty slice when
/// they are unknown). The original tasks keep their ids; set-up is task
/// `n`, tear-down `n + 1`.
///
/// # Errors
/// A [`DagError`] if the result is invalid (a task name equal to
/// [`SETUP_TASK`] or [`TEARDOWN_TASK`], a negative duration or byte count),
/// or [`DagError::BadTaskNumber`] on the set-up task if `staged_inputs` is
/// neither empty nor one entry per task.
pub fn with_auxiliary_jobs(dag: &Dag, setup: f64, teardown: f64, staged_inputs: &[f64]) -> Result<Dag, DagError> {
    let n = dag.task_count();
    if !staged_inputs.is_empty() && staged_inputs.len() != n {
        return Err(DagError::BadTaskNumber {
            task: SETUP_TASK.to_owned(),
            field: format!("staged_inputs (expected {n} entries, one per task)"),
            value: staged_inputs.len() as f64,
        });
    }
    let mut b = DagBuilder::with_capacity(n + 2, dag.edge_count() + 2 * n);
    for t in dag.tasks() {
        let mut spec = TaskSpec::new(t.name.clone(), t.work)
            .kind(dag.kind_name(t.kind))
            .parallelism(t.parallelism)
            .release(t.release);
        if let Some(costs) = &t.node_costs {
            spec = spec.node_costs(costs.to_vec());
        }
        b.add_task(spec);
    }
    for e in dag.edges() {
        b.add_edge(e.src, e.dst, e.bytes);
    }
    let set_up = b.add_task(TaskSpec::new(SETUP_TASK, setup).kind(SETUP_TASK));
    let tear_down = b.add_task(TaskSpec::new(TEARDOWN_TASK, teardown).kind(TEARDOWN_TASK));
    for i in 0..n {
        let t = TaskId::new(i);
        let bytes = staged_inputs.get(i).copied().unwrap_or(0.0);
        if dag.in_edges(t).is_empty() || bytes > 0.0 {
            b.add_edge(set_up, t, bytes);
        }
        if dag.out_edges(t).is_empty() {
            b.add_edge(t, tear_down, 0.0);
        }
    }
    b.build()
}
