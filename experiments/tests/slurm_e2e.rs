//! `schedlab slurm` on a real Slurm: runs `scripts/slurm-e2e.sh`, which starts
//! a throwaway single-node cluster, submits a sweep as a job array, resubmits a
//! lost shard, merges, and compares with a local run byte for byte.
//!
//! Without Slurm (or root) the script exits with 77: the test then fails when
//! the `CI` environment variable is set, and otherwise says it skipped.

use std::io::Write as _;
use std::process::Command;

#[test]
fn a_sweep_on_a_real_slurm_cluster_equals_a_local_run() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/slurm-e2e.sh");
    let out = Command::new("bash")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_schedlab"))
        .output()
        .expect("bash starts");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    match out.status.code() {
        Some(0) => {}
        Some(77) if std::env::var_os("CI").is_none() => {
            // Straight to stderr, past the test harness's capture, so the skip is visible.
            let _ = writeln!(std::io::stderr(), "SKIPPED the Slurm end-to-end test: {}", log.trim());
        }
        Some(77) => panic!("CI is set but the Slurm end-to-end test cannot run:\n{log}"),
        code => panic!("{script} failed ({code:?}):\n{log}"),
    }
}
