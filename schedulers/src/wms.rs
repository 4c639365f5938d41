//! DAGMan's job submission in front of any scheduler: the part of a
//! platform's workflow system ([`sim::WorkflowSystem`]) that decides *when*
//! a job reaches the nodes.
//!
//! DAGMan submits a job only once all its parents are done, and submits jobs
//! one at a time. [`Dagman`] therefore holds each decision of the scheduler it
//! wraps until the decided task is ready, and releases decisions with the
//! platform's `submit_interval` as its decision overhead, so that they take
//! effect one after another, each that much after the previous one (see
//! "Scheduling overhead" in [`sim::scheduler`]).

use sim::{Decision, Decisions, Platform, Scheduler, SimDuration, SimView, TaskId, TaskState, Update};

/// `inner`, submitting its decisions as DAGMan does.
pub struct Dagman {
    inner: Box<dyn Scheduler>,
    submit_interval: SimDuration,
    /// Decisions for each task that is not ready yet, in decision order.
    held: Vec<Vec<Decision>>,
}

impl Dagman {
    /// Wraps `inner` so that its decisions are submitted once their task is
    /// ready, one every `submit_interval` (added to `inner`'s own overhead).
    pub fn new(inner: Box<dyn Scheduler>, submit_interval: SimDuration) -> Dagman {
        Dagman {
            inner,
            submit_interval,
            held: Vec::new(),
        }
    }

    /// Releases the decisions of `inner` whose task is ready (or further
    /// along) and holds the others until it is.
    fn route(&mut self, view: &SimView<'_>, decided: &mut Decisions, out: &mut Decisions) {
        if self.held.is_empty() {
            self.held = vec![Vec::new(); view.dag().task_count()];
        }
        for decision in decided.drain() {
            let task = task_of(&decision);
            if view.task_state(task) == TaskState::Waiting {
                self.held[task.index()].push(decision);
            } else {
                out.add(decision);
            }
        }
    }
}

fn task_of(decision: &Decision) -> TaskId {
    match decision {
        Decision::Assign(a) | Decision::Copy(a, _) => a.task,
    }
}

impl Scheduler for Dagman {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let mut decided = Decisions::default();
        self.inner.plan(view, &mut decided);
        self.route(view, &mut decided, out);
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        let mut decided = Decisions::default();
        self.inner.on_update(view, update, &mut decided);
        // Tasks that just became ready go first, in the order the engine
        // reports them, as DAGMan submits them when it sees their parents end.
        for &task in update.ready {
            if let Some(held) = self.held.get_mut(task.index()) {
                for decision in held.drain(..) {
                    out.add(decision);
                }
            }
        }
        self.route(view, &mut decided, out);
    }

    fn decision_overhead(&self) -> SimDuration {
        self.inner.decision_overhead() + self.submit_interval
    }
    fn retire(&mut self, before: TaskId) {
        self.inner.retire(before);
    }
}

/// `scheduler` behind the platform's workflow system, if it has one
/// ([`Dagman`] with its `submit_interval`); otherwise `scheduler` itself.
pub fn wrap(scheduler: Box<dyn Scheduler>, platform: &Platform) -> Box<dyn Scheduler> {
    match platform.workflow_system() {
        Some(wms) => Box::new(Dagman::new(scheduler, SimDuration::from_secs_f64(wms.submit_interval))),
        None => scheduler,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{DagBuilder, NodeId, PlatformSpec, SimConfig, TaskSpec, WorkflowSystem};

    /// Puts every task on node 0 at time 0, as a static planner does.
    struct AllAtOnce;
    impl Scheduler for AllAtOnce {
        fn name(&self) -> &str {
            "all-at-once"
        }
        fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
            for t in view.dag().task_ids() {
                out.assign(view, t, NodeId::new(0));
            }
        }
    }

    fn platform(cores: u32, wms: WorkflowSystem) -> Platform {
        let mut spec: PlatformSpec = sim::presets::preset("homogeneous", 1).unwrap().spec().clone();
        spec.nodes[0].cores = cores;
        spec.workflow_system = Some(wms);
        Platform::new(spec).unwrap()
    }

    fn makespan(dag: &sim::Dag, platform: &Platform) -> f64 {
        let mut s = wrap(Box::new(AllAtOnce), platform);
        sim::simulate(dag, platform, &mut s, &SimConfig::default())
            .unwrap()
            .metrics
            .makespan
    }

    #[test]
    fn a_throttle_of_one_job_per_10_s_spaces_out_independent_tasks() {
        // Five independent 3 s tasks on 8 cores, one submission every 10 s:
        // task k is submitted at 10 (k + 1) s and ends 3 s later, so the last
        // ends at 50 + 3 = 53 s (without the throttle: 3 s).
        let mut b = DagBuilder::new();
        for k in 0..5 {
            b.add_task(TaskSpec::new(format!("t{k}"), 3.0));
        }
        let dag = b.build().unwrap();
        let wms = WorkflowSystem {
            submit_interval: 10.0,
            ..WorkflowSystem::default()
        };
        assert_eq!(makespan(&dag, &platform(8, wms)), 53.0);
        assert_eq!(makespan(&dag, &platform(8, WorkflowSystem::default())), 3.0);
    }

    #[test]
    fn a_job_is_submitted_only_once_its_parents_are_done() {
        // a (4 s) -> b (2 s). A static plan decides both at time 0; DAGMan
        // submits a at 10 s, and b only after a ends at 14 s: at 24 s, so b
        // ends at 26 s. Submitting b at 20 s, before a ended, would give 18 s.
        let mut b = DagBuilder::new();
        let a = b.add_task(TaskSpec::new("a", 4.0));
        let c = b.add_task(TaskSpec::new("b", 2.0));
        b.add_edge(a, c, 0.0);
        let dag = b.build().unwrap();
        let wms = WorkflowSystem {
            submit_interval: 10.0,
            ..WorkflowSystem::default()
        };
        assert_eq!(makespan(&dag, &platform(1, wms)), 26.0);
    }
}
