//! Online EFT: greedy earliest finish time on tasks as they become ready,
//! and its adaptive variant that learns the nodes' real speeds.
//!
//! Online. Ready tasks of one batch are taken in decreasing upward rank; each
//! goes to the node where, by the estimates, it would finish earliest given
//! when its inputs can arrive and when the node's cores are expected to be
//! free. The policy learns nothing about the future: it sees finish times as
//! they happen, and corrects a core's expected free time by the observed
//! deviation of every finished task.
//!
//! Adaptive variant ([`OnlineEft::adaptive`]): every finished task teaches a
//! [`SpeedLearner`] how much slower or faster than declared its node really
//! ran, and how much longer than estimated its inputs took to arrive (the
//! network's contention); every later estimate is corrected by what was learned. When a
//! node's learned factor has moved by more than a threshold since the
//! priorities were last computed, the rest of the DAG is re-planned: upward
//! ranks are recomputed with the corrected mean costs (O(n·p + e), which
//! happens only a few times per run since each re-plan resets the reference).
//!
//! Moldable tasks (`moldable=1`, the default): a task that may run on several
//! core counts takes, on each node, each count from its fewest cores to the
//! most it and the node allow, and the (node, cores) pair finishing earliest
//! wins (ties: fewer cores, then the lower node id), as M-HEFT does offline;
//! `moldable=0` keeps every task on its fewest cores (as a real runtime that
//! gives a task one thread does).
//!
//! Complexity: O(p·(k + c·log c + m)) per task, with k its in-degree, c cores
//! per node and m the core counts it may take.
//!
//! Mean transfer times: the upward rank that orders ready tasks uses HEFT's
//! `c̄ = L̄ + data / B̄` (`comm_mean=rate`, the default; `comm_mean=time` for the
//! mean of the transfer times).

use crate::rank;
use crate::speed_learner::SpeedLearner;
use sim::{
    Assignment, CostModel, Decisions, NodeId, Scheduler, SimDuration, SimTime, SimView, TaskId, TaskState, TaskWindow,
    Update,
};

/// Online earliest-finish-time list scheduling.
#[derive(Debug, Clone, Default)]
pub struct OnlineEft {
    /// Upward rank of each task not retired.
    rank: TaskWindow<f64>,
    /// Expected time each core of each node becomes free.
    core_free: Vec<Vec<SimTime>>,
    /// Expected end, node, first core and core count of each assigned task.
    expected: TaskWindow<(SimTime, NodeId, u32, u32)>,
    /// Ready tasks not yet placed (all nodes that could host them were down).
    batch: Vec<TaskId>,
    /// What the adaptive variant learns; `None` for plain online EFT.
    learning: Option<Learning>,
    /// Keep every task on its fewest cores instead of choosing a core count.
    rigid: bool,
}

/// The adaptive variant's state.
#[derive(Debug, Clone)]
struct Learning {
    /// Weight of each new observation in the learner.
    weight: f64,
    /// Relative change of a node's factor that triggers a re-plan.
    replan: f64,
    learner: SpeedLearner,
    /// Each node's learned factor when the ranks were last computed.
    planned_factor: Vec<f64>,
    /// When each task was assigned, and the estimated seconds its slowest
    /// remote input would take to arrive then (0 without remote inputs).
    sent: TaskWindow<(SimTime, f64)>,
}

impl OnlineEft {
    /// The adaptive variant: learns real node speeds with observation weight
    /// `weight` (0 < weight ≤ 1) and re-plans priorities when a node's factor
    /// moves by more than `replan` (relative) since the last plan.
    pub fn adaptive(weight: f64, replan: f64) -> OnlineEft {
        OnlineEft {
            learning: Some(Learning {
                weight,
                replan,
                learner: SpeedLearner::default(),
                planned_factor: Vec::new(),
                sent: TaskWindow::default(),
            }),
            ..OnlineEft::default()
        }
    }

    /// This policy choosing core counts of moldable tasks (`true`, the
    /// default) or keeping every task on its fewest cores.
    pub fn moldable(self, moldable: bool) -> OnlineEft {
        OnlineEft {
            rigid: !moldable,
            ..self
        }
    }

