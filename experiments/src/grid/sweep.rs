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
//! folder (`DIR/shards/K-of-N`), with its own journal; [`crate::results::merge`]
//! joins the shards into the files [`run`] writes.
//! The files themselves belong to [`crate::results`].

use crate::grid::config::{Cell, Config, WorkloadSource};
use crate::grid::identity::{self, Inputs};
use crate::grid::shard::Shard;
use crate::output::write_atomic;
use crate::results::manifest::utc;
use crate::results::metrics::METRICS;
use crate::results::{Manifest, Provenance, Row, RunRecord, ShardPart, write_jsonl, write_manifest, write_results};
use crate::run::{RunSpec, StreamSpec};
use anyhow::{Context as _, Result, anyhow, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sim::job_metrics::{JobOutcome, StreamMetrics};
use sim::{Dag, Noise, Platform, SimConfig};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// Journal file name inside the output folder.
pub const JOURNAL: &str = "journal.jsonl";

/// Everything the cells of one instance share, resolved: the DAG, the
/// platform and the engine's settings; [`Prepared::spec`] adds a scheduler.
pub struct Prepared<'a> {
    /// The DAG.
    pub dag: Dag,
    /// The platform.
    pub platform: &'a Platform,
    /// The engine settings.
    pub settings: SimConfig,
}

impl Prepared<'_> {
    /// The run of `scheduler` under `resource_manager` on this instance.
    pub fn spec<'s>(&'s self, scheduler: &'s str, resource_manager: &'s str) -> RunSpec<'s> {
        RunSpec {
            dag: &self.dag,
            platform: self.platform,
            scheduler,
            resource_manager,
            settings: self.settings.clone(),
        }
    }
}

/// The engine's settings of `cell`.
pub fn settings(config: &Config, cell: &Cell) -> SimConfig {
    SimConfig {
        noise: Noise::lognormal(config.noise[cell.noise]),
        seed: config.seeds[cell.seed],
        failures: config.failures[cell.failure].clone(),
        checkpointing: config
            .checkpoint
            .filter(|_| config.failures[cell.failure] != sim::Failures::None)
            .map(|cost| sim::Checkpointing { cost, interval: None }),
        speed_error: config.speed_error,
        ..SimConfig::default()
    }
}

/// Builds the DAG and settings of `cell`.
///
/// # Errors
/// If the workload cannot be generated or loaded, or is a job stream
/// (whose DAG grows as its jobs arrive: see [`run_stream`]).
pub fn prepare<'a>(config: &'a Config, cell: &Cell) -> Result<Prepared<'a>> {
    let seed = config.seeds[cell.seed];
    let dag = match &config.workloads[cell.workload] {
        WorkloadSource::Generator { spec, .. } => workloads::generate(spec, seed)?,
        WorkloadSource::File { path, .. } => workloads::load(path)?.dag,
        WorkloadSource::Stream(stream) => bail!("{} is a job stream, not one DAG", stream.label),
    };
    let dag = crate::run::workflow_dag(dag, &config.platforms[cell.platform].platform)?;
    Ok(Prepared {
        dag,
        platform: &config.platforms[cell.platform].platform,
        settings: settings(config, cell),
    })
}

/// A job stream's run of one cell: the instance (holding the DAG of every
/// job that arrived), the run, and its jobs.
pub struct StreamCell<'a> {
    /// The instance, its DAG grown by every job.
    pub prepared: Prepared<'a>,
    /// The run.
    pub result: sim::RunResult,
    /// Every job's outcome, in arrival order.
    pub outcomes: Vec<JobOutcome>,
    /// The stream's metrics.
    pub metrics: StreamMetrics,
}

/// Runs `scheduler` under `resource_manager` on the job stream of `cell` (audited).
///
/// # Errors
/// If the stream cannot be drawn or run, or `cell` is not a stream.
pub fn run_stream<'a>(
    config: &'a Config,
    cell: &Cell,
    scheduler: &str,
    resource_manager: &str,
) -> Result<StreamCell<'a>> {
    let (stream, platform) = stream_of(config, cell)?;
    let run = StreamSpec {
        stream: &stream,
        platform,
        scheduler,
        resource_manager,
        settings: settings(config, cell),
    }
    .execute()?;
    let outcomes = run.outcomes();
    let metrics = run.metrics(stream.limit().horizon);
    Ok(StreamCell {
        prepared: Prepared {
            dag: run.dag,
            platform,
            settings: settings(config, cell),
        },
        result: run.result,
        outcomes,
        metrics,
    })
}

