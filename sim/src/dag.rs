//! Task DAGs: tasks with work, kinds and optional parallelism, joined by data edges.
//!
//! A [`Dag`] is immutable once built and always valid: acyclic, with finite
//! non-negative numbers and unique task names. It is built with a
//! [`DagBuilder`], whose [`DagBuilder::build`] is the only constructor, so no
//! other crate can make an invalid DAG.
//!
//! Adjacency is stored in compressed sparse rows (one offsets array and one
//! edge array per direction) rather than in a pointer-based graph: schedulers
//! walk predecessors and successors of 10^6 tasks many times, and contiguous
//! slices are what makes that fast. petgraph checks acyclicity and computes the
//! topological order once, at build time.

use crate::ids::{EdgeId, KindId, TaskId};
use crate::window::TaskWindow;
use std::collections::HashMap;
use thiserror::Error;

/// How a task can use several cores of one node (a data-parallel task inside
/// the task-parallel DAG). The default is a sequential task: exactly one core.
///
/// How much faster it runs on `c` cores is its [`Speedup`] model: by default
/// Amdahl's law, `work × (serial_fraction + (1 − serial_fraction) / c)`
/// reference seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Parallelism {
    /// Fewest cores the task can run on (≥ 1).
    pub min_cores: u32,
    /// Most cores the task can use (≥ `min_cores`).
    pub max_cores: u32,
    /// Fraction of the work that does not parallelise, in `[0, 1]` (Amdahl's model).
    pub serial_fraction: f64,
    /// How the time shrinks with cores.
    pub speedup: Speedup,
}

/// A speedup model: how many times faster than on one core a task runs on `c` cores.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Speedup {
    /// Amdahl's law with the task's `serial_fraction`.
    #[default]
    Amdahl,
    /// Downey's model (A. B. Downey, "A model for speedup of parallel
    /// programs", UC Berkeley CSD-97-933, 1997) of a program with average
    /// parallelism `average` (A ≥ 1) and variance in parallelism `sigma`
    /// (σ ≥ 0): the speedup grows to A, linearly at first when σ is small.
    Downey {
        /// Average parallelism A.
        average: f64,
        /// Variance in parallelism σ.
        sigma: f64,
    },
    /// A measured table: the task's [`Task::speedup_table`] gives the speedup
    /// on 1, 2, … cores (the last entry holds beyond the table).
    Table,
}

impl Speedup {
    /// Downey's speedup on `n` cores (both regimes of his model).
    fn downey(average: f64, sigma: f64, n: f64) -> f64 {
        let a = average;
        if sigma <= 1.0 {
            if n <= a {
                a * n / (a + sigma / 2.0 * (n - 1.0))
            } else if n <= 2.0 * a - 1.0 {
                a * n / (sigma * (a - 0.5) + n * (1.0 - sigma / 2.0))
            } else {
                a
            }
        } else if n <= a + a * sigma - sigma {
            n * a * (sigma + 1.0) / (sigma * (n + a - 1.0) + a)
        } else {
            a
        }
    }
}

impl Parallelism {
    /// One core, no parallelism.
    pub const SEQUENTIAL: Parallelism = Parallelism {
        min_cores: 1,
        max_cores: 1,
        serial_fraction: 0.0,
        speedup: Speedup::Amdahl,
    };

    /// The Amdahl factor by which `cores` cores multiply the sequential time.
    pub fn amdahl_factor(&self, cores: u32) -> f64 {
        let cores = f64::from(cores.max(1));
        self.serial_fraction + (1.0 - self.serial_fraction) / cores
    }
}

impl Default for Parallelism {
    fn default() -> Self {
        Parallelism::SEQUENTIAL
    }
}

/// One task of a DAG.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// Unique name within the DAG (as in the source file).
    pub name: String,
    /// Interned kind label; see [`Dag::kind_name`].
    pub kind: KindId,
    /// Reference seconds: the time on one core of speed 1.0.
    pub work: f64,
    /// Explicit execution time in seconds on each platform node (the
    /// "unrelated machines" model of the literature's cost matrices). When
    /// present it replaces `work` and node speed entirely.
    pub node_costs: Option<Box<[f64]>>,
    /// How many cores the task may use.
    pub parallelism: Parallelism,
    /// Measured speedups on 1, 2, … cores, for [`Speedup::Table`].
    pub speedup_table: Option<Box<[f64]>>,
    /// Seconds after the start of the run before which the task does not
    /// exist for online schedulers and cannot start (0 for an ordinary DAG).
    /// Workloads of several DAGs arriving over time set it per DAG.
    pub release: f64,
    /// Peak memory in bytes, held on the task's node from its start to its
    /// end (0: none declared). A task starts only where this much memory is
    /// free ([`crate::platform::Node::memory_bytes`]).
    pub memory_bytes: u64,
    /// Labels the task's node must carry (e.g. `gpu`), sorted and without
    /// repeats; empty for a task that runs anywhere.
    pub requires: Box<[String]>,
}

impl Task {
    /// The factor by which running on `cores` cores multiplies the task's
    /// one-core time: 1 / its speedup there.
    pub fn time_factor(&self, cores: u32) -> f64 {
        let p = &self.parallelism;
        match p.speedup {
            Speedup::Amdahl => p.amdahl_factor(cores),
            Speedup::Downey { average, sigma } => 1.0 / Speedup::downey(average, sigma, f64::from(cores.max(1))),
            Speedup::Table => {
                let table = self.speedup_table.as_deref().unwrap_or(&[1.0]);
                let i = (cores.max(1) as usize).min(table.len()) - 1;
                1.0 / table.get(i).copied().unwrap_or(1.0)
            }
        }
    }
}

