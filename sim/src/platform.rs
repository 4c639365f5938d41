//! Platforms: heterogeneous nodes with power models, joined by a network.
//!
//! A [`Platform`] is built from a [`PlatformSpec`] (the serde form, read from
//! TOML) by [`Platform::new`], which validates every number and name; a
//! `Platform` is therefore always consistent. Named presets live in
//! [`crate::presets`].

use crate::ids::NodeId;
use crate::wms::WorkflowSystem;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use thiserror::Error;

/// One DVFS operating point: a speed multiplier and the busy power per core at that speed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DvfsLevel {
    /// Multiplier on the node's speed (1.0 = nominal).
    pub speed_factor: f64,
    /// Watts drawn per busy core at this level, on top of idle power.
    pub busy_core_w: f64,
}

/// Power drawn by one node: idle power while it is on, plus per-busy-core
/// power at the chosen DVFS level; and, for nodes a resource manager powers
/// off and on (see [`crate::power`]), the power drawn while off and the time
/// and energy a boot takes. The last three default to 0 and are left out
/// when written, so platforms without them read and write as before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerModel {
    /// Watts drawn while the node is on (idle, busy or draining).
    pub idle_w: f64,
    /// Watts per busy core at nominal speed (DVFS level 0).
    pub busy_core_w: f64,
    /// Extra operating points (levels 1, 2, …); level 0 is always nominal speed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dvfs: Vec<DvfsLevel>,
    /// Watts drawn while the node is off (a BMC, wake-on-LAN); default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub off_w: f64,
    /// Seconds from power-on until the node accepts work; default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub boot_secs: f64,
    /// Joules one boot draws, spread evenly over `boot_secs` (so it needs
    /// `boot_secs > 0`); default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub boot_j: f64,
}

impl PowerModel {
    /// Number of DVFS levels, nominal included.
    pub fn level_count(&self) -> usize {
        1 + self.dvfs.len()
    }

    /// Operating point `level` (0 = nominal), or `None` if there is no such level.
    pub fn level(&self, level: u8) -> Option<DvfsLevel> {
        match level {
            0 => Some(DvfsLevel {
                speed_factor: 1.0,
                busy_core_w: self.busy_core_w,
            }),
            l => self.dvfs.get(usize::from(l) - 1).copied(),
        }
    }

    /// Watts drawn while booting: the boot energy spread over the boot time
    /// (0 without a boot, which validation ensures has no boot energy either).
    pub fn boot_w(&self) -> f64 {
        if self.boot_secs > 0.0 {
            self.boot_j / self.boot_secs
        } else {
            0.0
        }
    }
}

/// One node as written in a platform file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    /// Node name; with `count > 1` the copies are named `name-0`, `name-1`, ….
    pub name: String,
    /// How many identical nodes this entry stands for.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: u32,
    /// Number of cores (≥ 1).
    pub cores: u32,
    /// Speed of one core relative to the reference core (work units per second).
    pub speed: f64,
    /// Per-task-kind speed multipliers (affinity), e.g. GPU-friendly kinds.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kind_speed: BTreeMap<String, f64>,
    /// Power model.
    pub power: PowerModel,
    /// Optional group (rack, site, `edge` vs `cloud`), used by shared networks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Network interface bandwidth in bytes/s, each direction (shared networks only;
    /// defaults to the network's `bandwidth`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nic_bandwidth: Option<f64>,
    /// Seconds added to every task run on this node: the fixed per-task cost
    /// of whatever dispatches tasks (a thread pool's hand-off, a workflow
    /// system's submission and staging). Schedulers see it through
    /// [`crate::CostModel`]. Default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub task_overhead: f64,
    /// Whether this node's cores fetch their own inputs, as the workers of a
    /// thread pool that copy a task's inputs before running it: a task's
    /// remote inputs start to move only when it is next in its node's queue
    /// with all its predecessors finished, and it holds its cores while they
    /// do. Otherwise (the default) inputs move in the background as soon as
    /// both the producer finished and the consumer was assigned, as with a
    /// network that copies by itself.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pulls_inputs: bool,
    /// Price of one node-hour (a cloud price, in any currency), for the
    /// `cost` metric; none by default (the node costs nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_hour: Option<f64>,
    /// Billing granularity in seconds: each period a node is powered is
    /// billed in whole multiples of it (per started second by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_secs: Option<f64>,
    /// Memory in bytes that the tasks running here at one time share (a
    /// task holds its [`crate::Task::memory_bytes`] from its start to its
    /// end); absent: unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_bytes: Option<f64>,
    /// Labels of the node (e.g. `gpu`, `edge`): a task runs only on nodes
    /// that carry every label it [requires](crate::Task::requires).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// Makes this entry a pool of up to `max` nodes of its type, rented on
    /// demand (`pool = { max = 32 }`, in place of `count`): a pool node is
    /// held (billed, drawing power, counted in node-hours) only from when a
    /// resource manager acquires it, and no longer once it releases it. See
    /// [`crate::power`] for how pools are acquired and released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolSpec>,
}

/// A pool of nodes of one type, acquired and released by a resource
/// manager (the `pool` table of a node entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSpec {
    /// The most nodes of the pool held at one time (≥ 1); the platform has
    /// that many nodes of the type, named as `count` copies are.
    pub max: u32,
}

