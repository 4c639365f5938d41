//! FIFO: first come, first served.
//!
//! The baseline of every batch system (and of Dask's and Spark's default
//! queues). Online. Ready tasks wait in one queue in the order they became
//! ready (the engine's order within an instant). Whenever cores are free, the
//! oldest task goes to the lowest-id up node with enough free cores; a task is
//! handed to the engine only then, so no task ever queues behind another on
//! a node (see [`crate::capacity`]). The head of the queue blocks the others
//! while no node has room for it.
//! Complexity: O(log p) per decision for one-core tasks (O(p) for moldable
//! ones), O(1) per task event.

use crate::capacity::Capacity;
use sim::{Decisions, Scheduler, SimView, TaskId, Update};
use std::collections::VecDeque;

/// First come, first served.
#[derive(Debug, Clone, Default)]
pub struct Fifo {
    queue: VecDeque<TaskId>,
    capacity: Capacity,
}

impl Scheduler for Fifo {
    fn name(&self) -> &str {
        "fifo"
    }

    fn plan(&mut self, view: &SimView<'_>, _out: &mut Decisions) {
        self.queue.clear();
        self.capacity = Capacity::new(view.costs());
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        // Runs lost to a node failure release their cores like finished ones.
        for &task in update.finished.iter().chain(update.lost) {
            self.capacity.finish(task);
        }
        self.queue.extend(update.ready);
        while let Some(&task) = self.queue.front() {
            let cores = view.dag().task(task).parallelism.min_cores;
            let Some(node) = self.capacity.fitting(view.costs(), task).find(|&n| view.node_up(n)) else {
                break;
            };
            self.queue.pop_front();
            self.capacity.take(view.costs(), task, node, cores);
            out.assign(view, task, node);
        }
    }

    fn retire(&mut self, before: TaskId) {
        self.capacity.retire(before);
    }
}
