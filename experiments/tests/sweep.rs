//! Experiment sweeps end to end: grid configs, determinism across thread
//! counts, resume after SIGKILL, config errors, and the shipped configs.

mod common;

use common::{run_grid, temp_dir};

use experiments::grid::config::Config;
use experiments::grid::sweep::{self, SweepOptions};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CONFIGS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/configs");

const SMALL: &str = r#"
name = "small"
workloads = [
  { family = "layered", params = { tasks = 30, ccr = [0.5, 5] } },
  { family = "fork-join", params = { levels = 2, width = 5 } },
]
platforms = [{ preset = "heterogeneous", nodes = [2, 4] }, { preset = "edge-cloud", nodes = 4 }]
schedulers = ["heft", "cpop", "random", "online-eft"]
noise = [0, 0.3]
seeds = 2
"#;

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn one_and_two_threads_give_identical_files() {
    let config = Config::parse(SMALL, Path::new(".")).unwrap();
    let mut outputs = Vec::new();
    for threads in [1, 2] {
        let out = temp_dir(&format!("threads{threads}"));
        let summary = sweep::run(
            &config,
            &SweepOptions {
                out: out.clone(),
                threads: Some(threads),
                progress: false,
            },
        )
        .unwrap();
        assert_eq!(summary.cells, config.cell_count());
        assert_eq!(summary.failed, 0);
        outputs.push(out);
    }
    for file in ["results.csv", "results.jsonl", "config.toml"] {
        assert!(
            read(&outputs[0].join(file)) == read(&outputs[1].join(file)),
            "{file} differs"
        );
    }
    let csv = String::from_utf8(read(&outputs[0].join("results.csv"))).unwrap();
    assert_eq!(csv.lines().count(), config.cell_count() + 1);
    assert!(csv.starts_with("index,id,workload,family,ccr,tasks"));
    let manifest: serde_json::Value = serde_json::from_slice(&read(&outputs[0].join("manifest.json"))).unwrap();
    assert_eq!(manifest["config"], SMALL);
    assert_eq!(manifest["config_sha256"].as_str().map(str::len), Some(64));
    for key in ["schedlab_version", "start", "end", "host", "seeds"] {
        assert!(!manifest[key].is_null(), "manifest lacks {key}");
    }
    // A rerun resumes every cell from the journal and rewrites the same bytes.
    let before = read(&outputs[0].join("results.jsonl"));
    let summary = sweep::run(
        &config,
        &SweepOptions {
            out: outputs[0].clone(),
            threads: Some(2),
            progress: false,
        },
    )
    .unwrap();
    assert_eq!(summary.resumed, config.cell_count());
    assert!(before == read(&outputs[0].join("results.jsonl")));
    for out in outputs {
        let _ = std::fs::remove_dir_all(out);
    }
}

const LONG: &str = r#"
name = "resume"
workloads = [{ family = "layered", params = { tasks = 150, ccr = 1 } }]
platforms = [{ preset = "heterogeneous", nodes = 8 }]
schedulers = ["heft", "peft", "online-eft"]
noise = 0.2
seeds = 400
"#;

fn schedlab(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_schedlab"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts")
}

fn journal_lines(dir: &Path) -> usize {
    std::fs::read(dir.join("journal.jsonl")).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
}

#[test]
fn resume_after_sigkill_loses_and_duplicates_nothing() {
    let dir = temp_dir("resume");
    let config_path = dir.join("resume.toml");
    std::fs::write(&config_path, LONG).unwrap();
    let total = Config::parse(LONG, Path::new(".")).unwrap().cell_count();
    let killed = dir.join("killed");
    let killed_s = killed.to_str().unwrap();
    let config_s = config_path.to_str().unwrap();

    let mut child = schedlab(&["run", config_s, "--out", killed_s, "--threads", "2", "--no-report"]);
    let deadline = Instant::now() + Duration::from_secs(120);
    while journal_lines(&killed) < 20 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix.
    child.wait().unwrap();
    let at_kill = journal_lines(&killed);
    assert!(at_kill >= 20, "the sweep wrote {at_kill} lines in 120 s");
    assert!(at_kill < total, "the sweep finished before the kill; make LONG longer");
    assert!(!killed.join("results.csv").exists());
    // Simulate a write torn by the kill as well.
    let mut journal = std::fs::OpenOptions::new()
        .append(true)
        .open(killed.join("journal.jsonl"))
        .unwrap();
    std::io::Write::write_all(&mut journal, b"{\"index\":3,\"id\":\"torn").unwrap();
    drop(journal);

    let status = schedlab(&["run", config_s, "--out", killed_s, "--no-report"])
        .wait()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let fresh = dir.join("fresh");
    let status = schedlab(&[
        "run",
        config_s,
        "--out",
        fresh.to_str().unwrap(),
        "--threads",
        "1",
        "--no-report",
    ])
    .wait()
    .unwrap();
    assert_eq!(status.code(), Some(0));
    for file in ["results.csv", "results.jsonl"] {
        assert!(
            read(&killed.join(file)) == read(&fresh.join(file)),
            "{file} differs after resume"
        );
    }
    assert_eq!(journal_lines(&killed), total, "no cell ran twice");
    let manifest: serde_json::Value = serde_json::from_slice(&read(&killed.join("manifest.json"))).unwrap();
    assert!(manifest["resumed"].as_u64().unwrap() >= at_kill as u64);
    let _ = std::fs::remove_dir_all(dir);
}

