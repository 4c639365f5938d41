//! Shared-link network state: concurrent transfers share bandwidth by max-min fairness.
//!
//! Every node has an up link and a down link of its NIC bandwidth; groups may
//! be joined by a shared link. A flow crosses the sender's up link, the group
//! link if the nodes are in different linked groups, and the receiver's down
//! link. Whenever a flow starts or ends, rates are recomputed by progressive
//! filling (the classic max-min algorithm): repeatedly find the link whose
//! remaining capacity divided by its unfrozen flows is smallest (ties: the
//! lowest link index), give those flows that share, and remove them. The
//! smallest share comes from a heap of (share, link) entries, one pushed per
//! link whose share a step changed and skipped when stale, so a step costs
//! O(changed links × log) rather than a scan of every active link; the
//! picks, and so every rate, are the same as the scan's.
//! This is written here rather than taken
//! from a crate because it is the simulator's own model and must interact
//! with the engine's exact integer clock.

use crate::ids::NodeId;
use crate::platform::{Network, Platform, group_pair};
use crate::time::{SimDuration, SimTime};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// A flow in progress, carrying the engine's `tag` for it.
#[derive(Clone, Debug)]
struct Flow<T> {
    tag: T,
    links: [u32; 3],
    n_links: u8,
    remaining: f64,
    rate: f64,
}

/// A finished flow, reported back to the engine with its tag.
pub(crate) struct FinishedFlow<T> {
    pub tag: T,
}

/// Bandwidth shares of all active flows.
pub(crate) struct FlowNetwork<T> {
    capacity: Vec<f64>,
    group_link_index: Vec<((u32, u32), usize)>,
    node_group: Vec<u32>,
    flows: Vec<Flow<T>>,
    last_update: SimTime,
    /// Bumped on every change so that stale wake-up events are ignored.
    pub version: u64,
    /// Flows were added or removed since the last recomputation.
    dirty: bool,
    // Scratch buffers reused across recomputations.
    scratch_cap: Vec<f64>,
    scratch_count: Vec<u32>,
    scratch_frozen: Vec<bool>,
    /// Flows crossing each link, rebuilt per recomputation.
    scratch_link_flows: Vec<Vec<u32>>,
    /// Links crossed by at least one flow.
    scratch_active: Vec<u32>,
    /// Candidate bottlenecks: (share, link) as of when each was pushed.
    scratch_heap: BinaryHeap<Reverse<(Share, u32)>>,
    /// Links whose share changed in the current step, and their flags.
    scratch_changed: Vec<u32>,
    scratch_touched: Vec<bool>,
}

/// A link's fair share in bytes/s, ordered as a number (shares are finite
/// and non-negative, so `total_cmp` orders them as `<` does).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Share(f64);

impl Eq for Share {}

