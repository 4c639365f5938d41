//! The `schedlab` command line as a library, so that tests and the GUI call
//! the same code paths as the binary.
//!
//! This is the only crate that reads the command line or the environment,
//! lays out result folders, or uses `anyhow`. Modules are grouped by concern:
//! [`grid`] (experiment grids: config, sweep, shards, report, Slurm),
//! [`real`] (runs on real hardware: executor, calibrate, validate, replay),
//! [`learning`] (train and evaluate learned schedulers) and [`cli`] (the
//! commands), around two shared pieces: [`run`] (one simulated run, audited)
//! and [`results`] (the results folder: rows, metrics, manifest).

pub mod adversary;
pub mod cli;
pub mod gantt;
pub mod grid;
pub mod html;
pub mod learning;
pub mod output;
pub mod platform_arg;
pub mod platforms;
pub mod plot;
pub mod real;
pub mod results;
pub mod run;
pub mod stats;
pub mod table;
