//! Max-min fair shares by progressive filling, recomputed only over the
//! connected components of the links whose flows changed.
//!
//! Links and flows form a bipartite graph (a flow touches the links it
//! crosses). Progressive filling repeatedly takes the link whose remaining
//! capacity divided by its unfrozen flows is smallest (ties: the lowest link
//! index), gives those flows that share and removes them. A step changes only
//! the capacities of links in the component of the picked link, so the steps
//! taken within one component, and every floating-point operation they do, are
//! the same whether the other components are filled alongside or not: filling
//! only the components that a change touched gives, bit for bit, the rates of
//! filling the whole network, and the other components keep theirs.
//!
//! The smallest share comes from a heap of (share, link) entries, one pushed
//! per link whose share a step changed and skipped when stale, so a step costs
//! O(changed links × log) rather than a scan of every link; the picks are the
//! same as the scan's.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// The flows and links progressive filling reads: per link the flows crossing
/// it in the order they were added, per flow the links it crosses.
pub(super) struct Topology<'a> {
    /// Capacity of each link in bytes/s.
    pub capacity: &'a [f64],
    /// Flow slots crossing each link, oldest first.
    pub link_flows: &'a [Vec<u32>],
    /// Links crossed by each flow slot.
    pub flow_links: &'a [FlowLinks],
}

/// The (up to four) links a flow crosses: up, down, group link, backplane.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct FlowLinks {
    links: [u32; 4],
    n_links: u8,
}

impl FlowLinks {
    /// The links given, in order, skipping the `None`s.
    pub fn new(links: &[Option<u32>; 4]) -> FlowLinks {
        let mut res = FlowLinks::default();
        for &link in links.iter().flatten() {
            res.links[usize::from(res.n_links)] = link;
            res.n_links += 1;
        }
        res
    }

    /// The links, in the order given.
    pub fn as_slice(&self) -> &[u32] {
        &self.links[..self.n_links as usize]
    }
}

/// Scratch state of progressive filling, kept between recomputations so that
/// a recomputation allocates nothing once the network has reached its size.
#[derive(Default)]
pub(super) struct MaxMin {
    cap: Vec<f64>,
    count: Vec<u32>,
    /// Per link: reached by the current component search.
    link_seen: Vec<bool>,
    /// Per flow slot: frozen (its rate given) in the current filling.
    frozen: Vec<bool>,
    /// Links of the components being filled.
    component: Vec<u32>,
    /// Candidate bottlenecks: (share, link) as of when each was pushed.
    heap: BinaryHeap<Reverse<(Share, u32)>>,
    /// Links whose share changed in the current step, and their flags.
    changed: Vec<u32>,
    touched: Vec<bool>,
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

impl MaxMin {
    /// Sets `rate` of every flow in the components of the links `seeds`.
    /// Rates of other flows are not touched.
    pub fn refill(&mut self, topology: &Topology<'_>, seeds: &[u32], rate: &mut [f64]) {
        let n_links = topology.capacity.len();
        self.cap.resize(n_links, 0.0);
        self.count.resize(n_links, 0);
        self.link_seen.resize(n_links, false);
        self.touched.resize(n_links, false);
        self.frozen.resize(topology.flow_links.len(), false);
        let n_flows = self.find_components(topology, seeds);
        self.fill(topology, n_flows, rate);
        for &l in &self.component {
            self.link_seen[l as usize] = false;
        }
        self.component.clear();
    }

    /// Collects the links connected to `seeds` in `component`, resets their
    /// capacities and counts, marks their flows unfrozen; returns the number
    /// of flows.
    fn find_components(&mut self, topology: &Topology<'_>, seeds: &[u32]) -> usize {
        let mut n_flows = 0;
        for &seed in seeds {
            if !self.link_seen[seed as usize] {
                self.link_seen[seed as usize] = true;
                self.component.push(seed);
            }
        }
        // `component` doubles as the search's queue: links from `next` on are
        // reached but not yet expanded.
        let mut next = 0;
        while let Some(&link) = self.component.get(next) {
            next += 1;
            let flows = &topology.link_flows[link as usize];
            self.cap[link as usize] = topology.capacity[link as usize];
            self.count[link as usize] = flows.len() as u32;
            for &slot in flows {
                let links = topology.flow_links[slot as usize].as_slice();
                // A flow is counted at the first of its links, whichever
                // order the search reaches them in.
                if links[0] == link {
                    n_flows += 1;
                    self.frozen[slot as usize] = false;
                }
                for &l in links {
                    if !self.link_seen[l as usize] {
                        self.link_seen[l as usize] = true;
                        self.component.push(l);
                    }
                }
            }
        }
        n_flows
    }

    /// Progressive filling of the `n_flows` flows of `component`.
    fn fill(&mut self, topology: &Topology<'_>, n_flows: usize, rate: &mut [f64]) {
        let share_of = |cap: &[f64], count: &[u32], l: u32| cap[l as usize].max(0.0) / f64::from(count[l as usize]);
        self.heap.clear();
        for &l in &self.component {
            if self.count[l as usize] > 0 {
                let share = share_of(&self.cap, &self.count, l);
                self.heap.push(Reverse((Share(share), l)));
            }
        }
        let mut n_unfrozen = n_flows;
        while n_unfrozen > 0 {
            let Some(Reverse((Share(share), link))) = self.heap.pop() else {
                break;
            };
            let stale =
                self.count[link as usize] == 0 || share_of(&self.cap, &self.count, link).to_bits() != share.to_bits();
            if stale {
                continue;
            }
            for &slot in &topology.link_flows[link as usize] {
                let slot = slot as usize;
                if self.frozen[slot] {
                    continue;
                }
                self.frozen[slot] = true;
                n_unfrozen -= 1;
                rate[slot] = share;
                for &l in topology.flow_links[slot].as_slice() {
                    self.cap[l as usize] -= share;
                    self.count[l as usize] -= 1;
                    if !self.touched[l as usize] {
                        self.touched[l as usize] = true;
                        self.changed.push(l);
                    }
                }
            }
            // Each link whose share changed gets one fresh entry (the ones it
            // replaces fail the check above when popped).
            for &l in &self.changed {
                self.touched[l as usize] = false;
                if self.count[l as usize] > 0 {
                    let share = share_of(&self.cap, &self.count, l);
                    self.heap.push(Reverse((Share(share), l)));
                }
            }
            self.changed.clear();
        }
    }
}