impl NodeSpec {
    /// How many nodes this entry stands for: its pool's maximum, else `count`.
    pub fn copies(&self) -> u32 {
        self.pool.map_or(self.count, |p| p.max)
    }
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

fn one() -> u32 {
    1
}

fn is_one(v: &u32) -> bool {
    *v == 1
}

/// How data moves between nodes. Transfers inside a node are always free.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "kebab-case", deny_unknown_fields)]
pub enum NetworkSpec {
    /// The classic contention-free model of the scheduling literature: every
    /// ordered pair of nodes has a private link, so a transfer of `b` bytes
    /// takes `latency + b / bandwidth` whatever else is moving.
    Dedicated {
        /// Seconds before the first byte arrives.
        latency: f64,
        /// Bytes per second of every link.
        bandwidth: f64,
        /// Optional per-pair bandwidths (row = source node, column = destination);
        /// diagonal entries are ignored.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bandwidth_matrix: Option<Vec<Vec<f64>>>,
        /// Optional per-pair latencies in seconds, shaped like `bandwidth_matrix`;
        /// [`Platform::with_network_model`] writes one for a shared network's
        /// group links.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        latency_matrix: Option<Vec<Vec<f64>>>,
    },
    /// Shared links: each node has an up and a down link of its NIC bandwidth,
    /// groups may be joined by a shared link, and a backplane may carry every
    /// transfer. Concurrent transfers share every link they cross by max-min
    /// fairness.
    Shared {
        /// Seconds before the first byte arrives (plus any group link latency).
        latency: f64,
        /// Default NIC bandwidth in bytes/s for nodes that do not give one.
        bandwidth: f64,
        /// Links between groups; groups without one talk through NICs only.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        group_links: Vec<GroupLinkSpec>,
        /// Bytes per second of a backplane that every transfer between nodes
        /// crosses, so that all concurrent transfers share it: the memory
        /// system of one machine whose cores copy each other's data (one
        /// copy alone runs at the NIC bandwidth, several at once share what
        /// the memory delivers), or a switch's fabric. Absent (the default):
        /// no such link.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        backplane_bandwidth: Option<f64>,
    },
}

/// The two network models, as `--network` and a config's `network` key name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkModel {
    /// [`NetworkSpec::Dedicated`]: no contention.
    Dedicated,
    /// [`NetworkSpec::Shared`]: max-min fair contention on NICs and group links.
    Shared,
}

impl NetworkModel {
    /// The name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            NetworkModel::Dedicated => "dedicated",
            NetworkModel::Shared => "shared",
        }
    }
}

impl std::fmt::Display for NetworkModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for NetworkModel {
    type Err = String;

    fn from_str(s: &str) -> Result<NetworkModel, String> {
        match s {
            "dedicated" => Ok(NetworkModel::Dedicated),
            "shared" => Ok(NetworkModel::Shared),
            other => Err(format!(
                "unknown network model {other:?}{}; expected dedicated or shared",
                crate::suggest::did_you_mean(other, ["dedicated", "shared"])
            )),
        }
    }
}

/// A shared link between two groups of nodes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupLinkSpec {
    /// One group.
    pub a: String,
    /// The other group.
    pub b: String,
    /// Bytes per second, shared by all transfers between the groups (both directions).
    pub bandwidth: f64,
    /// Extra seconds of latency on this link.
    #[serde(default)]
    pub latency: f64,
}

/// A platform file: nodes and a network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformSpec {
    /// Platform name, used in reports.
    pub name: String,
    /// The network model.
    pub network: NetworkSpec,
    /// The nodes.
    pub nodes: Vec<NodeSpec>,
    /// The workflow management system jobs go through, if any (the
    /// `[workflow_system]` table; see [`crate::wms`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_system: Option<WorkflowSystem>,
}

/// Why a platform is invalid. Every variant names the field.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum PlatformError {
    /// A platform needs at least one node.
    #[error("platform {0:?} has no nodes")]
    NoNodes(String),
    /// A number is out of range.
    #[error("{field}: expected {expected}, got {value}")]
    BadNumber {
        /// Path of the field, e.g. `nodes[2].speed`.
        field: String,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        value: f64,
    },
    /// Two nodes share a name.
    #[error("duplicate node name {0:?}")]
    DuplicateName(String),
    /// A matrix has the wrong shape.
    #[error("network.{matrix}: expected {expected}x{expected}, got {rows} rows (or a short row)")]
    MatrixShape {
        /// Which matrix: `bandwidth_matrix` or `latency_matrix`.
        matrix: &'static str,
        /// Number of nodes.
        expected: usize,
        /// Rows found.
        rows: usize,
    },
    /// The network cannot be switched to another model without changing some
    /// pair's latency or bandwidth.
    #[error("platform {platform:?}: cannot switch to the {model} network model: {reason}")]
    NetworkModel {
        /// The platform's name.
        platform: String,
        /// The model asked for.
        model: NetworkModel,
        /// Why not.
        reason: &'static str,
    },
    /// A node label is empty.
    #[error("nodes[{index}].labels: a label must not be empty")]
    EmptyLabel {
        /// Index of the node entry.
        index: usize,
    },
    /// More distinct node labels than a platform can hold.
    #[error("platform {platform:?} has {count} distinct node labels; at most {MAX_LABELS} are supported")]
    TooManyLabels {
        /// The platform's name.
        platform: String,
        /// Distinct labels found.
        count: usize,
    },
    /// A group link names a group no node is in.
    #[error("network.group_links[{index}]: unknown group {group:?}")]
    UnknownGroup {
        /// Index of the link.
        index: usize,
        /// The group name.
        group: String,
    },
    /// The TOML text does not parse or has unknown keys (the message carries line and column).
    #[error("{0}")]
    Toml(String),
}

