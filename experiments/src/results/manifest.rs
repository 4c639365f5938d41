//! `manifest.json`: what a results folder computed ([`Provenance`]), how
//! it ran ([`RunRecord`]) and, for shards and merges, which parts it holds.

use crate::grid::config::Config;
use crate::output::write_atomic;
use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::path::Path;
use std::time::SystemTime;

/// The layout of results folders this build writes, recorded in
/// `manifest.json`. 2: cells carry content hashes of their inputs in the
/// journal, file workloads are named in the `family` column, and the metric
/// columns follow [`crate::results::metrics::METRICS`]; 1 (unrecorded) before.
pub const FORMAT_VERSION: u32 = 2;

/// What a results folder computed. Two folders of the same config and build
/// have equal provenance however they ran (threads, resumes, shards).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The layout of the results folder ([`FORMAT_VERSION`]; 0 for folders
    /// written before it was recorded).
    #[serde(default)]
    pub format_version: u32,
    /// The config's title.
    pub name: String,
    /// The config text.
    pub config: String,
    /// SHA-256 of the config text.
    pub config_sha256: String,
    /// Folder that the config's relative paths are resolved against.
    pub config_dir: String,
    /// The schedlab version.
    pub schedlab_version: String,
    /// `git rev-parse HEAD` in the current folder, if it is a checkout.
    pub git_revision: Option<String>,
    /// The seeds of the grid.
    pub seeds: Vec<u64>,
}

impl Provenance {
    /// The provenance of a run of `config` from the current folder.
    pub fn of(config: &Config) -> Provenance {
        Provenance {
            format_version: FORMAT_VERSION,
            name: config.name.clone(),
            config: config.text.clone(),
            config_sha256: sha256_hex(&config.text),
            config_dir: config.base.display().to_string(),
            schedlab_version: env!("CARGO_PKG_VERSION").to_owned(),
            git_revision: git_revision(),
            seeds: config.seeds.clone(),
        }
    }
}

/// How one process ran: these fields differ between runs of the same config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Cells found in the journal and not rerun.
    pub resumed: usize,
    /// Worker threads.
    pub threads: usize,
    /// Start, `YYYY-MM-DDTHH:MM:SSZ`.
    pub start: String,
    /// End, `YYYY-MM-DDTHH:MM:SSZ`.
    pub end: String,
    /// Seconds from start to end.
    pub wall_seconds: f64,
    /// Host name.
    pub host: String,
}

impl RunRecord {
    /// The record of a merge of runs with these `records`: the earliest
    /// start and latest end, the sums of `resumed` and `wall_seconds`, the
    /// most `threads` any used, and their distinct hosts.
    pub fn merged<'a>(records: impl Iterator<Item = &'a RunRecord> + Clone) -> RunRecord {
        let mut hosts: Vec<&str> = records.clone().map(|r| r.host.as_str()).collect();
        hosts.sort_unstable();
        hosts.dedup();
        RunRecord {
            resumed: records.clone().map(|r| r.resumed).sum(),
            threads: records.clone().map(|r| r.threads).max().unwrap_or(0),
            // The `YYYY-MM-DDTHH:MM:SSZ` format sorts as text.
            start: records.clone().map(|r| r.start.clone()).min().unwrap_or_default(),
            end: records.clone().map(|r| r.end.clone()).max().unwrap_or_default(),
            wall_seconds: records.map(|r| r.wall_seconds).sum(),
            host: hosts.join(","),
        }
    }
}

/// Which shard a shard folder's manifest describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardPart {
    /// K of K/N.
    pub index: usize,
    /// N of K/N.
    pub count: usize,
    /// Cells in the whole grid.
    pub grid_cells: usize,
}

/// One shard's record in a merged manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardRecord {
    /// K of K/N.
    pub shard: usize,
    /// Cells the shard ran.
    pub cells: usize,
    /// Of which failed.
    pub failed: usize,
    /// How it ran.
    #[serde(flatten)]
    pub run: RunRecord,
}

/// `manifest.json`: provenance, counts and how the folder was produced.
///
/// A local run and a merge of shards of the same config write equal
/// `provenance`, `cells` and `failed`; `run` describes the run (for a merge:
/// the earliest start and latest end of its shards, the sums of their
/// `resumed` and `wall_seconds`, the most `threads` any used, their hosts),
/// and only a merge writes `shards`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// What was computed.
    #[serde(flatten)]
    pub provenance: Provenance,
    /// Rows in the results.
    pub cells: usize,
    /// Rows with an error.
    pub failed: usize,
    /// How it ran.
    #[serde(flatten)]
    pub run: RunRecord,
    /// In a shard's folder: which shard. Its presence marks the shard done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardPart>,
    /// In a merged folder: each shard's own record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shards: Vec<ShardRecord>,
    /// In a partial merge (`merge --allow-partial`): the shards left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_shards: Vec<usize>,
}

/// Reads `DIR/manifest.json`.
///
/// # Errors
/// If it is missing, not a manifest, or of a newer format than this build reads.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let manifest: Manifest =
        serde_json::from_str(&text).with_context(|| format!("{} is not a schedlab manifest", path.display()))?;
    if manifest.provenance.format_version > FORMAT_VERSION {
        bail!(
            "{}: results format {} is newer than this schedlab's ({FORMAT_VERSION}); use a newer build",
            path.display(),
            manifest.provenance.format_version
        );
    }
    Ok(manifest)
}

/// Writes `DIR/manifest.json`.
///
/// # Errors
/// On I/O errors.
pub fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<()> {
    write_atomic(
        &dir.join("manifest.json"),
        serde_json::to_string_pretty(manifest)?.as_bytes(),
    )
}

/// SHA-256 of `text` in hex.
pub fn sha256_hex(text: &str) -> String {
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a time since the Unix epoch.
pub fn utc(time: SystemTime) -> String {
    let secs = time.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Civil-from-days (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// `git rev-parse HEAD` in the current folder, if git answers.
fn git_revision() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(utc(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        assert_eq!(utc(t), "2026-11-18T11:06:40Z");
    }

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
