//! The discrete-event engine: runs a DAG on a platform under a scheduler.
//!
//! # Event ordering
//! 1. Events are processed in order of time, then of the sequence number
//!    they were created with (FIFO among equal times). Both are integers, so
//!    the order is total and exact.
//! 2. All events at one instant are processed as a batch; the scheduler is
//!    then called once with everything that happened in the batch, its
//!    decisions are applied, and finally every node whose state changed
//!    starts what it can, in node-id order.
//!
//! Given the same DAG, platform, scheduler and [`SimConfig`], a run is
//! therefore bit-for-bit reproducible.

use crate::cost::{BindError, CostModel};
use crate::dag::Dag;
use crate::ids::{EdgeId, NodeId, TaskId};
use crate::metrics;
use crate::network::{FinishedFlow, FlowNetwork};
use crate::noise::Noise;
use crate::platform::Platform;
use crate::result::{RunResult, TaskRecord, TransferRecord};
use crate::scheduler::{Assignment, Decisions, Scheduler, SimView, StateSource, TaskState, Update};
use crate::time::{SimDuration, SimTime};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use thiserror::Error;

/// Settings of one run that are not the DAG, platform or scheduler.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SimConfig {
    /// Runtime noise.
    pub noise: Noise,
    /// Seed of every random draw the engine makes.
    pub seed: u64,
}

/// Why a run could not finish.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum SimError {
    /// The DAG cannot run on the platform.
    #[error(transparent)]
    Bind(#[from] BindError),
    /// The noise setting is invalid.
    #[error("noise sigma must be a finite number >= 0, got {0}")]
    BadNoise(f64),
    /// The scheduler made a decision the engine refuses.
    #[error("scheduler {scheduler:?} assigned task {task:?} to node {node}: {reason}")]
    BadDecision {
        /// Scheduler name.
        scheduler: String,
        /// Task name.
        task: String,
        /// Node index as given.
        node: usize,
        /// What is wrong.
        reason: String,
    },
    /// Nothing more can happen but tasks are unfinished (a scheduler left them unassigned).
    #[error("scheduler {scheduler:?} stalled at {time}: {unfinished} tasks unfinished, e.g. {example:?} ({state})")]
    Stalled {
        /// Scheduler name.
        scheduler: String,
        /// Time of the stall.
        time: SimTime,
        /// Number of unfinished tasks.
        unfinished: usize,
        /// One of them.
        example: String,
        /// Its state.
        state: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// A task with a release time becomes part of the run.
    Release(TaskId),
    TaskEnd(TaskId),
    /// A dedicated-network transfer is complete.
    TransferEnd {
        edge: EdgeId,
        src: NodeId,
        dst: NodeId,
        issued: SimTime,
    },
    /// A shared-network transfer's latency has passed; its bytes start flowing.
    FlowStart {
        edge: EdgeId,
        src: NodeId,
        dst: NodeId,
        issued: SimTime,
    },
    /// The shared network may have finished flows (ignored unless `version` is current).
    NetworkWake {
        version: u64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Unassigned,
    Queued,
    Running,
    Done,
}

struct NodeState {
    queue: VecDeque<TaskId>,
    free_cores: Vec<u32>,
    dirty: bool,
    freed_in_batch: bool,
}

struct State<'a> {
    costs: &'a CostModel<'a>,
    status: Vec<Status>,
    unfinished_preds: Vec<u32>,
    missing_inputs: Vec<u32>,
    /// Whether a task's release time has passed (always true without one).
    released: Vec<bool>,
    assignment: Vec<Assignment>,
    records: Vec<TaskRecord>,
    core_slots: Vec<u32>,
    nodes: Vec<NodeState>,
    dirty_nodes: Vec<NodeId>,
    transfers: Vec<TransferRecord>,
    events: BinaryHeap<Reverse<(SimTime, u64, Event)>>,
    seq: u64,
    now: SimTime,
    noise: Vec<f64>,
    network: Option<FlowNetwork>,
    n_done: usize,
    // Per-batch notifications.
    ready: Vec<TaskId>,
    finished: Vec<TaskId>,
    freed: Vec<NodeId>,
}

impl StateSource for State<'_> {
    fn task_state(&self, task: TaskId) -> TaskState {
        let i = task.index();
        let node = self.assignment[i].node;
        let record = &self.records[i];
        match self.status[i] {
            Status::Unassigned if self.unfinished_preds[i] == 0 => TaskState::Ready,
            Status::Unassigned => TaskState::Waiting,
            Status::Queued => TaskState::Queued { node },
            Status::Running => TaskState::Running {
                node,
                start: record.start,
            },
            Status::Done => TaskState::Done {
                node,
                start: record.start,
                end: record.end,
            },
        }
    }

    fn free_cores(&self, node: NodeId) -> u32 {
        self.nodes[node.index()].free_cores.len() as u32
    }

    fn queue_len(&self, node: NodeId) -> usize {
        self.nodes[node.index()].queue.len()
    }
}