    /// Estimated seconds of `task` on `cores` cores of `node`: declared,
    /// corrected by what was learned.
    fn estimate(&self, costs: &CostModel<'_>, task: TaskId, node: NodeId, cores: u32) -> SimDuration {
        let declared = costs.exec_time_with(task, node, cores, 0);
        match &self.learning {
            None => declared,
            Some(l) => SimDuration::from_secs_f64(l.learner.corrected(costs.dag(), task, node, declared.as_secs_f64())),
        }
    }

    /// Ranks the tasks that joined the DAG since the last call: all of them
    /// at the start, a job stream's arrived jobs later. The ranks of a job
    /// use only that job's tasks, so no task's priority depends on a job
    /// that has not arrived.
    fn add_tasks(&mut self, view: &SimView<'_>) {
        let costs = view.costs();
        let dag = view.dag();
        match &mut self.learning {
            None => rank::upward_extend(costs, &mut self.rank, |t| costs.mean_exec_secs(t)),
            Some(l) => {
                l.learner.ensure_kinds(dag.kinds().len());
                l.sent.resize(dag.task_count(), (SimTime::ZERO, 0.0));
                let learner = &l.learner;
                rank::upward_extend(costs, &mut self.rank, |t| {
                    let kind = dag.task(t).kind;
                    costs.mean_exec_secs_scaled(t, |n| learner.factor(n, kind))
                });
            }
        }
        self.expected
            .resize(dag.task_count(), (SimTime::ZERO, NodeId::new(0), 0, 1));
    }

    /// Teaches the learner the finished tasks' real durations; re-plans the
    /// priorities if some node turned out to differ enough from the last plan.
    fn learn(&mut self, view: &SimView<'_>, finished: &[TaskId]) {
        let Some(l) = &mut self.learning else { return };
        let costs = view.costs();
        let dag = view.dag();
        let mut moved = false;
        for &task in finished {
            if let TaskState::Done { node, start, end } = view.task_state(task) {
                let (sent_at, estimated) = l.sent[task.index()];
                if let Some(arrived) = view.inputs_arrived(task)
                    && arrived > sent_at
                {
                    l.learner.observe_transfer(estimated, (arrived - sent_at).as_secs_f64());
                }
                let kind = dag.task(task).kind;
                let cores = self.expected[task.index()].3;
                l.learner.observe(
                    node,
                    kind,
                    costs.exec_time_with(task, node, cores, 0).as_secs_f64(),
                    (end - start).as_secs_f64(),
                );
                let factor = l.learner.node_factor(node);
                moved |= (factor / l.planned_factor[node.index()]).ln().abs() > l.replan.ln_1p();
            }
        }
        if moved {
            let learner = &l.learner;
            let first = self.rank.start();
            rank::upward_from(costs, &mut self.rank, first, |t| {
                let kind = dag.task(t).kind;
                costs.mean_exec_secs_scaled(t, |n| learner.factor(n, kind))
            });
            l.planned_factor = view.platform().node_ids().map(|n| l.learner.node_factor(n)).collect();
        }
    }
}

impl Scheduler for OnlineEft {
    fn name(&self) -> &str {
        if self.learning.is_some() {
            "adaptive"
        } else {
            "online-eft"
        }
    }

    fn plan(&mut self, view: &SimView<'_>, _out: &mut Decisions) {
        let n_nodes = view.platform().node_count();
        if let Some(l) = &mut self.learning {
            l.learner = SpeedLearner::new(view.dag(), n_nodes, l.weight);
            l.planned_factor = vec![1.0; n_nodes];
            l.sent.clear();
        }
        self.core_free = view
            .platform()
            .nodes()
            .iter()
            .map(|n| vec![SimTime::ZERO; n.cores as usize])
            .collect();
        self.rank.clear();
        self.expected.clear();
        self.add_tasks(view);
    }

