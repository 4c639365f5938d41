//! The learned list scheduler for shared networks (`learned-net[:MODEL]`).
//!
//! HEFT and its variants estimate every transfer as if it had the network
//! to itself; on a shared network (max-min fair NICs and group links) a
//! plan that spreads communicating tasks over many nodes then queues its
//! transfers behind each other, and since a node runs its queue strictly in
//! order, one late input stalls every task behind it. This scheduler walks
//! the tasks in HEFT's order (decreasing upward rank) and puts each on the
//! node with the highest `weights · features`, where the features read a
//! *contention model* of the plan so far, kept alongside it:
//!
//! - every node's incoming and outgoing NIC, and every link between two
//!   groups of nodes, is a resource that carries one transfer at a time
//!   (the one-port model of Sinnen & Sousa 2005): a transfer starts when its
//!   producer has finished and its source NIC, destination NIC and group
//!   link are free, and holds them for its uncontended duration. Under fair
//!   sharing k concurrent flows each take k times as long, so the last of
//!   them ends when the serialised ones would;
//! - the cores are HEFT's insertion-based timelines ([`ListPlanner`]), each
//!   task placed at its earliest slot once its inputs are there under the
//!   model above.
//!
//! The features ([`NET_FEATURES`], dimensionless: times over the task's mean
//! execution time) compare a candidate node with the best one: its finish
//! under the contention model and under the contention-free estimate (HEFT's
//! view), the time its inputs spend queued and in transfer, the share of
//! the input bytes that must cross the network, the idle time left on the
//! node before the task, and how much of the work placed so far the node holds (clustering communicating tasks avoids
//! transfers the next tasks would need). The weights are trained in the
//! simulator under contention by evolution strategies
//! (`experiments::learning::net`), starting from the contention-aware
//! earliest finish time.
//!
//! Tasks are emitted in order of their planned start under the contention
//! model, so each node's queue runs in the order the model expects inputs to
//! arrive. Planning costs HEFT's candidate evaluations twice plus
//! O(n·p·(k + f)) for n tasks, p nodes, in-degree k and f features; no
//! search over plans.

use super::list::best_scoring;
use crate::list::{Candidate, ListPlanner};
use crate::rank;
use sim::{CostModel, Decisions, NodeId, Scheduler, SimTime, SimView, TaskId};

/// Names of the features, in the order of a model's weights.
pub const NET_FEATURES: [&str; 10] = [
    "finish_gap",
    "free_finish_gap",
    "transfer_wait",
    "remote_input",
    "exec_ratio",
    "node_speed",
    "node_work_share",
    "idle_gap",
    "critical_x_finish_gap",
    "bytes_out_x_node_work_share",
];

/// Number of features.
pub const N_FEATURES: usize = NET_FEATURES.len();

/// One candidate's features, in the order of [`NET_FEATURES`].
pub type NetFeatures = [f64; N_FEATURES];

/// The weights training starts from: the earliest finish under the
/// contention model (a contention-aware HEFT).
pub const INITIAL_WEIGHTS: NetFeatures = [-1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];

/// The learned list scheduler for shared networks (`learned-net:MODEL`).
#[derive(Clone, Debug)]
pub struct LearnedNet {
    weights: NetFeatures,
    guard: bool,
}

impl LearnedNet {
    /// A scheduler scoring candidates with `weights`; with `guard`, it keeps
    /// HEFT's or Lookahead-HEFT's node choices instead when they are planned
    /// to end earlier under the contention model (see [`guarded`]).
    pub fn new(weights: NetFeatures, guard: bool) -> LearnedNet {
        LearnedNet { weights, guard }
    }
}

impl Scheduler for LearnedNet {
    fn name(&self) -> &str {
        "learned-net"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let chosen = if self.guard {
            guarded(costs, &self.weights)
        } else {
            plan(costs, &self.weights)
        };
        chosen.emit(out);
    }
}