impl PartialOrd for Share {
    fn partial_cmp(&self, other: &Share) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Share {
    fn cmp(&self, other: &Share) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl<T: Copy> FlowNetwork<T> {
    /// State for a shared network, or `None` for a dedicated one.
    pub fn new(platform: &Platform) -> Option<FlowNetwork<T>> {
        let Network::Shared {
            node_group,
            group_links,
            ..
        } = platform.network()
        else {
            return None;
        };
        let mut capacity: Vec<f64> = platform
            .nodes()
            .iter()
            .flat_map(|n| [n.nic_bandwidth, n.nic_bandwidth])
            .collect();
        let mut group_link_index = Vec::new();
        for (&pair, (_, link)) in group_links {
            group_link_index.push((pair, capacity.len()));
            capacity.push(link.bandwidth);
        }
        let n_links = capacity.len();
        Some(FlowNetwork {
            capacity,
            group_link_index,
            node_group: node_group.clone(),
            flows: Vec::new(),
            last_update: SimTime::ZERO,
            version: 0,
            scratch_cap: vec![0.0; n_links],
            scratch_count: vec![0; n_links],
            scratch_frozen: Vec::new(),
            scratch_link_flows: vec![Vec::new(); n_links],
            scratch_active: Vec::new(),
            scratch_heap: BinaryHeap::new(),
            scratch_changed: Vec::new(),
            scratch_touched: vec![false; n_links],
            dirty: false,
        })
    }

    /// Adds a flow of `bytes` from `src` to `dst` at `now` (after its latency has passed).
    pub fn add(&mut self, now: SimTime, src: NodeId, dst: NodeId, bytes: f64, tag: T) {
        self.advance(now);
        let mut links = [2 * src.index() as u32, 2 * dst.index() as u32 + 1, 0];
        let mut n_links = 2;
        if let Some(pair) = group_pair(&self.node_group, src, dst)
            && let Some(&(_, link)) = self.group_link_index.iter().find(|(p, _)| *p == pair)
        {
            links[2] = link as u32;
            n_links = 3;
        }
        self.flows.push(Flow {
            tag,
            links,
            n_links,
            remaining: bytes,
            rate: 0.0,
        });
        self.dirty = true;
    }

    /// Drops the flows whose tag matches `moot` (data nobody waits for any
    /// more) so they stop taking bandwidth; returns how many were dropped.
    pub fn cancel(&mut self, now: SimTime, moot: impl Fn(&T) -> bool) -> usize {
        self.advance(now);
        let before = self.flows.len();
        self.flows.retain(|f| !moot(&f.tag));
        let dropped = before - self.flows.len();
        self.dirty |= dropped > 0;
        dropped
    }

    /// Removes the flows that are done at `now`, in the order they were added.
    pub fn take_finished(&mut self, now: SimTime, out: &mut Vec<FinishedFlow<T>>) {
        self.advance(now);
        // A flow is done when less than one nanosecond of sending is left.
        self.flows.retain(|f| {
            let done = f.remaining <= f.rate * 1e-9;
            if done {
                out.push(FinishedFlow { tag: f.tag });
            }
            !done
        });
        // Always recompute after a wake-up, even if rounding left every flow a
        // hair short of done, so that a fresh wake-up is scheduled.
        self.dirty = true;
    }

    /// Recomputes shares if flows were added or removed since the last call.
    /// The engine calls this once per batch of same-time events, so a task
    /// whose outputs start several flows at once costs one recomputation.
    pub fn settle(&mut self) -> bool {
        if self.dirty {
            self.recompute();
            self.dirty = false;
            true
        } else {
            false
        }
    }

    /// When the next flow completes, if any flow is active.
    pub fn next_completion(&self, now: SimTime) -> Option<SimTime> {
        self.flows
            .iter()
            .map(|f| {
                let nanos = (f.remaining / f.rate * 1e9).ceil().max(1.0);
                now + SimDuration::from_nanos(nanos as u64)
            })
            .min()
    }

    fn advance(&mut self, now: SimTime) {
        let dt = (now - self.last_update).as_secs_f64();
        if dt > 0.0 {
            for f in &mut self.flows {
                f.remaining = (f.remaining - f.rate * dt).max(0.0);
            }
        }
        self.last_update = now;
    }

    fn recompute(&mut self) {
        self.version += 1;
        let n_flows = self.flows.len();
        self.scratch_cap.copy_from_slice(&self.capacity);
        self.scratch_count.iter_mut().for_each(|c| *c = 0);
        for &l in &self.scratch_active {
            self.scratch_link_flows[l as usize].clear();
        }
        self.scratch_active.clear();
        self.scratch_frozen.clear();
        self.scratch_frozen.resize(n_flows, false);
        for (i, f) in self.flows.iter().enumerate() {
            for &l in &f.links[..f.n_links as usize] {
                if self.scratch_count[l as usize] == 0 {
                    self.scratch_active.push(l);
                }
                self.scratch_count[l as usize] += 1;
                self.scratch_link_flows[l as usize].push(i as u32);
            }
        }
        // Progressive filling.
        let share_of = |cap: &[f64], count: &[u32], l: u32| cap[l as usize].max(0.0) / f64::from(count[l as usize]);
        self.scratch_heap.clear();
        for &l in &self.scratch_active {
            let share = share_of(&self.scratch_cap, &self.scratch_count, l);
            self.scratch_heap.push(Reverse((Share(share), l)));
        }
        let mut n_unfrozen = n_flows;
        while n_unfrozen > 0 {
            let Some(Reverse((Share(share), link))) = self.scratch_heap.pop() else {
                break;
            };
            let stale = self.scratch_count[link as usize] == 0
                || share_of(&self.scratch_cap, &self.scratch_count, link).to_bits() != share.to_bits();
            if stale {
                continue;
            }
            for &i in &self.scratch_link_flows[link as usize] {
                let i = i as usize;
                if self.scratch_frozen[i] {
                    continue;
                }
                self.scratch_frozen[i] = true;
                n_unfrozen -= 1;
                let f = &mut self.flows[i];
                f.rate = share;
                for &l in &f.links[..f.n_links as usize] {
                    self.scratch_cap[l as usize] -= share;
                    self.scratch_count[l as usize] -= 1;
                    if !self.scratch_touched[l as usize] {
                        self.scratch_touched[l as usize] = true;
                        self.scratch_changed.push(l);
                    }
                }
            }
            // Each link whose share changed gets one fresh entry (the ones it
            // replaces fail the check above when popped).
            for &l in &self.scratch_changed {
                self.scratch_touched[l as usize] = false;
                if self.scratch_count[l as usize] > 0 {
                    let share = share_of(&self.scratch_cap, &self.scratch_count, l);
                    self.scratch_heap.push(Reverse((Share(share), l)));
                }
            }
            self.scratch_changed.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt as _, SeedableRng as _};
    use rand_chacha::ChaCha8Rng;

    /// Progressive filling by scanning every active link per step: the
    /// textbook algorithm the heap must reproduce bit for bit.
    fn rates_by_scan<T>(net: &FlowNetwork<T>) -> Vec<f64> {
        let mut cap = net.capacity.clone();
        let mut count = vec![0u32; cap.len()];
        let mut link_flows = vec![Vec::new(); cap.len()];
        for (i, f) in net.flows.iter().enumerate() {
            for &l in &f.links[..f.n_links as usize] {
                count[l as usize] += 1;
                link_flows[l as usize].push(i);
            }
        }
        let mut rates = vec![f64::NAN; net.flows.len()];
        let mut n_unfrozen = net.flows.len();
        while n_unfrozen > 0 {
            let mut best: Option<(f64, usize)> = None;
            for l in 0..cap.len() {
                if count[l] > 0 {
                    let share = cap[l].max(0.0) / f64::from(count[l]);
                    if best.is_none_or(|(s, _)| share < s) {
                        best = Some((share, l));
                    }
                }
            }
            let (share, link) = best.expect("an unfrozen flow crosses a link");
            for &i in &link_flows[link] {
                if rates[i].is_nan() {
                    rates[i] = share;
                    n_unfrozen -= 1;
                    let f = &net.flows[i];
                    for &l in &f.links[..f.n_links as usize] {
                        cap[l as usize] -= share;
                        count[l as usize] -= 1;
                    }
                }
            }
        }
        rates
    }

    #[test]
    fn heap_filling_matches_the_scan_bit_for_bit() {
        let platform = crate::presets::preset("edge-cloud", 24).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for round in 0..200 {
            let mut net: FlowNetwork<u32> = FlowNetwork::new(&platform).unwrap();
            let n_flows = rng.random_range(1..120);
            for i in 0..n_flows {
                let src = NodeId::new(rng.random_range(0..24));
                let dst = NodeId::new(rng.random_range(0..24));
                net.add(SimTime::ZERO, src, dst, 1e6, i);
            }
            assert!(net.settle());
            let by_scan = rates_by_scan(&net);
            for (f, expected) in net.flows.iter().zip(by_scan) {
                assert_eq!(f.rate.to_bits(), expected.to_bits(), "round {round}");
            }
        }
    }
}
