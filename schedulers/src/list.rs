//! The core shared by static list schedulers: place tasks one at a time at
//! their earliest finish time, then hand the plan to the engine.
//!
//! HEFT, CPOP and their relatives differ only in the order in which they pick
//! tasks and in how they choose a node; the bookkeeping (data-ready times,
//! insertion into timelines, emitting assignments in start order) is here once.
//!
//! # Finding the earliest finish
//! [`ListPlanner::best`] gives the same candidate as trying every node
//! ([`ListPlanner::best_by`] with the finish time as key), ties included,
//! but evaluates exactly only the nodes that hold a predecessor of the task.
//! Every other node of one [class](crate::node_classes) has the same
//! data-ready time and duration, so the node of the class that starts the task
//! first comes from a [tree over the class's timeline summaries](crate::class_index),
//! which searches a timeline only where an idle gap might hold the task and
//! skips every group of nodes that cannot start it sooner than the best found.

use crate::class_index::{ClassIndex, Query};
use crate::node_classes::NodeClasses;
use crate::timeline::{Slot, Timelines};
use sim::{Assignment, CostModel, Decisions, EdgeId, NodeId, SimDuration, SimTime, TaskId};
use smallvec::SmallVec;

/// Where a planned task runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    /// Node.
    pub node: NodeId,
    /// Planned start.
    pub start: SimTime,
    /// Planned end.
    pub end: SimTime,
    /// Cores held.
    pub cores: u32,
    /// First core (lane) held on the node.
    pub lane: u32,
    /// DVFS level.
    pub dvfs: u8,
}

/// A candidate placement of one task on one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Node.
    pub node: NodeId,
    /// Slot in the node's timeline.
    pub slot: Slot,
    /// Planned end (earliest finish time on this node).
    pub end: SimTime,
    /// DVFS level the duration assumes.
    pub dvfs: u8,
    /// Cores the task holds.
    pub cores: u32,
}

/// A partial static plan.
pub struct ListPlanner<'c, 'a> {
    costs: &'c CostModel<'a>,
    timelines: Timelines,
    placed: Vec<Option<Placement>>,
    /// Duplicates of tasks on further nodes (for duplication-based planners).
    duplicates: Vec<Vec<Placement>>,
    insertion: bool,
    /// Interchangeable nodes, if the platform allows grouping them, with the
    /// index of their timelines.
    classes: Option<(NodeClasses, ClassIndex)>,
}

impl<'c, 'a> ListPlanner<'c, 'a> {
    /// An empty plan; `insertion` enables gap filling in timelines.
    pub fn new(costs: &'c CostModel<'a>, insertion: bool) -> ListPlanner<'c, 'a> {
        let timelines = Timelines::with_cores_free_at(costs.platform(), |n| costs.cores_free_at(n));
        let classes = NodeClasses::new(costs).map(|classes| {
            let index = ClassIndex::new(&classes, &timelines);
            (classes, index)
        });
        ListPlanner {
            costs,
            timelines,
            placed: vec![None; costs.dag().task_count()],
            duplicates: vec![Vec::new(); costs.dag().task_count()],
            insertion,
            classes,
        }
    }

    /// The placement of `task`, if planned.
    pub fn placement(&self, task: TaskId) -> Option<Placement> {
        self.placed[task.index()]
    }

    /// When all inputs of `task` could be on `node`, given its planned predecessors
    /// (unplanned predecessors are ignored), and not before its release.
    pub fn data_ready(&self, task: TaskId, node: NodeId) -> SimTime {
        let dag = self.costs.dag();
        dag.in_edges(task)
            .iter()
            .filter_map(|&e| self.arrival(e, node))
            .max()
            .unwrap_or(SimTime::ZERO)
            .max(SimTime::from_secs_f64(dag.task(task).release))
    }

