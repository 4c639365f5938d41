//! Estimated execution and communication times: the one formula both the
//! engine and every scheduler use.
//!
//! A [`CostModel`] binds a DAG to a platform. It precomputes each node's
//! effective speed per task kind so that [`CostModel::exec_time`] is a few
//! multiplications, called millions of times by schedulers on large DAGs.

use crate::dag::Dag;
use crate::ids::{NodeId, TaskId};
use crate::platform::Platform;
use crate::time::{SimDuration, SimTime};
use std::sync::Arc;
use thiserror::Error;

/// Why a DAG cannot run on a platform.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum BindError {
    /// Explicit per-node costs do not match the platform.
    #[error("the DAG gives explicit costs for {dag} nodes but the platform {platform:?} has {nodes}")]
    NodeCostCount {
        /// Costs per task.
        dag: usize,
        /// Platform name.
        platform: String,
        /// Platform node count.
        nodes: usize,
    },
    /// A task needs more cores than any node has.
    #[error("task {task:?} needs at least {cores} cores but no node of {platform:?} has that many")]
    TooFewCores {
        /// Task name.
        task: String,
        /// Cores needed.
        cores: u32,
        /// Platform name.
        platform: String,
    },
    /// A task needs more memory than any node has.
    #[error("task {task:?} needs {bytes} bytes of memory but the most any node of {platform:?} has is {largest} bytes")]
    TooMuchMemory {
        /// Task name.
        task: String,
        /// The task's `memory_bytes`.
        bytes: u64,
        /// The largest node memory.
        largest: u64,
        /// Platform name.
        platform: String,
    },
    /// A task requires a label no node carries.
    #[error("task {task:?} requires label {label:?}, which no node of {platform:?} has (its labels: {known:?})")]
    UnknownLabel {
        /// Task name.
        task: String,
        /// The label.
        label: String,
        /// Platform name.
        platform: String,
        /// The labels the platform's nodes carry.
        known: Vec<String>,
    },
    /// No single node has the task's cores, memory and labels together.
    #[error(
        "task {task:?} fits no node of {platform:?}: none has {cores} cores, {bytes} bytes of memory and the labels {labels:?} together"
    )]
    NoFittingNode {
        /// Task name.
        task: String,
        /// Cores needed.
        cores: u32,
        /// Memory needed, bytes.
        bytes: u64,
        /// Labels required.
        labels: Vec<String>,
        /// Platform name.
        platform: String,
    },
}

/// Which mean transfer time stands for an edge whose endpoints are not yet
/// placed (the `c̄` of HEFT's ranks), where the network's links differ.
///
/// On links of one bandwidth all three agree up to [`CommMean::SagaLinks`]'s
/// self links. Selected by a scheduler's `comm_mean=` parameter or `compat=saga`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CommMean {
    /// `c̄ = L̄ + data / B̄`, with `L̄` the mean latency and `B̄` the mean
    /// bandwidth ("average transfer rate") over ordered pairs of distinct
    /// nodes: the definition of Topcuoglu et al. 2002 (HEFT, CPOP) and of
    /// Arabnejad & Barbosa 2014 (PEFT).
    #[default]
    Rate,
    /// The mean over ordered pairs of distinct nodes of `L + data / B`, i.e.
    /// data over the harmonic mean of the bandwidths: the mean of the transfer
    /// times rather than the time at the mean rate.
    Time,
    /// SAGA 2.1.0's: the mean of `data / B` over the links of an undirected
    /// network with a self link per node, the `n` self links counting as free:
    /// [`CommMean::Time`] × (n − 1) / (n + 1).
    SagaLinks,
}

impl CommMean {
    /// The parameter value that names this definition (`rate`, `time`, `saga-links`).
    pub fn name(self) -> &'static str {
        match self {
            CommMean::Rate => "rate",
            CommMean::Time => "time",
            CommMean::SagaLinks => "saga-links",
        }
    }

    /// The definition named `name`, as [`CommMean::name`] spells it.
    pub fn from_name(name: &str) -> Option<CommMean> {
        [CommMean::Rate, CommMean::Time, CommMean::SagaLinks]
            .into_iter()
            .find(|m| m.name() == name)
    }
}

