//! A problem instance as the adversarial search changes it: task works, edge
//! bytes, node speeds and link bandwidths of a contention-free platform
//! (related machines on a complete network), and PISA's moves over them.
//! On the shared network model a node's NIC bandwidth takes the place of the
//! per-pair bandwidths (the model has no per-pair links), and the bandwidth
//! move changes a NIC.
//!
//! Tasks are kept in a topological numbering (an edge always goes from a
//! lower index to a higher one), so adding any such edge keeps the graph
//! acyclic without a check.

use anyhow::{Result, bail};
use rand::RngExt as _;
use rand_chacha::ChaCha8Rng;
use sim::platform::{NetworkSpec, NodeSpec, PlatformSpec, PowerModel};
use sim::{Dag, DagBuilder, Platform, TaskId, TaskSpec};
use std::collections::BTreeMap;

/// Inclusive bounds of every value the search draws (work in reference
/// seconds, bytes, speeds, bandwidths in bytes per second, all scaled alike,
/// as PISA draws them from one range).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// Smallest value.
    pub low: f64,
    /// Largest value.
    pub high: f64,
}

impl Bounds {
    /// Checks that the bounds can hold: `0 < low ≤ high`, finite.
    ///
    /// # Errors
    /// If they cannot.
    pub fn new(low: f64, high: f64) -> Result<Bounds> {
        if !(low.is_finite() && high.is_finite() && low > 0.0 && low <= high) {
            bail!("value bounds {low}..{high}: expected 0 < low <= high, finite");
        }
        Ok(Bounds { low, high })
    }

    fn draw(self, rng: &mut ChaCha8Rng) -> f64 {
        if self.low == self.high {
            self.low
        } else {
            rng.random_range(self.low..=self.high)
        }
    }
}

/// One instance: a DAG and a contention-free platform.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// Work of each task, in topological order.
    pub works: Vec<f64>,
    /// Data edges `(src, dst) → bytes` with `src < dst`.
    pub edges: BTreeMap<(u32, u32), f64>,
    /// Speed of each node.
    pub speeds: Vec<f64>,
    /// Bandwidth of each node pair `(i, j)` with `i < j`, in bytes per second
    /// (empty on the shared network model).
    pub bandwidths: BTreeMap<(u32, u32), f64>,
    /// NIC bandwidth of each node on the shared network model (empty on the
    /// dedicated one).
    pub nics: Vec<f64>,
    /// Cores of each node (1 unless the search started from a platform);
    /// no move changes them.
    pub cores: Vec<u32>,
}

/// The moves PISA makes, one drawn uniformly per step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Move {
    Work,
    Bytes,
    AddEdge,
    RemoveEdge,
    Speed,
    Bandwidth,
}

const MOVES: [Move; 6] = [
    Move::Work,
    Move::Bytes,
    Move::AddEdge,
    Move::RemoveEdge,
    Move::Speed,
    Move::Bandwidth,
];

impl Instance {
    /// A random instance of `tasks` tasks and `nodes` nodes: values drawn in
    /// `bounds`, each forward pair of tasks joined with probability 1/2 (as
    /// PISA's initial random graphs); NIC bandwidths instead of pair
    /// bandwidths when `shared`.
    pub fn random(tasks: u32, nodes: u32, bounds: Bounds, shared: bool, rng: &mut ChaCha8Rng) -> Instance {
        let works = (0..tasks).map(|_| bounds.draw(rng)).collect();
        let mut edges = BTreeMap::new();
        for dst in 1..tasks {
            for src in 0..dst {
                if rng.random_bool(0.5) {
                    edges.insert((src, dst), bounds.draw(rng));
                }
            }
        }
        let speeds = (0..nodes).map(|_| bounds.draw(rng)).collect();
        let mut bandwidths = BTreeMap::new();
        let mut nics = Vec::new();
        if shared {
            nics = (0..nodes).map(|_| bounds.draw(rng)).collect();
        } else {
            for j in 1..nodes {
                for i in 0..j {
                    bandwidths.insert((i, j), bounds.draw(rng));
                }
            }
        }
        Instance {
            works,
            edges,
            speeds,
            bandwidths,
            nics,
            cores: vec![1; nodes as usize],
        }
    }