/// Runs `dag` on `platform`, asking `scheduler` for every decision.
///
/// # Errors
/// [`SimError`] if the DAG does not fit the platform, the noise is invalid,
/// the scheduler makes an invalid decision, or it leaves tasks unassigned.
pub fn simulate(
    dag: &Dag,
    platform: &Platform,
    scheduler: &mut dyn Scheduler,
    config: &SimConfig,
) -> Result<RunResult, SimError> {
    let costs = CostModel::new(dag, platform)?;
    let noise = config
        .noise
        .factors(dag.task_count(), config.seed)
        .ok_or(SimError::BadNoise(config.noise.sigma()))?;
    let placeholder = Assignment {
        task: TaskId::new(0),
        node: NodeId::new(0),
        cores: 0,
        dvfs: 0,
    };
    let empty_record = TaskRecord {
        node: NodeId::new(0),
        cores: 0,
        core_offset: 0,
        dvfs: 0,
        start: SimTime::ZERO,
        end: SimTime::ZERO,
    };
    let mut state = State {
        costs: &costs,
        status: vec![Status::Unassigned; dag.task_count()],
        unfinished_preds: dag.task_ids().map(|t| pending_at_start(dag, t)).collect(),
        missing_inputs: dag.task_ids().map(|t| pending_at_start(dag, t)).collect(),
        released: dag.tasks().iter().map(|t| t.release == 0.0).collect(),
        assignment: vec![placeholder; dag.task_count()],
        records: vec![empty_record; dag.task_count()],
        core_slots: Vec::with_capacity(dag.task_count()),
        nodes: platform
            .nodes()
            .iter()
            .map(|n| NodeState {
                queue: VecDeque::new(),
                free_cores: (0..n.cores).rev().collect(),
                dirty: false,
                freed_in_batch: false,
            })
            .collect(),
        dirty_nodes: Vec::new(),
        transfers: Vec::new(),
        events: BinaryHeap::new(),
        seq: 0,
        now: SimTime::ZERO,
        noise,
        network: FlowNetwork::new(platform),
        n_done: 0,
        ready: dag.task_ids().filter(|&t| pending_at_start(dag, t) == 0).collect(),
        finished: Vec::new(),
        freed: Vec::new(),
    };
    for t in dag.task_ids().filter(|&t| dag.task(t).release > 0.0) {
        state.push(SimTime::from_secs_f64(dag.task(t).release), Event::Release(t));
    }
    let mut decisions = Decisions::default();

    scheduler.plan(&SimView::new(state.now, &costs, &state), &mut decisions);
    state.apply(scheduler.name(), &mut decisions)?;
    state.notify(scheduler, &mut decisions)?;
    state.start_dirty_nodes();

    let mut flows_done = Vec::new();
    while let Some(&Reverse((time, _, _))) = state.events.peek() {
        state.now = time;
        while let Some(&Reverse((t, _, event))) = state.events.peek() {
            if t != time {
                break;
            }
            state.events.pop();
            state.process(event, &mut flows_done);
        }
        state.notify(scheduler, &mut decisions)?;
        state.start_dirty_nodes();
    }

    if state.n_done < dag.task_count() {
        let example = state
            .status
            .iter()
            .position(|&s| s != Status::Done)
            .map_or(TaskId::new(0), TaskId::new);
        return Err(SimError::Stalled {
            scheduler: scheduler.name().to_owned(),
            time: state.now,
            unfinished: dag.task_count() - state.n_done,
            example: dag.task(example).name.clone(),
            state: format!("{:?}", state.task_state(example)),
        });
    }
    Ok(state.finish(scheduler.name()))
}