/// Estimates of task and transfer times for one DAG on one platform.
#[derive(Clone, Debug)]
pub struct CostModel<'a> {
    dag: &'a Dag,
    platform: &'a Platform,
    tables: CostTables,
    /// What [`CostModel::mean_comm_secs`] computes.
    comm_mean: CommMean,
    /// Per node, per core: when earlier work frees it (see [`CostModel::with_cores_free_at`]).
    cores_free_at: Option<Arc<[Box<[SimTime]>]>>,
    /// Whether plans hold memory over time ([`CostModel::planned_cores`]);
    /// see [`CostModel::without_memory_in_plans`].
    memory_in_plans: bool,
}

/// What a [`CostModel`] precomputes from its DAG and platform, kept apart
/// from the borrows so that a run whose DAG grows (a job stream) can rebind
/// it to the grown DAG in time proportional to what was added
/// ([`CostModel::into_tables`], [`CostModel::extended`]).
#[derive(Clone, Debug)]
pub struct CostTables {
    /// Effective core speed, row-major `[kind][node]`.
    kind_node_speed: Vec<f64>,
    /// Mean latency over ordered pairs of distinct nodes, seconds.
    mean_latency: f64,
    /// Mean inverse bandwidth over ordered pairs of distinct nodes, s/byte.
    mean_inv_bandwidth: f64,
    /// Seconds each task spends staging its inputs in through the workflow
    /// system's shared storage (empty when the platform stages nothing).
    staging_secs: Vec<f64>,
    /// Mean bandwidth over ordered pairs of distinct nodes, bytes/s.
    mean_bandwidth: f64,
    /// Per task, the labels it requires as bits over [`Platform::labels`]
    /// (empty while no task requires any).
    task_labels: Vec<u64>,
    /// Whether some task declares memory on a platform with limited memory:
    /// only then does memory restrict where and when a task runs.
    memory_bound: bool,
}

/// Checks that each of `tasks` fits some node of `platform` (cores, memory
/// and labels together); a [`BindError`] naming the first that does not.
/// Nodes of one class have equal fields, so one node per class is tried, and
/// only for tasks with memory or labels. Returns the tasks' required labels
/// as bits over [`Platform::labels`], or nothing when none requires a label.
fn check_fit(tasks: &[crate::dag::Task], platform: &Platform) -> Result<Vec<u64>, BindError> {
    let mut task_labels = Vec::new();
    let max_cores = platform.nodes().iter().map(|n| n.cores).max().unwrap_or(0);
    let memory_limits = platform.has_memory_limits();
    let largest_memory = platform
        .nodes()
        .iter()
        .map(|n| n.memory_bytes.unwrap_or(u64::MAX))
        .max()
        .unwrap_or(0);
    for (i, task) in tasks.iter().enumerate() {
        let cores = task.parallelism.min_cores;
        let name = || task.name.clone();
        if cores > max_cores {
            return Err(BindError::TooFewCores {
                task: name(),
                cores,
                platform: platform.name().to_owned(),
            });
        }
        if task.memory_bytes > largest_memory {
            return Err(BindError::TooMuchMemory {
                task: name(),
                bytes: task.memory_bytes,
                largest: largest_memory,
                platform: platform.name().to_owned(),
            });
        }
        let required = label_bits(task, platform)?;
        if required != 0 && task_labels.is_empty() {
            task_labels = vec![0; tasks.len()];
        }
        if let Some(bits) = task_labels.get_mut(i) {
            *bits = required;
        }
        if required == 0 && (task.memory_bytes == 0 || !memory_limits) {
            continue;
        }
        let fits = platform.class_representatives().iter().any(|&n| {
            let node = platform.node(n);
            node.cores >= cores
                && node.memory_bytes.is_none_or(|m| task.memory_bytes <= m)
                && node.label_bits & required == required
        });
        if !fits {
            return Err(BindError::NoFittingNode {
                task: name(),
                cores,
                bytes: task.memory_bytes,
                labels: task.requires.to_vec(),
                platform: platform.name().to_owned(),
            });
        }
    }
    Ok(task_labels)
}

