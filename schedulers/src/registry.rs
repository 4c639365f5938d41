//! The scheduler registry: every algorithm by its stable name, with a
//! one-line description and its parameters.
//!
//! A scheduler is named on the command line and in configs as `NAME` or
//! `NAME:key=value,…`. Unknown names and unknown or malformed parameters are
//! errors that list what is valid; nothing is silently ignored.

use crate::branch_and_bound;
use crate::cpa::{Cpa, Variant as CpaVariant};
use crate::definitions::{Compat, WithCostModel};
use crate::job_policy::{JobPolicy, Place, Rule};
use crate::learned;
use crate::overhead::WithOverhead;
use crate::per_job::PerJob;
use crate::resilient::Resilient;
use crate::wba;
use crate::{
    ActiveReplication, BranchAndBound, Cpop, Dask, Dls, Duplex, EnergyHeft, Etf, FastestNode, Fcp, Fifo, Flb, Heft,
    HeftDuplication, Hlfet, LookaheadHeft, MaxMin, Mcp, Mct, Met, MinMin, MoldableHeft, Mst, Olb, OnlineEft,
    OnlineMaxMin, OnlineMinMin, Peft, Random, SlackReclaim, Sufferage, Wba, WorkStealing,
};
use sim::{CommMean, Scheduler, SimDuration};
use std::collections::BTreeMap;
use thiserror::Error;

/// Static planners decide everything at time 0; online policies decide as the run unfolds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nature {
    /// Plans every task before time 0.
    Static,
    /// Decides as tasks become ready.
    Online,
}

/// A parameter a scheduler accepts.
#[derive(Clone, Copy, Debug)]
pub struct ParamInfo {
    /// Key.
    pub name: &'static str,
    /// What it does, with its default.
    pub description: &'static str,
}

/// Makes a scheduler from its parameters and a seed.
type Builder = fn(&mut Params, u64) -> Result<Box<dyn Scheduler>, RegistryError>;

/// One registry entry.
#[derive(Clone, Copy, Debug)]
pub struct SchedulerInfo {
    /// Stable name.
    pub name: &'static str,
    /// Static or online.
    pub nature: Nature,
    /// One line: what it does and where it comes from.
    pub description: &'static str,
    /// Accepted parameters.
    pub params: &'static [ParamInfo],
    build: Builder,
}

/// Why a scheduler spec was refused.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum RegistryError {
    /// No scheduler has this name.
    #[error(
        "unknown scheduler {name:?}{hint}; expected one of: {valid}",
        hint = sim::suggest::did_you_mean(.name, .valid.split(", "))
    )]
    Unknown {
        /// The name given.
        name: String,
        /// Comma-separated valid names.
        valid: String,
    },
    /// A parameter is not accepted by this scheduler.
    #[error(
        "scheduler {scheduler:?} has no parameter {key:?}{hint}; it accepts: {valid}",
        hint = sim::suggest::did_you_mean(.key, .valid.split(", "))
    )]
    UnknownParam {
        /// Scheduler name.
        scheduler: String,
        /// The key given.
        key: String,
        /// Accepted keys.
        valid: String,
    },
    /// A parameter value does not parse or is out of range.
    #[error("scheduler {scheduler:?}: parameter {key:?}: expected {expected}, got {value:?}")]
    BadValue {
        /// Scheduler name.
        scheduler: String,
        /// Key.
        key: String,
        /// What was expected.
        expected: &'static str,
        /// The value given.
        value: String,
    },
    /// A model file is missing, unreadable or not what the scheduler expects.
    #[error("scheduler {scheduler:?}: {message}")]
    BadModel {
        /// Scheduler name.
        scheduler: String,
        /// What is wrong, naming the file and what was expected.
        message: String,
    },
    /// An online policy that decides from the whole DAG at the start, asked to run a job stream.
    #[error(
        "scheduler {scheduler:?} decides from the whole DAG at the start and cannot run a job stream; static planners run per job, and these online policies follow streams: {valid}"
    )]
    NotForStreams {
        /// Scheduler name.
        scheduler: String,
        /// The online policies that run on streams.
        valid: String,
    },
    /// The spec is not `NAME` or `NAME:key=value,…`.
    #[error("malformed scheduler spec {0:?}; expected NAME or NAME:key=value,...")]
    Malformed(String),
}

/// How a builder reads a numeric parameter: its type, range and default.
///
/// Recorded by the [`Params`] accessors, so it is exactly what the builder
/// accepts; see [`param_kinds`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamKind {
    /// A finite number in `[min, max]` (either end open when `None`).
    Float {
        /// Value when the key is absent.
        default: f64,
        /// Smallest accepted value.
        min: Option<f64>,
        /// Largest accepted value.
        max: Option<f64>,
    },
    /// A non-negative integer.
    Integer {
        /// Value when the key is absent.
        default: u64,
    },
}

/// Parameters of one spec, consumed by the scheduler's builder.
#[derive(Debug)]
pub struct Params {
    scheduler: String,
    values: BTreeMap<String, String>,
    /// Every key the builder asked for, with how it read it.
    read: Vec<(String, ParamKind)>,
    /// The `compat` value, once read.
    compat: Option<Compat>,
}

impl Params {
    /// Takes the `compat` parameter ([`COMPAT_PARAM`]); later calls return the same value.
    ///
    /// # Errors
    /// [`RegistryError::BadValue`] if present but neither `paper` nor `saga`.
    pub fn compat(&mut self) -> Result<Compat, RegistryError> {
        if let Some(compat) = self.compat {
            return Ok(compat);
        }
        let compat = match self.values.remove(COMPAT_PARAM.name) {
            None => Compat::Paper,
            Some(v) => Compat::from_name(&v).ok_or_else(|| self.bad_value(COMPAT_PARAM.name, "paper or saga", &v))?,
        };
        self.compat = Some(compat);
        Ok(compat)
    }