/// One node of a validated platform.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Unique name.
    pub name: String,
    /// Number of cores.
    pub cores: u32,
    /// Core speed relative to the reference core.
    pub speed: f64,
    /// Per-kind speed multipliers.
    pub kind_speed: BTreeMap<String, f64>,
    /// Power model.
    pub power: PowerModel,
    /// Group, if any.
    pub group: Option<String>,
    /// NIC bandwidth in bytes/s (shared networks).
    pub nic_bandwidth: f64,
    /// Seconds added to every task run here; see [`NodeSpec::task_overhead`].
    pub task_overhead: f64,
    /// Whether the node's cores fetch their own inputs; see [`NodeSpec::pulls_inputs`].
    pub pulls_inputs: bool,
    /// Price per node-hour (0 without one); see [`NodeSpec::price_per_hour`].
    pub price_per_hour: f64,
    /// Billing granularity in seconds (1 by default); see [`NodeSpec::billing_secs`].
    pub billing_secs: f64,
    /// Memory in whole bytes shared by the tasks running here at one time
    /// (`None`: unlimited); see [`NodeSpec::memory_bytes`].
    pub memory_bytes: Option<u64>,
    /// Labels, sorted and without repeats; see [`NodeSpec::labels`].
    pub labels: Vec<String>,
    /// [`Node::labels`] as a set of bits over [`Platform::labels`] (bit `i`:
    /// the platform's `i`-th label), so that a feasibility test is one mask.
    pub label_bits: u64,
    /// Whether the node belongs to a pool (see [`NodeSpec::pool`]): it is
    /// released, and off, until a resource manager acquires it.
    pub pooled: bool,
}

/// The most distinct node labels one platform may use (one bit each in [`Node::label_bits`]).
pub const MAX_LABELS: usize = 64;

/// A shared link between two groups, resolved to node-independent indices.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupLink {
    /// Bytes per second.
    pub bandwidth: f64,
    /// Extra latency in seconds.
    pub latency: f64,
}

/// A validated network.
#[derive(Clone, Debug, PartialEq)]
pub enum Network {
    /// Private link per pair; see [`NetworkSpec::Dedicated`].
    Dedicated {
        /// Seconds.
        latency: f64,
        /// Bytes per second, per ordered pair, row-major `n × n`.
        bandwidth: Vec<f64>,
        /// Seconds per ordered pair, row-major `n × n`, when pairs differ
        /// (else every pair has `latency`).
        latency_matrix: Option<Vec<f64>>,
    },
    /// Shared links with max-min fairness; see [`NetworkSpec::Shared`].
    Shared {
        /// Seconds.
        latency: f64,
        /// Group index of each node (nodes without a group share group 0 with each other).
        node_group: Vec<u32>,
        /// Link between group pairs, keyed by `(min, max)` group index.
        group_links: BTreeMap<(u32, u32), (usize, GroupLink)>,
        /// Bytes per second of the backplane every transfer crosses, if any.
        backplane_bandwidth: Option<f64>,
    },
}

/// A validated platform: nodes and network.
#[derive(Clone, Debug, PartialEq)]
pub struct Platform {
    name: String,
    nodes: Vec<Node>,
    network: Network,
    spec: PlatformSpec,
    /// Class of each node: nodes whose fields are equal but for the name.
    node_class: Vec<u32>,
    /// The first node of each class.
    class_representatives: Vec<NodeId>,
    /// The bandwidth of every pair on a dedicated network without a
    /// per-pair matrix: looking it up spares a read of the `n × n` matrix,
    /// a cache miss per transfer estimate on large platforms.
    one_bandwidth: Option<f64>,
    /// Every label of any node, sorted: bit `i` of [`Node::label_bits`] is label `i`.
    labels: Vec<String>,
}

fn check(field: impl FnOnce() -> String, value: f64, positive: bool) -> Result<(), PlatformError> {
    let ok = value.is_finite() && if positive { value > 0.0 } else { value >= 0.0 };
    if ok {
        Ok(())
    } else {
        let expected = if positive {
            "a finite number > 0"
        } else {
            "a finite number >= 0"
        };
        Err(PlatformError::BadNumber {
            field: field(),
            expected,
            value,
        })
    }
}

