//! Energy-aware planning: choose node *and* DVFS level.
//!
//! Two static schedulers share the energy model here: busy energy of a run =
//! cores × busy power per core at the DVFS level × duration; idle power is
//! paid by every node over the whole makespan.
//!
//! - [`EnergyHeft`]: HEFT's task order, but each task goes to the (node,
//!   level) pair with the least energy cost among those that keep the plan
//!   within a makespan budget of (1 + ε) × HEFT's makespan, judged by the
//!   task's finish plus its upward-rank tail; if none qualifies, HEFT's own
//!   choice. The cost is the run's busy energy plus the platform's idle
//!   power times the amount by which it would extend the partial plan, since
//!   a longer schedule keeps every node drawing idle power. In the spirit of Lee & Zomaya's energy-conscious scheduling
//!   (IEEE TPDS 22(8), 2011), with the budget formulation of the issue.
//!   Complexity: two HEFT passes, each candidate evaluated at every level:
//!   O(e·p·l) plus the timeline search, for l DVFS levels.
//! - [`SlackReclaim`]: HEFT, then every task is slowed to the most
//!   energy-saving DVFS level that still ends before the earliest of its
//!   successors' data deadlines, the next task on its core and the makespan
//!   (slack reclamation, Zhu, Melhem & Childers, IEEE TPDS 14(7), 2003).
//!   Starts do not move, so the planned makespan is HEFT's. Tasks on cores
//!   shared with multi-core tasks are left at nominal speed.
//!   Complexity: HEFT plus O(e + n log n + n·l).
//!
//! Mean transfer times: HEFT's `c̄ = L̄ + data / B̄` in the upward rank of both
//! (`comm_mean=rate`, the default; `comm_mean=time` for the mean of the transfer times).

use crate::list::{Candidate, ListPlanner};
use crate::rank;
use sim::{CostModel, Decisions, NodeId, Scheduler, SimDuration, SimTime, SimView, TaskId};

/// Busy joules of `task` on `node` with its minimum cores at DVFS level `dvfs`.
fn busy_energy(costs: &CostModel<'_>, task: TaskId, node: NodeId, dvfs: u8) -> f64 {
    let cores = costs.dag().task(task).parallelism.min_cores;
    let power = &costs.platform().node(node).power;
    let busy_w = power.level(dvfs).map_or(power.busy_core_w, |l| l.busy_core_w);
    f64::from(cores) * busy_w * costs.exec_time_with(task, node, cores, dvfs).as_secs_f64()
}

/// HEFT's plan, for budgets and as the base of slack reclamation.
fn heft_plan<'c, 'a>(costs: &'c CostModel<'a>, ranks: &[f64]) -> ListPlanner<'c, 'a> {
    let mut planner = ListPlanner::new(costs, true);
    for task in rank::order_by_decreasing(costs, ranks) {
        planner.place_best(task);
    }
    planner
}

/// Energy-aware HEFT under a makespan budget of (1 + ε) × HEFT's makespan.
#[derive(Debug, Clone)]
pub struct EnergyHeft {
    slack: f64,
}

impl EnergyHeft {
    /// With budget factor `1 + slack`; the registry refuses a negative `slack`.
    pub fn new(slack: f64) -> EnergyHeft {
        EnergyHeft { slack }
    }
}

impl Scheduler for EnergyHeft {
    fn name(&self) -> &str {
        "energy-heft"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let ranks = rank::upward(costs);
        let budget = heft_plan(costs, &ranks).makespan().as_secs_f64() * (1.0 + self.slack);
        let idle_w: f64 = view.platform().nodes().iter().map(|n| n.power.idle_w).sum();
        let mut planner = ListPlanner::new(costs, true);
        let mut planned_end = SimTime::ZERO;
        for task in rank::order_by_decreasing(costs, &ranks) {
            let tail = ranks[task.index()] - costs.mean_exec_secs(task);
            let mut best: Option<(f64, SimTime, Candidate)> = None;
            for node in view.platform().node_ids() {
                let levels = view.platform().node(node).power.level_count();
                for dvfs in 0..levels {
                    let dvfs = u8::try_from(dvfs).unwrap_or(u8::MAX);
                    let Some(c) = planner.candidate_at(task, node, dvfs) else {
                        continue;
                    };
                    if c.end.as_secs_f64() + tail > budget {
                        continue;
                    }
                    let extension = (c.end - planned_end).as_secs_f64();
                    let energy = busy_energy(costs, task, node, dvfs) + idle_w * extension;
                    let better = best
                        .as_ref()
                        .is_none_or(|(e, end, _)| energy < *e || (energy == *e && c.end < *end));
                    if better {
                        best = Some((energy, c.end, c));
                    }
                }
            }
            match best {
                Some((_, _, c)) => planner.place(task, c),
                None => planner.place_best(task),
            }
            planned_end = planned_end.max(planner.placement(task).map_or(SimTime::ZERO, |p| p.end));
        }
        planner.emit(out);
    }
}

/// HEFT followed by slack reclamation with DVFS.
#[derive(Debug, Clone, Default)]
pub struct SlackReclaim;

impl Scheduler for SlackReclaim {
    fn name(&self) -> &str {
        "heft-slack"
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let costs = view.costs();
        let dag = view.dag();
        let ranks = rank::upward(costs);
        let mut planner = heft_plan(costs, &ranks);
        let makespan = planner.makespan();
        let placements: Vec<_> = dag
            .task_ids()
            .filter_map(|t| planner.placement(t).map(|p| (t, p)))
            .collect();

        // Next start on the same core, and nodes that host multi-core tasks.
        let mut next_on_lane = vec![makespan; dag.task_count()];
        let mut shared_node = vec![false; view.platform().node_count()];
        let mut by_lane: Vec<(NodeId, u32, SimTime, TaskId)> = Vec::with_capacity(placements.len());
        for &(t, p) in &placements {
            if p.cores > 1 {
                shared_node[p.node.index()] = true;
            }
            by_lane.push((p.node, p.lane, p.start, t));
        }
        by_lane.sort_unstable();
        for w in by_lane.windows(2) {
            if (w[0].0, w[0].1) == (w[1].0, w[1].1) {
                next_on_lane[w[0].3.index()] = w[1].2;
            }
        }

        for &(task, p) in &placements {
            if shared_node[p.node.index()] {
                continue;
            }
            // Latest end that delays neither a successor's data nor the core's next task.
            let mut deadline = next_on_lane[task.index()];
            for &e in dag.out_edges(task) {
                let edge = dag.edge(e);
                if let Some(s) = planner.placement(edge.dst) {
                    let comm = costs.comm_time(p.node, s.node, edge.bytes);
                    let latest = SimTime::from_nanos(s.start.as_nanos().saturating_sub(comm.as_nanos()));
                    deadline = deadline.min(latest);
                }
            }
            let levels = view.platform().node(p.node).power.level_count();
            let mut best = (busy_energy(costs, task, p.node, 0), 0u8, p.end);
            for dvfs in 1..levels {
                let dvfs = u8::try_from(dvfs).unwrap_or(u8::MAX);
                let duration: SimDuration = costs.exec_time_with(task, p.node, p.cores, dvfs);
                let end = p.start + duration;
                let energy = busy_energy(costs, task, p.node, dvfs);
                if end <= deadline && energy < best.0 {
                    best = (energy, dvfs, end);
                }
            }
            planner.retime(task, best.1, best.2);
        }
        planner.emit(out);
    }
}
