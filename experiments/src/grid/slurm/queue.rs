//! Talking to Slurm: `sbatch` to submit, `squeue` to see what is still queued.
//! Both are found on `PATH` and read `SLURM_CONF` from the environment,
//! which they inherit. No `sacct`: clusters without slurmdbd lack it.

use anyhow::{Context as _, Result, bail};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// What `squeue` says about one array task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    /// Waiting for resources (`PD`).
    Pending,
    /// Running, or in another live state (configuring, completing, suspended).
    Running,
}

/// Submits `script` with `sbatch --parsable` and returns the job id.
///
/// # Errors
/// If `sbatch` cannot be started or refuses the job (its message is included).
pub fn sbatch(script: &Path) -> Result<String> {
    let out = Command::new("sbatch")
        .arg("--parsable")
        .arg(script)
        .output()
        .context("cannot run sbatch (is Slurm's client installed and on PATH?)")?;
    if !out.status.success() {
        bail!(
            "sbatch {} failed ({}): {}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    parse_job_id(&String::from_utf8_lossy(&out.stdout))
}

/// The job id in `sbatch --parsable` output: `ID` or `ID;CLUSTER`.
fn parse_job_id(stdout: &str) -> Result<String> {
    let id = stdout.trim().split(';').next().unwrap_or_default();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        bail!("sbatch printed {:?}, expected a job id", stdout.trim());
    }
    Ok(id.to_owned())
}

/// The live array tasks of `jobs`, keyed by (array job id, task id).
///
/// # Errors
/// If `squeue` cannot be started or fails for another reason than the jobs
/// having left the queue.
pub fn squeue(jobs: &[String]) -> Result<HashMap<(String, usize), Queued>> {
    if jobs.is_empty() {
        return Ok(HashMap::new());
    }
    let out = Command::new("squeue")
        .args(["--noheader", "--array", "--format=%F %K %t", "--jobs"])
        .arg(jobs.join(","))
        .output()
        .context("cannot run squeue (is Slurm's client installed and on PATH?)")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        // Asked for one job only, squeue fails once the job has left the queue.
        if stderr.contains("Invalid job id") {
            return Ok(HashMap::new());
        }
        bail!("squeue failed ({}): {}", out.status, stderr.trim());
    }
    parse_squeue(&String::from_utf8_lossy(&out.stdout))
}

/// Parses `squeue --format='%F %K %t'` lines: array job id, task id, state.
fn parse_squeue(stdout: &str) -> Result<HashMap<(String, usize), Queued>> {
    let mut tasks = HashMap::new();
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [job, task, state] = fields[..] else {
            bail!("squeue printed {line:?}, expected: array-job-id task-id state");
        };
        let Ok(task) = task.parse::<usize>() else {
            bail!("squeue printed {line:?}: task id {task:?} is not a number");
        };
        let queued = if state == "PD" {
            Queued::Pending
        } else {
            Queued::Running
        };
        tasks.insert((job.to_owned(), task), queued);
    }
    Ok(tasks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_ids_from_sbatch() {
        assert_eq!(parse_job_id("123\n").unwrap(), "123");
        assert_eq!(parse_job_id("77;cluster\n").unwrap(), "77");
        assert!(parse_job_id("Submitted batch job 5").is_err());
    }

    #[test]
    fn squeue_lines() {
        let tasks = parse_squeue("5 0 R\n5 3 PD\n9 1 CG\n").unwrap();
        assert_eq!(tasks.len(), 3);
        assert_eq!(tasks[&("5".to_owned(), 0)], Queued::Running);
        assert_eq!(tasks[&("5".to_owned(), 3)], Queued::Pending);
        assert_eq!(tasks[&("9".to_owned(), 1)], Queued::Running);
        assert!(parse_squeue("5 0-3%2 PD\n").is_err());
    }
}
