//! `schedlab generate`, `convert` and `info`: DAG files in and out.

use anyhow::{Context as _, Result};
use std::path::Path;
use workloads::{DagStats, Workload};

/// The generator spec `KIND:key=value,…` from a kind (which may already carry
/// parameters) and extra `key=value` pairs.
pub fn spec(kind: &str, params: &[String]) -> String {
    let mut spec = kind.to_owned();
    for (i, p) in params.iter().enumerate() {
        let sep = if i == 0 && !kind.contains(':') { ':' } else { ',' };
        spec.push(sep);
        spec.push_str(p);
    }
    spec
}

/// The size of a DAG file just written, for the confirmation line (counts
/// only: the full [`DagStats`] walk costs a tenth of writing 10^6 tasks).
#[derive(Clone, Copy, Debug)]
pub struct Written {
    /// Tasks written.
    pub tasks: usize,
    /// Edges written.
    pub edges: usize,
}

impl Written {
    fn of(dag: &sim::Dag) -> Written {
        Written {
            tasks: dag.task_count(),
            edges: dag.edge_count(),
        }
    }
}

/// Generates a DAG and writes it to `out` (format from the extension).
///
/// # Errors
/// On a bad spec or an unwritable file.
pub fn generate(kind: &str, params: &[String], seed: u64, out: &Path) -> Result<Written> {
    let spec = spec(kind, params);
    let dag = workloads::generate(&spec, seed).with_context(|| format!("generator {spec:?}"))?;
    let written = Written::of(&dag);
    let workload = Workload {
        dag,
        platform: None,
        name: spec,
    };
    workloads::save(&workload, out).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(written)
}

/// Reads `input` in any supported format and writes it to `output`.
///
/// # Errors
/// On an unreadable or malformed input, or an unwritable output.
pub fn convert(input: &Path, output: &Path) -> Result<Written> {
    let workload = workloads::load(input)?;
    workloads::save(&workload, output).with_context(|| format!("cannot write {}", output.display()))?;
    Ok(Written::of(&workload.dag))
}

/// Shape and size of a DAG file.
///
/// # Errors
/// On an unreadable or malformed file.
pub fn info(path: &Path) -> Result<DagStats> {
    Ok(workloads::stats(&workloads::load(path)?.dag))
}

/// The one-line confirmation after writing a DAG file.
pub fn wrote(path: &Path, written: &Written) -> String {
    format!(
        "wrote {} ({} tasks, {} edges)",
        path.display(),
        written.tasks,
        written.edges
    )
}

/// [`DagStats`] as a readable table.
pub fn table(s: &DagStats) -> String {
    let mut out = format!(
        "tasks          {}\nedges          {}\ndepth          {}\nmax width      {}\ntotal work     {:.6} s\ncritical path  {:.6} s\nCCR            {:.4}\nkinds\n",
        s.tasks, s.edges, s.depth, s.max_width, s.total_work, s.critical_path, s.ccr
    );
    for k in &s.kinds {
        out.push_str(&format!("  {:<24} {}\n", k.kind, k.count));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_joins_kind_and_params() {
        assert_eq!(spec("fft", &["points=8".into()]), "fft:points=8");
        assert_eq!(
            spec("layered:tasks=9", &["ccr=1".into(), "fat=0.5".into()]),
            "layered:tasks=9,ccr=1,fat=0.5"
        );
        assert_eq!(spec("fork-join", &[]), "fork-join");
    }
}
