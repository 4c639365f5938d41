//! Runs on real hardware: the thread-per-core executor, calibrating a
//! platform file from this machine, validating simulated makespans against
//! real ones (on the own executor or on Dask), and replaying recorded
//! WfCommons executions.

pub mod calibrate;
pub mod dask;
pub mod deployment;
pub mod executor;
pub mod replay;
pub mod validate;
pub mod validate_report;
