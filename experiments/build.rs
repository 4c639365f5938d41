//! Hashes the sources that decide a cell's result (the simulator, the
//! schedulers and their bundled models, the generators and readers, the code
//! that turns a run into a row, and the locked dependency versions) into
//! `SCHEDLAB_BUILD_HASH`, part of every cell's identity: a journal written by
//! a build with other such sources is not resumed from.

use sha2::Digest as _;
use std::path::{Path, PathBuf};

const SOURCES: [&str; 8] = [
    "../sim/src",
    "../schedulers/src",
    "../schedulers/models",
    "../workloads/src",
    "src/grid/sweep.rs",
    "src/run.rs",
    "src/results",
    "../Cargo.lock",
];

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for entry in entries {
            files(&entry, out);
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}

fn main() {
    let mut hasher = sha2::Sha256::new();
    for source in SOURCES {
        println!("cargo::rerun-if-changed={source}");
        let mut list = Vec::new();
        files(Path::new(source), &mut list);
        for file in list {
            hasher.update(file.to_string_lossy().as_bytes());
            hasher.update([0]);
            hasher.update(std::fs::read(&file).unwrap_or_default());
            hasher.update([0]);
        }
    }
    let hash: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    println!("cargo::rustc-env=SCHEDLAB_BUILD_HASH={hash}");
}
