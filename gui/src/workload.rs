//! The DAG currently loaded, with its layout and summary figures.

use crate::dag_view::DagLayout;
use sim::{Dag, Platform};
use std::sync::Arc;

/// A generated or loaded workload, ready to draw and run.
#[derive(Clone, Debug)]
pub struct LoadedWorkload {
    /// Generator spec or file name.
    pub name: String,
    /// The DAG.
    pub dag: Arc<Dag>,
    /// The platform the file brought, if any.
    pub platform: Option<Platform>,
    /// Positions for the DAG view.
    pub layout: DagLayout,
    /// Figures shown under the workload controls.
    pub stats: workloads::DagStats,
}

impl LoadedWorkload {
    /// Wraps `dag` with its layout and statistics.
    pub fn new(name: String, dag: Dag, platform: Option<Platform>) -> LoadedWorkload {
        let layout = DagLayout::new(&dag);
        let stats = workloads::stats(&dag);
        LoadedWorkload {
            name,
            dag: Arc::new(dag),
            platform,
            layout,
            stats,
        }
    }

    /// Generates `spec` with `seed`.
    ///
    /// # Errors
    /// The generator's message.
    pub fn generate(spec: &str, seed: u64) -> Result<LoadedWorkload, String> {
        let dag = workloads::generate(spec, seed).map_err(|e| e.to_string())?;
        Ok(LoadedWorkload::new(spec.to_owned(), dag, None))
    }

    /// Reads a workload file in any format `workloads::load` knows.
    ///
    /// # Errors
    /// The reader's message, naming the file.
    pub fn load(path: &std::path::Path) -> Result<LoadedWorkload, String> {
        let w = workloads::load(path).map_err(|e| e.to_string())?;
        Ok(LoadedWorkload::new(w.name, w.dag, w.platform))
    }
}
