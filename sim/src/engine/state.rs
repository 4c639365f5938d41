//! The engine's mutable state and its event handlers.

use super::{SimConfig, SimError};
use crate::cost::CostModel;
use crate::dag::Dag;
use crate::failures::FailureClock;
use crate::ids::{EdgeId, NodeId, TaskId};
use crate::metrics;
use crate::network::{FinishedFlow, FlowNetwork};
use crate::progress::Progress;
use crate::result::{LostRecord, OutageRecord, RunResult, TaskRecord, TransferRecord};
use crate::scheduler::{Assignment, Decisions, Scheduler, SimView, StateSource, TaskState, Update};
use crate::time::{SimDuration, SimTime};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// A data movement in flight, tagged with the consumer's assignment epoch so
/// that data sent to a node that has since lost the task is ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Transfer {
    edge: EdgeId,
    src: NodeId,
    dst: NodeId,
    issued: SimTime,
    epoch: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// A task with a release time becomes part of the run.
    Release(TaskId),
    /// A task run ends (ignored unless `epoch` is the task's current one).
    TaskEnd { task: TaskId, epoch: u32 },
    /// A dedicated-network transfer is complete.
    TransferEnd(Transfer),
    /// A shared-network transfer's latency has passed; its bytes start flowing.
    FlowStart(Transfer),
    /// The shared network may have finished flows (ignored unless `version` is current).
    NetworkWake { version: u64 },
    /// A node fails and stays down for `repair`.
    NodeDown { node: NodeId, repair: SimDuration },
    /// A node is back.
    NodeUp(NodeId),
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
    running: Vec<TaskId>,
    up: bool,
    dirty: bool,
    freed_in_batch: bool,
}

pub(super) struct State<'a> {
    costs: &'a CostModel<'a>,
    status: Vec<Status>,
    unfinished_preds: Vec<u32>,
    missing_inputs: Vec<u32>,
    /// Whether a task's release time has passed (always true without one).
    released: Vec<bool>,
    /// Bumped whenever a task is handed back after a failure.
    epoch: Vec<u32>,
    /// Queue priority: the order of a task's first assignment, kept when a
    /// failure makes it be assigned again (see `enqueue`).
    priority: Vec<u64>,
    n_assigned: u64,
    assignment: Vec<Assignment>,
    records: Vec<TaskRecord>,
    core_slots: Vec<u32>,
    nodes: Vec<NodeState>,
    dirty_nodes: Vec<NodeId>,
    transfers: Vec<TransferRecord>,
    lost_runs: Vec<LostRecord>,
    outages: Vec<OutageRecord>,
    events: BinaryHeap<Reverse<(SimTime, u64, Event)>>,
    seq: u64,
    now: SimTime,
    noise: Vec<f64>,
    network: Option<FlowNetwork<Transfer>>,
    failures: FailureClock,
    /// Checkpoint interval and cost, in seconds of work and seconds.
    checkpoints: Option<(f64, f64)>,
    horizon: Option<f64>,
    progress: Option<Progress>,
    /// Fraction of each task's work still to do (below 1 after a checkpointed restart).
    remaining: Vec<f64>,
    /// Seconds of work the current run of each task performs.
    run_work: Vec<f64>,
    n_done: usize,
    /// Events that can still change what schedulers see: transfers in flight,
    /// pending releases and pending repairs. With none of these, no running
    /// and no queued task, only new failures can happen: the run is stalled.
    n_pending_progress: usize,
    // Per-batch notifications.
    ready: Vec<TaskId>,
    finished: Vec<TaskId>,
    freed: Vec<NodeId>,
    lost: Vec<TaskId>,
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

    fn node_up(&self, node: NodeId) -> bool {
        self.nodes[node.index()].up
    }
}

/// Inputs a task waits for before it may start: one per in-edge, plus one
/// for its release if it has a release time.
fn pending_at_start(dag: &Dag, task: TaskId) -> u32 {
    dag.in_edges(task).len() as u32 + u32::from(dag.task(task).release > 0.0)
}

