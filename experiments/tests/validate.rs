//! The real executor and `schedlab validate`, end to end.

mod common;

use common::{schedlab, temp_dir};

use experiments::real::calibrate::platform_spec;
use experiments::real::executor::{self, ExecSettings};
use experiments::real::validate::{ValidateConfig, scaled};
use sim::{Platform, TaskRecord};
use std::path::Path;

/// A 60-task layered DAG of ~0.2 ms tasks with real copies, on two one-core nodes.
fn small_case() -> (sim::Dag, Platform) {
    let dag = scaled(&workloads::generate("layered:tasks=60,ccr=1", 3).unwrap(), 2e-4, 1e-3).unwrap();
    let platform = Platform::new(platform_spec(2, &[1.0, 1.0], 0.0, 0.0, 1e10)).unwrap();
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
    let mut spec = platform_spec(2, &[1.0, 1.0], 0.0, 0.0, 1e10);
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

    let platform = Platform::new(platform_spec(2, &[1.0, 1.0], 0.0, 0.0, 1e10)).unwrap();
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
    assert_eq!(rows.len(), 2 * 2, "one row per DAG x scheduler x repetition");
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