    /// A random DAG of `tasks` tasks (as [`Instance::random`]) on the nodes
    /// of `platform`: their cores and speeds, and their pair bandwidths on a
    /// dedicated network or NIC bandwidths on a shared one. Moves later draw
    /// speeds and bandwidths in the bounds, as from a random start.
    pub fn on_platform(tasks: u32, platform: &Platform, bounds: Bounds, rng: &mut ChaCha8Rng) -> Instance {
        let n = platform.node_count() as u32;
        let shared = platform.network_model() == sim::platform::NetworkModel::Shared;
        let mut instance = Instance::random(tasks, n, bounds, shared, rng);
        let nodes = platform.nodes();
        instance.speeds = nodes.iter().map(|node| node.speed).collect();
        instance.cores = nodes.iter().map(|node| node.cores).collect();
        if shared {
            instance.nics = nodes.iter().map(|node| node.nic_bandwidth).collect();
        } else {
            for (&(i, j), bw) in &mut instance.bandwidths {
                *bw = platform.path_bandwidth(sim::NodeId::new(i as usize), sim::NodeId::new(j as usize));
            }
        }
        instance
    }

    /// This instance changed by one of PISA's moves, drawn from `rng`. A move
    /// that cannot apply (no edge to remove, a complete graph) changes a
    /// task's work instead, so every step changes something.
    pub fn neighbour(&self, bounds: Bounds, rng: &mut ChaCha8Rng) -> Instance {
        let mut next = self.clone();
        let n = self.works.len() as u32;
        let chosen = MOVES[rng.random_range(0..MOVES.len())];
        let applied = match chosen {
            Move::Work => false,
            Move::Bytes => match nth_key(&next.edges, rng) {
                Some(key) => {
                    next.edges.insert(key, bounds.draw(rng));
                    true
                }
                None => false,
            },
            Move::AddEdge => {
                let missing = (n * n.saturating_sub(1) / 2) as usize - next.edges.len();
                if n >= 2 && missing > 0 {
                    // Draw forward pairs until one is absent: the graph is rarely near complete.
                    loop {
                        let dst = rng.random_range(1..n);
                        let src = rng.random_range(0..dst);
                        if let std::collections::btree_map::Entry::Vacant(e) = next.edges.entry((src, dst)) {
                            e.insert(bounds.draw(rng));
                            break true;
                        }
                    }
                } else {
                    false
                }
            }
            Move::RemoveEdge => match nth_key(&next.edges, rng) {
                Some(key) => {
                    next.edges.remove(&key);
                    true
                }
                None => false,
            },
            Move::Speed => {
                let i = rng.random_range(0..next.speeds.len());
                next.speeds[i] = bounds.draw(rng);
                true
            }
            Move::Bandwidth if !next.nics.is_empty() => {
                let i = rng.random_range(0..next.nics.len());
                next.nics[i] = bounds.draw(rng);
                true
            }
            Move::Bandwidth => match nth_key(&next.bandwidths, rng) {
                Some(key) => {
                    next.bandwidths.insert(key, bounds.draw(rng));
                    true
                }
                None => false,
            },
        };
        if !applied && !next.works.is_empty() {
            let i = rng.random_range(0..next.works.len());
            next.works[i] = bounds.draw(rng);
        }
        next
    }

    /// The DAG: tasks `t0`, `t1`, … with their works, and the edges.
    ///
    /// # Errors
    /// If the values are not a valid DAG (they always are when drawn in bounds).
    pub fn dag(&self) -> Result<Dag> {
        let mut b = DagBuilder::with_capacity(self.works.len(), self.edges.len());
        for (i, &w) in self.works.iter().enumerate() {
            b.add_task(TaskSpec::new(format!("t{i}"), w));
        }
        for (&(src, dst), &bytes) in &self.edges {
            b.add_edge(TaskId::new(src as usize), TaskId::new(dst as usize), bytes);
        }
        Ok(b.build()?)
    }

