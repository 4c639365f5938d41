//! CPA, MCPA and HCPA: two-step scheduling of moldable tasks, first an
//! allocation (how many cores each task gets), then list scheduling.
//!
//! - **CPA**, Critical Path and Allocation: Rădulescu and van Gemund, "A
//!   low-cost approach towards mixed task and data parallel scheduling",
//!   ICPP 2001.
//! - **MCPA**, Modified CPA: Bansal, Kumar, Singh, "An improved two-step
//!   algorithm for task and data parallel scheduling in distributed memory
//!   machines", Parallel Computing 32(10), 2006: CPA whose allocations of the
//!   tasks of one precedence level never sum to more than the platform's
//!   cores, so that independent tasks can run side by side.
//! - **HCPA**, Heterogeneous CPA: N'Takpé and Suter, "Critical path and
//!   area based scheduling of parallel task graphs on heterogeneous
//!   platforms", ICPADS 2006: the allocation is computed on a *reference
//!   platform*, a virtual homogeneous one of the slowest node's speed with
//!   as many cores as give the real platform's total power, and translated
//!   per node into the fewest cores that run the task at least as fast.
//!
//! **Allocation** (all three). Every task starts on its fewest cores. Let
//! `τ(t, k)` be the task's time on `k` cores of the reference node (the
//! slowest node; for CPA and MCPA any node of a homogeneous platform), `T_CP`
//! the longest path of these times (communication free, as in the papers)
//! and `T_A = Σ k(t) τ(t, k(t)) / P` the average area over the `P` cores of
//! the platform (HCPA: of the reference platform). While `T_CP > T_A`, one
//! more core goes to the task on a critical path with the largest gain
//! `τ(t, k)/k − τ(t, k+1)/(k+1)` (ties: lowest task id), among those with
//! `k < max_cores`, `k <` the largest node's cores, and `τ(t, k+1) < τ(t, k)`
//! (the papers' benefit is positive even where an extra core saves no time,
//! so a fully serial task would grow until the area catches up: this guard,
//! ours, keeps it on one core); MCPA also needs its level's allocations to
//! stay at most `P`. **Stopping criterion**: `T_CP ≤ T_A`, or no critical
//! task can grow.
//!
//! **Mapping**. Tasks are taken in decreasing bottom level of their
//! allocated times (ties in topological order) and each placed, with
//! insertion, on the node where it finishes earliest (ties: lowest node id)
//! with its allocation there: CPA and MCPA use `k(t)` cores (at most the
//! node's), HCPA the fewest cores on that node whose time is at most the
//! reference time `τ(t, k(t))` (all it can use if none is).
//! Complexity: O((n + e) · Σ k(t)) for the allocation, O(e·p) for mapping.

use crate::list::{Candidate, ListPlanner};
use crate::rank;
use sim::{CostModel, Decisions, NodeId, Scheduler, SimView, TaskId};

/// Which of the three two-step algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Critical Path and Allocation.
    Cpa,
    /// CPA with allocations per precedence level bounded by the platform's cores.
    Mcpa,
    /// CPA on a reference platform, translated per node.
    Hcpa,
}

/// A two-step moldable scheduler.
#[derive(Clone, Debug)]
pub struct Cpa {
    variant: Variant,
}

impl Cpa {
    /// The scheduler of `variant`.
    pub fn new(variant: Variant) -> Cpa {
        Cpa { variant }
    }
}

impl Scheduler for Cpa {
    fn name(&self) -> &str {
        match self.variant {
            Variant::Cpa => "cpa",
            Variant::Mcpa => "mcpa",
            Variant::Hcpa => "hcpa",
        }
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let reference = Reference::of(costs, self.variant);
        let cores = allocate(costs, &reference, self.variant);
        map(costs, &reference, self.variant, &cores).emit(out);
    }
}

/// The platform the allocation step reasons about.
#[derive(Clone, Copy, Debug)]
pub struct Reference {
    /// The node whose times are `τ`: the slowest (lowest id among equals).
    pub node: NodeId,
    /// Cores `P` of the (reference) platform.
    pub cores: u32,
    /// Cores of the largest node: no task can hold more.
    pub largest: u32,
}

impl Reference {
    /// The reference of `costs`' platform for `variant`.
    pub fn of(costs: &CostModel<'_>, variant: Variant) -> Reference {
        let platform = costs.platform();
        let nodes = platform.nodes();
        let node = platform
            .node_ids()
            .min_by(|&a, &b| {
                platform
                    .node(a)
                    .speed
                    .total_cmp(&platform.node(b).speed)
                    .then(a.cmp(&b))
            })
            .unwrap_or(NodeId::new(0));
        let total: u32 = nodes.iter().map(|n| n.cores).sum();
        let cores = match variant {
            Variant::Cpa | Variant::Mcpa => total,
            Variant::Hcpa => {
                let slowest = platform.node(node).speed;
                let power: f64 = nodes.iter().map(|n| f64::from(n.cores) * n.speed).sum();
                ((power / slowest).floor() as u32).max(1)
            }
        };
        Reference {
            node,
            cores,
            largest: nodes.iter().map(|n| n.cores).max().unwrap_or(1),
        }
    }