    /// Takes the `comm_mean` parameter ([`COMM_MEAN_PARAM`]): `compat=saga`
    /// implies SAGA's mean over links.
    ///
    /// # Errors
    /// [`RegistryError::BadValue`] if present but neither `rate` nor `time`,
    /// or given together with `compat=saga`.
    pub fn comm_mean(&mut self) -> Result<CommMean, RegistryError> {
        let compat = self.compat()?;
        let key = COMM_MEAN_PARAM.name;
        match (self.values.remove(key), compat) {
            (None, Compat::Paper) => Ok(CommMean::Rate),
            (None, Compat::Saga) => Ok(CommMean::SagaLinks),
            (Some(v), Compat::Saga) => Err(self.bad_value(key, "no comm_mean with compat=saga (it sets SAGA's)", &v)),
            (Some(v), Compat::Paper) => match CommMean::from_name(&v) {
                Some(m @ (CommMean::Rate | CommMean::Time)) => Ok(m),
                _ => Err(self.bad_value(key, "rate or time", &v)),
            },
        }
    }

    /// Takes a float parameter, or `default` if absent.
    ///
    /// # Errors
    /// [`RegistryError::BadValue`] if present but not a finite number.
    pub fn f64_or(&mut self, key: &str, default: f64) -> Result<f64, RegistryError> {
        self.f64_in(key, default, None, None)
    }

    /// Takes a float parameter that must be finite and ≥ 0, or `default` if absent.
    ///
    /// # Errors
    /// [`RegistryError::BadValue`] if present but negative or not a finite number.
    pub fn non_negative_f64_or(&mut self, key: &str, default: f64) -> Result<f64, RegistryError> {
        self.f64_in(key, default, Some(0.0), None)
    }

    /// Takes a float parameter that must be finite and within `[min, max]`, or `default` if absent.
    ///
    /// # Errors
    /// [`RegistryError::BadValue`] if present but not a finite number in range.
    pub fn f64_in(
        &mut self,
        key: &str,
        default: f64,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<f64, RegistryError> {
        let expected = match (min, max) {
            (None, None) => "a finite number",
            (Some(0.0), None) => "a finite number >= 0",
            (Some(0.0), Some(1.0)) => "a number in [0, 1]",
            _ => "a finite number in the range its description gives",
        };
        let ok = |x: f64| x.is_finite() && min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m);
        let res = self.f64_where(key, default, expected, ok);
        if let Some((_, kind)) = self.read.last_mut() {
            *kind = ParamKind::Float { default, min, max };
        }
        res
    }

    /// Takes a float parameter that `ok` accepts, or `default` if absent; the
    /// GUI shows it as a number without a range (prefer [`Params::f64_in`]).
    fn f64_where(
        &mut self,
        key: &str,
        default: f64,
        expected: &'static str,
        ok: impl Fn(f64) -> bool,
    ) -> Result<f64, RegistryError> {
        self.read.push((
            key.to_owned(),
            ParamKind::Float {
                default,
                min: None,
                max: None,
            },
        ));
        match self.values.remove(key) {
            None => Ok(default),
            Some(v) => v.parse::<f64>().ok().filter(|&x| ok(x)).ok_or(RegistryError::BadValue {
                scheduler: self.scheduler.clone(),
                key: key.to_owned(),
                expected,
                value: v,
            }),
        }
    }

    /// Takes a string parameter, or `default` if absent.
    pub fn string_or(&mut self, key: &str, default: &str) -> String {
        self.values.remove(key).unwrap_or_else(|| default.to_owned())
    }

    /// The error for a present but invalid value of `key`.
    pub fn bad_value(&self, key: &str, expected: &'static str, value: &str) -> RegistryError {
        RegistryError::BadValue {
            scheduler: self.scheduler.clone(),
            key: key.to_owned(),
            expected,
            value: value.to_owned(),
        }
    }

    /// Takes a string parameter, if present.
    pub fn string(&mut self, key: &str) -> Option<String> {
        self.values.remove(key)
    }

    /// Wraps a model-loading error for this scheduler.
    fn bad_model(&self, message: String) -> RegistryError {
        RegistryError::BadModel {
            scheduler: self.scheduler.clone(),
            message,
        }
    }

    /// Takes a non-negative integer parameter, or `default` if absent.
    ///
    /// # Errors
    /// [`RegistryError::BadValue`] if present but not a non-negative integer.
    pub fn u64_or(&mut self, key: &str, default: u64) -> Result<u64, RegistryError> {
        self.read.push((key.to_owned(), ParamKind::Integer { default }));
        match self.values.remove(key) {
            None => Ok(default),
            Some(v) => v.parse::<u64>().map_err(|_| RegistryError::BadValue {
                scheduler: self.scheduler.clone(),
                key: key.to_owned(),
                expected: "a non-negative integer",
                value: v,
            }),
        }
    }
}

/// Parameters every scheduler accepts on top of its own.
pub static COMMON_PARAMS: &[ParamInfo] = &[
    ParamInfo {
        name: "overhead",
        description: "simulated seconds each decision costs the scheduler, decisions taking effect one after another (default 0)",
    },
    ParamInfo {
        name: "memory",
        description: "plan (default): plans hold each task's memory on its node over time; ignore: plan as if memory never ran out (a task still goes only to nodes with at least its memory, and still starts only where its memory is free), the memory-oblivious baseline",
    },
];

/// How a scheduler averages transfer times over nodes; see [`sim::CommMean`].
pub const COMM_MEAN_PARAM: ParamInfo = ParamInfo {
    name: "comm_mean",
    description: "mean transfer time of an edge in ranks: rate = mean latency + data / mean bandwidth (default; the definition of the HEFT, CPOP and PEFT papers), time = mean of the transfer times",
};

