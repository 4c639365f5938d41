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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::Platform;
    use crate::{Decisions, NodeId, Scheduler, SimConfig, SimView, Update};

    /// A one-node platform of `cores` cores with `wms` (TOML, as a platform file holds it).
    fn platform(cores: u32, wms: &str) -> Result<Platform, PlatformError> {
        Platform::from_toml(&format!(
            "name = \"p\"\n[network]\nmodel = \"dedicated\"\nlatency = 0.0\nbandwidth = 1e9\n\
             [[nodes]]\nname = \"n\"\ncores = {cores}\nspeed = 1.0\npower = {{ idle_w = 0.0, busy_core_w = 0.0 }}\n\
             [workflow_system]\n{wms}"
        ))
    }

    /// Runs every ready task on node 0.
    struct OnFirst;
    impl Scheduler for OnFirst {
        fn name(&self) -> &str {
            "on-first"
        }
        fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
            for &t in update.ready {
                out.assign(view, t, NodeId::new(0));
            }
        }
    }

    fn makespan(dag: &Dag, platform: &Platform) -> f64 {
        crate::simulate(dag, platform, &mut OnFirst, &SimConfig::default())
            .unwrap()
            .metrics
            .makespan
    }

    /// `a` (1 s) writes 1 MB that `b` (1 s) reads.
    fn chain() -> Dag {
        let mut b = DagBuilder::new();
        let a = b.add_task(TaskSpec::new("a", 1.0));
        let c = b.add_task(TaskSpec::new("b", 1.0));
        b.add_edge(a, c, 1e6);
        b.build().unwrap()
    }

    #[test]
    fn staging_adds_latency_plus_bytes_over_bandwidth_to_each_task_with_inputs() {
        // b stages 1 MB at 100 kB/s after a 2 s latency: 12 s; a has no
        // inputs and stages nothing. Same node, so no network transfer.
        let p = platform(1, "staging_bandwidth = 1e5\nstaging_latency = 2.0").unwrap();
        assert_eq!(makespan(&chain(), &p), 1.0 + 12.0 + 1.0);
        let dag = chain();
        let costs = crate::CostModel::new(&dag, &p).unwrap();
        assert_eq!(costs.exec_secs(TaskId::new(1), NodeId::new(0), 1, 0), 13.0);
        // Without a bandwidth, a latency alone stages nothing.
        assert_eq!(makespan(&chain(), &platform(1, "staging_latency = 2.0").unwrap()), 2.0);
    }

    #[test]
    fn auxiliary_jobs_run_before_and_after_every_task() {
        let dag = with_auxiliary_jobs(&chain(), 5.0, 7.0, &[]).unwrap();
        assert_eq!(dag.task_count(), 4);
        assert_eq!(dag.task(TaskId::new(2)).name, SETUP_TASK);
        assert_eq!(dag.task(TaskId::new(3)).name, TEARDOWN_TASK);
        // 5 s set-up, the 2 s chain, 7 s tear-down.
        assert_eq!(makespan(&dag, &platform(4, "").unwrap()), 14.0);
    }

    #[test]
    fn staged_workflow_inputs_come_from_the_set_up_job() {
        // a reads 3 MB of workflow inputs: an edge from set-up carries them,
        // and staging at 1 MB/s charges a 3 s (b still stages its 1 MB).
        let dag = with_auxiliary_jobs(&chain(), 0.0, 0.0, &[3e6, 0.0]).unwrap();
        let setup = TaskId::new(2);
        let into_a: Vec<f64> = dag
            .in_edges(TaskId::new(0))
            .iter()
            .map(|&e| dag.edge(e))
            .filter(|e| e.src == setup)
            .map(|e| e.bytes)
            .collect();
        assert_eq!(into_a, vec![3e6]);
        let p = platform(1, "staging_bandwidth = 1e6").unwrap();
        assert_eq!(makespan(&dag, &p), (1.0 + 3.0) + (1.0 + 1.0));
        let err = with_auxiliary_jobs(&chain(), 0.0, 0.0, &[1.0]).unwrap_err();
        assert!(err.to_string().contains("expected 2 entries, one per task"), "{err}");
    }

    #[test]
    fn bad_parameters_name_their_field() {
        let err = |wms: &str| platform(1, wms).unwrap_err().to_string();
        assert_eq!(
            err("submit_interval = -1.0"),
            "workflow_system.submit_interval: expected a finite number of seconds >= 0, got -1"
        );
        assert_eq!(
            err("staging_bandwidth = 0.0"),
            "workflow_system.staging_bandwidth: expected a finite number of bytes per second > 0, got 0"
        );
        assert_eq!(
            err("setup = inf"),
            "workflow_system.setup: expected a finite number of seconds >= 0, got inf"
        );
        let unknown = err("submit_intervall = 1.0");
        assert!(
            unknown.contains("submit_intervall") && unknown.contains("line"),
            "{unknown}"
        );
    }
}