/// A data dependency: `dst` needs `bytes` produced by `src`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    /// The producing task.
    pub src: TaskId,
    /// The consuming task.
    pub dst: TaskId,
    /// Bytes moved from `src` to `dst` (free when both run on the same node).
    pub bytes: f64,
}

/// What goes into [`DagBuilder::add_task`]; chain the setters for the optional parts.
#[derive(Clone, Debug)]
#[must_use]
pub struct TaskSpec {
    name: String,
    kind: String,
    work: f64,
    node_costs: Option<Vec<f64>>,
    parallelism: Parallelism,
    speedup_table: Option<Vec<f64>>,
    release: f64,
    memory_bytes: f64,
    requires: Vec<String>,
}

impl TaskSpec {
    /// A sequential task of kind `"task"` with `work` reference seconds.
    pub fn new(name: impl Into<String>, work: f64) -> TaskSpec {
        TaskSpec {
            name: name.into(),
            kind: "task".to_owned(),
            work,
            node_costs: None,
            parallelism: Parallelism::SEQUENTIAL,
            speedup_table: None,
            release: 0.0,
            memory_bytes: 0.0,
            requires: Vec::new(),
        }
    }

    /// Sets the kind label (e.g. `mProject`).
    pub fn kind(mut self, kind: impl Into<String>) -> TaskSpec {
        self.kind = kind.into();
        self
    }

    /// Sets explicit execution times, one per platform node, in seconds.
    pub fn node_costs(mut self, costs: Vec<f64>) -> TaskSpec {
        self.node_costs = Some(costs);
        self
    }

    /// Makes the task moldable over several cores (a speedup table given
    /// before stays the model when `parallelism` asks for none).
    pub fn parallelism(mut self, parallelism: Parallelism) -> TaskSpec {
        let table = self.parallelism.speedup == Speedup::Table && parallelism.speedup == Speedup::Amdahl;
        self.parallelism = parallelism;
        if table {
            self.parallelism.speedup = Speedup::Table;
        }
        self
    }

    /// Gives measured speedups on 1, 2, … cores (the first must be 1) and
    /// makes them the task's speedup model; set the core range with
    /// [`TaskSpec::parallelism`].
    pub fn speedup_table(mut self, speedups: Vec<f64>) -> TaskSpec {
        self.speedup_table = Some(speedups);
        self.parallelism.speedup = Speedup::Table;
        self
    }

    /// Releases the task `secs` seconds after the start of the run.
    pub fn release(mut self, secs: f64) -> TaskSpec {
        self.release = secs;
        self
    }

    /// Sets the task's peak memory in bytes (a finite number >= 0, rounded up
    /// to a whole byte by [`DagBuilder::build`]).
    pub fn memory_bytes(mut self, bytes: f64) -> TaskSpec {
        self.memory_bytes = bytes;
        self
    }

    /// Sets the labels the task's node must carry.
    pub fn requires(mut self, labels: Vec<String>) -> TaskSpec {
        self.requires = labels;
        self
    }
}

/// Why a DAG could not be built. Every variant names the offending task or edge.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum DagError {
    /// Two tasks share a name.
    #[error("duplicate task name {name:?}")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },
    /// A task's number is NaN, infinite or negative.
    #[error("task {task:?}: {field} must be a finite number >= 0, got {value}")]
    BadTaskNumber {
        /// The task's name.
        task: String,
        /// Which field (`work`, `node_costs[i]`).
        field: String,
        /// The offending value.
        value: f64,
    },
    /// A task's parallelism is inconsistent.
    #[error("task {task:?}: parallelism needs 1 <= min_cores <= max_cores and serial_fraction in [0, 1]")]
    BadParallelism {
        /// The task's name.
        task: String,
    },
    /// A task's speedup model is invalid.
    #[error("task {task:?}: {message}")]
    BadSpeedup {
        /// The task's name.
        task: String,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A required label is empty.
    #[error("task {task:?}: requires an empty label")]
    EmptyLabel {
        /// The task's name.
        task: String,
    },
    /// Tasks disagree on how many explicit node costs they have.
    #[error("task {task:?}: has {got} node costs but other tasks have {expected}")]
    NodeCostCount {
        /// The task's name.
        task: String,
        /// The count of the first task with costs.
        expected: usize,
        /// This task's count.
        got: usize,
    },
    /// An edge refers to a task id that was never added.
    #[error("edge {src} -> {dst}: unknown task id")]
    UnknownTask {
        /// Source id as given.
        src: usize,
        /// Destination id as given.
        dst: usize,
    },
    /// An edge's byte count is NaN, infinite or negative.
    #[error("edge {src:?} -> {dst:?}: bytes must be a finite number >= 0, got {bytes}")]
    BadBytes {
        /// Source task name.
        src: String,
        /// Destination task name.
        dst: String,
        /// The offending value.
        bytes: f64,
    },
    /// The edges form a cycle; `task` lies on it.
    #[error("the graph has a cycle through task {task:?}")]
    Cycle {
        /// A task on the cycle.
        task: String,
    },
}

/// Collects tasks and edges, then validates them into a [`Dag`].
#[derive(Debug, Default)]
pub struct DagBuilder {
    tasks: Vec<TaskSpec>,
    edges: Vec<(usize, usize, f64)>,
}

