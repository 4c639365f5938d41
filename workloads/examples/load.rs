//! Loads a workload file (any format `workloads::load` reads) and prints its
//! figures and the time the import took.
//!
//! `cargo run --release -p workloads --example load -- ../shared/data/wfcommons/pegasus/montage/montage-chameleon-dss-15d-001.json`

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(path) = std::env::args().nth(1) else {
        return Err("usage: load PATH".into());
    };
    let start = Instant::now();
    let workload = workloads::load(std::path::Path::new(&path))?;
    let elapsed = start.elapsed();
    println!("{}", serde_json::to_string(&workloads::stats(&workload.dag))?);
    println!("loaded {path} in {:.3} s", elapsed.as_secs_f64());
    Ok(())
}