    fn retire(&mut self, before: TaskId) {
        self.rank.retire_before(before.index());
        self.expected.retire_before(before.index());
        if let Some(l) = &mut self.learning {
            l.sent.retire_before(before.index());
        }
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        if !update.arrived.is_empty() {
            self.add_tasks(view);
        }
        let now = view.now();
        for &task in update.finished {
            let (expected_end, planned_node, core, _) = self.expected[task.index()];
            // A failure may have moved the task elsewhere; then there is nothing to correct.
            if let TaskState::Done { node, end, .. } = view.task_state(task)
                && node == planned_node
                && let Some(free) = self.core_free[node.index()].get_mut(core as usize)
            {
                // Shift the core's horizon by how much this task over- or under-ran.
                *free = if end >= expected_end {
                    *free + (end - expected_end)
                } else {
                    SimTime::from_nanos(free.as_nanos().saturating_sub((expected_end - end).as_nanos()))
                };
                *free = (*free).max(now);
            }
        }
        self.learn(view, update.finished);
        // Tasks that found no up node last time wait in the batch for the next update.
        self.batch.extend_from_slice(update.ready);
        let rank = &self.rank;
        self.batch
            .sort_by(|a, b| rank[b.index()].total_cmp(&rank[a.index()]).then(a.cmp(b)));
        self.batch.dedup();
        let mut unplaced = Vec::new();
        for i in 0..self.batch.len() {
            let task = self.batch[i];
            match self.best_node(view, task) {
                Some((node, start, cores, count)) => {
                    let end = start + self.estimate(view.costs(), task, node, count);
                    for &core in &cores {
                        self.core_free[node.index()][core as usize] = end;
                    }
                    self.expected[task.index()] = (end, node, cores[0], count);
                    if let Some(l) = &mut self.learning {
                        l.sent[task.index()] = (now, slowest_remote_input(view, task, node));
                    }
                    out.push(Assignment {
                        task,
                        node,
                        cores: count,
                        dvfs: 0,
                    });
                }
                None => unplaced.push(task),
            }
        }
        self.batch = unplaced;
    }
}

impl OnlineEft {
    /// Node, expected start, the cores of the horizon the task holds (its
    /// memory share may hold more than it runs on) and the cores it runs on,
    /// with the earliest expected finish (ties: fewer cores, then the lower node id).
    fn best_node(&self, view: &SimView<'_>, task: TaskId) -> Option<(NodeId, SimTime, Vec<u32>, u32)> {
        let costs = view.costs();
        let parallelism = view.dag().task(task).parallelism;
        let fewest = parallelism.min_cores as usize;
        // (end, cores, node) as the key, then the start and the cores.
        type Choice = ((SimTime, usize, NodeId), SimTime, Vec<u32>);
        let mut best: Option<Choice> = None;
        for node in view.platform().node_ids() {
            let free = &self.core_free[node.index()];
            if !costs.can_run(task, node) || !view.node_up(node) {
                continue;
            }
            let most = if self.rigid {
                fewest
            } else {
                (parallelism.max_cores as usize).min(free.len())
            };
            let transfer_factor = self.learning.as_ref().map_or(1.0, |l| l.learner.transfer_factor());
            let ready = view.inputs_ready_scaled(task, node, transfer_factor);
            // The cores that free first; on k cores the task starts when the k-th is free.
            let mut order: Vec<(SimTime, u32)> = free.iter().enumerate().map(|(c, &t)| (t, c as u32)).collect();
            order.sort_unstable();
            for k in fewest..=most {
                // The horizon holds the task's memory share too (`CostModel::planned_cores`).
                let lanes = costs.planned_cores(task, node, k as u32) as usize;
                let start = ready.max(order[lanes - 1].0);
                let end = start + self.estimate(costs, task, node, k as u32);
                let key = (end, k, node);
                if best.as_ref().is_none_or(|b| key < b.0) {
                    best = Some((key, start, order[..lanes].iter().map(|&(_, c)| c).collect()));
                }
            }
        }
        best.map(|((_, k, node), start, lanes)| (node, start, lanes, k as u32))
    }
}

/// Estimated seconds for the slowest input of `task` from another node to reach `node`.
fn slowest_remote_input(view: &SimView<'_>, task: TaskId, node: NodeId) -> f64 {
    let dag = view.dag();
    dag.in_edges(task)
        .iter()
        .filter_map(|&e| {
            let edge = dag.edge(e);
            match view.task_state(edge.src) {
                TaskState::Done { node: src, .. } if src != node => Some(view.costs().comm_secs(src, node, edge.bytes)),
                _ => None,
            }
        })
        .fold(0.0, f64::max)
}
