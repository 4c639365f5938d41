//! The real executor and `schedlab validate`, end to end.

mod common;

use common::{schedlab, temp_dir};

use experiments::real::calibrate::{Calibration, platform_spec};
use experiments::real::executor::{self, ExecSettings};
use experiments::real::validate::{Row, ValidateConfig, cases, scaled, summarise};
use sim::{Platform, TaskRecord};
use std::path::Path;

/// A 60-task layered DAG of ~0.2 ms tasks with real copies, on two one-core nodes.
fn small_case() -> (sim::Dag, Platform) {
    let dag = scaled(&workloads::generate("layered:tasks=60,ccr=1", 3).unwrap(), 2e-4, 1e-3).unwrap();
    let platform = Platform::new(platform_spec(2, &[1.0, 1.0], 0.0, 0.0, 1e10, None)).unwrap();
    (dag, platform)
}

#[test]
fn real_runs_of_static_and_online_schedulers_pass_the_invariant_checker() {
    let (dag, platform) = small_case();
    let settings = ExecSettings {
        iterations_per_work: 1e8,
        slowdown: vec![1.0, 2.0],
        pin: true,
    };
    for name in ["heft", "online-eft", "work-stealing"] {
        let mut scheduler = schedulers::registry::create(name, 1).unwrap();
        let run = executor::execute(&dag, &platform, &mut scheduler, &settings).unwrap();
        executor::check(&dag, &platform, &run.result).unwrap_or_else(|e| panic!("{name}: {e:#}"));
        let task = |t: sim::TaskId| -> &TaskRecord { run.result.task(t) };
        for e in dag.edges() {
            assert!(task(e.src).end <= task(e.dst).start, "{name}: edge {e:?}");
        }
        let cross = dag
            .edges()
            .iter()
            .filter(|e| task(e.src).node != task(e.dst).node)
            .count();
        assert_eq!(
            run.result.transfers.len(),
            cross,
            "{name}: one copy per cross-worker edge"
        );
        assert!(run.result.metrics.makespan > 0.0);
    }

    // The checker is not vacuous on real traces: a child moved before its parent is caught.
    let mut scheduler = schedulers::registry::create("heft", 1).unwrap();
    let mut forged = executor::execute(&dag, &platform, &mut scheduler, &settings)
        .unwrap()
        .result;
    let e = dag.edges()[0];
    forged.tasks[e.dst.index()].start = forged.tasks[e.src.index()].start;
    assert!(executor::check(&dag, &platform, &forged).is_err());
}

#[test]
fn executor_refuses_multi_core_nodes_and_bad_slowdowns() {
    let (dag, _) = small_case();
    let mut spec = platform_spec(2, &[1.0, 1.0], 0.0, 0.0, 1e10, None);
    spec.nodes[0].cores = 2;
    let platform = Platform::new(spec).unwrap();
    let settings = ExecSettings {
        iterations_per_work: 1e6,
        slowdown: Vec::new(),
        pin: false,
    };
    let mut heft = schedulers::registry::create("heft", 1).unwrap();
    let err = executor::execute(&dag, &platform, &mut heft, &settings).unwrap_err();
    assert!(err.to_string().contains("one core per node"), "{err}");

    let platform = Platform::new(platform_spec(2, &[1.0, 1.0], 0.0, 0.0, 1e10, None)).unwrap();
    let settings = ExecSettings {
        slowdown: vec![1.0],
        ..settings
    };
    let err = executor::execute(&dag, &platform, &mut heft, &settings).unwrap_err();
    assert!(err.to_string().starts_with("slowdown: 1 factors for 2 nodes"), "{err}");
}

const TINY: &str = r#"
name = "tiny"
dags = ["layered:tasks=30,ccr=0.05", "fork-join:width=6"]
schedulers = ["heft", "online-eft"]
seconds_per_work = 0.0003
bytes_scale = 0.002
calibrate_secs = 0.01
repetitions = 2
"#;

