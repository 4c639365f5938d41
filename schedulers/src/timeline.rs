//! Per-node reservation timelines used by static planners (insertion-based list scheduling).
//!
//! A node with `c` cores is modelled as `c` lanes; a sequential task occupies
//! one lane, a task with `k` cores occupies `k` lanes over the same interval.
//! Each lane keeps its busy intervals sorted by start. Finding the earliest
//! slot is a search back from the lane's end to the first interval that ends
//! after the ready time plus a forward scan over gaps: in list schedules the
//! ready time is almost always near the end of a lane, so both are short and
//! planning stays near-linear in practice (worst case linear per lane).
//!
//! Each node also keeps a summary that answers most single-core queries
//! without touching its lanes ([`Timelines::quick_start`]): when its lanes
//! free up, and a bound on where its idle gaps end. Planners that try every
//! node for every task (HEFT on 1,024 nodes) use it to skip the search on
//! nodes whose gaps all end too early to hold the task.

use sim::{NodeId, Platform, SimDuration, SimTime};
use smallvec::{SmallVec, smallvec};

/// A busy interval `[start, end)` on one lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Busy {
    start: SimTime,
    end: SimTime,
}

/// One core's reservations.
#[derive(Clone, Debug, Default)]
struct Lane {
    /// Busy intervals, sorted and disjoint.
    busy: Vec<Busy>,
    /// At or after the end of every idle gap of positive length before the
    /// last interval (the gap before the first one included). Kept as a
    /// bound rather than exactly: filling a gap does not lower it.
    hole_end: SimTime,
}

impl Lane {
    fn end(&self) -> SimTime {
        self.busy.last().map_or(SimTime::ZERO, |b| b.end)
    }
}

/// Reservations on every lane of every node.
#[derive(Clone, Debug)]
pub struct Timelines {
    /// `lanes[node]` holds one lane per core.
    lanes: Vec<Vec<Lane>>,
    /// Per node: when its earliest-free lane frees up for good.
    free_at: Vec<SimTime>,
    /// Per node: the largest [`Lane::hole_end`] over its lanes.
    hole_end: Vec<SimTime>,
}

/// Where a task would go: its start and the lanes it would hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// Start time.
    pub start: SimTime,
    /// Lanes (core indices) held. Inline for up to four: planners try
    /// every node for every task, and a heap allocation per try showed in
    /// profiles.
    pub lanes: SmallVec<[u32; 4]>,
}

impl Timelines {
    /// Empty timelines for every node of `platform`.
    pub fn new(platform: &Platform) -> Timelines {
        let n_nodes = platform.node_count();
        Timelines {
            lanes: platform
                .nodes()
                .iter()
                .map(|n| vec![Lane::default(); n.cores as usize])
                .collect(),
            free_at: vec![SimTime::ZERO; n_nodes],
            hole_end: vec![SimTime::ZERO; n_nodes],
        }
    }

