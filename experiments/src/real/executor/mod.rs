//! The real executor: runs a DAG on OS threads, one worker per node of a
//! platform whose nodes have one core each (a calibrated platform: node =
//! core), pinned to the machine's cores where the OS allows.
//!
//! ```text
//!   coordinator (this thread)                     workers (one per node)
//!   scheduler.plan / on_update ── Job ──────────▶ copy inputs, spin kernel
//!   node queues (FIFO, as the engine)  ◀── Done ── start, end (monotonic clock)
//! ```
//!
//! The coordinator drives any [`Scheduler`] through a real [`SimView`], as the
//! engine does: `plan` once at time 0, then `on_update` after each batch of
//! finished tasks (every report that arrived by the time it looks). Each node
//! runs its queue in strict FIFO order; the head is dispatched when its worker
//! is idle and all its predecessors have finished. A worker first copies the
//! bytes of every input produced on another worker (see [`copy`]), then runs
//! the compute kernel for `work × iterations_per_work × slowdown` iterations.
//!
//! The run comes back as a [`RunResult`] (times since the start, on
//! `Instant`), so the invariant checker, metrics, traces and reports apply
//! unchanged. Records hold the kernel's span; a transfer record holds its
//! copy's span. Dispatch latency shows as gaps between a worker's tasks.

pub mod copy;
pub mod kernel;
mod worker;

use anyhow::{Context as _, Result, anyhow, bail, ensure};
use sim::{
    CostModel, Dag, Decision, Decisions, NodeId, Platform, RunResult, Scheduler, SimTime, SimView, StateSource, TaskId,
    TaskRecord, TaskState, TransferRecord, Update,
};
use std::collections::VecDeque;
use std::sync::mpsc;
use std::time::Instant;

/// Largest edge the executor copies (1 GiB): a guard against unscaled DAGs.
pub const MAX_EDGE_BYTES: usize = 1 << 30;

/// How tasks turn into real work.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecSettings {
    /// Kernel iterations per unit of task work on a worker with slowdown 1
    /// (the calibrated kernel rate, iterations per second, when work is in
    /// real seconds).
    pub iterations_per_work: f64,
    /// Slowdown factor per worker (node), ≥ 1 to emulate slower nodes on a
    /// homogeneous machine; empty means all 1.
    pub slowdown: Vec<f64>,
    /// Pin worker `i` to core `i mod cores`.
    pub pin: bool,
}

/// A finished real run.
#[derive(Debug)]
pub struct Execution {
    /// The run as it happened, in the simulator's result type.
    pub result: RunResult,
    /// Whether every worker was pinned to its core.
    pub pinned: bool,
}

/// The coordinator's view of the run; also what the scheduler sees.
struct Run<'a> {
    dag: &'a Dag,
    t0: Instant,
    states: Vec<TaskState>,
    /// Unfinished predecessors per task.
    pending: Vec<u32>,
    queues: Vec<VecDeque<TaskId>>,
    busy: Vec<bool>,
}

impl StateSource for Run<'_> {
    fn task_state(&self, task: TaskId) -> TaskState {
        self.states[task.index()]
    }
    fn free_cores(&self, node: NodeId) -> u32 {
        u32::from(!self.busy[node.index()])
    }
    fn queue_len(&self, node: NodeId) -> usize {
        self.queues[node.index()].len()
    }
    fn node_up(&self, _node: NodeId) -> bool {
        true
    }
}

