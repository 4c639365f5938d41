//! The guard of the learned list schedulers: plan the instance with the
//! model and with hand-written heuristics, and keep the plan with the
//! shortest planned makespan, so that a model that generalises badly to an
//! instance costs at most the heuristics' plans (as far as the planner's
//! estimate of the makespan is right). It is a rule, with no parameter to
//! tune: the plans are compared by the estimate the scheduler plans with.

use crate::list::ListPlanner;

/// The plan of `plans` with the shortest planned makespan; ties go to the
/// first, so the model's plan, given first, wins ties. `None` for no plans.
pub fn shortest<'c, 'a>(plans: impl IntoIterator<Item = ListPlanner<'c, 'a>>) -> Option<ListPlanner<'c, 'a>> {
    plans
        .into_iter()
        .reduce(|best, plan| if plan.makespan() < best.makespan() { plan } else { best })
}
