//! Job-level policies for job streams: which job's ready task starts next.
//!
//! Online, non-preemptive at task granularity: whenever cores are free, the
//! policy picks a job among those with ready tasks, and that job's ready
//! task of highest upward rank (its critical-path-first order, computed
//! within the job when it arrives) goes to a node with free cores. A task is
//! handed to the engine only when a node has room for it (see
//! [`crate::capacity`]), so the policy, not the nodes' queues, decides the
//! order; a running task is never interrupted. Placement among the nodes
//! with room is the task policy `place=`: `eft` (default: the earliest
//! estimated finish, counting the transfers of its inputs, as online EFT
//! places) or `first` (the lowest-id node with room, as Spark and Dask hand
//! a free executor the next task).
//!
//! The policies, each by its source:
//! - `job-fifo`: jobs in order of arrival (the FIFO scheduler of Hadoop and
//!   Spark; Zaharia et al., EuroSys 2010, as the baseline of delay scheduling).
//! - `sjf-cp`: the job with the shortest critical path first (the
//!   "shortest-job-first by critical path" baseline of Decima, Mao et al.,
//!   SIGCOMM 2019, §7.1).
//! - `srpt`: the job with the least remaining work first: the sum, over its
//!   tasks not yet started, of their mean execution time (shortest remaining
//!   processing time; Schrage 1968, optimal for mean response time on one
//!   machine with preemption; here non-preemptive between tasks).
//! - `fair`: the job holding the fewest cores first, so each active job
//!   tends to an equal share (Hadoop's and Spark's fair scheduler; Zaharia
//!   et al. 2010); ties by arrival.
//! - `weighted-fair`: the job with the fewest cores per unit of weight first
//!   (weighted fair sharing, Demers, Keshav, Shenker, SIGCOMM 1989).
//! - `tetris`: packing (Grandl et al., SIGCOMM 2014): each job's next task
//!   is scored by the alignment of its demand with a node's free resources
//!   (cores needed × free cores, both as fractions of the node's cores: the
//!   dot product of Tetris with the one resource schedlab models), and the
//!   best-aligned (task, node) pair is placed, ties by least remaining work
//!   (Tetris' SRPT term); with one-core tasks on equal nodes it is SRPT
//!   placing on the emptiest node.
//! - `edf`: the job with the earliest deadline first (Liu and Layland,
//!   JACM 1973); jobs without a deadline go last, by arrival.
//! - `learned-stream`: the (job, node) pair with the highest learned score
//!   (see [`crate::learned::stream`]), which may also wait.
//!
//! Complexity: O(j + p) per decision, with j the jobs that have ready tasks
//! and p the nodes, and O(log k) per ready task of a job.
//!
//! Memory: per-task and per-job state is kept in [`TaskWindow`]s, which
//! drop the tasks and jobs a stream retires ([`Scheduler::retire`]; jobs
//! retire in arrival order, so their ids form a prefix too).

use crate::capacity::Capacity;
use crate::learned::stream::{JobView, Scorer, Totals};
use crate::rank;
use sim::{Decisions, JobId, NodeId, Scheduler, SimTime, SimView, TaskId, TaskWindow, Update};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// Which job goes next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Earliest arrival.
    JobFifo,
    /// Shortest critical path.
    ShortestCriticalPath,
    /// Least remaining work.
    Srpt,
    /// Fewest cores held.
    Fair,
    /// Fewest cores held per unit of weight.
    WeightedFair,
    /// Best alignment of demand and free cores, then least remaining work.
    Tetris,
    /// Earliest deadline.
    Edf,
    /// The highest learned score of a (job, node) pair.
    Learned,
}

impl Rule {
    /// The registry name of the policy.
    pub fn name(self) -> &'static str {
        match self {
            Rule::JobFifo => "job-fifo",
            Rule::ShortestCriticalPath => "sjf-cp",
            Rule::Srpt => "srpt",
            Rule::Fair => "fair",
            Rule::WeightedFair => "weighted-fair",
            Rule::Tetris => "tetris",
            Rule::Edf => "edf",
            Rule::Learned => "learned-stream",
        }
    }
}

/// Where a chosen task goes among the nodes with room for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Earliest estimated finish, inputs' transfers included.
    Eft,
    /// The lowest-id node with room.
    First,
}