/// Whether an online policy chooses the core count of moldable tasks.
pub const MOLDABLE_PARAM: ParamInfo = ParamInfo {
    name: "moldable",
    description: "1 (default): a moldable task takes the core count that finishes it earliest; 0: its fewest cores, as a runtime giving each task one thread",
};

/// Reads [`MOLDABLE_PARAM`].
fn moldable(p: &mut Params) -> Result<bool, RegistryError> {
    match p.u64_or("moldable", 1)? {
        0 => Ok(false),
        1 => Ok(true),
        other => Err(p.bad_value("moldable", "0 or 1", &other.to_string())),
    }
}

/// Whose definitions a scheduler follows; see [`crate::definitions`].
pub const COMPAT_PARAM: ParamInfo = ParamInfo {
    name: "compat",
    description: "paper (default) or saga: SAGA 2.1.0's definitions where they differ, to reproduce its makespans",
};

/// PEFT's `priority` parameter ([`crate::peft::Priority`]).
pub const PEFT_PRIORITY_PARAM: ParamInfo = ParamInfo {
    name: "priority",
    description: "task order: oct (default; the paper's rank_oct), oct+cost (rank_oct plus the task's mean execution time) or upward (HEFT's upward rank), to tell PEFT's order from its node choice",
};

/// Every scheduler, in the order `schedlab schedulers` lists them.
pub fn all() -> &'static [SchedulerInfo] {
    REGISTRY
}