/// The job stream of `cell` and its platform, for a [`StreamSpec`] (with
/// [`settings`]).
///
/// # Errors
/// If `cell` is not a stream or its stream cannot be built.
pub fn stream_of<'a>(config: &'a Config, cell: &Cell) -> Result<(workloads::stream::Stream, &'a sim::Platform)> {
    let WorkloadSource::Stream(workload) = &config.workloads[cell.workload] else {
        bail!("cell {} is not a job stream", config.cell_id(cell));
    };
    let platform = &config.platforms[cell.platform].platform;
    Ok((workload.stream(platform)?, platform))
}

/// The cell of `config` a row records.
///
/// # Errors
/// If no cell of `config` has the row's id.
pub fn cell_of(config: &Config, row: &Row) -> Result<Cell> {
    config
        .cells()
        .find(|c| config.cell_id(c) == row.id)
        .with_context(|| format!("cell {} is not in the config", row.id))
}

/// Reruns the cell `row` records (runs are deterministic, so this is the
/// run behind the row); returns its prepared instance and result.
///
/// # Errors
/// If the row's cell is not in `config`, or it cannot be prepared or run.
pub fn rerun<'a>(config: &'a Config, row: &Row) -> Result<(Prepared<'a>, sim::RunResult)> {
    let cell = cell_of(config, row)?;
    if let WorkloadSource::Stream(_) = &config.workloads[cell.workload] {
        let run = run_stream(config, &cell, &row.scheduler, &row.resource_manager)?;
        return Ok((run.prepared, run.result));
    }
    let prepared = prepare(config, &cell)?;
    let result = prepared.spec(&row.scheduler, &row.resource_manager).execute()?;
    Ok((prepared, result))
}

/// Runs one cell into a row; a failure becomes a row with `error` set.
pub fn run_cell(config: &Config, cell: &Cell) -> Row {
    let scheduler = &config.schedulers[cell.scheduler];
    let resources = &config.resource_managers[cell.resource_manager];
    let platform = &config.platforms[cell.platform];
    let mut row = row_template(config, cell);
    let outcome = match &config.workloads[cell.workload] {
        WorkloadSource::Stream(_) => {
            run_stream(config, cell, scheduler, resources).map(|run| (run.prepared.dag, run.result, Some(run.metrics)))
        }
        _ => prepare(config, cell).and_then(|prepared| {
            let result = prepared.spec(scheduler, resources).execute()?;
            Ok((prepared.dag, result, None))
        }),
    };
    match outcome {
        Ok((dag, result, stream)) => {
            row.tasks = dag.task_count();
            row.edges = dag.edge_count();
            row.set_metrics(&result, &platform.platform, stream.as_ref());
        }
        Err(err) => row.error = format!("{err:#}"),
    }
    row
}

/// A resumed row: the journal's results under the labels of `cell` in the
/// current config (its index and labels may differ when the grid grew).
fn resumed_row(config: &Config, cell: &Cell, journal: &Row) -> Row {
    Row {
        tasks: journal.tasks,
        edges: journal.edges,
        metrics: journal.metrics.clone(),
        error: journal.error.clone(),
        ..row_template(config, cell)
    }
}

/// The row of `cell` with its labels and no results yet.
fn row_template(config: &Config, cell: &Cell) -> Row {
    let workload = &config.workloads[cell.workload];
    let platform = &config.platforms[cell.platform];
    Row {
        index: cell.index,
        id: config.cell_id(cell),
        workload: workload.label().to_owned(),
        family: workload.family().to_owned(),
        ccr: match workload {
            WorkloadSource::Generator { ccr, .. } => *ccr,
            WorkloadSource::File { .. } | WorkloadSource::Stream(_) => None,
        },
        tasks: 0,
        edges: 0,
        platform: platform.label.clone(),
        nodes: platform.platform.node_count(),
        cores: platform.platform.total_cores(),
        scheduler: config.schedulers[cell.scheduler].clone(),
        resource_manager: config.resource_managers[cell.resource_manager].clone(),
        policy: crate::results::row::policy(
            &config.schedulers[cell.scheduler],
            &config.resource_managers[cell.resource_manager],
        ),
        noise: config.noise[cell.noise],
        mtbf: config.failures[cell.failure].mtbf(),
        seed: config.seeds[cell.seed],
        metrics: vec![None; METRICS.len()],
        error: String::new(),
    }
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
    /// Why cells at the coordinates of journal rows were rerun (which input changed).
    pub reruns: Vec<String>,
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

/// One journal line: a finished cell's row and the hashed inputs it was computed from.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct JournalLine {
    #[serde(flatten)]
    row: Row,
    /// Absent in journals of builds before cell identities: never resumed from.
    #[serde(default)]
    inputs: Option<Inputs>,
}

