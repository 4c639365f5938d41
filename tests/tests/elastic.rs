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
