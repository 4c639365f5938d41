//! `schedlab slurm`: hand a sweep to Slurm as a job array, one shard per
//! array task, and follow it from the results folder.
//!
//! schedlab has no runtime of its own here: each array task runs
//! `schedlab run CONFIG --shard K/N`, Slurm does the scheduling, and
//! `schedlab merge DIR` joins the shards. The state of each shard is read
//! from its folder (done when its manifest exists) and from `squeue` for the
//! jobs recorded in `DIR/slurm/jobs.jsonl`; no accounting database is needed.

mod plan;
mod queue;

pub use plan::{JobRecord, Plan};

use crate::grid::shard::{Progress, Shards, ranges};
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use queue::Queued;
use std::path::{Path, PathBuf};

/// Default cells per array task when `--shards` is not given. Slurm starts
/// array tasks at about one per second per node, so a task should run for
/// much longer than that; a thousand cells of small DAGs take seconds to minutes.
pub const DEFAULT_CELLS_PER_SHARD: usize = 1000;

/// Arguments of `schedlab slurm`.
#[derive(Debug, Args)]
pub struct SlurmCmd {
    /// What to do.
    #[command(subcommand)]
    pub command: SlurmCommand,
}

/// The `schedlab slurm` subcommands.
#[derive(Debug, Subcommand)]
pub enum SlurmCommand {
    /// Submit a sweep as a job array, one shard of the grid per array task; print the job id.
    Submit(SubmitArgs),
    /// Show which shards of a submitted sweep are done, pending, running, failed or missing.
    Status {
        /// The results folder given to `submit` (or filled by `run --shard`).
        dir: PathBuf,
    },
    /// Submit again only the shards that failed or were never submitted.
    Resubmit {
        /// The results folder given to `submit`.
        dir: PathBuf,
    },
}

/// Arguments of `schedlab slurm submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// Experiment config (TOML).
    pub config: PathBuf,
    /// Results folder (default: as `schedlab run`); must be on a file system the compute nodes share.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Array tasks N, each running the cells whose index is K modulo N
    /// (default: one per 1000 cells).
    #[arg(long)]
    pub shards: Option<usize>,
    /// Run at most K array tasks at once (`--array=0-(N-1)%K`).
    #[arg(long, value_name = "K")]
    pub max_running: Option<usize>,
    /// Slurm partition.
    #[arg(long, value_name = "P")]
    pub partition: Option<String>,
    /// Time limit of each array task, in Slurm's syntax (`30`, `2:00:00`, `1-0`).
    #[arg(long, value_name = "T")]
    pub time: Option<String>,
    /// CPUs of each array task; each shard runs this many threads.
    #[arg(long, value_name = "C", default_value_t = 1)]
    pub cpus_per_task: usize,
    /// Print the sbatch script instead of submitting it.
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs a `schedlab slurm` subcommand.
///
/// # Errors
/// Whatever the subcommand reports.
pub fn run(cmd: SlurmCmd, out: &mut dyn std::io::Write) -> Result<()> {
    match cmd.command {
        SlurmCommand::Submit(args) => submit(&args, out),
        SlurmCommand::Status { dir } => {
            let report = status(&dir)?;
            write!(out, "{report}")?;
            Ok(())
        }
        SlurmCommand::Resubmit { dir } => resubmit(&dir, out),
    }
}

