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

/// A synthetic recording: `tasks` independent 10 s tasks on one 16-core
/// machine named `machine` with kernel `release` (omitted when `None`),
/// recorded by `wms` (omitted when `None`), makespan 1 s (tests set
/// `measured` themselves).
fn synthetic(
    dir: &Path,
    name: &str,
    tasks: usize,
    machine: &str,
    release: Option<&str>,
    wms: Option<&str>,
) -> Instance {
    let spec: Vec<String> = (0..tasks)
        .map(|i| format!(r#"{{"name": "t{i}", "id": "t{i}", "parents": [], "children": []}}"#))
        .collect();
    let exec: Vec<String> = (0..tasks)
        .map(|i| format!(r#"{{"id": "t{i}", "runtimeInSeconds": 10, "machines": ["{machine}"]}}"#))
        .collect();
    let release = release.map_or(String::new(), |r| format!(r#""release": "{r}", "#));
    let wms = wms.map_or(String::new(), |v| {
        format!(r#""runtimeSystem": {{"name": "Pegasus", "version": "{v}"}}, "#)
    });
    let text = format!(
        r#"{{"schemaVersion": "1.5", "name": "{name}", {wms}"workflow": {{
          "specification": {{"tasks": [{}], "files": []}},
          "execution": {{"makespanInSeconds": 1, "tasks": [{}],
            "machines": [{{"nodeName": "{machine}", {release}"cpu": {{"coreCount": 16, "speedInMHz": 2000}}}}]}}}}}}"#,
        spec.join(", "),
        exec.join(", ")
    );
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, text).unwrap();
    Instance::load(&path).unwrap()
}

#[test]
fn the_keyed_fit_recovers_each_deployments_submission_cost_and_falls_back_for_unseen_ones() {
    use experiments::real::deployment::{KeyKind, Keyed, Pooling, fit_keyed, keys_of};
    let dir = temp_dir("replay-keyed");
    // Two deployments (clusters `fast-*` and `slow-*`), each recorded at two
    // sizes, whose makespans come from a known submission cost per job.
    let truth = [("fast-1", 1.5), ("fast-2", 1.5), ("slow-1", 12.0), ("slow-2", 12.0)];
    let base = Model {
        job_overhead: 2.0,
        ..Model::default()
    };
    let mut instances: Vec<Instance> = truth
        .iter()
        .enumerate()
        .map(|(i, (machine, _))| {
            synthetic(
                &dir,
                &format!("r{i}"),
                20 + 30 * (i % 2),
                machine,
                Some("k"),
                Some("5.0"),
            )
        })
        .collect();
    for (inst, (_, interval)) in instances.iter_mut().zip(truth) {
        inst.measured = inst
            .simulate(&Model {
                submit_interval: interval,
                ..base
            })
            .unwrap();
    }
    let refs: Vec<&Instance> = instances.iter().collect();
    let keys = keys_of(KeyKind::Site, &refs).unwrap();
    assert_eq!(keys, ["fast", "fast", "slow", "slow"]);
    // Two recordings a key: their own fits, at full weight (shrinkage k = 0).
    let own = Pooling::Shrink(0.0);
    let keyed = fit_keyed(&refs, &keys, base, Keyed::Submit, 1).unwrap();
    for (key, want) in [("fast", 1.5), ("slow", 12.0)] {
        let (model, weight) = keyed.model(key, own);
        assert_eq!(weight, 1.0);
        assert!(
            (model.submit_interval / want - 1.0).abs() < 0.01,
            "{key}: fitted {} s per job, recorded with {want}",
            model.submit_interval
        );
        // The parameters not keyed stay at the global fit.
        assert_eq!(model.job_overhead, base.job_overhead);
    }
    assert_eq!(keyed, fit_keyed(&refs, &keys, base, Keyed::Submit, 1).unwrap());
    // A recording on a cluster no fit instance ran on gets the global fit.
    let unseen = synthetic(&dir, "other", 10, "other-3", Some("k"), Some("5.0"));
    let key = KeyKind::Site.key(&unseen).unwrap();
    assert_eq!(keyed.model(&key, own), (base, 0.0));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cross_validation_prefers_the_key_that_separates_the_deployments() {
    use experiments::real::deployment::{Choice, CrossValidation, KeyKind, best, cross_validate};
    let dir = temp_dir("replay-keyed-cv");
    // Five recordings on each of two clusters, 1 and 12 s per submitted job:
    // held out, each has four others of its cluster, enough for their own fit.
    let mut instances = Vec::new();
    for (i, (machine, interval)) in [("fast-1", 1.0), ("slow-1", 12.0)].into_iter().enumerate() {
        for size in [10, 15, 20, 30, 40] {
            instances.push(recorded_at(
                synthetic(&dir, &format!("r{i}-{size}"), size, machine, None, None),
                interval,
            ));
        }
    }
    let refs: Vec<&Instance> = instances.iter().collect();
    let choices = Choice::all();
    let CrossValidation { scores, skipped } = cross_validate(&refs, &choices, Model::default()).unwrap();
    // The files record no kernel release and no workflow system: those keys are left out, by file and field.
    assert!(
        skipped
            .iter()
            .any(|(c, why)| c.kind == KeyKind::Os && why.contains("workflow.execution.machines[0].release")),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|(c, why)| c.kind == KeyKind::Wms && why.contains("runtimeSystem.name")),
        "{skipped:?}"
    );
    let chosen = best(&scores).unwrap();
    let global = scores.iter().find(|s| s.choice == Choice::GLOBAL).unwrap();
    assert!(
        matches!(chosen.choice.kind, KeyKind::Site | KeyKind::FamilySite),
        "{:?}",
        chosen.choice
    );
    assert!(chosen.mean_abs() < 0.5 * global.mean_abs(), "{scores:?}");
    assert_eq!(chosen.fallbacks, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_or_malformed_deployment_field_is_named_with_its_file() {
    // Makeflow's files record no kernel release.
    let makeflow = format!("{WFCOMMONS}/makeflow");
    let (code, _, stderr) = schedlab(&["replay", &makeflow, "--fit", "--deployment-key", "os"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("blast-chameleon-large-001.json: workflow.execution.machines[0].release is not recorded"),
        "{stderr}"
    );
    let dir = temp_dir("replay-bad-deployment");
    let good = std::fs::read_to_string(srasearch("10a-001")).unwrap();
    let bad = good.replacen("\"version\": \"5.0\"", "\"version\": 5", 1);
    assert_ne!(good, bad);
    let path = dir.join("bad.json");
    std::fs::write(&path, bad).unwrap();
    let (code, _, stderr) = schedlab(&["replay", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("bad.json") && stderr.contains("runtimeSystem.version: expected a string, got 5"),
        "{stderr}"
    );
    let (code, _, stderr) = schedlab(&["replay", &srasearch("10a-001"), "--fit", "--deployment-key", "moon"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--deployment-key: unknown key \"moon\""), "{stderr}");
    for (pooling, message) in [
        ("shrink:-1", "--pooling: shrink:K needs a number K >= 0, got \"-1\""),
        ("average", "--pooling: unknown pooling \"average\""),
    ] {
        let args = [
            "replay",
            &srasearch("10a-001"),
            "--fit",
            "--deployment-key",
            "site",
            "--pooling",
            pooling,
        ];
        let (code, _, stderr) = schedlab(&args);
        assert_eq!(code, 2);
        assert!(stderr.contains(message), "{stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `inst` with its measured makespan set to its simulation at
/// `submit_interval` s per submitted job, the other parameters at their defaults.
fn recorded_at(mut inst: Instance, submit_interval: f64) -> Instance {
    inst.measured = inst
        .simulate(&Model {
            submit_interval,
            ..Model::default()
        })
        .unwrap();
    inst
}

/// Recordings on two clusters, `few` of them on `few-1` at 12 s per
/// submitted job and `many` on `many-1` at 1.5 s, the other parameters at
/// their defaults.
fn two_clusters(dir: &Path, few: usize, many: usize) -> Vec<Instance> {
    let mut instances = Vec::new();
    for (machine, n, interval) in [("few-1", few, 12.0), ("many-1", many, 1.5)] {
        for i in 0..n {
            instances.push(recorded_at(
                synthetic(dir, &format!("{machine}-{i}"), 10 + 10 * i, machine, None, None),
                interval,
            ));
        }
    }
    instances
}

#[test]
fn a_key_gets_its_own_fit_only_from_four_fit_recordings() {
    use experiments::real::deployment::{Choice, KeyKind, Keyed, MIN_KEY_RECORDINGS, Pooling, fit_choice, keys_of};
    assert_eq!(MIN_KEY_RECORDINGS, 4, "the issue's decision");
    let dir = temp_dir("replay-min-recordings");
    let instances = two_clusters(&dir, 3, 4);
    // The global fit's parameters, which keys keep where they have no own fit.
    let global = Model::default();
    let refs: Vec<&Instance> = instances.iter().collect();
    let keys = keys_of(KeyKind::Site, &refs).unwrap();
    let choice = Choice {
        kind: KeyKind::Site,
        keyed: Keyed::Submit,
        pooling: Pooling::MinRecordings,
    };
    let keyed = fit_choice(&refs, &keys, global, choice).unwrap();
    // Three recordings: no fit of its own, the global fit.
    assert_eq!(keyed.per_key["few"].recordings, 3);
    assert_eq!(keyed.per_key["few"].own, None);
    assert_eq!(keyed.model("few", choice.pooling), (global, 0.0));
    // Four: its own fit, which finds its cluster's cost.
    assert_eq!(keyed.per_key["many"].recordings, 4);
    let own = keyed.per_key["many"].own.expect("an own fit from four recordings");
    assert_eq!(keyed.model("many", choice.pooling), (own, 1.0));
    assert!(
        (own.submit_interval / 1.5 - 1.0).abs() < 0.01,
        "own fit {} s per job, recorded with 1.5",
        own.submit_interval
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn shrinkage_goes_from_the_keys_own_fit_at_k_0_to_the_global_fit_as_k_grows() {
    use experiments::real::deployment::{KeyKind, Keyed, Pooling, fit_keyed, keys_of};
    let dir = temp_dir("replay-shrink");
    let instances = two_clusters(&dir, 2, 2);
    let global = Model::default();
    let refs: Vec<&Instance> = instances.iter().collect();
    let keys = keys_of(KeyKind::Site, &refs).unwrap();
    let keyed = fit_keyed(&refs, &keys, global, Keyed::SubmitAndOverhead, 1).unwrap();
    let own = keyed.per_key["few"].own.expect("an own fit from one recording up");
    assert_ne!(own, global);
    assert_eq!(keyed.model("few", Pooling::Shrink(0.0)), (own, 1.0));
    assert_eq!(keyed.model("few", Pooling::Shrink(f64::INFINITY)), (global, 0.0));
    let (far, weight) = keyed.model("few", Pooling::Shrink(1e12));
    assert!(weight < 1e-11);
    for (a, b) in [
        (far.submit_interval, global.submit_interval),
        (far.job_overhead, global.job_overhead),
    ] {
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{far:?} against {global:?}");
    }
    // k = n: half way, in each keyed parameter; the others stay global.
    let (half, weight) = keyed.model("few", Pooling::Shrink(2.0));
    assert_eq!(weight, 0.5);
    let mid = |o: f64, g: f64| 0.5 * o + 0.5 * g;
    assert_eq!(half.submit_interval, mid(own.submit_interval, global.submit_interval));
    assert_eq!(half.job_overhead, mid(own.job_overhead, global.job_overhead));
    assert_eq!(half.staging_bandwidth, global.staging_bandwidth);
    std::fs::remove_dir_all(&dir).unwrap();
}
