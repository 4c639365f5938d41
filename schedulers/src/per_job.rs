//! Static planners on job streams: plan each job when it arrives, on the
//! work already placed.
//!
//! A static planner sees a whole DAG at time 0; on a stream no DAG is whole
//! at any time. [`PerJob`] gives any static planner SAGA's online mode (its
//! `schedule(network, task_graph, schedule, min_start_time)`, the usual
//! baseline of online multi-DAG scheduling; Zhao and Sakellariou, IPDPS
//! 2006): when a job arrives, the planner plans that job alone, on a copy of
//! the platform whose cores are held until the work already placed there
//! is expected to end ([`sim::CostModel::with_cores_free_at`]), and its
//! decisions join the nodes' queues behind that work. `heft` on a stream is
//! this wrapper around HEFT.
//!
//! When each core frees up is estimated from what is placed, by replaying
//! the placed, unfinished tasks in decision order on the estimates (see
//! [`PerJob::cores_free_at`]); a placed task holds the cores a plan
//! reserves for it, its share of the node's memory included
//! ([`sim::CostModel::planned_cores`]), so a new job is not planned into
//! memory that earlier jobs hold. The held cores are a block from time 0: a
//! later job is not inserted into gaps of earlier ones, since the nodes run
//! their queues in order.

use sim::{
    CostModel, CostTables, Dag, Decision, Decisions, JobId, NodeId, Scheduler, SimTime, SimView, StateSource, TaskId,
    TaskState, TaskWindow, Update,
};
use std::collections::VecDeque;
use std::sync::Arc;

/// A static planner run once per job of a stream (see the module docs).
pub struct PerJob {
    inner: Box<dyn Scheduler>,
    /// The cost tables of an empty DAG on the platform, extended per job.
    base: Option<CostTables>,
    /// The tasks placed and not yet finished, in the order they were decided, with their node and cores.
    placed: VecDeque<(TaskId, NodeId, u32)>,
    /// Each placed task's estimated end, from the last [`PerJob::cores_free_at`]
    /// (tasks of retired jobs dropped).
    expected_end: TaskWindow<SimTime>,
    /// Whether placed tasks hold their memory share of cores (false under `memory=ignore`).
    plan_memory: bool,
    scratch: Decisions,
}

impl PerJob {
    /// Wraps the static planner `inner`; with `plan_memory` false (the
    /// registry's `memory=ignore`) placed tasks hold only their own cores.
    pub fn new(inner: Box<dyn Scheduler>, plan_memory: bool) -> PerJob {
        PerJob {
            inner,
            base: None,
            placed: VecDeque::new(),
            expected_end: TaskWindow::default(),
            plan_memory,
            scratch: Decisions::default(),
        }
    }

    /// When each core of each node frees up from the work placed so far.
    ///
    /// A forward pass over the placed, unfinished tasks in the order they
    /// were decided (which respects precedence, as static plans emit it):
    /// each starts when its node has its cores (taking those that free
    /// first), its inputs are there by the estimates and the task ahead of
    /// it in its node's queue has started (nodes run their queues in order),
    /// and holds the cores a plan reserves for it (its memory share
    /// included) for its estimated time; a running task holds them
    /// until its start plus its estimate, or now if it overran. No core of a
    /// node is free before its last queued task starts: a new task queues
    /// behind it. O(tasks in system × in-degree).
    fn cores_free_at(&mut self, view: &SimView<'_>) -> Arc<[Box<[SimTime]>]> {
        let now = view.now();
        let costs = view.costs();
        let dag = view.dag();
        let platform = view.platform();
        self.expected_end.resize(dag.task_count(), SimTime::ZERO);
        self.placed
            .retain(|&(task, _, _)| !matches!(view.task_state(task), TaskState::Done { .. }));
        let mut cores: Vec<Vec<SimTime>> = platform.nodes().iter().map(|n| vec![now; n.cores as usize]).collect();
        // A node runs its queue in order: nothing starts before the task ahead of it.
        let mut last_start = vec![now; platform.node_count()];
        for &(task, node, n) in &self.placed {
            let lanes = &mut cores[node.index()];
            lanes.sort_unstable();
            let n = (n as usize).clamp(1, lanes.len());
            let estimate = costs.exec_time_with(task, node, n as u32, 0);
            let held = if self.plan_memory {
                (costs.planned_cores(task, node, n as u32) as usize).clamp(n, lanes.len())
            } else {
                n
            };
            let end = match view.task_state(task) {
                TaskState::Running { start, .. } => (start + estimate).max(now),
                _ => {
                    let inputs = dag
                        .in_edges(task)
                        .iter()
                        .map(|&e| {
                            let edge = dag.edge(e);
                            let (src, end) = match view.task_state(edge.src) {
                                TaskState::Done { node, end, .. } => (node, end),
                                TaskState::Running { node, .. } | TaskState::Queued { node } => {
                                    (node, self.expected_end[edge.src.index()])
                                }
                                _ => (node, now),
                            };
                            end + costs.comm_time(src, node, edge.bytes)
                        })
                        .max()
                        .unwrap_or(now);
                    let start = lanes[held - 1].max(inputs).max(last_start[node.index()]);
                    last_start[node.index()] = start;
                    start + estimate
                }
            };
            self.expected_end[task.index()] = end;
            lanes[..held].fill(end);
        }
        for (lanes, &start) in cores.iter_mut().zip(&last_start) {
            for lane in lanes.iter_mut() {
                *lane = (*lane).max(start);
            }
        }
        cores.into_iter().map(Vec::into_boxed_slice).collect()
    }

