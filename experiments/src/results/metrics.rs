//! The one table of metrics: every figure a run is judged by, with its
//! name, unit and how it is computed from a [`RunResult`].
//!
//! The columns of `results.csv`, the keys of `results.jsonl`, the report's
//! table of means and the GUI's metric list are all read off [`METRICS`]
//! (stream metrics, [`Value::Stream`], are empty for single-DAG runs, and
//! a [`Value::Declared`] metric has a column only in files where some run
//! has it), so
//! adding a metric is one entry here (and its computation, in `sim::metrics`
//! when it needs the engine's records). [`SERIES`] lists the per-node and
//! per-job series a run also yields, for views that draw one value per node
//! or per job.

use sim::job_metrics::StreamMetrics;
use sim::{Platform, RunResult};

/// Whether smaller or larger values are better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Smaller is better (makespan, energy).
    Lower,
    /// Larger is better (speedup, utilisation).
    Higher,
}

/// How a value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A real number.
    Real,
    /// A whole count, written without a fraction in JSON.
    Count,
}

/// The column a metric gets in the report's table of per-scheduler means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InReport {
    /// Not in the table.
    No,
    /// Mean ± 95 % CI of the value times `scale`, with `digits` decimals.
    Mean {
        /// Factor applied before printing (100 for a percentage).
        scale: f64,
        /// Decimals printed.
        digits: usize,
    },
    /// Mean ± 95 % CI of the value over the least value on the same
    /// instance, since raw values of different instances differ by orders of magnitude.
    Ratio {
        /// Decimals printed.
        digits: usize,
    },
}

/// One metric: a column of the results and a line of every metric table.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// CSV column and JSON key.
    pub key: &'static str,
    /// Name shown in tables and on axes.
    pub label: &'static str,
    /// Unit shown after the label (empty for ratios and counts).
    pub unit: &'static str,
    /// How the value is written.
    pub kind: Kind,
    /// Which direction is better.
    pub better: Better,
    /// Its column in the report's table of means.
    pub report: InReport,
    /// How it is computed.
    pub value: Value,
}

/// Where a metric's value comes from.
#[derive(Debug, Clone, Copy)]
pub enum Value {
    /// Every run's records on its platform.
    Run(fn(&RunResult, &Platform) -> f64),
    /// A run's records on its platform, where the platform gives the metric
    /// a meaning (a cost needs prices); none elsewhere.
    RunWhere(fn(&RunResult, &Platform) -> Option<f64>),
    /// The job metrics of a job stream's run; none for a single DAG, or
    /// when the statistic needs a finished job and none finished.
    Stream(fn(&StreamMetrics) -> Option<f64>),
    /// A figure only runs whose inputs declare it have (peak memory: tasks
    /// with memory). Its CSV column and JSON key are written only where some
    /// run has it, so the results of grids without it are byte for byte
    /// what they were before it existed.
    Declared(fn(&RunResult) -> Option<f64>),
}

impl Metric {
    /// Its value for a finished run on `platform`, with the stream's job
    /// metrics when the run was a job stream.
    pub fn compute(&self, result: &RunResult, platform: &Platform, stream: Option<&StreamMetrics>) -> Option<f64> {
        match self.value {
            Value::Run(value) => Some(value(result, platform)),
            Value::RunWhere(value) => value(result, platform),
            Value::Stream(value) => stream.and_then(value),
            Value::Declared(value) => value(result),
        }
    }

    /// Whether its column is written only where some run has it ([`Value::Declared`]).
    pub fn is_declared(&self) -> bool {
        matches!(self.value, Value::Declared(_))
    }

    /// Whether it is a metric of job streams only.
    pub fn is_stream(&self) -> bool {
        matches!(self.value, Value::Stream(_))
    }

    /// `label [unit]`, or the label alone when it has no unit.
    pub fn axis_label(&self) -> String {
        if self.unit.is_empty() {
            self.label.to_owned()
        } else {
            format!("{} [{}]", self.label, self.unit)
        }
    }
}