/// What the policy tracks of one job.
#[derive(Clone, Debug)]
struct ActiveJob {
    /// One past its last task id: the job is retired once every task below it is.
    tasks_end: usize,
    /// Ready, unassigned tasks by highest rank, then lowest id.
    ready: BinaryHeap<(u64, Reverse<TaskId>)>,
    /// Cores its assigned, unfinished tasks hold.
    cores_held: u32,
    /// Mean execution seconds of its tasks not yet assigned.
    remaining_work: f64,
    /// Its tasks not yet assigned.
    unassigned: usize,
}

/// A job-level policy (see the module docs).
#[derive(Clone, Debug)]
pub struct JobPolicy {
    rule: Rule,
    place: Place,
    /// Upward rank of every task not retired, within its job.
    rank: TaskWindow<f64>,
    /// Mean execution seconds of every task not retired.
    mean_exec: TaskWindow<f64>,
    /// Every job not retired, indexed by job id.
    jobs: TaskWindow<ActiveJob>,
    /// Jobs with ready tasks.
    with_ready: Vec<JobId>,
    capacity: Capacity,
    /// Sum of `remaining_work` over the jobs, and the jobs with unassigned tasks.
    remaining: (f64, usize),
    /// The learned rule's score and state.
    scorer: Option<Box<Scorer>>,
}

impl JobPolicy {
    /// The policy `rule`, placing by `place`.
    pub fn new(rule: Rule, place: Place) -> JobPolicy {
        JobPolicy {
            rule,
            place,
            rank: TaskWindow::default(),
            mean_exec: TaskWindow::default(),
            jobs: TaskWindow::default(),
            with_ready: Vec::new(),
            capacity: Capacity::default(),
            remaining: (0.0, 0),
            scorer: None,
        }
    }

    /// The learned policy scoring with `scorer` (built by [`crate::learned::stream::policy`]).
    pub(crate) fn learned(scorer: Scorer) -> JobPolicy {
        JobPolicy {
            scorer: Some(Box::new(scorer)),
            ..JobPolicy::new(Rule::Learned, Place::Eft)
        }
    }

    /// Ranks the tasks that joined the DAG and opens their jobs. A single
    /// DAG (no stream) counts as one job.
    fn add_tasks(&mut self, view: &SimView<'_>) {
        let costs = view.costs();
        let first = self.mean_exec.len();
        rank::upward_extend(costs, &mut self.rank, |t| costs.mean_exec_secs(t));
        for t in first..view.dag().task_count() {
            self.mean_exec.push(costs.mean_exec_secs(TaskId::new(t)));
        }
        let n_jobs = self.job_count(view);
        while self.jobs.len() < n_jobs {
            let id = JobId::new(self.jobs.len());
            let (work, n_tasks, tasks_end) = match view.job(id) {
                Some(job) => (
                    job.tasks().map(|t| self.mean_exec[t.index()]).sum(),
                    job.n_tasks as usize,
                    job.first_task.index() + job.n_tasks as usize,
                ),
                // The one DAG of a run that is no stream: nothing is retired.
                None => (
                    self.mean_exec.live_from(0).iter().sum(),
                    self.mean_exec.len(),
                    self.mean_exec.len(),
                ),
            };
            self.remaining.0 += work;
            self.remaining.1 += usize::from(n_tasks > 0);
            self.jobs.push(ActiveJob {
                tasks_end,
                ready: BinaryHeap::new(),
                cores_held: 0,
                remaining_work: work,
                unassigned: n_tasks,
            });
        }
        if let Some(scorer) = &mut self.scorer {
            scorer.add_tasks(view, first, &self.rank, &self.mean_exec);
        }
    }

    /// Jobs known so far: the stream's arrived jobs, or the one DAG.
    fn job_count(&self, view: &SimView<'_>) -> usize {
        let n_tasks = view.dag().task_count();
        match n_tasks.checked_sub(1).and_then(|t| view.job_of(TaskId::new(t))) {
            Some(last) => last.index() + 1,
            None => usize::from(n_tasks > 0),
        }
    }

    fn job_of(view: &SimView<'_>, task: TaskId) -> JobId {
        view.job_of(task).unwrap_or(JobId::new(0))
    }

    /// The job that goes next by the rule among those with ready tasks
    /// (skipping `blocked`), with the node for its next task.
    fn pick(&self, view: &SimView<'_>, blocked: &[JobId]) -> Option<(JobId, NodeId)> {
        let candidates = self.with_ready.iter().copied().filter(|j| !blocked.contains(j));
        if let Some(scorer) = &self.scorer {
            return self.pick_scored(view, scorer, candidates);
        }
        if self.rule == Rule::Tetris {
            return self.pick_packing(view, candidates);
        }
        let job = candidates.min_by(|&a, &b| self.compare(view, a, b))?;
        let (_, Reverse(task)) = *self.jobs[job.index()].ready.peek()?;
        Some((job, self.node_for(view, task)?))
    }

