//! [`Row`]: one finished cell of a grid, the unit of `results.csv` and
//! `results.jsonl`.
//!
//! A row holds the cell's coordinates (what was run) and one value per
//! entry of [`METRICS`] (what came out), in the table's order. Its JSON object
//! and CSV record list the coordinates, then the metrics by their keys, then
//! `error`; a file written before a metric existed reads that metric as absent.

use super::metrics::{Kind, METRICS, Metric, position};
use serde::ser::SerializeMap as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sim::job_metrics::StreamMetrics;
use sim::{Platform, RunResult};

/// One finished cell: its coordinates and its metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Grid position.
    pub index: usize,
    /// Stable id.
    pub id: String,
    /// Workload label (generator spec or file).
    pub workload: String,
    /// Generator kind, or `file`.
    pub family: String,
    /// The generator's `ccr` key, if given.
    pub ccr: Option<f64>,
    /// Tasks in the DAG.
    pub tasks: usize,
    /// Edges in the DAG.
    pub edges: usize,
    /// Platform label.
    pub platform: String,
    /// Nodes in the platform.
    pub nodes: usize,
    /// Cores in the platform.
    pub cores: u64,
    /// Scheduler spec.
    pub scheduler: String,
    /// Resource manager spec.
    pub resource_manager: String,
    /// What the report compares: the scheduler, with the resource manager
    /// when it is not the default ([`policy`]); derived, not written.
    pub policy: String,
    /// Runtime noise σ.
    pub noise: f64,
    /// Mean time between failures in seconds (`None` = no failures).
    pub mtbf: Option<f64>,
    /// Seed.
    pub seed: u64,
    /// One value per entry of [`METRICS`], in its order; `None` where the run failed.
    pub metrics: Vec<Option<f64>>,
    /// Why the cell failed; empty when it ran.
    pub error: String,
}

/// The coordinate columns, before the metrics.
const COORDINATES: [&str; 15] = [
    "index",
    "id",
    "workload",
    "family",
    "ccr",
    "tasks",
    "edges",
    "platform",
    "nodes",
    "cores",
    "scheduler",
    "resource_manager",
    "noise",
    "mtbf",
    "seed",
];

/// Which entries of [`METRICS`] have a column in a file of `rows`: all but
/// the [declared](Metric::is_declared) ones no row has.
pub fn written_metrics(rows: &[Row]) -> Vec<bool> {
    (0..METRICS.len())
        .map(|i| !METRICS[i].is_declared() || rows.iter().any(|r| r.metrics.get(i).copied().flatten().is_some()))
        .collect()
}

/// The columns of a `results.csv` of rows whose metrics `written` marks (see
/// [`written_metrics`]), in order: coordinates, metrics, `error`.
pub fn columns_of(written: &[bool]) -> Vec<&'static str> {
    let metrics = METRICS.iter().zip(written).filter(|(_, w)| **w).map(|(m, _)| m.key);
    COORDINATES.iter().copied().chain(metrics).chain(["error"]).collect()
}

impl Row {
    /// Sets the metrics from a finished run of this row's cell on `platform`
    /// (with its job metrics, for a job stream).
    pub fn set_metrics(&mut self, result: &RunResult, platform: &Platform, stream: Option<&StreamMetrics>) {
        // Adding 0 turns -0 into 0, so no file shows "-0".
        self.metrics = METRICS
            .iter()
            .map(|m| m.compute(result, platform, stream).map(|v| v + 0.0))
            .collect();
    }

    /// The value of `metric`, if the run finished (and the file had it).
    pub fn get(&self, metric: &Metric) -> Option<f64> {
        position(metric).and_then(|i| self.metrics.get(i).copied().flatten())
    }

    /// The values of the coordinate columns as CSV text.
    fn coordinates(&self) -> [String; 15] {
        let f = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        [
            self.index.to_string(),
            self.id.clone(),
            self.workload.clone(),
            self.family.clone(),
            f(self.ccr),
            self.tasks.to_string(),
            self.edges.to_string(),
            self.platform.clone(),
            self.nodes.to_string(),
            self.cores.to_string(),
            self.scheduler.clone(),
            self.resource_manager.clone(),
            self.noise.to_string(),
            f(self.mtbf),
            self.seed.to_string(),
        ]
    }