static REGISTRY: &[SchedulerInfo] = &[
    SchedulerInfo {
        name: "heft",
        nature: Nature::Static,
        description: "Heterogeneous Earliest Finish Time, upward rank + insertion (Topcuoglu et al. 2002)",
        params: &[COMM_MEAN_PARAM, COMPAT_PARAM],
        build: |_, _| Ok(Box::new(Heft)),
    },
    SchedulerInfo {
        name: "m-heft",
        nature: Nature::Static,
        description: "HEFT for moldable tasks: node and core count chosen together by earliest finish (M-HEFT, N'Takpé et al. 2007)",
        params: &[COMM_MEAN_PARAM],
        build: |_, _| Ok(Box::new(MoldableHeft)),
    },
    SchedulerInfo {
        name: "cpa",
        nature: Nature::Static,
        description: "Critical Path and Allocation for moldable tasks: cores to critical tasks until the critical path meets the average area, then list scheduling (Radulescu & van Gemund 2001)",
        params: &[],
        build: |_, _| Ok(Box::new(Cpa::new(CpaVariant::Cpa))),
    },
    SchedulerInfo {
        name: "mcpa",
        nature: Nature::Static,
        description: "Modified CPA: a precedence level's allocations never exceed the platform's cores (Bansal et al. 2006)",
        params: &[],
        build: |_, _| Ok(Box::new(Cpa::new(CpaVariant::Mcpa))),
    },
    SchedulerInfo {
        name: "hcpa",
        nature: Nature::Static,
        description: "Heterogeneous CPA: allocation on a homogeneous reference platform of equal power, translated per node (N'Takpe & Suter 2006)",
        params: &[],
        build: |_, _| Ok(Box::new(Cpa::new(CpaVariant::Hcpa))),
    },
    SchedulerInfo {
        name: "heft-dup",
        nature: Nature::Static,
        description: "HEFT duplicating each task's critical parent onto its node when that finishes it earlier",
        params: &[COMM_MEAN_PARAM],
        build: |_, _| Ok(Box::new(HeftDuplication)),
    },
    SchedulerInfo {
        name: "energy-heft",
        nature: Nature::Static,
        description: "HEFT order, least-energy node and DVFS level within (1+slack) x HEFT's makespan",
        params: &[
            ParamInfo {
                name: "slack",
                description: "makespan budget over HEFT's, as a fraction (default 0.1)",
            },
            COMM_MEAN_PARAM,
        ],
        build: |p, _| Ok(Box::new(EnergyHeft::new(p.non_negative_f64_or("slack", 0.1)?))),
    },
    SchedulerInfo {
        name: "heft-slack",
        nature: Nature::Static,
        description: "HEFT, then slack reclamation: slow each task to the cheapest DVFS level that delays nothing",
        params: &[COMM_MEAN_PARAM],
        build: |_, _| Ok(Box::new(SlackReclaim)),
    },
    SchedulerInfo {
        name: "cpop",
        nature: Nature::Static,
        description: "Critical Path On a Processor (Topcuoglu et al. 2002)",
        params: &[COMM_MEAN_PARAM, COMPAT_PARAM],
        build: |p, _| Ok(Box::new(Cpop::new(p.compat()?))),
    },
    SchedulerInfo {
        name: "peft",
        nature: Nature::Static,
        description: "Predict Earliest Finish Time, optimistic cost table + insertion (Arabnejad & Barbosa 2014)",
        params: &[COMM_MEAN_PARAM, COMPAT_PARAM, PEFT_PRIORITY_PARAM],
        build: |p, _| {
            let compat = p.compat()?;
            let priority = match p.string(PEFT_PRIORITY_PARAM.name) {
                None => crate::peft::Priority::Oct,
                Some(v) => crate::peft::Priority::from_name(&v)
                    .ok_or_else(|| p.bad_value(PEFT_PRIORITY_PARAM.name, "oct, oct+cost or upward", &v))?,
            };
            Ok(Box::new(Peft::new(compat, priority)))
        },
    },
    SchedulerInfo {
        name: "lookahead-heft",
        nature: Nature::Static,
        description: "HEFT choosing each node by its children's earliest finish (Bittencourt et al. 2010)",
        params: &[COMM_MEAN_PARAM],
        build: |_, _| Ok(Box::new(LookaheadHeft)),
    },
    SchedulerInfo {
        name: "mcp",
        nature: Nature::Static,
        description: "Modified Critical Path, ALAP order + earliest start with insertion (Wu & Gajski 1990)",
        params: &[COMM_MEAN_PARAM],
        build: |_, _| Ok(Box::new(Mcp)),
    },
    SchedulerInfo {
        name: "hlfet",
        nature: Nature::Static,
        description: "Highest Level First with Estimated Times, static level + earliest start (Adam et al. 1974)",
        params: &[],
        build: |_, _| Ok(Box::new(Hlfet)),
    },
    SchedulerInfo {
        name: "etf",
        nature: Nature::Static,
        description: "Earliest Time First, earliest-start (task, node) pair (Hwang et al. 1989)",
        params: &[COMPAT_PARAM],
        build: |p, _| Ok(Box::new(Etf::new(p.compat()?))),
    },
    SchedulerInfo {
        name: "dls",
        nature: Nature::Static,
        description: "Dynamic Level Scheduling, highest SL - EST + delta pair (Sih & Lee 1993)",
        params: &[],
        build: |_, _| Ok(Box::new(Dls)),
    },
    SchedulerInfo {
        name: "gdl",
        nature: Nature::Static,
        description: "Generalized Dynamic Level, DLS + descendant consideration + preferred-node cost (Sih & Lee 1993)",
        params: &[],
        build: |_, _| Ok(Box::new(crate::Gdl)),
    },
    SchedulerInfo {
        name: "bil",
        nature: Nature::Static,
        description: "Best Imaginary Level, k-th smallest EST + BIL, revised for load (Oh & Ha 1996)",
        params: &[],
        build: |_, _| Ok(Box::new(crate::Bil)),
    },
    SchedulerInfo {
        name: "hbmct",
        nature: Nature::Static,
        description: "Hybrid BMCT, rank-ordered groups of independent tasks balanced by MCT (Sakellariou & Zhao 2004)",
        params: &[COMM_MEAN_PARAM],
        build: |_, _| Ok(Box::new(crate::Hbmct)),
    },
    SchedulerInfo {
        name: "min-min",
        nature: Nature::Static,
        description: "Min-Min on the ready set, smallest earliest completion first (Ibarra & Kim 1977)",
        params: &[COMPAT_PARAM],
        build: |p, _| Ok(Box::new(MinMin::new(p.compat()?))),
    },
    SchedulerInfo {
        name: "max-min",
        nature: Nature::Static,
        description: "Max-Min on the ready set, largest earliest completion first (Ibarra & Kim 1977)",
        params: &[COMPAT_PARAM],
        build: |p, _| Ok(Box::new(MaxMin::new(p.compat()?))),
    },
    SchedulerInfo {
        name: "sufferage",
        nature: Nature::Static,
        description: "Sufferage on the ready set, largest second-best minus best first (Maheswaran et al. 1999)",
        params: &[],
        build: |_, _| Ok(Box::new(Sufferage)),
    },
    SchedulerInfo {
        name: "duplex",
        nature: Nature::Static,
        description: "the better of Min-Min and Max-Min (Armstrong et al. 1998)",
        params: &[],
        build: |_, _| Ok(Box::new(Duplex)),
    },
    SchedulerInfo {
        name: "fcp",
        nature: Nature::Static,
        description: "Fast Critical Path, enabling node or first free node (Radulescu & van Gemund 1999)",
        params: &[COMM_MEAN_PARAM],
        build: |_, _| Ok(Box::new(Fcp)),
    },
    SchedulerInfo {
        name: "flb",
        nature: Nature::Static,
        description: "Fast Load Balancing, an O(n log n) approximation of ETF (Radulescu & van Gemund 1999)",
        params: &[COMM_MEAN_PARAM],
        build: |_, _| Ok(Box::new(Flb)),
    },
    SchedulerInfo {
        name: "wba",
        nature: Nature::Static,
        description: "Workflow-Based Allocation, random pair among the smallest makespan growths (Blythe et al. 2005)",
        params: &[ParamInfo {
            name: "alpha",
            description: "tolerance in [0, 1]: 0 greedy, 1 uniform (default 0.5)",
        }],
        build: |p, seed| {
            let alpha = p.f64_in("alpha", wba::DEFAULT_ALPHA, Some(0.0), Some(1.0))?;
            Ok(Box::new(Wba::new(alpha, seed)))
        },
    },
    SchedulerInfo {
        name: "mct",
        nature: Nature::Static,
        description: "Minimum Completion Time, tasks in ready order (Armstrong et al. 1998)",
        params: &[],
        build: |_, _| Ok(Box::new(Mct)),
    },
    SchedulerInfo {
        name: "met",
        nature: Nature::Static,
        description: "Minimum Execution Time, ignoring load (Armstrong et al. 1998)",
        params: &[],
        build: |_, _| Ok(Box::new(Met)),
    },
    SchedulerInfo {
        name: "mst",
        nature: Nature::Static,
        description: "Minimum Start Time, tasks in ready order (SAGA baseline)",
        params: &[],
        build: |_, _| Ok(Box::new(Mst)),
    },
    SchedulerInfo {
        name: "olb",
        nature: Nature::Static,
        description: "Opportunistic Load Balancing, next free node (Armstrong et al. 1998)",
        params: &[],
        build: |_, _| Ok(Box::new(Olb)),
    },
    SchedulerInfo {
        name: "fastest-node",
        nature: Nature::Static,
        description: "every task on the node that runs the whole DAG fastest (serial baseline)",
        params: &[COMPAT_PARAM],
        build: |_, _| Ok(Box::new(FastestNode)),
    },
    SchedulerInfo {
        name: "branch-and-bound",
        nature: Nature::Static,
        description: "exact depth-first branch and bound for small DAGs; best found if the budget runs out",
        params: &[
            ParamInfo {
                name: "budget",
                description: "most search nodes to visit (default 200000)",
            },
            ParamInfo {
                name: "max-tasks",
                description: "larger DAGs get the incumbent (best of HEFT, ETF, DLS) without search (default 64)",
            },
            COMM_MEAN_PARAM,
        ],
        build: |p, _| {
            let budget = p.u64_or("budget", branch_and_bound::DEFAULT_BUDGET)?;
            let max_tasks = p.u64_or("max-tasks", branch_and_bound::DEFAULT_MAX_TASKS as u64)?;
            let max_tasks = usize::try_from(max_tasks).unwrap_or(usize::MAX);
            Ok(Box::new(BranchAndBound::new(budget, max_tasks)))
        },
    },
    SchedulerInfo {
        name: "learned",
        nature: Nature::Static,
        description: "list scheduler whose node choice is a model trained to imitate a HEFT rollout (schedlab train)",
        params: &[
            MODEL_PARAM,
            ParamInfo {
                name: "guard",
                description: "on (or 1): keep HEFT's plan when it is planned to end earlier; off (or 0): the model alone (default on)",
            },
        ],
        build: |p, _| {
            let model = learned::list_model(p.string("model").as_deref()).map_err(|e| p.bad_model(e))?;
            let guard = guard(p)?;
            Ok(Box::new(learned::list::Learned::new(model, guard)))
        },
    },
    SchedulerInfo {
        name: "auto",
        nature: Nature::Online,
        description: "algorithm selection: runs the portfolio member with the lowest predicted regret for the DAG and platform",
        params: &[
            MODEL_PARAM,
            ParamInfo {
                name: "noise",
                description: "runtime noise sigma the run is expected to have (default 0)",
            },
            ParamInfo {
                name: "failure-rate",
                description: "expected node failures per node per second, 1/MTBF (default 0)",
            },
        ],
        build: |p, seed| {
            let model = learned::selection_model(p.string("model").as_deref()).map_err(|e| p.bad_model(e))?;
            let noise = p.non_negative_f64_or("noise", 0.0)?;
            let failure_rate = p.non_negative_f64_or("failure-rate", 0.0)?;
            Ok(Box::new(learned::select::Auto::new(model, noise, failure_rate, seed)?))
        },
    },
    SchedulerInfo {
        name: "learned-stream",
        nature: Nature::Online,
        description: "job streams: the (job's next task, node) pair with the highest learned score goes next, or it waits (schedlab train)",
        params: &[MODEL_PARAM],
        build: |p, _| {
            let model = learned::stream_model(p.string("model").as_deref()).map_err(|e| p.bad_model(e))?;
            let weights = model
                .weights
                .as_slice()
                .try_into()
                .map_err(|_| p.bad_model("the model's weights do not fit this build's features".to_owned()))?;
            Ok(Box::new(learned::stream::policy(weights)))
        },
    },
    SchedulerInfo {
        name: "learned-net",
        nature: Nature::Static,
        description: "list scheduler for shared networks: HEFT's order, each task to the node with the highest learned score over a contention model of the plan (schedlab train)",
        params: &[
            MODEL_PARAM,
            ParamInfo {
                name: "guard",
                description: "on (or 1): keep HEFT's or Lookahead-HEFT's node choices when they are planned to end earlier under the contention model; off (or 0): the model alone (default on)",
            },
        ],
        build: |p, _| {
            let guard = guard(p)?;
            let model = learned::net_model(p.string("model").as_deref()).map_err(|e| p.bad_model(e))?;
            let weights = model
                .weights
                .as_slice()
                .try_into()
                .map_err(|_| p.bad_model("the model's weights do not fit this build's features".to_owned()))?;
            Ok(Box::new(learned::net::LearnedNet::new(weights, guard)))
        },
    },
    SchedulerInfo {
        name: "random",
        nature: Nature::Online,
        description: "each ready task to a uniformly random node (baseline)",
        params: &[],
        build: |_, seed| Ok(Box::new(Random::new(seed))),
    },
    SchedulerInfo {
        name: "fifo",
        nature: Nature::Online,
        description: "first come, first served: oldest ready task to the first node with a free core",
        params: &[],
        build: |_, _| Ok(Box::new(Fifo::default())),
    },
    SchedulerInfo {
        name: "online-min-min",
        nature: Nature::Online,
        description: "batch-mode Min-Min on the ready set whenever cores are free (Maheswaran et al. 1999)",
        params: &[],
        build: |_, _| Ok(Box::new(OnlineMinMin::default())),
    },
    SchedulerInfo {
        name: "online-max-min",
        nature: Nature::Online,
        description: "batch-mode Max-Min on the ready set whenever cores are free (Maheswaran et al. 1999)",
        params: &[],
        build: |_, _| Ok(Box::new(OnlineMaxMin::default())),
    },
    SchedulerInfo {
        name: "work-stealing",
        nature: Nature::Online,
        description: "a deque per core, random victim, steal half (Blumofe & Leiserson 1999)",
        params: &[],
        build: |_, seed| Ok(Box::new(WorkStealing::new(seed))),
    },
    SchedulerInfo {
        name: "dask",
        nature: Nature::Online,
        description: "Dask-like: earliest estimated start incl. transfers, idle nodes steal (Rocklin 2015)",
        params: &[
            MOLDABLE_PARAM,
            COMM_MEAN_PARAM,
            ParamInfo {
                name: "candidates",
                description: "all (default): a ready task may go to any node; deps: only to nodes holding one of its inputs, as Dask's decide_worker",
            },
            ParamInfo {
                name: "steal_interval",
                description: "seconds between stealing rounds, as Dask's balance (0.1 s there); 0 (default): idle nodes steal at once",
            },
            ParamInfo {
                name: "order",
                description: "rank (default): a node runs its queued task of highest upward rank first; id: lowest id first (Dask's order, for DAGs numbered in it)",
            },
            ParamInfo {
                name: "steal_min",
                description: "seconds of backlog a node must exceed to be robbed (0.2 s in Dask's balance); 0 (default): any",
            },
        ],
        build: |p, _| {
            let near_inputs = match p.string_or("candidates", "all").as_str() {
                "all" => false,
                "deps" => true,
                other => return Err(p.bad_value("candidates", "all or deps", other)),
            };
            let by_id = match p.string_or("order", "rank").as_str() {
                "rank" => false,
                "id" => true,
                other => return Err(p.bad_value("order", "rank or id", other)),
            };
            let interval = p.non_negative_f64_or("steal_interval", 0.0)?;
            let min = p.non_negative_f64_or("steal_min", 0.0)?;
            Ok(Box::new(
                Dask::default()
                    .moldable(moldable(p)?)
                    .near_inputs(near_inputs)
                    .by_id(by_id)
                    .steal_interval((interval > 0.0).then(|| sim::SimDuration::from_secs_f64(interval)))
                    .steal_min(sim::SimDuration::from_secs_f64(min)),
            ))
        },
    },
    SchedulerInfo {
        name: "online-eft",
        nature: Nature::Online,
        description: "greedy earliest finish time on ready tasks, by upward rank",
        params: &[MOLDABLE_PARAM, COMM_MEAN_PARAM],
        build: |p, _| Ok(Box::new(OnlineEft::default().moldable(moldable(p)?))),
    },
    SchedulerInfo {
        name: "active-replication",
        nature: Nature::Online,
        description: "runs every task of a base scheduler on k nodes at once; the first copy to finish wins",
        params: &[
            ParamInfo {
                name: "k",
                description: "runs per task, >= 1 (default 2)",
            },
            ParamInfo {
                name: "base",
                description: "the scheduler that places each task, a name without parameters (default heft)",
            },
        ],
        // The base is built with its own failure handling (a repair step if
        // it is static), so this entry is an online wrapper around it.
        build: |p, seed| {
            let k = p.u64_or("k", 2)?;
            if k == 0 {
                return Err(p.bad_value("k", "an integer >= 1", "0"));
            }
            let base = p.string_or("base", "heft");
            if base.contains(':') || base == "active-replication" {
                return Err(p.bad_value("base", "a scheduler name without parameters", &base));
            }
            Ok(Box::new(ActiveReplication::new(create(&base, seed)?, k as usize)))
        },
    },
    SchedulerInfo {
        name: "adaptive",
        nature: Nature::Online,
        description: "online EFT that learns real node speeds per task kind and real transfer times from finished tasks, and re-plans ranks",
        params: &[
            ParamInfo {
                name: "weight",
                description: "weight of each new observation in the learned speeds, in (0, 1] (default 0.3)",
            },
            ParamInfo {
                name: "replan",
                description: "relative change of a node's learned speed that re-plans the priorities (default 0.2)",
            },
            MOLDABLE_PARAM,
            COMM_MEAN_PARAM,
        ],
        build: |p, _| {
            let weight = p.f64_where("weight", 0.3, "a number in (0, 1]", |w| w > 0.0 && w <= 1.0)?;
            let replan = p.non_negative_f64_or("replan", 0.2)?;
            Ok(Box::new(OnlineEft::adaptive(weight, replan).moldable(moldable(p)?)))
        },
    },
    SchedulerInfo {
        name: "job-fifo",
        nature: Nature::Online,
        description: "job streams: jobs in order of arrival, each job's tasks by upward rank (Hadoop/Spark FIFO)",
        params: &[PLACE_PARAM],
        build: |p, _| Ok(Box::new(JobPolicy::new(Rule::JobFifo, place(p)?))),
    },
    SchedulerInfo {
        name: "sjf-cp",
        nature: Nature::Online,
        description: "job streams: the job with the shortest critical path first (Decima's SJF-CP baseline)",
        params: &[PLACE_PARAM],
        build: |p, _| Ok(Box::new(JobPolicy::new(Rule::ShortestCriticalPath, place(p)?))),
    },
    SchedulerInfo {
        name: "srpt",
        nature: Nature::Online,
        description: "job streams: the job with the least remaining work first (shortest remaining processing time)",
        params: &[PLACE_PARAM],
        build: |p, _| Ok(Box::new(JobPolicy::new(Rule::Srpt, place(p)?))),
    },
    SchedulerInfo {
        name: "fair",
        nature: Nature::Online,
        description: "job streams: the job holding the fewest cores first, an equal share each (Spark/Hadoop fair scheduler)",
        params: &[PLACE_PARAM],
        build: |p, _| Ok(Box::new(JobPolicy::new(Rule::Fair, place(p)?))),
    },
    SchedulerInfo {
        name: "weighted-fair",
        nature: Nature::Online,
        description: "job streams: the job with the fewest cores per unit of weight first (weighted fair sharing)",
        params: &[PLACE_PARAM],
        build: |p, _| Ok(Box::new(JobPolicy::new(Rule::WeightedFair, place(p)?))),
    },
    SchedulerInfo {
        name: "tetris",
        nature: Nature::Online,
        description: "job streams: packing, the best alignment of a task's cores with a node's free cores, then least remaining work (Grandl et al. 2014)",
        params: &[PLACE_PARAM],
        build: |p, _| Ok(Box::new(JobPolicy::new(Rule::Tetris, place(p)?))),
    },
    SchedulerInfo {
        name: "edf",
        nature: Nature::Online,
        description: "job streams: the job with the earliest deadline first (jobs without one last)",
        params: &[PLACE_PARAM],
        build: |p, _| Ok(Box::new(JobPolicy::new(Rule::Edf, place(p)?))),
    },
];

