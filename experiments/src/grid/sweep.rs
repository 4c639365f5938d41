//! Running a grid: cells in parallel, a crash-safe journal, tidy result files.
//!
//! Each finished cell is appended to `DIR/journal.jsonl` as one JSON line
//! (one `write` call). A process killed at any moment leaves at most one
//! torn last line, which the next run detects, cuts off and recomputes; every
//! complete line is a finished cell and is never run again. The journal is
//! `fsync`ed at most every half second rather than per line: process death
//! (SIGKILL) loses nothing that was written, and a power cut loses at most
//! the last half second of cells, which a rerun recomputes. Syncing every
//! line would cost a disk flush per run, more than the run itself for small DAGs.
//!
//! At the end the rows are sorted by cell index and written as
//! `results.csv` and `results.jsonl`, which hold only values derived from the
//! config, so they are byte-identical whatever the thread count or how often
//! the sweep was interrupted. Wall-clock times and the host go into
//! `manifest.json` only, whose [`Manifest`] separates what was computed
//! ([`Provenance`], cell counts) from how it ran ([`RunRecord`]).
//!
//! [`run_shard`] runs one [`Shard`] of the grid the same way into its own
//! folder (`DIR/shards/K-of-N`), with its own journal; [`crate::grid::shard::merge`]
//! joins the shards into the files [`run`] writes.

use crate::grid::config::{Cell, Config, WorkloadSource};
use crate::grid::shard::Shard;
use crate::output::write_atomic;
use anyhow::{Context as _, Result, anyhow, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use sim::{CostModel, Dag, Failures, Noise, Platform, RunResult, SimConfig};
use std::fs::{File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// Journal file name inside the output folder.
pub const JOURNAL: &str = "journal.jsonl";
/// A copy of the config text inside the output folder.
pub const CONFIG_COPY: &str = "config.toml";

/// One finished cell: every parameter and every metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Runtime noise σ.
    pub noise: f64,
    /// Mean time between failures in seconds (`null` = no failures).
    pub mtbf: Option<f64>,
    /// Seed.
    pub seed: u64,
    /// Makespan in seconds.
    pub makespan: Option<f64>,
    /// Schedule length ratio.
    pub slr: Option<f64>,
    /// Speedup over the best sequential run.
    pub speedup: Option<f64>,
    /// Speedup per core.
    pub efficiency: Option<f64>,
    /// Busy fraction of all cores.
    pub utilisation: Option<f64>,
    /// Energy in joules.
    pub energy_j: Option<f64>,
    /// Energy-delay product in J·s.
    pub edp: Option<f64>,
    /// Bytes moved between nodes.
    pub bytes_moved: Option<f64>,
    /// Task runs aborted by failures.
    pub lost_runs: Option<usize>,
    /// Core-seconds lost to failures.
    pub lost_work: Option<f64>,
    /// Joules spent on aborted runs.
    pub wasted_energy_j: Option<f64>,
    /// Why the cell failed; empty when it ran.
    pub error: String,
}

/// The columns of `results.csv`, in order.
pub const CSV_COLUMNS: [&str; 26] = [
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
    "noise",
    "mtbf",
    "seed",
    "makespan",
    "slr",
    "speedup",
    "efficiency",
    "utilisation",
    "energy_j",
    "edp",
    "bytes_moved",
    "lost_runs",
    "lost_work",
    "wasted_energy_j",
    "error",
];

impl Row {
    fn csv_record(&self) -> Vec<String> {
        let f = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        vec![
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
            self.noise.to_string(),
            f(self.mtbf),
            self.seed.to_string(),
            f(self.makespan),
            f(self.slr),
            f(self.speedup),
            f(self.efficiency),
            f(self.utilisation),
            f(self.energy_j),
            f(self.edp),
            f(self.bytes_moved),
            self.lost_runs.map(|v| v.to_string()).unwrap_or_default(),
            f(self.lost_work),
            f(self.wasted_energy_j),
            self.error.clone(),
        ]
    }
}

/// Everything one cell needs, resolved: the DAG, the platform and the settings.
pub struct Prepared<'a> {
    /// The DAG.
    pub dag: Dag,
    /// The platform.
    pub platform: &'a Platform,
    /// The engine settings.
    pub sim_config: SimConfig,
}

