//! Learned schedulers end to end: `schedlab train` on a tiny grid, model
//! files, the registry specs `learned:MODEL`, `auto:MODEL`,
//! `learned-stream:MODEL` and `learned-net:MODEL`, and `schedlab evaluate`.

mod common;

use common::{schedlab, temp_dir};

use experiments::grid::config::Config;
use experiments::learning::train;
use sim::{CostModel, SimConfig};
use std::path::Path;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data");

/// A grid small enough for CI: 4 DAGs of 10 to 20 tasks on 3 nodes.
const GRID: &str = r#"
schedulers = ["heft", "lookahead-heft", "online-eft"]
seeds = 2
[[workloads]]
family = "layered"
params = { tasks = [10, 20], ccr = 2 }
[[platforms]]
preset = "heterogeneous"
nodes = 3
"#;

/// Four single-core nodes of two speeds on a dedicated network.
const SINGLE_CORE: &str = r#"
name = "single-core"
[network]
model = "dedicated"
latency = 0.0001
bandwidth = 1e8
[[nodes]]
name = "slow"
count = 2
cores = 1
speed = 1.0
power = { idle_w = 10.0, busy_core_w = 5.0 }
[[nodes]]
name = "fast"
count = 2
cores = 1
speed = 2.5
power = { idle_w = 10.0, busy_core_w = 5.0 }
"#;

fn config(train: &str) -> Config {
    Config::parse(&format!("{GRID}[train]\n{train}\n"), Path::new(".")).unwrap()
}

#[test]
fn training_is_deterministic_whatever_the_thread_count() {
    for kind in ["model = \"learned\"\nrounds = 2", "model = \"auto\""] {
        let grid = config(kind);
        let one = train::train(&grid, "grid.toml", false, Some(1), None).unwrap();
        let two = train::train(&grid, "grid.toml", false, Some(2), None).unwrap();
        assert_eq!(one.model.to_bytes().unwrap(), two.model.to_bytes().unwrap(), "{kind}");
        assert!(one.samples > 0 && one.instances == 4, "{kind}");
    }
}