impl Platform {
    /// Validates a spec into a platform, expanding `count`.
    ///
    /// # Errors
    /// A [`PlatformError`] naming the offending field.
    pub fn new(spec: PlatformSpec) -> Result<Platform, PlatformError> {
        let default_nic = match &spec.network {
            NetworkSpec::Dedicated { latency, bandwidth, .. } | NetworkSpec::Shared { latency, bandwidth, .. } => {
                check(|| "network.latency".into(), *latency, false)?;
                check(|| "network.bandwidth".into(), *bandwidth, true)?;
                *bandwidth
            }
        };
        let mut nodes = Vec::new();
        for (i, ns) in spec.nodes.iter().enumerate() {
            let f = |name: &str| format!("nodes[{i}].{name}");
            if ns.cores == 0 {
                return Err(PlatformError::BadNumber {
                    field: f("cores"),
                    expected: "an integer >= 1",
                    value: 0.0,
                });
            }
            check(|| f("speed"), ns.speed, true)?;
            for (kind, factor) in &ns.kind_speed {
                check(|| f(&format!("kind_speed.{kind}")), *factor, true)?;
            }
            check(|| f("power.idle_w"), ns.power.idle_w, false)?;
            check(|| f("power.busy_core_w"), ns.power.busy_core_w, false)?;
            for (l, level) in ns.power.dvfs.iter().enumerate() {
                check(|| f(&format!("power.dvfs[{l}].speed_factor")), level.speed_factor, true)?;
                check(|| f(&format!("power.dvfs[{l}].busy_core_w")), level.busy_core_w, false)?;
            }
            if ns.power.dvfs.len() > usize::from(u8::MAX) {
                return Err(PlatformError::BadNumber {
                    field: f("power.dvfs"),
                    expected: "at most 255 levels",
                    value: ns.power.dvfs.len() as f64,
                });
            }
            check(|| f("task_overhead"), ns.task_overhead, false)?;
            check(|| f("power.off_w"), ns.power.off_w, false)?;
            check(|| f("power.boot_secs"), ns.power.boot_secs, false)?;
            check(|| f("power.boot_j"), ns.power.boot_j, false)?;
            if ns.power.boot_j > 0.0 && ns.power.boot_secs == 0.0 {
                return Err(PlatformError::BadNumber {
                    field: f("power.boot_j"),
                    expected: "0 when power.boot_secs is 0 (boot energy is drawn over the boot time)",
                    value: ns.power.boot_j,
                });
            }
            let price_per_hour = ns.price_per_hour.unwrap_or(0.0);
            check(|| f("price_per_hour"), price_per_hour, false)?;
            let billing_secs = ns.billing_secs.unwrap_or(1.0);
            check(|| f("billing_secs"), billing_secs, true)?;
            let nic = ns.nic_bandwidth.unwrap_or(default_nic);
            check(|| f("nic_bandwidth"), nic, true)?;
            if let Some(memory) = ns.memory_bytes {
                check(|| f("memory_bytes"), memory, false)?;
            }
            if ns.labels.iter().any(String::is_empty) {
                return Err(PlatformError::EmptyLabel { index: i });
            }
            let mut labels = ns.labels.clone();
            labels.sort_unstable();
            labels.dedup();
            if ns.count == 0 {
                return Err(PlatformError::BadNumber {
                    field: f("count"),
                    expected: "an integer >= 1",
                    value: 0.0,
                });
            }
            if let Some(pool) = ns.pool {
                check_pool(i, ns, pool)?;
            }
            let copies = ns.copies();
            for copy in 0..copies {
                let name = if copies == 1 {
                    ns.name.clone()
                } else {
                    format!("{}-{copy}", ns.name)
                };
                nodes.push(Node {
                    name,
                    cores: ns.cores,
                    speed: ns.speed,
                    kind_speed: ns.kind_speed.clone(),
                    power: ns.power.clone(),
                    group: ns.group.clone(),
                    nic_bandwidth: nic,
                    task_overhead: ns.task_overhead,
                    pulls_inputs: ns.pulls_inputs,
                    price_per_hour,
                    billing_secs,
                    // Checked finite and >= 0 above; whole bytes keep memory
                    // accounting exact in integers.
                    memory_bytes: ns.memory_bytes.map(|m| m.ceil() as u64),
                    labels: labels.clone(),
                    label_bits: 0,
                    pooled: ns.pool.is_some(),
                });
            }
        }
        if nodes.is_empty() {
            return Err(PlatformError::NoNodes(spec.name.clone()));
        }
        let mut seen = HashMap::new();
        for n in &nodes {
            if seen.insert(n.name.as_str(), ()).is_some() {
                return Err(PlatformError::DuplicateName(n.name.clone()));
            }
        }
        let labels = label_bits(&spec.name, &mut nodes)?;
        let network = resolve_network(&spec.network, &nodes)?;
        if let Some(wms) = &spec.workflow_system {
            wms.validate()?;
        }
        let (node_class, class_representatives) = classes(&spec, &nodes);
        let one_bandwidth = match &spec.network {
            NetworkSpec::Dedicated {
                bandwidth,
                bandwidth_matrix: None,
                ..
            } => Some(*bandwidth),
            _ => None,
        };
        Ok(Platform {
            name: spec.name.clone(),
            nodes,
            network,
            spec,
            node_class,
            class_representatives,
            one_bandwidth,
            labels,
        })
    }

    /// Parses and validates a TOML platform file's text.
    ///
    /// # Errors
    /// [`PlatformError::Toml`] with line and column for syntax errors, unknown
    /// keys and wrong types; other variants for out-of-range values.
    pub fn from_toml(text: &str) -> Result<Platform, PlatformError> {
        let spec: PlatformSpec = toml::from_str(text)
            .map_err(|e| PlatformError::Toml(crate::suggest::hint_unknown_field(&e.to_string())))?;
        Platform::new(spec)
    }

    /// Platform name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The spec this platform was built from (for writing it back out).
    pub fn spec(&self) -> &PlatformSpec {
        &self.spec
    }

    /// The workflow management system jobs go through, if the platform has one.
    pub fn workflow_system(&self) -> Option<&WorkflowSystem> {
        self.spec.workflow_system.as_ref()
    }

    /// All nodes, indexed by [`NodeId::index`].
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// One node.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The class of `node`: nodes of one class have equal fields but for
    /// the name (every field: one added later splits classes by default), so
    /// every cost estimate of a task without explicit node costs is the same
    /// on all of them. Classes are numbered in order of first node.
    pub fn node_class(&self, node: NodeId) -> usize {
        self.node_class[node.index()] as usize
    }

    /// The first node of each class, in class order: per-node minima and
    /// per-node sums over tasks need only these.
    pub fn class_representatives(&self) -> &[NodeId] {
        &self.class_representatives
    }

    /// Every label of any node, sorted (bit `i` of [`Node::label_bits`] is label `i`).
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Whether some node's memory is limited.
    pub fn has_memory_limits(&self) -> bool {
        self.nodes.iter().any(|n| n.memory_bytes.is_some())
    }

    /// Node ids `0..n`.
    pub fn node_ids(&self) -> impl ExactSizeIterator<Item = NodeId> + use<> {
        (0..self.nodes.len()).map(NodeId::new)
    }

    /// Total cores over all nodes.
    pub fn total_cores(&self) -> u64 {
        self.nodes.iter().map(|n| u64::from(n.cores)).sum()
    }

    /// The network.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The model of this platform's network.
    pub fn network_model(&self) -> NetworkModel {
        match self.network {
            Network::Dedicated { .. } => NetworkModel::Dedicated,
            Network::Shared { .. } => NetworkModel::Shared,
        }
    }

