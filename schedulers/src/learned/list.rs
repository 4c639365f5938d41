//! The learned list scheduler, and the teacher it learns from.
//!
//! By default the learned plan is guarded ([`guard`]): HEFT's plan is
//! computed too and the shorter planned makespan wins, so a model that generalises badly to
//! an instance costs at most HEFT's plan (`guard=0` turns this off, for
//! measuring the model alone). The guard doubles planning time.
//!
//! Both walk the tasks in HEFT's order (decreasing upward rank) over one
//! [`ListPlanner`] with insertion; they differ only in how a task's node is
//! chosen among its candidates:
//! - [`Learned`] takes the candidate with the highest `weights · features`
//!   ([`features::candidates`]): O(p·(k + f)) per task for p nodes,
//!   in-degree k and f features, on top of HEFT's own work;
//! - the teacher, [`demonstrate`], is a one-step rollout of HEFT: it places
//!   the task tentatively on each node, completes the plan with HEFT, and
//!   keeps the node whose completed plan ends earliest (ties: earlier own
//!   finish, lower node id). HEFT's own choice is among those completed
//!   plans, so the teacher's planned makespan is never worse than HEFT's
//!   (the cost-improvement property of rollout, Bertsekas et al. 1997), at
//!   O(n²·p²) candidate evaluations instead of O(n·p).

use super::features::{self, CandidateFeatures, Context};
use super::guard;
use super::model::ListModel;
use crate::list::{Candidate, ListPlanner};
use crate::rank;
use sim::{CostModel, Decisions, Scheduler, SimTime, SimView, TaskId};

/// The learned list scheduler (`learned:MODEL`).
#[derive(Debug, Clone)]
pub struct Learned {
    model: ListModel,
    guard: bool,
}

impl Learned {
    /// A scheduler scoring candidates with `model`'s weights; with `guard`,
    /// it keeps HEFT's plan when that one is planned to end earlier.
    pub fn new(model: ListModel, guard: bool) -> Learned {
        Learned { model, guard }
    }
}

impl Scheduler for Learned {
    fn name(&self) -> &str {
        "learned"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let learned = plan(costs, &self.model.weights);
        let heft = self.guard.then(|| crate::heft::plan(costs));
        if let Some(chosen) = guard::shortest(std::iter::once(learned).chain(heft)) {
            chosen.emit(out);
        }
    }
}

/// Plans `costs` choosing each task's node by the highest `weights · features`
/// (ties: lower node id).
pub fn plan<'c, 'a>(costs: &'c CostModel<'a>, weights: &[f64]) -> ListPlanner<'c, 'a> {
    walk(costs, |_, _, _, features, _| best_scoring(features, weights))
}

/// Index of the feature vector with the highest `weights · features` (ties:
/// the first); shared by every learned list scheduler, whatever its features.
pub fn best_scoring<const N: usize>(features: &[[f64; N]], weights: &[f64]) -> usize {
    let mut best = 0;
    let mut best_score = f64::NEG_INFINITY;
    for (i, f) in features.iter().enumerate() {
        let score: f64 = f.iter().zip(weights).map(|(x, w)| x * w).sum();
        if score > best_score {
            best = i;
            best_score = score;
        }
    }
    best
}

/// One decision of the teacher: every candidate's features and the planned
/// makespan of its HEFT completion, and the candidate chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Features of each candidate node.
    pub features: Vec<CandidateFeatures>,
    /// Planned makespan (seconds) after placing the task on each candidate and completing with HEFT.
    pub rollout: Vec<f64>,
    /// Index of the teacher's candidate.
    pub chosen: usize,
}

/// The teacher's labels along one plan of an instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Demonstration {
    /// The teacher's decision at each step, in order.
    pub decisions: Vec<Decision>,
    /// Planned makespan of the plan followed, in seconds.
    pub makespan: f64,
    /// HEFT's planned makespan in seconds.
    pub heft_makespan: f64,
}

/// Labels every decision of a plan of `costs` with the teacher's choice.
/// The plan follows the teacher (`follow = None`), whose planned makespan
/// is then never above HEFT's, or the model with weights `follow`, so that
/// the labels cover the states the model itself reaches (DAgger, Ross et
/// al. 2011).
pub fn demonstrate(costs: &CostModel<'_>, follow: Option<&[f64]>) -> Demonstration {
    let mut decisions = Vec::new();
    let mut trial: Vec<(TaskId, Candidate)> = Vec::new();
    let planner = walk(costs, |planner, task, candidates, features, rest| {
        let before = planner.makespan();
        let rollout: Vec<SimTime> = candidates
            .iter()
            .map(|c| complete_with_heft(planner, task, c, rest, &mut trial).max(before))
            .collect();
        let chosen = (0..candidates.len())
            .min_by_key(|&i| (rollout[i], candidates[i].end, candidates[i].node))
            .unwrap_or(0);
        decisions.push(Decision {
            features: features.to_vec(),
            rollout: rollout.iter().map(|t| t.as_secs_f64()).collect(),
            chosen,
        });
        follow.map_or(chosen, |weights| best_scoring(features, weights))
    });
    Demonstration {
        decisions,
        makespan: planner.makespan().as_secs_f64(),
        heft_makespan: crate::heft::plan(costs).makespan().as_secs_f64(),
    }
}

/// Places `task` at `candidate`, then every task of `rest` at its earliest
/// finish, returns the latest planned finish among them, and undoes it all.
fn complete_with_heft(
    planner: &mut ListPlanner<'_, '_>,
    task: TaskId,
    candidate: &Candidate,
    rest: &[TaskId],
    trial: &mut Vec<(TaskId, Candidate)>,
) -> SimTime {
    planner.place(task, candidate.clone());
    let mut latest = candidate.end;
    for &t in rest {
        if let Some(c) = planner.best(t) {
            latest = latest.max(c.end);
            planner.place(t, c.clone());
            trial.push((t, c));
        }
    }
    for (t, c) in trial.drain(..).rev() {
        planner.unplace(t, &c);
    }
    planner.unplace(task, candidate);
    latest
}

/// Walks the tasks in decreasing upward rank, computing each task's
/// candidates and their features and placing it where `choose` says
/// (`choose` gets the planner, the task, the candidates, their features and
/// the tasks still to place, and returns a candidate index).
fn walk<'c, 'a>(
    costs: &'c CostModel<'a>,
    mut choose: impl FnMut(&mut ListPlanner<'c, 'a>, TaskId, &[Candidate], &[CandidateFeatures], &[TaskId]) -> usize,
) -> ListPlanner<'c, 'a> {
    let context = Context::new(costs);
    let order = rank::order_by_decreasing(costs, &context.upward);
    let mut planner = ListPlanner::new(costs, true);
    let mut candidates = Vec::new();
    let mut features = Vec::new();
    for (k, &task) in order.iter().enumerate() {
        candidates.clear();
        candidates.extend(costs.platform().node_ids().filter_map(|n| planner.candidate(task, n)));
        if candidates.is_empty() {
            continue;
        }
        features::candidates(&planner, &context, costs, task, &candidates, &mut features);
        let i = choose(&mut planner, task, &candidates, &features, &order[k + 1..]);
        if let Some(c) = candidates.get(i) {
            planner.place(task, c.clone());
        }
    }
    planner
}
