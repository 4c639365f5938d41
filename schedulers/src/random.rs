//! Random placement: each task, when it becomes ready, goes to a uniformly
//! random node that has enough cores.
//!
//! Online baseline. A seeded ChaCha8 RNG makes it reproducible.
//! Complexity: O(p) per task.

use rand::{RngExt as _, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::{Decisions, NodeId, Scheduler, SimView, Update};

/// Random online placement.
#[derive(Debug, Clone)]
pub struct Random {
    rng: ChaCha8Rng,
}

impl Random {
    /// A random scheduler drawing from `seed`.
    pub fn new(seed: u64) -> Random {
        Random {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }
}

impl Scheduler for Random {
    fn name(&self) -> &str {
        "random"
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        let platform = view.platform();
        for &task in update.ready {
            let hosts: Vec<NodeId> = platform.node_ids().filter(|&n| view.costs().can_run(task, n)).collect();
            if hosts.is_empty() {
                continue;
            }
            let node = hosts[self.rng.random_range(0..hosts.len())];
            out.assign(view, task, node);
        }
    }
}