/// The `place` parameter of the job-level policies.
const PLACE_PARAM: ParamInfo = ParamInfo {
    name: "place",
    description: "where a chosen task goes among the nodes with free cores: eft (earliest estimated finish, default) or first (lowest id)",
};

/// Reads `place=eft|first`.
fn place(p: &mut Params) -> Result<Place, RegistryError> {
    match p.string_or("place", "eft").as_str() {
        "eft" => Ok(Place::Eft),
        "first" => Ok(Place::First),
        other => Err(p.bad_value("place", "eft or first", other)),
    }
}

/// Reads the `guard` parameter of the learned list schedulers
/// ([`learned::guard`]): `on` or `1` (the default), `off` or `0`.
fn guard(p: &mut Params) -> Result<bool, RegistryError> {
    match p.string_or("guard", "on").as_str() {
        "on" | "1" => Ok(true),
        "off" | "0" => Ok(false),
        other => Err(p.bad_value("guard", "on or off (1 or 0)", other)),
    }
}

/// The `model` parameter of the learned schedulers; `NAME:PATH` is short for `NAME:model=PATH`.
const MODEL_PARAM: ParamInfo = ParamInfo {
    name: "model",
    description: "model file written by `schedlab train` (default: the bundled model)",
};

/// Splits `spec` into its registry entry and its parameter values, without
/// building anything; `NAME:PATH` means `NAME:model=PATH` for schedulers that
/// take a model.
///
/// # Errors
/// [`RegistryError::Unknown`] or [`RegistryError::Malformed`].
pub fn parse(spec: &str) -> Result<(&'static SchedulerInfo, BTreeMap<String, String>), RegistryError> {
    let (name, rest) = spec.split_once(':').unwrap_or((spec, ""));
    let name = name.trim();
    let info = REGISTRY
        .iter()
        .find(|i| i.name == name)
        .ok_or_else(|| RegistryError::Unknown {
            name: name.to_owned(),
            valid: REGISTRY.iter().map(|i| i.name).collect::<Vec<_>>().join(", "),
        })?;
    let mut values = BTreeMap::new();
    let takes_model = info.params.iter().any(|p| p.name == MODEL_PARAM.name);
    for (i, pair) in rest.split(',').map(str::trim).filter(|p| !p.is_empty()).enumerate() {
        let (k, v) = match pair.split_once('=') {
            Some(kv) => kv,
            None if i == 0 && takes_model => (MODEL_PARAM.name, pair),
            None => return Err(RegistryError::Malformed(spec.to_owned())),
        };
        values.insert(k.trim().to_owned(), v.trim().to_owned());
    }
    Ok((info, values))
}