impl Run<'_> {
    fn time(&self, at: Instant) -> SimTime {
        SimTime::from_nanos(u64::try_from(at.saturating_duration_since(self.t0).as_nanos()).unwrap_or(u64::MAX))
    }

    /// Validates and queues the scheduler's decisions (the engine's rules,
    /// less what a one-core node without DVFS cannot do).
    fn apply(&mut self, scheduler: &str, decisions: &mut Decisions) -> Result<()> {
        for decision in decisions.drain() {
            let a = match decision {
                Decision::Assign(a) => a,
                Decision::Copy(a, kind) => bail!(
                    "scheduler {scheduler:?} asked for a {kind:?} of task {:?}: the real executor runs each task once",
                    self.dag.tasks().get(a.task.index()).map_or("?", |t| t.name.as_str())
                ),
            };
            let name = || {
                self.dag
                    .tasks()
                    .get(a.task.index())
                    .map_or_else(|| format!("#{}", a.task.index()), |t| t.name.clone())
            };
            let state = self.states.get(a.task.index()).copied();
            ensure!(
                a.node.index() < self.queues.len(),
                "scheduler {scheduler:?} assigned task {:?} to unknown node {}",
                name(),
                a.node
            );
            ensure!(
                matches!(state, Some(TaskState::Waiting | TaskState::Ready)),
                "scheduler {scheduler:?} assigned task {:?} twice (or an unknown task)",
                name()
            );
            ensure!(
                a.cores == 1 && a.dvfs == 0,
                "scheduler {scheduler:?} gave task {:?} {} cores at DVFS level {}: the real executor runs one core per node at nominal speed",
                name(),
                a.cores,
                a.dvfs
            );
            self.states[a.task.index()] = TaskState::Queued { node: a.node };
            self.queues[a.node.index()].push_back(a.task);
        }
        Ok(())
    }
}

/// The memory input copies use: the shared source and one scratch buffer per
/// worker, allocated and written before a run's clock starts (so no page
/// fault lands in a copy), and kept between runs, which would otherwise each
/// allocate and touch gigabytes afresh when edges are hundreds of megabytes.
#[derive(Default)]
pub struct Buffers {
    source: Option<copy::Source>,
    scratch: Vec<Vec<u8>>,
}

impl Buffers {
    /// A source of at least `bytes` and `workers` scratch buffers of at least `bytes`.
    fn prepare(&mut self, workers: usize, bytes: usize) -> (copy::Source, &mut [Vec<u8>]) {
        let source = match &self.source {
            Some(s) if s.size() >= bytes => s.clone(),
            _ => self.source.insert(copy::Source::new(bytes)).clone(),
        };
        if self.scratch.len() < workers {
            self.scratch.resize_with(workers, Vec::new);
        }
        for scratch in &mut self.scratch[..workers] {
            if scratch.len() < bytes {
                *scratch = vec![1u8; bytes];
            }
        }
        (source, &mut self.scratch[..workers])
    }
}

/// Runs `dag` for real, one worker thread per node of `platform`, following
/// `scheduler`'s decisions, with buffers of its own (see [`execute_in`]).
///
/// # Errors
/// As [`execute_in`].
pub fn execute(
    dag: &Dag,
    platform: &Platform,
    scheduler: &mut dyn Scheduler,
    settings: &ExecSettings,
) -> Result<Execution> {
    execute_in(dag, platform, scheduler, settings, &mut Buffers::default())
}

