//! Shared-link network state: concurrent transfers share bandwidth by max-min fairness.
//!
//! Every node has an up link and a down link of its NIC bandwidth; groups may
//! be joined by a shared link; a backplane may join everything. A flow
//! crosses the sender's up link, the group link if the nodes are in different
//! linked groups, the receiver's down link, and the backplane if there is one. After flows start or end (all changes at one instant together),
//! rates are recomputed by progressive filling ([`max_min`]) over the
//! connected components of the changed links only; the other flows keep
//! their rates, which a recomputation of the whole network would give them
//! again bit for bit.
//! Flows live in slots (struct of arrays, a free slot neither sending nor
//! finishing), so advancing every flow's progress and finding the next
//! completion are branch-free loops over two arrays.
//! This is written here rather than taken from a crate because it is the
//! simulator's own model and must interact with the engine's exact integer clock.

mod max_min;

use crate::ids::NodeId;
use crate::platform::{Network, Platform, group_pair};
use crate::time::{SimDuration, SimTime};
use max_min::{FlowLinks, MaxMin, Topology};

/// A finished flow, reported back to the engine with its tag.
pub(crate) struct FinishedFlow<T> {
    pub tag: T,
}

/// Bandwidth shares of all active flows.
pub(crate) struct FlowNetwork<T> {
    capacity: Vec<f64>,
    group_link_index: Vec<((u32, u32), usize)>,
    /// The backplane's link, which every flow crosses, if the network has one.
    backplane: Option<u32>,
    node_group: Vec<u32>,
    /// Per slot: the engine's tag of the flow in it, `None` when free.
    tag: Vec<Option<T>>,
    /// Per slot: when the flow was added (a counter), to keep the order of adding.
    added: Vec<u64>,
    /// Per slot: the links the flow crosses.
    flow_links: Vec<FlowLinks>,
    /// Per slot: bytes left to send; infinite in a free slot.
    remaining: Vec<f64>,
    /// Per slot: bytes/s; zero in a free slot.
    rate: Vec<f64>,
    free: Vec<u32>,
    n_added: u64,
    n_active: usize,
    /// Per link: the slots of the flows crossing it, oldest first.
    link_flows: Vec<Vec<u32>>,
    /// Links whose flows changed since the last recomputation.
    changed_links: Vec<u32>,
    link_changed: Vec<bool>,
    last_update: SimTime,
    /// Bumped on every recomputation so that stale wake-up events are ignored.
    pub version: u64,
    /// Flows were added, removed or taken since the last recomputation.
    dirty: bool,
    max_min: MaxMin,
    /// Scratch: finished slots with when they were added.
    finished: Vec<(u64, u32)>,
}