    /// Orders two jobs by the rule (less goes first); ties by job id, i.e. arrival.
    fn compare(&self, view: &SimView<'_>, a: JobId, b: JobId) -> Ordering {
        let (ja, jb) = (&self.jobs[a.index()], &self.jobs[b.index()]);
        let info = |j: JobId| view.job(j);
        let by = match self.rule {
            Rule::JobFifo | Rule::Tetris | Rule::Learned => Ordering::Equal,
            Rule::ShortestCriticalPath => {
                let cp = |j| info(j).map_or(0.0, |i| i.lower_bound);
                cp(a).total_cmp(&cp(b))
            }
            Rule::Srpt => ja.remaining_work.total_cmp(&jb.remaining_work),
            Rule::Fair => ja.cores_held.cmp(&jb.cores_held),
            Rule::WeightedFair => {
                let share = |j: JobId, held: u32| f64::from(held) / info(j).map_or(1.0, |i| i.weight);
                share(a, ja.cores_held).total_cmp(&share(b, jb.cores_held))
            }
            Rule::Edf => {
                let deadline = |j| {
                    info(j)
                        .and_then(|i| i.deadline)
                        .unwrap_or(SimTime::from_nanos(u64::MAX))
                };
                deadline(a).cmp(&deadline(b))
            }
        };
        by.then(a.cmp(&b))
    }

    /// Tetris: the (job, node) pair whose next task's core demand best
    /// aligns with the node's free cores; ties by least remaining work, then arrival.
    fn pick_packing(&self, view: &SimView<'_>, candidates: impl Iterator<Item = JobId>) -> Option<(JobId, NodeId)> {
        let platform = view.platform();
        let mut best: Option<(f64, f64, JobId, NodeId)> = None;
        for job in candidates {
            let Some(&(_, Reverse(task))) = self.jobs[job.index()].ready.peek() else {
                continue;
            };
            let cores = view.dag().task(task).parallelism.min_cores;
            for node in self.capacity.fitting(view.costs(), task).filter(|&n| view.node_up(n)) {
                let size = f64::from(platform.node(node).cores);
                let alignment = f64::from(cores) / size * f64::from(self.capacity.free(node)) / size;
                let remaining = self.jobs[job.index()].remaining_work;
                let better = best.is_none_or(|(a, r, _, _)| {
                    alignment.total_cmp(&a).then(r.total_cmp(&remaining)) == Ordering::Greater
                });
                if better {
                    best = Some((alignment, remaining, job, node));
                }
            }
        }
        best.map(|(_, _, job, node)| (job, node))
    }

    /// The learned rule: the (job, node) pair whose job's next task scores
    /// highest on the node (ties: the first job with ready tasks, then the
    /// lowest node id), or none if the best score is not positive and a task
    /// placed earlier is unfinished (the policy waits for it to finish).
    fn pick_scored(
        &self,
        view: &SimView<'_>,
        scorer: &Scorer,
        candidates: impl Iterator<Item = JobId>,
    ) -> Option<(JobId, NodeId)> {
        let totals = Totals {
            mean_remaining: self.remaining.0 / self.remaining.1.max(1) as f64,
            active_jobs: self.remaining.1,
            cores: view.platform().nodes().iter().map(|n| n.cores).sum(),
        };
        let mut best: Option<(f64, JobId, NodeId)> = None;
        for job in candidates {
            let active = &self.jobs[job.index()];
            let Some(&(_, Reverse(task))) = active.ready.peek() else {
                continue;
            };
            let info = view.job(job);
            let state = JobView {
                remaining_work: active.remaining_work,
                cores_held: active.cores_held,
                ready: active.ready.len(),
                arrival: info.map_or(0.0, |i| i.arrival.as_secs_f64()),
                lower_bound: info.map_or(1.0, |i| i.lower_bound.max(1e-9)),
            };
            for node in self.capacity.fitting(view.costs(), task).filter(|&n| view.node_up(n)) {
                let features = scorer.features(
                    view,
                    &state,
                    &totals,
                    task,
                    self.rank[task.index()],
                    self.mean_exec[task.index()],
                    node,
                    self.capacity.free(node),
                );
                let score = scorer.score(&features);
                if best.is_none_or(|(b, _, _)| score > b) {
                    best = Some((score, job, node));
                }
            }
        }
        let waiting_for_some = self.capacity.holds_any();
        best.filter(|&(score, _, _)| score > 0.0 || !waiting_for_some)
            .map(|(_, job, node)| (job, node))
    }