    /// This platform with its network switched to `model`: the one meaning of
    /// `--network` and of a config's `network` key.
    ///
    /// Every ordered pair of nodes keeps the latency and bandwidth it has when
    /// the network carries nothing else ([`Platform::latency`],
    /// [`Platform::path_bandwidth`]), so schedulers' cost estimates do not
    /// change; only contention does.
    /// - To `dedicated`: each pair gets a private link with its path's latency
    ///   and bottleneck bandwidth (per-pair matrices when pairs differ, as
    ///   across an edge–cloud uplink); NICs and group links no longer contend.
    /// - To `shared`: each node gets a NIC of the dedicated network's
    ///   bandwidth, which all its transfers share (max-min fair).
    /// - To the model the platform already has: the platform unchanged.
    ///
    /// The name gains ` net=MODEL` when the model changes.
    ///
    /// # Errors
    /// [`PlatformError::NetworkModel`] when a dedicated network with per-pair
    /// bandwidths or latencies is to become shared, which has one latency and
    /// per-node bandwidths only.
    pub fn with_network_model(&self, model: NetworkModel) -> Result<Platform, PlatformError> {
        let mut spec = self.spec.clone();
        spec.network = match (&self.spec.network, model) {
            (NetworkSpec::Shared { latency, bandwidth, .. }, NetworkModel::Dedicated) => {
                let (latency, latency_matrix) = self.per_pair(*latency, |a, b| self.latency(a, b));
                let (bandwidth, bandwidth_matrix) = self.per_pair(*bandwidth, |a, b| self.path_bandwidth(a, b));
                NetworkSpec::Dedicated {
                    latency,
                    bandwidth,
                    bandwidth_matrix,
                    latency_matrix,
                }
            }
            (
                NetworkSpec::Dedicated {
                    latency,
                    bandwidth,
                    bandwidth_matrix,
                    latency_matrix,
                },
                NetworkModel::Shared,
            ) => {
                if bandwidth_matrix.is_some() || latency_matrix.is_some() {
                    return Err(PlatformError::NetworkModel {
                        platform: self.name.clone(),
                        model,
                        reason: "its per-pair bandwidth_matrix or latency_matrix has no shared equivalent",
                    });
                }
                for node in &mut spec.nodes {
                    node.nic_bandwidth = None;
                }
                NetworkSpec::Shared {
                    latency: *latency,
                    bandwidth: *bandwidth,
                    group_links: Vec::new(),
                    backplane_bandwidth: None,
                }
            }
            _ => return Ok(self.clone()),
        };
        spec.name = format!("{} net={model}", spec.name);
        Platform::new(spec)
    }

    /// `value(a, b)` over ordered pairs of distinct nodes: the common value
    /// and no matrix when all pairs agree (`default` with fewer than two
    /// nodes), else `default` and the matrix (zero diagonal).
    fn per_pair(&self, default: f64, value: impl Fn(NodeId, NodeId) -> f64) -> (f64, Option<Vec<Vec<f64>>>) {
        let rows: Vec<Vec<f64>> = self
            .node_ids()
            .map(|a| {
                self.node_ids()
                    .map(|b| if a == b { 0.0 } else { value(a, b) })
                    .collect()
            })
            .collect();
        let mut off_diagonal = rows
            .iter()
            .enumerate()
            .flat_map(|(i, row)| row.iter().enumerate().filter(move |&(j, _)| j != i).map(|(_, &v)| v));
        match off_diagonal.next() {
            None => (default, None),
            Some(first) if off_diagonal.all(|v| v == first) => (first, None),
            Some(_) => (default, Some(rows)),
        }
    }

    /// Latency in seconds between two distinct nodes (zero within a node).
    pub fn latency(&self, src: NodeId, dst: NodeId) -> f64 {
        if src == dst {
            return 0.0;
        }
        match &self.network {
            Network::Dedicated {
                latency,
                latency_matrix,
                ..
            } => latency_matrix
                .as_ref()
                .map_or(*latency, |m| m[src.index() * self.nodes.len() + dst.index()]),
            Network::Shared {
                latency,
                node_group,
                group_links,
                ..
            } => {
                let link = group_pair(node_group, src, dst).and_then(|k| group_links.get(&k));
                latency + link.map_or(0.0, |(_, l)| l.latency)
            }
        }
    }

    /// Bandwidth in bytes/s of the path between two distinct nodes when it
    /// carries nothing else (the bottleneck link for shared networks).
    pub fn path_bandwidth(&self, src: NodeId, dst: NodeId) -> f64 {
        if let Some(bandwidth) = self.one_bandwidth {
            return bandwidth;
        }
        match &self.network {
            Network::Dedicated { bandwidth, .. } => bandwidth[src.index() * self.nodes.len() + dst.index()],
            Network::Shared {
                node_group,
                group_links,
                backplane_bandwidth,
                ..
            } => {
                let nic = self.nodes[src.index()]
                    .nic_bandwidth
                    .min(self.nodes[dst.index()].nic_bandwidth);
                let link = group_pair(node_group, src, dst).and_then(|k| group_links.get(&k));
                let path = link.map_or(nic, |(_, l)| nic.min(l.bandwidth));
                backplane_bandwidth.map_or(path, |b| path.min(b))
            }
        }
    }
}

/// The sorted labels of all `nodes`, after setting each node's
/// [`Node::label_bits`] over them.
fn label_bits(platform: &str, nodes: &mut [Node]) -> Result<Vec<String>, PlatformError> {
    let mut labels: Vec<String> = nodes.iter().flat_map(|n| n.labels.iter().cloned()).collect();
    labels.sort_unstable();
    labels.dedup();
    if labels.len() > MAX_LABELS {
        return Err(PlatformError::TooManyLabels {
            platform: platform.to_owned(),
            count: labels.len(),
        });
    }
    for node in nodes {
        node.label_bits = node
            .labels
            .iter()
            .filter_map(|l| labels.binary_search(l).ok())
            .fold(0, |bits, i| bits | 1 << i);
    }
    Ok(labels)
}

