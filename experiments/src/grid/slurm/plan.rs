//! What `slurm submit` decided, kept in `DIR/slurm/` so that `status` and
//! `resubmit` work from the folder alone: the plan (`plan.json`), one line
//! per submitted job (`jobs.jsonl`), and the sbatch script of each submission.

use crate::grid::shard::ranges;
use crate::output::write_atomic;
use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Folder under the results folder for the Slurm files.
pub const SLURM_DIR: &str = "slurm";

/// How a sweep is split and submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The `schedlab` binary the array tasks run (absolute).
    pub exe: PathBuf,
    /// The config path as given, relative to `workdir` unless absolute.
    pub config: PathBuf,
    /// The folder `submit` ran in; array tasks run there too, so relative
    /// paths and the manifest's `config_dir` are those of a local run.
    pub workdir: PathBuf,
    /// The results folder (absolute).
    pub out: PathBuf,
    /// The config's title (the job name).
    pub name: String,
    /// SHA-256 of the config text at submission.
    pub config_sha256: String,
    /// Cells in the grid.
    pub grid_cells: usize,
    /// N: array tasks, one shard each.
    pub shards: usize,
    /// At most this many array tasks at once (`%K`), if set.
    pub max_running: Option<usize>,
    /// `--partition`, if set.
    pub partition: Option<String>,
    /// `--time`, if set.
    pub time: Option<String>,
    /// `--cpus-per-task`, also the shard's `--threads`.
    pub cpus_per_task: usize,
}

/// One submitted array job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// Slurm's job id of the array.
    pub job: String,
    /// The shards it runs (its array task ids).
    pub shards: Vec<usize>,
    /// Its sbatch script.
    pub script: PathBuf,
}

impl Plan {
    /// `DIR/slurm`.
    pub fn dir(out: &Path) -> PathBuf {
        out.join(SLURM_DIR)
    }

    /// Where each array task's stdout and stderr go.
    fn logs(&self) -> PathBuf {
        Plan::dir(&self.out).join("logs")
    }

    /// The stderr log of `shard`'s task in `job`.
    pub fn log(&self, job: &str, shard: usize) -> PathBuf {
        self.logs().join(format!("shard-{shard}-{job}.err"))
    }

    /// The sbatch script of an array job running `shards`.
    ///
    /// # Errors
    /// If a path cannot be written in an `#SBATCH` line (whitespace, `%`, not UTF-8)
    /// or in a shell command.
    pub fn script(&self, shards: &[usize]) -> Result<String> {
        let directive_path = |path: &Path| -> Result<String> {
            match path.to_str() {
                Some(s) if !s.contains(|c: char| c.is_whitespace() || c == '%') => Ok(s.to_owned()),
                _ => bail!(
                    "{:?}: Slurm cannot take this path in an #SBATCH line (whitespace, % or not UTF-8); use another folder",
                    path
                ),
            }
        };
        let quote = |path: &Path| -> Result<String> {
            let text = path.to_str().with_context(|| format!("{path:?} is not UTF-8"))?;
            Ok(shlex::try_quote(text)
                .with_context(|| format!("{path:?} cannot be quoted for the shell"))?
                .into_owned())
        };
        let job_name: String = self
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let mut array = ranges(shards);
        if let Some(k) = self.max_running {
            array.push_str(&format!("%{k}"));
        }
        let logs = directive_path(&self.logs())?;
        let mut s = String::from("#!/bin/bash\n");
        s.push_str(&format!("#SBATCH --job-name=schedlab-{job_name}\n"));
        s.push_str(&format!("#SBATCH --array={array}\n"));
        s.push_str("#SBATCH --ntasks=1\n");
        s.push_str(&format!("#SBATCH --cpus-per-task={}\n", self.cpus_per_task));
        if let Some(partition) = &self.partition {
            s.push_str(&format!("#SBATCH --partition={partition}\n"));
        }
        if let Some(time) = &self.time {
            s.push_str(&format!("#SBATCH --time={time}\n"));
        }
        s.push_str(&format!("#SBATCH --chdir={}\n", directive_path(&self.workdir)?));
        s.push_str(&format!("#SBATCH --output={logs}/shard-%a-%A.out\n"));
        s.push_str(&format!("#SBATCH --error={logs}/shard-%a-%A.err\n"));
        s.push_str(&format!(
            "# Array task K runs shard K/{n}: the grid cells whose index is K modulo {n},\n\
             # into {out}/shards/K-of-{n}. Merge with: schedlab merge {out}\n",
            n = self.shards,
            out = self.out.display()
        ));
        s.push_str(&format!(
            "exec {} run {} --out {} --shard \"${{SLURM_ARRAY_TASK_ID}}/{}\" --threads {}\n",
            quote(&self.exe)?,
            quote(&self.config)?,
            quote(&self.out)?,
            self.shards,
            self.cpus_per_task
        ));
        Ok(s)
    }

    /// Reads `DIR/slurm/plan.json`, `None` if there is none.
    ///
    /// # Errors
    /// If it exists but cannot be read.
    pub fn load(out: &Path) -> Result<Option<Plan>> {
        let path = Plan::dir(out).join("plan.json");
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                Ok(Some(serde_json::from_str(&text).with_context(|| {
                    format!("{} is not a schedlab plan", path.display())
                })?))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Writes `DIR/slurm/plan.json`.
    ///
    /// # Errors
    /// On I/O errors.
    pub fn save(&self) -> Result<()> {
        write_atomic(
            &Plan::dir(&self.out).join("plan.json"),
            serde_json::to_string_pretty(self)?.as_bytes(),
        )
    }

    /// Writes the script of a new submission of `shards`, submits it, and records the job.
    ///
    /// # Errors
    /// If the script cannot be written, sbatch refuses it, or the record cannot be written.
    pub fn submit(&self, shards: &[usize]) -> Result<JobRecord> {
        let dir = Plan::dir(&self.out);
        std::fs::create_dir_all(self.logs()).with_context(|| format!("cannot create {}", self.logs().display()))?;
        let number = self.jobs()?.len() + 1;
        let script = dir.join(format!("submit-{number}.sbatch"));
        write_atomic(&script, self.script(shards)?.as_bytes())?;
        let job = super::queue::sbatch(&script)?;
        let record = JobRecord {
            job,
            shards: shards.to_vec(),
            script,
        };
        let path = dir.join("jobs.jsonl");
        let mut line = serde_json::to_vec(&record)?;
        line.push(b'\n');
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(&line))
            .with_context(|| {
                format!(
                    "job {} was submitted but cannot be recorded in {}",
                    record.job,
                    path.display()
                )
            })?;
        Ok(record)
    }

    /// The jobs submitted so far, oldest first.
    ///
    /// # Errors
    /// If `jobs.jsonl` exists but cannot be read.
    pub fn jobs(&self) -> Result<Vec<JobRecord>> {
        let path = Plan::dir(&self.out).join("jobs.jsonl");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        text.lines()
            .enumerate()
            .map(|(n, line)| {
                serde_json::from_str(line)
                    .with_context(|| format!("{} line {}: not a job record", path.display(), n + 1))
            })
            .collect()
    }
}