    /// The node with room for `task` by the placement policy, if any.
    fn node_for(&self, view: &SimView<'_>, task: TaskId) -> Option<NodeId> {
        let mut fitting = self.capacity.fitting(view.costs(), task).filter(|&n| view.node_up(n));
        match self.place {
            Place::First => fitting.next(),
            Place::Eft => fitting.min_by_key(|&n| (view.inputs_ready(task, n) + view.costs().exec_time(task, n), n)),
        }
    }
}

impl Scheduler for JobPolicy {
    fn name(&self) -> &str {
        self.rule.name()
    }

    fn plan(&mut self, view: &SimView<'_>, _out: &mut Decisions) {
        self.rank.clear();
        self.mean_exec.clear();
        self.jobs.clear();
        self.with_ready.clear();
        self.capacity = Capacity::new(view.costs());
        self.remaining = (0.0, 0);
        if let Some(scorer) = &mut self.scorer {
            scorer.reset(view);
        }
        self.add_tasks(view);
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        if !update.arrived.is_empty() {
            self.add_tasks(view);
        }
        let dag = view.dag();
        // Runs lost to a node failure release their cores like finished ones.
        for &task in update.finished.iter().chain(update.lost) {
            let job = &mut self.jobs[Self::job_of(view, task).index()];
            if self.capacity.holds(task) {
                job.cores_held -= dag.task(task).parallelism.min_cores;
            }
            self.capacity.finish(task);
        }
        for &task in update.lost {
            let job = &mut self.jobs[Self::job_of(view, task).index()];
            job.remaining_work += self.mean_exec[task.index()];
            self.remaining.0 += self.mean_exec[task.index()];
            self.remaining.1 += usize::from(job.unassigned == 0);
            job.unassigned += 1;
        }
        if let Some(scorer) = &mut self.scorer {
            scorer.refresh(view);
        }
        for &task in update.ready {
            let job = Self::job_of(view, task);
            let active = &mut self.jobs[job.index()];
            if active.ready.is_empty() {
                self.with_ready.push(job);
            }
            // Ranks are non-negative, so their bits order as they do.
            active
                .ready
                .push((self.rank[task.index()].max(0.0).to_bits(), Reverse(task)));
        }
        // Jobs whose next task fits on no node with room now.
        let mut blocked = Vec::new();
        while self.capacity.any_free() {
            let Some((job, node)) = self.pick(view, &blocked) else {
                // The best job's next task fits nowhere: let the others go.
                match self
                    .with_ready
                    .iter()
                    .copied()
                    .filter(|j| !blocked.contains(j))
                    .min_by(|&a, &b| self.compare(view, a, b))
                {
                    Some(job) if !matches!(self.rule, Rule::Tetris | Rule::Learned) => {
                        blocked.push(job);
                        continue;
                    }
                    _ => break,
                }
            };
            let active = &mut self.jobs[job.index()];
            let Some((_, Reverse(task))) = active.ready.pop() else {
                break;
            };
            let cores = dag.task(task).parallelism.min_cores;
            active.cores_held += cores;
            active.remaining_work -= self.mean_exec[task.index()];
            active.unassigned -= 1;
            self.remaining.0 = (self.remaining.0 - self.mean_exec[task.index()]).max(0.0);
            if active.unassigned == 0 {
                self.remaining.1 -= 1;
            }
            if active.ready.is_empty() {
                self.with_ready.retain(|&j| j != job);
            }
            self.capacity.take(view.costs(), task, node, cores);
            if let Some(scorer) = &mut self.scorer {
                scorer.placed(view, task, node);
            }
            out.assign(view, task, node);
        }
    }

    fn retire(&mut self, before: TaskId) {
        let before = before.index();
        self.rank.retire_before(before);
        self.mean_exec.retire_before(before);
        let mut first_job = self.jobs.start();
        while first_job < self.jobs.len() && self.jobs[first_job].tasks_end <= before {
            first_job += 1;
        }
        self.jobs.retire_before(first_job);
        self.capacity.retire(TaskId::new(before));
        if let Some(scorer) = &mut self.scorer {
            scorer.retire(before);
        }
    }
}