/// `spec` with the parameters that choose a scheduler's definitions written
/// out: `comm_mean` and `compat` at their defaults (`rate`, `paper`) where the
/// scheduler takes them and the spec does not set them. A result saved under
/// the pinned spec names exactly what ran, so a later change of defaults
/// cannot silently change what the spec means.
///
/// # Errors
/// As [`parse`].
pub fn pinned(spec: &str) -> Result<String, RegistryError> {
    let (info, values) = parse(spec)?;
    let mut pinned = spec.trim().to_owned();
    for (param, default) in [(COMM_MEAN_PARAM.name, "rate"), (COMPAT_PARAM.name, "paper")] {
        if info.params.iter().any(|p| p.name == param) && !values.contains_key(param) {
            pinned.push(if pinned.contains(':') { ',' } else { ':' });
            pinned.push_str(&format!("{param}={default}"));
        }
    }
    Ok(pinned)
}

/// Builds the scheduler named by `spec` (`NAME` or `NAME:key=value,…`);
/// `seed` feeds randomised schedulers.
///
/// # Errors
/// [`RegistryError`] for unknown names, unknown keys or bad values.
pub fn create(spec: &str, seed: u64) -> Result<Box<dyn Scheduler>, RegistryError> {
    build(spec, seed, false)
}

