//! The learned job-level policy of job streams (`learned-stream[:MODEL]`).
//!
//! It is a [`JobPolicy`](crate::job_policy::JobPolicy) whose rule is a
//! learned score: whenever cores are free, every job with ready tasks offers
//! its next task (highest upward rank within the job, as every job-level
//! policy orders a job's tasks), and the (task, node) pair with the highest
//! `weights · features` over the nodes with room for it goes next. When the
//! best score is not positive and some task the policy placed is still
//! unfinished (so an event will call it again), it waits instead: it may
//! leave cores idle rather than start a task where it would wait for its
//! data, which no heuristic of [`crate::job_policy`] does.
//!
//! The features ([`STREAM_FEATURES`], all dimensionless) describe the job,
//! the task and the node, and are kept up to date incrementally, so a
//! decision costs O(j · p · k) for j jobs with ready tasks, p nodes with
//! room and in-degree k, with no pass over the active tasks:
//! - the job's DAG, aggregated by message passing when it arrives, in one
//!   reverse topological pass over its edges: the upward rank (the max over
//!   successors: the remaining critical path behind a task) and the *unlocked
//!   work* `u(t) = w̄(t) + Σ_{s ∈ succ(t)} u(s) / indeg(s)` (each task's work
//!   shared among its parents, so the entry tasks' shares sum to the job's
//!   work: the work a task stands in front of);
//! - the job's state, updated at each assignment and completion: remaining
//!   work (the SRPT signal), ready width, cores held against its fair share,
//!   slowdown so far;
//! - the platform and its contention: the estimated finish and the data
//!   wait on the node, its speed and free cores, and the transfer time into
//!   the node (and into all nodes) of the tasks placed but not started,
//!   which wait for their inputs: on a shared network these transfers share
//!   the node's link, which the cost model's estimates ignore.
//!
//! Why a linear model: the scores are compared within one decision, so a
//! linear function of well-chosen aggregates already expresses SRPT, fair
//! share, EFT placement and delay scheduling and their mixtures; it is
//! evaluated in nanoseconds and trained by evolution strategies in the
//! simulator within minutes (`experiments::learning::train`). Decima's graph
//! network (Mao et al., SIGCOMM 2019) learns its aggregations; here they are
//! fixed (rank: max, unlocked work: a sum shared among parents), which keeps
//! this crate free of a neural-network dependency (burn or candle would
//! triple CI's build time) and the model file a readable weight vector.

use crate::job_policy::JobPolicy;
use sim::{NodeId, SimView, TaskId, TaskState, TaskWindow};

/// Names of the features, in the order of a model's weights.
pub const STREAM_FEATURES: [&str; 14] = [
    "bias",
    "job_remaining_work",
    "job_critical_path",
    "job_ready_width",
    "job_core_share",
    "job_slowdown_so_far",
    "task_unlocked_share",
    "task_rank_share",
    "node_eft",
    "node_data_wait",
    "node_inbound_backlog",
    "network_backlog",
    "node_speed",
    "node_free_cores",
];

/// Number of features.
pub const N_FEATURES: usize = STREAM_FEATURES.len();

/// One feature vector.
pub type StreamFeatures = [f64; N_FEATURES];

/// The weights training starts from: place whenever possible (bias), the
/// job with the least remaining work first (SRPT) at the earliest finish.
pub const INITIAL_WEIGHTS: StreamFeatures = [10.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0];

/// What the policy knows of a job, for its features.
#[derive(Clone, Copy, Debug)]
pub(crate) struct JobView {
    /// Mean execution seconds of its tasks not yet assigned.
    pub remaining_work: f64,
    /// Cores its assigned, unfinished tasks hold.
    pub cores_held: u32,
    /// Ready, unassigned tasks.
    pub ready: usize,
    /// Arrival, seconds.
    pub arrival: f64,
    /// Its time alone on the platform (seconds, > 0).
    pub lower_bound: f64,
}

/// Stream-wide quantities the features are relative to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Totals {
    /// Mean remaining work over the jobs with unassigned tasks.
    pub mean_remaining: f64,
    /// Jobs with unassigned tasks.
    pub active_jobs: usize,
    /// Cores of the platform.
    pub cores: u32,
}

/// The learned score and the graph and contention state its features read.
#[derive(Clone, Debug)]
pub(crate) struct Scorer {
    weights: StreamFeatures,
    /// Unlocked work of every task not retired (see the module docs).
    unlocked: TaskWindow<f64>,
    /// Work of every task's job (tasks not retired).
    job_work: TaskWindow<f64>,
    /// Largest upward rank of every task's job (its critical path at arrival; tasks not retired).
    job_rank: TaskWindow<f64>,
    /// Sum of the lower bounds of the jobs seen, and their count.
    lower_bounds: (f64, usize),
    /// Placed tasks not yet started: (task, node, estimated transfer seconds
    /// into the node); a task that started may stay until the next refresh.
    waiting: Vec<(TaskId, NodeId, f64)>,
    /// The first task not retired.
    retired_before: usize,
    /// Per node: the estimated transfer seconds of `waiting` into it.
    inbound: Vec<f64>,
}