/// Inputs a task waits for before it may start: one per in-edge, plus one
/// for its release if it has a release time.
fn pending_at_start(dag: &Dag, task: TaskId) -> u32 {
    dag.in_edges(task).len() as u32 + u32::from(dag.task(task).release > 0.0)
}

impl<'a> State<'a> {
    fn push(&mut self, time: SimTime, event: Event) {
        self.seq += 1;
        self.events.push(Reverse((time, self.seq, event)));
    }

    fn mark_dirty(&mut self, node: NodeId) {
        let n = &mut self.nodes[node.index()];
        if !n.dirty {
            n.dirty = true;
            self.dirty_nodes.push(node);
        }
    }

    /// Calls the scheduler if anything happened, then applies its decisions.
    fn notify(&mut self, scheduler: &mut dyn Scheduler, decisions: &mut Decisions) -> Result<(), SimError> {
        if self.ready.is_empty() && self.finished.is_empty() && self.freed.is_empty() {
            return Ok(());
        }
        let (ready, finished, freed) = (
            std::mem::take(&mut self.ready),
            std::mem::take(&mut self.finished),
            std::mem::take(&mut self.freed),
        );
        for &node in &freed {
            self.nodes[node.index()].freed_in_batch = false;
        }
        let update = Update {
            ready: &ready,
            finished: &finished,
            freed: &freed,
        };
        scheduler.on_update(&SimView::new(self.now, self.costs, self), &update, decisions);
        // Hand the buffers back so their capacity is reused.
        (self.ready, self.finished, self.freed) = (ready, finished, freed);
        self.ready.clear();
        self.finished.clear();
        self.freed.clear();
        self.apply(scheduler.name(), decisions)
    }

    /// Validates and applies decisions.
    fn apply(&mut self, scheduler: &str, decisions: &mut Decisions) -> Result<(), SimError> {
        let dag = self.costs.dag();
        let platform = self.costs.platform();
        for a in decisions.drain() {
            let reject = |reason: String| SimError::BadDecision {
                scheduler: scheduler.to_owned(),
                task: dag
                    .tasks()
                    .get(a.task.index())
                    .map_or_else(|| a.task.to_string(), |t| t.name.clone()),
                node: a.node.index(),
                reason,
            };
            let Some(&status) = self.status.get(a.task.index()) else {
                return Err(reject("no such task".into()));
            };
            if status != Status::Unassigned {
                return Err(reject("task was already assigned".into()));
            }
            let Some(node) = platform.nodes().get(a.node.index()) else {
                return Err(reject(format!("the platform has {} nodes", platform.node_count())));
            };
            let p = dag.task(a.task).parallelism;
            if a.cores < p.min_cores || a.cores > p.max_cores || a.cores > node.cores {
                return Err(reject(format!(
                    "{} cores requested; the task allows {}..={} and the node has {}",
                    a.cores, p.min_cores, p.max_cores, node.cores
                )));
            }
            if usize::from(a.dvfs) >= node.power.level_count() {
                return Err(reject(format!(
                    "DVFS level {} requested; the node has {}",
                    a.dvfs,
                    node.power.level_count()
                )));
            }
            let i = a.task.index();
            self.status[i] = Status::Queued;
            self.assignment[i] = a;
            self.nodes[a.node.index()].queue.push_back(a.task);
            self.mark_dirty(a.node);
            if dag.task(a.task).release > 0.0 && self.released[i] {
                self.input_arrived(a.task);
            }
            for &e in dag.in_edges(a.task) {
                let src = dag.edge(e).src;
                if self.status[src.index()] == Status::Done {
                    self.deliver(e);
                }
            }
        }
        Ok(())
    }