    /// When the data of edge `e` could be on `node`: the earliest over the
    /// producer's placement and its duplicates; `None` if the producer is unplanned.
    pub fn arrival(&self, e: EdgeId, node: NodeId) -> Option<SimTime> {
        let edge = self.costs.dag().edge(e);
        let primary = self.placed[edge.src.index()]?;
        let arrive = |p: &Placement| p.end + self.costs.comm_time(p.node, node, edge.bytes);
        let duplicates = self.duplicates[edge.src.index()].iter().map(arrive);
        Some(duplicates.fold(arrive(&primary), SimTime::min))
    }

    /// Whether `task` has a placement or a duplicate on `node`.
    pub fn is_on(&self, task: TaskId, node: NodeId) -> bool {
        self.placed[task.index()].is_some_and(|p| p.node == node)
            || self.duplicates[task.index()].iter().any(|p| p.node == node)
    }

    /// Commits a duplicate of the planned `task` (a further run on another node).
    pub fn place_duplicate(&mut self, task: TaskId, candidate: &Candidate) {
        let placement = self.reserve(candidate);
        self.duplicates[task.index()].push(placement);
    }

    /// Undoes the last [`ListPlanner::place_duplicate`] of `task` with the same `candidate`.
    pub fn unplace_duplicate(&mut self, task: TaskId, candidate: &Candidate) {
        self.release(candidate);
        self.duplicates[task.index()].pop();
    }

    /// Earliest finish of `task` on `node` at nominal speed, or `None` if the
    /// node has too few cores.
    pub fn candidate(&self, task: TaskId, node: NodeId) -> Option<Candidate> {
        self.candidate_at(task, node, 0)
    }

    /// Earliest finish of `task` on `node` at DVFS level `dvfs`, or `None` if
    /// the node has too few cores or no such level.
    pub fn candidate_at(&self, task: TaskId, node: NodeId, dvfs: u8) -> Option<Candidate> {
        let cores = self.costs.dag().task(task).parallelism.min_cores;
        self.candidate_with(task, node, cores, dvfs)
    }

    /// Earliest finish of `task` on `node` holding `cores` cores at DVFS level
    /// `dvfs`, or `None` if the node has fewer cores or no such level, or
    /// `cores` is outside the task's `[min_cores, max_cores]`, or the task
    /// may not run there ([`CostModel::can_run`]: memory, labels). The slot
    /// holds [`CostModel::planned_cores`] lanes, so that tasks planned side by
    /// side on a node never hold more than its memory.
    pub fn candidate_with(&self, task: TaskId, node: NodeId, cores: u32, dvfs: u8) -> Option<Candidate> {
        let parallelism = self.costs.dag().task(task).parallelism;
        let platform_node = self.costs.platform().node(node);
        if platform_node.cores < cores
            || !(parallelism.min_cores..=parallelism.max_cores).contains(&cores)
            || platform_node.power.level(dvfs).is_none()
            || !self.costs.can_run(task, node)
        {
            return None;
        }
        Some(self.candidate_ready(task, node, cores, dvfs, self.data_ready(task, node)))
    }

    /// Earliest finish of `task` on `node` holding `cores` cores at DVFS level
    /// `dvfs` once its inputs are there at `ready`: for planners whose
    /// estimate of the inputs' arrival is not the contention-free one of
    /// [`ListPlanner::data_ready`]. The caller checks that the node and task allow `cores`.
    pub fn candidate_ready(&self, task: TaskId, node: NodeId, cores: u32, dvfs: u8, ready: SimTime) -> Candidate {
        let duration = self.costs.exec_time_with(task, node, cores, dvfs);
        // Lanes stand for memory too (see `CostModel::planned_cores`).
        let lanes = self.costs.planned_cores(task, node, cores);
        let slot = self.timelines.earliest(node, ready, duration, lanes, self.insertion);
        let end = slot.start + duration;
        Candidate {
            node,
            slot,
            end,
            dvfs,
            cores,
        }
    }