impl Scorer {
    /// A scorer with `weights` (one per [`STREAM_FEATURES`]).
    pub(crate) fn new(weights: StreamFeatures) -> Scorer {
        Scorer {
            weights,
            unlocked: TaskWindow::default(),
            job_work: TaskWindow::default(),
            job_rank: TaskWindow::default(),
            lower_bounds: (0.0, 0),
            waiting: Vec::new(),
            retired_before: 0,
            inbound: Vec::new(),
        }
    }

    /// Forgets every job (a new run).
    pub(crate) fn reset(&mut self, view: &SimView<'_>) {
        *self = Scorer::new(self.weights);
        self.inbound = vec![0.0; view.platform().node_count()];
    }

    /// Aggregates the DAGs of the tasks that joined from `first` on, one job
    /// (or the single DAG) at a time: O(tasks + edges) of the new jobs.
    pub(crate) fn add_tasks(
        &mut self,
        view: &SimView<'_>,
        first: usize,
        rank: &TaskWindow<f64>,
        mean_exec: &TaskWindow<f64>,
    ) {
        let dag = view.dag();
        let n = dag.task_count();
        unlocked_work(dag, mean_exec, &mut self.unlocked);
        let mut start = first;
        while start < n {
            let job = view.job_of(TaskId::new(start)).and_then(|j| view.job(j));
            let end = job.map_or(n, |j| j.first_task.index() + j.n_tasks as usize).min(n);
            let work: f64 = mean_exec.live_from(start)[..end - start].iter().sum();
            let top = rank.live_from(start)[..end - start].iter().copied().fold(0.0, f64::max);
            self.job_work.resize(end, work);
            self.job_rank.resize(end, top);
            let lower_bound = job.map_or(top, |j| j.lower_bound);
            self.lower_bounds.0 += lower_bound;
            self.lower_bounds.1 += 1;
            start = end.max(start + 1);
        }
    }

    /// Drops the placed tasks that have started (their inputs are in):
    /// O(placed tasks), which the policy bounds by the platform's cores.
    pub(crate) fn refresh(&mut self, view: &SimView<'_>) {
        let inbound = &mut self.inbound;
        let retired_before = self.retired_before;
        self.waiting.retain(|&(task, node, secs)| {
            // A retired task is done, and the run no longer answers for it.
            let waits = task.index() >= retired_before && matches!(view.task_state(task), TaskState::Queued { .. });
            if !waits {
                inbound[node.index()] -= secs;
            }
            waits
        });
        if self.waiting.is_empty() {
            // Exact zero, whatever the rounding of the sums.
            inbound.iter_mut().for_each(|x| *x = 0.0);
        }
    }

    /// The tasks below `before` are retired (see [`sim::Scheduler::retire`]).
    /// Those still in `waiting` leave it at the next refresh, in order, as
    /// started tasks do: the backlog sums stay bit for bit as without retirement.
    pub(crate) fn retire(&mut self, before: usize) {
        self.retired_before = before;
        self.unlocked.retire_before(before);
        self.job_work.retire_before(before);
        self.job_rank.retire_before(before);
    }

    /// `task` goes to `node`: its transfers join the node's backlog.
    pub(crate) fn placed(&mut self, view: &SimView<'_>, task: TaskId, node: NodeId) {
        let secs = inputs(view, task, node).1;
        if secs > 0.0 {
            self.inbound[node.index()] += secs;
            self.waiting.push((task, node, secs));
        }
    }

    /// The score of a feature vector.
    pub(crate) fn score(&self, features: &StreamFeatures) -> f64 {
        features.iter().zip(&self.weights).map(|(x, w)| x * w).sum()
    }

