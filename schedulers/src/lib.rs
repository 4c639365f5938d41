//! Scheduling algorithms behind sim's one [`Scheduler`](sim::Scheduler) interface.
//!
//! Static planners ([`Heft`], [`Cpop`], [`Peft`], …) decide everything in `plan`; online
//! policies ([`OnlineEft`], [`Fifo`], [`WorkStealing`], …) decide in `on_update` as tasks become
//! ready. [`registry`] names them all for the CLI, configs and the GUI.
//!
//! Shared machinery: [`rank`] (upward/downward ranks), [`timeline`]
//! (insertion-based reservations) and [`list`] (the list-scheduling core that
//! planners share, so each algorithm file holds only what makes it different).
//!
//! ```
//! let dag = {
//!     let mut b = sim::DagBuilder::new();
//!     let a = b.add_task(sim::TaskSpec::new("a", 1.0));
//!     let z = b.add_task(sim::TaskSpec::new("z", 1.0));
//!     b.add_edge(a, z, 0.0);
//!     b.build()?
//! };
//! let platform = sim::presets::preset("homogeneous", 4)?;
//! let mut heft = schedulers::registry::create("heft", 0)?;
//! let result = sim::simulate(&dag, &platform, &mut heft, &sim::SimConfig::default())?;
//! assert_eq!(result.metrics.makespan, 2.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod batch;
mod bil;
pub mod branch_and_bound;
mod capacity;
mod class_index;
pub mod cpa;
mod cpop;
mod dask;
pub mod definitions;
mod dls;
mod duplex;
mod energy;
mod etf;
mod fastest_node;
mod fcp;
mod fifo;
mod flb;
mod gdl;
mod hbmct;
mod heft;
mod heft_dup;
mod hlfet;
pub mod job_policy;
pub mod learned;
pub mod list;
mod lookahead;
mod m_heft;
mod max_min;
mod mcp;
mod mct;
mod met;
mod min_min;
mod mst;
pub mod node_classes;
mod olb;
mod online_batch;
mod online_eft;
mod overhead;
pub mod peft;
pub mod per_job;
mod python_set;
mod random;
pub mod rank;
pub mod registry;
mod replication;
pub mod resilient;
pub mod resource;
mod speed_learner;
mod sufferage;
pub mod timeline;
pub mod wba;
pub mod wms;
mod work_stealing;

pub use bil::Bil;
pub use branch_and_bound::BranchAndBound;
pub use cpop::Cpop;
pub use dask::Dask;
pub use dls::Dls;
pub use duplex::Duplex;
pub use energy::{EnergyHeft, SlackReclaim};
pub use etf::Etf;
pub use fastest_node::FastestNode;
pub use fcp::Fcp;
pub use fifo::Fifo;
pub use flb::Flb;
pub use gdl::Gdl;
pub use hbmct::Hbmct;
pub use heft::Heft;
pub use heft_dup::HeftDuplication;
pub use hlfet::Hlfet;
pub use lookahead::LookaheadHeft;
pub use m_heft::MoldableHeft;
pub use max_min::MaxMin;
pub use mcp::Mcp;
pub use mct::Mct;
pub use met::Met;
pub use min_min::MinMin;
pub use mst::Mst;
pub use olb::Olb;
pub use online_batch::{OnlineMaxMin, OnlineMinMin};
pub use online_eft::OnlineEft;
pub use peft::Peft;
pub use random::Random;
pub use replication::ActiveReplication;
pub use sufferage::Sufferage;
pub use wba::Wba;
pub use work_stealing::WorkStealing;