    /// Moves the data of edge `e` (producer done, consumer assigned) to the consumer's node.
    fn deliver(&mut self, e: EdgeId) {
        let edge = *self.costs.dag().edge(e);
        let src = self.records[edge.src.index()].node;
        let dst = self.assignment[edge.dst.index()].node;
        if src == dst {
            self.input_arrived(edge.dst);
            return;
        }
        let issued = self.now;
        if self.network.is_some() {
            let latency = SimDuration::from_secs_f64(self.costs.platform().latency(src, dst));
            self.push(
                self.now + latency,
                Event::FlowStart {
                    edge: e,
                    src,
                    dst,
                    issued,
                },
            );
        } else {
            let duration = self.costs.comm_time(src, dst, edge.bytes);
            self.push(
                self.now + duration,
                Event::TransferEnd {
                    edge: e,
                    src,
                    dst,
                    issued,
                },
            );
        }
    }

    fn input_arrived(&mut self, task: TaskId) {
        self.missing_inputs[task.index()] -= 1;
        if self.missing_inputs[task.index()] == 0 {
            self.mark_dirty(self.assignment[task.index()].node);
        }
    }

    fn transfer_done(&mut self, edge: EdgeId, src: NodeId, dst: NodeId, issued: SimTime) {
        self.transfers.push(TransferRecord {
            edge,
            src,
            dst,
            start: issued,
            end: self.now,
        });
        self.input_arrived(self.costs.dag().edge(edge).dst);
    }

    fn process(&mut self, event: Event, flows_done: &mut Vec<FinishedFlow>) {
        match event {
            Event::Release(task) => {
                self.released[task.index()] = true;
                self.predecessor_done(task);
                if self.status[task.index()] != Status::Unassigned {
                    self.input_arrived(task);
                }
            }
            Event::TaskEnd(task) => self.task_end(task),
            Event::TransferEnd { edge, src, dst, issued } => self.transfer_done(edge, src, dst, issued),
            Event::FlowStart { edge, src, dst, issued } => {
                let bytes = self.costs.dag().edge(edge).bytes;
                if let Some(net) = &mut self.network {
                    net.add(self.now, edge, src, dst, issued, bytes);
                }
                self.wake_network();
            }
            Event::NetworkWake { version } => {
                let Some(net) = &mut self.network else { return };
                if net.version != version {
                    return;
                }
                net.take_finished(self.now, flows_done);
                for f in flows_done.drain(..) {
                    self.transfer_done(f.edge, f.src, f.dst, f.issued);
                }
                self.wake_network();
            }
        }
    }

    fn wake_network(&mut self) {
        if let Some(net) = &self.network
            && let Some(at) = net.next_completion(self.now)
        {
            let version = net.version;
            self.push(at, Event::NetworkWake { version });
        }
    }

    fn task_end(&mut self, task: TaskId) {
        let dag = self.costs.dag();
        let i = task.index();
        self.status[i] = Status::Done;
        self.n_done += 1;
        self.finished.push(task);
        let record = self.records[i];
        let node = &mut self.nodes[record.node.index()];
        let offset = record.core_offset as usize;
        node.free_cores
            .extend(self.core_slots[offset..offset + record.cores as usize].iter().rev());
        if !node.freed_in_batch {
            node.freed_in_batch = true;
            self.freed.push(record.node);
        }
        self.mark_dirty(record.node);
        for &e in dag.out_edges(task) {
            let dst = dag.edge(e).dst;
            self.predecessor_done(dst);
            if self.status[dst.index()] != Status::Unassigned {
                self.deliver(e);
            }
        }
    }

    /// One of `task`'s predecessors (or its release) is done; it may become ready.
    fn predecessor_done(&mut self, task: TaskId) {
        self.unfinished_preds[task.index()] -= 1;
        if self.unfinished_preds[task.index()] == 0 {
            self.ready.push(task);
        }
    }

    /// Starts queued tasks, head first, on every node whose state changed.
    fn start_dirty_nodes(&mut self) {
        let mut dirty = std::mem::take(&mut self.dirty_nodes);
        dirty.sort_unstable();
        for &node in &dirty {
            self.nodes[node.index()].dirty = false;
            while let Some(&task) = self.nodes[node.index()].queue.front() {
                let a = self.assignment[task.index()];
                let free = self.nodes[node.index()].free_cores.len() as u32;
                if self.missing_inputs[task.index()] > 0 || free < a.cores {
                    break;
                }
                self.nodes[node.index()].queue.pop_front();
                self.start(task, a);
            }
        }
        dirty.clear();
        self.dirty_nodes = dirty;
    }