impl DagBuilder {
    /// An empty builder.
    pub fn new() -> DagBuilder {
        DagBuilder::default()
    }

    /// An empty builder with room for `n_tasks` tasks and `n_edges` edges.
    pub fn with_capacity(n_tasks: usize, n_edges: usize) -> DagBuilder {
        DagBuilder {
            tasks: Vec::with_capacity(n_tasks),
            edges: Vec::with_capacity(n_edges),
        }
    }

    /// Adds a task and returns its id (ids are handed out densely from 0).
    pub fn add_task(&mut self, spec: TaskSpec) -> TaskId {
        self.tasks.push(spec);
        TaskId::new(self.tasks.len() - 1)
    }

    /// The kind label of a task already added, if there is such a task.
    pub fn task_kind(&self, task: TaskId) -> Option<&str> {
        self.tasks.get(task.index()).map(|t| t.kind.as_str())
    }

    /// Sets the parallelism of a task already added (for transformations
    /// applied to a whole generated DAG, such as making a share of its tasks
    /// moldable). Validated by [`DagBuilder::build`] like any other.
    pub fn set_parallelism(&mut self, task: TaskId, parallelism: Parallelism) {
        if let Some(spec) = self.tasks.get_mut(task.index()) {
            spec.parallelism = parallelism;
        }
    }

    /// Sets the peak memory of a task already added (see
    /// [`TaskSpec::memory_bytes`]); validated by [`DagBuilder::build`].
    pub fn set_memory_bytes(&mut self, task: TaskId, bytes: f64) {
        if let Some(spec) = self.tasks.get_mut(task.index()) {
            spec.memory_bytes = bytes;
        }
    }

    /// Sets the labels a task already added requires (see [`TaskSpec::requires`]).
    pub fn set_requires(&mut self, task: TaskId, labels: Vec<String>) {
        if let Some(spec) = self.tasks.get_mut(task.index()) {
            spec.requires = labels;
        }
    }

    /// Adds a data edge. Several edges between the same pair of tasks are
    /// merged into one carrying the sum of their bytes (several files passed
    /// from one task to another travel as one transfer).
    pub fn add_edge(&mut self, src: TaskId, dst: TaskId, bytes: f64) {
        self.edges.push((src.index(), dst.index(), bytes));
    }

    /// Number of tasks added so far.
    pub fn task_count(&self) -> usize {
        self.tasks.len()
    }

    /// Validates and freezes the DAG.
    ///
    /// # Errors
    /// A [`DagError`] naming the first offending task or edge.
    pub fn build(self) -> Result<Dag, DagError> {
        let DagBuilder {
            tasks: specs,
            mut edges,
        } = self;
        let n_tasks = specs.len();

        let mut kind_ids: HashMap<String, KindId> = HashMap::new();
        let mut kinds: Vec<String> = Vec::new();
        let mut names: HashMap<&str, ()> = HashMap::with_capacity(n_tasks);
        let mut n_costs: Option<usize> = None;
        for spec in &specs {
            if names.insert(spec.name.as_str(), ()).is_some() {
                return Err(DagError::DuplicateName {
                    name: spec.name.clone(),
                });
            }
            check_number(&spec.name, "work", spec.work)?;
            check_number(&spec.name, "release", spec.release)?;
            check_number(&spec.name, "memory_bytes", spec.memory_bytes)?;
            if spec.requires.iter().any(String::is_empty) {
                return Err(DagError::EmptyLabel {
                    task: spec.name.clone(),
                });
            }
            if let Some(costs) = &spec.node_costs {
                for (i, &c) in costs.iter().enumerate() {
                    check_number(&spec.name, &format!("node_costs[{i}]"), c)?;
                }
                match n_costs {
                    None => n_costs = Some(costs.len()),
                    Some(expected) if expected != costs.len() => {
                        return Err(DagError::NodeCostCount {
                            task: spec.name.clone(),
                            expected,
                            got: costs.len(),
                        });
                    }
                    Some(_) => {}
                }
            }
            let p = spec.parallelism;
            let fraction_ok = p.serial_fraction.is_finite() && (0.0..=1.0).contains(&p.serial_fraction);
            if p.min_cores == 0 || p.min_cores > p.max_cores || !fraction_ok {
                return Err(DagError::BadParallelism {
                    task: spec.name.clone(),
                });
            }
            check_speedup(spec)?;
        }
        drop(names);

        let name_of = |i: usize| specs.get(i).map_or_else(|| i.to_string(), |s| s.name.clone());
        for &(src, dst, bytes) in &edges {
            if src >= n_tasks || dst >= n_tasks {
                return Err(DagError::UnknownTask { src, dst });
            }
            if !(bytes.is_finite() && bytes >= 0.0) {
                return Err(DagError::BadBytes {
                    src: name_of(src),
                    dst: name_of(dst),
                    bytes,
                });
            }
            if src == dst {
                return Err(DagError::Cycle { task: name_of(src) });
            }
        }

        // Merge parallel edges deterministically: sort by (src, dst), sum bytes.
        edges.sort_by_key(|a| (a.0, a.1));
        let mut merged: Vec<Edge> = Vec::with_capacity(edges.len());
        for (src, dst, bytes) in edges {
            match merged.last_mut() {
                Some(last) if last.src.index() == src && last.dst.index() == dst => last.bytes += bytes,
                _ => merged.push(Edge {
                    src: TaskId::new(src),
                    dst: TaskId::new(dst),
                    bytes,
                }),
            }
        }

        let topo = topological_order(n_tasks, &merged).map_err(|t| DagError::Cycle {
            task: name_of(t.index()),
        })?;

        let tasks: Vec<Task> = specs
            .into_iter()
            .map(|spec| {
                // Look up before inserting: most tasks share a few kinds, and
                // cloning every label for the entry API allocated once per task.
                let kind = match kind_ids.get(spec.kind.as_str()) {
                    Some(&kind) => kind,
                    None => {
                        let kind = KindId::new(kinds.len());
                        kind_ids.insert(spec.kind.clone(), kind);
                        kinds.push(spec.kind);
                        kind
                    }
                };
                let mut requires = spec.requires;
                requires.sort_unstable();
                requires.dedup();
                Task {
                    name: spec.name,
                    kind,
                    work: spec.work,
                    node_costs: spec.node_costs.map(Vec::into_boxed_slice),
                    parallelism: spec.parallelism,
                    speedup_table: spec.speedup_table.map(Vec::into_boxed_slice),
                    release: spec.release,
                    // Checked finite and >= 0 above; whole bytes keep memory
                    // accounting exact in integers.
                    memory_bytes: spec.memory_bytes.ceil() as u64,
                    requires: requires.into_boxed_slice(),
                }
            })
            .collect();

        let (succ_offsets, succ_edges) = compressed_rows(n_tasks, &merged, |e| e.src);
        let (pred_offsets, pred_edges) = compressed_rows(n_tasks, &merged, |e| e.dst);
        Ok(Dag {
            tasks: tasks.into(),
            edges: merged.into(),
            kinds,
            succ_offsets: succ_offsets.into(),
            succ_edges: succ_edges.into(),
            pred_offsets: pred_offsets.into(),
            pred_edges: pred_edges.into(),
            topo: topo.into(),
            n_node_costs: n_costs,
        })
    }
}

