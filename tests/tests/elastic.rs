//! Resource managers on job streams: audited runs, energy against always-on, bad input.

use experiments::run::StreamSpec;
use sim::{Platform, SimConfig, StreamRun};
use workloads::stream::{JobMix, Limit, MixEntry, MixSource, Stream, StreamSource};

/// `n` identical 4-core nodes: idle 100 W, 20 W per busy core, with a boot
/// of `boot_secs` (50 W while booting) and `off_w` while off, at 1 per hour.
fn identical(n: u32, boot_secs: f64, off_w: f64) -> Platform {
    let boot_j = 50.0 * boot_secs;
    Platform::from_toml(&format!(
        r#"
name = "identical"
[network]
model = "dedicated"
latency = 0.0001
bandwidth = 1.25e9
[[nodes]]
name = "vm"
count = {n}
cores = 4
speed = 1.0
price_per_hour = 1.0
power = {{ idle_w = 100.0, busy_core_w = 20.0, off_w = {off_w}, boot_secs = {boot_secs}, boot_j = {boot_j} }}
"#
    ))
    .unwrap()
}

/// A bursty stream (two-state MMPP) of small layered jobs at offered load 0.3.
fn stream(platform: &Platform, jobs: usize) -> Stream {
    let mix = JobMix::new(vec![MixEntry {
        source: MixSource::Generator("layered:tasks=12,ccr=0.1".to_owned()),
        weight: 1.0,
    }])
    .unwrap();
    let source = StreamSource::process("mmpp:rates=4/0.25,mean_stay=60/240", Some(0.3), mix, platform).unwrap();
    Stream::new(
        source,
        Limit {
            jobs: Some(jobs),
            horizon: None,
        },
    )
    .unwrap()
}

fn run(platform: &Platform, stream: &Stream, scheduler: &str, resource_manager: &str, seed: u64) -> StreamRun {
    StreamSpec {
        stream,
        platform,
        scheduler,
        resource_manager,
        settings: SimConfig {
            seed,
            ..SimConfig::default()
        },
    }
    .execute()
    .unwrap_or_else(|e| panic!("{scheduler} under {resource_manager}, seed {seed}: {e:#}"))
}

/// With free, instant boots and nothing drawn while off, powering idle
/// nodes off can only save idle power: on identical nodes, consolidating
/// never uses more energy than keeping every node on.
#[test]
fn consolidating_never_uses_more_energy_than_always_on_without_boot_costs() {
    let platform = identical(8, 0.0, 0.0);
    let stream = stream(&platform, 300);
    for scheduler in ["online-eft", "job-fifo", "fifo"] {
        for seed in 0..3 {
            let on = run(&platform, &stream, scheduler, "always-on", seed);
            for spec in ["consolidating", "consolidating:timeout=0,period=1,min=0"] {
                let packed = run(&platform, &stream, scheduler, spec, seed);
                let (e_on, e_packed) = (on.result.metrics.energy_j, packed.result.metrics.energy_j);
                assert!(
                    e_packed <= e_on * (1.0 + 1e-12),
                    "{scheduler} seed {seed}: {spec} {e_packed} J > always-on {e_on} J"
                );
            }
        }
    }
}

/// Every resource manager under every kind of stream policy (online
/// placement, job-level, static per arrival, work stealing), with real boot
/// times: each run passes the checker (which audits that no run overlaps an
/// off or booting period of its node), the elastic policies do power nodes
/// off, and the power series still integrates to the energy. (Node-hours
/// are not compared with always-on's: a run that powers nodes off may take longer.)
#[test]
fn every_resource_manager_runs_audited_and_powers_nodes_off() {
    let platform = identical(8, 30.0, 5.0);
    let stream = stream(&platform, 120);
    for scheduler in ["online-eft", "job-fifo", "heft", "work-stealing"] {
        let on = run(&platform, &stream, scheduler, "always-on", 1);
        assert!(on.result.power.is_empty());
        for spec in [
            "reactive:idle=30,cooldown=30,low=0.9",
            "predictive:period=30",
            "consolidating:timeout=30",
        ] {
            let elastic = run(&platform, &stream, scheduler, spec, 1);
            let m = elastic.result.metrics;
            assert!(
                !elastic.result.power.is_empty(),
                "{scheduler} under {spec} powered nothing off"
            );
            let all_hours = 8.0 * m.makespan / 3600.0;
            assert!(
                m.node_hours < all_hours,
                "{scheduler} under {spec}: {} node-hours",
                m.node_hours
            );
            assert!(m.cost > 0.0);
            let series = sim::metrics::power_series(&platform, &elastic.result);
            assert!((series.integral() - m.energy_j).abs() <= 1e-9 * m.energy_j);
        }
    }
}

/// Same seed, same run: resource managers draw nothing at random.
#[test]
fn elastic_runs_are_reproducible() {
    let platform = identical(6, 20.0, 2.0);
    let stream = stream(&platform, 60);
    for spec in ["reactive", "predictive", "consolidating"] {
        let a = run(&platform, &stream, "online-eft", spec, 4);
        let b = run(&platform, &stream, "online-eft", spec, 4);
        assert_eq!(a.result, b.result, "{spec}");
    }
}