/// `slurm submit`: plan, write the script, submit (or print it with `--dry-run`).
fn submit(args: &SubmitArgs, out: &mut dyn std::io::Write) -> Result<()> {
    let config = crate::grid::config::Config::load(&args.config)?;
    let grid_cells = config.cell_count();
    let shards = args
        .shards
        .unwrap_or_else(|| grid_cells.div_ceil(DEFAULT_CELLS_PER_SHARD));
    if shards == 0 || shards > grid_cells {
        bail!("--shards {shards}: expected 1 to {grid_cells}, the cells of the grid");
    }
    if args.max_running == Some(0) || args.cpus_per_task == 0 {
        bail!("--max-running and --cpus-per-task must be at least 1");
    }
    let dir = crate::cli::out_dir(args.out.as_deref(), &config);
    let plan = Plan {
        exe: std::env::current_exe().context("cannot find the schedlab binary's path")?,
        config: args.config.clone(),
        workdir: std::env::current_dir().context("cannot read the current folder")?,
        out: std::path::absolute(&dir).with_context(|| format!("cannot make {} absolute", dir.display()))?,
        name: config.name.clone(),
        config_sha256: crate::grid::sweep::sha256_hex(&config.text),
        grid_cells,
        shards,
        max_running: args.max_running,
        partition: args.partition.clone(),
        time: args.time.clone(),
        cpus_per_task: args.cpus_per_task,
    };
    let all: Vec<usize> = (0..shards).collect();
    if args.dry_run {
        write!(out, "{}", plan.script(&all)?)?;
        return Ok(());
    }
    if let Some(old) = Plan::load(&plan.out)? {
        bail!(
            "{} already holds a submission of {} shards; follow it with `schedlab slurm status {}` \
             and `schedlab slurm resubmit {}`, or submit to another --out folder",
            plan.out.display(),
            old.shards,
            plan.out.display(),
            plan.out.display()
        );
    }
    if plan.out.join(crate::grid::shard::SHARDS).exists() {
        // Shards run by hand must be of this config and sharding.
        let found = Shards::scan(&plan.out, Some(shards))?;
        if let Some((k, m)) = found
            .done()
            .find(|(_, m)| m.provenance.config_sha256 != plan.config_sha256)
        {
            bail!(
                "{}: shard {k} holds another config (SHA-256 {}); use another --out folder",
                plan.out.display(),
                m.provenance.config_sha256
            );
        }
    }
    let record = plan.submit(&all)?;
    plan.save()?;
    writeln!(
        out,
        "submitted job {}: {} array tasks of about {} cells each ({} cells), results in {}\n\
         follow with `schedlab slurm status {}`, then `schedlab merge {}`",
        record.job,
        shards,
        grid_cells.div_ceil(shards),
        grid_cells,
        plan.out.display(),
        plan.out.display(),
        plan.out.display()
    )?;
    Ok(())
}

/// The state of one shard of a submitted or hand-run sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardState {
    /// Its folder holds its manifest: every cell ran.
    Done,
    /// Queued in Slurm, waiting.
    Pending,
    /// Running in Slurm.
    Running,
    /// Submitted or started, but neither done nor in Slurm's queue: killed,
    /// timed out, crashed, or its results were removed.
    Failed,
    /// Never submitted and never started.
    Missing,
}

/// Every shard's state, with what `status` prints.
#[derive(Debug, Clone)]
pub struct Status {
    /// The results folder.
    pub dir: PathBuf,
    /// The plan, if the sweep was submitted with `slurm submit`.
    pub plan: Option<Plan>,
    /// Cells in the grid, if known.
    pub grid_cells: Option<usize>,
    /// Shard K's state at index K.
    pub states: Vec<ShardState>,
    /// The latest job each shard was submitted in.
    pub last_job: Vec<Option<String>>,
    /// Why `squeue` could not be asked, if it could not.
    pub squeue_error: Option<String>,
}

/// Reads the state of every shard of `dir` from its folders and, for
/// submitted sweeps, from `squeue`.
///
/// # Errors
/// If the folder holds neither a submission nor shards, or shards of
/// different configs or shardings.
pub fn status(dir: &Path) -> Result<Status> {
    let plan = Plan::load(dir)?;
    let shards = Shards::scan(dir, plan.as_ref().map(|p| p.shards))?;
    if let Some(plan) = &plan
        && let Some((k, m)) = shards
            .done()
            .find(|(_, m)| m.provenance.config_sha256 != plan.config_sha256)
    {
        bail!(
            "{}: shard {k} ran a config with SHA-256 {}, but {} had {} when submitted; \
             was the config edited? Remove the shard's folder and resubmit",
            dir.display(),
            m.provenance.config_sha256,
            plan.config.display(),
            plan.config_sha256
        );
    }
    let jobs = match &plan {
        Some(plan) => plan.jobs()?,
        None => Vec::new(),
    };
    let mut last_job: Vec<Option<String>> = vec![None; shards.count];
    for record in &jobs {
        for &k in record.shards.iter().filter(|&&k| k < shards.count) {
            last_job[k] = Some(record.job.clone());
        }
    }
    let ids: Vec<String> = jobs.iter().map(|r| r.job.clone()).collect();
    let (queued, squeue_error) = match queue::squeue(&ids) {
        Ok(q) => (q, None),
        Err(e) => (Default::default(), Some(format!("{e:#}"))),
    };
    let states = (0..shards.count)
        .map(|k| {
            let live = last_job[k].as_ref().and_then(|job| queued.get(&(job.clone(), k)));
            match (&shards.progress[k], live) {
                (Progress::Done(_), _) => ShardState::Done,
                (_, Some(Queued::Pending)) => ShardState::Pending,
                (_, Some(Queued::Running)) => ShardState::Running,
                (Progress::Started, None) => ShardState::Failed,
                (Progress::Absent, None) if last_job[k].is_some() => ShardState::Failed,
                (Progress::Absent, None) => ShardState::Missing,
            }
        })
        .collect();
    let grid_cells = plan
        .as_ref()
        .map(|p| p.grid_cells)
        .or_else(|| shards.done().find_map(|(_, m)| m.shard.map(|p| p.grid_cells)));
    Ok(Status {
        dir: dir.to_path_buf(),
        plan,
        grid_cells,
        states,
        last_job,
        squeue_error,
    })
}

