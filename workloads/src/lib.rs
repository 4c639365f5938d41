//! DAG workloads for schedlab: seeded generators of the classic families and
//! readers and writers for the community file formats.
//!
//! The principal items:
//! - [`Workload`]: a validated [`sim::Dag`], plus the platform when the file
//!   brings its own processors;
//! - [`load`] and [`save`]: the format follows from the path (see [`formats`]);
//! - [`generate`]: a spec string such as `layered:tasks=1000,ccr=1` and a seed
//!   give a DAG (see [`generators`]);
//! - [`stats`]: the figures `schedlab info` prints;
//! - [`stream`]: jobs arriving over time (arrival processes, job mixes, traces, load).
//!
//! Design decision: units are converted once, at import. Inside schedlab work
//! is always reference seconds (time on one core of speed 1.0) and data is
//! always bytes, whatever the file used; readers document their conversion.
//!
//! ```
//! let dag = workloads::generate("layered:tasks=200,ccr=0.5", 42)?;
//! let info = workloads::stats(&dag);
//! assert_eq!(info.tasks, 200);
//! assert!(info.critical_path <= info.total_work);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
pub mod formats;
pub mod generators;
mod stats;
pub mod stream;

pub use error::{LoadError, ParseError, SaveError};
pub use generators::{GenError, generate};
pub use stats::{DagStats, KindCount, stats};

use std::path::Path;

/// A DAG read from a file or generated, with the platform the file describes, if any.
#[derive(Clone, Debug)]
pub struct Workload {
    /// The tasks and their data edges.
    pub dag: sim::Dag,
    /// The processors the file brings (CSV matrices, WfCommons machines, SAGA networks, our JSON).
    pub platform: Option<sim::Platform>,
    /// A short name: the file's own name for the workflow, else the file stem.
    pub name: String,
}

/// Reads a workload, telling the format from the path:
/// - a directory holding `*_task_exe_time.csv`, `*_task_connectivity.csv` and
///   `*_resource_BW.csv`, or one of those files: the reference CSV matrices
///   ([`formats::csv_matrix`]);
/// - `.json`: WfCommons WfFormat 1.4–1.6 when the top level has `workflow` and
///   `schemaVersion` keys ([`formats::wfcommons`]), a SAGA problem instance
///   when it has `task_graph` and `network` ([`formats::saga`]), else schedlab
///   JSON ([`formats::json`]);
/// - `.stg`: Standard Task Graph Set ([`formats::stg`]);
/// - `.dot` or `.gv`: Graphviz DOT ([`formats::dot`]);
/// - `.xml` or `.dax`: Pegasus DAX 2.1 ([`formats::dax`]);
/// - `.txt`: the FFT/Laplace graphs of brunodantas/scheduling-graphs ([`formats::dantas`]).
///
/// Only the CSV matrices, WfCommons machines, SAGA instances and schedlab JSON bring a platform.
///
/// # Errors
/// A [`LoadError`] whose message starts with the path and names the line,
/// task or field at fault.
pub fn load(path: &Path) -> Result<Workload, LoadError> {
    formats::load(path)
}

/// Writes a workload in the format its path names: `NAME.wfformat.json` (or
/// `NAME.wfcommons.json`) for WfCommons WfFormat 1.5, any other `.json` for
/// schedlab JSON, `.dot` or `.gv` for Graphviz DOT (without the platform).
///
/// # Errors
/// A [`SaveError`] for an unknown extension or an I/O failure, naming the path.
pub fn save(workload: &Workload, path: &Path) -> Result<(), SaveError> {
    formats::save(workload, path)
}