    /// Timelines whose cores are held from time 0 until `free_at(node)[core]`
    /// (earlier work a planner must plan around; see
    /// [`sim::CostModel::with_cores_free_at`]).
    pub fn with_cores_free_at<'f>(platform: &Platform, free_at: impl Fn(NodeId) -> &'f [SimTime]) -> Timelines {
        let mut timelines = Timelines::new(platform);
        for node in platform.node_ids() {
            let held = free_at(node);
            if held.is_empty() {
                continue;
            }
            for (lane, &end) in timelines.lanes[node.index()].iter_mut().zip(held) {
                if end > SimTime::ZERO {
                    lane.busy.push(Busy {
                        start: SimTime::ZERO,
                        end,
                    });
                }
            }
            timelines.summarise(node);
        }
        timelines
    }

    /// The start [`Timelines::earliest`] gives a single-core task on `node`,
    /// when the node's summary settles it: without insertion, or when every
    /// idle gap of the node ends before `ready + duration`, the task can only
    /// go after the end of the earliest-free lane. `None` when a gap might
    /// hold it (or for zero-length tasks, which fit even between
    /// back-to-back reservations): then only the search knows.
    pub fn quick_start(&self, node: NodeId, ready: SimTime, duration: SimDuration, insertion: bool) -> Option<SimTime> {
        let i = node.index();
        summary_start(self.free_at[i], self.hole_end[i], ready, duration, insertion)
    }

    /// Earliest start `≥ ready` of a task taking `duration` on `cores` lanes of `node`.
    ///
    /// With `insertion`, a single-lane task may go into an idle gap between
    /// reservations; otherwise (and always for multi-lane tasks) it goes after
    /// the last reservation of the chosen lanes.
    pub fn earliest(&self, node: NodeId, ready: SimTime, duration: SimDuration, cores: u32, insertion: bool) -> Slot {
        let lanes = &self.lanes[node.index()];
        if cores == 1 {
            let mut best: Option<(SimTime, u32)> = None;
            for (i, lane) in lanes.iter().enumerate() {
                // A lane whose gaps all end too early appends (see `quick_start`).
                let no_gap_fits = duration > SimDuration::ZERO && lane.hole_end < ready + duration;
                let start = if insertion && !no_gap_fits {
                    earliest_gap(&lane.busy, ready, duration)
                } else {
                    lane.end().max(ready)
                };
                if best.is_none_or(|(b, _)| start < b) {
                    best = Some((start, i as u32));
                    if start == ready {
                        break; // No lane starts sooner, and later lanes lose ties.
                    }
                }
            }
            let (start, lane) = best.unwrap_or((ready, 0));
            return Slot {
                start,
                lanes: smallvec![lane],
            };
        }
        let mut ends: Vec<(SimTime, u32)> = lanes
            .iter()
            .enumerate()
            .map(|(i, lane)| (lane.end(), i as u32))
            .collect();
        ends.sort_unstable();
        ends.truncate(cores as usize);
        let start = ends.iter().map(|e| e.0).max().unwrap_or(SimTime::ZERO).max(ready);
        Slot {
            start,
            lanes: ends.into_iter().map(|e| e.1).collect(),
        }
    }

    /// Reserves `slot` for `duration` on `node`.
    pub fn reserve(&mut self, node: NodeId, slot: &Slot, duration: SimDuration) {
        let busy = Busy {
            start: slot.start,
            end: slot.start + duration,
        };
        for &lane in &slot.lanes {
            let lane = &mut self.lanes[node.index()][lane as usize];
            let at = lane.busy.partition_point(|b| *b <= busy);
            lane.busy.insert(at, busy);
            // The gap before the new interval, and the one after it (which
            // was part of a gap whose end is already counted).
            let before = if at == 0 { SimTime::ZERO } else { lane.busy[at - 1].end };
            if busy.start > before {
                lane.hole_end = lane.hole_end.max(busy.start);
            }
        }
        self.summarise(node);
    }

    /// Undoes [`Timelines::reserve`] of the same `slot` and `duration`; a
    /// reservation that is not there is left alone.
    pub fn release(&mut self, node: NodeId, slot: &Slot, duration: SimDuration) {
        let busy = Busy {
            start: slot.start,
            end: slot.start + duration,
        };
        for &lane in &slot.lanes {
            let lane = &mut self.lanes[node.index()][lane as usize];
            if let Ok(at) = lane.busy.binary_search(&busy) {
                lane.busy.remove(at);
                // The freed interval widens the gap before its successor.
                if let Some(next) = lane.busy.get(at) {
                    lane.hole_end = lane.hole_end.max(next.start);
                }
            }
        }
        self.summarise(node);
    }

    /// Recomputes `node`'s summary from its lanes (O(cores)).
    fn summarise(&mut self, node: NodeId) {
        let lanes = &self.lanes[node.index()];
        self.free_at[node.index()] = lanes.iter().map(Lane::end).min().unwrap_or(SimTime::ZERO);
        self.hole_end[node.index()] = lanes.iter().map(|l| l.hole_end).max().unwrap_or(SimTime::ZERO);
    }

    /// When `node`'s earliest-free lane frees up for good (its summary).
    pub(crate) fn free_at(&self, node: NodeId) -> SimTime {
        self.free_at[node.index()]
    }

    /// At or after the end of every idle gap on `node` (its summary).
    pub(crate) fn hole_end(&self, node: NodeId) -> SimTime {
        self.hole_end[node.index()]
    }

    /// When the last reservation on `node` ends.
    pub fn node_end(&self, node: NodeId) -> SimTime {
        self.lanes[node.index()]
            .iter()
            .map(Lane::end)
            .max()
            .unwrap_or(SimTime::ZERO)
    }
}

/// [`Timelines::quick_start`] from a summary: the earliest-free lane's
/// `free_at` and the gap bound `hole_end`, of one node or (as a lower bound on
/// their starts) of several.
pub(crate) fn summary_start(
    free_at: SimTime,
    hole_end: SimTime,
    ready: SimTime,
    duration: SimDuration,
    insertion: bool,
) -> Option<SimTime> {
    let no_gap_fits = !insertion || (duration > SimDuration::ZERO && hole_end < ready + duration);
    no_gap_fits.then(|| free_at.max(ready))
}

