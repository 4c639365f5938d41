//! Helpers shared by the `experiments` integration tests. Each test binary
//! compiles this module and uses a subset of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// Runs the `schedlab` binary: exit code, stdout and stderr.
pub fn schedlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_schedlab"))
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// An empty folder of this test process named after `name`.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("schedlab-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs every cell of the config `text` (paths relative to the current
/// folder) into a fresh folder named after `name`, on `threads` threads
/// (all cores when `None`); returns the folder.
pub fn run_grid(text: &str, name: &str, threads: Option<usize>) -> PathBuf {
    let config = experiments::grid::config::Config::parse(text, std::path::Path::new(".")).unwrap();
    let out = temp_dir(name);
    experiments::grid::sweep::run(
        &config,
        &experiments::grid::sweep::SweepOptions {
            out: out.clone(),
            threads,
            progress: false,
        },
    )
    .unwrap();
    out
}
