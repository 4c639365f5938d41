//! The results folder: its rows ([`Row`], one per cell), the one table of
//! metrics they carry ([`metrics::METRICS`]), its `manifest.json`
//! ([`Manifest`]), and the readers, writers and merge every producer and
//! consumer of results goes through (sweeps, shards, reports, evaluation, the GUI).
//!
//! A folder holds `results.jsonl` (one JSON row per line), `results.csv`
//! (the same rows as a tidy table), `config.toml` (a copy of the config) and
//! `manifest.json`, written last.

pub mod manifest;
pub mod merge;
pub mod metrics;
pub mod row;

pub use manifest::{Manifest, Provenance, RunRecord, ShardPart, ShardRecord, read_manifest, write_manifest};
pub use row::Row;

use crate::output::write_atomic;
use anyhow::{Context as _, Result, anyhow};
use std::path::Path;

/// A copy of the config text inside the output folder.
pub const CONFIG_COPY: &str = "config.toml";

/// Writes `results.jsonl`, `results.csv`, a copy of the config and, last, `manifest.json`.
///
/// # Errors
/// On I/O errors.
pub fn write_results(dir: &Path, rows: &[Row], manifest: &Manifest) -> Result<()> {
    write_jsonl(dir, rows)?;
    write_atomic(&dir.join("results.csv"), &results_csv(rows)?)?;
    write_atomic(&dir.join(CONFIG_COPY), manifest.provenance.config.as_bytes())?;
    write_manifest(dir, manifest)
}

/// Writes `DIR/results.jsonl`, one row per line.
///
/// # Errors
/// On I/O errors.
pub fn write_jsonl(dir: &Path, rows: &[Row]) -> Result<()> {
    let mut jsonl = Vec::new();
    for row in rows {
        serde_json::to_writer(&mut jsonl, row)?;
        jsonl.push(b'\n');
    }
    write_atomic(&dir.join("results.jsonl"), &jsonl)
}

/// The tidy CSV of sorted rows.
///
/// # Errors
/// Only if CSV encoding fails.
pub fn results_csv(rows: &[Row]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let written = row::written_metrics(rows);
    writer.write_record(row::columns_of(&written))?;
    for row in rows {
        writer.write_record(row.csv_record_of(&written))?;
    }
    writer.into_inner().map_err(|e| anyhow!("csv: {e}"))
}

/// Reads the rows of `DIR/results.jsonl`.
///
/// # Errors
/// If the file is missing or a line is not a row.
pub fn read_results(dir: &Path) -> Result<Vec<Row>> {
    let path = dir.join("results.jsonl");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .map(|(n, line)| serde_json::from_str(line).with_context(|| format!("{} line {}", path.display(), n + 1)))
        .collect()
}