    fn start(&mut self, task: TaskId, a: Assignment) {
        let i = task.index();
        let offset = self.core_slots.len() as u32;
        let node = &mut self.nodes[a.node.index()];
        for _ in 0..a.cores {
            if let Some(core) = node.free_cores.pop() {
                self.core_slots.push(core);
            }
        }
        let secs = self.costs.exec_secs(task, a.node, a.cores, a.dvfs) * self.noise[i];
        let end = self.now + SimDuration::from_secs_f64(secs);
        self.records[i] = TaskRecord {
            node: a.node,
            cores: a.cores,
            core_offset: offset,
            dvfs: a.dvfs,
            start: self.now,
            end,
        };
        self.status[i] = Status::Running;
        self.push(end, Event::TaskEnd(task));
    }

    fn finish(self, scheduler: &str) -> RunResult {
        let mut result = RunResult {
            scheduler: scheduler.to_owned(),
            tasks: self.records,
            transfers: self.transfers,
            core_slots: self.core_slots,
            node_energy_j: Vec::new(),
            metrics: metrics::EMPTY,
        };
        result.node_energy_j = metrics::node_energy(self.costs.platform(), &result);
        result.metrics = metrics::compute(self.costs, &result);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dag::{DagBuilder, TaskSpec};
    use crate::presets::preset;

    /// Assigns every task to node 0 as soon as it is ready, recording when.
    #[derive(Default)]
    struct Greedy {
        seen_ready: Vec<(TaskId, SimTime)>,
    }

    impl Scheduler for Greedy {
        fn name(&self) -> &str {
            "greedy"
        }
        fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
            for &t in update.ready {
                self.seen_ready.push((t, view.now()));
                out.assign(view, t, NodeId::new(0));
            }
        }
    }

    /// Assigns every task to node 0 at time 0, in id order, before any is released.
    struct EagerPlan;