/// Node classes (see [`Platform::node_class`]). The nodes one spec entry
/// expands to differ only in name, so entries are compared, not nodes:
/// O(entries²) comparisons.
/// Checks the pool of node entry `index`: at least one node, given by
/// `max` alone (not also by `count`), and nothing drawn while released.
fn check_pool(index: usize, spec: &NodeSpec, pool: PoolSpec) -> Result<(), PlatformError> {
    let bad = |field: &str, expected, value| PlatformError::BadNumber {
        field: format!("nodes[{index}].{field}"),
        expected,
        value,
    };
    if pool.max == 0 {
        return Err(bad("pool.max", "an integer >= 1", 0.0));
    }
    if spec.count != 1 {
        return Err(bad(
            "count",
            "no count beside a pool (its size is pool.max)",
            f64::from(spec.count),
        ));
    }
    if spec.power.off_w != 0.0 {
        return Err(bad(
            "power.off_w",
            "0 on a pool (a released node draws nothing)",
            spec.power.off_w,
        ));
    }
    Ok(())
}

fn classes(spec: &PlatformSpec, nodes: &[Node]) -> (Vec<u32>, Vec<NodeId>) {
    let anonymous = |n: &Node| Node {
        name: String::new(),
        ..n.clone()
    };
    let mut templates: Vec<Node> = Vec::new();
    let mut representatives = Vec::new();
    let mut node_class = Vec::with_capacity(nodes.len());
    let mut first = 0;
    for entry in &spec.nodes {
        let template = anonymous(&nodes[first]);
        let class = match templates.iter().position(|t| *t == template) {
            Some(class) => class,
            None => {
                templates.push(template);
                representatives.push(NodeId::new(first));
                templates.len() - 1
            }
        };
        node_class.extend(std::iter::repeat_n(class as u32, entry.copies() as usize));
        first += entry.copies() as usize;
    }
    (node_class, representatives)
}

/// The `(min, max)` group pair of two nodes in different groups.
pub(crate) fn group_pair(node_group: &[u32], src: NodeId, dst: NodeId) -> Option<(u32, u32)> {
    let (a, b) = (node_group[src.index()], node_group[dst.index()]);
    (a != b).then(|| (a.min(b), a.max(b)))
}

/// Copies the off-diagonal entries of a square per-pair matrix into the
/// row-major `matrix`, checking its shape and each number (`positive`: > 0,
/// else >= 0).
fn fill_matrix(matrix: &mut [f64], rows: &[Vec<f64>], name: &'static str, positive: bool) -> Result<(), PlatformError> {
    let n = rows.len();
    if n * n != matrix.len() || rows.iter().any(|r| r.len() != n) {
        return Err(PlatformError::MatrixShape {
            matrix: name,
            expected: matrix.len().isqrt(),
            rows: n,
        });
    }
    for (i, row) in rows.iter().enumerate() {
        for (j, &value) in row.iter().enumerate() {
            if i != j {
                check(|| format!("network.{name}[{i}][{j}]"), value, positive)?;
                matrix[i * n + j] = value;
            }
        }
    }
    Ok(())
}