#[test]
fn bad_resource_manager_specs_and_prices_are_clear_errors() {
    let platform = identical(2, 0.0, 0.0);
    let stream = stream(&platform, 5);
    let err = StreamSpec {
        stream: &stream,
        platform: &platform,
        scheduler: "online-eft",
        resource_manager: "reactive:low=2",
        settings: SimConfig::default(),
    }
    .execute()
    .unwrap_err();
    assert_eq!(
        format!("{err:#}"),
        "resource manager \"reactive\": parameter \"low\": expected a number in [0, 1], got \"2\""
    );
    let text = "name = \"p\"\n[network]\nmodel = \"dedicated\"\nlatency = 0\nbandwidth = 1e9\n\
                [[nodes]]\nname = \"n\"\ncores = 1\nspeed = 1\nprice_per_hour = -0.5\n\
                power = { idle_w = 1, busy_core_w = 1, boot_secs = -3 }\n";
    assert_eq!(
        Platform::from_toml(text).unwrap_err().to_string(),
        "nodes[0].power.boot_secs: expected a finite number >= 0, got -3"
    );
    assert_eq!(
        Platform::from_toml(&text.replace("boot_secs = -3", "boot_secs = 3"))
            .unwrap_err()
            .to_string(),
        "nodes[0].price_per_hour: expected a finite number >= 0, got -0.5"
    );
}

/// Two held nodes and a pool of up to `max` more, as [`identical`]'s (with
/// a boot of 30 s; a released pool node draws nothing).
fn base_and_pool(max: &str) -> String {
    format!(
        r#"
name = "base-and-pool"
[network]
model = "dedicated"
latency = 0.0001
bandwidth = 1.25e9
[[nodes]]
name = "base"
count = 2
cores = 4
speed = 1.0
price_per_hour = 1.0
power = {{ idle_w = 100.0, busy_core_w = 20.0, off_w = 5.0, boot_secs = 30.0, boot_j = 1500.0 }}
[[nodes]]
name = "vm"
pool = {{ max = {max} }}
cores = 4
speed = 1.0
price_per_hour = 1.0
power = {{ idle_w = 100.0, busy_core_w = 20.0, boot_secs = 30.0, boot_j = 1500.0 }}
"#
    )
}

/// On a platform with a pool, always-on holds it whole (no power record,
/// the run of the same nodes fixed), and the elastic managers start with it
/// released, acquire pool nodes as work waits and release them, every run
/// audited by the checker (no run on a node while it is released or
/// booting) through `StreamSpec::execute`.
#[test]
fn elastic_managers_acquire_and_release_pool_nodes() {
    let platform = Platform::from_toml(&base_and_pool("6")).unwrap();
    let fixed = Platform::from_toml(&base_and_pool("6").replace("pool = { max = 6 }", "count = 6")).unwrap();
    let stream = stream(&platform, 120);
    let pool: Vec<sim::NodeId> = platform.node_ids().filter(|&n| platform.node(n).pooled).collect();
    assert_eq!(pool.len(), 6);
    for scheduler in ["online-eft", "job-fifo", "heft"] {
        let on = run(&platform, &stream, scheduler, "always-on", 2);
        assert!(on.result.power.is_empty());
        let on_fixed = run(&fixed, &stream, scheduler, "always-on", 2);
        assert_eq!(on.result.tasks, on_fixed.result.tasks, "{scheduler}");
        assert_eq!(on.result.metrics.cost, on_fixed.result.metrics.cost, "{scheduler}");
        for spec in [
            "reactive:idle=30,cooldown=30",
            "predictive:period=30",
            "consolidating:timeout=30",
        ] {
            let elastic = run(&platform, &stream, scheduler, spec, 2);
            let power = &elastic.result.power;
            let released_at_start = |n: &sim::NodeId| {
                power
                    .iter()
                    .any(|p| p.node == *n && p.state == sim::PowerState::Off && p.start == sim::SimTime::ZERO)
            };
            assert!(
                pool.iter().all(released_at_start),
                "{scheduler} under {spec}: {power:?}"
            );
            let acquired = power
                .iter()
                .filter(|p| p.state == sim::PowerState::Booting && platform.node(p.node).pooled)
                .count();
            assert!(acquired > 0, "{scheduler} under {spec} acquired no pool node");
            let m = elastic.result.metrics;
            let series = sim::metrics::power_series(&platform, &elastic.result);
            assert!((series.integral() - m.energy_j).abs() <= 1e-9 * m.energy_j);
        }
    }
}

#[test]
fn a_bad_pool_is_an_error_naming_the_file_and_the_field() {
    let dir = std::env::temp_dir().join(format!("schedlab-pool-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (max, expected) in [
        ("0", "nodes[1].pool.max: expected an integer >= 1, got 0"),
        ("-2", "pool = { max = -2 }"),
    ] {
        let path = dir.join(format!("pool-{max}.toml"));
        std::fs::write(&path, base_and_pool(max)).unwrap();
        let err = experiments::platform_arg::resolve(path.to_str().unwrap()).unwrap_err();
        let message = format!("{err:#}");
        assert!(
            message.starts_with(&format!("platform file {}: ", path.display())) && message.contains(expected),
            "{message}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