fn check_number(task: &str, field: &str, value: f64) -> Result<(), DagError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(DagError::BadTaskNumber {
            task: task.to_owned(),
            field: field.to_owned(),
            value,
        })
    }
}

/// Checks a task's speedup model: Downey's A ≥ 1 and σ ≥ 0, finite; a
/// table that exists for [`Speedup::Table`], starts at 1 (one core is the
/// reference) and never falls below one core's rate.
fn check_speedup(spec: &TaskSpec) -> Result<(), DagError> {
    let bad = |message: String| {
        Err(DagError::BadSpeedup {
            task: spec.name.clone(),
            message,
        })
    };
    match (spec.parallelism.speedup, &spec.speedup_table) {
        (Speedup::Amdahl, _) => Ok(()),
        (Speedup::Downey { average, sigma }, _) => {
            if average.is_finite() && average >= 1.0 && sigma.is_finite() && sigma >= 0.0 {
                Ok(())
            } else {
                bad(format!(
                    "Downey's model needs average parallelism >= 1 and sigma >= 0, got {average} and {sigma}"
                ))
            }
        }
        (Speedup::Table, None) => bad("the speedup model is a table but no table is given".to_owned()),
        (Speedup::Table, Some(table)) => {
            if table.first() != Some(&1.0) {
                return bad(format!(
                    "a speedup table starts with 1 (one core), got {:?}",
                    table.first()
                ));
            }
            match table.iter().position(|&x| !(x.is_finite() && x >= 1.0)) {
                Some(i) => bad(format!(
                    "speedup on {} cores is {}, below one core's rate (expected finite numbers >= 1)",
                    i + 1,
                    table[i]
                )),
                None => Ok(()),
            }
        }
    }
}

/// Topological order by petgraph, or a task on a cycle.
fn topological_order(n_tasks: usize, edges: &[Edge]) -> Result<Vec<TaskId>, TaskId> {
    let mut graph = petgraph::graph::DiGraph::<(), (), u32>::with_capacity(n_tasks, edges.len());
    for _ in 0..n_tasks {
        graph.add_node(());
    }
    graph.extend_with_edges(edges.iter().map(|e| (e.src.index() as u32, e.dst.index() as u32)));
    petgraph::algo::toposort(&graph, None)
        .map(|order| order.into_iter().map(|n| TaskId::new(n.index())).collect())
        .map_err(|cycle| TaskId::new(cycle.node_id().index()))
}

/// Row `task` of compressed sparse rows: its edges in `rows`.
fn csr_row<'a>(offsets: &TaskWindow<u32>, rows: &'a TaskWindow<EdgeId>, task: TaskId) -> &'a [EdgeId] {
    let i = task.index();
    let (from, to) = (offsets[i] as usize, offsets[i + 1] as usize);
    &rows.live_from(from)[..to - from]
}

/// Groups edge ids by `key` (source or destination) into CSR form.
fn compressed_rows(n_tasks: usize, edges: &[Edge], key: impl Fn(&Edge) -> TaskId) -> (Vec<u32>, Vec<EdgeId>) {
    let mut offsets = vec![0u32; n_tasks + 1];
    for e in edges {
        offsets[key(e).index() + 1] += 1;
    }
    for i in 0..n_tasks {
        offsets[i + 1] += offsets[i];
    }
    let mut cursor: Vec<u32> = offsets[..n_tasks].to_vec();
    let mut rows = vec![EdgeId::new(0); edges.len()];
    for (i, e) in edges.iter().enumerate() {
        let slot = &mut cursor[key(e).index()];
        rows[*slot as usize] = EdgeId::new(i);
        *slot += 1;
    }
    (offsets, rows)
}

