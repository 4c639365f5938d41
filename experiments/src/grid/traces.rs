//! `schedlab run CONFIG --trace-cells SELECTOR --trace-dir DIR`: Chrome
//! trace-event files (open in Perfetto or `chrome://tracing`) of the cells a
//! [`Selector`] picks, recomputed after the sweep (runs are deterministic,
//! so a trace shows exactly the run its row records, resumed or not).

use super::config::Config;
use super::select::Selector;
use super::sweep::rerun;
use crate::results::Row;
use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};

/// Writes `DIR/cell-INDEX.json` for every successful row matching `selector`;
/// returns the files written, in grid order.
///
/// # Errors
/// If no successful row matches, or a run or file fails.
pub fn write(config: &Config, rows: &[Row], selector: &Selector, dir: &Path) -> Result<Vec<PathBuf>> {
    let chosen: Vec<&Row> = rows
        .iter()
        .filter(|r| r.error.is_empty() && selector.matches(r))
        .collect();
    if chosen.is_empty() {
        bail!("--trace-cells {selector}: no successful cell of the grid matches");
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::with_capacity(chosen.len());
    for row in chosen {
        let (prepared, result) = rerun(config, row)?;
        let trace = sim::trace::chrome_trace(&prepared.dag, prepared.platform, &result);
        let path = dir.join(format!("cell-{}.json", row.index));
        crate::output::write_atomic(&path, serde_json::to_string(&trace)?.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
