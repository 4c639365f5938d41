//! Generates a DAG from a spec and prints its figures and the time taken.
//!
//! `cargo run --release -p workloads --example generate -- layered:tasks=1000000 1`

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
    Ok(())
}