fn all_cores(cores: u32) -> Vec<u32> {
    (0..cores).rev().collect()
}

impl<'a> State<'a> {
    pub(super) fn new(
        costs: &'a CostModel<'a>,
        noise: Vec<f64>,
        config: &SimConfig,
        checkpoint_interval: Option<f64>,
    ) -> State<'a> {
        let dag = costs.dag();
        let platform = costs.platform();
        let n_tasks = dag.task_count();
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
            costs,
            status: vec![Status::Unassigned; n_tasks],
            unfinished_preds: dag.task_ids().map(|t| pending_at_start(dag, t)).collect(),
            missing_inputs: dag.task_ids().map(|t| pending_at_start(dag, t)).collect(),
            released: dag.tasks().iter().map(|t| t.release == 0.0).collect(),
            epoch: vec![0; n_tasks],
            priority: vec![u64::MAX; n_tasks],
            n_assigned: 0,
            assignment: vec![placeholder; n_tasks],
            records: vec![empty_record; n_tasks],
            core_slots: Vec::with_capacity(n_tasks),
            nodes: platform
                .nodes()
                .iter()
                .map(|n| NodeState {
                    queue: VecDeque::new(),
                    free_cores: all_cores(n.cores),
                    running: Vec::new(),
                    up: true,
                    dirty: false,
                    freed_in_batch: false,
                })
                .collect(),
            dirty_nodes: Vec::new(),
            transfers: Vec::new(),
            lost_runs: Vec::new(),
            outages: Vec::new(),
            events: BinaryHeap::new(),
            seq: 0,
            now: SimTime::ZERO,
            noise,
            network: FlowNetwork::new(platform),
            failures: FailureClock::new(&config.failures, platform.node_count(), config.seed),
            checkpoints: checkpoint_interval.zip(config.checkpointing.map(|c| c.cost)),
            horizon: config.horizon,
            progress: config.progress.clone(),
            remaining: vec![1.0; n_tasks],
            run_work: vec![0.0; n_tasks],
            n_done: 0,
            n_pending_progress: 0,
            ready: dag.task_ids().filter(|&t| pending_at_start(dag, t) == 0).collect(),
            finished: Vec::new(),
            freed: Vec::new(),
            lost: Vec::new(),
        };
        for t in dag.task_ids().filter(|&t| dag.task(t).release > 0.0) {
            state.n_pending_progress += 1;
            state.push(SimTime::from_secs_f64(dag.task(t).release), Event::Release(t));
        }
        for outage in state.failures.scheduled() {
            let repair = SimDuration::from_secs_f64(outage.repair);
            state.push(
                SimTime::from_secs_f64(outage.at),
                Event::NodeDown {
                    node: outage.node,
                    repair,
                },
            );
        }
        for node in platform.node_ids() {
            state.schedule_next_failure(node);
        }
        state
    }

    /// Runs to completion.
    pub(super) fn run(mut self, scheduler: &mut dyn Scheduler) -> Result<RunResult, SimError> {
        let mut decisions = Decisions::default();
        scheduler.plan(&SimView::new(self.now, self.costs, &self), &mut decisions);
        self.apply(scheduler.name(), &mut decisions)?;
        self.notify(scheduler, &mut decisions)?;
        self.start_dirty_nodes();

        let mut flows_done = Vec::new();
        while let Some(&Reverse((time, _, _))) = self.events.peek() {
            if let Some(horizon) = self.horizon
                && time.as_secs_f64() > horizon
                && !self.all_done()
            {
                let unfinished = self.costs.dag().task_count() - self.n_done;
                return Err(SimError::Horizon { horizon, unfinished });
            }
            self.now = time;
            while let Some(&Reverse((t, _, event))) = self.events.peek() {
                if t != time {
                    break;
                }
                self.events.pop();
                self.process(event, &mut flows_done);
            }
            self.settle_network();
            self.notify(scheduler, &mut decisions)?;
            self.start_dirty_nodes();
            if let Some(progress) = &self.progress {
                progress.report(self.n_done);
                if progress.is_cancelled() {
                    let unfinished = self.costs.dag().task_count() - self.n_done;
                    return Err(SimError::Cancelled { unfinished });
                }
            }
            if self.is_stalled() {
                break;
            }
        }

        let dag = self.costs.dag();
        if self.n_done < dag.task_count() {
            let example = self
                .status
                .iter()
                .position(|&s| s != Status::Done)
                .map_or(TaskId::new(0), TaskId::new);
            return Err(SimError::Stalled {
                scheduler: scheduler.name().to_owned(),
                time: self.now,
                unfinished: dag.task_count() - self.n_done,
                example: dag.task(example).name.clone(),
                state: format!("{:?}", self.task_state(example)),
                nodes_down: self.nodes.iter().filter(|n| !n.up).count(),
            });
        }
        Ok(self.finish(scheduler.name()))
    }

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

    fn all_done(&self) -> bool {
        self.n_done == self.costs.dag().task_count()
    }

    /// Whether nothing but new failures can happen although tasks are unfinished.
    fn is_stalled(&self) -> bool {
        !self.all_done()
            && self.n_pending_progress == 0
            && self.nodes.iter().all(|n| n.running.is_empty() && n.queue.is_empty())
    }

    /// Calls the scheduler if anything happened, then applies its decisions.
    fn notify(&mut self, scheduler: &mut dyn Scheduler, decisions: &mut Decisions) -> Result<(), SimError> {
        if self.ready.is_empty() && self.finished.is_empty() && self.freed.is_empty() && self.lost.is_empty() {
            return Ok(());
        }
        let ready = std::mem::take(&mut self.ready);
        let finished = std::mem::take(&mut self.finished);
        let freed = std::mem::take(&mut self.freed);
        let lost = std::mem::take(&mut self.lost);
        for &node in &freed {
            self.nodes[node.index()].freed_in_batch = false;
        }
        let update = Update {
            ready: &ready,
            finished: &finished,
            freed: &freed,
            lost: &lost,
        };
        scheduler.on_update(&SimView::new(self.now, self.costs, &*self), &update, decisions);
        // Hand the buffers back so their capacity is reused.
        (self.ready, self.finished, self.freed, self.lost) = (ready, finished, freed, lost);
        self.ready.clear();
        self.finished.clear();
        self.freed.clear();
        self.lost.clear();
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
            if !self.nodes[a.node.index()].up {
                return Err(reject("the node is down".into()));
            }
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
            self.enqueue(a.task, a.node);
            self.mark_dirty(a.node);
            if dag.task(a.task).release > 0.0 && self.released[i] {
                self.input_arrived(a.task);
            }
            for &e in dag.in_edges(a.task) {
                if self.status[dag.edge(e).src.index()] == Status::Done {
                    self.deliver(e);
                }
            }
        }
        Ok(())
    }

    /// Puts `task` in `node`'s queue, ordered by the task's first assignment.
    ///
    /// For tasks assigned once this is plain FIFO. A task handed back by a
    /// failure keeps its original place in the global assignment order, so
    /// it queues ahead of everything assigned after it. Static plans emit in
    /// an order that respects precedence, so a re-queued task never waits
    /// behind one of its own descendants: no failure can deadlock a queue.
    fn enqueue(&mut self, task: TaskId, node: NodeId) {
        let i = task.index();
        if self.priority[i] == u64::MAX {
            self.priority[i] = self.n_assigned;
            self.n_assigned += 1;
        }
        let priority = &self.priority;
        let queue = &mut self.nodes[node.index()].queue;
        let at = queue.partition_point(|t| priority[t.index()] < priority[i]);
        queue.insert(at, task);
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
        let transfer = Transfer {
            edge: e,
            src,
            dst,
            issued: self.now,
            epoch: self.epoch[edge.dst.index()],
        };
        self.n_pending_progress += 1;
        if self.network.is_some() {
            let latency = SimDuration::from_secs_f64(self.costs.platform().latency(src, dst));
            self.push(self.now + latency, Event::FlowStart(transfer));
        } else {
            let duration = self.costs.comm_time(src, dst, edge.bytes);
            self.push(self.now + duration, Event::TransferEnd(transfer));
        }
    }

    fn input_arrived(&mut self, task: TaskId) {
        self.missing_inputs[task.index()] -= 1;
        if self.missing_inputs[task.index()] == 0 {
            self.mark_dirty(self.assignment[task.index()].node);
        }
    }

    fn transfer_done(&mut self, t: Transfer) {
        self.n_pending_progress -= 1;
        let consumer = self.costs.dag().edge(t.edge).dst;
        if self.epoch[consumer.index()] != t.epoch {
            return; // The consumer was lost to a failure and moved; this data is moot.
        }
        self.transfers.push(TransferRecord {
            edge: t.edge,
            src: t.src,
            dst: t.dst,
            start: t.issued,
            end: self.now,
        });
        self.input_arrived(consumer);
    }

    fn process(&mut self, event: Event, flows_done: &mut Vec<FinishedFlow<Transfer>>) {
        match event {
            Event::Release(task) => {
                self.n_pending_progress -= 1;
                self.released[task.index()] = true;
                self.predecessor_done(task);
                if self.status[task.index()] != Status::Unassigned {
                    self.input_arrived(task);
                }
            }
            Event::TaskEnd { task, epoch } => {
                if self.epoch[task.index()] == epoch && self.status[task.index()] == Status::Running {
                    self.task_end(task);
                }
            }
            Event::TransferEnd(t) => self.transfer_done(t),
            Event::FlowStart(t) => {
                let edge = self.costs.dag().edge(t.edge);
                if self.epoch[edge.dst.index()] != t.epoch {
                    self.n_pending_progress -= 1; // Moot before it began: never sent.
                    return;
                }
                let bytes = edge.bytes;
                if let Some(net) = &mut self.network {
                    net.add(self.now, t.src, t.dst, bytes, t);
                }
            }
            Event::NetworkWake { version } => {
                let Some(net) = &mut self.network else { return };
                if net.version != version {
                    return;
                }
                net.take_finished(self.now, flows_done);
                for f in flows_done.drain(..) {
                    self.transfer_done(f.tag);
                }
            }
            Event::NodeDown { node, repair } => self.node_down(node, repair),
            Event::NodeUp(node) => self.node_up_again(node),
        }
    }

    /// Recomputes bandwidth shares once for the whole batch and schedules
    /// the next flow completion.
    fn settle_network(&mut self) {
        if let Some(net) = &mut self.network
            && net.settle()
            && let Some(at) = net.next_completion(self.now)
        {
            let version = net.version;
            self.push(at, Event::NetworkWake { version });
        }
    }

    fn schedule_next_failure(&mut self, node: NodeId) {
        if let Some(up_secs) = self.failures.next_up_time(node) {
            let repair = SimDuration::from_secs_f64(self.failures.repair_secs());
            self.push(
                self.now + SimDuration::from_secs_f64(up_secs),
                Event::NodeDown { node, repair },
            );
        }
    }

    fn node_down(&mut self, node: NodeId, repair: SimDuration) {
        if !self.nodes[node.index()].up || self.all_done() {
            return;
        }
        let state = &mut self.nodes[node.index()];
        state.up = false;
        let running = std::mem::take(&mut state.running);
        let queued: Vec<TaskId> = state.queue.drain(..).collect();
        state.free_cores = all_cores(self.costs.platform().node(node).cores);
        self.outages.push(OutageRecord {
            node,
            start: self.now,
            end: None,
        });
        for task in running {
            let r = self.records[task.index()];
            let saved = self.checkpointed_work(task, self.now - r.start);
            self.lost_runs.push(LostRecord {
                task,
                node,
                cores: r.cores,
                core_offset: r.core_offset,
                dvfs: r.dvfs,
                start: r.start,
                end: self.now,
                saved,
            });
            self.hand_back(task);
        }
        for task in queued {
            self.hand_back(task);
        }
        self.cancel_moot_flows();
        if repair.as_nanos() < u64::MAX {
            self.n_pending_progress += 1;
            self.push(self.now + repair, Event::NodeUp(node));
        }
    }

    /// Seconds of work of `task`'s current run saved by checkpoints after it
    /// ran for `elapsed`; records the progress so the next run does the rest.
    fn checkpointed_work(&mut self, task: TaskId, elapsed: SimDuration) -> f64 {
        let Some((interval, cost)) = self.checkpoints else {
            return 0.0;
        };
        let i = task.index();
        let work = self.run_work[i];
        let segments = (elapsed.as_secs_f64() / (interval + cost)).floor();
        let saved = (segments * interval).min(work);
        if work > 0.0 {
            self.remaining[i] *= 1.0 - saved / work;
        }
        saved
    }

    /// Stops flows carrying data to tasks that a failure moved elsewhere.
    fn cancel_moot_flows(&mut self) {
        let dag = self.costs.dag();
        let epoch = &self.epoch;
        if let Some(net) = &mut self.network {
            let dropped = net.cancel(self.now, |t| epoch[dag.edge(t.edge).dst.index()] != t.epoch);
            self.n_pending_progress -= dropped;
        }
    }

    /// Returns an aborted or stranded task to the scheduler.
    fn hand_back(&mut self, task: TaskId) {
        let i = task.index();
        let dag = self.costs.dag();
        self.status[i] = Status::Unassigned;
        self.epoch[i] += 1;
        // As at the start: the release counts as an input until it is delivered
        // on assignment (if already past) or by the release event.
        self.missing_inputs[i] = pending_at_start(dag, task);
        self.lost.push(task);
        if self.unfinished_preds[i] == 0 {
            self.ready.push(task);
        }
    }

    fn node_up_again(&mut self, node: NodeId) {
        self.n_pending_progress -= 1;
        let state = &mut self.nodes[node.index()];
        state.up = true;
        if !state.freed_in_batch {
            state.freed_in_batch = true;
            self.freed.push(node);
        }
        if let Some(o) = self
            .outages
            .iter_mut()
            .rev()
            .find(|o| o.node == node && o.end.is_none())
        {
            o.end = Some(self.now);
        }
        self.mark_dirty(node);
        if !self.all_done() {
            self.schedule_next_failure(node);
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
        if let Some(pos) = node.running.iter().position(|&t| t == task) {
            node.running.swap_remove(pos);
        }
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
            if !self.nodes[node.index()].up {
                continue;
            }
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
        node.running.push(task);
        let work = self.costs.exec_secs(task, a.node, a.cores, a.dvfs) * self.noise[i] * self.remaining[i];
        self.run_work[i] = work;
        // With checkpointing, a run of `work` seconds pays for one checkpoint
        // at the end of every full interval except the last.
        let overhead = self
            .checkpoints
            .map_or(0.0, |(interval, cost)| ((work / interval).ceil() - 1.0).max(0.0) * cost);
        let end = self.now + SimDuration::from_secs_f64(work + overhead);
        self.records[i] = TaskRecord {
            node: a.node,
            cores: a.cores,
            core_offset: offset,
            dvfs: a.dvfs,
            start: self.now,
            end,
        };
        self.status[i] = Status::Running;
        self.push(
            end,
            Event::TaskEnd {
                task,
                epoch: self.epoch[i],
            },
        );
    }

    fn finish(self, scheduler: &str) -> RunResult {
        let mut result = RunResult {
            scheduler: scheduler.to_owned(),
            tasks: self.records,
            transfers: self.transfers,
            core_slots: self.core_slots,
            lost: self.lost_runs,
            outages: Vec::new(),
            node_energy_j: Vec::new(),
            metrics: metrics::EMPTY,
        };
        // Keep outages that overlap the run, closed at the makespan at the latest.
        let makespan = result.makespan();
        result.outages = self
            .outages
            .into_iter()
            .filter(|o| o.start < makespan)
            .map(|o| OutageRecord {
                end: Some(o.end.map_or(makespan, |e| e.min(makespan))),
                ..o
            })
            .collect();
        result.node_energy_j = metrics::node_energy(self.costs.platform(), &result);
        result.metrics = metrics::compute(self.costs, &result);
        result
    }
}