/// Online policies that follow a job stream's jobs as they arrive. The
/// others decide from the whole DAG at time 0, which a stream never has.
const STREAM_ONLINE: &[&str] = &[
    "random",
    "fifo",
    "online-min-min",
    "online-max-min",
    "work-stealing",
    "dask",
    "online-eft",
    "adaptive",
    "job-fifo",
    "sjf-cp",
    "srpt",
    "fair",
    "weighted-fair",
    "tetris",
    "edf",
    "learned-stream",
];

/// Builds the scheduler named by `spec` for a job stream: online policies
/// as they are, static planners each job at its arrival on the work already
/// placed ([`PerJob`]), so `heft` on a stream is HEFT per arrival.
///
/// # Errors
/// As [`create`], and [`RegistryError::NotForStreams`] for a scheduler that
/// cannot run on a stream.
pub fn create_for_stream(spec: &str, seed: u64) -> Result<Box<dyn Scheduler>, RegistryError> {
    build(spec, seed, true)
}

fn build(spec: &str, seed: u64, stream: bool) -> Result<Box<dyn Scheduler>, RegistryError> {
    let (info, values) = parse(spec)?;
    if stream && info.nature == Nature::Online && !STREAM_ONLINE.contains(&info.name) {
        return Err(RegistryError::NotForStreams {
            scheduler: info.name.to_owned(),
            valid: STREAM_ONLINE.join(", "),
        });
    }
    let name = info.name;
    let mut params = Params {
        scheduler: name.to_owned(),
        values,
        read: Vec::new(),
        compat: None,
    };
    let overhead = params.non_negative_f64_or("overhead", 0.0)?;
    let plan_memory = match params.string_or("memory", "plan").as_str() {
        "plan" => true,
        "ignore" => false,
        other => return Err(params.bad_value("memory", "plan or ignore", other)),
    };
    let takes = |param: ParamInfo| info.params.iter().any(|p| p.name == param.name);
    if takes(COMPAT_PARAM) {
        params.compat()?;
    }
    let comm_mean = if takes(COMM_MEAN_PARAM) {
        params.comm_mean()?
    } else {
        CommMean::Rate
    };
    let mut inner = (info.build)(&mut params, seed)?;
    if comm_mean != CommMean::Rate || !plan_memory {
        inner = Box::new(WithCostModel::new(inner, comm_mean, plan_memory));
    }
    if stream && info.nature == Nature::Static {
        inner = Box::new(PerJob::new(inner, plan_memory));
    }
    let mut scheduler: Box<dyn Scheduler> = Box::new(Resilient::new(inner, info.nature));
    if overhead > 0.0 {
        scheduler = Box::new(WithOverhead::new(scheduler, SimDuration::from_secs_f64(overhead)));
    }
    if let Some(key) = params.values.keys().next() {
        let valid = info
            .params
            .iter()
            .chain(COMMON_PARAMS)
            .map(|p| p.name)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(RegistryError::UnknownParam {
            scheduler: name.to_owned(),
            key: key.clone(),
            valid,
        });
    }
    Ok(scheduler)
}

