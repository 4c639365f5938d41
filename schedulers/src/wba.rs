//! WBA: Workflow-Based Allocation.
//!
//! Blythe, Jain, Deelman, Gil, Vahi, Mandal, Kennedy, "Task scheduling
//! strategies for workflow-based applications in grids", CCGrid 2005; as in
//! SAGA.
//! Static, randomised. Each step looks at every (ready task, node) pair and
//! how much placing it there (without insertion, at its earliest finish)
//! would grow the planned makespan. Among the pairs whose growth is at most
//! `min + α·(max − min)` it picks one uniformly at random (a seeded ChaCha8
//! RNG; pairs in a deterministic order). `α = 0` is greedy, `α = 1` random.
//! Complexity: O(n·r·p + e·p) with r the largest ready set (every step scans
//! all pairs; see [`crate::batch`] for the incremental scores).

use crate::batch::{self, Entry, Rule};
use rand::{RngExt as _, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::{Decisions, NodeId, Scheduler, SimTime, SimView};

/// Default `α`.
pub const DEFAULT_ALPHA: f64 = 0.5;

/// Workflow-based allocation.
#[derive(Debug, Clone)]
pub struct Wba {
    rng: ChaCha8Rng,
    alpha: f64,
}

impl Wba {
    /// WBA with tolerance `alpha` (clamped to `[0, 1]`), drawing from `seed`.
    pub fn new(alpha: f64, seed: u64) -> Wba {
        Wba {
            rng: ChaCha8Rng::seed_from_u64(seed),
            alpha: alpha.clamp(0.0, 1.0),
        }
    }
}

impl Scheduler for Wba {
    fn name(&self) -> &str {
        "wba"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let alpha = self.alpha;
        let rng = &mut self.rng;
        let mut pairs: Vec<(i64, usize, NodeId)> = Vec::new();
        let mut choose = |ready: &[Entry], makespan: SimTime| -> Option<(usize, NodeId)> {
            pairs.clear();
            let makespan = makespan.as_nanos() as i64;
            for (i, e) in ready.iter().enumerate() {
                for (q, score) in e.score.iter().enumerate() {
                    if let Some((end, _)) = *score {
                        pairs.push(((end - makespan).max(0), i, NodeId::new(q)));
                    }
                }
            }
            let low = pairs.iter().map(|p| p.0).min()?;
            let high = pairs.iter().map(|p| p.0).max()?;
            let threshold = low + (alpha * (high - low) as f64) as i64;
            pairs.retain(|p| p.0 <= threshold);
            let k = rng.random_range(0..pairs.len());
            pairs.get(k).map(|&(_, i, node)| (i, node))
        };
        batch::plan_with(view.costs(), Rule::MinMin, Some(&mut choose)).emit(out);
    }
}
