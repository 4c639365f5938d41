//! `schedlab replay`: recorded WfCommons executions through the workflow-system model, and its fit.

mod common;

use common::{schedlab, temp_dir};
use experiments::real::replay::{Instance, Model, fit};
use std::path::Path;

const WFCOMMONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/wfcommons");

fn srasearch(name: &str) -> String {
    format!("{WFCOMMONS}/pegasus/srasearch/srasearch-chameleon-{name}.json")
}

#[test]
fn replay_prints_the_model_and_each_error() {
    let file = format!("{WFCOMMONS}/pegasus/cycles/cycles-chameleon-1l-1c-9p-001.json");
    let (code, stdout, stderr) = schedlab(&["replay", &file]);
    assert_eq!(code, 0, "{stderr}");
    for needle in [
        "submit_interval",
        "s per job",
        "MB/s per job",
        "454",
        "All 1 instances: median |error|",
    ] {
        assert!(stdout.contains(needle), "{needle:?} missing in {stdout}");
    }
    let instance = Instance::load(Path::new(&file)).unwrap();
    assert_eq!(instance.measured, 454.0);
}

#[test]
fn the_auxiliary_jobs_add_their_time_before_and_after_the_workflow() {
    // Set-up runs before every task and tear-down after every task, and the
    // submission queue is idle meanwhile: 10 s more on each adds 20 s.
    let instance = Instance::load(Path::new(&srasearch("10a-001"))).unwrap();
    let model = Model::default();
    let longer = Model {
        auxiliary: model.auxiliary + 10.0,
        ..model
    };
    let (a, b) = (instance.simulate(&model).unwrap(), instance.simulate(&longer).unwrap());
    assert!((b - a - 20.0).abs() < 1e-6, "{a} {b}");
}

#[test]
fn a_nextflow_instance_without_placements_runs_on_its_only_machine() {
    let file = format!("{WFCOMMONS}/nextflow/sarek-dirt02-001.json");
    let instance = Instance::load(Path::new(&file)).unwrap();
    assert_eq!(instance.machines, 1);
    // One recorded core: the tasks run one after another, so the replay is
    // at least the sum of their runtimes.
    let sum = instance.mean_runtime * instance.tasks as f64;
    assert!(instance.simulate(&Model::default()).unwrap() >= sum);
}

#[test]
fn fitting_on_two_small_instances_lowers_their_error_and_is_deterministic() {
    let instances: Vec<Instance> = ["10a-001", "10a-002"]
        .iter()
        .map(|n| Instance::load(Path::new(&srasearch(n))).unwrap())
        .collect();
    let refs: Vec<&Instance> = instances.iter().collect();
    let loss = |m: &Model| -> f64 {
        refs.iter()
            .map(|i| (i.simulate(m).unwrap() / i.measured - 1.0).abs())
            .sum()
    };
    let fitted = fit(&refs, Model::default()).unwrap();
    assert_eq!(fitted, fit(&refs, Model::default()).unwrap());
    assert!(loss(&fitted) < 0.5 * loss(&Model::default()), "{fitted:?}");
    // Only the three fitted parameters move.
    assert_eq!(fitted.staging_latency, Model::default().staging_latency);
    assert_eq!(fitted.auxiliary, Model::default().auxiliary);
    // A fitted parameter at 0 (its logarithm -inf) used to turn the whole
    // simplex into NaN; it now starts at the smallest positive value.
    let from_zero = fit(
        &refs,
        Model {
            submit_interval: 0.0,
            ..Model::default()
        },
    )
    .unwrap();
    assert!(
        from_zero.submit_interval.is_finite() && from_zero.job_overhead.is_finite(),
        "{from_zero:?}"
    );
}

#[test]
fn fit_reports_the_test_half_and_writes_a_platform_that_simulate_and_replay_reuse() {
    let dir = temp_dir("replay-fit");
    let platform = dir.join("platform.toml");
    let files = [srasearch("10a-001"), srasearch("10a-002"), srasearch("50a-001")];
    let mut args = vec!["replay", "--fit", "--platform-out", platform.to_str().unwrap()];
    args.extend(files.iter().map(String::as_str));
    let (code, stdout, stderr) = schedlab(&args);
    assert_eq!(code, 0, "{stderr}");
    for needle in [
        "Fitted on the 2 fit-half instances",
        "Test half (1 instances)",
        "fitted across families",
        "Spearman rank correlation",
    ] {
        assert!(stdout.contains(needle), "{needle:?} missing in {stdout}");
    }
    let text = std::fs::read_to_string(&platform).unwrap();
    let calibrated = sim::Platform::from_toml(&text).unwrap();
    let wms = calibrated.workflow_system().expect("a [workflow_system] table");
    assert!(wms.submit_interval > 0.0 && wms.staging_bandwidth.is_some(), "{text}");

    let (code, stdout, stderr) = schedlab(&[
        "simulate",
        "--dag",
        &files[2],
        "--platform",
        platform.to_str().unwrap(),
        "--scheduler",
        "heft",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("makespan"), "{stdout}");
    let (code, stdout, stderr) = schedlab(&["replay", &files[0], "--model", platform.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(&format!("{:.4}", wms.submit_interval)), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_parameters_get_clear_errors() {
    let file = srasearch("10a-001");
    let (code, _, stderr) = schedlab(&["replay", &file, "--submit-interval=-1"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--submit-interval: expected a finite number >= 0, got -1"),
        "{stderr}"
    );
    let (code, _, stderr) = schedlab(&["replay", &file, "--staging-bandwidth", "0"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--staging-bandwidth: expected a finite number > 0, got 0"),
        "{stderr}"
    );
    let dir = temp_dir("replay-bad");
    let plain = dir.join("plain.toml");
    let spec = sim::presets::preset("homogeneous", 2).unwrap().spec().clone();
    std::fs::write(&plain, toml::to_string(&spec).unwrap()).unwrap();
    let (code, _, stderr) = schedlab(&["replay", &file, "--model", plain.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("has no [workflow_system] table"), "{stderr}");
    let bad = dir.join("bad.toml");
    let text = format!(
        "{}\n[workflow_system]\nsubmit_interval = 1.0\nstaging_bandwidth = 0.0\n",
        toml::to_string(&spec).unwrap()
    );
    std::fs::write(&bad, text).unwrap();
    let (code, _, stderr) = schedlab(&["replay", &file, "--model", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("workflow_system.staging_bandwidth: expected a finite number of bytes per second > 0, got 0"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn network_means_what_it_means_in_every_command() {
    let file = srasearch("10a-001");
    for model in ["dedicated", "shared"] {
        let (code, stdout, stderr) = schedlab(&["replay", &file, "--network", model]);
        assert_eq!(code, 0, "--network {model}: {stderr}");
        assert!(stdout.contains("All 1 instances: median |error|"), "{stdout}");
    }
    let (code, _, stderr) = schedlab(&["replay", &file, "--network", "fat-tree"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("dedicated") && stderr.contains("shared"), "{stderr}");
}