/// The labels `task` requires as bits over `platform`'s labels, or
/// [`BindError::UnknownLabel`] for one no node carries.
fn label_bits(task: &crate::dag::Task, platform: &Platform) -> Result<u64, BindError> {
    let mut bits = 0;
    for label in &task.requires {
        match platform.labels().binary_search(label) {
            Ok(i) => bits |= 1 << i,
            Err(_) => {
                return Err(BindError::UnknownLabel {
                    task: task.name.clone(),
                    label: label.clone(),
                    platform: platform.name().to_owned(),
                    known: platform.labels().to_vec(),
                });
            }
        }
    }
    Ok(bits)
}

impl CostTables {
    /// Adds the speeds of `dag`'s kinds not yet covered, and the staging
    /// time and required labels (`task_labels`, from [`check_fit`]) of its
    /// tasks from `first_task` on.
    fn extend(&mut self, dag: &Dag, platform: &Platform, first_task: usize, task_labels: Vec<u64>) {
        let new_tasks = dag.tasks_from(TaskId::new(first_task));
        self.memory_bound |= platform.has_memory_limits() && new_tasks.iter().any(|t| t.memory_bytes > 0);
        if !task_labels.is_empty() || !self.task_labels.is_empty() {
            self.task_labels.resize(first_task, 0);
            if task_labels.is_empty() {
                self.task_labels.resize(dag.task_count(), 0);
            } else {
                self.task_labels.extend(task_labels);
            }
        }
        let n_nodes = platform.node_count();
        for kind in &dag.kinds()[self.kind_node_speed.len() / n_nodes.max(1)..] {
            for node in platform.nodes() {
                self.kind_node_speed
                    .push(node.speed * node.kind_speed.get(kind).copied().unwrap_or(1.0));
            }
        }
        if let Some(wms) = platform.workflow_system()
            && wms.staging_bandwidth.is_some()
        {
            self.staging_secs.extend(
                (first_task..dag.task_count())
                    .map(TaskId::new)
                    .map(|t| wms.staging_secs(dag.in_edges(t).iter().map(|&e| dag.edge(e).bytes).sum())),
            );
        }
    }
}

/// Tasks [`CostModel::mean_exec_secs_all`] sums side by side.
const MEAN_LANES: usize = 8;

