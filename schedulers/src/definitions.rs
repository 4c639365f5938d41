//! Which published definition a scheduler follows where the papers and the
//! libraries that implement them differ: the registry's `comm_mean=` and
//! `compat=` parameters; and whether it plans memory (`memory=`).
//!
//! By default every scheduler follows the paper it cites. The papers of HEFT,
//! CPOP and PEFT define the mean transfer time of an edge as
//! `c̄ = L̄ + data / B̄` with `B̄` the mean bandwidth ([`CommMean::Rate`]);
//! `comm_mean=time` takes the mean of the transfer times instead
//! ([`CommMean::Time`]). `compat=saga` follows SAGA 2.1.0 (anrg-saga on PyPI)
//! wherever it differs from the papers, so that its makespans can be
//! reproduced on its own instances:
//! - means of transfer times over the links of its network, self links
//!   included ([`CommMean::SagaLinks`]), in every rank;
//! - CPOP: the downward rank adds the task's own cost over the mean node speed
//!   (the paper adds the predecessor's mean execution time), and the critical
//!   path is every task whose priority is within `numpy.isclose` of the entry
//!   task's;
//! - PEFT: the optimistic cost table charges each pair of nodes its own link
//!   (the paper charges the mean);
//! - Min-Min and Max-Min: rounds, each taking only the tasks that were ready
//!   when it began;
//! - ETF: SAGA's moment-by-moment ETF, its ties broken in the order CPython
//!   iterates its sets of names under `PYTHONHASHSEED=0`
//!   ([`crate::python_set`]), its transfers within a node over self links.

use sim::{CommMean, CostModel, Decisions, Scheduler, SimDuration, SimView, TaskId, Update};

/// Whose definitions a scheduler follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compat {
    /// The cited paper's.
    #[default]
    Paper,
    /// SAGA 2.1.0's (see the module docs).
    Saga,
}

impl Compat {
    /// The parameter value naming this setting (`paper`, `saga`).
    pub fn name(self) -> &'static str {
        match self {
            Compat::Paper => "paper",
            Compat::Saga => "saga",
        }
    }

    /// The setting named `name`.
    pub fn from_name(name: &str) -> Option<Compat> {
        [Compat::Paper, Compat::Saga].into_iter().find(|c| c.name() == name)
    }
}

/// `inner`, seeing a cost model whose [`CostModel::mean_comm_secs`] follows
/// `comm_mean`, and which holds no memory in plans unless `plan_memory`
/// ([`CostModel::without_memory_in_plans`]). Each call clones the cost
/// model, O(kinds × nodes).
pub struct WithCostModel {
    inner: Box<dyn Scheduler>,
    comm_mean: CommMean,
    plan_memory: bool,
}

impl WithCostModel {
    /// Wraps `inner` so that its mean transfer times follow `comm_mean` and
    /// it plans memory only if `plan_memory`.
    pub fn new(inner: Box<dyn Scheduler>, comm_mean: CommMean, plan_memory: bool) -> WithCostModel {
        WithCostModel {
            inner,
            comm_mean,
            plan_memory,
        }
    }

    /// `view`'s cost model with this wrapper's definitions.
    fn costs<'a>(&self, view: &SimView<'a>) -> CostModel<'a> {
        let costs = view.costs().clone().with_comm_mean(self.comm_mean);
        if self.plan_memory {
            costs
        } else {
            costs.without_memory_in_plans()
        }
    }
}

impl Scheduler for WithCostModel {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = self.costs(view);
        self.inner.plan(&view.with_costs(&costs), out);
    }
    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        let costs = self.costs(view);
        self.inner.on_update(&view.with_costs(&costs), update, out);
    }
    fn decision_overhead(&self) -> SimDuration {
        self.inner.decision_overhead()
    }
    fn retire(&mut self, before: TaskId) {
        self.inner.retire(before);
    }
}