/// Builds the DAG and settings of `cell`.
///
/// # Errors
/// If the workload cannot be generated or loaded.
pub fn prepare<'a>(config: &'a Config, cell: &Cell) -> Result<Prepared<'a>> {
    let seed = config.seeds[cell.seed];
    let dag = match &config.workloads[cell.workload] {
        WorkloadSource::Generator { spec, .. } => workloads::generate(spec, seed)?,
        WorkloadSource::File { path, .. } => workloads::load(path)?.dag,
    };
    let dag = crate::cli::simulate::workflow_dag(dag, &config.platforms[cell.platform].platform)?;
    let mtbf = config.mtbf[cell.failure];
    let failures = if mtbf.is_finite() {
        Failures::Exponential {
            mtbf,
            repair: config.repair,
        }
    } else {
        Failures::None
    };
    Ok(Prepared {
        dag,
        platform: &config.platforms[cell.platform].platform,
        sim_config: SimConfig {
            noise: Noise::lognormal(config.noise[cell.noise]),
            seed,
            failures,
            speed_error: config.speed_error,
            ..SimConfig::default()
        },
    })
}

/// Runs `cell` and audits the run with the invariant checker.
///
/// # Errors
/// A scheduler or engine error, or an invariant violation.
pub fn simulate_cell(config: &Config, cell: &Cell, prepared: &Prepared<'_>) -> Result<RunResult> {
    let mut scheduler = schedulers::wms::wrap(
        schedulers::registry::create(&config.schedulers[cell.scheduler], prepared.sim_config.seed)?,
        prepared.platform,
    );
    let result = sim::simulate(&prepared.dag, prepared.platform, &mut scheduler, &prepared.sim_config)?;
    let costs = CostModel::new(&prepared.dag, prepared.platform)?;
    if let Err(violations) = sim::check::check(&costs, &result) {
        let first = violations.first().map(ToString::to_string).unwrap_or_default();
        bail!("the run violates {} invariants, first: {first}", violations.len());
    }
    Ok(result)
}

/// Runs one cell into a row; a failure becomes a row with `error` set.
pub fn run_cell(config: &Config, cell: &Cell) -> Row {
    let mtbf = config.mtbf[cell.failure];
    let workload = &config.workloads[cell.workload];
    let platform = &config.platforms[cell.platform];
    let mut row = Row {
        index: cell.index,
        id: config.cell_id(cell),
        workload: workload.label().to_owned(),
        family: workload.family().to_owned(),
        ccr: match workload {
            WorkloadSource::Generator { ccr, .. } => *ccr,
            WorkloadSource::File { .. } => None,
        },
        tasks: 0,
        edges: 0,
        platform: platform.label.clone(),
        nodes: platform.platform.node_count(),
        cores: platform.platform.total_cores(),
        scheduler: config.schedulers[cell.scheduler].clone(),
        noise: config.noise[cell.noise],
        mtbf: mtbf.is_finite().then_some(mtbf),
        seed: config.seeds[cell.seed],
        makespan: None,
        slr: None,
        speedup: None,
        efficiency: None,
        utilisation: None,
        energy_j: None,
        edp: None,
        bytes_moved: None,
        lost_runs: None,
        lost_work: None,
        wasted_energy_j: None,
        error: String::new(),
    };
    let outcome = prepare(config, cell).and_then(|prepared| {
        row.tasks = prepared.dag.task_count();
        row.edges = prepared.dag.edge_count();
        simulate_cell(config, cell, &prepared)
    });
    match outcome {
        Ok(result) => {
            // Adding 0 turns -0 into 0, so no file shows "-0".
            let m = &result.metrics;
            let z = |x: f64| x + 0.0;
            row.makespan = Some(z(m.makespan));
            row.slr = Some(z(m.slr));
            row.speedup = Some(z(m.speedup));
            row.efficiency = Some(z(m.efficiency));
            row.utilisation = Some(z(m.utilisation));
            row.energy_j = Some(z(m.energy_j));
            row.edp = Some(z(m.edp));
            row.bytes_moved = Some(z(m.bytes_moved));
            row.lost_runs = Some(result.lost.len());
            row.lost_work = Some(z(m.lost_work));
            row.wasted_energy_j = Some(z(m.wasted_energy_j));
        }
        Err(err) => row.error = format!("{err:#}"),
    }
    row
}