    /// The features of `task` (of `job`) on `node`; `free` is the node's free cores.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn features(
        &self,
        view: &SimView<'_>,
        job: &JobView,
        totals: &Totals,
        task: TaskId,
        rank: f64,
        mean_exec: f64,
        node: NodeId,
        free: u32,
    ) -> StreamFeatures {
        let costs = view.costs();
        let now = view.now().as_secs_f64();
        let unit = mean_exec.max(1e-9);
        let (ready_at, transfer) = inputs(view, task, node);
        let exec = costs.exec_time(task, node).as_secs_f64();
        let data_wait = (ready_at - now).max(0.0);
        let mean_lower_bound = self.lower_bounds.0 / self.lower_bounds.1.max(1) as f64;
        let ratio = |a: f64, b: f64| if a > 0.0 && b > 0.0 { (a / b).ln() } else { 0.0 };
        let share = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        let cores = view.platform().node(node).cores;
        let total_inbound: f64 = self.inbound.iter().sum();
        [
            1.0,
            ratio(job.remaining_work, totals.mean_remaining),
            ratio(rank, mean_lower_bound),
            (1.0 + job.ready as f64).ln(),
            share(
                f64::from(job.cores_held) * totals.active_jobs as f64,
                f64::from(totals.cores),
            ),
            (1.0 + share(now - job.arrival, job.lower_bound)).ln(),
            share(self.unlocked[task.index()], self.job_work[task.index()]),
            share(rank, self.job_rank[task.index()]),
            (1.0 + (data_wait + exec) / unit).ln(),
            (1.0 + data_wait / unit).ln(),
            (1.0 + (self.inbound[node.index()] + transfer) / unit).ln(),
            (1.0 + total_inbound / self.inbound.len().max(1) as f64 / unit).ln(),
            ratio(mean_exec, exec),
            share(f64::from(free), f64::from(cores)),
        ]
    }
}

/// Extends `unlocked` to every task of `dag` by message passing from the
/// exits back, over the tasks it does not cover yet (which come last in
/// topological order, as a stream appends them): `u(t) = w̄(t) + Σ_{s ∈
/// succ(t)} u(s) / indeg(s)`. O(tasks + edges) of the new tasks.
pub fn unlocked_work(dag: &sim::Dag, mean_exec: &TaskWindow<f64>, unlocked: &mut TaskWindow<f64>) {
    let first = unlocked.len();
    unlocked.resize(dag.task_count(), 0.0);
    for &t in dag.topological_order_from(TaskId::new(first)).iter().rev() {
        let shares: f64 = dag
            .successors(t)
            .map(|s| unlocked[s.index()] / dag.in_edges(s).len().max(1) as f64)
            .sum();
        unlocked[t.index()] = mean_exec[t.index()] + shares;
    }
}

/// When `task`'s inputs could all be on `node` by the estimates (seconds,
/// not before now) and the estimated seconds of the transfers that needs:
/// one pass over its in-edges, whose producers have all finished.
fn inputs(view: &SimView<'_>, task: TaskId, node: NodeId) -> (f64, f64) {
    let dag = view.dag();
    let costs = view.costs();
    let mut ready = view.now();
    let mut secs = 0.0;
    for &e in dag.in_edges(task) {
        let edge = dag.edge(e);
        if let TaskState::Done { node: src, end, .. } = view.task_state(edge.src) {
            let transfer = costs.comm_secs(src, node, edge.bytes);
            secs += transfer;
            ready = ready.max(end + sim::SimDuration::from_secs_f64(transfer));
        }
    }
    (ready.as_secs_f64(), secs)
}

/// The learned policy with `weights` (one per [`STREAM_FEATURES`]); what
/// `learned-stream:MODEL` builds, and what training evaluates its candidate
/// weights with.
pub fn policy(weights: StreamFeatures) -> JobPolicy {
    JobPolicy::learned(Scorer::new(weights))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlocked_work_shares_each_task_among_its_parents() {
        //   a        a: 1 + 2.5 + 2.5 = 6, the work of the whole DAG
        //  / \       b, c: 1 + 3/2 = 2.5 (d's 3 split between them)
        // b   c      d: 1 + 2 = 3
        //  \ /       e: 2 (exit)
        //   d - e
        let mut b = sim::DagBuilder::new();
        let ids: Vec<TaskId> = ["a", "b", "c", "d"]
            .iter()
            .map(|n| b.add_task(sim::TaskSpec::new(*n, 1.0)))
            .collect();
        let e = b.add_task(sim::TaskSpec::new("e", 2.0));
        for (src, dst) in [(0, 1), (0, 2), (1, 3), (2, 3)] {
            b.add_edge(ids[src], ids[dst], 0.0);
        }
        b.add_edge(ids[3], e, 0.0);
        let dag = b.build().unwrap();
        let window = |values: &[f64]| {
            let mut w = TaskWindow::default();
            values.iter().for_each(|&v| w.push(v));
            w
        };
        let mut unlocked = TaskWindow::default();
        unlocked_work(&dag, &window(&[1.0, 1.0, 1.0, 1.0, 2.0]), &mut unlocked);
        assert_eq!(unlocked.into_live(), [6.0, 2.5, 2.5, 3.0, 2.0]);
        // Already covered tasks are kept; nothing is recomputed.
        let mut partial = window(&[-1.0; 5]);
        unlocked_work(&dag, &window(&[1.0; 5]), &mut partial);
        assert_eq!(partial.into_live(), [-1.0; 5]);
    }
}