const BASE: &str = r#"workloads = [{ family = "layered", params = { tasks = 10 } }]
platforms = [{ preset = "homogeneous", nodes = 2 }]
schedulers = ["heft"]
seeds = 1
"#;

#[test]
fn every_bad_key_gives_an_error_naming_it() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("seeds = 1", "seeds = 1\ncolour = 3", &["colour", "line 5"]),
        (
            "workloads = [{ family = \"layered\", params = { tasks = 10 } }]",
            "workloads = [{ family = \"layered\", param = { tasks = 10 } }]",
            &["param", "line 1"],
        ),
        (
            "workloads = [{ family = \"layered\", params = { tasks = 10 } }]",
            "workloads = [{ family = \"layered\", params = { taskz = 10 } }]",
            &["taskz", "workloads[0]", "line 1"],
        ),
        (
            "workloads = [{ family = \"layered\", params = { tasks = 10 } }]",
            "workloads = [{ family = \"layerd\" }]",
            &["layerd", "workloads[0]", "line 1"],
        ),
        (
            "workloads = [{ family = \"layered\", params = { tasks = 10 } }]",
            "workloads = [{ family = \"layered\", params = { tasks = -5 } }]",
            &["tasks", "line 1"],
        ),
        (
            "workloads = [{ family = \"layered\", params = { tasks = 10 } }]",
            "workloads = [{ files = [\"no/such/*.json\"] }]",
            &["workloads[0].files", "no/such", "line 1"],
        ),
        (
            "platforms = [{ preset = \"homogeneous\", nodes = 2 }]",
            "platforms = [{ preset = \"homogenous\", nodes = 2 }]",
            &["platforms[0].preset", "homogenous", "line 2"],
        ),
        (
            "platforms = [{ preset = \"homogeneous\", nodes = 2 }]",
            "platforms = [{ preset = \"homogeneous\", node = 2 }]",
            &["node", "line 2"],
        ),
        (
            "platforms = [{ preset = \"homogeneous\", nodes = 2 }]",
            "platforms = [{ preset = \"homogeneous\", bandwidth = -1 }]",
            &["platforms[0].bandwidth", "line 2"],
        ),
        (
            "schedulers = [\"heft\"]",
            "schedulers = [\"hefty\"]",
            &["schedulers", "hefty", "line 3"],
        ),
        (
            "schedulers = [\"heft\"]",
            "schedulers = [\"heft:depth=2\"]",
            &["schedulers", "depth", "line 3"],
        ),
        ("seeds = 1", "seeds = 0", &["seeds", "line 4"]),
        ("seeds = 1", "seeds = \"many\"", &["seeds", "line 4"]),
        ("seeds = 1", "seeds = 1\nnoise = [-0.5]", &["noise", "line 5"]),
        (
            "seeds = 1",
            "seeds = 1\n[failures]\nmtbf = [0]",
            &["failures.mtbf", "line 6"],
        ),
        (
            "seeds = 1",
            "seeds = 1\n[failures]\nmtbf = [10]\nrepare = 3",
            &["repare", "line 7"],
        ),
        ("schedulers = [\"heft\"]\n", "", &["schedulers"]),
    ];
    for (from, to, needles) in cases {
        let text = BASE.replacen(from, to, 1);
        assert_ne!(text, BASE, "case {to:?} changed nothing");
        let err = match Config::parse(&text, Path::new(".")) {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(e) => format!("{e:#}"),
        };
        for needle in *needles {
            assert!(err.contains(needle), "error for {to:?} lacks {needle:?}:\n{err}");
        }
    }
}

