//! Sharded sweeps: merged shards equal a local run byte for byte, a killed
//! shard resumes, missing shards are reported and block a merge, shards of
//! different configs are refused, and the sbatch script `slurm submit` writes.

mod common;

use common::temp_dir;

use experiments::grid::config::Config;
use experiments::grid::identity;
use experiments::grid::shard::Shard;
use experiments::grid::slurm::{self, ShardState};
use experiments::grid::sweep::{self, SweepOptions};
use experiments::results::{self, Manifest};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The grid indices of `shard`'s cells.
fn cells_of(config: &Config, shard: Shard) -> Vec<usize> {
    Shard::cells_of(Some(shard), &identity::of(config))
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// 144 cells, some failing (Topcuoglu costs for 4 nodes on 8 nodes), some with node failures.
const GRID: &str = r#"
name = "shards"
workloads = [
  { family = "layered", params = { tasks = 30, ccr = [0.5, 5] } },
  { family = "topcuoglu", params = { tasks = 20, nodes = 4 } },
]
platforms = [{ preset = "heterogeneous", nodes = [4, 8] }]
schedulers = ["heft", "random", "online-eft"]
noise = [0, 0.3]
seeds = 2
[failures]
mtbf = [inf, 50]
"#;

fn options(out: &Path, threads: usize) -> SweepOptions {
    SweepOptions {
        out: out.to_path_buf(),
        threads: Some(threads),
        progress: false,
    }
}

fn run_shards(config: &Config, out: &Path, count: usize, which: impl IntoIterator<Item = usize>) {
    for index in which {
        let shard = Shard::new(index, count).unwrap();
        let summary = sweep::run_shard(config, &options(out, 1 + index % 2), shard).unwrap();
        assert_eq!(summary.cells, cells_of(config, shard).len());
    }
}

fn schedlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schedlab"))
        .args(args)
        .output()
        .expect("binary starts")
}