const fn real(
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    better: Better,
    report: InReport,
    value: fn(&RunResult, &Platform) -> f64,
) -> Metric {
    Metric {
        key,
        label,
        unit,
        kind: Kind::Real,
        better,
        report,
        value: Value::Run(value),
    }
}

/// A metric of job streams.
const fn stream(
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    kind: Kind,
    better: Better,
    report: InReport,
    value: fn(&StreamMetrics) -> Option<f64>,
) -> Metric {
    Metric {
        key,
        label,
        unit,
        kind,
        better,
        report,
        value: Value::Stream(value),
    }
}

/// Makespan in seconds.
pub const MAKESPAN: Metric = real(
    "makespan",
    "makespan",
    "s",
    Better::Lower,
    InReport::Ratio { digits: 3 },
    |r, _| r.metrics.makespan,
);
/// Schedule length ratio.
pub const SLR: Metric = real(
    "slr",
    "SLR",
    "",
    Better::Lower,
    InReport::Mean { scale: 1.0, digits: 3 },
    |r, _| r.metrics.slr,
);
/// Energy in joules.
pub const ENERGY: Metric = real(
    "energy_j",
    "energy",
    "J",
    Better::Lower,
    InReport::Ratio { digits: 3 },
    |r, _| r.metrics.energy_j,
);

/// Every metric, in the order of the results' columns.
pub const METRICS: &[Metric] = &[
    MAKESPAN,
    SLR,
    real(
        "speedup",
        "speedup",
        "",
        Better::Higher,
        InReport::Mean { scale: 1.0, digits: 2 },
        |r, _| r.metrics.speedup,
    ),
    real(
        "efficiency",
        "efficiency",
        "",
        Better::Higher,
        InReport::Mean { scale: 1.0, digits: 3 },
        |r, _| r.metrics.efficiency,
    ),
    real(
        "utilisation",
        "utilisation",
        "",
        Better::Higher,
        InReport::Mean {
            scale: 100.0,
            digits: 1,
        },
        |r, _| r.metrics.utilisation,
    ),
    ENERGY,
    real("edp", "EDP", "J·s", Better::Lower, InReport::No, |r, _| r.metrics.edp),
    real(
        "bytes_moved",
        "bytes moved",
        "B",
        Better::Lower,
        InReport::No,
        |r, _| r.metrics.bytes_moved,
    ),
    Metric {
        key: "lost_runs",
        label: "lost runs",
        unit: "",
        kind: Kind::Count,
        better: Better::Lower,
        report: InReport::No,
        value: Value::Run(|r, _| r.lost.len() as f64),
    },
    real(
        "lost_work",
        "lost work",
        "core·s",
        Better::Lower,
        InReport::No,
        |r, _| r.metrics.lost_work,
    ),
    real(
        "wasted_energy_j",
        "wasted energy",
        "J",
        Better::Lower,
        InReport::No,
        |r, _| r.metrics.wasted_energy_j,
    ),
    Metric {
        key: "peak_memory_bytes",
        label: "peak memory of a node",
        unit: "B",
        kind: Kind::Count,
        better: Better::Lower,
        report: InReport::No,
        value: Value::Declared(|r| r.metrics.peak_memory_bytes),
    },
    real(
        "peak_power_w",
        "peak power",
        "W",
        Better::Lower,
        InReport::No,
        |r, p| {
            sim::metrics::power_series(p, r)
                .values
                .iter()
                .copied()
                .fold(0.0, f64::max)
        },
    ),
    real("node_hours", "node-hours", "h", Better::Lower, InReport::No, |r, _| {
        r.metrics.node_hours
    }),
    COST,
    stream(
        "jobs",
        "jobs finished",
        "",
        Kind::Count,
        Better::Higher,
        InReport::No,
        |m| Some(m.jobs as f64),
    ),
    stream(
        "unfinished",
        "jobs unfinished",
        "",
        Kind::Count,
        Better::Lower,
        InReport::No,
        |m| Some(m.unfinished as f64),
    ),
    MEAN_JCT,
    stream(
        "p50_jct",
        "median JCT",
        "s",
        Kind::Real,
        Better::Lower,
        InReport::No,
        |m| m.p50_jct,
    ),
    stream(
        "p95_jct",
        "p95 JCT",
        "s",
        Kind::Real,
        Better::Lower,
        InReport::Mean { scale: 1.0, digits: 2 },
        |m| m.p95_jct,
    ),
    stream(
        "p99_jct",
        "p99 JCT",
        "s",
        Kind::Real,
        Better::Lower,
        InReport::No,
        |m| m.p99_jct,
    ),
    MEAN_SLOWDOWN,
    stream(
        "p95_slowdown",
        "p95 slowdown",
        "",
        Kind::Real,
        Better::Lower,
        InReport::No,
        |m| m.p95_slowdown,
    ),
    stream(
        "jain_fairness",
        "Jain's fairness",
        "",
        Kind::Real,
        Better::Higher,
        InReport::Mean { scale: 1.0, digits: 3 },
        |m| m.jain_fairness,
    ),
    stream(
        "throughput",
        "throughput",
        "jobs/s",
        Kind::Real,
        Better::Higher,
        InReport::No,
        |m| Some(m.throughput),
    ),
    stream(
        "jobs_in_system",
        "jobs in system",
        "",
        Kind::Real,
        Better::Lower,
        InReport::No,
        |m| Some(m.jobs_in_system),
    ),
    stream(
        "deadline_misses",
        "deadline misses",
        "",
        Kind::Count,
        Better::Lower,
        InReport::No,
        |m| Some(m.deadline_misses as f64),
    ),
    stream(
        "mean_tardiness",
        "mean tardiness",
        "s",
        Kind::Real,
        Better::Lower,
        InReport::No,
        |m| m.mean_tardiness,
    ),
];