impl<'a> CostModel<'a> {
    /// Binds `dag` to `platform`.
    ///
    /// # Errors
    /// [`BindError`] if explicit costs have the wrong length or a task cannot fit on any node.
    pub fn new(dag: &'a Dag, platform: &'a Platform) -> Result<CostModel<'a>, BindError> {
        if let Some(n) = dag.node_cost_count()
            && n != platform.node_count()
        {
            return Err(BindError::NodeCostCount {
                dag: n,
                platform: platform.name().to_owned(),
                nodes: platform.node_count(),
            });
        }
        let link = mean_link(platform);
        let tables = CostTables {
            kind_node_speed: Vec::with_capacity(dag.kinds().len() * platform.node_count()),
            mean_latency: link.latency,
            mean_inv_bandwidth: link.inv_bandwidth,
            mean_bandwidth: link.bandwidth,
            staging_secs: Vec::new(),
            task_labels: Vec::new(),
            memory_bound: false,
        };
        CostModel::extended(dag, platform, tables, 0)
    }

    /// Gives up the borrows, keeping what was precomputed (see [`CostTables`]).
    pub fn into_tables(self) -> CostTables {
        self.tables
    }

    /// The model of `dag`, which is the DAG `tables` were computed for with
    /// tasks appended from `first_new` on (see [`Dag::append`]): only the new
    /// tasks and kinds are computed.
    ///
    /// # Errors
    /// A [`BindError`] if a new task fits on no node (too many cores, too
    /// much memory, a label no node has).
    pub fn extended(
        dag: &'a Dag,
        platform: &'a Platform,
        mut tables: CostTables,
        first_new: usize,
    ) -> Result<CostModel<'a>, BindError> {
        let task_labels = check_fit(dag.tasks_from(TaskId::new(first_new)), platform)?;
        tables.extend(dag, platform, first_new, task_labels);
        Ok(CostModel {
            dag,
            platform,
            tables,
            comm_mean: CommMean::default(),
            cores_free_at: None,
            memory_in_plans: true,
        })
    }

    /// This model with [`CostModel::mean_comm_secs`] following `comm_mean`
    /// (a scheduler's choice of definition; the engine's estimates per pair of
    /// nodes do not change).
    #[must_use]
    pub fn with_comm_mean(mut self, comm_mean: CommMean) -> CostModel<'a> {
        self.comm_mean = comm_mean;
        self
    }

    /// This model as a planner that does not know memory runs out sees it:
    /// [`CostModel::planned_cores`] is the cores asked for and
    /// [`CostModel::plans_memory`] is false, while [`CostModel::can_run`]
    /// still keeps a task off nodes with less memory than it needs (the
    /// engine still starts a task only where its memory is free). The
    /// baseline of a scheduler's `memory=ignore`.
    #[must_use]
    pub fn without_memory_in_plans(mut self) -> CostModel<'a> {
        self.memory_in_plans = false;
        self
    }

    /// Whether planners should hold memory over time (false under
    /// [`CostModel::without_memory_in_plans`], and where no memory binds).
    pub fn plans_memory(&self) -> bool {
        self.memory_in_plans && self.tables.memory_bound
    }

    /// This model with the platform's cores held by earlier work: core `c`
    /// of node `n` is free from `free_at[n][c]` on (a node with no entry is
    /// free from time 0). A planner plans around them as around its own
    /// reservations: how a job of a stream is planned at its arrival on the
    /// work already placed.
    #[must_use]
    pub fn with_cores_free_at(mut self, free_at: Arc<[Box<[SimTime]>]>) -> CostModel<'a> {
        self.cores_free_at = Some(free_at);
        self
    }

    /// When each core of `node` is free of earlier work (empty: from time 0).
    pub fn cores_free_at(&self, node: NodeId) -> &[SimTime] {
        self.cores_free_at
            .as_ref()
            .and_then(|f| f.get(node.index()))
            .map_or(&[], |c| c)
    }

    /// The definition [`CostModel::mean_comm_secs`] follows.
    pub fn comm_mean(&self) -> CommMean {
        self.comm_mean
    }

    /// The DAG.
    pub fn dag(&self) -> &'a Dag {
        self.dag
    }

    /// The platform.
    pub fn platform(&self) -> &'a Platform {
        self.platform
    }

    /// Whether `task` may run on `node`: the node has the task's fewest
    /// cores, memory for it and every label it requires. The one feasibility
    /// test of the engine and every scheduler; without memory or labels
    /// declared it is the cores test alone.
    #[inline]
    pub fn can_run(&self, task: TaskId, node: NodeId) -> bool {
        let n = self.platform.node(node);
        n.cores >= self.dag.task(task).parallelism.min_cores && (!self.is_constrained() || self.fits(task, n))
    }

    /// Whether any task's placement is restricted by memory or labels (if
    /// not, [`CostModel::can_run`] is the cores test and
    /// [`CostModel::planned_cores`] the cores asked for).
    #[inline]
    pub fn is_constrained(&self) -> bool {
        self.tables.memory_bound || !self.tables.task_labels.is_empty()
    }

    /// Whether `task` runs on any node that has its cores: it needs no memory
    /// a node may lack and no label.
    pub fn runs_anywhere(&self, task: TaskId) -> bool {
        !self.is_constrained()
            || (self.tables.task_labels.get(task.index()).is_none_or(|&b| b == 0)
                && (!self.tables.memory_bound || self.dag.task(task).memory_bytes == 0))
    }

    /// The memory and label half of [`CostModel::can_run`].
    fn fits(&self, task: TaskId, node: &crate::platform::Node) -> bool {
        let memory = self.dag.task(task).memory_bytes;
        let labels = self.tables.task_labels.get(task.index()).copied().unwrap_or(0);
        node.memory_bytes.is_none_or(|m| memory <= m) && node.label_bits & labels == labels
    }

    /// The cores a plan reserves for `task` on `node` when it runs on
    /// `cores` of them: at least `cores`, and at least the node's cores in
    /// proportion to the share of its memory the task holds,
    /// `⌈memory × node cores / node memory⌉`. Tasks planned on one node at
    /// one time then never hold more than its memory (their reserved cores
    /// fit in the node's cores, and each core stands for `1 / cores` of the
    /// memory), so a planner's timeline of cores respects memory too. The
    /// bound is conservative: it may keep apart tasks that would fit side by
    /// side; the engine starts a task as soon as its real cores and memory
    /// are free. Equal to `cores` without memory limits; needs `can_run`.
    #[inline]
    pub fn planned_cores(&self, task: TaskId, node: NodeId, cores: u32) -> u32 {
        if !self.plans_memory() {
            return cores;
        }
        let n = self.platform.node(node);
        let memory = u128::from(self.dag.task(task).memory_bytes);
        match n.memory_bytes {
            Some(capacity) if memory > 0 && capacity > 0 => {
                let share = (memory * u128::from(n.cores)).div_ceil(u128::from(capacity));
                cores.max(u32::try_from(share).unwrap_or(u32::MAX).min(n.cores))
            }
            _ => cores,
        }
    }

    /// Estimated seconds of `task` on `node` with `cores` cores at DVFS level `dvfs`.
    ///
    /// Explicit node costs win over work/speed; the node's
    /// [`task_overhead`](crate::platform::NodeSpec::task_overhead) and the
    /// time to stage the task's inputs through the platform's workflow
    /// system ([`crate::WorkflowSystem::staging_secs`] of its in-edge bytes)
    /// are added (runtime noise scales them too). Unknown DVFS levels count
    /// as nominal (the engine rejects them before running anything).
    pub fn exec_secs(&self, task: TaskId, node: NodeId, cores: u32, dvfs: u8) -> f64 {
        let t = self.dag.task(task);
        let base = match &t.node_costs {
            Some(costs) => costs[node.index()],
            None => {
                let n_nodes = self.platform.node_count();
                t.work / self.tables.kind_node_speed[t.kind.index() * n_nodes + node.index()]
            }
        };
        let node = self.platform.node(node);
        let factor = node.power.level(dvfs).map_or(1.0, |l| l.speed_factor);
        let staging = self.tables.staging_secs.get(task.index()).copied().unwrap_or(0.0);
        base * t.time_factor(cores) / factor + node.task_overhead + staging
    }

    /// [`CostModel::exec_secs`] as simulated time: one core at nominal speed
    /// unless the task needs more.
    pub fn exec_time(&self, task: TaskId, node: NodeId) -> SimDuration {
        let cores = self.dag.task(task).parallelism.min_cores;
        SimDuration::from_secs_f64(self.exec_secs(task, node, cores, 0))
    }

    /// [`CostModel::exec_secs`] as simulated time.
    pub fn exec_time_with(&self, task: TaskId, node: NodeId, cores: u32, dvfs: u8) -> SimDuration {
        SimDuration::from_secs_f64(self.exec_secs(task, node, cores, dvfs))
    }

    /// Estimated seconds to move `bytes` from `src` to `dst` on an otherwise
    /// idle network (zero within a node).
    pub fn comm_secs(&self, src: NodeId, dst: NodeId, bytes: f64) -> f64 {
        if src == dst {
            0.0
        } else {
            self.platform.latency(src, dst) + bytes / self.platform.path_bandwidth(src, dst)
        }
    }

    /// [`CostModel::comm_secs`] as simulated time.
    pub fn comm_time(&self, src: NodeId, dst: NodeId, bytes: f64) -> SimDuration {
        SimDuration::from_secs_f64(self.comm_secs(src, dst, bytes))
    }

    /// Mean of [`CostModel::exec_secs`] over nodes that can host the task
    /// ([`CostModel::can_run`]; the "average computation cost" of HEFT's ranks).
    pub fn mean_exec_secs(&self, task: TaskId) -> f64 {
        self.mean_exec_secs_scaled(task, |_| 1.0)
    }

    /// [`CostModel::mean_exec_secs`] of every task, indexed by task, bit for
    /// bit. Each mean is a sum over the nodes in id order, a chain of dependent
    /// additions that must stay in that order to give the same bits; summing
    /// eight tasks side by side lets their chains overlap instead of
    /// each waiting on its own latency (10^6 tasks on 1,024 nodes: 10^9 additions).
    pub fn mean_exec_secs_all(&self) -> Vec<f64> {
        let n_tasks = self.dag.task_count();
        let node_class: Vec<usize> = self.platform.node_ids().map(|n| self.platform.node_class(n)).collect();
        let representatives = self.platform.class_representatives();
        let mut estimates = vec![[0.0f64; MEAN_LANES]; representatives.len()];
        let mut res = Vec::with_capacity(n_tasks);
        for first in (0..n_tasks).step_by(MEAN_LANES) {
            let tasks: Vec<TaskId> = (first..n_tasks.min(first + MEAN_LANES)).map(TaskId::new).collect();
            // Side by side only tasks that every node can host on one core at
            // the estimate of its class; any other goes alone.
            let uniform = |t: &TaskId| {
                let task = self.dag.task(*t);
                task.node_costs.is_none() && task.parallelism.min_cores == 1 && self.runs_anywhere(*t)
            };
            if tasks.len() < MEAN_LANES || !tasks.iter().all(uniform) {
                res.extend(tasks.iter().map(|&t| self.mean_exec_secs(t)));
                continue;
            }
            for (estimate, &node) in estimates.iter_mut().zip(representatives) {
                for (lane, &t) in estimate.iter_mut().zip(&tasks) {
                    *lane = self.exec_secs(t, node, 1, 0);
                }
            }
            let mut sums = [0.0f64; MEAN_LANES];
            for &class in &node_class {
                for (sum, estimate) in sums.iter_mut().zip(&estimates[class]) {
                    *sum += estimate;
                }
            }
            res.extend(sums.iter().map(|sum| sum / node_class.len() as f64));
        }
        res
    }

    /// [`CostModel::mean_exec_secs`] with the estimate on each node multiplied
    /// by `factor(node)` (e.g. a learned correction of declared speeds).
    pub fn mean_exec_secs_scaled(&self, task: TaskId, factor: impl Fn(NodeId) -> f64) -> f64 {
        let cores = self.dag.task(task).parallelism.min_cores;
        // Nodes of one class have the same estimate (unless the task gives
        // explicit per-node costs): compute it once per run of such nodes.
        let per_class = self.dag.task(task).node_costs.is_none();
        let mut last: Option<(usize, f64)> = None;
        let mut estimate = |n: NodeId| {
            let class = self.platform.node_class(n);
            match last {
                Some((c, secs)) if per_class && c == class => secs,
                _ => {
                    let secs = self.exec_secs(task, n, cores, 0);
                    last = Some((class, secs));
                    secs
                }
            }
        };
        let (sum, n) = self
            .platform
            .node_ids()
            .filter(|&n| self.can_run(task, n))
            .fold((0.0, 0usize), |(s, k), n| (s + estimate(n) * factor(n), k + 1));
        sum / n.max(1) as f64
    }

    /// Smallest [`CostModel::exec_secs`] over nodes that can host the task.
    pub fn min_exec_secs(&self, task: TaskId) -> f64 {
        let cores = self.dag.task(task).parallelism.min_cores;
        self.candidate_nodes(task)
            .filter(|&n| self.can_run(task, n))
            .map(|n| self.exec_secs(task, n, cores, 0))
            .fold(f64::INFINITY, f64::min)
    }

    /// Smallest [`CostModel::exec_secs`] over nodes that can host the task and
    /// over the core counts it may run on there (a measured speedup table may
    /// peak before the most cores, so every count is tried). Equal to
    /// [`CostModel::min_exec_secs`] for a task of one core count; the lower
    /// bound behind SLR.
    pub fn best_exec_secs(&self, task: TaskId) -> f64 {
        let p = self.dag.task(task).parallelism;
        self.candidate_nodes(task)
            .filter(|&n| self.can_run(task, n))
            .flat_map(|n| (p.min_cores..=p.max_cores.min(self.platform.node(n).cores)).map(move |k| (n, k)))
            .map(|(n, k)| self.exec_secs(task, n, k, 0))
            .fold(f64::INFINITY, f64::min)
    }

    /// Nodes among which some node has each per-node estimate of `task`
    /// (see [`Platform::node_class`]): one per class, or every node when
    /// the task gives explicit per-node costs.
    pub fn candidate_nodes(&self, task: TaskId) -> impl Iterator<Item = NodeId> + '_ {
        let per_class = self.dag.task(task).node_costs.is_none();
        let representatives = per_class.then(|| self.platform.class_representatives().iter().copied());
        let every_node = (!per_class).then(|| self.platform.node_ids());
        representatives
            .into_iter()
            .flatten()
            .chain(every_node.into_iter().flatten())
    }

    /// HEFT's "average communication cost" of an edge carrying `bytes`, by
    /// this model's [`CommMean`] (by default the paper's `L̄ + bytes / B̄`);
    /// zero on one node.
    pub fn mean_comm_secs(&self, bytes: f64) -> f64 {
        self.mean_comm_secs_by(bytes, self.comm_mean)
    }

    /// [`CostModel::mean_comm_secs`] by the definition `comm_mean`. O(1).
    pub fn mean_comm_secs_by(&self, bytes: f64, comm_mean: CommMean) -> f64 {
        let n = self.platform.node_count();
        if n < 2 {
            return 0.0;
        }
        let mean_time = self.tables.mean_latency + bytes * self.tables.mean_inv_bandwidth;
        match comm_mean {
            CommMean::Rate => self.tables.mean_latency + bytes / self.tables.mean_bandwidth,
            CommMean::Time => mean_time,
            CommMean::SagaLinks => mean_time * (n - 1) as f64 / (n + 1) as f64,
        }
    }
}

