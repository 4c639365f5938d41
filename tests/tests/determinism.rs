//! The same inputs and seed give the same run, byte for byte.

mod common;

fn run_json(scheduler: &str, sigma: f64, seed: u64) -> String {
    let dag = workloads::generate("layered:tasks=300,ccr=1", 7).unwrap();
    let platform = sim::presets::preset("heterogeneous", 8).unwrap();
    let result = common::run_checked(&dag, &platform, scheduler, sigma, seed);
    serde_json::to_string(&result).unwrap()
}

#[test]
fn same_seed_same_bytes() {
    for info in schedulers::registry::all() {
        assert_eq!(
            run_json(info.name, 0.5, 11),
            run_json(info.name, 0.5, 11),
            "{}",
            info.name
        );
    }
}

#[test]
fn noise_seed_changes_the_run() {
    assert_ne!(run_json("heft", 0.5, 1), run_json("heft", 0.5, 2));
}

#[test]
fn generator_seed_changes_the_dag() {
    let a = workloads::generate("layered:tasks=200", 1).unwrap();
    let b = workloads::generate("layered:tasks=200", 2).unwrap();
    let c = workloads::generate("layered:tasks=200", 1).unwrap();
    assert_eq!(format!("{:?}", a.edges()), format!("{:?}", c.edges()));
    assert_ne!(format!("{:?}", a.edges()), format!("{:?}", b.edges()));
}
