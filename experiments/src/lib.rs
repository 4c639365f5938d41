//! The `schedlab` command line as a library, so that tests and the GUI call
//! the same code paths as the binary.
//!
//! This is the only crate that reads the command line or the environment,
//! lays out result folders, or uses `anyhow`.

pub mod calibrate;
pub mod cli;
pub mod config;
pub mod evaluate;
pub mod executor;
pub mod output;
pub mod platform_arg;
pub mod plot;
pub mod replay;
pub mod report;
pub mod shard;
pub mod simulate;
pub mod slurm;
pub mod stats;
pub mod sweep;
pub mod train;
pub mod validate;
pub mod validate_report;
pub mod workload_cmds;
