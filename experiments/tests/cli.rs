//! The `schedlab` binary end to end: arguments, output formats, errors and exit codes.

mod common;

use common::schedlab;

const REFERENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/reference");

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn heft_and_cpop_on_the_reference_dag() {
    let dag = format!("{REFERENCE}/heft_topcuoglu2002");
    for (scheduler, makespan) in [("heft", 80.0), ("cpop", 86.0)] {
        let (code, out, err) = schedlab(&["simulate", "--dag", &dag, "--scheduler", scheduler, "--json"]);
        assert_eq!(code, 0, "{err}");
        let v = json(&out);
        assert_eq!(v["makespan"], makespan);
        assert_eq!(v["scheduler"], scheduler);
        assert_eq!(v["tasks"], 10);
        for field in ["slr", "speedup", "efficiency", "energy_j"] {
            assert!(v[field].as_f64().is_some_and(|x| x > 0.0), "{field}: {v}");
        }
    }
}

#[test]
fn generated_dag_on_heterogeneous_preset_with_trace() {
    let dir = std::env::temp_dir().join(format!("schedlab-cli-{}", std::process::id()));
    let trace = dir.join("trace.json");
    let (code, out, err) = schedlab(&[
        "simulate",
        "--generate",
        "layered:tasks=1000,ccr=1",
        "--platform",
        "heterogeneous:16",
        "--scheduler",
        "heft",
        "--trace",
        trace.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    for label in ["makespan", "SLR", "energy"] {
        assert!(out.contains(label), "{label} missing from:\n{out}");
    }
    let trace: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&trace).unwrap()).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    let tasks = events.iter().filter(|e| e["ph"] == "X").count();
    assert_eq!(tasks, 1000, "one complete event per (sequential) task");
    assert!(events.iter().all(|e| e["ph"] == "M" || e["ts"].is_number()));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn errors_name_the_problem_and_exit_2() {
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "simulate",
                "--dag",
                "/nonexistent/x.json",
                "--platform",
                "homogeneous:2",
            ],
            "/nonexistent/x.json",
        ),
        (
            &["simulate", "--generate", "layered:tasks=10", "--platform", "cray:4"],
            "cray",
        ),
        (
            &[
                "simulate",
                "--generate",
                "layered:tasks=10",
                "--platform",
                "homogeneous:4",
                "--scheduler",
                "hfet",
            ],
            "hfet",
        ),
        (&["simulate", "--generate", "layered:tasks=10"], "--platform"),
        (
            &[
                "simulate",
                "--generate",
                "layered:tasks=10",
                "--platform",
                "homogeneous:x",
            ],
            "node count",
        ),
        (
            &[
                "simulate",
                "--generate",
                "layered:tasks=10,gpu=1",
                "--platform",
                "homogeneous:2",
            ],
            "--generate \"layered:tasks=10,gpu=1\": task \"t0\" requires label \"gpu\", which no node",
        ),
    ];
    for (args, needle) in cases {
        let (code, _, err) = schedlab(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn schedulers_lists_every_registered_name() {
    let (code, out, _) = schedlab(&["schedulers"]);
    assert_eq!(code, 0);
    for info in schedulers::registry::all() {
        assert!(out.contains(info.name), "{} missing", info.name);
    }
}

#[test]
fn failures_from_the_command_line_lose_work_but_no_task() {
    let (code, out, err) = schedlab(&[
        "simulate",
        "--generate",
        "layered:tasks=200,ccr=0.5",
        "--platform",
        "homogeneous:4",
        "--scheduler",
        "heft",
        "--mtbf",
        "20",
        "--repair",
        "5",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert!(v["lost_runs"].as_u64().is_some_and(|n| n > 0), "{v}");
    assert_eq!(v["checked"], true);
    let (code, _, err) = schedlab(&[
        "simulate",
        "--generate",
        "layered:tasks=10",
        "--platform",
        "homogeneous:2",
        "--mtbf=-3",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("mtbf"), "{err}");
}

#[test]
fn generate_convert_info_round_trip() {
    let dir = std::env::temp_dir().join(format!("schedlab-gci-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json_path = dir.join("g.json");
    let dot_path = dir.join("g.dot");
    let (code, _, err) = schedlab(&[
        "generate",
        "gaussian",
        "--param",
        "m=6",
        "--seed",
        "3",
        "-o",
        json_path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = schedlab(&["info", json_path.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    // Gaussian elimination on an m × m matrix has (m² + m − 2) / 2 tasks.
    assert_eq!(v["tasks"], 20);
    assert!(v["critical_path"].as_f64().is_some_and(|c| c > 0.0) && v["edges"].as_u64().is_some_and(|e| e > 0));
    let (code, _, err) = schedlab(&["convert", json_path.to_str().unwrap(), dot_path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = schedlab(&["info", dot_path.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    assert_eq!(json(&out)["tasks"], 20);
    let stg = format!("{REFERENCE}/../stg/application/robot.stg");
    let (code, out, err) = schedlab(&["info", &stg]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("critical path") && out.contains("569"), "{out}");
    let (code, _, err) = schedlab(&["info", "/nonexistent/dag.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/dag.json"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn platforms_describes_every_preset_and_prints_platform_files_as_json() {
    let (code, out, err) = schedlab(&["platforms"]);
    assert_eq!(code, 0, "{err}");
    for name in [
        "homogeneous:8",
        "heterogeneous:8",
        "edge-cloud:8",
        "idle W",
        "link edge <-> cloud",
    ] {
        assert!(out.contains(name), "{name} missing from:\n{out}");
    }
    let (code, out, err) = schedlab(&["platforms", "edge-cloud:4", "--network", "dedicated", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v[0]["spec"]["network"]["model"], "dedicated");
    assert_eq!(v[0]["spec"]["name"], "edge-cloud:4 net=dedicated");
}

#[test]
fn network_switches_the_model_in_simulate_and_zero_never_prints_negative() {
    let run = |network: &str| {
        let (code, out, err) = schedlab(&[
            "simulate",
            "--generate",
            "layered:tasks=60,ccr=5,fat=0.8",
            "--platform",
            "heterogeneous:4",
            "--network",
            network,
            "--json",
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains("-0.0"), "{out}");
        json(&out)
    };
    let (shared, dedicated) = (run("shared"), run("dedicated"));
    assert_eq!(shared["platform"], "heterogeneous:4", "already shared: unchanged");
    assert_eq!(dedicated["platform"], "heterogeneous:4 net=dedicated");
    assert_eq!(dedicated["lost_work"], 0.0);
    let (s, d) = (
        shared["makespan"].as_f64().unwrap(),
        dedicated["makespan"].as_f64().unwrap(),
    );
    assert!(
        d < s,
        "without contention the same plan ends sooner: dedicated {d} vs shared {s}"
    );
    let (code, _, err) = schedlab(&[
        "simulate",
        "--generate",
        "layered",
        "--platform",
        "homogeneous:2",
        "--network",
        "sharde",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean \"shared\"?"), "{err}");
    let (code, out, _) = schedlab(&["simulate", "--generate", "layered", "--platform", "homogeneous:2"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("0 runs, 0.000 core-s, 0.000 J") && !out.contains("-0"),
        "{out}"
    );
}