    /// The CSV record under [`columns_of`]`(written)`.
    pub fn csv_record_of(&self, written: &[bool]) -> Vec<String> {
        let metrics = (0..METRICS.len()).filter(|&i| written[i]).map(|i| {
            self.metrics
                .get(i)
                .copied()
                .flatten()
                .map(|v| v.to_string())
                .unwrap_or_default()
        });
        self.coordinates()
            .into_iter()
            .chain(metrics)
            .chain([self.error.clone()])
            .collect()
    }
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("index", &self.index)?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("workload", &self.workload)?;
        map.serialize_entry("family", &self.family)?;
        map.serialize_entry("ccr", &self.ccr)?;
        map.serialize_entry("tasks", &self.tasks)?;
        map.serialize_entry("edges", &self.edges)?;
        map.serialize_entry("platform", &self.platform)?;
        map.serialize_entry("nodes", &self.nodes)?;
        map.serialize_entry("cores", &self.cores)?;
        map.serialize_entry("scheduler", &self.scheduler)?;
        map.serialize_entry("resource_manager", &self.resource_manager)?;
        map.serialize_entry("noise", &self.noise)?;
        map.serialize_entry("mtbf", &self.mtbf)?;
        map.serialize_entry("seed", &self.seed)?;
        for (i, metric) in METRICS.iter().enumerate() {
            let value = self.metrics.get(i).copied().flatten();
            if metric.is_declared() && value.is_none() {
                continue;
            }
            match metric.kind {
                Kind::Real => map.serialize_entry(metric.key, &value)?,
                // Counts are whole numbers held as f64; JSON writes them without a fraction.
                Kind::Count => map.serialize_entry(metric.key, &value.map(|v| v as u64))?,
            }
        }
        map.serialize_entry("error", &self.error)?;
        map.end()
    }
}

fn default_resource_manager() -> String {
    schedulers::resource::DEFAULT.to_owned()
}

/// The label of a scheduler under a resource manager, as reports and cell
/// ids show it: the scheduler alone under the default resource manager,
/// else `SCHEDULER+RESOURCE_MANAGER`.
pub fn policy(scheduler: &str, resource_manager: &str) -> String {
    if resource_manager == schedulers::resource::DEFAULT {
        scheduler.to_owned()
    } else {
        format!("{scheduler}+{resource_manager}")
    }
}

/// A row as read: the coordinates by name, every other key collected.
#[derive(Deserialize)]
struct RowFile {
    index: usize,
    id: String,
    workload: String,
    family: String,
    ccr: Option<f64>,
    tasks: usize,
    edges: usize,
    platform: String,
    nodes: usize,
    cores: u64,
    scheduler: String,
    /// Absent in files written before resource managers existed.
    #[serde(default = "default_resource_manager")]
    resource_manager: String,
    noise: f64,
    mtbf: Option<f64>,
    seed: u64,
    error: String,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Row, D::Error> {
        let file = RowFile::deserialize(deserializer)?;
        let mut metrics = Vec::with_capacity(METRICS.len());
        for metric in METRICS {
            metrics.push(match file.rest.get(metric.key) {
                None | Some(serde_json::Value::Null) => None,
                Some(value) => Some(value.as_f64().ok_or_else(|| {
                    serde::de::Error::custom(format!("{}: expected a number or null, got {value}", metric.key))
                })?),
            });
        }
        Ok(Row {
            index: file.index,
            id: file.id,
            workload: file.workload,
            family: file.family,
            ccr: file.ccr,
            tasks: file.tasks,
            edges: file.edges,
            platform: file.platform,
            nodes: file.nodes,
            cores: file.cores,
            policy: policy(&file.scheduler, &file.resource_manager),
            scheduler: file.scheduler,
            resource_manager: file.resource_manager,
            noise: file.noise,
            mtbf: file.mtbf,
            seed: file.seed,
            metrics,
            error: file.error,
        })
    }
}