/// A validated, immutable task DAG.
///
/// A job stream's DAG grows by [`Dag::append`] and forgets its oldest jobs
/// by [`Dag::retire_before`]: ids stay global, and every table keeps only
/// the tasks and edges not retired (each a [`TaskWindow`], which for a DAG
/// that retires nothing is a `Vec` at offset 0). Reading a retired task or
/// edge is a bug, caught by a debug assertion.
#[derive(Clone, Debug)]
pub struct Dag {
    tasks: TaskWindow<Task>,
    edges: TaskWindow<Edge>,
    kinds: Vec<String>,
    /// Per task id, and one past the last, the position of its first
    /// outgoing edge in `succ_edges`.
    succ_offsets: TaskWindow<u32>,
    succ_edges: TaskWindow<EdgeId>,
    /// As `succ_offsets`, for incoming edges in `pred_edges`.
    pred_offsets: TaskWindow<u32>,
    pred_edges: TaskWindow<EdgeId>,
    topo: TaskWindow<TaskId>,
    n_node_costs: Option<usize>,
}

impl Dag {
    /// Number of tasks: one past the last task id (retired tasks included).
    pub fn task_count(&self) -> usize {
        self.tasks.len()
    }

    /// Number of (merged) data edges: one past the last edge id (retired edges included).
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// The first task not retired ([`Dag::retire_before`]); task 0 unless
    /// this is a job stream's DAG that retired jobs.
    pub fn first_task(&self) -> TaskId {
        TaskId::new(self.tasks.start())
    }

    /// The first edge not retired ([`Dag::retire_before`]).
    pub fn first_edge(&self) -> EdgeId {
        EdgeId::new(self.edges.start())
    }

    /// All tasks, indexed by [`TaskId::index`] (of a DAG that retired none).
    pub fn tasks(&self) -> &[Task] {
        debug_assert_eq!(
            self.tasks.start(),
            0,
            "a DAG with retired tasks has no slice of all tasks"
        );
        self.tasks.live_from(0)
    }

    /// The tasks from `first` on (not retired): task `first + i` is element `i`.
    pub fn tasks_from(&self, first: TaskId) -> &[Task] {
        self.tasks.live_from(first.index())
    }

    /// One task (not retired).
    pub fn task(&self, id: TaskId) -> &Task {
        &self.tasks[id.index()]
    }

    /// All edges, indexed by [`EdgeId::index`] (of a DAG that retired none),
    /// sorted by (source, destination).
    pub fn edges(&self) -> &[Edge] {
        debug_assert_eq!(
            self.edges.start(),
            0,
            "a DAG with retired edges has no slice of all edges"
        );
        self.edges.live_from(0)
    }

    /// One edge (not retired).
    pub fn edge(&self, id: EdgeId) -> &Edge {
        &self.edges[id.index()]
    }

    /// The ids of the tasks not retired: `0..n` for a DAG that retired none.
    pub fn task_ids(&self) -> impl ExactSizeIterator<Item = TaskId> + use<> {
        (self.tasks.start()..self.tasks.len()).map(TaskId::new)
    }

    /// Outgoing edges of `task` (not retired).
    pub fn out_edges(&self, task: TaskId) -> &[EdgeId] {
        csr_row(&self.succ_offsets, &self.succ_edges, task)
    }

    /// Incoming edges of `task` (not retired).
    pub fn in_edges(&self, task: TaskId) -> &[EdgeId] {
        csr_row(&self.pred_offsets, &self.pred_edges, task)
    }