/// Reads the journal, cutting off a torn last line.
///
/// # Errors
/// If a complete line is not a row.
fn read_journal(path: &Path) -> Result<Vec<JournalLine>> {
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
    bytes[..complete]
        .split(|&b| b == b'\n')
        .enumerate()
        .filter(|(_, line)| !line.is_empty())
        .map(|(n, line)| {
            serde_json::from_slice(line).with_context(|| format!("{} line {}: not a result row", path.display(), n + 1))
        })
        .collect()
}

/// The rows of `cells` that the journal holds with equal inputs, and the
/// messages that say why the cells at the coordinates of other journal rows rerun.
fn resume(config: &Config, cells: &[Cell], inputs: &[Inputs], journal: &[JournalLine]) -> (Vec<Row>, Vec<String>) {
    let by_identity: HashMap<String, &Row> = journal
        .iter()
        .filter_map(|line| Some((line.inputs.as_ref()?.identity(), &line.row)))
        .collect();
    let by_id: HashMap<&str, &JournalLine> = journal.iter().map(|line| (line.row.id.as_str(), line)).collect();
    let mut rows = Vec::new();
    // Reason → cells it makes rerun, in first-seen order.
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for cell in cells {
        let now = &inputs[cell.index];
        if let Some(row) = by_identity.get(&now.identity()) {
            rows.push(resumed_row(config, cell, row));
            continue;
        }
        let Some(old) = by_id.get(config.cell_id(cell).as_str()) else {
            continue; // A new cell: nothing to explain.
        };
        let reason = match &old.inputs {
            Some(before) => before.changes(now, config, cell).join(", ") + " changed",
            None => "the journal predates cell identities".to_owned(),
        };
        match reasons.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => reasons.push((reason, 1)),
        }
    }
    let messages = reasons
        .into_iter()
        .map(|(reason, n)| format!("{n} cells rerun: {reason} since the journal"))
        .collect();
    (rows, messages)
}

/// Appends rows to the journal, syncing at most every half second.
struct Journal {
    file: File,
    last_sync: Instant,
}

impl Journal {
    fn append(&mut self, row: &Row, inputs: &Inputs) -> Result<()> {
        let mut line = serde_json::to_vec(&JournalLine {
            row: row.clone(),
            inputs: Some(inputs.clone()),
        })?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        if self.last_sync.elapsed() >= Duration::from_millis(500) {
            self.file.sync_data()?;
            self.last_sync = Instant::now();
        }
        Ok(())
    }
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
    let inputs = identity::of(config);
    let cells: Vec<Cell> = Shard::cells_of(shard, &inputs)
        .into_iter()
        .map(|i| config.cell(i))
        .collect();
    let (mut rows, reruns) = resume(config, &cells, &inputs, &read_journal(&journal_path)?);
    let resumed = rows.len();
    // Keep only the reused lines, so rows of changed inputs never come back.
    let mut kept = Vec::new();
    for row in &rows {
        serde_json::to_writer(
            &mut kept,
            &JournalLine {
                row: row.clone(),
                inputs: Some(inputs[row.index].clone()),
            },
        )?;
        kept.push(b'\n');
    }
    write_atomic(&journal_path, &kept)?;
    let done: std::collections::HashSet<usize> = rows.iter().map(|r| r.index).collect();
    let todo: Vec<Cell> = cells.into_iter().filter(|c| !done.contains(&c.index)).collect();

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
                    .append(&row, &inputs[cell.index])
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
        reruns,
    })
}
