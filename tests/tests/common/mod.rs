//! Helpers shared by the end-to-end tests.

use sim::{CostModel, Dag, Noise, Platform, RunResult, SimConfig};

/// Runs `scheduler` and asserts the invariant checker accepts the run.
pub fn run_checked(dag: &Dag, platform: &Platform, scheduler: &str, sigma: f64, seed: u64) -> RunResult {
    let mut s = schedulers::registry::create(scheduler, seed).expect("registered scheduler");
    let config = SimConfig {
        noise: Noise::lognormal(sigma),
        seed,
        ..SimConfig::default()
    };
    let result = sim::simulate(dag, platform, &mut s, &config)
        .unwrap_or_else(|e| panic!("{scheduler} failed on {} tasks: {e}", dag.task_count()));
    let costs = CostModel::new(dag, platform).expect("binds");
    if let Err(v) = sim::check::check(&costs, &result) {
        panic!("{scheduler} (sigma {sigma}, seed {seed}) broke invariants: {v:?}");
    }
    result
}