/// Runs `dag` for real, one worker thread per node of `platform`, following
/// `scheduler`'s decisions, copying through `buffers` (grown as needed and
/// kept for the next run).
///
/// # Errors
/// If a node has more than one core, a task needs more than one, the slowdown
/// list does not match the nodes, or the scheduler makes an invalid decision
/// or stalls.
pub fn execute_in(
    dag: &Dag,
    platform: &Platform,
    scheduler: &mut dyn Scheduler,
    settings: &ExecSettings,
    buffers: &mut Buffers,
) -> Result<Execution> {
    let costs = CostModel::new(dag, platform)?;
    let n_nodes = platform.node_count();
    if let Some(node) = platform.nodes().iter().find(|n| n.cores != 1) {
        bail!(
            "node {:?} has {} cores: the real executor needs one core per node",
            node.name,
            node.cores
        );
    }
    let slowdown = if settings.slowdown.is_empty() {
        vec![1.0; n_nodes]
    } else {
        settings.slowdown.clone()
    };
    ensure!(
        slowdown.len() == n_nodes,
        "slowdown: {} factors for {n_nodes} nodes",
        slowdown.len()
    );
    if let Some(s) = slowdown.iter().find(|s| !(s.is_finite() && **s > 0.0)) {
        bail!("slowdown: expected finite numbers > 0, got {s}");
    }
    let cores = if settings.pin {
        core_affinity::get_core_ids().unwrap_or_default()
    } else {
        Vec::new()
    };
    let max_bytes = dag.edges().iter().map(|e| e.bytes.round() as usize).max().unwrap_or(0);
    ensure!(
        max_bytes <= MAX_EDGE_BYTES,
        "an edge carries {max_bytes} bytes, over the executor's limit of {MAX_EDGE_BYTES} (scale bytes down)"
    );
    let (source, scratch) = buffers.prepare(n_nodes, max_bytes);
    let (done_tx, done_rx) = mpsc::channel::<worker::Done>();

    std::thread::scope(|scope| {
        let mut job_txs = Vec::with_capacity(n_nodes);
        let mut handles = Vec::with_capacity(n_nodes);
        for (w, scratch) in scratch.iter_mut().enumerate() {
            let (tx, rx) = mpsc::channel::<worker::Job>();
            job_txs.push(tx);
            let core = (!cores.is_empty()).then(|| cores[w % cores.len()]);
            let (done_tx, source) = (done_tx.clone(), source.clone());
            handles.push(scope.spawn(move || worker::run(w, core, &rx, &done_tx, &source, scratch)));
        }
        drop(done_tx);
        let result = coordinate(dag, &costs, scheduler, settings, &slowdown, &job_txs, &done_rx);
        // Hanging up ends the workers' loops.
        drop(job_txs);
        let pinned = handles.into_iter().all(|h| h.join().unwrap_or(false)) && !cores.is_empty();
        result.map(|result| Execution { result, pinned })
    })
}

/// The coordinator loop: decisions in, jobs out, reports back, until every task finished.
fn coordinate(
    dag: &Dag,
    costs: &CostModel<'_>,
    scheduler: &mut dyn Scheduler,
    settings: &ExecSettings,
    slowdown: &[f64],
    jobs: &[mpsc::Sender<worker::Job>],
    reports: &mpsc::Receiver<worker::Done>,
) -> Result<RunResult> {
    let n = dag.task_count();
    let mut run = Run {
        dag,
        t0: Instant::now(),
        states: vec![TaskState::Waiting; n],
        pending: dag.task_ids().map(|t| dag.in_edges(t).len() as u32).collect(),
        queues: vec![VecDeque::new(); jobs.len()],
        busy: vec![false; jobs.len()],
    };
    let mut records: Vec<Option<TaskRecord>> = vec![None; n];
    let mut transfers: Vec<TransferRecord> = Vec::new();
    let mut decisions = Decisions::default();
    let name = scheduler.name().to_owned();

    let mut ready: Vec<TaskId> = dag.task_ids().filter(|t| run.pending[t.index()] == 0).collect();
    for &t in &ready {
        run.states[t.index()] = TaskState::Ready;
    }
    let (mut finished, mut freed) = (Vec::new(), Vec::new());
    let mut n_done = 0;
    scheduler.plan(&SimView::new(SimTime::ZERO, costs, &run), &mut decisions);
    run.apply(&name, &mut decisions)?;
    loop {
        if !(ready.is_empty() && finished.is_empty() && freed.is_empty()) {
            let update = Update {
                ready: &ready,
                finished: &finished,
                freed: &freed,
                lost: &[],
                arrived: &[],
            };
            let now = run.time(Instant::now());
            scheduler.on_update(&SimView::new(now, costs, &run), &update, &mut decisions);
            run.apply(&name, &mut decisions)?;
            ready.clear();
            finished.clear();
            freed.clear();
        }
        dispatch(&mut run, settings, slowdown, jobs)?;
        if n_done == n {
            break;
        }
        if !run.busy.iter().any(|&b| b) {
            let example = run
                .states
                .iter()
                .position(|s| !matches!(s, TaskState::Done { .. }))
                .unwrap_or(0);
            bail!(
                "scheduler {name:?} stalled: {} tasks unfinished, e.g. {:?} ({:?})",
                n - n_done,
                dag.tasks()[example].name,
                run.states[example]
            );
        }
        let first = reports.recv().map_err(|_| anyhow!("a worker thread died"))?;
        for report in std::iter::once(first).chain(reports.try_iter()) {
            let node = NodeId::new(report.worker);
            let (start, end) = (run.time(report.start), run.time(report.end));
            records[report.task.index()] = Some(TaskRecord {
                node,
                cores: 1,
                core_offset: report.task.index() as u32,
                dvfs: 0,
                start,
                end,
            });
            for (edge, from, to) in report.copies {
                let src = records[dag.edge(edge).src.index()].map_or(node, |r| r.node);
                transfers.push(TransferRecord {
                    edge,
                    src,
                    dst: node,
                    start: run.time(from),
                    end: run.time(to),
                });
            }
            run.states[report.task.index()] = TaskState::Done { node, start, end };
            run.busy[report.worker] = false;
            n_done += 1;
            finished.push(report.task);
            freed.push(node);
            for succ in dag.successors(report.task) {
                let p = &mut run.pending[succ.index()];
                *p -= 1;
                if *p == 0 {
                    if run.states[succ.index()] == TaskState::Waiting {
                        run.states[succ.index()] = TaskState::Ready;
                    }
                    ready.push(succ);
                }
            }
        }
    }

    Ok(RunResult::recorded(
        name,
        records.into_iter().flatten().collect(),
        transfers,
        vec![0; n],
        costs,
    ))
}

