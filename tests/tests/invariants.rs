//! Every scheduler × random DAGs × noise levels × platforms passes the invariant checker.

mod common;

use proptest::prelude::*;

const PLATFORMS: [&str; 3] = ["homogeneous:4", "heterogeneous:6", "edge-cloud:5"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_scheduler_passes_the_checker(
        tasks in 1usize..120,
        ccr in prop::sample::select(vec![0.0, 0.1, 1.0, 10.0]),
        sigma in prop::sample::select(vec![0.0, 0.3, 1.0]),
        platform in prop::sample::select(PLATFORMS.to_vec()),
        seed in 0u64..1_000_000,
    ) {
        let dag = workloads::generate(&format!("layered:tasks={tasks},ccr={ccr}"), seed).unwrap();
        let (name, nodes) = platform.split_once(':').unwrap();
        let platform = sim::presets::preset(name, nodes.parse().unwrap()).unwrap();
        for info in schedulers::registry::all() {
            let result = common::run_checked(&dag, &platform, info.name, sigma, seed);
            prop_assert!(result.metrics.energy_j > 0.0);
            if sigma == 0.0 {
                prop_assert!(result.metrics.slr >= 1.0 - 1e-9, "{} slr {}", info.name, result.metrics.slr);
            }
        }
    }
}