/// Settings of [`run`] that are not in the config.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// Output folder.
    pub out: PathBuf,
    /// Worker threads (`None` = one per core).
    pub threads: Option<usize>,
    /// Show a progress bar on stderr when it is a terminal.
    pub progress: bool,
}

/// What a finished sweep did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepSummary {
    /// Cells in the grid.
    pub cells: usize,
    /// Cells found in the journal and not rerun.
    pub resumed: usize,
    /// Cells whose row carries an error.
    pub failed: usize,
}

/// The sweep finished but this many cells failed; `main` exits with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SomeRunsFailed(pub usize);

impl std::fmt::Display for SomeRunsFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} runs failed; see the error column of results.csv", self.0)
    }
}

impl std::error::Error for SomeRunsFailed {}

/// Reads the journal, cutting off a torn last line.
///
/// # Errors
/// If a complete line is not a row, or a row does not belong to this config or shard.
fn read_journal(path: &Path, config: &Config, shard: Option<Shard>) -> Result<Vec<Row>> {
    let mut file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot open {}", path.display())),
    };
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    if complete < bytes.len() {
        // A torn last line from a killed run: drop it, its cell is rerun.
        file.set_len(complete as u64)
            .with_context(|| format!("cannot truncate {}", path.display()))?;
    }
    let mut rows = Vec::new();
    for (n, line) in bytes[..complete].split(|&b| b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let row: Row = serde_json::from_slice(line)
            .with_context(|| format!("{} line {}: not a result row", path.display(), n + 1))?;
        if row.index >= config.cell_count() || config.cell_id(&config.cell(row.index)) != row.id {
            bail!(
                "{} line {}: cell {} ({}) is not in this config; use another --out folder",
                path.display(),
                n + 1,
                row.index,
                row.id
            );
        }
        if let Some(shard) = shard.filter(|s| !s.contains(row.index)) {
            bail!(
                "{} line {}: cell {} is not in shard {shard}; use another --out folder",
                path.display(),
                n + 1,
                row.index
            );
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Appends rows to the journal, syncing at most every half second.
struct Journal {
    file: File,
    last_sync: Instant,
}

impl Journal {
    fn append(&mut self, row: &Row) -> Result<()> {
        let mut line = serde_json::to_vec(row)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        if self.last_sync.elapsed() >= Duration::from_millis(500) {
            self.file.sync_data()?;
            self.last_sync = Instant::now();
        }
        Ok(())
    }
}

/// SHA-256 of `text` in hex.
pub fn sha256_hex(text: &str) -> String {
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a time since the Unix epoch.
fn utc(time: SystemTime) -> String {
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

/// The tidy CSV of sorted rows.
///
/// # Errors
/// Only if CSV encoding fails.
pub fn results_csv(rows: &[Row]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_COLUMNS)?;
    for row in rows {
        writer.write_record(row.csv_record())?;
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

/// What a results folder computed. Two folders of the same config and build
/// have equal provenance however they ran (threads, resumes, shards).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
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
/// If it is missing or not a manifest.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a schedlab manifest", path.display()))
}

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

fn write_jsonl(dir: &Path, rows: &[Row]) -> Result<()> {
    let mut jsonl = Vec::new();
    for row in rows {
        serde_json::to_writer(&mut jsonl, row)?;
        jsonl.push(b'\n');
    }
    write_atomic(&dir.join("results.jsonl"), &jsonl)
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<()> {
    write_atomic(
        &dir.join("manifest.json"),
        serde_json::to_string_pretty(manifest)?.as_bytes(),
    )
}

/// Runs every cell of `config` not yet in the journal under `options.out`,
/// then writes `results.csv`, `results.jsonl`, `manifest.json` and a copy of the config.
///
/// # Errors
/// On I/O errors or a journal from another config; failed cells are not
/// errors here, they are counted in the summary.
pub fn run(config: &Config, options: &SweepOptions) -> Result<SweepSummary> {
    sweep(config, options, None)
}

/// Runs the cells of `shard` not yet in its journal, in `shard.dir(&options.out)`,
/// then writes its `results.jsonl` and, last, its `manifest.json`, which marks it done.
///
/// # Errors
/// As [`run`], and if the journal holds a cell of another shard.
pub fn run_shard(config: &Config, options: &SweepOptions, shard: Shard) -> Result<SweepSummary> {
    sweep(config, options, Some(shard))
}

fn sweep(config: &Config, options: &SweepOptions, shard: Option<Shard>) -> Result<SweepSummary> {
    let start = SystemTime::now();
    let dir = &shard.map_or_else(|| options.out.clone(), |s| s.dir(&options.out));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let journal_path = dir.join(JOURNAL);
    let mut rows = read_journal(&journal_path, config, shard)?;
    let mut done = vec![false; config.cell_count()];
    rows.retain(|r| !std::mem::replace(&mut done[r.index], true));
    let resumed = rows.len();
    let todo: Vec<Cell> = Shard::cells_of(shard, config.cell_count())
        .filter(|&i| !done[i])
        .map(|i| config.cell(i))
        .collect();

    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&journal_path)
        .with_context(|| format!("cannot open {}", journal_path.display()))?;
    let journal = Mutex::new(Journal {
        file,
        last_sync: Instant::now(),
    });
    let bar = if options.progress {
        indicatif::ProgressBar::new(todo.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {elapsed} elapsed, ETA {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .context("cannot start the thread pool")?;
    let fresh: Vec<Row> = pool.install(|| {
        todo.par_iter()
            .map(|cell| {
                let row = run_cell(config, cell);
                let mut journal = journal.lock().map_err(|_| anyhow!("journal lock poisoned"))?;
                journal
                    .append(&row)
                    .with_context(|| format!("cannot append to {}", journal_path.display()))?;
                drop(journal);
                bar.inc(1);
                Ok(row)
            })
            .collect::<Result<Vec<Row>>>()
    })?;
    bar.finish_and_clear();
    let journal = journal.into_inner().map_err(|_| anyhow!("journal lock poisoned"))?;
    journal
        .file
        .sync_all()
        .with_context(|| format!("cannot flush {}", journal_path.display()))?;

    rows.extend(fresh);
    rows.sort_by_key(|r| r.index);
    let failed = rows.iter().filter(|r| !r.error.is_empty()).count();
    let end = SystemTime::now();
    let manifest = Manifest {
        provenance: Provenance::of(config),
        cells: rows.len(),
        failed,
        run: RunRecord {
            resumed,
            threads: pool.current_num_threads(),
            start: utc(start),
            end: utc(end),
            wall_seconds: end.duration_since(start).map_or(0.0, |d| d.as_secs_f64()),
            host: gethostname::gethostname().to_string_lossy().into_owned(),
        },
        shard: shard.map(|s| ShardPart {
            index: s.index,
            count: s.count,
            grid_cells: config.cell_count(),
        }),
        shards: Vec::new(),
        missing_shards: Vec::new(),
    };
    if shard.is_some() {
        // A shard folder keeps only what the merge reads; the manifest comes last.
        write_jsonl(dir, &rows)?;
        write_manifest(dir, &manifest)?;
    } else {
        write_results(dir, &rows, &manifest)?;
    }
    Ok(SweepSummary {
        cells: rows.len(),
        resumed,
        failed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
