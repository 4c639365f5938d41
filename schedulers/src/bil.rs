//! BIL: Best Imaginary Level.
//!
//! Oh, Ha, "A static scheduling heuristic for heterogeneous processors",
//! Euro-Par 1996, LNCS 1124.
//! Static. A task's best imaginary level on a node, `BIL(t, p)`
//! ([`crate::rank::best_imaginary_level`]), is how long it and its
//! descendants would take from its start there if every task had a node of
//! its choice; its best imaginary makespan is `BIM(t, p) = EST(t, p) + BIL(t, p)`
//! with `EST` the earliest start without insertion. With `k` ready tasks, each
//! step:
//! 1. picks the ready task whose `k`-th smallest BIM over the nodes is largest
//!    (its largest if it has fewer than `k` nodes): with `k` tasks competing,
//!    that is about the best a task can still expect. Ties: the next smaller
//!    BIM values in turn, then the lower task id;
//! 2. puts it on the node of least revised BIM, `BIM(t, p) + w(t, p)·max(k/m − 1, 0)`,
//!    which weighs execution time more when tasks outnumber the `m` cores
//!    (the paper's processors; here every core of every node). Ties: the node
//!    where the other ready tasks' revised BIMs sum highest (the one they need
//!    least), then the lower id.
//!
//! On a chain every step has one ready task, so BIL plans the chain
//! optimally (the paper's theorem). Transfer costs are the platform's per pair
//! of nodes, not one per edge as in the paper.
//! Complexity: O(n·p + e·p²) for the levels, O(n·r·p log p) for the steps
//! with r the largest ready set, plus the timeline search (see
//! [`crate::batch`] for the incremental BIM bookkeeping).

use crate::batch::{self, Entry, Rule};
use sim::{Decisions, NodeId, Scheduler, SimTime, SimView};
use std::cmp::Ordering;

#[doc = "See the module documentation."]
#[derive(Debug, Clone, Default)]
pub struct Bil;

impl Scheduler for Bil {
    fn name(&self) -> &str {
        "bil"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let n_cores: i128 = view.platform().nodes().iter().map(|n| i128::from(n.cores)).sum();
        let (mut key, mut best_key) = (Vec::new(), Vec::new());
        let mut choose = |ready: &[Entry], _: SimTime| -> Option<(usize, NodeId)> {
            let k = ready.len();
            let mut chosen: Option<usize> = None;
            for (i, e) in ready.iter().enumerate() {
                // The k smallest BIMs, largest first: compared lexicographically.
                key.clear();
                key.extend(e.score.iter().flatten().map(|&(bim, _)| bim));
                key.sort_unstable();
                key.truncate(k);
                key.reverse();
                let better = chosen.is_none_or(|c| match key.cmp(&best_key) {
                    Ordering::Greater => true,
                    Ordering::Equal => e.task < ready[c].task,
                    Ordering::Less => false,
                });
                if better {
                    chosen = Some(i);
                    std::mem::swap(&mut key, &mut best_key);
                }
            }
            let task = chosen?;
            let surplus = (k as i128 - n_cores).max(0);
            let revised = |e: &Entry, q: usize| {
                let (bim, _) = e.score[q]?;
                Some(i128::from(bim) + i128::from(e.exec[q].as_nanos()) * surplus / n_cores.max(1))
            };
            let others_on = |q: usize| -> i128 {
                ready
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != task)
                    .filter_map(|(_, e)| revised(e, q))
                    .sum()
            };
            let mut best: Option<(i128, usize)> = None;
            for q in 0..ready[task].score.len() {
                let Some(r) = revised(&ready[task], q) else { continue };
                let better = match best {
                    None => true,
                    Some((b, bq)) => r < b || (r == b && others_on(q) > others_on(bq)),
                };
                if better {
                    best = Some((r, q));
                }
            }
            best.map(|(_, q)| (task, NodeId::new(q)))
        };
        batch::plan_with(view.costs(), Rule::Bil, Some(&mut choose)).emit(out);
    }
}
