//! Failure handling shared by every scheduler: a repair step for static
//! plans and a safety net for online policies.
//!
//! When a node fails, the engine hands its tasks back (`Update::lost`) and
//! refuses assignments to down nodes. [`Resilient`] wraps any scheduler:
//! - for a static planner, whose `on_update` never looks at the run, it
//!   re-places every lost task itself (the "repair step");
//! - for any scheduler, an assignment to a node that is down (failed, or
//!   off, booting or draining under a resource manager) is redirected;
//! - a task with no up node to go to waits until a node comes back.
//!
//! Re-placement is a greedy estimate of the earliest finish: the time the
//! task's finished inputs could reach the node, plus its execution time
//! there, plus one execution time per task already queued on the node (a
//! cheap stand-in for the node's backlog). Without failures the wrapper
//! forwards decisions untouched and costs O(1) per decision.

use crate::registry::Nature;
use sim::{Decision, Decisions, NodeId, Scheduler, SimView, TaskId, TaskState, Update};

/// A scheduler made safe to run under node failures.
pub struct Resilient {
    inner: Box<dyn Scheduler>,
    nature: Nature,
    scratch: Decisions,
    /// Tasks this wrapper owes a placement.
    pending: Vec<TaskId>,
}

impl Resilient {
    /// Wraps `inner`, which is a static planner or an online policy.
    pub fn new(inner: Box<dyn Scheduler>, nature: Nature) -> Resilient {
        Resilient {
            inner,
            nature,
            scratch: Decisions::default(),
            pending: Vec::new(),
        }
    }

    /// Forwards the inner scheduler's decisions, diverting assignments aimed
    /// at down nodes and dropping copies aimed there (a copy is optional).
    ///
    /// A diverted assignment goes to the best up node at once, in its place
    /// among the decisions: node queues run in the order of first decisions,
    /// so a static plan's task placed later would queue behind its own
    /// successors on that node and deadlock it. Only a task no up node can
    /// take waits (pending) until one can.
    fn forward(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        for decision in self.scratch.drain() {
            match decision {
                Decision::Assign(a) if view.node_up(a.node) => out.push(a),
                Decision::Assign(a) => match best_up_node(view, a.task) {
                    Some(node) => out.assign(view, a.task, node),
                    None => self.pending.push(a.task),
                },
                Decision::Copy(copy, _) if view.node_up(copy.node) => out.add(decision),
                Decision::Copy(..) => {}
            }
        }
    }

    /// Places pending tasks on up nodes; keeps those that fit nowhere yet.
    fn place_pending(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let mut still = Vec::new();
        for task in std::mem::take(&mut self.pending) {
            if !matches!(view.task_state(task), TaskState::Ready | TaskState::Waiting) {
                continue;
            }
            match best_up_node(view, task) {
                Some(node) => out.assign(view, task, node),
                None => still.push(task),
            }
        }
        self.pending = still;
    }
}

/// The up node with the earliest estimated finish for `task`, if any can host it.
fn best_up_node(view: &SimView<'_>, task: TaskId) -> Option<NodeId> {
    let costs = view.costs();
    view.platform()
        .node_ids()
        .filter(|&n| view.node_up(n) && costs.can_run(task, n))
        .map(|n| {
            let ready = view.inputs_ready(task, n);
            let exec = costs.exec_time(task, n);
            let backlog = exec.as_nanos().saturating_mul(view.queue_len(n) as u64);
            let finish = (ready + exec).as_nanos().saturating_add(backlog);
            (finish, n)
        })
        .min()
        .map(|(_, n)| n)
}

impl Scheduler for Resilient {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        self.inner.plan(view, &mut self.scratch);
        self.forward(view, out);
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        self.inner.on_update(view, update, &mut self.scratch);
        self.forward(view, out);
        if self.nature == Nature::Static {
            self.pending.extend_from_slice(update.lost);
        }
        if !self.pending.is_empty() {
            // Tasks the inner scheduler just placed are not ours to place.
            let placed: std::collections::HashSet<TaskId> = out.assignments().map(|a| a.task).collect();
            self.pending.retain(|t| !placed.contains(t));
            self.pending.sort_unstable();
            self.pending.dedup();
            self.place_pending(view, out);
        }
    }

    fn retire(&mut self, before: TaskId) {
        self.inner.retire(before);
    }
}