#[test]
fn a_tiny_validate_run_writes_results_and_report() {
    let dir = temp_dir("validate");
    let config = dir.join("tiny.toml");
    std::fs::write(&config, TINY).unwrap();
    let out = dir.join("out");
    let (code, stdout, stderr) = schedlab(&["validate", config.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("median |error| %") && stdout.contains("loadavg"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let (sim, real) = (
        header.iter().position(|h| *h == "sim_makespan").unwrap(),
        header.iter().position(|h| *h == "real_makespan").unwrap(),
    );
    let rows: Vec<Vec<String>> = lines.map(|l| l.split(',').map(str::to_owned).collect()).collect();
    assert_eq!(rows.len(), 2 * 2 * 2, "one row per DAG x scheduler x repetition");
    let cases = std::fs::read_to_string(out.join("cases.csv")).unwrap();
    assert_eq!(
        cases.lines().count(),
        1 + 2 * 2,
        "one case per DAG x scheduler: {cases}"
    );
    let summary = stdout.lines().find(|l| l.starts_with("all")).unwrap();
    assert_eq!(summary.split_whitespace().nth(3), Some("2"), "reps column: {stdout}");
    for row in &rows {
        for col in [sim, real] {
            assert!(row[col].parse::<f64>().unwrap() > 0.0, "{row:?}");
        }
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("Gantt"), "report lacks plots");
    for plot in ["scatter", "task_errors", "gantt"] {
        assert!(out.join("plots").join(format!("{plot}.png")).is_file(), "{plot}.png");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["loadavg_start"].is_string() && manifest["calibration"]["kernel_rate"].as_f64() > Some(0.0));
}

#[test]
fn bad_validate_configs_name_the_field() {
    let base = Path::new(".");
    let err = |text: &str| format!("{:#}", ValidateConfig::parse(text, base).unwrap_err());
    let e = err(&TINY.replace("seconds_per_work = 0.0003", "seconds_per_work = -1"));
    assert!(
        e.starts_with("seconds_per_work: expected a finite number > 0, got -1"),
        "{e}"
    );
    let e = err(&TINY.replace("bytes_scale", "byte_scale"));
    assert!(e.contains("byte_scale") && e.contains("line"), "{e}");
    let e = err(&TINY.replace("\"online-eft\"", "\"no-such\""));
    assert!(e.starts_with("schedulers[1] \"no-such\""), "{e}");
    let e = err(&TINY.replace("fork-join:width=6", "fork-join:wdth=6"));
    assert!(e.starts_with("dags[1]"), "{e}");
    let e = err(&format!("{TINY}slowdown = [1.0, 0.0]\n"));
    assert!(e.starts_with("slowdown[1]: expected a finite number > 0"), "{e}");
}

/// A row of `dag` with `scheduler`, repetition `rep`: simulated 1 s, real `real` s.
fn row(dag: &str, class: &str, scheduler: &str, rep: u32, real: f64) -> Row {
    Row {
        run: 0,
        dag: dag.to_owned(),
        family: dag.to_owned(),
        seed: 1,
        scheduler: scheduler.to_owned(),
        repetition: rep,
        tasks: 10,
        class: class.to_owned(),
        ccr: 1.0,
        min_task_ms: 1.0,
        sim_makespan: 1.0,
        real_makespan: real,
        error_pct: (1.0 - real) / real * 100.0,
        start_err_median_pct: 0.0,
        start_err_p90_pct: 0.0,
        end_err_median_pct: 0.0,
        end_err_p90_pct: 0.0,
        seconds_per_work: 1.0,
        bytes_scale: 1.0,
        pinned: true,
    }
}

#[test]
fn a_case_compares_the_simulation_with_its_median_repetition_and_the_summary_shows_the_spread() {
    // Two cases of three repetitions, interleaved as `run` makes them.
    let reals = [[1.0, 1.25, 0.8], [2.0, 0.5, 1.0]];
    let mut rows = Vec::new();
    for rep in 0..3 {
        rows.push(row("a", "communication", "heft", rep, reals[0][rep as usize]));
        rows.push(row("a", "communication", "online-eft", rep, reals[1][rep as usize]));
    }
    let cases = cases(&rows);
    assert_eq!(cases.len(), 2);
    assert_eq!((cases[0].scheduler.as_str(), cases[0].repetitions), ("heft", 3));
    // Medians 1.0 and 1.0: the simulation (1 s) is exact for both.
    assert_eq!((cases[0].real_median, cases[0].error_pct), (1.0, 0.0));
    assert_eq!(
        (cases[1].real_min, cases[1].real_max, cases[1].error_pct),
        (0.5, 2.0, 0.0)
    );
    let summary = summarise(&rows, &cases);
    let c = &summary[0];
    assert_eq!(
        (c.class.as_str(), c.runs, c.dags, c.repetitions),
        ("communication", 6, 1, 3)
    );
    assert_eq!(c.median_abs_error_pct, 0.0);
    // Repetition 0: errors 0 and 50 % (median by nearest rank: 0); 1: 20 and
    // 100 % (20); 2: 25 and 0 % (0).
    assert_eq!((c.rep_median_min_pct, c.rep_median_max_pct), (0.0, 20.0));
    // Spreads (1.25 − 0.8) / 1 = 45 % and (2 − 0.5) / 1 = 150 %: median 45 %.
    assert!((c.real_spread_pct - 45.0).abs() < 1e-9, "{}", c.real_spread_pct);
}

#[test]
fn concurrent_copies_share_the_calibrated_memory_bandwidth() {
    let calibration = |single: f64, all_busy: f64| Calibration {
        cores: 2,
        pinned: true,
        kernel_rate: 1e9,
        rate_alone: vec![1e9; 2],
        rate_all_busy: vec![1e9; 2],
        dispatch_overhead_one: 0.0,
        dispatch_overhead_all: 0.0,
        copy_latency: 0.0,
        copy_bandwidth: single,
        copy_bandwidth_all_busy: all_busy,
        loadavg: String::new(),
    };
    // One copy alone got 6 GB/s, two at once 4 GB/s each: together 8, shared.
    assert_eq!(calibration(6e9, 4e9).backplane_bandwidth(), Some(8e9));
    // Never below what one copy got alone.
    assert_eq!(calibration(10e9, 2e9).backplane_bandwidth(), Some(10e9));
    // x and x2 on core 0, y and y2 on core 1: two 1 GB copies in opposite
    // directions, both pulled at t = 1 s: alone each would take 1/6 s; sharing
    // 8 GB/s they take 0.25 s.
    let mut b = sim::DagBuilder::new();
    let (x, y) = (
        b.add_task(sim::TaskSpec::new("x", 1.0)),
        b.add_task(sim::TaskSpec::new("y", 1.0)),
    );
    let (x2, y2) = (
        b.add_task(sim::TaskSpec::new("x2", 1.0)),
        b.add_task(sim::TaskSpec::new("y2", 1.0)),
    );
    b.add_edge(x, y2, 1e9);
    b.add_edge(y, x2, 1e9);
    let dag = b.build().unwrap();
    let platform = calibration(6e9, 4e9).platform(&[]).unwrap();
    let result = sim::simulate(&dag, &platform, &mut RoundRobin, &sim::SimConfig::default()).unwrap();
    let crossing: Vec<f64> = result
        .transfers
        .iter()
        .map(|t| (t.end - t.start).as_secs_f64())
        .collect();
    assert_eq!(crossing.len(), 2, "{result:?}");
    for secs in crossing {
        assert!((secs - 0.25).abs() < 1e-6, "{secs}");
    }
}

/// Puts task `i` on node `i mod nodes`.
struct RoundRobin;

impl sim::Scheduler for RoundRobin {
    fn name(&self) -> &str {
        "round-robin"
    }
    fn plan(&mut self, view: &sim::SimView<'_>, out: &mut sim::Decisions) {
        let n = view.platform().node_count();
        for t in view.dag().task_ids() {
            out.assign(view, t, sim::NodeId::new(t.index() % n));
        }
    }
}