#[test]
fn trained_models_schedule_through_the_registry_and_pass_the_checker() {
    let dir = temp_dir("registry");
    let list = dir.join("list.json");
    let auto = dir.join("auto.json");
    for (kind, path) in [("model = \"learned\"\nrounds = 1", &list), ("model = \"auto\"", &auto)] {
        let model = train::train(&config(kind), "grid.toml", false, None, None)
            .unwrap()
            .model;
        std::fs::write(path, model.to_bytes().unwrap()).unwrap();
    }
    let platform = sim::presets::preset("edge-cloud", 5).unwrap();
    let specs = [
        format!("learned:{}", list.display()),
        format!("learned:model={},guard=0", list.display()),
        format!("auto:{}", auto.display()),
        format!("auto:model={},noise=0.3,failure-rate=0.01", auto.display()),
    ];
    for seed in 0..4 {
        let dag = workloads::generate("layered:tasks=40,ccr=1", seed).unwrap();
        let costs = CostModel::new(&dag, &platform).unwrap();
        for spec in &specs {
            let mut s = schedulers::registry::create(spec, seed).unwrap();
            let result = sim::simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
            if let Err(v) = sim::check::check(&costs, &result) {
                panic!("{spec}, seed {seed}: {v:?}");
            }
        }
        // The guarded learned plan is never planned longer than HEFT's, and on
        // single-core nodes and a dedicated network without noise the engine
        // follows plans exactly.
        let dedicated = sim::Platform::from_toml(SINGLE_CORE).unwrap();
        let run = |spec: &str| {
            let mut s = schedulers::registry::create(spec, seed).unwrap();
            sim::simulate(&dag, &dedicated, &mut s, &SimConfig::default())
                .unwrap()
                .metrics
                .makespan
        };
        assert!(run(&specs[0]) <= run("heft"), "seed {seed}");
    }
    // auto runs the member its model picks for the declared conditions.
    let model = schedulers::learned::selection_model(Some(&auto.display().to_string())).unwrap();
    let dag = workloads::generate("layered:tasks=30,ccr=1", 9).unwrap();
    let costs = CostModel::new(&dag, &platform).unwrap();
    let member = schedulers::learned::select::choose(&model, &costs, 0.3, 0.01).to_owned();
    let config = SimConfig {
        noise: sim::Noise::lognormal(0.3),
        seed: 9,
        ..SimConfig::default()
    };
    let makespan = |spec: &str| {
        let mut s = schedulers::registry::create(spec, 9).unwrap();
        sim::simulate(&dag, &platform, &mut s, &config)
            .unwrap()
            .metrics
            .makespan
    };
    assert_eq!(makespan(&specs[3]), makespan(&member));
    // A model of the other kind is refused with the file and the kind expected.
    let err = schedulers::registry::create(&format!("learned:{}", auto.display()), 0)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("auto.json") && err.contains("expected learned-list"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn train_and_evaluate_from_the_command_line() {
    let dir = temp_dir("cli");
    let model = dir.join("auto.json");
    let grid = dir.join("grid.toml");
    std::fs::write(&grid, format!("{GRID}[train]\nmodel = \"auto\"\n")).unwrap();
    let (code, out, err) = schedlab(&["train", grid.to_str().unwrap(), "-o", model.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let size = std::fs::metadata(&model).unwrap().len();
    assert!(
        out.contains("algorithm-selection model: 4 instances") && out.contains(&format!("{size} bytes")),
        "{out}"
    );

    // Held-out: two STG graphs the model never saw.
    let eval = dir.join("eval.toml");
    std::fs::write(
        &eval,
        format!(
            "schedulers = [\"heft\", \"lookahead-heft\", \"online-eft\", \"learned\"]\nseeds = 1\n\
             [[workloads]]\nfiles = [\"{SHARED}/stg/rnc/50/rand0000.stg\", \"{SHARED}/stg/rnc/50/rand0001.stg\"]\n\
             [[platforms]]\npreset = \"heterogeneous\"\nnodes = 3\n"
        ),
    )
    .unwrap();
    let out_dir = dir.join("out");
    let (code, out, err) = schedlab(&[
        "evaluate",
        eval.to_str().unwrap(),
        "--auto",
        model.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("2 instances") && out.contains("oracle (best of portfolio)"),
        "{out}"
    );
    assert!(
        out.contains("- learned: mean makespan / HEFT's") && out.contains("mean makespan / oracle's"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("protocol.md")).unwrap()
            + &format!("written: {}\n", out_dir.join("protocol.md").display()),
        out
    );

    // A grid without [train] is refused with what to add.
    std::fs::write(&grid, GRID).unwrap();
    let (code, _, err) = schedlab(&["train", grid.to_str().unwrap(), "-o", model.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("[train]"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A stream grid small enough for CI: streams of 8 small jobs on 3 nodes of
/// the preset's shared network, at two loads.
const STREAM_GRID: &str = r#"
schedulers = ["job-fifo", "fair"]
seeds = 2
[train]
model = "learned-stream"
iterations = 2
population = 2
[stream]
arrivals = "poisson:rate=1"
load = [0.5, 0.9]
jobs = 8
[[workloads]]
family = "layered"
params = { tasks = 8, ccr = 1 }
[[workloads]]
family = "fork-join"
params = { levels = 1, width = 4, ccr = 1 }
[[platforms]]
preset = "heterogeneous"
nodes = 3
"#;

#[test]
fn stream_training_is_deterministic_resumable_and_runs_through_the_registry() {
    let grid = Config::parse(STREAM_GRID, Path::new(".")).unwrap();
    let one = train::train(&grid, "grid.toml", false, Some(1), None).unwrap();
    let two = train::train(&grid, "grid.toml", false, Some(2), None).unwrap();
    let bytes = one.model.to_bytes().unwrap();
    assert_eq!(bytes, two.model.to_bytes().unwrap());
    // 4 streams, each rolled out for the initial weights, 2 iterations of 1 + 2 x 2 candidates, and the last centre.
    assert_eq!((one.instances, one.samples), (4, 4 * (1 + 2 * 5 + 1)));
    // Training keeps the best centre, the initial weights included, so it never ends worse than it started.
    let initial = one.ratio.unwrap().mean;
    assert!(initial.is_finite() && initial > 0.0);

    // A checkpoint written along the way restores the state bit for bit; one of another config is ignored.
    let dir = temp_dir("stream-train");
    let checkpoint = dir.join("model.checkpoint");
    let first = train::train(&grid, "grid.toml", false, Some(2), Some(&checkpoint)).unwrap();
    assert!(checkpoint.exists());
    let resumed = train::train(&grid, "grid.toml", false, Some(2), Some(&checkpoint)).unwrap();
    assert_eq!(first.model.to_bytes().unwrap(), bytes);
    assert_eq!(resumed.model.to_bytes().unwrap(), bytes);
    let other = Config::parse(&STREAM_GRID.replace("jobs = 8", "jobs = 7"), Path::new(".")).unwrap();
    let fresh = train::train(&other, "grid.toml", false, Some(2), Some(&checkpoint)).unwrap();
    let alone = train::train(&other, "grid.toml", false, Some(2), None).unwrap();
    assert_eq!(fresh.model.to_bytes().unwrap(), alone.model.to_bytes().unwrap());

    // The model file drives learned-stream through the registry; runs pass the stream checker.
    let path = dir.join("stream.json");
    std::fs::write(&path, &bytes).unwrap();
    let spec = format!("learned-stream:{}", path.display());
    let stream = workloads::stream::Stream::new(
        workloads::stream::StreamSource::process(
            "poisson:rate=1",
            Some(0.9),
            workloads::stream::JobMix::new(vec![workloads::stream::MixEntry {
                source: workloads::stream::MixSource::Generator("stages:stages=2,width=4,ccr=1".to_owned()),
                weight: 1.0,
            }])
            .unwrap(),
            &sim::presets::preset("heterogeneous", 3).unwrap(),
        )
        .unwrap(),
        workloads::stream::Limit {
            jobs: Some(12),
            horizon: None,
        },
    )
    .unwrap();
    let platform = sim::presets::preset("heterogeneous", 3).unwrap();
    let run = experiments::run::StreamSpec {
        stream: &stream,
        platform: &platform,
        scheduler: &spec,
        resource_manager: schedulers::resource::DEFAULT,
        settings: SimConfig::default(),
    }
    .execute()
    .unwrap();
    assert_eq!(run.metrics(None).jobs, 12);
    // A model of another kind, and settings of another model, are refused.
    let err = schedulers::registry::create_for_stream("learned-stream:/no/such.json", 0)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("/no/such.json"), "{err}");
    let bad = Config::parse(&STREAM_GRID.replace("learned-stream", "auto"), Path::new(".")).unwrap();
    let err = train::train(&bad, "grid.toml", false, Some(1), None)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("apply to model = \"learned-stream\" and \"learned-net\" only"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn evaluate_scores_stream_grids_by_mean_jct_against_the_best_heuristic() {
    let dir = temp_dir("stream-eval");
    let eval = dir.join("eval.toml");
    std::fs::write(
        &eval,
        STREAM_GRID
            .replace(
                "[train]\nmodel = \"learned-stream\"\niterations = 2\npopulation = 2\n",
                "",
            )
            .replace(
                "[\"job-fifo\", \"fair\"]",
                "[\"job-fifo\", \"fair\", \"learned-stream\"]",
            ),
    )
    .unwrap();
    let out_dir = dir.join("out");
    let (code, out, err) = schedlab(&["evaluate", eval.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("4 instances") && out.contains("| mean JCT (s) |"), "{out}");
    assert!(
        out.contains("| best heuristic (per load) |")
            && out.contains("- learned-stream: mean JCT / best heuristic (per load)'s"),
        "{out}"
    );
    assert!(out.contains("### µs per decision by stream"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn net_training_is_deterministic_and_its_model_runs_through_the_registry() {
    let grid = config("model = \"learned-net\"\niterations = 2\npopulation = 2");
    let one = train::train(&grid, "grid.toml", false, Some(1), None).unwrap();
    let two = train::train(&grid, "grid.toml", false, Some(2), None).unwrap();
    let bytes = one.model.to_bytes().unwrap();
    assert_eq!(bytes, two.model.to_bytes().unwrap());
    // 4 DAGs, each rolled out for the initial weights, 2 iterations of 1 + 2 x 2 candidates, and the last centre.
    assert_eq!((one.instances, one.samples), (4, 4 * (1 + 2 * 5 + 1)));
    assert_eq!(one.model.kind(), "learned-net");

    // The model file drives learned-net through the registry; the run passes the checker.
    let dir = temp_dir("net-train");
    let path = dir.join("net.json");
    std::fs::write(&path, &bytes).unwrap();
    let dag = workloads::generate("stages:stages=2,width=6,ccr=5", 1).unwrap();
    let platform = sim::presets::preset("heterogeneous", 4).unwrap();
    let spec = format!("learned-net:{}", path.display());
    let run = experiments::run::RunSpec {
        dag: &dag,
        platform: &platform,
        scheduler: &spec,
        resource_manager: schedulers::resource::DEFAULT,
        settings: SimConfig::default(),
    }
    .execute()
    .unwrap();
    assert_eq!(run.tasks.len(), dag.task_count());
    // A model of another kind is refused, naming the file; so is a stream grid.
    std::fs::write(&path, one_of_another_kind()).unwrap();
    let err = schedulers::registry::create(&spec, 0).err().unwrap().to_string();
    assert!(
        err.contains("net.json") && err.contains("expected learned-net"),
        "{err}"
    );
    let streams = Config::parse(&STREAM_GRID.replace("learned-stream", "learned-net"), Path::new(".")).unwrap();
    let err = train::train(&streams, "grid.toml", false, Some(1), None)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("trains on single DAGs"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The bytes of a bundled model that is not a learned-net one.
fn one_of_another_kind() -> &'static str {
    include_str!("../../schedulers/models/learned-stream.json")
}

#[test]
fn evaluate_scores_learned_net_against_the_best_heuristic_per_family() {
    let dir = temp_dir("net-eval");
    let eval = dir.join("eval.toml");
    std::fs::write(
        &eval,
        GRID.replace(
            "[\"heft\", \"lookahead-heft\", \"online-eft\"]",
            "[\"heft\", \"lookahead-heft\", \"learned-net\", \"learned-net:guard=off\"]",
        ),
    )
    .unwrap();
    let out_dir = dir.join("out");
    let (code, out, err) = schedlab(&["evaluate", eval.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("4 instances") && out.contains("| mean makespan (s) |"),
        "{out}"
    );
    assert!(
        out.contains("| best heuristic (per family) |")
            && out.contains("- learned-net: mean makespan / best heuristic (per family)'s")
            && out.contains("- learned-net: mean makespan / HEFT's")
            && out.contains("- learned-net:guard=off: mean makespan / HEFT's"),
        "{out}"
    );
    // One row per family (2 DAG sizes on 1 platform), with both learned-net columns.
    let table = out.split("### Per instance family").nth(1).unwrap_or_default();
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| layered")).collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert!(rows.iter().all(|r| r.split('|').count() == 10), "{out}");
    assert!(
        table.contains("learned-net: mean makespan <= 0.9 x the best heuristic's on")
            && table.contains(" of 2 families."),
        "{out}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
