//! Every registered scheduler × seeded random DAGs × noise σ ∈ {0, 0.3} × a
//! homogeneous and a heterogeneous preset (each also with
//! exponential node failures) passes the invariant checker.
//!
//! DAGs are built inline from a seeded ChaCha8 RNG: random edges along a
//! random permutation of the task ids (so ids are not a topological order),
//! random work (some zero) and data volumes, and on the heterogeneous preset
//! (multi-core nodes) some moldable tasks and some release times.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::{CostModel, Dag, DagBuilder, Failures, Noise, Parallelism, SimConfig, TaskSpec};

/// A random DAG with `n_tasks` tasks; `multicore` allows tasks that need 2 cores.
fn random_dag(rng: &mut ChaCha8Rng, n_tasks: usize, multicore: bool) -> Dag {
    let mut b = DagBuilder::new();
    let density = rng.random_range(0.05..0.5);
    // Bytes per second of work: communication-to-computation ratios from ~0.01 to ~10.
    let ccr_bytes = sim::presets::REFERENCE_BANDWIDTH * 10f64.powf(rng.random_range(-2.0..1.0));
    let mut ids = Vec::with_capacity(n_tasks);
    for i in 0..n_tasks {
        let work = if rng.random_range(0.0..1.0) < 0.1 {
            0.0
        } else {
            rng.random_range(0.0..10.0)
        };
        let mut spec = TaskSpec::new(format!("t{i}"), work);
        if multicore && rng.random_range(0.0..1.0) < 0.2 {
            spec = spec.parallelism(Parallelism {
                min_cores: 2,
                max_cores: 4,
                serial_fraction: 0.3,
                ..Parallelism::SEQUENTIAL
            });
        }
        if multicore && rng.random_range(0.0..1.0) < 0.1 {
            spec = spec.release(rng.random_range(0.0..20.0));
        }
        ids.push(b.add_task(spec));
    }
    // Edges go forward along a random permutation of the ids.
    for i in (1..n_tasks).rev() {
        ids.swap(i, rng.random_range(0..=i));
    }
    for j in 0..n_tasks {
        for i in 0..j {
            if rng.random_range(0.0..1.0) < density {
                b.add_edge(ids[i], ids[j], ccr_bytes * rng.random_range(0.0..5.0));
            }
        }
    }
    b.build().expect("a forward-edge DAG is valid")
}

#[test]
fn every_scheduler_passes_the_checker_on_random_dags() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed);
    for round in 0..30u64 {
        for (preset, multicore) in [("homogeneous", false), ("heterogeneous", true)] {
            let n_tasks = rng.random_range(1..40);
            let n_nodes = rng.random_range(1..6);
            let dag = random_dag(&mut rng, n_tasks, multicore);
            let platform = sim::presets::preset(preset, n_nodes).unwrap();
            let costs = CostModel::new(&dag, &platform).unwrap();
            let failure_models = [
                Failures::None,
                Failures::Exponential {
                    mtbf: 30.0,
                    repair: 5.0,
                },
            ];
            for (sigma, failures) in [0.0, 0.3]
                .into_iter()
                .flat_map(|s| failure_models.iter().map(move |f| (s, f.clone())))
            {
                for info in schedulers::registry::all() {
                    let mut s = schedulers::registry::create(info.name, round).unwrap();
                    let mut config = SimConfig {
                        noise: Noise::lognormal(sigma),
                        failures: failures.clone(),
                        ..SimConfig::default()
                    };
                    config.seed = round;
                    let what = format!(
                        "{} on {preset}:{n_nodes}, {n_tasks} tasks, σ {sigma}, {failures:?}, round {round}",
                        info.name
                    );
                    let result =
                        sim::simulate(&dag, &platform, &mut s, &config).unwrap_or_else(|e| panic!("{what}: {e}"));
                    if let Err(v) = sim::check::check(&costs, &result) {
                        panic!("{what}: {v:?}");
                    }
                }
            }
        }
    }
}