    /// The earliest finish of `task` over every node and every core count the
    /// task and node allow (a moldable task may finish sooner on more cores).
    /// Ties go to fewer cores, which hold the same finish for less core time,
    /// then to the lowest node id. O(p × cores) candidates.
    pub fn best_moldable(&self, task: TaskId) -> Option<Candidate> {
        let parallelism = self.costs.dag().task(task).parallelism;
        let mut best: Option<((SimTime, u32, NodeId), Candidate)> = None;
        for node in self.costs.platform().node_ids() {
            let most = parallelism.max_cores.min(self.costs.platform().node(node).cores);
            for cores in parallelism.min_cores..=most {
                if let Some(c) = self.candidate_with(task, node, cores, 0) {
                    let key = (c.end, cores, node);
                    if best.as_ref().is_none_or(|(b, _)| key < *b) {
                        best = Some((key, c));
                    }
                }
            }
        }
        best.map(|(_, c)| c)
    }

    /// The candidate with the earliest finish over all nodes (ties: lowest
    /// node id): the same as `best_by(task, |c| c.end)`, found through node
    /// classes where they apply (see the module docs).
    pub fn best(&self, task: TaskId) -> Option<Candidate> {
        let t = self.costs.dag().task(task);
        match &self.classes {
            Some((classes, index)) if t.parallelism.min_cores == 1 && t.node_costs.is_none() => {
                self.best_by_class(task, classes, index)
            }
            _ => self.best_by(task, |c| c.end),
        }
    }

    /// [`ListPlanner::best`] of a single-core task through `classes` and their `index`.
    fn best_by_class(&self, task: TaskId, classes: &NodeClasses, index: &ClassIndex) -> Option<Candidate> {
        let dag = self.costs.dag();
        // Nodes holding a run of a predecessor see its data sooner: exact.
        let mut holders: SmallVec<[NodeId; 16]> = SmallVec::new();
        for &e in dag.in_edges(task) {
            let src = dag.edge(e).src.index();
            holders.extend(self.placed[src].map(|p| p.node));
            holders.extend(self.duplicates[src].iter().map(|p| p.node));
        }
        holders.sort_unstable();
        holders.dedup();
        let mut best: Option<(SimTime, NodeId)> = None;
        let mut consider = |end: SimTime, node: NodeId| {
            if best.is_none_or(|b| (end, node) < b) {
                best = Some((end, node));
            }
        };
        for &node in &holders {
            if let Some(c) = self.candidate(task, node) {
                consider(c.end, node);
            }
        }
        for (c, class) in classes.classes().iter().enumerate() {
            let Some(&first) = class.iter().find(|n| holders.binary_search(n).is_err()) else {
                continue;
            };
            // A class's nodes have equal fields, so the task runs on all or none of them;
            // where its memory holds more than one lane, the index (one lane) does not apply.
            if !self.costs.can_run(task, first) {
                continue;
            }
            if self.costs.planned_cores(task, first, 1) > 1 {
                for &node in class.iter().filter(|n| holders.binary_search(n).is_err()) {
                    if let Some(c) = self.candidate(task, node) {
                        consider(c.end, node);
                    }
                }
                continue;
            }
            let query = Query {
                ready: self.data_ready(task, first),
                duration: self.costs.exec_time_with(task, first, 1, 0),
                insertion: self.insertion,
            };
            let exact = |node| {
                self.timelines
                    .earliest(node, query.ready, query.duration, 1, self.insertion)
                    .start
            };
            if let Some((start, node)) = index.earliest_start(c, &query, &holders, exact) {
                consider(start + query.duration, node);
            }
        }
        best.and_then(|(_, node)| self.candidate(task, node))
    }

    /// The candidate minimising `key` over all nodes that can host `task`
    /// (ties: lowest node id). O(p) candidates.
    pub fn best_by<K: Ord>(&self, task: TaskId, mut key: impl FnMut(&Candidate) -> K) -> Option<Candidate> {
        let mut best: Option<(K, Candidate)> = None;
        for node in self.costs.platform().node_ids() {
            if let Some(c) = self.candidate(task, node) {
                let k = key(&c);
                if best.as_ref().is_none_or(|(b, _)| k < *b) {
                    best = Some((k, c));
                }
            }
        }
        best.map(|(_, c)| c)
    }