    /// Plans job `job` alone and hands back its decisions in the stream's task ids.
    fn plan_job(&mut self, view: &SimView<'_>, job: JobId, out: &mut Decisions) {
        let Some(info) = view.job(job) else { return };
        let platform = view.platform();
        let dag = view.dag().extract(info.first_task, info.n_tasks as usize);
        let base = self
            .base
            .get_or_insert_with(|| {
                let empty = Dag::empty();
                CostModel::new(&empty, platform)
                    .expect("an empty DAG runs on every platform")
                    .into_tables()
            })
            .clone();
        // The job was bound to the platform when it arrived, so this succeeds.
        let Ok(costs) = CostModel::extended(&dag, platform, base, 0) else {
            return;
        };
        let costs = costs.with_cores_free_at(self.cores_free_at(view));
        let state = FreshJob {
            view,
            first: info.first_task,
        };
        self.inner
            .plan(&SimView::new(view.now(), &costs, &state), &mut self.scratch);
        let global = |t: TaskId| TaskId::new(info.first_task.index() + t.index());
        for decision in self.scratch.drain() {
            let decision = match decision {
                Decision::Assign(mut a) => {
                    a.task = global(a.task);
                    self.placed.push_back((a.task, a.node, a.cores));
                    Decision::Assign(a)
                }
                Decision::Copy(mut a, kind) => {
                    a.task = global(a.task);
                    Decision::Copy(a, kind)
                }
            };
            out.add(decision);
        }
    }
}

/// The state of a job that has just arrived, in its own task ids: nothing
/// of it has run; the nodes are as the stream's run has them.
struct FreshJob<'v> {
    view: &'v SimView<'v>,
    first: TaskId,
}

impl StateSource for FreshJob<'_> {
    fn task_state(&self, task: TaskId) -> TaskState {
        self.view.task_state(TaskId::new(self.first.index() + task.index()))
    }

    fn free_cores(&self, node: NodeId) -> u32 {
        self.view.free_cores(node)
    }

    fn queue_len(&self, node: NodeId) -> usize {
        self.view.queue_len(node)
    }

    fn node_up(&self, node: NodeId) -> bool {
        self.view.node_up(node)
    }
}

impl Scheduler for PerJob {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        self.placed.clear();
        self.expected_end.clear();
        // Tasks present at the start belong to no job: plan them as one DAG.
        if view.dag().task_count() > 0 {
            self.inner.plan(view, &mut self.scratch);
            for decision in self.scratch.drain() {
                if let Decision::Assign(a) = decision {
                    self.placed.push_back((a.task, a.node, a.cores));
                }
                out.add(decision);
            }
        }
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        for &job in update.arrived {
            self.plan_job(view, job, out);
        }
    }

    fn decision_overhead(&self) -> sim::SimDuration {
        self.inner.decision_overhead()
    }

    /// Forgets the retired tasks: they are done and hold no cores, and a
    /// summary record's view no longer knows them. The planner is not told:
    /// it sees each job in the job's own task ids.
    fn retire(&mut self, before: TaskId) {
        self.placed.retain(|&(task, _, _)| task >= before);
        self.expected_end.resize(before.index(), SimTime::ZERO);
        self.expected_end.retire_before(before.index());
    }
}
