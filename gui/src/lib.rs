//! The schedlab desktop workbench.
//!
//! A window to generate or open a task DAG, pick a platform and several
//! schedulers, run them in a background thread, and compare the results:
//! metrics side by side, a Gantt chart per scheduler, utilisation and power
//! over time.
//!
//! Design decision: the GUI holds no scheduling or simulation logic. It
//! builds spec strings and settings from the user's choices and hands them to
//! `workloads`, `schedulers` and `sim`; everything it draws is read from
//! their results. Simulation never runs on the UI thread ([`runner`]).

pub mod app;
pub mod dag_view;
pub mod draw;
pub mod experiment;
pub mod families;
pub mod gallery;
pub mod gantt;
pub mod modes;
pub mod palette;
pub mod platform_editor;
pub mod results;
pub mod row_raster;
pub mod runner;
pub mod scheduler_params;
pub mod setup;
pub mod stream_view;
pub mod workload;

pub use app::{SchedlabApp, Tab};