#[test]
fn every_shipped_config_loads() {
    let mut n = 0;
    for entry in std::fs::read_dir(CONFIGS).unwrap() {
        let path = entry.unwrap().path();
        let validation = path
            .file_name()
            .is_some_and(|f| f.to_string_lossy().starts_with("validate"));
        if validation {
            // `schedlab validate` configs have their own schema.
            experiments::real::validate::ValidateConfig::load(&path)
                .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
        } else if path.extension().is_some_and(|e| e == "toml") {
            let config = Config::load(&path).unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
            assert!(config.cell_count() > 0, "{}", path.display());
            n += 1;
        }
    }
    assert!(n >= 3, "only {n} configs in {CONFIGS}");
}

#[test]
fn the_demo_is_big_enough() {
    let demo = Config::demo().unwrap();
    assert!(demo.schedulers.len() >= 5);
    let families: std::collections::BTreeSet<&str> = demo.workloads.iter().map(|w| w.family()).collect();
    assert!(families.len() >= 3, "{families:?}");
    let kinds: std::collections::BTreeSet<&str> = demo
        .platforms
        .iter()
        .map(|p| p.label.split(':').next().unwrap_or_default())
        .collect();
    assert!(kinds.len() >= 2, "{kinds:?}");
    assert_eq!(demo.seeds.len(), 5);
}

#[test]
fn report_writes_html_and_plots() {
    let out = run_grid(SMALL, "report", None);
    let path = experiments::grid::report::write(&out).unwrap();
    let html = std::fs::read_to_string(path).unwrap();
    for needle in [
        "<svg",
        "Win/loss",
        "Gantt",
        "Utilisation",
        "SLR against CCR",
        "SLR against node count",
        "Pareto",
    ] {
        assert!(html.contains(needle), "report lacks {needle}");
    }
    for plot in [
        "makespan",
        "slr",
        "slr_vs_ccr",
        "slr_vs_nodes",
        "energy_vs_makespan",
        "win_loss",
        "gantt",
        "utilisation",
    ] {
        assert!(
            out.join("plots").join(format!("{plot}.png")).is_file(),
            "{plot}.png missing"
        );
    }
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn a_failed_run_is_a_row_and_the_exit_code_is_1() {
    let dir = temp_dir("failed");
    let config = dir.join("fail.toml");
    // Per-node costs for 4 nodes cannot run on 8 nodes: those cells fail, the others run.
    std::fs::write(
        &config,
        r#"workloads = [{ family = "topcuoglu", params = { tasks = 20, nodes = 4 } }]
platforms = [{ preset = "homogeneous", nodes = [4, 8] }]
schedulers = ["heft"]
seeds = 2
"#,
    )
    .unwrap();
    let out = dir.join("out");
    let status = schedlab(&["run", config.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .wait()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let rows = experiments::results::read_results(&out).unwrap();
    assert_eq!(rows.len(), 4);
    assert!(
        rows[..2]
            .iter()
            .all(|r| r.error.is_empty() && r.get(&experiments::results::metrics::MAKESPAN).is_some())
    );
    assert!(
        rows[2..]
            .iter()
            .all(|r| r.error.contains("8") && r.get(&experiments::results::metrics::MAKESPAN).is_none())
    );
    assert!(out.join("report.html").is_file());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn checkpointing_is_a_config_key_that_saves_lost_work() {
    let base = r#"
workloads = [{ family = "pipeline", params = { stages = 4, lanes = 4, work = 40 } }]
platforms = [{ preset = "homogeneous", nodes = 4 }]
schedulers = ["heft"]
seeds = 3
[failures]
mtbf = [inf, 60]
repair = 5
"#;
    let lost_work = |text: &str, name: &str| -> Vec<f64> {
        let out = run_grid(text, name, Some(1));
        let rows = experiments::results::read_results(&out).unwrap();
        let _ = std::fs::remove_dir_all(out);
        let metric = experiments::results::metrics::by_key("lost_work").unwrap();
        rows.iter().map(|r| r.get(metric).unwrap()).collect()
    };
    let without = lost_work(base, "no-checkpoint");
    let with = lost_work(&format!("{base}checkpoint = 0.5\n"), "checkpoint");
    // Rows: seeds 0..3 without failures, then seeds 0..3 with MTBF 60.
    assert_eq!(&without[..3], &[0.0; 3]);
    assert_eq!(&with[..3], &[0.0; 3]);
    let (a, b): (f64, f64) = (without[3..].iter().sum(), with[3..].iter().sum());
    assert!(a > 0.0, "failures lose work: {without:?}");
    assert!(b < a, "checkpoints save lost work: {b} against {a}");
}