/// The numeric parameters of `info` with their kinds, ranges and defaults,
/// in the order its builder reads them.
///
/// Found by running the builder once without parameters (building a
/// scheduler is cheap: the work happens when it plans), so the answer is
/// what the builder really accepts. Parameters read otherwise (a file path,
/// say) are not listed.
pub fn param_kinds(info: &SchedulerInfo) -> Vec<(String, ParamKind)> {
    let mut params = Params {
        scheduler: info.name.to_owned(),
        values: BTreeMap::new(),
        read: Vec::new(),
        compat: None,
    };
    let _ = (info.build)(&mut params, 0);
    params.read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_specs_spell_out_the_definitions() {
        assert_eq!(pinned("heft").unwrap(), "heft:comm_mean=rate,compat=paper");
        assert_eq!(pinned("heft:compat=saga").unwrap(), "heft:compat=saga,comm_mean=rate");
        assert_eq!(pinned("olb").unwrap(), "olb");
        assert_eq!(pinned("fastest-node").unwrap(), "fastest-node:compat=paper");
        for spec in ["heft", "cpop", "peft", "online-eft", "fastest-node"] {
            assert!(create(&pinned(spec).unwrap(), 0).is_ok(), "{spec}");
        }
        assert!(pinned("hetf").is_err());
    }

    #[test]
    fn every_entry_builds_by_name() {
        for info in all() {
            let s = create(info.name, 1).unwrap();
            assert_eq!(s.name(), info.name);
        }
    }

    #[test]
    fn param_kinds_are_what_the_builders_read() {
        let kinds = |name: &str| all().iter().find(|i| i.name == name).map(param_kinds).unwrap();
        assert_eq!(
            kinds("wba"),
            [(
                "alpha".to_owned(),
                ParamKind::Float {
                    default: wba::DEFAULT_ALPHA,
                    min: Some(0.0),
                    max: Some(1.0)
                }
            )]
        );
        assert!(matches!(
            kinds("branch-and-bound").as_slice(),
            [(b, ParamKind::Integer { .. }), (m, ParamKind::Integer { default: 64 })] if b == "budget" && m == "max-tasks"
        ));
        assert!(kinds("heft").is_empty());
        for info in all() {
            let read: Vec<String> = param_kinds(info).into_iter().map(|(k, _)| k).collect();
            assert!(
                read.iter().all(|k| info.params.iter().any(|p| p.name == k)),
                "{} reads {read:?} but lists {:?}",
                info.name,
                info.params.iter().map(|p| p.name).collect::<Vec<_>>()
            );
        }
        let err = create("wba:alpha=2", 0).err().unwrap().to_string();
        assert!(err.contains("a number in [0, 1]"), "{err}");
    }

    #[test]
    fn errors_list_valid_choices() {
        let err = create("hfet", 0).err().unwrap().to_string();
        assert!(err.contains("heft") && err.contains("hfet"), "{err}");
        assert!(err.contains("\"hfet\"; did you mean \"heft\"?"), "{err}");
        let err = create("heft:depth=2", 0).err().unwrap().to_string();
        assert!(err.contains("depth"), "{err}");
        let err = create("heft:overhed=1", 0).err().unwrap().to_string();
        assert!(err.contains("did you mean \"overhead\"?"), "{err}");
        assert!(matches!(create("heft:x", 0), Err(RegistryError::Malformed(_))));
        let err = create("peft:priority=rank", 0).err().unwrap().to_string();
        assert!(err.contains("oct, oct+cost or upward") && err.contains("rank"), "{err}");
        for priority in ["oct", "oct+cost", "upward"] {
            assert!(create(&format!("peft:priority={priority}"), 0).is_ok(), "{priority}");
        }
    }

    #[test]
    fn learned_schedulers_take_a_bare_model_path_and_name_it_in_errors() {
        let (info, values) = parse("learned:dir/m.json,guard=0").unwrap();
        assert_eq!(info.name, "learned");
        assert_eq!(values["model"], "dir/m.json");
        assert_eq!(values["guard"], "0");
        for spec in ["learned:/no/such/m.json", "auto:model=/no/such/m.json"] {
            let err = create(spec, 0).err().unwrap().to_string();
            assert!(err.contains("/no/such/m.json"), "{err}");
        }
        for spec in ["learned:guard=2", "learned-net:guard=yes"] {
            let err = create(spec, 0).err().unwrap().to_string();
            assert!(err.contains("guard") && err.contains("on or off"), "{err}");
        }
        for spec in [
            "learned:guard=off",
            "learned:guard=1",
            "learned-net:guard=off",
            "learned-net:guard=on",
        ] {
            assert!(create(spec, 0).is_ok(), "{spec}");
        }
    }
}
