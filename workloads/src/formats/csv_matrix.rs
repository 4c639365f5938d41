//! The reference CSV matrices of the HEFT and PEFT papers' public test suites
//! (the layout of mackncheesiest/heft and mackncheesiest/peft).
//!
//! A workload is a directory holding three files with a common prefix:
//! - `PREFIX_task_exe_time.csv`: header row of processor names, then one row
//!   per task: its name, then its execution time in seconds on each processor.
//!   These become explicit per-node costs ([`sim::TaskSpec::node_costs`]) and
//!   the task's `work` is the mean of its row.
//! - `PREFIX_task_connectivity.csv`: square task × task matrix; entry `[i][j] > 0`
//!   is an edge `i → j` whose value is the communication *time* at bandwidth 1.
//!   It becomes the edge's bytes, and the platform's bandwidth is 1 byte/s, so
//!   bytes / bandwidth is the paper's communication time.
//! - `PREFIX_resource_BW.csv` (or `PREFIX_resource_BW_startup.csv`): square
//!   processor × processor bandwidth matrix (diagonal ignored), optionally with
//!   a last `Startup` row of per-processor start-up latencies. The simulator has
//!   one network latency, so it is the mean of that row (0 when absent).
//!
//! The platform has one single-core node of speed 1 per processor, named after
//! the exe-time header (`P_0`, `P_1`, …), drawing 10 W idle and 20 W busy.

use crate::Workload;
use crate::error::{LoadError, ParseError};
use sim::platform::{NetworkSpec, NodeSpec, PowerModel};
use sim::{DagBuilder, Platform, PlatformSpec, TaskId, TaskSpec};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Suffix of the execution-time file.
pub const EXE_TIME_SUFFIX: &str = "_task_exe_time.csv";
/// Suffix of the connectivity file.
pub const CONNECTIVITY_SUFFIX: &str = "_task_connectivity.csv";
/// Suffix of the bandwidth file (a `_startup` variant is also accepted).
pub const BANDWIDTH_SUFFIX: &str = "_resource_BW.csv";
const BANDWIDTH_STARTUP_SUFFIX: &str = "_resource_BW_startup.csv";

/// A labelled matrix: column names from the header, then labelled rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    /// Header names after the corner cell.
    pub columns: Vec<String>,
    /// Row labels.
    pub rows: Vec<String>,
    /// Values, one `Vec` per row, each as long as `columns`.
    pub values: Vec<Vec<f64>>,
    /// 1-based line number of each row, for messages.
    pub lines: Vec<usize>,
}

/// Parses one CSV matrix: a header row, then rows of a label and numbers.
///
/// # Errors
/// [`ParseError::Line`] for a short or long row or a cell that is not a number;
/// [`ParseError::Empty`] for a file with no header.
pub fn parse_matrix(text: &str) -> Result<Matrix, ParseError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(ParseError::Empty),
        Some(r) => r.map_err(|e| csv_error(&e))?,
    };
    let columns: Vec<String> = header.iter().skip(1).map(str::to_owned).collect();
    let mut m = Matrix {
        columns,
        rows: Vec::new(),
        values: Vec::new(),
        lines: Vec::new(),
    };
    for record in records {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != m.columns.len() + 1 {
            return Err(ParseError::line(
                line,
                format!(
                    "expected a label and {} values, got {} cells",
                    m.columns.len(),
                    record.len()
                ),
            ));
        }
        let mut cells = record.iter();
        let label = cells.next().unwrap_or_default().to_owned();
        let mut row = Vec::with_capacity(m.columns.len());
        for (column, cell) in m.columns.iter().zip(cells) {
            let value: f64 = cell.parse().map_err(|_| {
                ParseError::line(
                    line,
                    format!("row {label:?}, column {column:?}: {cell:?} is not a number"),
                )
            })?;
            row.push(value);
        }
        m.rows.push(label);
        m.values.push(row);
        m.lines.push(line);
    }
    Ok(m)
}

fn csv_error(e: &csv::Error) -> ParseError {
    let line = e.position().map_or(0, |p| p.line() as usize);
    ParseError::line(line, e.to_string())
}

