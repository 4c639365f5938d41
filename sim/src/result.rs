//! What a finished run produced: the schedule as it happened, energy and metrics.

use crate::ids::{EdgeId, NodeId, TaskId};
use crate::power::PowerRecord;
use crate::time::SimTime;
use serde::Serialize;

/// How one task ran.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TaskRecord {
    /// The node it ran on.
    pub node: NodeId,
    /// Number of cores it held.
    pub cores: u32,
    /// Offset of its core indices in [`RunResult::core_slots`].
    pub core_offset: u32,
    /// DVFS level.
    pub dvfs: u8,
    /// Start time.
    pub start: SimTime,
    /// End time.
    pub end: SimTime,
}

/// One data transfer between two different nodes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TransferRecord {
    /// The DAG edge whose data moved.
    pub edge: EdgeId,
    /// Sending node.
    pub src: NodeId,
    /// Receiving node.
    pub dst: NodeId,
    /// When the transfer was issued (producer finished and consumer assigned).
    pub start: SimTime,
    /// When the last byte arrived.
    pub end: SimTime,
}

/// A task run aborted by a node failure (its work was lost).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LostRecord {
    /// The task.
    pub task: TaskId,
    /// The node that failed under it.
    pub node: NodeId,
    /// Cores it held.
    pub cores: u32,
    /// Offset of its core indices in [`RunResult::core_slots`].
    pub core_offset: u32,
    /// DVFS level.
    pub dvfs: u8,
    /// When it started.
    pub start: SimTime,
    /// When the node failed.
    pub end: SimTime,
    /// Seconds of work saved by checkpoints (not lost).
    pub saved: f64,
}

/// A run of a task besides the one that finished first: a replica or a
/// duplicate that finished later, or a replica cancelled when another run of
/// its task finished (see "Copies" in [`crate::scheduler`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CopyRecord {
    /// The task.
    pub task: TaskId,
    /// How this run ran.
    #[serde(flatten)]
    pub record: TaskRecord,
}

/// What a run in [`RunResult::runs`] was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunKind {
    /// The task's first run to finish (its record in [`RunResult::tasks`]).
    First,
    /// A later run that finished too (a duplicate or a slower replica).
    Copy,
    /// A replica cancelled when another run of its task finished.
    Cancelled,
}

/// One run of a task, as [`RunResult::runs`] yields it.
#[derive(Clone, Copy, Debug)]
pub struct RunView<'a> {
    /// The task.
    pub task: TaskId,
    /// How the run ran.
    pub record: &'a TaskRecord,
    /// Core indices it held.
    pub cores: &'a [u32],
    /// What the run was.
    pub kind: RunKind,
}

/// A period during which a node was down.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct OutageRecord {
    /// The node.
    pub node: NodeId,
    /// When it failed.
    pub start: SimTime,
    /// When it was back (closed at the makespan in finished runs).
    pub end: Option<SimTime>,
}

/// Summary figures of a run. All times in seconds, energy in joules.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Metrics {
    /// Time the last task finished.
    pub makespan: f64,
    /// Schedule length ratio: makespan over the critical path with every task
    /// on its fastest node and communication ignored, both as the schedulers
    /// estimate them (declared speeds, no noise). The denominator is the same
    /// for every run of an instance, so SLRs compare across noise levels; it
    /// is a lower bound on the makespan only without noise and speed errors.
    /// With them, actual runtimes may be shorter than estimated and SLR may
    /// fall below 1.
    pub slr: f64,
    /// Best single-node sequential time (one core) over makespan.
    pub speedup: f64,
    /// Speedup over the platform's total core count.
    pub efficiency: f64,
    /// Busy core-seconds (copies included) over (total cores × makespan).
    pub utilisation: f64,
    /// Total energy in joules.
    pub energy_j: f64,
    /// Energy-delay product, J·s.
    pub edp: f64,
    /// Bytes moved between nodes.
    pub bytes_moved: f64,
    /// Core-seconds of work lost to node failures (less what checkpoints saved).
    pub lost_work: f64,
    /// Busy joules spent on the part of aborted runs that checkpoints did not save.
    pub wasted_energy_j: f64,
    /// Node-hours the nodes were powered (booting, on or draining) over the run.
    pub node_hours: f64,
    /// What the powered time costs at the nodes' prices, each powered period
    /// billed in whole multiples of its node's billing granularity (0 on
    /// platforms without prices).
    pub cost: f64,
    /// The most memory any node held at one instant, bytes (the largest of
    /// [`crate::metrics::node_peak_memory`]); `None` when no task declares memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_memory_bytes: Option<f64>,
}

/// Everything a run produced.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunResult {
    /// Name of the scheduler that made the decisions.
    pub scheduler: String,
    /// One record per task, indexed by [`TaskId::index`]: its first run to finish.
    pub tasks: Vec<TaskRecord>,
    /// Transfers between distinct nodes, in the order they finished.
    pub transfers: Vec<TransferRecord>,
    /// Core indices held by tasks; see [`RunResult::cores_of`]. Empty for a
    /// summary record ([`crate::Record::Summary`]), which keeps no core
    /// indices (the `cores_of` methods then return none; the records' core
    /// counts are kept).
    pub core_slots: Vec<u32>,
    /// Task runs aborted by node failures, in the order they were lost.
    pub lost: Vec<LostRecord>,
    /// Further finished runs of tasks (replicas, duplicates), in the order they finished.
    pub copies: Vec<CopyRecord>,
    /// Replicas cancelled because another run of their task finished first
    /// (ending at the cancellation), in the order they were cancelled.
    pub cancelled: Vec<CopyRecord>,
    /// Node outages that overlapped the run.
    pub outages: Vec<OutageRecord>,
    /// Periods nodes spent off or booting (see [`crate::power`]), closed at
    /// the makespan, in the order they ended; empty when every node stayed on.
    pub power: Vec<PowerRecord>,
    /// Joules per node, indexed by [`NodeId::index`].
    pub node_energy_j: Vec<f64>,
    /// Summary figures.
    pub metrics: Metrics,
    /// What a summary record ([`crate::Record::Summary`]) kept of the task
    /// runs and DAG it dropped; nothing for a full record.
    #[serde(skip)]
    pub folded: Folded,
}