/// What the nodes' powered time costs at their prices; none on platforms
/// without prices.
pub const COST: Metric = Metric {
    key: "cost",
    label: "cost",
    unit: "",
    kind: Kind::Real,
    better: Better::Lower,
    report: InReport::Mean { scale: 1.0, digits: 3 },
    value: Value::RunWhere(|r, p| {
        p.nodes()
            .iter()
            .any(|n| n.price_per_hour > 0.0)
            .then_some(r.metrics.cost)
    }),
};

/// Mean job completion time of a job stream, seconds.
pub const MEAN_JCT: Metric = stream(
    "mean_jct",
    "mean JCT",
    "s",
    Kind::Real,
    Better::Lower,
    InReport::Mean { scale: 1.0, digits: 2 },
    |m| m.mean_jct,
);
/// Mean slowdown of a job stream's jobs.
pub const MEAN_SLOWDOWN: Metric = stream(
    "mean_slowdown",
    "mean slowdown",
    "",
    Kind::Real,
    Better::Lower,
    InReport::Mean { scale: 1.0, digits: 3 },
    |m| m.mean_slowdown,
);

/// The position of `metric` in [`METRICS`].
pub fn position(metric: &Metric) -> Option<usize> {
    METRICS.iter().position(|m| m.key == metric.key)
}

/// The metric whose key is `key`.
pub fn by_key(key: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.key == key)
}

/// What a series has one value per.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    /// One value per platform node, by node index.
    Node,
    /// One value per job of a job stream, by job index.
    Job,
}

/// A series of values a run yields, one per node or per job.
#[derive(Debug, Clone, Copy)]
pub struct Series {
    /// Key in files and exports.
    pub key: &'static str,
    /// Name shown in views.
    pub label: &'static str,
    /// Unit of every value.
    pub unit: &'static str,
    /// What the series has one value per.
    pub per: Per,
    /// Its values for a finished run.
    pub values: fn(&RunResult) -> Vec<f64>,
}

/// Every per-node and per-job series.
pub const SERIES: [Series; 1] = [Series {
    key: "node_energy_j",
    label: "energy per node",
    unit: "J",
    per: Per::Node,
    values: |r| r.node_energy_j.clone(),
}];
