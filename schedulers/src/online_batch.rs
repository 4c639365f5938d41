//! Online Min-Min and Max-Min in batch mode on the ready set.
//!
//! Maheswaran, Ali, Siegel, Hensgen, Freund, "Dynamic mapping of a class of
//! independent tasks onto heterogeneous computing systems", JPDC 59(2), 1999
//! (batch-mode mapping), on the tasks of a DAG as they become ready.
//! Online. A task is held by the policy until a core is free for it (see
//! [`crate::capacity`]), so later-ready tasks compete with it. When it
//! becomes ready its earliest completion estimate is fixed:
//! `min over nodes p of max(now, data ready on p) + w(t, p)`, with its inputs'
//! actual producers and end times. At each mapping event, while cores are
//! free, the held task with the smallest (Min-Min) or largest (Max-Min)
//! estimate goes to the up node with enough free cores where it would complete
//! earliest (ties: lower task id, lower node id). The head blocks while no
//! node has room for it.
//! Complexity: O(log n + p·k) per decision with a binary heap over held
//! tasks (k the task's in-degree), never a rescan of the ready set.

use crate::capacity::Capacity;
use sim::{Decisions, NodeId, Scheduler, SimTime, SimView, TaskId, Update};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Which end of the estimates goes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    SmallestFirst,
    LargestFirst,
}

/// The shared policy.
#[derive(Debug, Clone)]
struct Batch {
    order: Order,
    /// Held tasks, keyed so that the heap's maximum goes first.
    held: BinaryHeap<(u64, Reverse<TaskId>)>,
    capacity: Capacity,
}

impl Batch {
    fn new(order: Order) -> Batch {
        Batch {
            order,
            held: BinaryHeap::new(),
            capacity: Capacity::default(),
        }
    }

    fn plan(&mut self, view: &SimView<'_>) {
        self.held.clear();
        self.capacity = Capacity::new(view.costs());
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        // Runs lost to a node failure release their cores like finished ones.
        for &task in update.finished.iter().chain(update.lost) {
            self.capacity.finish(task);
        }
        for &task in update.ready {
            let estimate = view
                .platform()
                .node_ids()
                .filter_map(|node| completion(view, task, node))
                .min()
                .unwrap_or(SimTime::ZERO)
                .as_nanos();
            let key = match self.order {
                Order::SmallestFirst => u64::MAX - estimate,
                Order::LargestFirst => estimate,
            };
            self.held.push((key, Reverse(task)));
        }
        while self.capacity.any_free() {
            let Some(&(_, Reverse(task))) = self.held.peek() else {
                break;
            };
            let cores = view.dag().task(task).parallelism.min_cores;
            let best = self
                .capacity
                .fitting(view.costs(), task)
                .filter(|&node| view.node_up(node))
                .filter_map(|node| completion(view, task, node).map(|end| (end, node)))
                .min();
            let Some((_, node)) = best else { break };
            self.held.pop();
            self.capacity.take(view.costs(), task, node, cores);
            out.assign(view, task, node);
        }
    }

    /// Drops the retired tasks' entries (held tasks are never retired).
    fn retire(&mut self, before: TaskId) {
        self.capacity.retire(before);
    }
}

/// When `task` would complete on `node` if started as soon as its inputs are
/// there (not before now), or `None` if the node has too few cores.
fn completion(view: &SimView<'_>, task: TaskId, node: NodeId) -> Option<SimTime> {
    let costs = view.costs();
    if !view.costs().can_run(task, node) {
        return None;
    }
    let ready = view.inputs_ready(task, node);
    Some(ready + costs.exec_time(task, node))
}

/// Online Min-Min: smallest earliest-completion estimate first.
#[derive(Debug, Clone)]
pub struct OnlineMinMin(Batch);

impl Default for OnlineMinMin {
    fn default() -> Self {
        OnlineMinMin(Batch::new(Order::SmallestFirst))
    }
}

impl Scheduler for OnlineMinMin {
    fn name(&self) -> &str {
        "online-min-min"
    }

    fn plan(&mut self, view: &SimView<'_>, _out: &mut Decisions) {
        self.0.plan(view);
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        self.0.on_update(view, update, out);
    }

    fn retire(&mut self, before: TaskId) {
        self.0.retire(before);
    }
}

/// Online Max-Min: largest earliest-completion estimate first.
#[derive(Debug, Clone)]
pub struct OnlineMaxMin(Batch);

impl Default for OnlineMaxMin {
    fn default() -> Self {
        OnlineMaxMin(Batch::new(Order::LargestFirst))
    }
}

impl Scheduler for OnlineMaxMin {
    fn name(&self) -> &str {
        "online-max-min"
    }

    fn plan(&mut self, view: &SimView<'_>, _out: &mut Decisions) {
        self.0.plan(view);
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        self.0.on_update(view, update, out);
    }

    fn retire(&mut self, before: TaskId) {
        self.0.retire(before);
    }
}