    /// When `node` could start a task needing `cores` cores, ignoring data
    /// (the end of its reservations, or of the earliest-free lanes).
    pub fn available(&self, node: NodeId, cores: u32) -> SimTime {
        self.timelines
            .earliest(node, SimTime::ZERO, SimDuration::ZERO, cores, false)
            .start
    }

    /// Commits a candidate.
    pub fn place(&mut self, task: TaskId, candidate: Candidate) {
        let placement = self.reserve(&candidate);
        self.placed[task.index()] = Some(placement);
    }

    /// Reserves `candidate`'s slot for `task` and describes the placement.
    fn reserve(&mut self, candidate: &Candidate) -> Placement {
        let cores = candidate.cores;
        let duration = candidate.end - candidate.slot.start;
        self.timelines.reserve(candidate.node, &candidate.slot, duration);
        if let Some((_, index)) = &mut self.classes {
            index.update(candidate.node, &self.timelines);
        }
        Placement {
            node: candidate.node,
            start: candidate.slot.start,
            end: candidate.end,
            cores,
            lane: candidate.slot.lanes.first().copied().unwrap_or(0),
            dvfs: candidate.dvfs,
        }
    }

    /// Frees `candidate`'s slot.
    fn release(&mut self, candidate: &Candidate) {
        let duration = candidate.end - candidate.slot.start;
        self.timelines.release(candidate.node, &candidate.slot, duration);
        if let Some((_, index)) = &mut self.classes {
            index.update(candidate.node, &self.timelines);
        }
    }

    /// Undoes [`ListPlanner::place`] of `task` with the same `candidate`
    /// (for tentative placements, as in lookahead).
    pub fn unplace(&mut self, task: TaskId, candidate: &Candidate) {
        self.release(candidate);
        self.placed[task.index()] = None;
    }

    /// Places `task` at its earliest finish over all nodes.
    pub fn place_best(&mut self, task: TaskId) {
        if let Some(c) = self.best(task) {
            self.place(task, c);
        }
    }

    /// Changes the DVFS level and end of a planned task in place (for
    /// post-passes such as slack reclamation that stretch a task into idle
    /// time without moving anything else). The timelines are not updated.
    pub fn retime(&mut self, task: TaskId, dvfs: u8, end: SimTime) {
        if let Some(p) = &mut self.placed[task.index()] {
            p.dvfs = dvfs;
            p.end = end;
        }
    }

    /// The planned makespan.
    pub fn makespan(&self) -> SimTime {
        self.placed
            .iter()
            .flatten()
            .map(|p| p.end)
            .max()
            .unwrap_or(SimTime::ZERO)
    }

    /// Emits every placement as an assignment and every duplicate as a copy,
    /// in planned start order, which the engine's FIFO node queues then follow.
    pub fn emit(&self, out: &mut Decisions) {
        // Ties in start time (zero-length tasks) follow the topological order,
        // so the emission order respects precedence: the engine relies on that
        // to re-queue tasks after a failure without deadlock. A task's own
        // placement goes before its duplicates that start at the same time.
        let dag = self.costs.dag();
        let mut position = vec![0u32; dag.task_count()];
        for (i, &t) in dag.topological_order().iter().enumerate() {
            position[t.index()] = i as u32;
        }
        let primaries = self
            .placed
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.map(|p| (p.start, position[i], false, TaskId::new(i), p)));
        let position = &position;
        let duplicates = self
            .duplicates
            .iter()
            .enumerate()
            .flat_map(|(i, d)| d.iter().map(move |&p| (p.start, position[i], true, TaskId::new(i), p)));
        let mut planned: Vec<(SimTime, u32, bool, TaskId, Placement)> = primaries.chain(duplicates).collect();
        planned.sort_unstable_by_key(|&(start, pos, is_duplicate, _, p)| (start, pos, is_duplicate, p.node));
        for (_, _, is_duplicate, task, p) in planned {
            let assignment = Assignment {
                task,
                node: p.node,
                cores: p.cores,
                dvfs: p.dvfs,
            };
            if is_duplicate {
                out.duplicate(assignment);
            } else {
                out.push(assignment);
            }
        }
    }
}
