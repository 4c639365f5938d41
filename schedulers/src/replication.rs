//! Active replication: every task runs on `k` nodes at once and the first
//! copy to finish wins, so a task survives the failure of up to `k − 1` of
//! its nodes without being re-run.
//!
//! A wrapper around any other scheduler (the *base*): each assignment the
//! base makes is forwarded, and `k − 1` copies of the task are added on the
//! up nodes, other than the chosen one, where the task runs fastest by the
//! estimates (see "Copies" in [`sim::scheduler`]). Replicas cost cores and
//! energy: the energy–reliability trade-off shows in the run's joules and in
//! its lost work under failures.
//! Complexity: O(p) per decision on top of the base's.

use sim::{Assignment, Decision, Decisions, NodeId, Scheduler, SimView, Update};

/// `base`, with every task replicated on `k − 1` further nodes.
pub struct ActiveReplication {
    base: Box<dyn Scheduler>,
    extra_copies: usize,
    scratch: Decisions,
}

impl ActiveReplication {
    /// Replicates each of `base`'s tasks `k` times in all (`k ≥ 1`; 1 adds nothing).
    pub fn new(base: Box<dyn Scheduler>, k: usize) -> ActiveReplication {
        ActiveReplication {
            base,
            extra_copies: k.saturating_sub(1),
            scratch: Decisions::default(),
        }
    }

    /// Forwards the base's decisions and adds the replicas of its assignments.
    fn forward(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let mut nodes: Vec<NodeId> = Vec::new();
        for decision in self.scratch.drain() {
            let a = match decision {
                Decision::Assign(a) => a,
                Decision::Copy(..) => {
                    out.add(decision);
                    continue;
                }
            };
            out.push(a);
            nodes.clear();
            nodes.extend(view.platform().node_ids().filter(|&n| {
                n != a.node && view.node_up(n) && view.platform().node(n).cores >= a.cores && costs.can_run(a.task, n)
            }));
            let k = self.extra_copies.min(nodes.len());
            if k == 0 {
                continue;
            }
            let fastest = |n: &NodeId| (costs.exec_time(a.task, *n), *n);
            if k < nodes.len() {
                nodes.select_nth_unstable_by_key(k - 1, fastest);
            }
            nodes[..k].sort_unstable_by_key(fastest);
            for &node in &nodes[..k] {
                out.replicate(Assignment { node, dvfs: 0, ..a });
            }
        }
    }
}

impl Scheduler for ActiveReplication {
    fn name(&self) -> &str {
        "active-replication"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        self.base.plan(view, &mut self.scratch);
        self.forward(view, out);
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        self.base.on_update(view, update, &mut self.scratch);
        self.forward(view, out);
    }
}