impl<T: Copy> FlowNetwork<T> {
    /// State for a shared network, or `None` for a dedicated one.
    pub fn new(platform: &Platform) -> Option<FlowNetwork<T>> {
        let Network::Shared {
            node_group,
            group_links,
            backplane_bandwidth,
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
        let backplane = backplane_bandwidth.map(|b| {
            capacity.push(b);
            (capacity.len() - 1) as u32
        });
        let n_links = capacity.len();
        Some(FlowNetwork {
            capacity,
            group_link_index,
            backplane,
            node_group: node_group.clone(),
            tag: Vec::new(),
            added: Vec::new(),
            flow_links: Vec::new(),
            remaining: Vec::new(),
            rate: Vec::new(),
            free: Vec::new(),
            n_added: 0,
            n_active: 0,
            link_flows: vec![Vec::new(); n_links],
            changed_links: Vec::new(),
            link_changed: vec![false; n_links],
            last_update: SimTime::ZERO,
            version: 0,
            dirty: false,
            max_min: MaxMin::default(),
            finished: Vec::new(),
        })
    }

    /// Adds a flow of `bytes` from `src` to `dst` at `now` (after its latency has passed).
    pub fn add(&mut self, now: SimTime, src: NodeId, dst: NodeId, bytes: f64, tag: T) {
        self.advance(now);
        let (up, down) = (2 * src.index() as u32, 2 * dst.index() as u32 + 1);
        let group_link = group_pair(&self.node_group, src, dst)
            .and_then(|pair| self.group_link_index.iter().find(|(p, _)| *p == pair))
            .map(|&(_, link)| link as u32);
        let links = FlowLinks::new(&[Some(up), Some(down), group_link, self.backplane]);
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.tag.push(None);
                self.added.push(0);
                self.flow_links.push(FlowLinks::default());
                self.remaining.push(f64::INFINITY);
                self.rate.push(0.0);
                (self.tag.len() - 1) as u32
            }
        };
        let s = slot as usize;
        self.tag[s] = Some(tag);
        self.added[s] = self.n_added;
        self.n_added += 1;
        self.flow_links[s] = links;
        self.remaining[s] = bytes;
        self.rate[s] = 0.0;
        self.n_active += 1;
        for &l in links.as_slice() {
            self.link_flows[l as usize].push(slot);
            self.mark_changed(l);
        }
        self.dirty = true;
    }

    /// Drops the flows whose tag matches `moot` (data nobody waits for any
    /// more) so they stop taking bandwidth; returns how many were dropped.
    pub fn cancel(&mut self, now: SimTime, moot: impl Fn(&T) -> bool) -> usize {
        self.advance(now);
        let mut dropped = 0;
        for slot in 0..self.tag.len() {
            if self.tag[slot].as_ref().is_some_and(&moot) {
                self.release(slot as u32);
                dropped += 1;
            }
        }
        self.dirty |= dropped > 0;
        dropped
    }

    /// Removes the flows that are done at `now`, in the order they were added.
    pub fn take_finished(&mut self, now: SimTime, out: &mut Vec<FinishedFlow<T>>) {
        self.advance(now);
        // A flow is done when less than one nanosecond of sending is left.
        for (slot, (&remaining, &rate)) in self.remaining.iter().zip(&self.rate).enumerate() {
            if remaining <= rate * 1e-9 {
                self.finished.push((self.added[slot], slot as u32));
            }
        }
        self.finished.sort_unstable();
        let mut finished = std::mem::take(&mut self.finished);
        for &(_, slot) in &finished {
            if let Some(tag) = self.tag[slot as usize] {
                out.push(FinishedFlow { tag });
            }
            self.release(slot);
        }
        finished.clear();
        self.finished = finished;
        // Always recompute after a wake-up, even if rounding left every flow a
        // hair short of done, so that a fresh wake-up is scheduled.
        self.dirty = true;
    }

    /// Recomputes shares if flows were added or removed since the last call.
    /// The engine calls this once per batch of same-time events, so a task
    /// whose outputs start several flows at once costs one recomputation.
    pub fn settle(&mut self) -> bool {
        if !self.dirty {
            return false;
        }
        self.version += 1;
        let topology = Topology {
            capacity: &self.capacity,
            link_flows: &self.link_flows,
            flow_links: &self.flow_links,
        };
        self.max_min.refill(&topology, &self.changed_links, &mut self.rate);
        for &l in &self.changed_links {
            self.link_changed[l as usize] = false;
        }
        self.changed_links.clear();
        self.dirty = false;
        true
    }

    /// When the next flow completes, if any flow is active.
    pub fn next_completion(&self, now: SimTime) -> Option<SimTime> {
        if self.n_active == 0 {
            return None;
        }
        // The earliest of `ceil(remaining / rate × 1e9)` ns, the least one: the
        // rounding is monotone, so it is the rounding of the least quotient.
        // A flow with nothing left at rate zero (0 / 0) is due at once.
        let mut least = f64::INFINITY;
        for (&remaining, &rate) in self.remaining.iter().zip(&self.rate) {
            let secs = remaining / rate;
            let secs = if secs.is_nan() { 0.0 } else { secs };
            least = least.min(secs);
        }
        let nanos = (least * 1e9).ceil().max(1.0);
        Some(now + SimDuration::from_nanos(nanos as u64))
    }

    fn advance(&mut self, now: SimTime) {
        let dt = (now - self.last_update).as_secs_f64();
        if dt > 0.0 {
            for (remaining, &rate) in self.remaining.iter_mut().zip(&self.rate) {
                *remaining = (*remaining - rate * dt).max(0.0);
            }
        }
        self.last_update = now;
    }

    /// Frees `slot`, taking its flow off its links.
    fn release(&mut self, slot: u32) {
        let s = slot as usize;
        let links = self.flow_links[s];
        for &l in links.as_slice() {
            let flows = &mut self.link_flows[l as usize];
            if let Some(at) = flows.iter().position(|&f| f == slot) {
                flows.remove(at);
            }
            self.mark_changed(l);
        }
        self.tag[s] = None;
        self.remaining[s] = f64::INFINITY;
        self.rate[s] = 0.0;
        self.n_active -= 1;
        self.free.push(slot);
    }

    fn mark_changed(&mut self, link: u32) {
        if !self.link_changed[link as usize] {
            self.link_changed[link as usize] = true;
            self.changed_links.push(link);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt as _, SeedableRng as _};
    use rand_chacha::ChaCha8Rng;

    /// The active flows' slots, oldest first.
    fn active_slots<T>(net: &FlowNetwork<T>) -> Vec<usize> {
        let mut slots: Vec<usize> = (0..net.tag.len()).filter(|&s| net.tag[s].is_some()).collect();
        slots.sort_by_key(|&s| net.added[s]);
        slots
    }

    /// Progressive filling of the whole network by scanning every link per
    /// step: the textbook algorithm, which the incremental filling over
    /// changed components must reproduce bit for bit. Rates of `slots`, in order.
    fn rates_by_scan<T>(net: &FlowNetwork<T>, slots: &[usize]) -> Vec<f64> {
        let mut cap = net.capacity.clone();
        let mut count = vec![0u32; cap.len()];
        let mut link_flows = vec![Vec::new(); cap.len()];
        for (i, &s) in slots.iter().enumerate() {
            for &l in net.flow_links[s].as_slice() {
                count[l as usize] += 1;
                link_flows[l as usize].push(i);
            }
        }
        let mut rates = vec![f64::NAN; slots.len()];
        let mut n_unfrozen = slots.len();
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
                    for &l in net.flow_links[slots[i]].as_slice() {
                        cap[l as usize] -= share;
                        count[l as usize] -= 1;
                    }
                }
            }
        }
        rates
    }

    /// `platform` with a backplane of `bandwidth` (a shared network's).
    fn with_backplane(platform: Platform, bandwidth: Option<f64>) -> Platform {
        let mut spec = platform.spec().clone();
        if let crate::platform::NetworkSpec::Shared {
            backplane_bandwidth, ..
        } = &mut spec.network
        {
            *backplane_bandwidth = bandwidth;
        }
        Platform::new(spec).unwrap()
    }

    /// Random starts, completions and cancellations over time on platforms
    /// with group links, one with a backplane too; after every recomputation
    /// each active flow's rate equals the whole-network scan's.
    #[test]
    fn incremental_filling_matches_the_whole_network_scan_bit_for_bit() {
        for (preset, n_nodes, backplane) in [
            ("edge-cloud", 24, None),
            ("heterogeneous", 16, None),
            ("edge-cloud", 24, Some(3e9)),
        ] {
            let platform = with_backplane(crate::presets::preset(preset, n_nodes).unwrap(), backplane);
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            for round in 0..40 {
                let mut net: FlowNetwork<u32> = FlowNetwork::new(&platform).unwrap();
                let mut now = SimTime::ZERO;
                let mut finished = Vec::new();
                let mut n_finished = 0;
                for step in 0..60u32 {
                    for i in 0..rng.random_range(0..6) {
                        let src = NodeId::new(rng.random_range(0..n_nodes as usize));
                        let dst = NodeId::new(rng.random_range(0..n_nodes as usize));
                        net.add(now, src, dst, rng.random_range(1e3..1e8), step * 8 + i);
                    }
                    if rng.random_bool(0.1) {
                        let victim = rng.random_range(0..8);
                        net.cancel(now, |&tag| tag % 8 == victim);
                    }
                    if !net.settle() {
                        continue;
                    }
                    let slots = active_slots(&net);
                    for (&s, expected) in slots.iter().zip(rates_by_scan(&net, &slots)) {
                        assert_eq!(
                            net.rate[s].to_bits(),
                            expected.to_bits(),
                            "{preset}, round {round}, step {step}"
                        );
                    }
                    if let Some(at) = net.next_completion(now) {
                        now = at;
                        net.take_finished(now, &mut finished);
                        n_finished += finished.len();
                        finished.clear();
                    }
                }
                assert!(n_finished > 0, "{preset}, round {round}: flows finish");
            }
        }
    }

    /// Finished flows come back in the order they were added, whatever slots they took.
    #[test]
    fn flows_finish_in_the_order_they_were_added() {
        let platform = crate::presets::preset("heterogeneous", 4).unwrap();
        let mut net: FlowNetwork<u32> = FlowNetwork::new(&platform).unwrap();
        let node = NodeId::new;
        net.add(SimTime::ZERO, node(0), node(1), 1e6, 0);
        net.add(SimTime::ZERO, node(2), node(3), 1e9, 1);
        net.settle();
        let first = net.next_completion(SimTime::ZERO).unwrap();
        let mut finished = Vec::new();
        net.take_finished(first, &mut finished);
        assert_eq!(finished.iter().map(|f| f.tag).collect::<Vec<_>>(), [0]);
        // Flow 2 reuses flow 0's slot, below flow 1's.
        net.add(first, node(0), node(3), 1e6, 2);
        net.add(first, node(1), node(2), 1e6, 3);
        net.settle();
        let far = first + SimDuration::from_secs_f64(1e3);
        finished.clear();
        net.take_finished(far, &mut finished);
        assert_eq!(finished.iter().map(|f| f.tag).collect::<Vec<_>>(), [1, 2, 3]);
    }
}