/// The guard of `learned-net` ([`super::guard`]): the learned plan, HEFT's
/// and Lookahead-HEFT's, the heuristics' re-timed under the contention model
/// ([`retime`]), whichever is planned to end first (ties: the learned plan,
/// then HEFT's). All three walk the tasks in HEFT's order, so a plan is its
/// node choices and the three are estimated alike; on a dedicated network the
/// estimate is HEFT's own, and HEFT's re-timed plan is HEFT's plan. Costs the
/// three planners plus two walks of O(n·k) on top of ranking.
pub fn guarded<'c, 'a>(costs: &'c CostModel<'a>, weights: &[f64]) -> ListPlanner<'c, 'a> {
    let learned = plan(costs, weights);
    let heft = retime(costs, &crate::heft::plan(costs));
    let lookahead = retime(costs, &crate::lookahead::plan(costs));
    super::guard::shortest([learned, heft, lookahead]).unwrap_or_else(|| plan(costs, weights))
}

/// The network half of the contention model of a plan in progress (see
/// the module docs; the cores are the [`ListPlanner`]'s): when each
/// resource is free, in seconds.
struct Network<'c, 'a> {
    costs: &'c CostModel<'a>,
    /// Whether transfers share resources: false on a dedicated network,
    /// where every pair of nodes has a private link and the model is HEFT's.
    shared: bool,
    nic_in: Vec<f64>,
    nic_out: Vec<f64>,
    /// Per node, its group's index (nodes without a group share none).
    group: Vec<Option<usize>>,
    n_groups: usize,
    /// Per unordered pair of groups, when its link is free.
    links: Vec<f64>,
}

/// One input of a task: producer's node, its planned finish and the bytes.
type Input = (NodeId, f64, f64);

impl<'c, 'a> Network<'c, 'a> {
    fn new(costs: &'c CostModel<'a>) -> Network<'c, 'a> {
        let platform = costs.platform();
        let mut names: Vec<&str> = platform.nodes().iter().filter_map(|n| n.group.as_deref()).collect();
        names.sort_unstable();
        names.dedup();
        let n_groups = names.len();
        Network {
            costs,
            shared: platform.network_model() == sim::platform::NetworkModel::Shared,
            nic_in: vec![0.0; platform.node_count()],
            nic_out: vec![0.0; platform.node_count()],
            group: platform
                .nodes()
                .iter()
                .map(|n| n.group.as_deref().and_then(|g| names.binary_search(&g).ok()))
                .collect(),
            n_groups,
            links: vec![0.0; n_groups * n_groups],
        }
    }

    /// The link between the groups of `a` and `b`, if they are different groups.
    fn link(&self, a: NodeId, b: NodeId) -> Option<usize> {
        match (self.group[a.index()], self.group[b.index()]) {
            (Some(x), Some(y)) if x != y => Some(x.min(y) * self.n_groups + x.max(y)),
            _ => None,
        }
    }

    /// The planned inputs of `task` in order of their producers' finish.
    fn inputs(&self, planner: &ListPlanner<'_, '_>, task: TaskId, out: &mut Vec<Input>) {
        out.clear();
        let dag = self.costs.dag();
        for &e in dag.in_edges(task) {
            let edge = dag.edge(e);
            if let Some(p) = planner.placement(edge.src) {
                out.push((p.node, p.end.as_secs_f64(), edge.bytes));
            }
        }
        out.sort_by(|a, b| a.1.total_cmp(&b.1));
    }

    /// Replays the transfers of `inputs` into `node` over the resources,
    /// calling `reserve` with each transfer's source, link and end; returns
    /// when the inputs are on the node and the share of their bytes that
    /// crossed the network.
    fn transfers(
        &self,
        inputs: &[Input],
        node: NodeId,
        mut reserve: impl FnMut(NodeId, Option<usize>, f64),
    ) -> (f64, f64) {
        let (mut ready, mut nic_in) = (0.0f64, self.nic_in[node.index()]);
        let (mut remote, mut bytes) = (0.0, 0.0);
        for &(src, finish, size) in inputs {
            bytes += size;
            if src == node {
                ready = ready.max(finish);
                continue;
            }
            remote += size;
            let link = self.link(src, node);
            let start = if self.shared {
                finish
                    .max(self.nic_out[src.index()])
                    .max(nic_in)
                    .max(link.map_or(0.0, |l| self.links[l]))
            } else {
                finish
            };
            let end = start + self.costs.comm_secs(src, node, size);
            nic_in = end;
            ready = ready.max(end);
            reserve(src, link, end);
        }
        (ready, if bytes > 0.0 { remote / bytes } else { 0.0 })
    }

