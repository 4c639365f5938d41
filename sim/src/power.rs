//! Power states of nodes, and the resource managers that switch them.
//!
//! ```text
//!            power_on                boot_secs later
//!   Off ─────────────────▶ Booting ─────────────────▶ On (idle / busy)
//!    ▲                                                 │ power_off
//!    │            running and queued work done         ▼
//!    └──────────────────────────────────────────── Draining
//!        (power_off of an idle On node goes to Off at once;
//!         power_on of a Draining node takes it back to On)
//! ```
//!
//! A [`ResourceManager`] is the second policy of a run, beside the
//! [`Scheduler`](crate::Scheduler): any scheduler runs with any resource
//! manager. It sees the same [`SimView`] plus a [`PowerView`] (every node's
//! [`PowerState`] and the platform's [`Load`]) and decides power-on and
//! power-off as [`PowerDecisions`], which the engine applies before the
//! scheduler is called at the same instant, so the scheduler always sees the
//! nodes as the resource manager left them.
//!
//! # Decisions
//! - A node that is off or booting runs nothing. A draining node finishes
//!   its running and queued work and then goes off; it takes no new work.
//!   [`SimView::node_up`] is false for all three, and the engine refuses an
//!   assignment to them as it refuses one to a failed node: every
//!   registry-built scheduler is wrapped in a resilient layer that redirects
//!   such an assignment to an available node, the mechanism that already
//!   handles failed nodes. An assignment never powers a node on; only the
//!   resource manager does.
//! - A resource manager never powers off a node with work: `power_off` of a
//!   busy node drains it first.
//! - Commands that change nothing are no-ops: powering on a node that is on
//!   or booting, powering off one that is off or draining, or a booting node
//!   (it finishes its boot first), and any command on a failed node.
//! - An off or booting node does not fail: a failure due then is skipped
//!   (exponential up times are memoryless, so the next one is drawn as usual).
//!
//! # Pools: acquire and release
//! A platform may declare pools: node entries with `pool = { max = N }`
//! ([`crate::platform::NodeSpec::pool`]), up to `N` nodes of a type rented
//! on demand. Acquiring and releasing are powering on and off, with the same
//! states and rules: a pool node starts the run off (released), unless the
//! resource manager [holds the pools](ResourceManager::holds_pools);
//! `power_on` acquires it, which takes its boot time and boot energy;
//! `power_off` releases it once drained, as for any node. A released node
//! draws nothing (a pool's `off_w` must be 0), is not billed and counts no
//! node-hours; a held one, booting and draining included, is billed as any
//! node, each holding rounded up to the billing granularity, so billing
//! stops at the first boundary of started time after the release.
//! [`AlwaysOn`] holds every pool whole from time 0, on and without a boot:
//! the fixed platform of the same nodes, the baseline elastic managers are
//! compared with.
//!
//! # Energy and price
//! A node draws `off_w` while off, `boot_j / boot_secs` while booting, and
//! idle power plus busy power per core while on (see [`crate::metrics`]). It
//! is billed at `price_per_hour` for every period it is not off, each period
//! rounded up to the node's billing granularity.
//!
//! # Liveness
//! The engine calls the resource manager at every batch of events, so it
//! can power a node on the moment work arrives. If tasks wait while no node
//! is on or booting and the resource manager powers none on, the run stalls
//! ([`SimError::Stalled`](crate::SimError::Stalled) counts the nodes off).

use crate::ids::NodeId;
use crate::scheduler::{SimView, Update};
use crate::time::{SimDuration, SimTime};
use serde::Serialize;
use std::fmt;

/// Where a node stands in its power cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PowerState {
    /// Powered off: runs nothing, draws `off_w`.
    Off,
    /// Powered on, not yet accepting work: draws its boot power.
    Booting,
    /// Powered on and accepting work (idle or busy).
    On,
    /// Finishing its running and queued work, then off; accepts no new work.
    Draining,
}

impl PowerState {
    /// Lowercase name, as error messages and views print it.
    pub fn name(self) -> &'static str {
        match self {
            PowerState::Off => "off",
            PowerState::Booting => "booting",
            PowerState::On => "on",
            PowerState::Draining => "draining",
        }
    }

    /// Whether the node is on (on or draining): it draws idle power and runs work.
    pub fn is_on(self) -> bool {
        matches!(self, PowerState::On | PowerState::Draining)
    }
}

impl fmt::Display for PowerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A period a node spent off or booting, as the run record keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PowerRecord {
    /// The node.
    pub node: NodeId,
    /// [`PowerState::Off`] or [`PowerState::Booting`].
    pub state: PowerState,
    /// When it began.
    pub start: SimTime,
    /// When it ended (closed at the makespan in finished runs).
    pub end: SimTime,
}

/// One node's power state, as a resource manager sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodePower {
    /// Its state.
    pub state: PowerState,
    /// When it entered that state.
    pub since: SimTime,
    /// Since when it has had neither running nor queued work, if it has none,
    /// counted from when it last came on (time off or booting is not idle).
    pub idle_since: Option<SimTime>,
}