/// The share of the summary metrics of first runs that a job stream's
/// summary record ([`crate::Record::Summary`]) dropped, folded in task-id
/// order as their jobs retired, so that [`crate::metrics`] adds the runs left
/// to them in the order a full record adds every run. Empty (all zero, sums
/// at −0 as the standard library's float sums start) for a full record.
#[derive(Clone, Debug, PartialEq)]
pub struct Folded {
    /// Tasks whose first runs are folded: ids `0..tasks`.
    pub tasks: usize,
    /// When the last of them ended.
    pub last_end: SimTime,
    /// Σ cores × seconds of their runs.
    pub busy_core_secs: f64,
    /// Per node, the busy energy of their runs, joules (empty: none folded).
    pub busy_energy_j: Vec<f64>,
    /// Per job of the stream, the busy energy of its folded runs, joules.
    pub job_energy_j: Vec<f64>,
    /// Bytes of every transfer, summed as they finished (the transfer log is not kept).
    pub bytes_moved: f64,
    /// The DAG's [`crate::metrics::min_critical_path`] and
    /// [`crate::metrics::best_sequential`], summed up as jobs arrived, when
    /// the DAG does not keep every task.
    pub dag_bounds: Option<(f64, f64)>,
}

impl Default for Folded {
    fn default() -> Folded {
        Folded {
            tasks: 0,
            last_end: SimTime::ZERO,
            busy_core_secs: -0.0,
            busy_energy_j: Vec::new(),
            job_energy_j: Vec::new(),
            bytes_moved: -0.0,
            dag_bounds: None,
        }
    }
}

impl RunResult {
    /// A run recorded outside the engine (a real executor's or a runtime's
    /// record): its task runs and transfers, sorted here by end (then edge);
    /// nothing lost, copied, cancelled or powered off; per-node energy and
    /// the summary metrics computed from `costs` as for a simulated run.
    pub fn recorded(
        scheduler: String,
        tasks: Vec<TaskRecord>,
        mut transfers: Vec<TransferRecord>,
        core_slots: Vec<u32>,
        costs: &crate::cost::CostModel<'_>,
    ) -> RunResult {
        transfers.sort_by_key(|t| (t.end, t.edge));
        let mut result = RunResult {
            scheduler,
            tasks,
            transfers,
            core_slots,
            lost: Vec::new(),
            copies: Vec::new(),
            cancelled: Vec::new(),
            outages: Vec::new(),
            power: Vec::new(),
            node_energy_j: Vec::new(),
            metrics: crate::metrics::EMPTY,
            folded: Folded::default(),
        };
        result.node_energy_j = crate::metrics::node_energy(costs.platform(), &result);
        result.metrics = crate::metrics::compute(costs, &result);
        result
    }

    /// Time the last task finished.
    pub fn makespan(&self) -> SimTime {
        self.tasks
            .iter()
            .map(|r| r.end)
            .fold(self.folded.last_end, SimTime::max)
    }

    /// Record of one task.
    pub fn task(&self, task: TaskId) -> &TaskRecord {
        &self.tasks[task.index()]
    }

    /// Core indices `task` held on its node (in its successful run).
    pub fn cores_of(&self, task: TaskId) -> &[u32] {
        let r = &self.tasks[task.index()];
        self.slots(r.core_offset, r.cores)
    }

    /// Core indices a finished or cancelled copy held.
    pub fn cores_of_copy(&self, copy: &CopyRecord) -> &[u32] {
        self.slots(copy.record.core_offset, copy.record.cores)
    }

    /// Core indices a lost run held.
    pub fn cores_of_lost(&self, lost: &LostRecord) -> &[u32] {
        self.slots(lost.core_offset, lost.cores)
    }

    /// Every run that held cores and was not lost to a failure: each task's
    /// first finished run, then the copies that finished, then the cancelled
    /// replicas (for charts and traces that draw them all).
    pub fn runs(&self) -> impl Iterator<Item = RunView<'_>> {
        let first = self.tasks.iter().enumerate().map(|(t, record)| RunView {
            task: TaskId::new(t),
            record,
            cores: self.slots(record.core_offset, record.cores),
            kind: RunKind::First,
        });
        let copies = self.copies.iter().map(|c| (c, RunKind::Copy));
        let cancelled = self.cancelled.iter().map(|c| (c, RunKind::Cancelled));
        first.chain(copies.chain(cancelled).map(|(c, kind)| RunView {
            task: c.task,
            record: &c.record,
            cores: self.cores_of_copy(c),
            kind,
        }))
    }

    fn slots(&self, offset: u32, count: u32) -> &[u32] {
        self.core_slots
            .get(offset as usize..(offset + count) as usize)
            .unwrap_or(&[])
    }
}