    /// Reserves the resources of the transfers of `inputs` into `node`.
    fn reserve(&mut self, inputs: &[Input], node: NodeId) {
        let mut reserved = Vec::with_capacity(inputs.len());
        self.transfers(inputs, node, |src, link, end| reserved.push((src, link, end)));
        for (src, link, end) in reserved {
            self.nic_out[src.index()] = end;
            self.nic_in[node.index()] = end;
            if let Some(l) = link {
                self.links[l] = end;
            }
        }
    }
}

/// How [`walk`] chooses each task's node.
enum Choice<'w, 'c, 'a> {
    /// The candidate with the highest `weights · features`.
    Score(&'w [f64]),
    /// The node that another plan of the same instance gives the task.
    Follow(&'w ListPlanner<'c, 'a>),
}

/// Plans `costs` choosing each task's node by the highest `weights · features`
/// (ties: lower node id), with insertion into the cores' idle time.
pub fn plan<'c, 'a>(costs: &'c CostModel<'a>, weights: &[f64]) -> ListPlanner<'c, 'a> {
    walk(costs, &Choice::Score(weights))
}

/// `other`'s node choices re-timed under the contention model: the tasks in
/// HEFT's order, each on the node (cores and DVFS level) `other` gives it, at
/// its earliest slot once its inputs are there under the model; tasks
/// `other` leaves unplaced stay unplaced. For a plan made in HEFT's order on
/// a dedicated network, the same plan.
pub fn retime<'c, 'a>(costs: &'c CostModel<'a>, other: &ListPlanner<'c, 'a>) -> ListPlanner<'c, 'a> {
    walk(costs, &Choice::Follow(other))
}

/// Per-DAG quantities the features read, computed once.
struct Context {
    upward: Vec<f64>,
    downward: Vec<f64>,
    critical_path: f64,
    max_speed: f64,
}

/// A task's candidate: contention-free, contended, contended data-ready
/// time (seconds), share of the input bytes that cross the network.
type Contended = (Candidate, Candidate, f64, f64);

/// Walks the tasks in HEFT's order, placing each on the node `choice` picks,
/// timed under the contention model.
fn walk<'c, 'a>(costs: &'c CostModel<'a>, choice: &Choice<'_, 'c, 'a>) -> ListPlanner<'c, 'a> {
    let platform = costs.platform();
    let upward = rank::upward(costs);
    let downward = rank::downward(costs);
    let critical_path = upward.iter().zip(&downward).map(|(u, d)| u + d).fold(0.0, f64::max);
    let max_speed = platform.nodes().iter().map(|n| n.speed).fold(0.0, f64::max);
    let order = rank::order_by_decreasing(costs, &upward);
    let context = Context {
        upward,
        downward,
        critical_path,
        max_speed,
    };
    let mut planner = ListPlanner::new(costs, true);
    let mut network = Network::new(costs);
    let mut work = Work {
        per_node: vec![0.0; platform.node_count()],
        total: 0.0,
    };
    let (mut inputs, mut candidates, mut features) = (Vec::new(), Vec::new(), Vec::new());
    for task in order {
        network.inputs(&planner, task, &mut inputs);
        candidates.clear();
        let followed = match choice {
            Choice::Score(_) => None,
            Choice::Follow(other) => match other.placement(task) {
                Some(p) => Some(p),
                None => continue,
            },
        };
        let nodes = platform.node_ids().filter(|&n| followed.is_none_or(|p| p.node == n));
        for node in nodes {
            let free = match followed {
                Some(p) => planner.candidate_with(task, node, p.cores, p.dvfs),
                None => planner.candidate(task, node),
            };
            let Some(free) = free else {
                continue;
            };
            let (ready, remote) = network.transfers(&inputs, node, |_, _, _| {});
            let ready = SimTime::from_secs_f64(ready).max(planner.data_ready(task, node));
            let contended = planner.candidate_ready(task, node, free.cores, free.dvfs, ready);
            candidates.push((free, contended, ready.as_secs_f64(), remote));
        }
        let index = match choice {
            Choice::Score(weights) => {
                candidate_features(costs, &context, &work, task, &inputs, &candidates, &mut features);
                best_scoring(&features, weights)
            }
            Choice::Follow(_) => 0,
        };
        let Some((_, chosen, _, _)) = candidates.get(index) else {
            continue;
        };
        network.reserve(&inputs, chosen.node);
        let w = costs.mean_exec_secs(task);
        work.per_node[chosen.node.index()] += w;
        work.total += w;
        planner.place(task, chosen.clone());
    }
    planner
}

/// Mean work (reference seconds) placed so far, per node and in all.
struct Work {
    per_node: Vec<f64>,
    total: f64,
}

/// Writes the features of each of `task`'s `candidates` into `out` (cleared
/// first), in the order of [`NET_FEATURES`]. O(p) for p candidates.
fn candidate_features(
    costs: &CostModel<'_>,
    context: &Context,
    work: &Work,
    task: TaskId,
    inputs: &[Input],
    candidates: &[Contended],
    out: &mut Vec<NetFeatures>,
) {
    out.clear();
    let dag = costs.dag();
    let end = |c: &Candidate| c.end.as_secs_f64();
    let best = candidates.iter().map(|c| end(&c.1)).fold(f64::INFINITY, f64::min);
    let best_free = candidates.iter().map(|c| end(&c.0)).fold(f64::INFINITY, f64::min);
    let latest_input = inputs.iter().map(|i| i.1).fold(0.0, f64::max);
    let scale = costs.mean_exec_secs(task).max(1e-9);
    let critical = (context.upward[task.index()] + context.downward[task.index()]) / context.critical_path.max(1e-9);
    let out_edges = dag.out_edges(task);
    let out_comm = out_edges
        .iter()
        .map(|&e| costs.mean_comm_secs(dag.edge(e).bytes))
        .sum::<f64>()
        / out_edges.len().max(1) as f64;
    let bytes_out = (1.0 + out_comm / scale).ln();
    out.extend(candidates.iter().map(|(free, c, ready, remote)| {
        let n = c.node;
        let finish_gap = (end(c) - best) / scale;
        let share = if work.total > 0.0 {
            work.per_node[n.index()] / work.total
        } else {
            0.0
        };
        [
            finish_gap,
            (end(free) - best_free) / scale,
            (ready - latest_input).max(0.0) / scale,
            *remote,
            costs.exec_secs(task, n, c.cores, c.dvfs) / scale,
            costs.platform().node(n).speed / context.max_speed.max(1e-9),
            share,
            (c.slot.start.as_secs_f64() - ready).max(0.0) / scale,
            critical * finish_gap,
            bytes_out * share,
        ]
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{Dag, DagBuilder, Platform, TaskSpec, presets};

    /// A fork of `width` tasks of 1 reference second each, with `bytes` from the root to each.
    fn fork(width: usize, bytes: f64) -> Dag {
        let mut b = DagBuilder::new();
        let root = b.add_task(TaskSpec::new("root", 1.0));
        for i in 0..width {
            let t = b.add_task(TaskSpec::new(format!("t{i}"), 1.0));
            b.add_edge(root, t, bytes);
        }
        b.build().unwrap()
    }

    fn moved(plan: &ListPlanner<'_, '_>, width: usize) -> usize {
        let node = |t: usize| plan.placement(TaskId::new(t)).map(|p| p.node);
        (1..=width).filter(|&t| node(t) != node(0)).count()
    }

    #[test]
    fn contention_keeps_children_whose_inputs_would_queue() {
        // heterogeneous:4: two 8-core nodes of speed 2. The root ends at 0.5 s;
        // 8 children fit beside it from 0.5 to 1.0 s, the other 4 would end at
        // 1.5 s there. Each input takes 0.3 s over the network alone, so every
        // one of the 4 ends at 1.3 s on the other fast node as HEFT estimates
        // it, but they leave the root's NIC one after the other: only the first
        // gains (1.3 s), the second would end at 1.6 s.
        let dag = fork(12, 0.3 * 1.25e9);
        let platform: Platform = presets::preset("heterogeneous", 4).unwrap();
        let costs = CostModel::new(&dag, &platform).unwrap();
        assert_eq!(moved(&plan(&costs, &INITIAL_WEIGHTS), 12), 1);
        let mut heft_like = [0.0; N_FEATURES];
        heft_like[1] = -1.0;
        assert_eq!(moved(&plan(&costs, &heft_like), 12), 4);
        let makespan = plan(&costs, &INITIAL_WEIGHTS).makespan().as_secs_f64();
        assert!((makespan - 1.5).abs() < 1e-6, "{makespan}");
    }

    #[test]
    fn the_guard_keeps_the_shortest_estimate_and_the_model_on_ties() {
        let dag = fork(12, 0.3 * 1.25e9);
        let platform: Platform = presets::preset("heterogeneous", 4).unwrap();
        let costs = CostModel::new(&dag, &platform).unwrap();
        let heft = retime(&costs, &crate::heft::plan(&costs)).makespan();
        let lookahead = retime(&costs, &crate::lookahead::plan(&costs)).makespan();
        // A model that puts each task where it finishes last loses to both heuristics.
        let mut worst = [0.0; N_FEATURES];
        worst[0] = 1.0;
        let bad = plan(&costs, &worst).makespan();
        assert!(bad > heft.min(lookahead), "{bad:?} {heft:?} {lookahead:?}");
        assert_eq!(guarded(&costs, &worst).makespan(), heft.min(lookahead));
        // The contention-aware model plans 1.5 s, below HEFT's re-timed plan: it is kept.
        let model = plan(&costs, &INITIAL_WEIGHTS).makespan();
        assert!(model < heft, "{model:?} {heft:?}");
        assert_eq!(guarded(&costs, &INITIAL_WEIGHTS).makespan(), model.min(lookahead));
    }

    #[test]
    fn on_a_dedicated_network_a_retimed_plan_is_the_plan() {
        let dag = fork(12, 0.3 * 1.25e9);
        let platform = presets::preset("heterogeneous", 4)
            .unwrap()
            .with_network_model(sim::platform::NetworkModel::Dedicated)
            .unwrap();
        let costs = CostModel::new(&dag, &platform).unwrap();
        let heft = crate::heft::plan(&costs);
        let retimed = retime(&costs, &heft);
        for t in dag.task_ids() {
            assert_eq!(retimed.placement(t), heft.placement(t), "{t:?}");
        }
        // Shared, the same node choices queue their inputs and end later.
        let shared = presets::preset("heterogeneous", 4).unwrap();
        let costs = CostModel::new(&dag, &shared).unwrap();
        let heft = crate::heft::plan(&costs);
        assert!(retime(&costs, &heft).makespan() > heft.makespan());
    }

    #[test]
    fn transfers_into_one_node_queue_on_its_nic() {
        // Two producers on other nodes send 1 s of data each into node 0:
        // the second transfer waits for the first.
        let dag = fork(1, 1.25e9);
        let platform: Platform = presets::preset("heterogeneous", 4).unwrap();
        let costs = CostModel::new(&dag, &platform).unwrap();
        let network = Network::new(&costs);
        let inputs = [
            (NodeId::new(1), 0.0, 1.25e9),
            (NodeId::new(2), 0.0, 1.25e9),
            (NodeId::new(0), 0.5, 1.25e9),
        ];
        let (ready, remote) = network.transfers(&inputs, NodeId::new(0), |_, _, _| {});
        let one = costs.comm_secs(NodeId::new(1), NodeId::new(0), 1.25e9);
        assert!((ready - 2.0 * one).abs() < 1e-9, "{ready}");
        assert!((remote - 2.0 / 3.0).abs() < 1e-12, "{remote}");
    }
}