/// Means over ordered pairs of distinct nodes.
struct MeanLink {
    /// Latency, seconds.
    latency: f64,
    /// Inverse bandwidth, s/byte.
    inv_bandwidth: f64,
    /// Bandwidth, bytes/s.
    bandwidth: f64,
}

/// [`MeanLink`] of `platform`, computed once per binding: O(n²) in nodes.
/// All zero (unused) on fewer than two nodes.
fn mean_link(platform: &Platform) -> MeanLink {
    let n = platform.node_count();
    let mut res = MeanLink {
        latency: 0.0,
        inv_bandwidth: 0.0,
        bandwidth: 0.0,
    };
    if n < 2 {
        return res;
    }
    // The one bandwidth while all links have it, so that the mean rate is exactly that rate.
    let mut uniform = Some(platform.path_bandwidth(NodeId::new(0), NodeId::new(1)));
    for a in platform.node_ids() {
        for b in platform.node_ids() {
            if a != b {
                let bandwidth = platform.path_bandwidth(a, b);
                res.latency += platform.latency(a, b);
                res.inv_bandwidth += 1.0 / bandwidth;
                res.bandwidth += bandwidth;
                uniform = uniform.filter(|&u| u == bandwidth);
            }
        }
    }
    let pairs = (n * (n - 1)) as f64;
    res.latency /= pairs;
    res.inv_bandwidth /= pairs;
    res.bandwidth = uniform.unwrap_or(res.bandwidth / pairs);
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DagBuilder, Parallelism, TaskSpec};

    /// The side-by-side sums give every task's mean bit for bit, on platforms
    /// whose classes interleave, with tasks that go alone (explicit costs,
    /// several cores) in the middle of a group and a short last group.
    #[test]
    fn all_means_equal_each_mean_bit_for_bit() {
        for (preset, n_nodes) in [("heterogeneous", 7), ("edge-cloud", 13), ("heterogeneous", 1024)] {
            let platform = crate::presets::preset(preset, n_nodes).unwrap();
            let mut b = DagBuilder::new();
            for i in 0..37 {
                let work = 0.1 + f64::from(i) * 0.37;
                let spec = TaskSpec::new(format!("t{i}"), work).kind(if i % 3 == 0 { "a" } else { "b" });
                let spec = match i {
                    11 => spec.node_costs((0..n_nodes).map(|n| f64::from(n) + 0.5).collect()),
                    20 => spec.parallelism(Parallelism {
                        min_cores: 2,
                        max_cores: 4,
                        ..Parallelism::SEQUENTIAL
                    }),
                    _ => spec,
                };
                b.add_task(spec);
            }
            let dag = b.build().unwrap();
            let costs = CostModel::new(&dag, &platform).unwrap();
            let all = costs.mean_exec_secs_all();
            assert_eq!(all.len(), dag.task_count());
            for t in dag.task_ids() {
                assert_eq!(
                    all[t.index()].to_bits(),
                    costs.mean_exec_secs(t).to_bits(),
                    "{preset}, {t:?}"
                );
            }
        }
    }
}