#[test]
fn merged_shards_equal_a_local_run_byte_for_byte() {
    let config = Config::parse(GRID, Path::new(".")).unwrap();
    let dir = temp_dir("equal");
    let local = dir.join("local");
    let summary = sweep::run(&config, &options(&local, 2)).unwrap();
    assert!(
        summary.failed > 0 && summary.failed < summary.cells,
        "the grid should mix failed and good runs"
    );
    experiments::grid::report::write(&local).unwrap();
    let local_manifest: serde_json::Value = serde_json::from_slice(&read(&local.join("manifest.json"))).unwrap();

    for count in [1, 3, 7] {
        let out = dir.join(format!("sharded{count}"));
        run_shards(&config, &out, count, 0..count);
        // Every cell ran in exactly one shard.
        let mut seen = vec![0; config.cell_count()];
        for index in 0..count {
            for row in results::read_results(&Shard::new(index, count).unwrap().dir(&out)).unwrap() {
                seen[row.index] += 1;
            }
        }
        assert!(
            seen.iter().all(|&n| n == 1),
            "N={count}: cells not in exactly one shard"
        );

        let merged = results::merge::merge(&out, false).unwrap();
        assert_eq!((merged.cells, merged.failed), (summary.cells, summary.failed));
        for file in ["results.csv", "results.jsonl", "config.toml"] {
            assert!(
                read(&local.join(file)) == read(&out.join(file)),
                "N={count}: {file} differs"
            );
        }
        let a = results::read_manifest(&local).unwrap();
        let b = results::read_manifest(&out).unwrap();
        assert_eq!(a.provenance, b.provenance, "N={count}");
        assert_eq!((a.cells, a.failed), (b.cells, b.failed), "N={count}");
        assert_eq!(b.shards.len(), count);
        assert!(b.missing_shards.is_empty());
        // The same fields as a local manifest, plus the shards' own records.
        let merged_manifest: serde_json::Value = serde_json::from_slice(&read(&out.join("manifest.json"))).unwrap();
        let mut keys: Vec<&String> = merged_manifest.as_object().unwrap().keys().collect();
        keys.retain(|k| *k != "shards");
        assert!(
            keys.into_iter().eq(local_manifest.as_object().unwrap().keys()),
            "N={count}"
        );
        if count == 7 {
            experiments::grid::report::write(&out).unwrap();
            assert!(
                read(&local.join("report.html")) == read(&out.join("report.html")),
                "report differs"
            );
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// 3000 cells; shard 1/3 runs 1000 of them, about a second, long enough to be killed midway.
const LONG: &str = r#"
name = "resume"
workloads = [{ family = "layered", params = { tasks = 150, ccr = 1 } }]
platforms = [{ preset = "heterogeneous", nodes = 8 }]
schedulers = ["heft", "peft", "online-eft"]
noise = 0.2
seeds = 1000
"#;

fn journal_lines(dir: &Path) -> usize {
    std::fs::read(dir.join("journal.jsonl")).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
}

#[test]
fn a_killed_shard_resumes_and_equals_a_fresh_one() {
    let dir = temp_dir("resume");
    let config_path = dir.join("resume.toml");
    std::fs::write(&config_path, LONG).unwrap();
    let config = Config::parse(LONG, Path::new(".")).unwrap();
    let shard = Shard::new(1, 3).unwrap();
    let cells = cells_of(&config, shard).len();
    let (config_s, killed, fresh) = (config_path.to_str().unwrap(), dir.join("killed"), dir.join("fresh"));
    let folder = shard.dir(&killed);

    let mut child = Command::new(env!("CARGO_BIN_EXE_schedlab"))
        .args(["run", config_s, "--shard", "1/3", "--threads", "2", "--out"])
        .arg(&killed)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while journal_lines(&folder) < 20 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix.
    child.wait().unwrap();
    let at_kill = journal_lines(&folder);
    assert!(at_kill >= 20, "the shard wrote {at_kill} lines in 120 s");
    assert!(at_kill < cells, "the shard finished before the kill; make LONG longer");
    assert!(
        !folder.join("manifest.json").exists(),
        "a killed shard must not look done"
    );
    let status = slurm::status(&killed).unwrap();
    assert_eq!(
        status.states,
        [ShardState::Missing, ShardState::Failed, ShardState::Missing]
    );

    let resumed = schedlab(&["run", config_s, "--shard", "1/3", "--out", killed.to_str().unwrap()]);
    assert_eq!(
        resumed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    assert_eq!(journal_lines(&folder), cells, "no cell ran twice");
    let manifest = results::read_manifest(&folder).unwrap();
    assert!(manifest.run.resumed >= at_kill);
    assert_eq!(manifest.cells, cells);
    let status = slurm::status(&killed).unwrap();
    assert_eq!(status.states[1], ShardState::Done);

    let out = schedlab(&[
        "run",
        config_s,
        "--shard",
        "1/3",
        "--threads",
        "1",
        "--out",
        fresh.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(read(&folder.join("results.jsonl")) == read(&shard.dir(&fresh).join("results.jsonl")));
    // A shard never writes the whole folder's files.
    assert!(!killed.join("results.csv").exists() && !killed.join("report.html").exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_missing_shard_is_reported_and_blocks_the_merge() {
    let config = Config::parse(GRID, Path::new(".")).unwrap();
    let dir = temp_dir("missing");
    run_shards(&config, &dir, 3, [0, 2]);
    let d = dir.to_str().unwrap();

    let status = slurm::status(&dir).unwrap();
    assert_eq!(status.states, [ShardState::Done, ShardState::Missing, ShardState::Done]);
    let out = schedlab(&["slurm", "status", d]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("missing  1: 1"), "{text}");
    assert!(text.contains("done     2"), "{text}");

    let err = format!("{:#}", results::merge::merge(&dir, false).unwrap_err());
    for needle in ["1 of 3 shards are not done: 1", "--allow-partial", "--shard K/3"] {
        assert!(err.contains(needle), "merge error lacks {needle:?}: {err}");
    }
    assert!(!dir.join("results.csv").exists(), "a refused merge wrote results");
    let out = schedlab(&["merge", d]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-partial"));
    let out = schedlab(&["slurm", "resubmit", d]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Slurm submission"));

    // A partial merge holds exactly the done shards' cells and says what is missing.
    let partial = results::merge::merge(&dir, true).unwrap();
    let rows = results::read_results(&dir).unwrap();
    assert_eq!(rows.len(), partial.cells);
    let missing = cells_of(&config, Shard::new(1, 3).unwrap());
    assert!(rows.iter().all(|r| !missing.contains(&r.index)));
    assert_eq!(rows.len() + missing.len(), config.cell_count());
    assert!(rows.windows(2).all(|w| w[0].index < w[1].index));
    let manifest: Manifest = results::read_manifest(&dir).unwrap();
    assert_eq!(manifest.missing_shards, [1]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn shards_of_different_configs_or_shardings_are_refused() {
    let dir = temp_dir("mixed");
    let a = Config::parse(GRID, Path::new(".")).unwrap();
    let b = Config::parse(&GRID.replace("seeds = 2", "seeds = [5, 6]"), Path::new(".")).unwrap();
    run_shards(&a, &dir, 2, [0]);
    run_shards(&b, &dir, 2, [1]);
    let err = format!("{:#}", results::merge::merge(&dir, false).unwrap_err());
    assert!(
        err.contains("shards 0 and 1") && err.contains("config SHA-256"),
        "{err}"
    );
    assert!(slurm::status(&dir).is_err());

    let other = temp_dir("mixed-n");
    run_shards(&a, &other, 2, [0]);
    run_shards(&a, &other, 3, [1]);
    let err = format!("{:#}", results::merge::merge(&other, false).unwrap_err());
    assert!(err.contains("2 and 3 parts"), "{err}");
    // Another shard's journal lines are not this shard's cells: none is reused, and they are dropped.
    let (from, to) = (
        Shard::new(0, 2).unwrap().dir(&dir),
        Shard::new(1, 2).unwrap().dir(&other),
    );
    std::fs::create_dir_all(&to).unwrap();
    std::fs::copy(from.join("journal.jsonl"), to.join("journal.jsonl")).unwrap();
    let shard = Shard::new(1, 2).unwrap();
    let summary = sweep::run_shard(&a, &options(&other, 1), shard).unwrap();
    assert_eq!((summary.resumed, summary.cells), (0, cells_of(&a, shard).len()));
    assert_eq!(journal_lines(&to), summary.cells);
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(other);
}

#[test]
fn submit_dry_run_prints_the_array_script() {
    let dir = temp_dir("dry");
    let config = dir.join("grid.toml");
    std::fs::write(&config, GRID).unwrap();
    let out = dir.join("out");
    let (c, o) = (config.to_str().unwrap(), out.to_str().unwrap());
    let run = schedlab(&[
        "slurm",
        "submit",
        c,
        "--out",
        o,
        "--shards",
        "7",
        "--max-running",
        "2",
        "--partition",
        "debug",
        "--time",
        "00:05:00",
        "--cpus-per-task",
        "2",
        "--dry-run",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let script = String::from_utf8(run.stdout).unwrap();
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_schedlab")).unwrap();
    for line in [
        "#!/bin/bash",
        "#SBATCH --job-name=schedlab-shards",
        "#SBATCH --array=0-6%2",
        "#SBATCH --cpus-per-task=2",
        "#SBATCH --partition=debug",
        "#SBATCH --time=00:05:00",
        &format!("#SBATCH --output={o}/slurm/logs/shard-%a-%A.out"),
        &format!("#SBATCH --error={o}/slurm/logs/shard-%a-%A.err"),
        &format!(
            "exec {} run {c} --out {o} --shard \"${{SLURM_ARRAY_TASK_ID}}/7\" --threads 2",
            exe.display()
        ),
    ] {
        assert!(script.lines().any(|l| l == line), "script lacks {line:?}:\n{script}");
    }
    assert!(!out.exists(), "a dry run wrote {}", out.display());

    // Defaults: one shard per 1000 cells, no throttle, partition or time limit.
    let run = schedlab(&["slurm", "submit", c, "--out", o, "--dry-run"]);
    let script = String::from_utf8(run.stdout).unwrap();
    assert!(script.contains("#SBATCH --array=0\n"), "{script}");
    assert!(!script.contains("--partition") && !script.contains("--time"));

    let run = schedlab(&["slurm", "submit", c, "--out", o, "--shards", "145", "--dry-run"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("expected 1 to 144"));
    let _ = std::fs::remove_dir_all(dir);
}