/// Builds a workload from the three parsed matrices.
///
/// # Errors
/// A [`Fault`] saying which matrix is at fault and why.
pub fn combine(exe_time: &Matrix, connectivity: &Matrix, bandwidth: &Matrix, name: &str) -> Result<Workload, Fault> {
    let n_procs = exe_time.columns.len();
    let n_tasks = exe_time.rows.len();
    if n_procs == 0 {
        return Err(Fault::ExeTime(ParseError::line(1, "no processor columns")));
    }
    let mut b = DagBuilder::with_capacity(n_tasks, n_tasks);
    for (label, row) in exe_time.rows.iter().zip(&exe_time.values) {
        let work = row.iter().sum::<f64>() / n_procs as f64;
        b.add_task(TaskSpec::new(label.clone(), work).node_costs(row.clone()));
    }
    if connectivity.rows.len() != n_tasks || connectivity.columns.len() != n_tasks {
        return Err(Fault::Connectivity(ParseError::line(
            1,
            format!(
                "expected a {n_tasks}x{n_tasks} matrix (the exe-time file has {n_tasks} tasks), got {}x{}",
                connectivity.rows.len(),
                connectivity.columns.len()
            ),
        )));
    }
    for (i, (row, &line)) in connectivity.values.iter().zip(&connectivity.lines).enumerate() {
        for (j, &cost) in row.iter().enumerate() {
            if cost.is_nan() || cost < 0.0 {
                return Err(Fault::Connectivity(ParseError::line(
                    line,
                    format!("column {j}: cost must be >= 0, got {cost}"),
                )));
            }
            if cost > 0.0 {
                b.add_edge(TaskId::new(i), TaskId::new(j), cost);
            }
        }
    }
    let dag = b.build().map_err(|e| Fault::Connectivity(e.into()))?;

    let (mut matrix, mut startup) = (Vec::new(), None);
    for ((label, row), &line) in bandwidth.rows.iter().zip(&bandwidth.values).zip(&bandwidth.lines) {
        if label.eq_ignore_ascii_case("startup") {
            startup = Some(row.iter().sum::<f64>() / row.len().max(1) as f64);
        } else if startup.is_some() {
            return Err(Fault::Bandwidth(ParseError::line(
                line,
                "the Startup row must be the last",
            )));
        } else {
            matrix.push(row.clone());
        }
    }
    if matrix.len() != n_procs || bandwidth.columns.len() != n_procs {
        return Err(Fault::Bandwidth(ParseError::line(
            1,
            format!(
                "expected a {n_procs}x{n_procs} matrix (the exe-time file has {n_procs} processors), got {}x{}",
                matrix.len(),
                bandwidth.columns.len()
            ),
        )));
    }
    let nodes = exe_time
        .columns
        .iter()
        .map(|proc| NodeSpec {
            name: proc.clone(),
            count: 1,
            cores: 1,
            speed: 1.0,
            kind_speed: BTreeMap::new(),
            power: PowerModel {
                idle_w: 10.0,
                busy_core_w: 20.0,
                dvfs: Vec::new(),
                off_w: 0.0,
                boot_secs: 0.0,
                boot_j: 0.0,
            },
            group: None,
            nic_bandwidth: None,
            task_overhead: 0.0,
            pulls_inputs: false,
            price_per_hour: None,
            billing_secs: None,
            memory_bytes: None,
            labels: Vec::new(),
            pool: None,
        })
        .collect();
    let spec = PlatformSpec {
        name: name.to_owned(),
        network: NetworkSpec::Dedicated {
            latency: startup.unwrap_or(0.0),
            bandwidth: 1.0,
            bandwidth_matrix: Some(matrix),
            latency_matrix: None,
        },
        nodes,
        workflow_system: None,
    };
    let platform = Platform::new(spec).map_err(|e| Fault::Bandwidth(e.into()))?;
    Ok(Workload {
        dag,
        platform: Some(platform),
        name: name.to_owned(),
    })
}

/// Which of the three matrices a [`combine`] error is about.
#[derive(Debug)]
pub enum Fault {
    /// The execution-time matrix.
    ExeTime(ParseError),
    /// The connectivity matrix.
    Connectivity(ParseError),
    /// The bandwidth matrix.
    Bandwidth(ParseError),
}

/// The three files of the matrix set in `dir`, if it holds one.
pub fn find_files(dir: &Path) -> Option<[PathBuf; 3]> {
    let mut exe = None;
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(prefix) = name.strip_suffix(EXE_TIME_SUFFIX) {
            exe = Some(prefix.to_owned());
        }
        names.push(name);
    }
    let prefix = exe?;
    let has = |suffix: &str| {
        let file = format!("{prefix}{suffix}");
        names.contains(&file).then(|| dir.join(file))
    };
    let bandwidth = has(BANDWIDTH_SUFFIX).or_else(|| has(BANDWIDTH_STARTUP_SUFFIX))?;
    Some([has(EXE_TIME_SUFFIX)?, has(CONNECTIVITY_SUFFIX)?, bandwidth])
}

/// Loads the matrix set in `dir`. Errors name the file at fault.
pub(crate) fn load_dir(dir: &Path, files: &[PathBuf; 3]) -> Result<Workload, LoadError> {
    let [exe_path, conn_path, bw_path] = files;
    let read = |path: &PathBuf| -> Result<Matrix, LoadError> {
        let text = std::fs::read_to_string(path).map_err(|error| LoadError::Io {
            path: path.clone(),
            error,
        })?;
        parse_matrix(&text).map_err(|error| LoadError::Parse {
            path: path.clone(),
            error,
        })
    };
    let (exe, conn, bw) = (read(exe_path)?, read(conn_path)?, read(bw_path)?);
    let name = dir
        .file_name()
        .map_or_else(|| "matrices".to_owned(), |n| n.to_string_lossy().into_owned());
    combine(&exe, &conn, &bw, &name).map_err(|fault| {
        let (path, error) = match fault {
            Fault::ExeTime(e) => (exe_path, e),
            Fault::Connectivity(e) => (conn_path, e),
            Fault::Bandwidth(e) => (bw_path, e),
        };
        LoadError::Parse {
            path: path.clone(),
            error,
        }
    })
}
