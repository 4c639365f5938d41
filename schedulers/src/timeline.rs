//! Per-node reservation timelines used by static planners (insertion-based list scheduling).
//!
//! A node with `c` cores is modelled as `c` lanes; a sequential task occupies
//! one lane, a task with `k` cores occupies `k` lanes over the same interval.
//! Each lane keeps its busy intervals sorted by start. Finding the earliest
//! slot is a search back from the lane's end to the first interval that ends
//! after the ready time plus a forward scan over gaps: in list schedules the
//! ready time is almost always near the end of a lane, so both are short and
//! planning stays near-linear in practice (worst case linear per lane).

use sim::{NodeId, Platform, SimDuration, SimTime};
use smallvec::{SmallVec, smallvec};

/// A busy interval `[start, end)` on one lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Busy {
    start: SimTime,
    end: SimTime,
}

/// Reservations on every lane of every node.
#[derive(Clone, Debug)]
pub struct Timelines {
    /// `lanes[node]` holds one sorted interval list per core.
    lanes: Vec<Vec<Vec<Busy>>>,
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
        Timelines {
            lanes: platform
                .nodes()
                .iter()
                .map(|n| vec![Vec::new(); n.cores as usize])
                .collect(),
        }
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
                let start = if insertion {
                    earliest_gap(lane, ready, duration)
                } else {
                    append_start(lane, ready)
                };
                if best.is_none_or(|(b, _)| start < b) {
                    best = Some((start, i as u32));
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
            .map(|(i, lane)| (append_start(lane, SimTime::ZERO), i as u32))
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
            let at = lane.partition_point(|b| *b <= busy);
            lane.insert(at, busy);
        }
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
            if let Ok(at) = lane.binary_search(&busy) {
                lane.remove(at);
            }
        }
    }

    /// When the last reservation on `node` ends.
    pub fn node_end(&self, node: NodeId) -> SimTime {
        self.lanes[node.index()]
            .iter()
            .filter_map(|l| l.last())
            .map(|b| b.end)
            .max()
            .unwrap_or(SimTime::ZERO)
    }
}

fn append_start(lane: &[Busy], ready: SimTime) -> SimTime {
    lane.last().map_or(ready, |b| b.end.max(ready))
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
