//! `schedlab adversary`: the shipped worst case of HEFT against FastestNode
//! still is one, and the command writes a folder whose instance re-simulates.

mod common;

use common::{schedlab, temp_dir};
use experiments::run::RunSpec;
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/adversary");

fn makespan(dag: &sim::Dag, platform: &sim::Platform, scheduler: &str) -> f64 {
    RunSpec {
        dag,
        platform,
        scheduler,
        resource_manager: schedulers::resource::DEFAULT,
        settings: sim::SimConfig::default(),
    }
    .execute()
    .unwrap()
    .metrics
    .makespan
}

/// Found by `schedlab adversary --target heft:comm_mean=rate,compat=paper
/// --baseline fastest-node:compat=paper --tasks 20 --nodes 4 --iterations 2000
/// --restarts 4 --seed 7` in 0.3 s; the specs pin every parameter that
/// changes HEFT's or FastestNode's schedule, so a change of defaults cannot
/// move this ratio.
#[test]
fn heft_is_more_than_four_times_worse_than_fastest_node_on_the_shipped_instance() {
    let workload = workloads::load(&Path::new(FIXTURES).join("heft-vs-fastest-node.json")).unwrap();
    let platform = workload.platform.expect("the instance brings its platform");
    let heft = makespan(&workload.dag, &platform, "heft:comm_mean=rate,compat=paper");
    let fastest = makespan(&workload.dag, &platform, "fastest-node:compat=paper");
    let ratio = heft / fastest;
    assert!(ratio >= 4.0, "PISA's 4.34x: got {ratio}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(Path::new(FIXTURES).join("heft-vs-fastest-node.summary.json")).unwrap())
            .unwrap();
    let recorded = summary["best_ratio"].as_f64().unwrap();
    assert!(
        (ratio - recorded).abs() <= 1e-9 * recorded,
        "{ratio} against {recorded}"
    );
}

#[test]
fn the_command_writes_a_folder_whose_worst_instance_re_simulates() {
    let dir = temp_dir("adversary");
    let out = dir.join("out");
    let (code, stdout, stderr) = schedlab(&[
        "adversary",
        "--target",
        "heft",
        "--baseline",
        "fastest-node",
        "--tasks",
        "6",
        "--nodes",
        "3",
        "--iterations",
        "40",
        "--restarts",
        "2",
        "--seed",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("worst ratio") && stdout.contains("82 evaluations"),
        "{stdout}"
    );
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    for key in ["target", "baseline", "metric", "best_ratio", "evaluations", "seconds"] {
        assert!(!summary[key].is_null(), "summary lacks {key}");
    }
    // The specs are saved with their definitions pinned.
    assert_eq!(summary["target"], "heft:comm_mean=rate,compat=paper");
    assert_eq!(summary["baseline"], "fastest-node:compat=paper");
    let trace = std::fs::read_to_string(out.join("trace.csv")).unwrap();
    assert_eq!(trace.lines().count(), 1 + 82, "a header and a line per evaluation");
    let worst = out.join("worst.json");
    let workload = workloads::load(&worst).unwrap();
    let platform = workload.platform.unwrap();
    let ratio = makespan(&workload.dag, &platform, "heft") / makespan(&workload.dag, &platform, "fastest-node");
    let best = summary["best_ratio"].as_f64().unwrap();
    assert!((ratio - best).abs() <= 1e-9 * best, "{ratio} against {best}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_search_starts_from_a_named_platform() {
    let out = temp_dir("adversary-platform");
    let (code, _, stderr) = schedlab(&[
        "adversary",
        "--target",
        "heft",
        "--baseline",
        "online-eft",
        "--platform",
        "edge-cloud:3",
        "--tasks",
        "5",
        "--iterations",
        "10",
        "--restarts",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["nodes"], 3);
    assert_eq!(summary["start_platform"], "edge-cloud:3");
    let worst = workloads::load(&out.join("worst.json")).unwrap().platform.unwrap();
    let preset = sim::presets::preset("edge-cloud", 3).unwrap();
    let cores = |p: &sim::Platform| p.nodes().iter().map(|n| n.cores).collect::<Vec<_>>();
    assert_eq!(cores(&worst), cores(&preset), "the preset's cores are kept");
    let (code, _, stderr) = schedlab(&[
        "adversary",
        "--target",
        "heft",
        "--baseline",
        "cpop",
        "--platform",
        "nope",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("neither an existing file nor a preset"), "{stderr}");
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn bad_input_is_a_clear_error() {
    let out = temp_dir("adversary-bad");
    let o = out.to_str().unwrap();
    for (args, needle) in [
        (vec!["--target", "hetf", "--baseline", "heft"], "did you mean \"heft\""),
        (
            vec!["--target", "heft", "--baseline", "heft", "--low", "2", "--high", "1"],
            "0 < low <= high",
        ),
        (
            vec!["--target", "heft", "--baseline", "heft", "--metric", "mean_jct"],
            "mean_jct",
        ),
        (
            vec!["--target", "heft", "--baseline", "heft", "--samples", "0"],
            "at least 1",
        ),
    ] {
        let mut all = vec!["adversary", "--out", o];
        all.extend(args.iter().copied());
        let (code, _, stderr) = schedlab(&all);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn all_pairs_write_a_heatmap_and_a_page_per_pair() {
    let dir = temp_dir("adversary-all");
    let out = dir.join("all");
    let (code, stdout, stderr) = schedlab(&[
        "adversary",
        "--all",
        "heft,fastest-node,olb",
        "--tasks",
        "5",
        "--nodes",
        "2",
        "--iterations",
        "10",
        "--restarts",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("6 pairs"), "{stdout}");
    let heatmap = std::fs::read_to_string(out.join("heatmap.csv")).unwrap();
    assert_eq!(heatmap.lines().count(), 1 + 6, "{heatmap}");
    for file in ["heatmap.png", "heatmap.svg", "index.html"] {
        assert!(out.join(file).is_file(), "{file}");
    }
    for pair in ["heft-vs-fastest-node", "olb-vs-heft", "fastest-node-vs-olb"] {
        for file in [
            "summary.json",
            "worst.json",
            "worst-platform.toml",
            "trace.csv",
            "report.html",
            "plots/gantt.png",
        ] {
            assert!(out.join(pair).join(file).is_file(), "{pair}/{file}");
        }
    }
    // The platform file opens on its own, with the DAG.
    let pair = out.join("heft-vs-fastest-node");
    let (code, _, stderr) = schedlab(&[
        "simulate",
        "--dag",
        pair.join("worst.json").to_str().unwrap(),
        "--platform",
        pair.join("worst-platform.toml").to_str().unwrap(),
        "--scheduler",
        "heft",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = schedlab(&["adversary", "--all", "heft", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("at least two schedulers"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}