    /// The platform: one node per speed (with its cores), without latency, on
    /// dedicated links of the pair bandwidths (PISA's contention-free model)
    /// or, when the instance has NIC bandwidths, on the shared model with
    /// those NICs.
    ///
    /// # Errors
    /// If the platform is invalid (it is not when drawn in bounds).
    pub fn platform(&self) -> Result<Platform> {
        let n = self.speeds.len();
        let network = if self.nics.is_empty() {
            let mut matrix = vec![vec![0.0; n]; n];
            for (&(i, j), &bw) in &self.bandwidths {
                matrix[i as usize][j as usize] = bw;
                matrix[j as usize][i as usize] = bw;
            }
            let mean = if self.bandwidths.is_empty() {
                1.0
            } else {
                self.bandwidths.values().sum::<f64>() / self.bandwidths.len() as f64
            };
            for (i, row) in matrix.iter_mut().enumerate() {
                row[i] = mean;
            }
            NetworkSpec::Dedicated {
                latency: 0.0,
                bandwidth: mean,
                bandwidth_matrix: Some(matrix),
                latency_matrix: None,
            }
        } else {
            NetworkSpec::Shared {
                latency: 0.0,
                bandwidth: self.nics.iter().sum::<f64>() / n as f64,
                group_links: Vec::new(),
                backplane_bandwidth: None,
            }
        };
        let spec = PlatformSpec {
            name: "adversary".into(),
            network,
            nodes: self
                .speeds
                .iter()
                .enumerate()
                .map(|(i, &speed)| NodeSpec {
                    name: format!("n{i}"),
                    count: 1,
                    cores: self.cores.get(i).copied().unwrap_or(1),
                    speed,
                    kind_speed: Default::default(),
                    power: PowerModel {
                        idle_w: 1.0,
                        busy_core_w: 1.0,
                        dvfs: vec![],
                        off_w: 0.0,
                        boot_secs: 0.0,
                        boot_j: 0.0,
                    },
                    group: None,
                    nic_bandwidth: self.nics.get(i).copied(),
                    task_overhead: 0.0,
                    pulls_inputs: false,
                    price_per_hour: None,
                    billing_secs: None,
                    memory_bytes: None,
                    labels: Vec::new(),
                    pool: None,
                })
                .collect(),
            workflow_system: None,
        };
        Ok(Platform::new(spec)?)
    }
}

/// A key of `map` drawn uniformly, if it has any.
fn nth_key<V>(map: &BTreeMap<(u32, u32), V>, rng: &mut ChaCha8Rng) -> Option<(u32, u32)> {
    if map.is_empty() {
        return None;
    }
    map.keys().nth(rng.random_range(0..map.len())).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng as _;

    #[test]
    fn moves_keep_instances_valid_and_in_bounds() {
        let bounds = Bounds::new(0.1, 1.0).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for shared in [false, true] {
            let mut instance = Instance::random(8, 3, bounds, shared, &mut rng);
            for _ in 0..1000 {
                let next = instance.neighbour(bounds, &mut rng);
                assert_ne!(next, instance, "every step changes something");
                let platform = next.platform().unwrap();
                assert!(next.dag().is_ok());
                assert_eq!(platform.network_model() == sim::platform::NetworkModel::Shared, shared);
                let values = next
                    .works
                    .iter()
                    .chain(next.edges.values())
                    .chain(&next.speeds)
                    .chain(next.bandwidths.values())
                    .chain(&next.nics);
                assert!(values.into_iter().all(|v| (0.1..=1.0).contains(v)));
                assert!(next.edges.keys().all(|&(s, d)| s < d));
                instance = next;
            }
        }
        assert!(Bounds::new(2.0, 1.0).is_err() && Bounds::new(0.0, 1.0).is_err());
    }
}