    impl Scheduler for EagerPlan {
        fn name(&self) -> &str {
            "eager"
        }
        fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
            for t in view.dag().task_ids() {
                out.assign(view, t, NodeId::new(0));
            }
        }
    }

    fn two_jobs() -> Dag {
        let mut b = DagBuilder::new();
        let a = b.add_task(TaskSpec::new("a", 1.0));
        let b2 = b.add_task(TaskSpec::new("b", 1.0));
        b.add_edge(a, b2, 0.0);
        b.add_task(TaskSpec::new("late", 1.0).release(5.0));
        b.build().unwrap()
    }

    #[test]
    fn released_tasks_appear_and_start_at_their_release() {
        let dag = two_jobs();
        let platform = preset("homogeneous", 1).unwrap();
        let mut online = Greedy::default();
        let r = simulate(&dag, &platform, &mut online, &SimConfig::default()).unwrap();
        assert!(
            online
                .seen_ready
                .contains(&(TaskId::new(2), SimTime::from_secs_f64(5.0)))
        );
        assert_eq!(r.tasks[2].start, SimTime::from_secs_f64(5.0));
        let r = simulate(&dag, &platform, &mut EagerPlan, &SimConfig::default()).unwrap();
        assert_eq!(r.tasks[2].start, SimTime::from_secs_f64(5.0));
        assert_eq!(r.metrics.makespan, 6.0);
    }

    #[test]
    fn invalid_decisions_are_errors_not_panics() {
        struct Bad(Assignment);
        impl Scheduler for Bad {
            fn name(&self) -> &str {
                "bad"
            }
            fn plan(&mut self, _view: &SimView<'_>, out: &mut Decisions) {
                out.push(self.0);
            }
        }
        let dag = two_jobs();
        let platform = preset("homogeneous", 2).unwrap();
        let task = TaskId::new(0);
        for (a, needle) in [
            (
                Assignment {
                    task,
                    node: NodeId::new(9),
                    cores: 1,
                    dvfs: 0,
                },
                "2 nodes",
            ),
            (
                Assignment {
                    task,
                    node: NodeId::new(0),
                    cores: 2,
                    dvfs: 0,
                },
                "cores",
            ),
            (
                Assignment {
                    task,
                    node: NodeId::new(0),
                    cores: 1,
                    dvfs: 3,
                },
                "DVFS",
            ),
            (
                Assignment {
                    task: TaskId::new(99),
                    node: NodeId::new(0),
                    cores: 1,
                    dvfs: 0,
                },
                "no such task",
            ),
        ] {
            let err = simulate(&dag, &platform, &mut Bad(a), &SimConfig::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn a_scheduler_that_assigns_nothing_stalls_with_a_clear_error() {
        struct Idle;
        impl Scheduler for Idle {
            fn name(&self) -> &str {
                "idle"
            }
        }
        let err = simulate(
            &two_jobs(),
            &preset("homogeneous", 1).unwrap(),
            &mut Idle,
            &SimConfig::default(),
        );
        assert!(matches!(err, Err(SimError::Stalled { unfinished: 3, .. })), "{err:?}");
    }

    /// Puts task `i` on node `placement[i]`, in id order.
    struct Pinned(Vec<usize>);

    impl Scheduler for Pinned {
        fn name(&self) -> &str {
            "pinned"
        }
        fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
            for (t, &n) in view.dag().task_ids().zip(&self.0) {
                out.assign(view, t, NodeId::new(n));
            }
        }
    }

    fn shared_platform(n_nodes: u32) -> Platform {
        use crate::platform::{NetworkSpec, NodeSpec, PlatformSpec, PowerModel};
        let node = NodeSpec {
            name: "n".into(),
            count: n_nodes,
            cores: 1,
            speed: 1.0,
            kind_speed: Default::default(),
            power: PowerModel { idle_w: 0.0, busy_core_w: 1.0, dvfs: vec![] },
            group: None,
            nic_bandwidth: None,
        };
        let network = NetworkSpec::Shared { latency: 0.5, bandwidth: 100.0, group_links: vec![] };
        Platform::new(PlatformSpec { name: "shared".into(), network, nodes: vec![node] }).unwrap()
    }

    #[test]
    fn transfers_sharing_an_uplink_split_its_bandwidth() {
        // One producer on node 0 sends 100 bytes to each of two consumers on nodes 1 and 2.
        let mut b = DagBuilder::new();
        let src = b.add_task(TaskSpec::new("src", 0.0));
        let c1 = b.add_task(TaskSpec::new("c1", 0.0));
        let c2 = b.add_task(TaskSpec::new("c2", 0.0));
        b.add_edge(src, c1, 100.0);
        b.add_edge(src, c2, 100.0);
        let dag = b.build().unwrap();
        let r = simulate(&dag, &shared_platform(3), &mut Pinned(vec![0, 1, 2]), &SimConfig::default()).unwrap();
        // Alone, each transfer takes 0.5 s latency + 1 s; sharing node 0's up link, both take 0.5 + 2 s.
        for t in &r.transfers {
            assert_eq!((t.end - t.start).as_secs_f64(), 2.5);
        }
        // Max-min fairness: once the first of two unequal flows ends, the other gets the whole link.
        let mut b = DagBuilder::new();
        let src = b.add_task(TaskSpec::new("src", 0.0));
        let c1 = b.add_task(TaskSpec::new("c1", 0.0));
        let c2 = b.add_task(TaskSpec::new("c2", 0.0));
        b.add_edge(src, c1, 50.0);
        b.add_edge(src, c2, 150.0);
        let dag = b.build().unwrap();
        let r = simulate(&dag, &shared_platform(3), &mut Pinned(vec![0, 1, 2]), &SimConfig::default()).unwrap();
        let ends: Vec<f64> = r.transfers.iter().map(|t| t.end.as_secs_f64()).collect();
        // 50 B at 50 B/s ends at 0.5 + 1; the other has 100 B left, now at 100 B/s: 0.5 + 1 + 1.
        assert_eq!(ends, vec![1.5, 2.5]);
    }
}