fn earliest_gap(lane: &[Busy], ready: SimTime, duration: SimDuration) -> SimTime {
    let first = first_ending_after(lane, ready);
    let mut candidate = ready;
    for b in &lane[first..] {
        if candidate + duration <= b.start {
            return candidate;
        }
        candidate = candidate.max(b.end);
    }
    candidate
}

/// The index of the first interval of `lane` that ends after `ready`.
///
/// Intervals are disjoint and sorted, so their ends are sorted too and a
/// binary search would do; but in list schedules `ready` is usually near the
/// lane's end, so this gallops back from the end (probing 1, 2, 4, … intervals
/// back) and binary-searches only the last stride: O(log d) for the d
/// intervals after `ready`, touching only the lane's hot tail. Profiling HEFT
/// on 10^5 tasks showed the plain binary search's cache misses as the
/// planner's largest cost.
fn first_ending_after(lane: &[Busy], ready: SimTime) -> usize {
    // Invariant: every interval in `lane[after..]` ends after `ready`.
    let mut after = lane.len();
    let mut stride = 1;
    while after > 0 {
        let probe = after.saturating_sub(stride);
        if lane[probe].end <= ready {
            return probe + 1 + lane[probe + 1..after].partition_point(|b| b.end <= ready);
        }
        after = probe;
        stride *= 2;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: u64) -> SimTime {
        SimTime::from_nanos(s)
    }

    #[test]
    fn galloping_search_agrees_with_binary_search() {
        for n in 0..40u64 {
            // Intervals [10i, 10i + 5) with the gaps after them.
            let lane: Vec<Busy> = (0..n)
                .map(|i| Busy {
                    start: t(10 * i),
                    end: t(10 * i + 5),
                })
                .collect();
            for ready in 0..10 * n + 10 {
                let expected = lane.partition_point(|b| b.end <= t(ready));
                assert_eq!(
                    first_ending_after(&lane, t(ready)),
                    expected,
                    "{n} intervals, ready {ready}"
                );
            }
        }
    }

    /// `earliest` (with its shortcuts) against the plain minimum over lanes
    /// of each lane's own search, on reservations of random tasks.
    #[test]
    fn earliest_matches_the_plain_search_over_lanes() {
        let platform = sim::Platform::from_toml(
            r#"name = "lanes"
nodes = [{ name = "n", cores = 3, speed = 1.0, power = { idle_w = 1.0, busy_core_w = 1.0 } }]
network = { model = "dedicated", latency = 0.0, bandwidth = 1.0 }
"#,
        )
        .unwrap();
        let n = NodeId::new(0);
        // A small linear congruential sequence: deterministic, no RNG needed.
        let mut x = 12345u64;
        let mut next = |m: u64| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        for _ in 0..50 {
            let mut tl = Timelines::new(&platform);
            for _ in 0..40 {
                let (ready, d) = (t(next(60)), SimDuration::from_nanos(next(6)));
                for insertion in [true, false] {
                    let plain = tl.lanes[0]
                        .iter()
                        .enumerate()
                        .map(|(i, lane)| {
                            let start = if insertion {
                                earliest_gap(&lane.busy, ready, d)
                            } else {
                                lane.end().max(ready)
                            };
                            (start, i as u32)
                        })
                        .min()
                        .unwrap();
                    let slot = tl.earliest(n, ready, d, 1, insertion);
                    assert_eq!((slot.start, slot.lanes[0]), plain);
                }
                let slot = tl.earliest(n, ready, d, 1, next(2) == 0);
                tl.reserve(n, &slot, d);
            }
        }
    }

    #[test]
    fn insertion_finds_gap_and_append_does_not() {
        let platform = sim::presets::preset("homogeneous", 1).unwrap();
        let mut tl = Timelines::new(&platform);
        let n = NodeId::new(0);
        tl.reserve(
            n,
            &Slot {
                start: t(0),
                lanes: smallvec![0],
            },
            SimDuration::from_nanos(10),
        );
        tl.reserve(
            n,
            &Slot {
                start: t(30),
                lanes: smallvec![0],
            },
            SimDuration::from_nanos(10),
        );
        let d = SimDuration::from_nanos(15);
        assert_eq!(tl.earliest(n, t(5), d, 1, true).start, t(10));
        assert_eq!(tl.earliest(n, t(5), d, 1, false).start, t(40));
        assert_eq!(tl.earliest(n, t(20), d, 1, true).start, t(40));
        assert_eq!(tl.node_end(n), t(40));
    }
}
