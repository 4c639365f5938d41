//! Algorithm selection (`auto:MODEL`): predict from the instance's features
//! which portfolio member wins, then let that member schedule the run.
//!
//! The prediction happens in `plan` (time 0) from what the scheduler can see
//! (the DAG, the platform, the cost estimates) plus the runtime noise and
//! failure rate the user declares in the spec, since a scheduler cannot
//! observe those before the run. Every member of the portfolio is built when
//! [`Auto`] is built, so a model naming an unknown scheduler fails at
//! creation, not mid-run. Cost: O(n·p + e) for the features, then the member's.

use super::features::{self, InstanceFeatures};
use super::model::SelectionModel;
use sim::{CostModel, Decisions, Scheduler, SimView, Update};

/// The algorithm-selection scheduler.
pub struct Auto {
    model: SelectionModel,
    noise: f64,
    failure_rate: f64,
    members: Vec<Box<dyn Scheduler>>,
    chosen: Option<usize>,
}

impl Auto {
    /// Builds every member of `model` (seeded with `seed`) for runs with
    /// declared runtime noise σ `noise` and `failure_rate` failures per node per second.
    ///
    /// # Errors
    /// The registry's error for a member that is not a valid scheduler spec.
    pub fn new(
        model: SelectionModel,
        noise: f64,
        failure_rate: f64,
        seed: u64,
    ) -> Result<Auto, crate::registry::RegistryError> {
        let members = model
            .portfolio
            .iter()
            .map(|spec| crate::registry::create(spec, seed))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Auto {
            model,
            noise,
            failure_rate,
            members,
            chosen: None,
        })
    }
}

/// The member `model` picks for `features`: the lowest predicted log regret
/// (ties: lower index), with each feature clamped to its training range.
pub fn predict(model: &SelectionModel, features: &InstanceFeatures) -> usize {
    let x: Vec<f64> = features
        .iter()
        .enumerate()
        .map(|(f, v)| (v.clamp(model.min[f], model.max[f]) - model.mean[f]) / model.std[f])
        .collect();
    let mut best = 0;
    let mut best_regret = f64::INFINITY;
    for (c, (row, b)) in model.weights.iter().zip(&model.intercepts).enumerate() {
        let regret = b + row.iter().zip(&x).map(|(w, v)| w * v).sum::<f64>();
        if regret < best_regret {
            best = c;
            best_regret = regret;
        }
    }
    best
}

/// The scheduler spec `model` picks for `costs` under `noise` and `failure_rate`.
pub fn choose<'m>(model: &'m SelectionModel, costs: &CostModel<'_>, noise: f64, failure_rate: f64) -> &'m str {
    &model.portfolio[predict(model, &features::instance(costs, noise, failure_rate))]
}

impl Scheduler for Auto {
    fn name(&self) -> &str {
        "auto"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let features = features::instance(view.costs(), self.noise, self.failure_rate);
        let chosen = predict(&self.model, &features);
        self.chosen = Some(chosen);
        if let Some(member) = self.members.get_mut(chosen) {
            member.plan(view, out);
        }
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        if let Some(member) = self.chosen.and_then(|c| self.members.get_mut(c)) {
            member.on_update(view, update, out);
        }
    }
}
