//! Generates a DAG from a spec and prints its figures and the time taken;
//! with an output path, also saves it there and loads it back, timing both.
//!
//! `cargo run --release -p workloads --example generate -- layered:tasks=1000000 1 [/tmp/dag.json]`

use std::path::Path;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let spec = args.next().unwrap_or_else(|| "layered".to_owned());
    let seed: u64 = args.next().map_or(Ok(1), |s| s.parse())?;
    let start = Instant::now();
    let dag = workloads::generate(&spec, seed)?;
    let elapsed = start.elapsed();
    let info = workloads::stats(&dag);
    println!("{}", serde_json::to_string(&info)?);
    println!("generated {spec} (seed {seed}) in {:.3} s", elapsed.as_secs_f64());
    if let Some(out) = args.next() {
        let out = Path::new(&out);
        let workload = workloads::Workload {
            dag,
            platform: None,
            name: spec.clone(),
        };
        let start = Instant::now();
        workloads::save(&workload, out)?;
        println!("saved {} in {:.3} s", out.display(), start.elapsed().as_secs_f64());
        let start = Instant::now();
        let back = workloads::load(out)?;
        println!(
            "loaded {} tasks back in {:.3} s",
            back.dag.task_count(),
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