    /// `τ(t, k)`: seconds of `task` on `cores` cores of the reference node.
    fn time(&self, costs: &CostModel<'_>, task: TaskId, cores: u32) -> f64 {
        costs.exec_secs(task, self.node, cores, 0)
    }
}

/// Per task, the longest path from an entry to its start (top level) and
/// from its start to an exit (bottom level), for task times `time`.
fn levels(costs: &CostModel<'_>, time: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let dag = costs.dag();
    let order = dag.topological_order();
    let mut top = vec![0.0f64; dag.task_count()];
    for &t in order {
        top[t.index()] = dag
            .predecessors(t)
            .map(|p| top[p.index()] + time[p.index()])
            .fold(0.0, f64::max);
    }
    let mut bottom = vec![0.0f64; dag.task_count()];
    for &t in order.iter().rev() {
        bottom[t.index()] = time[t.index()] + dag.successors(t).map(|s| bottom[s.index()]).fold(0.0, f64::max);
    }
    (top, bottom)
}

/// Precedence level of each task: edges on the longest path from an entry.
fn precedence_levels(costs: &CostModel<'_>) -> Vec<usize> {
    let dag = costs.dag();
    let mut level = vec![0usize; dag.task_count()];
    for &t in dag.topological_order() {
        level[t.index()] = dag.predecessors(t).map(|p| level[p.index()] + 1).max().unwrap_or(0);
    }
    level
}

/// The allocation step: cores per task (see the module docs).
pub fn allocate(costs: &CostModel<'_>, reference: &Reference, variant: Variant) -> Vec<u32> {
    let dag = costs.dag();
    let mut cores: Vec<u32> = dag.tasks().iter().map(|t| t.parallelism.min_cores).collect();
    let mut time: Vec<f64> = dag
        .task_ids()
        .map(|t| reference.time(costs, t, cores[t.index()]))
        .collect();
    let level = precedence_levels(costs);
    let mut level_cores = vec![0u32; level.iter().max().map_or(0, |&l| l + 1)];
    for t in dag.task_ids() {
        level_cores[level[t.index()]] += cores[t.index()];
    }
    let p = f64::from(reference.cores);
    loop {
        let (top, bottom) = levels(costs, &time);
        let critical_path = dag.task_ids().map(|t| bottom[t.index()]).fold(0.0, f64::max);
        let area: f64 = dag
            .task_ids()
            .map(|t| f64::from(cores[t.index()]) * time[t.index()])
            .sum();
        if critical_path <= area / p {
            break;
        }
        let mut best: Option<(f64, TaskId, f64)> = None;
        for t in dag.task_ids() {
            let (i, k) = (t.index(), cores[t.index()]);
            let on_critical_path = top[i] + bottom[i] >= critical_path * (1.0 - 1e-12);
            let cap = dag.task(t).parallelism.max_cores.min(reference.largest);
            let level_full = variant == Variant::Mcpa && level_cores[level[i]] >= reference.cores;
            if !on_critical_path || k >= cap || level_full {
                continue;
            }
            let longer = reference.time(costs, t, k + 1);
            if longer >= time[i] {
                continue;
            }
            let gain = time[i] / f64::from(k) - longer / f64::from(k + 1);
            if best.is_none_or(|(g, _, _)| gain > g) {
                best = Some((gain, t, longer));
            }
        }
        let Some((_, t, longer)) = best else { break };
        cores[t.index()] += 1;
        time[t.index()] = longer;
        level_cores[level[t.index()]] += 1;
    }
    cores
}

/// Cores `task` holds on `node` given its allocation `allocated` (see the
/// module docs), or `None` if the node has too few cores for it.
fn cores_on(
    costs: &CostModel<'_>,
    reference: &Reference,
    variant: Variant,
    task: TaskId,
    allocated: u32,
    node: NodeId,
) -> Option<u32> {
    let p = costs.dag().task(task).parallelism;
    let most = p.max_cores.min(costs.platform().node(node).cores);
    if most < p.min_cores {
        return None;
    }
    Some(match variant {
        Variant::Cpa | Variant::Mcpa => allocated.clamp(p.min_cores, most),
        Variant::Hcpa => {
            let target = reference.time(costs, task, allocated);
            (p.min_cores..=most)
                .find(|&k| costs.exec_secs(task, node, k, 0) <= target)
                .unwrap_or(most)
        }
    })
}

/// The mapping step: list scheduling of the allocated tasks.
fn map<'c, 'a>(
    costs: &'c CostModel<'a>,
    reference: &Reference,
    variant: Variant,
    cores: &[u32],
) -> ListPlanner<'c, 'a> {
    let time: Vec<f64> = costs
        .dag()
        .task_ids()
        .map(|t| reference.time(costs, t, cores[t.index()]))
        .collect();
    let (_, bottom) = levels(costs, &time);
    let mut planner = ListPlanner::new(costs, true);
    for task in rank::order_by_decreasing(costs, &bottom) {
        let mut best: Option<Candidate> = None;
        for node in costs.platform().node_ids() {
            let Some(k) = cores_on(costs, reference, variant, task, cores[task.index()], node) else {
                continue;
            };
            if let Some(c) = planner.candidate_with(task, node, k, 0)
                && best.as_ref().is_none_or(|b| c.end < b.end)
            {
                best = Some(c);
            }
        }
        if let Some(c) = best {
            planner.place(task, c);
        }
    }
    planner
}
