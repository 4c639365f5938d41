//! A small, seeded mutation loop on stable Rust (the cargo-fuzz targets in
//! `fuzz/` go further): truncated, spliced and byte-flipped copies of real
//! files must give a value or an error from every reader, never a panic.

use rand::{RngExt as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use std::path::PathBuf;
use workloads::formats::{csv_matrix, dantas, dax, dot, json, stg, wfcommons};

fn data(rel: &str) -> String {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `n` mutants of `text`: truncations, deleted ranges, duplicated ranges and
/// replaced bytes (kept only when still UTF-8).
fn mutants(text: &str, n: usize, seed: u64) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let len = bytes.len();
        let a = rng.random_range(0..=len);
        let b = rng.random_range(a..=len.min(a + 64));
        let mut m = bytes.to_vec();
        match rng.random_range(0..4) {
            0 => m.truncate(a),
            1 => {
                m.drain(a..b);
            }
            2 => {
                let copy = m[a..b].to_vec();
                m.splice(a..a, copy);
            }
            _ => {
                for _ in 0..rng.random_range(1..8) {
                    if let Some(i) = (!m.is_empty()).then(|| rng.random_range(0..m.len())) {
                        m[i] = b" \n,:{}[]\"<>/=-0123456789.eE#xNaN"[rng.random_range(0..32)];
                    }
                }
            }
        }
        if let Ok(s) = String::from_utf8(m) {
            out.push(s);
        }
    }
    out
}

#[test]
fn mutated_files_never_panic() {
    let n = 150;
    for m in mutants(&data("wfcommons/helloworld/helloworld-chain-5-chameleon.json"), n, 1) {
        let _ = wfcommons::sniff(&m);
        let _ = wfcommons::parse(&m, "m");
        let _ = json::parse(&m, "m");
    }
    for m in mutants(&data("wfcommons/schema-1.4/srasearch-chameleon-10a-001.json"), n, 2) {
        let _ = wfcommons::parse(&m, "m");
    }
    for m in mutants(&data("stg/application/robot.stg"), n, 3) {
        let _ = stg::parse(&m);
    }
    for m in mutants(&data("dax/Montage_25.xml"), n, 4) {
        let _ = dax::parse(&m);
    }
    for m in mutants(&data("other/brunodantas_fft_laplace/dataset/ccr1/fft39.txt"), n, 5) {
        let _ = dantas::parse(&m);
    }
    for m in mutants(
        &data("reference/heft_topcuoglu2002/canonicalgraph_task_exe_time.csv"),
        n,
        6,
    ) {
        let _ = csv_matrix::parse_matrix(&m);
    }
    let dag = workloads::generate("gaussian:m=5", 1).unwrap();
    let mut text = Vec::new();
    dot::write(&dag, "g", &mut text).unwrap();
    for m in mutants(std::str::from_utf8(&text).unwrap(), n, 7) {
        let _ = dot::parse(&m);
    }
    let w = workloads::Workload {
        dag,
        platform: None,
        name: "g".into(),
    };
    let mut text = Vec::new();
    json::write(&w, &mut text).unwrap();
    for m in mutants(std::str::from_utf8(&text).unwrap(), n, 8) {
        let _ = json::parse(&m, "m");
    }
}
