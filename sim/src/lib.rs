//! A deterministic discrete-event simulator of task DAGs on heterogeneous platforms.
//!
//! The principal types:
//! - [`Dag`] — tasks (work, kind, optional per-node costs and parallelism)
//!   joined by data edges, built and validated by a [`DagBuilder`];
//! - [`Platform`] — nodes (cores, speed, per-kind affinity, power with DVFS
//!   levels, group) and a network (dedicated links, or shared links with
//!   max-min fair contention);
//! - [`Scheduler`] — the one interface every algorithm implements, static or
//!   online; it sees a read-only [`SimView`] and returns [`Decisions`];
//! - [`simulate`] — runs them and returns a [`RunResult`] (the schedule as it
//!   happened, energy and [`Metrics`]), which [`check`](check::check) audits.
//!
//! Design decision: simulated time is an integer number of nanoseconds
//! ([`SimTime`]). Ordering and the invariant checker are exact, and the one
//! conversion from model seconds, [`SimDuration::from_secs_f64`], is shared by
//! engine and schedulers, so a noise-free plan predicts the engine exactly.
//!
//! This crate does no I/O and reads no clock: everything it computes follows
//! from its inputs and a seed.
//!
//! ```
//! use sim::{DagBuilder, Decisions, NodeId, Scheduler, SimConfig, SimView, TaskSpec, Update, simulate};
//!
//! /// Puts every ready task on node 0.
//! struct AllOnFirst;
//! impl Scheduler for AllOnFirst {
//!     fn name(&self) -> &str { "all-on-first" }
//!     fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
//!         for &task in update.ready {
//!             out.assign(view, task, NodeId::new(0));
//!         }
//!     }
//! }
//!
//! let mut b = DagBuilder::new();
//! let a = b.add_task(TaskSpec::new("a", 2.0));
//! let z = b.add_task(TaskSpec::new("z", 3.0));
//! b.add_edge(a, z, 1e6);
//! let dag = b.build()?;
//! let platform = sim::presets::preset("homogeneous", 2)?;
//! let result = simulate(&dag, &platform, &mut AllOnFirst, &SimConfig::default())?;
//! assert_eq!(result.metrics.makespan, 5.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod check;
pub mod cost;
pub mod dag;
pub mod engine;
pub mod failures;
pub mod ids;
pub mod job_metrics;
pub mod metrics;
mod network;
pub mod noise;
pub mod platform;
pub mod power;
pub mod presets;
pub mod progress;
pub mod result;
pub mod scheduler;
pub mod speed_error;
pub mod suggest;
pub mod time;
pub mod trace;
pub mod window;
pub mod wms;

pub use cost::{BindError, CommMean, CostModel, CostTables};
pub use dag::{Dag, DagBuilder, DagError, Edge, Parallelism, Speedup, Task, TaskSpec};
pub use engine::{
    JobRecord, Record, SimConfig, SimError, StreamJob, StreamRun, simulate, simulate_managed, simulate_stream,
    simulate_stream_managed,
};
pub use failures::{Checkpointing, Failures, NodeOutage};
pub use ids::{EdgeId, JobId, KindId, NodeId, TaskId};
pub use noise::Noise;
pub use platform::{Node, Platform, PlatformError, PlatformSpec, PoolSpec};
pub use power::{AlwaysOn, Load, NodePower, PowerDecisions, PowerRecord, PowerState, PowerView, ResourceManager};
pub use progress::Progress;
pub use result::{
    CopyRecord, Folded, LostRecord, Metrics, OutageRecord, RunKind, RunResult, RunView, TaskRecord, TransferRecord,
};
pub use scheduler::{
    Assignment, CopyKind, Decision, Decisions, JobInfo, Scheduler, SimView, StateSource, TaskState, Update,
};
pub use speed_error::SpeedError;
pub use time::{SimDuration, SimTime};
pub use window::TaskWindow;
pub use wms::WorkflowSystem;