fn resolve_network(spec: &NetworkSpec, nodes: &[Node]) -> Result<Network, PlatformError> {
    let n = nodes.len();
    match spec {
        NetworkSpec::Dedicated {
            latency,
            bandwidth,
            bandwidth_matrix,
            latency_matrix,
        } => {
            let mut matrix = vec![*bandwidth; n * n];
            if let Some(rows) = bandwidth_matrix {
                fill_matrix(&mut matrix, rows, "bandwidth_matrix", true)?;
            }
            let latency_matrix = match latency_matrix {
                Some(rows) => {
                    let mut matrix = vec![*latency; n * n];
                    fill_matrix(&mut matrix, rows, "latency_matrix", false)?;
                    Some(matrix)
                }
                None => None,
            };
            Ok(Network::Dedicated {
                latency: *latency,
                bandwidth: matrix,
                latency_matrix,
            })
        }
        NetworkSpec::Shared {
            latency,
            group_links: links,
            backplane_bandwidth,
            ..
        } => {
            if let Some(b) = backplane_bandwidth {
                check(|| "network.backplane_bandwidth".into(), *b, true)?;
            }
            let mut group_index: BTreeMap<&str, u32> = BTreeMap::new();
            let mut node_group = Vec::with_capacity(n);
            for node in nodes {
                let name = node.group.as_deref().unwrap_or("");
                let next = group_index.len() as u32;
                node_group.push(*group_index.entry(name).or_insert(next));
            }
            let mut group_links = BTreeMap::new();
            for (i, link) in links.iter().enumerate() {
                check(|| format!("network.group_links[{i}].bandwidth"), link.bandwidth, true)?;
                check(|| format!("network.group_links[{i}].latency"), link.latency, false)?;
                let lookup = |g: &String| {
                    group_index
                        .get(g.as_str())
                        .copied()
                        .ok_or_else(|| PlatformError::UnknownGroup {
                            index: i,
                            group: g.clone(),
                        })
                };
                let (a, b) = (lookup(&link.a)?, lookup(&link.b)?);
                let key = (a.min(b), a.max(b));
                group_links.insert(
                    key,
                    (
                        i,
                        GroupLink {
                            bandwidth: link.bandwidth,
                            latency: link.latency,
                        },
                    ),
                );
            }
            Ok(Network::Shared {
                latency: *latency,
                node_group,
                group_links,
                backplane_bandwidth: *backplane_bandwidth,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_that_differ_only_in_name_share_a_class() {
        let text = r#"name = "classes"
nodes = [
  { name = "a", count = 2, cores = 2, speed = 1.0, power = { idle_w = 1.0, busy_core_w = 1.0 } },
  { name = "b", cores = 4, speed = 1.0, power = { idle_w = 1.0, busy_core_w = 1.0 } },
  { name = "c", count = 2, cores = 2, speed = 1.0, power = { idle_w = 1.0, busy_core_w = 1.0 } },
]
network = { model = "dedicated", latency = 0.0, bandwidth = 1e9 }
"#;
        let p = Platform::from_toml(text).unwrap();
        let classes: Vec<usize> = p.node_ids().map(|n| p.node_class(n)).collect();
        assert_eq!(classes, [0, 0, 1, 0, 0]);
        assert_eq!(p.class_representatives(), [NodeId::new(0), NodeId::new(2)]);
    }

    const TOML: &str = r#"
name = "two-groups"
[network]
model = "shared"
latency = 0.001
bandwidth = 1e9
[[network.group_links]]
a = "edge"
b = "cloud"
bandwidth = 1e7
latency = 0.02

[[nodes]]
name = "e"
count = 2
cores = 2
speed = 0.5
group = "edge"
power = { idle_w = 2.0, busy_core_w = 3.0 }

[[nodes]]
name = "c"
cores = 16
speed = 2.0
group = "cloud"
power = { idle_w = 100.0, busy_core_w = 10.0, dvfs = [{ speed_factor = 0.5, busy_core_w = 3.0 }] }
"#;

    #[test]
    fn toml_platform_expands_counts_and_resolves_links() {
        let p = Platform::from_toml(TOML).unwrap();
        assert_eq!(p.node_count(), 3);
        assert_eq!(p.node(NodeId::new(1)).name, "e-1");
        let (e0, e1, c) = (NodeId::new(0), NodeId::new(1), NodeId::new(2));
        assert_eq!(p.path_bandwidth(e0, c), 1e7);
        assert_eq!(p.path_bandwidth(e0, e1), 1e9);
        assert!((p.latency(e0, c) - 0.021).abs() < 1e-12);
        assert_eq!(p.node(c).power.level(1).unwrap().speed_factor, 0.5);
        assert_eq!(p.node(c).power.level(2), None);
    }

    #[test]
    fn unknown_key_names_line() {
        let text = TOML.replace("speed = 0.5", "sped = 0.5");
        let err = Platform::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("sped") && err.contains("line"), "{err}");
        assert!(err.contains("did you mean \"speed\"?"), "{err}");
    }

    #[test]
    fn bad_speed_names_field() {
        let text = TOML.replace("speed = 2.0", "speed = -2.0");
        let err = Platform::from_toml(&text).unwrap_err();
        assert_eq!(err.to_string(), "nodes[1].speed: expected a finite number > 0, got -2");
    }

    /// Every ordered pair's uncontended latency and bandwidth.
    fn pairs(p: &Platform) -> Vec<(f64, f64)> {
        p.node_ids()
            .flat_map(|a| p.node_ids().map(move |b| (a, b)))
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (p.latency(a, b), p.path_bandwidth(a, b)))
            .collect()
    }

    #[test]
    fn switching_the_network_model_keeps_every_pair_and_drops_contention() {
        for (name, nodes) in [
            ("edge-cloud", 8),
            ("heterogeneous", 5),
            ("homogeneous", 4),
            ("edge-cloud", 1),
        ] {
            let p = crate::presets::preset(name, nodes).unwrap();
            let other = match p.network_model() {
                NetworkModel::Dedicated => NetworkModel::Shared,
                NetworkModel::Shared => NetworkModel::Dedicated,
            };
            let switched = p.with_network_model(other).unwrap();
            assert_eq!(switched.network_model(), other, "{name}");
            assert_eq!(pairs(&switched), pairs(&p), "{name}:{nodes}");
            assert_eq!(switched.name(), format!("{}:{nodes} net={other}", name));
            assert_eq!(
                p.with_network_model(p.network_model()).unwrap(),
                p,
                "same model: unchanged"
            );
            let back = switched.with_network_model(p.network_model());
            if nodes > 1 && name == "edge-cloud" {
                // The uplink became per-pair matrices, which shared cannot express.
                let err = back.unwrap_err().to_string();
                assert!(err.contains("cannot switch to the shared network model"), "{err}");
            } else {
                assert_eq!(pairs(&back.unwrap()), pairs(&p), "{name}:{nodes} round trip");
            }
        }
    }

    #[test]
    fn a_dedicated_edge_cloud_keeps_its_uplink_as_matrices() {
        let p = crate::presets::preset("edge-cloud", 4).unwrap();
        let d = p.with_network_model(NetworkModel::Dedicated).unwrap();
        let NetworkSpec::Dedicated {
            bandwidth_matrix: Some(bw),
            latency_matrix: Some(lat),
            ..
        } = &d.spec().network
        else {
            panic!("expected per-pair matrices: {:?}", d.spec().network);
        };
        // Node 0 is the cloud node, 1..4 edge nodes.
        assert_eq!((bw[0][1], lat[0][1]), (1.25e7, 1e-4 + 0.02));
        assert_eq!((bw[1][2], lat[1][2]), (1.25e9, 1e-4));
        let text = toml::to_string(d.spec()).unwrap();
        assert_eq!(
            Platform::from_toml(&text).unwrap(),
            d,
            "the matrices survive a platform file"
        );
    }

    #[test]
    fn power_states_and_prices_default_to_nothing_and_refuse_negative_values() {
        let p = Platform::from_toml(TOML).unwrap();
        let node = p.node(NodeId::new(0));
        assert_eq!(
            (node.power.off_w, node.power.boot_secs, node.power.boot_j),
            (0.0, 0.0, 0.0)
        );
        assert_eq!((node.price_per_hour, node.billing_secs), (0.0, 1.0));
        assert!(
            !toml::to_string(p.spec()).unwrap().contains("boot"),
            "defaults are not written"
        );
        let with = |extra: &str| Platform::from_toml(&TOML.replace("speed = 2.0", &format!("speed = 2.0\n{extra}")));
        let node = with("price_per_hour = 0.5\nbilling_secs = 60").unwrap();
        assert_eq!(node.node(NodeId::new(2)).price_per_hour, 0.5);
        for (extra, message) in [
            (
                "price_per_hour = -1",
                "nodes[1].price_per_hour: expected a finite number >= 0, got -1",
            ),
            (
                "billing_secs = 0",
                "nodes[1].billing_secs: expected a finite number > 0, got 0",
            ),
        ] {
            assert_eq!(with(extra).unwrap_err().to_string(), message);
        }
        let power = |fields: &str| {
            Platform::from_toml(&TOML.replace(
                "power = { idle_w = 100.0, busy_core_w = 10.0,",
                &format!("power = {{ idle_w = 100.0, busy_core_w = 10.0, {fields},"),
            ))
        };
        assert_eq!(
            power("boot_secs = 60, boot_j = 600")
                .unwrap()
                .node(NodeId::new(2))
                .power
                .boot_w(),
            10.0
        );
        for (fields, message) in [
            (
                "boot_secs = -5",
                "nodes[1].power.boot_secs: expected a finite number >= 0, got -5",
            ),
            (
                "off_w = -1",
                "nodes[1].power.off_w: expected a finite number >= 0, got -1",
            ),
            (
                "boot_j = -1, boot_secs = 1",
                "nodes[1].power.boot_j: expected a finite number >= 0, got -1",
            ),
            (
                "boot_j = 10",
                "nodes[1].power.boot_j: expected 0 when power.boot_secs is 0 (boot energy is drawn over the boot time), got 10",
            ),
        ] {
            assert_eq!(power(fields).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn a_pool_expands_to_its_maximum_and_bad_pools_name_the_field() {
        let with = |extra: &str| Platform::from_toml(&TOML.replace("speed = 2.0", &format!("speed = 2.0\n{extra}")));
        let p = with("pool = { max = 3 }").unwrap();
        let names: Vec<&str> = p.nodes().iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["e-0", "e-1", "c-0", "c-1", "c-2"]);
        let pooled: Vec<bool> = p.nodes().iter().map(|n| n.pooled).collect();
        assert_eq!(pooled, [false, false, true, true, true]);
        assert_eq!(p.class_representatives(), [NodeId::new(0), NodeId::new(2)]);
        assert_eq!(
            Platform::new(p.spec().clone()).unwrap(),
            p,
            "the pool survives a platform file"
        );
        assert!(
            !toml::to_string(Platform::from_toml(TOML).unwrap().spec())
                .unwrap()
                .contains("pool")
        );
        for (extra, message) in [
            (
                "pool = { max = 0 }",
                "nodes[1].pool.max: expected an integer >= 1, got 0",
            ),
            (
                "pool = { max = 2 }\ncount = 2",
                "nodes[1].count: expected no count beside a pool (its size is pool.max), got 2",
            ),
        ] {
            assert_eq!(with(extra).unwrap_err().to_string(), message);
        }
        let released_power = TOML.replace("busy_core_w = 10.0,", "busy_core_w = 10.0, off_w = 2.0,");
        let err = Platform::from_toml(&released_power.replace("speed = 2.0", "speed = 2.0\npool = { max = 2 }"));
        assert_eq!(
            err.unwrap_err().to_string(),
            "nodes[1].power.off_w: expected 0 on a pool (a released node draws nothing), got 2"
        );
        for (extra, what) in [("pool = { max = -1 }", "-1"), ("pool = { size = 2 }", "size")] {
            let message = with(extra).unwrap_err().to_string();
            assert!(
                message.contains("line 25") && message.contains(what) && message.contains("pool"),
                "{message}"
            );
        }
    }

    #[test]
    fn latency_matrix_is_checked_like_bandwidth_matrix() {
        let text = |m: &str| {
            format!(
                "name = \"x\"\nnetwork = {{ model = \"dedicated\", latency = 0.1, bandwidth = 1e9, latency_matrix = {m} }}\n\
                 [[nodes]]\nname = \"n\"\ncount = 2\ncores = 1\nspeed = 1.0\npower = {{ idle_w = 1.0, busy_core_w = 1.0 }}\n"
            )
        };
        let p = Platform::from_toml(&text("[[0, 0.5], [0.25, 0]]")).unwrap();
        assert_eq!(p.latency(NodeId::new(0), NodeId::new(1)), 0.5);
        assert_eq!(p.latency(NodeId::new(1), NodeId::new(0)), 0.25);
        assert_eq!(p.latency(NodeId::new(1), NodeId::new(1)), 0.0);
        let err = Platform::from_toml(&text("[[0, -1], [0, 0]]")).unwrap_err().to_string();
        assert_eq!(
            err,
            "network.latency_matrix[0][1]: expected a finite number >= 0, got -1"
        );
        let err = Platform::from_toml(&text("[[0, 1]]")).unwrap_err().to_string();
        assert_eq!(err, "network.latency_matrix: expected 2x2, got 1 rows (or a short row)");
    }

    #[test]
    fn network_model_names_parse() {
        assert_eq!("shared".parse::<NetworkModel>(), Ok(NetworkModel::Shared));
        assert_eq!("dedicated".parse::<NetworkModel>(), Ok(NetworkModel::Dedicated));
        let err = "dedicted".parse::<NetworkModel>().unwrap_err();
        assert!(err.contains("did you mean \"dedicated\"?"), "{err}");
    }

    #[test]
    fn task_overhead_defaults_to_zero_and_must_not_be_negative() {
        let p = Platform::from_toml(TOML).unwrap();
        assert_eq!(p.node(NodeId::new(0)).task_overhead, 0.0);
        let text = TOML.replace("speed = 2.0", "speed = 2.0\ntask_overhead = 0.25");
        assert_eq!(
            Platform::from_toml(&text).unwrap().node(NodeId::new(2)).task_overhead,
            0.25
        );
        let err = Platform::from_toml(&TOML.replace("speed = 2.0", "speed = 2.0\ntask_overhead = -1"));
        assert_eq!(
            err.unwrap_err().to_string(),
            "nodes[1].task_overhead: expected a finite number >= 0, got -1"
        );
    }
}