/// Sends every idle worker the head of its queue if all its predecessors finished.
fn dispatch(
    run: &mut Run<'_>,
    settings: &ExecSettings,
    slowdown: &[f64],
    jobs: &[mpsc::Sender<worker::Job>],
) -> Result<()> {
    let dag = run.dag;
    for (w, tx) in jobs.iter().enumerate() {
        if run.busy[w] {
            continue;
        }
        let Some(&task) = run.queues[w].front() else {
            continue;
        };
        if run.pending[task.index()] > 0 {
            continue;
        }
        run.queues[w].pop_front();
        let node = NodeId::new(w);
        let copies = dag
            .in_edges(task)
            .iter()
            .filter_map(|&e| {
                let edge = dag.edge(e);
                match run.states[edge.src.index()] {
                    TaskState::Done { node: src, .. } if src != node => Some((e, edge.bytes.round() as usize)),
                    _ => None,
                }
            })
            .collect();
        let iterations = (dag.task(task).work * settings.iterations_per_work * slowdown[w]).round() as u64;
        tx.send(worker::Job {
            task,
            iterations,
            copies,
        })
        .context("a worker thread died")?;
        run.busy[w] = true;
        run.states[task.index()] = TaskState::Running {
            node,
            start: run.time(Instant::now()),
        };
    }
    Ok(())
}

/// Audits a real run with the invariant checker. Measured copies have no
/// lower bound in the model (a copy may beat the calibrated bandwidth), so
/// the check runs against `platform` with a free network; every other
/// invariant (precedence through transfers, one task per core, each task
/// once, energy) is checked as for a simulated run.
///
/// # Errors
/// The checker's violations, joined.
pub fn check(dag: &Dag, platform: &Platform, result: &RunResult) -> Result<()> {
    let mut spec = platform.spec().clone();
    spec.network = sim::platform::NetworkSpec::Dedicated {
        latency: 0.0,
        bandwidth: f64::MAX,
        bandwidth_matrix: None,
        latency_matrix: None,
    };
    let free = Platform::new(spec)?;
    let costs = CostModel::new(dag, &free)?;
    sim::check::check(&costs, result).map_err(|violations| {
        let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
        anyhow!("the real run breaks {} invariants: {}", list.len(), list.join("; "))
    })
}