/// Platform-wide counts a resource manager decides from, kept by the engine
/// as the run goes so that reading them is O(1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Load {
    /// Tasks whose predecessors are done and that no scheduler has assigned:
    /// work waiting for a place.
    pub ready: usize,
    /// Runs assigned to nodes that have not started.
    pub queued: usize,
    /// Cores running a task.
    pub busy_cores: u64,
    /// Cores of nodes that are on or draining.
    pub on_cores: u64,
    /// Cores of nodes booting.
    pub booting_cores: u64,
    /// Nodes on (accepting work).
    pub n_on: usize,
    /// Nodes booting.
    pub n_booting: usize,
    /// Nodes draining.
    pub n_draining: usize,
    /// Nodes off.
    pub n_off: usize,
}

/// What a resource manager sees beside the [`SimView`]: power states and load.
#[derive(Clone, Copy, Debug)]
pub struct PowerView<'a> {
    nodes: &'a [NodePower],
    load: Load,
}

impl<'a> PowerView<'a> {
    /// A view of `nodes` (indexed by [`NodeId::index`]) under `load`.
    pub fn new(nodes: &'a [NodePower], load: Load) -> PowerView<'a> {
        PowerView { nodes, load }
    }

    /// The power state of `node`, with since when.
    pub fn node(&self, node: NodeId) -> NodePower {
        self.nodes[node.index()]
    }

    /// Every node's power state, by node index.
    pub fn nodes(&self) -> &'a [NodePower] {
        self.nodes
    }

    /// The platform's load.
    pub fn load(&self) -> Load {
        self.load
    }
}

/// One power command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowerCommand {
    /// Power the node on (boot it, or stop its draining).
    On(NodeId),
    /// Power the node off once it has no work (drain it first if it has).
    Off(NodeId),
}

/// Power commands a resource manager hands back, applied in order.
#[derive(Debug, Default)]
pub struct PowerDecisions {
    commands: Vec<PowerCommand>,
}

impl PowerDecisions {
    /// Powers `node` on.
    pub fn power_on(&mut self, node: NodeId) {
        self.commands.push(PowerCommand::On(node));
    }

    /// Powers `node` off, draining it first if it has work.
    pub fn power_off(&mut self, node: NodeId) {
        self.commands.push(PowerCommand::Off(node));
    }

    /// Removes and yields the commands in order.
    pub fn drain(&mut self) -> std::vec::Drain<'_, PowerCommand> {
        self.commands.drain(..)
    }
}

/// A policy that powers nodes on and off. See the module docs for when it is
/// called and what its commands mean.
///
/// Only [`ResourceManager::name`] is required. `on_update` runs after every
/// batch of events and must cost O(1) or O(size of the update), since a run
/// has up to millions of batches; work over all nodes belongs in `on_tick`,
/// which runs once per [`ResourceManager::period`].
pub trait ResourceManager: Send {
    /// Short, stable name used by the registry, the CLI and reports.
    fn name(&self) -> &str;

    /// Its control period: `on_tick` runs every `period` while the run is
    /// not over. The default, `None`, never ticks.
    fn period(&self) -> Option<SimDuration> {
        None
    }

    /// Whether the platform's pools are held whole from time 0, on and
    /// without a boot, as fixed nodes. The default, `false`, starts pool
    /// nodes released (off) until the manager powers them on.
    fn holds_pools(&self) -> bool {
        false
    }

    /// Called once at time 0, before the scheduler plans: sets the
    /// platform's initial power states (every node starts on, but pool
    /// nodes released unless [`ResourceManager::holds_pools`]). The default does nothing.
    fn start(&mut self, view: &SimView<'_>, power: &PowerView<'_>, out: &mut PowerDecisions) {
        let _ = (view, power, out);
    }

    /// Called after each batch of events in which something happened
    /// (before the scheduler hears of it). The default does nothing.
    fn on_update(&mut self, view: &SimView<'_>, power: &PowerView<'_>, update: &Update<'_>, out: &mut PowerDecisions) {
        let _ = (view, power, update, out);
    }

    /// Called every [`ResourceManager::period`]. The default does nothing.
    fn on_tick(&mut self, view: &SimView<'_>, power: &PowerView<'_>, out: &mut PowerDecisions) {
        let _ = (view, power, out);
    }
}

impl<R: ResourceManager + ?Sized> ResourceManager for Box<R> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn period(&self) -> Option<SimDuration> {
        (**self).period()
    }
    fn holds_pools(&self) -> bool {
        (**self).holds_pools()
    }
    fn start(&mut self, view: &SimView<'_>, power: &PowerView<'_>, out: &mut PowerDecisions) {
        (**self).start(view, power, out);
    }
    fn on_update(&mut self, view: &SimView<'_>, power: &PowerView<'_>, update: &Update<'_>, out: &mut PowerDecisions) {
        (**self).on_update(view, power, update, out);
    }
    fn on_tick(&mut self, view: &SimView<'_>, power: &PowerView<'_>, out: &mut PowerDecisions) {
        (**self).on_tick(view, power, out);
    }
}

/// Every node on for the whole run, pools held whole: a fixed platform, as
/// before resource managers existed, and the default of every command.
#[derive(Clone, Copy, Debug, Default)]
pub struct AlwaysOn;

impl ResourceManager for AlwaysOn {
    fn name(&self) -> &str {
        "always-on"
    }

    fn holds_pools(&self) -> bool {
        true
    }
}