impl Status {
    /// The shards in `state`, ascending.
    pub fn shards_in(&self, state: ShardState) -> Vec<usize> {
        (0..self.states.len()).filter(|&k| self.states[k] == state).collect()
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cells = self.grid_cells.map(|c| format!(" of {c} cells")).unwrap_or_default();
        writeln!(f, "{}: {} shards{cells}", self.dir.display(), self.states.len())?;
        for (state, label) in [
            (ShardState::Done, "done"),
            (ShardState::Pending, "pending"),
            (ShardState::Running, "running"),
            (ShardState::Failed, "failed"),
            (ShardState::Missing, "missing"),
        ] {
            let list = self.shards_in(state);
            if list.is_empty() || state == ShardState::Done {
                writeln!(f, "  {label:<8} {}", list.len())?;
            } else {
                writeln!(f, "  {label:<8} {}: {}", list.len(), ranges(&list))?;
            }
        }
        if let Some(err) = &self.squeue_error {
            writeln!(f, "warning: {err}; shards still queued or running show as failed")?;
        }
        if let Some(plan) = &self.plan {
            for k in self.shards_in(ShardState::Failed).into_iter().take(5) {
                if let Some(log) = self.last_job[k]
                    .as_ref()
                    .map(|job| plan.log(job, k))
                    .filter(|l| l.exists())
                {
                    writeln!(f, "  shard {k} log: {}", log.display())?;
                }
            }
        }
        let d = self.dir.display();
        let rerun = self
            .states
            .iter()
            .any(|s| matches!(s, ShardState::Failed | ShardState::Missing));
        if self.states.iter().all(|&s| s == ShardState::Done) {
            writeln!(f, "all done: schedlab merge {d}")
        } else if rerun && self.plan.is_some() {
            writeln!(f, "to rerun the failed and missing shards: schedlab slurm resubmit {d}")
        } else if rerun {
            writeln!(
                f,
                "to rerun a shard: schedlab run CONFIG --shard K/{} --out {d}",
                self.states.len()
            )
        } else {
            Ok(())
        }
    }
}

/// `slurm resubmit`: one new array job for the failed and missing shards.
fn resubmit(dir: &Path, out: &mut dyn std::io::Write) -> Result<()> {
    let status = status(dir)?;
    let Some(plan) = &status.plan else {
        bail!(
            "{} has no Slurm submission ({} is missing); submit with `schedlab slurm submit CONFIG --out {}`",
            dir.display(),
            Plan::dir(dir).join("plan.json").display(),
            dir.display()
        );
    };
    if let Some(err) = &status.squeue_error {
        bail!("cannot tell running shards from failed ones: {err}");
    }
    let config_path = plan.workdir.join(&plan.config);
    let text = std::fs::read_to_string(&config_path)
        .with_context(|| format!("cannot read the submitted config {}", config_path.display()))?;
    if crate::grid::sweep::sha256_hex(&text) != plan.config_sha256 {
        bail!(
            "{} changed since it was submitted (SHA-256 {} then); resubmitted shards would compute another grid",
            config_path.display(),
            plan.config_sha256
        );
    }
    let mut todo = status.shards_in(ShardState::Failed);
    todo.extend(status.shards_in(ShardState::Missing));
    todo.sort_unstable();
    if todo.is_empty() {
        writeln!(out, "nothing to resubmit: no shard failed or is missing")?;
        write!(out, "{status}")?;
        return Ok(());
    }
    let record = plan.submit(&todo)?;
    writeln!(
        out,
        "submitted job {}: shards {} of {}",
        record.job,
        ranges(&todo),
        plan.shards
    )?;
    Ok(())
}
