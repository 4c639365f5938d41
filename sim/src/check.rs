//! The invariant checker: an independent audit of a finished run.
//!
//! It re-derives every property from the records alone, so a bug in the
//! engine (or a forged result) cannot hide behind the engine's own
//! bookkeeping. Tests call [`check`] on every run they make.

use crate::cost::CostModel;
use crate::ids::{EdgeId, TaskId};
use crate::metrics;
use crate::result::RunResult;
use crate::time::{SimDuration, SimTime};
use std::collections::HashMap;

/// One task's hold on one core, for the overlap sweep.
struct CoreUse {
    node: usize,
    core: u32,
    start: u64,
    end: u64,
    task: TaskId,
}
use std::fmt;

/// Rounding slack for transfer durations: the engine rounds latency and the
/// bandwidth phase to whole nanoseconds separately, so a transfer may be up to
/// this much shorter than the single rounded `latency + bytes / bandwidth`.
const TRANSFER_ROUNDING: SimDuration = SimDuration::from_nanos(2);

/// Relative tolerance for the energy balance (floating-point summation order).
const ENERGY_REL_TOL: f64 = 1e-9;

/// One broken invariant.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation(pub String);

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks that `result` is a valid execution of the cost model's DAG on its platform:
/// - every task ran exactly once, ending no earlier than it started and
///   starting no earlier than its release;
/// - every task started only after all its inputs arrived (same node: after
///   the producer ended; other node: after a transfer that began no earlier
///   than the producer's end);
/// - no node ever ran more tasks than it has cores, and no core ran two tasks at once;
/// - every transfer took at least latency + bytes / bandwidth;
/// - energy equals idle power × makespan plus busy power × busy time, and is
///   at least idle power × makespan.
///
/// # Errors
/// Every violation found, each naming the task, edge or node.
pub fn check(costs: &CostModel<'_>, result: &RunResult) -> Result<(), Vec<Violation>> {
    let dag = costs.dag();
    let platform = costs.platform();
    let mut bad: Vec<Violation> = Vec::new();

    if result.tasks.len() != dag.task_count() {
        bad.push(Violation(format!(
            "{} task records for {} tasks",
            result.tasks.len(),
            dag.task_count()
        )));
        return Err(bad);
    }
    for (i, r) in result.tasks.iter().enumerate() {
        let name = &dag.tasks()[i].name;
        if r.end < r.start {
            bad.push(Violation(format!("task {name:?} ends before it starts")));
        }
        if r.start < SimTime::from_secs_f64(dag.tasks()[i].release) {
            bad.push(Violation(format!("task {name:?} started before its release")));
        }
        if r.node.index() >= platform.node_count() {
            bad.push(Violation(format!("task {name:?} ran on unknown node {}", r.node)));
        } else if r.cores == 0 || r.cores > platform.node(r.node).cores {
            bad.push(Violation(format!(
                "task {name:?} held {} cores on {}",
                r.cores,
                platform.node(r.node).name
            )));
        }
        let p = dag.tasks()[i].parallelism;
        if r.cores < p.min_cores || r.cores > p.max_cores {
            bad.push(Violation(format!(
                "task {name:?} held {} cores outside {}..={}",
                r.cores, p.min_cores, p.max_cores
            )));
        }
    }
    if !bad.is_empty() {
        return Err(bad);
    }

    // Transfers: each edge moved at most once, long enough, after its producer.
    let mut transfer_of: HashMap<EdgeId, usize> = HashMap::with_capacity(result.transfers.len());
    for (k, tr) in result.transfers.iter().enumerate() {
        if transfer_of.insert(tr.edge, k).is_some() {
            bad.push(Violation(format!("edge {} was transferred twice", tr.edge)));
        }
        let edge = dag.edge(tr.edge);
        let min = costs.comm_time(tr.src, tr.dst, edge.bytes);
        if (tr.end - tr.start) + TRANSFER_ROUNDING < min {
            bad.push(Violation(format!(
                "transfer {:?} -> {:?} took {} but needs at least {}",
                dag.task(edge.src).name,
                dag.task(edge.dst).name,
                tr.end - tr.start,
                min
            )));
        }
        if tr.start < result.tasks[edge.src.index()].end {
            bad.push(Violation(format!(
                "transfer of edge {} began before its producer {:?} ended",
                tr.edge,
                dag.task(edge.src).name
            )));
        }
    }

    // Precedence.
    for (i, edge) in dag.edges().iter().enumerate() {
        let (src, dst) = (&result.tasks[edge.src.index()], &result.tasks[edge.dst.index()]);
        let arrival = if src.node == dst.node {
            Some(src.end)
        } else {
            match transfer_of.get(&EdgeId::new(i)) {
                Some(&k) if result.transfers[k].src == src.node && result.transfers[k].dst == dst.node => {
                    Some(result.transfers[k].end)
                }
                _ => None,
            }
        };
        let (p, c) = (&dag.task(edge.src).name, &dag.task(edge.dst).name);
        match arrival {
            None => bad.push(Violation(format!(
                "task {c:?} on another node than {p:?} but no transfer moved their data"
            ))),
            Some(at) if dst.start < at => bad.push(Violation(format!(
                "task {c:?} started before its input from {p:?} arrived"
            ))),
            Some(_) => {}
        }
    }

    // Capacity: no core runs two tasks at once (which bounds each node by its core count).
    let mut core_use: Vec<CoreUse> = Vec::with_capacity(result.core_slots.len());
    for t in dag.task_ids() {
        let r = result.task(t);
        let cores = result.cores_of(t);
        let mut distinct = cores.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() != cores.len() {
            bad.push(Violation(format!(
                "task {:?} holds the same core twice",
                dag.task(t).name
            )));
        }
        for &core in cores {
            if core >= platform.node(r.node).cores {
                bad.push(Violation(format!(
                    "task {:?} ran on core {core} of a {}-core node",
                    dag.task(t).name,
                    platform.node(r.node).cores
                )));
            }
            core_use.push(CoreUse {
                node: r.node.index(),
                core,
                start: r.start.as_nanos(),
                end: r.end.as_nanos(),
                task: t,
            });
        }
    }
    core_use.sort_unstable_by_key(|u| (u.node, u.core, u.start, u.end));
    for w in core_use.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.node == b.node && a.core == b.core && b.start < a.end {
            bad.push(Violation(format!(
                "tasks {:?} and {:?} overlap on core {} of node {}",
                dag.task(a.task).name,
                dag.task(b.task).name,
                a.core,
                platform.nodes()[a.node].name
            )));
        }
    }

    // Energy.
    let makespan = result.makespan().as_secs_f64();
    let expected = metrics::node_energy(platform, result);
    if result.node_energy_j.len() != platform.node_count() {
        bad.push(Violation(format!(
            "{} node energies for {} nodes",
            result.node_energy_j.len(),
            platform.node_count()
        )));
    } else {
        for (n, node) in platform.nodes().iter().enumerate() {
            let got = result.node_energy_j[n];
            let want = expected[n];
            if (got - want).abs() > ENERGY_REL_TOL * want.abs().max(1.0) {
                bad.push(Violation(format!(
                    "node {} energy {got} J, expected {want} J",
                    node.name
                )));
            }
            if got + ENERGY_REL_TOL * got.abs() < node.power.idle_w * makespan {
                bad.push(Violation(format!(
                    "node {} energy {got} J is below idle power × makespan",
                    node.name
                )));
            }
        }
    }

    if bad.is_empty() { Ok(()) } else { Err(bad) }
}