    /// Tasks that consume data from `task`.
    pub fn successors(&self, task: TaskId) -> impl Iterator<Item = TaskId> + '_ {
        self.out_edges(task).iter().map(|&e| self.edges[e.index()].dst)
    }

    /// Tasks whose data `task` consumes.
    pub fn predecessors(&self, task: TaskId) -> impl Iterator<Item = TaskId> + '_ {
        self.in_edges(task).iter().map(|&e| self.edges[e.index()].src)
    }

    /// A topological order (every task after all its predecessors), of a DAG
    /// that retired no task.
    pub fn topological_order(&self) -> &[TaskId] {
        debug_assert_eq!(
            self.topo.start(),
            0,
            "a DAG with retired tasks has no whole topological order"
        );
        self.topo.live_from(0)
    }

    /// The topological order from position `first` on (not retired). In a
    /// DAG grown by [`Dag::append`] a job's tasks hold the positions of
    /// their ids, so from a job's first task this is the order of that job
    /// and every later one.
    pub fn topological_order_from(&self, first: TaskId) -> &[TaskId] {
        self.topo.live_from(first.index())
    }

    /// The label of an interned kind.
    pub fn kind_name(&self, kind: KindId) -> &str {
        &self.kinds[kind.index()]
    }

    /// All kind labels, indexed by [`KindId::index`].
    pub fn kinds(&self) -> &[String] {
        &self.kinds
    }

    /// How many explicit per-node costs the tasks carry, if any do.
    pub fn node_cost_count(&self) -> Option<usize> {
        self.n_node_costs
    }

    /// Tasks with no predecessors (not retired).
    pub fn entry_tasks(&self) -> impl Iterator<Item = TaskId> + '_ {
        self.task_ids().filter(|&t| self.in_edges(t).is_empty())
    }

    /// Tasks with no successors (not retired).
    pub fn exit_tasks(&self) -> impl Iterator<Item = TaskId> + '_ {
        self.task_ids().filter(|&t| self.out_edges(t).is_empty())
    }

    /// The `count` tasks from `first` on as a DAG of their own (task
    /// `first + i` becomes task `i`): one job of a stream's DAG, the inverse of
    /// [`Dag::append`], whose jobs it takes apart: `first..first + count`
    /// must be the tasks of one appended job (of a DAG grown from
    /// [`Dag::empty`]), not retired, whose edges and stretch of the
    /// topological order are contiguous. O(size of the job) plus the DAG's kinds.
    pub fn extract(&self, first: TaskId, count: usize) -> Dag {
        let tasks = first.index()..first.index() + count;
        let succ = self.succ_offsets[tasks.start] as usize..self.succ_offsets[tasks.end] as usize;
        let pred = self.pred_offsets[tasks.start] as usize..self.pred_offsets[tasks.end] as usize;
        let first_edge = succ.start;
        let shift_task = |t: &TaskId| TaskId::new(t.index() - tasks.start);
        let shift_edge = |e: &EdgeId| EdgeId::new(e.index() - first_edge);
        let rebase = |offsets: &TaskWindow<u32>| {
            offsets.live_from(tasks.start)[..=count]
                .iter()
                .map(|&o| o - first_edge as u32)
                .collect::<Vec<_>>()
                .into()
        };
        let edges: Vec<Edge> = self.edges.live_from(first_edge)[..succ.len()]
            .iter()
            .map(|e| Edge {
                src: shift_task(&e.src),
                dst: shift_task(&e.dst),
                bytes: e.bytes,
            })
            .collect();
        let succ_edges: Vec<EdgeId> = self.succ_edges.live_from(succ.start)[..succ.len()]
            .iter()
            .map(shift_edge)
            .collect();
        let pred_edges: Vec<EdgeId> = self.pred_edges.live_from(pred.start)[..pred.len()]
            .iter()
            .map(shift_edge)
            .collect();
        let topo: Vec<TaskId> = self.topo.live_from(tasks.start)[..count]
            .iter()
            .map(shift_task)
            .collect();
        Dag {
            tasks: self.tasks.live_from(tasks.start)[..count].to_vec().into(),
            edges: edges.into(),
            kinds: self.kinds.clone(),
            succ_offsets: rebase(&self.succ_offsets),
            succ_edges: succ_edges.into(),
            pred_offsets: rebase(&self.pred_offsets),
            pred_edges: pred_edges.into(),
            topo: topo.into(),
            n_node_costs: self.n_node_costs,
        }
    }

    /// A DAG with no tasks: where a job stream's run starts.
    pub fn empty() -> Dag {
        Dag {
            tasks: TaskWindow::default(),
            edges: TaskWindow::default(),
            kinds: Vec::new(),
            succ_offsets: vec![0].into(),
            succ_edges: TaskWindow::default(),
            pred_offsets: vec![0].into(),
            pred_edges: TaskWindow::default(),
            topo: TaskWindow::default(),
            n_node_costs: None,
        }
    }

    /// Retires the tasks below `before`, with their edges, adjacency and
    /// stretch of the topological order: a job stream's oldest jobs, once
    /// over. `before` must be a job boundary of a DAG grown by
    /// [`Dag::append`] (no edge between a retired task and a live one, the
    /// retired tasks first in topological order), at most
    /// [`Dag::task_count`]; tasks already retired stay so. The ids of the
    /// tasks and edges left do not change. Amortised O(1) per retired task
    /// and edge ([`TaskWindow::retire_before`]).
    ///
    /// # Panics
    /// If `before` is beyond the last task or not a job boundary: a caller's bug.
    pub fn retire_before(&mut self, before: TaskId) {
        let t = before.index().max(self.tasks.start());
        assert!(
            t <= self.task_count(),
            "retiring tasks below {t} of {}",
            self.task_count()
        );
        let e = self.succ_offsets[t] as usize;
        let boundary = self.pred_offsets[t] as usize == e
            && (self.edges.start()..e).all(|k| self.edges[k].dst.index() < t)
            && (self.topo.start()..t).all(|p| self.topo[p].index() < t);
        assert!(boundary, "task {t} is not a job boundary: edges or the order cross it");
        for window in [&mut self.succ_offsets, &mut self.pred_offsets] {
            window.retire_before(t);
        }
        self.tasks.retire_before(t);
        self.topo.retire_before(t);
        self.edges.retire_before(e);
        self.succ_edges.retire_before(e);
        self.pred_edges.retire_before(e);
    }

    /// Appends `job` (a DAG of a job stream that has arrived), its task names
    /// prefixed with `prefix`, and returns the id its first task gets here.
    ///
    /// The tasks and edges already here keep their ids; `job`'s task `i`
    /// becomes task `first + i` and its edges follow the existing ones, so the
    /// tasks of one job are contiguous, and so is its stretch of
    /// [`Dag::topological_order`]. O(size of `job`) amortised.
    ///
    /// # Errors
    /// [`DagError::NodeCostCount`] if `job` gives explicit per-node costs for
    /// another number of nodes than the tasks here do.
    pub fn append(&mut self, job: &Dag, prefix: &str) -> Result<TaskId, DagError> {
        if let (Some(expected), Some(got)) = (self.n_node_costs, job.n_node_costs)
            && expected != got
        {
            let task = job
                .tasks
                .live_from(job.tasks.start())
                .iter()
                .find(|t| t.node_costs.is_some())
                .map_or("", |t| &t.name);
            return Err(DagError::NodeCostCount {
                task: format!("{prefix}{task}"),
                expected,
                got,
            });
        }
        self.n_node_costs = self.n_node_costs.or(job.n_node_costs);
        let first_task = self.tasks.len();
        let first_edge = self.edges.len() as u32;
        let kinds: Vec<KindId> = job
            .kinds
            .iter()
            .map(|name| match self.kinds.iter().position(|k| k == name) {
                Some(k) => KindId::new(k),
                None => {
                    self.kinds.push(name.clone());
                    KindId::new(self.kinds.len() - 1)
                }
            })
            .collect();
        let shift_task = |t: TaskId| TaskId::new(first_task + t.index());
        let shift_edge = |e: EdgeId| EdgeId::new(first_edge as usize + e.index());
        for t in job.tasks.live_from(0) {
            self.tasks.push(Task {
                name: format!("{prefix}{}", t.name),
                kind: kinds[t.kind.index()],
                ..t.clone()
            });
        }
        for e in job.edges.live_from(0) {
            self.edges.push(Edge {
                src: shift_task(e.src),
                dst: shift_task(e.dst),
                bytes: e.bytes,
            });
        }
        for &e in job.succ_edges.live_from(0) {
            self.succ_edges.push(shift_edge(e));
        }
        for &e in job.pred_edges.live_from(0) {
            self.pred_edges.push(shift_edge(e));
        }
        for &o in &job.succ_offsets.live_from(0)[1..] {
            self.succ_offsets.push(o + first_edge);
        }
        for &o in &job.pred_offsets.live_from(0)[1..] {
            self.pred_offsets.push(o + first_edge);
        }
        for &t in job.topo.live_from(0) {
            self.topo.push(shift_task(t));
        }
        Ok(TaskId::new(first_task))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task_with(parallelism: Parallelism, table: Option<Vec<f64>>) -> Task {
        let mut spec = TaskSpec::new("t", 8.0);
        if let Some(table) = table {
            spec = spec.speedup_table(table);
        }
        let mut b = DagBuilder::new();
        b.add_task(spec.parallelism(parallelism));
        b.build().unwrap().tasks()[0].clone()
    }

    #[test]
    fn downey_speedup_follows_his_formulas() {
        let downey = |average, sigma| Parallelism {
            min_cores: 1,
            max_cores: 64,
            speedup: Speedup::Downey { average, sigma },
            ..Parallelism::SEQUENTIAL
        };
        // σ = 0: linear up to A, then flat at A.
        let t = task_with(downey(4.0, 0.0), None);
        for (n, speedup) in [(1, 1.0), (2, 2.0), (4, 4.0), (7, 4.0), (32, 4.0)] {
            assert!((1.0 / t.time_factor(n) - speedup).abs() < 1e-12, "n = {n}");
        }
        // Low variance, σ = 0.5, A = 4: the two pieces meet at n = A and reach A at 2A − 1.
        let t = task_with(downey(4.0, 0.5), None);
        let s = |n: u32| 1.0 / t.time_factor(n);
        assert!((s(1) - 1.0).abs() < 1e-12);
        assert!((s(4) - 16.0 / (4.0 + 0.25 * 3.0)).abs() < 1e-12);
        assert!((s(7) - 4.0).abs() < 1e-12 && (s(20) - 4.0).abs() < 1e-12);
        // High variance, σ = 2, A = 4: n·A(σ+1) / (σ(n + A − 1) + A), then A from A + Aσ − σ = 10.
        let t = task_with(downey(4.0, 2.0), None);
        let s = |n: u32| 1.0 / t.time_factor(n);
        assert!((s(1) - 1.0).abs() < 1e-12);
        assert!((s(5) - 5.0 * 12.0 / (2.0 * 8.0 + 4.0)).abs() < 1e-12);
        assert!((s(10) - 4.0).abs() < 1e-12 && (s(11) - 4.0).abs() < 1e-12);
        // Monotone in n in both regimes.
        for sigma in [0.0, 0.3, 1.0, 1.5, 4.0] {
            let t = task_with(downey(6.0, sigma), None);
            assert!(
                (1..40).all(|n| t.time_factor(n + 1) <= t.time_factor(n) + 1e-12),
                "sigma {sigma}"
            );
        }
    }

    #[test]
    fn a_speedup_table_holds_its_last_entry_beyond_its_end() {
        let p = Parallelism {
            min_cores: 1,
            max_cores: 16,
            ..Parallelism::SEQUENTIAL
        };
        let t = task_with(p, Some(vec![1.0, 1.8, 2.4]));
        assert_eq!(t.parallelism.speedup, Speedup::Table);
        assert!((t.time_factor(2) - 1.0 / 1.8).abs() < 1e-12);
        assert!((t.time_factor(9) - 1.0 / 2.4).abs() < 1e-12);
        let mut b = DagBuilder::new();
        b.add_task(
            TaskSpec::new("slow", 1.0)
                .speedup_table(vec![1.0, 1.5, 0.9])
                .parallelism(p),
        );
        let err = b.build().unwrap_err().to_string();
        assert_eq!(
            err,
            "task \"slow\": speedup on 3 cores is 0.9, below one core's rate (expected finite numbers >= 1)"
        );
    }

    fn diamond() -> DagBuilder {
        let mut b = DagBuilder::new();
        let a = b.add_task(TaskSpec::new("a", 1.0));
        let l = b.add_task(TaskSpec::new("l", 2.0).kind("left"));
        let r = b.add_task(TaskSpec::new("r", 3.0));
        let z = b.add_task(TaskSpec::new("z", 1.0));
        b.add_edge(a, l, 10.0);
        b.add_edge(a, r, 20.0);
        b.add_edge(l, z, 5.0);
        b.add_edge(r, z, 5.0);
        b
    }

    #[test]
    fn adjacency_follows_edges() {
        let dag = diamond().build().unwrap();
        let a = TaskId::new(0);
        let z = TaskId::new(3);
        assert_eq!(
            dag.successors(a).collect::<Vec<_>>(),
            vec![TaskId::new(1), TaskId::new(2)]
        );
        assert_eq!(dag.predecessors(z).count(), 2);
        assert_eq!(dag.entry_tasks().collect::<Vec<_>>(), vec![a]);
        assert_eq!(dag.kind_name(dag.task(TaskId::new(1)).kind), "left");
        let pos = |t: TaskId| dag.topological_order().iter().position(|&x| x == t).unwrap();
        for e in dag.edges() {
            assert!(pos(e.src) < pos(e.dst));
        }
    }

    #[test]
    fn parallel_edges_merge() {
        let mut b = diamond();
        b.add_edge(TaskId::new(0), TaskId::new(1), 7.0);
        let dag = b.build().unwrap();
        assert_eq!(dag.edge_count(), 4);
        assert_eq!(dag.edges()[0].bytes, 17.0);
    }

    #[test]
    fn cycle_is_named() {
        let mut b = diamond();
        b.add_edge(TaskId::new(3), TaskId::new(0), 1.0);
        assert!(matches!(b.build(), Err(DagError::Cycle { .. })));
    }

    #[test]
    fn bad_numbers_are_rejected() {
        let mut b = DagBuilder::new();
        b.add_task(TaskSpec::new("x", f64::NAN));
        assert_eq!(
            b.build().unwrap_err().to_string(),
            "task \"x\": work must be a finite number >= 0, got NaN"
        );
        let mut b = diamond();
        b.add_task(TaskSpec::new("a", 1.0));
        assert_eq!(b.build().unwrap_err(), DagError::DuplicateName { name: "a".into() });
    }

    /// Three diamonds appended as a job stream's DAG, ids 0..12.
    fn stream_of_diamonds() -> Dag {
        let job = diamond().build().unwrap();
        let mut dag = Dag::empty();
        for j in 0..3 {
            dag.append(&job, &format!("j{j}:")).unwrap();
        }
        dag
    }

    #[test]
    fn retiring_jobs_keeps_every_live_answer() {
        let full = stream_of_diamonds();
        let mut dag = full.clone();
        dag.retire_before(TaskId::new(4));
        dag.retire_before(TaskId::new(8));
        dag.retire_before(TaskId::new(4));
        assert_eq!(
            (dag.first_task(), dag.task_count(), dag.edge_count()),
            (TaskId::new(8), 12, 12)
        );
        assert_eq!(
            dag.task_ids().collect::<Vec<_>>(),
            full.task_ids().skip(8).collect::<Vec<_>>()
        );
        for t in dag.task_ids() {
            assert_eq!(dag.task(t), full.task(t));
            assert_eq!(dag.in_edges(t), full.in_edges(t));
            assert_eq!(dag.out_edges(t), full.out_edges(t));
            assert_eq!(
                dag.successors(t).collect::<Vec<_>>(),
                full.successors(t).collect::<Vec<_>>()
            );
            for &e in dag.in_edges(t) {
                assert_eq!(dag.edge(e), full.edge(e));
            }
        }
        assert_eq!(
            dag.topological_order_from(TaskId::new(8)),
            &full.topological_order()[8..]
        );
        assert_eq!(dag.entry_tasks().collect::<Vec<_>>(), vec![TaskId::new(8)]);
        assert_eq!(dag.tasks_from(TaskId::new(9)), &full.tasks()[9..]);
        let (a, b) = (dag.extract(TaskId::new(8), 4), full.extract(TaskId::new(8), 4));
        assert_eq!(
            (a.tasks(), a.edges(), a.topological_order()),
            (b.tasks(), b.edges(), b.topological_order())
        );
        // A job appended after retiring gets the next ids.
        let first = dag.append(&diamond().build().unwrap(), "j3:").unwrap();
        assert_eq!((first, dag.task_count()), (TaskId::new(12), 16));
        assert_eq!(dag.successors(first).count(), 2);
        assert_eq!(
            dag.predecessors(TaskId::new(15)).collect::<Vec<_>>(),
            vec![TaskId::new(13), TaskId::new(14)]
        );
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "task 3 was retired")]
    fn reading_a_retired_task_is_caught() {
        let mut dag = stream_of_diamonds();
        dag.retire_before(TaskId::new(4));
        let _ = dag.task(TaskId::new(3));
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "retired")]
    fn reading_a_retired_edge_is_caught() {
        let mut dag = stream_of_diamonds();
        dag.retire_before(TaskId::new(8));
        let _ = dag.edge(EdgeId::new(7));
    }

    #[test]
    #[should_panic(expected = "task 2 is not a job boundary")]
    fn retiring_inside_a_job_is_refused() {
        stream_of_diamonds().retire_before(TaskId::new(2));
    }
}
