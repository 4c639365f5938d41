//! Experiment grids: a config's cross product of workloads, platforms,
//! schedulers and settings, run as a sweep (optionally in shards, on Slurm)
//! into a results folder, and the report drawn from it.

pub mod config;
pub mod identity;
pub mod report;
pub mod select;
pub mod shard;
pub mod slurm;
pub mod sweep;
pub mod traces;