/// A successful row of `scheduler` on seed `seed` of `layered` on
/// `homogeneous:2` with makespan `makespan`, SLR 1 and energy 10 × makespan,
/// for the unit tests of the modules that read rows.
#[cfg(test)]
pub(crate) fn sample(scheduler: &str, seed: u64, makespan: f64) -> Row {
    use super::metrics::{ENERGY, MAKESPAN, SLR};
    let mut metrics = vec![None; METRICS.len()];
    for (metric, value) in [(&MAKESPAN, makespan), (&SLR, 1.0), (&ENERGY, 10.0 * makespan)] {
        metrics[position(metric).expect("a metric of the table")] = Some(value);
    }
    Row {
        index: 0,
        id: format!("layered|homogeneous:2|{scheduler}|noise=0|mtbf=inf|seed={seed}"),
        workload: "layered".into(),
        family: "layered".into(),
        ccr: None,
        tasks: 10,
        edges: 9,
        platform: "homogeneous:2".into(),
        nodes: 2,
        cores: 2,
        scheduler: scheduler.into(),
        resource_manager: schedulers::resource::DEFAULT.into(),
        policy: scheduler.into(),
        noise: 0.0,
        mtbf: None,
        seed,
        metrics,
        error: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Row {
        Row {
            index: 3,
            id: "layered:tasks=10|homogeneous:2|heft|noise=0|mtbf=inf|seed=1".to_owned(),
            workload: "layered:tasks=10".to_owned(),
            family: "layered".to_owned(),
            ccr: None,
            tasks: 10,
            edges: 12,
            platform: "homogeneous:2".to_owned(),
            nodes: 2,
            cores: 8,
            scheduler: "heft".to_owned(),
            resource_manager: "reactive:cooldown=60".to_owned(),
            policy: "heft+reactive:cooldown=60".to_owned(),
            noise: 0.0,
            mtbf: None,
            seed: 1,
            metrics: METRICS
                .iter()
                .enumerate()
                // Counts are written as whole numbers.
                .map(|(i, m)| {
                    Some(if m.kind == Kind::Count {
                        i as f64
                    } else {
                        i as f64 + 0.5
                    })
                })
                .collect(),
            error: String::new(),
        }
    }

    #[test]
    fn json_round_trips_and_lists_metrics_in_table_order() {
        let mut r = row();
        let lost = METRICS.iter().position(|m| m.kind == Kind::Count).unwrap_or(0);
        r.metrics[lost] = Some(2.0);
        let text = serde_json::to_string(&r).unwrap_or_default();
        assert!(text.contains("\"lost_runs\":2,"), "{text}");
        let written = written_metrics(std::slice::from_ref(&r));
        let columns = columns_of(&written);
        let keys: Vec<usize> = columns.iter().filter_map(|k| text.find(&format!("\"{k}\":"))).collect();
        assert_eq!(keys.len(), columns.len());
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{text}");
        let back: Row = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(back, r);
        assert_eq!(r.csv_record_of(&written).len(), columns.len());
    }

    /// A declared metric (peak memory) no row has gets no column and no key,
    /// so files of runs without memory are what they were before it existed;
    /// one row with it brings its column, empty in the others.
    #[test]
    fn a_declared_metric_no_row_has_is_left_out() {
        let peak = METRICS.iter().position(Metric::is_declared).unwrap_or(0);
        let mut without = row();
        without.metrics[peak] = None;
        let written = written_metrics(std::slice::from_ref(&without));
        assert!(!columns_of(&written).contains(&"peak_memory_bytes"));
        assert_eq!(without.csv_record_of(&written).len(), columns_of(&written).len());
        let text = serde_json::to_string(&without).unwrap_or_default();
        assert!(!text.contains("peak_memory_bytes"), "{text}");
        let back: Row = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(back, without);
        let both = [without.clone(), row()];
        assert!(columns_of(&written_metrics(&both)).contains(&"peak_memory_bytes"));
    }

    #[test]
    fn a_missing_metric_reads_as_absent_and_a_bad_one_is_an_error() {
        let mut json = serde_json::to_value(row()).unwrap_or_default();
        let object = json.as_object_mut().unwrap_or_else(|| panic!("object"));
        object.remove("slr");
        let back: Row = serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.get(&crate::results::metrics::SLR), None);
        assert_eq!(back.get(&crate::results::metrics::MAKESPAN), Some(0.5));
        if let Some(o) = json.as_object_mut() {
            o.insert("makespan".to_owned(), serde_json::Value::from("fast"));
        }
        let err = serde_json::from_value::<Row>(json).err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("makespan")));
    }
}
