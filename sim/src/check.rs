//! The invariant checker: an independent audit of a finished run.
//!
//! It re-derives every property from the records alone, so a bug in the
//! engine (or a forged result) cannot hide behind the engine's own
//! bookkeeping. Tests call [`check`] on every run they make.

use crate::cost::CostModel;
use crate::ids::TaskId;
use crate::metrics;
use crate::power::{PowerRecord, PowerState};
use crate::result::{RunResult, TaskRecord};
use crate::time::{SimDuration, SimTime};

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
/// - every task finished (its first finished run is recorded), each run
///   ending no earlier than it started and starting no earlier than its release;
/// - every finished run started only after all its inputs arrived on its node
///   (from a finished run of the producer on that node, or by a transfer that
///   began no earlier than the end of a finished run of the producer on the
///   sending node);
/// - no node ever ran more tasks than it has cores, and no core ran two tasks
///   at once (copies, cancelled replicas and runs lost to failures count
///   too); nothing ran on a down node, nor on a node while it was off or
///   booting (from the run's power records, which must be disjoint periods);
/// - every run (copies, cancelled replicas and lost runs too) ran on a node
///   with every label its task requires, and at no instant did the runs on a
///   node hold more memory than the node has;
/// - every transfer took at least latency + bytes / bandwidth;
/// - energy equals idle power × time on plus off power × time off plus boot
///   power × time booting plus busy power × busy time (lost runs included),
///   and is at least idle power × time on (the makespan less any outages and
///   off and booting periods).
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
    // Every finished run: the first of each task, then the copies.
    let finished: Vec<(TaskId, &TaskRecord)> = dag
        .task_ids()
        .zip(&result.tasks)
        .chain(result.copies.iter().map(|c| (c.task, &c.record)))
        .collect();
    let finished_of = Groups::new(dag.task_count(), finished.iter().map(|&(t, r)| (t.index(), r)));
    for &(t, r) in &finished {
        if t.index() >= dag.task_count() {
            bad.push(Violation(format!("a copy of unknown task {t}")));
            continue;
        }
        let i = t.index();
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

    // Transfers: each edge moved at most once to a node, long enough, after
    // its producer. An edge moves to a node once, unless a failure sent its
    // consumer elsewhere and the data had to move again.
    let transfer_of = Groups::new(
        dag.edge_count(),
        result.transfers.iter().enumerate().map(|(k, tr)| (tr.edge.index(), k)),
    );
    for (k, tr) in result.transfers.iter().enumerate() {
        let mut earlier = transfer_of.get(tr.edge.index()).iter().take_while(|&&m| m < k);
        if result.outages.is_empty() && earlier.any(|&m| result.transfers[m].dst == tr.dst) {
            bad.push(Violation(format!(
                "edge {} was transferred twice to one node without a failure",
                tr.edge
            )));
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
        let sent_after_a_run = finished_of
            .get(edge.src.index())
            .iter()
            .any(|r| r.node == tr.src && r.end <= tr.start);
        if !sent_after_a_run {
            bad.push(Violation(format!(
                "transfer of edge {} began before its producer {:?} ended on the sending node",
                tr.edge,
                dag.task(edge.src).name
            )));
        }
    }

    // Precedence, for every finished run of every consumer.
    for (i, edge) in dag.edges().iter().enumerate() {
        let producers = finished_of.get(edge.src.index());
        for dst in finished_of.get(edge.dst.index()) {
            // The earliest of a producer run on the consumer's node and a move of this edge there.
            let local = producers.iter().filter(|p| p.node == dst.node).map(|p| p.end);
            let moved = transfer_of
                .get(i)
                .iter()
                .map(|&k| &result.transfers[k])
                .filter(|t| t.dst == dst.node)
                .map(|t| t.end);
            let (p, c) = (&dag.task(edge.src).name, &dag.task(edge.dst).name);
            match local.chain(moved).min() {
                None => bad.push(Violation(format!(
                    "task {c:?} ran on {} but no run of {p:?} there and no transfer moved their data",
                    platform.node(dst.node).name
                ))),
                Some(at) if dst.start < at => bad.push(Violation(format!(
                    "task {c:?} started before its input from {p:?} arrived"
                ))),
                Some(_) => {}
            }
        }
    }

    // Capacity: no core runs two task runs at once (which bounds each node by
    // its core count), lost runs included; no run on a node while it is down.
    let runs = result
        .runs()
        .map(|r| (r.task, r.record.node, r.record.start, r.record.end, r.cores))
        .chain(
            result
                .lost
                .iter()
                .map(|l| (l.task, l.node, l.start, l.end, result.cores_of_lost(l))),
        );
    // Off and booting periods per node, by start; each well formed and disjoint.
    let mut power: Vec<&PowerRecord> = result.power.iter().collect();
    power.sort_by_key(|p| (p.node, p.start));
    for (k, p) in power.iter().enumerate() {
        let Some(node) = platform.nodes().get(p.node.index()) else {
            bad.push(Violation(format!("a power record of unknown node {}", p.node)));
            continue;
        };
        if !matches!(p.state, PowerState::Off | PowerState::Booting) || p.end < p.start {
            bad.push(Violation(format!(
                "node {} has a power record {} from {} to {}",
                node.name, p.state, p.start, p.end
            )));
        }
        if k > 0 && power[k - 1].node == p.node && p.start < power[k - 1].end {
            bad.push(Violation(format!(
                "node {} has overlapping off or booting periods at {}",
                node.name, p.start
            )));
        }
    }
    let power_of = Groups::new(platform.node_count(), power.iter().map(|&p| (p.node.index(), *p)));
    let mut core_use: Vec<CoreUse> = Vec::with_capacity(result.core_slots.len());
    let mut distinct: Vec<u32> = Vec::new();
    for (t, node, start, end, cores) in runs {
        let name = &dag.task(t).name;
        distinct.clear();
        distinct.extend_from_slice(cores);
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() != cores.len() {
            bad.push(Violation(format!("task {name:?} holds the same core twice")));
        }
        for &core in cores {
            if core >= platform.node(node).cores {
                bad.push(Violation(format!(
                    "task {name:?} ran on core {core} of a {}-core node",
                    platform.node(node).cores
                )));
            }
            core_use.push(CoreUse {
                node: node.index(),
                core,
                start: start.as_nanos(),
                end: end.as_nanos(),
                task: t,
            });
        }
        for o in result.outages.iter().filter(|o| o.node == node) {
            let down_until = o.end.unwrap_or(SimTime::from_nanos(u64::MAX));
            if start < down_until && o.start < end {
                bad.push(Violation(format!(
                    "task {name:?} ran on {} while it was down",
                    platform.node(node).name
                )));
            }
        }
        // The node's off and booting periods are sorted and disjoint (checked
        // below), so only the last one starting before the run's end can overlap it.
        let periods = power_of.get(node.index());
        let before_end = periods.partition_point(|p| p.start < end);
        if let Some(p) = before_end.checked_sub(1).map(|k| periods[k])
            && start < p.end
        {
            bad.push(Violation(format!(
                "task {name:?} ran on {} from {start} to {end} while it was {} from {} to {}",
                platform.node(node).name,
                p.state,
                p.start,
                p.end
            )));
        }
    }
    // Placement constraints: labels per run, memory per node over time.
    let run_nodes = result
        .runs()
        .map(|r| (r.task, r.record.node))
        .chain(result.lost.iter().map(|l| (l.task, l.node)));
    for (t, node) in run_nodes {
        let (task, node) = (dag.task(t), platform.node(node));
        if let Some(label) = task.requires.iter().find(|l| !node.labels.contains(l)) {
            bad.push(Violation(format!(
                "task {:?} ran on {}, which lacks its required label {label:?}",
                task.name, node.name
            )));
        }
    }
    let peaks = metrics::node_peak_memory(dag, platform.node_count(), result);
    for (node, &(peak, at)) in platform.nodes().iter().zip(&peaks) {
        if let Some(capacity) = node.memory_bytes
            && peak > capacity
        {
            bad.push(Violation(format!(
                "node {} held {peak} bytes of memory at {at}, more than its {capacity}",
                node.name
            )));
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
    let up_secs = metrics::on_secs(platform, result);
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
            if got + ENERGY_REL_TOL * got.abs() < node.power.idle_w * up_secs[n] {
                bad.push(Violation(format!(
                    "node {} energy {got} J is below idle power × time on",
                    node.name
                )));
            }
        }
    }

    if bad.is_empty() { Ok(()) } else { Err(bad) }
}

/// Values grouped by a dense key, in the order they came within each key
/// (compressed rows: two passes, no per-key allocation).
struct Groups<T> {
    offsets: Vec<usize>,
    values: Vec<T>,
}

impl<T: Copy> Groups<T> {
    /// Groups `items` by key; keys at or above `n_keys` are left out.
    fn new(n_keys: usize, items: impl Iterator<Item = (usize, T)> + Clone) -> Groups<T> {
        let mut offsets = vec![0usize; n_keys + 1];
        for (key, _) in items.clone().filter(|&(key, _)| key < n_keys) {
            offsets[key + 1] += 1;
        }
        for i in 0..n_keys {
            offsets[i + 1] += offsets[i];
        }
        let mut cursor = offsets.clone();
        let mut values = Vec::with_capacity(offsets[n_keys]);
        let mut slots: Vec<Option<T>> = vec![None; offsets[n_keys]];
        for (key, value) in items.filter(|&(key, _)| key < n_keys) {
            slots[cursor[key]] = Some(value);
            cursor[key] += 1;
        }
        values.extend(slots.into_iter().flatten());
        Groups { offsets, values }
    }

    /// The values of `key`, in order.
    fn get(&self, key: usize) -> &[T] {
        &self.values[self.offsets[key]..self.offsets[key + 1]]
    }
}

/// Checks a job stream's run: everything [`check`] checks of its DAG, and
/// that no run of a job's task (finished, copy, cancelled or lost) started
/// before the job arrived, and that each job's recorded first start and
/// finish are its tasks' earliest start and latest end.
///
/// # Errors
/// Every violation found, each naming the job or task.
pub fn check_stream(run: &crate::StreamRun, platform: &crate::Platform) -> Result<(), Vec<Violation>> {
    let costs = match CostModel::new(&run.dag, platform) {
        Ok(costs) => costs,
        Err(e) => {
            return Err(vec![Violation(format!(
                "the stream's DAG does not fit the platform: {e}"
            ))]);
        }
    };
    let mut violations = check(&costs, &run.result).err().unwrap_or_default();
    let result = &run.result;
    let mut job_of = vec![0usize; run.dag.task_count()];
    for (j, job) in run.jobs.iter().enumerate() {
        for t in job.info.tasks() {
            job_of[t.index()] = j;
        }
    }
    let early = |task: TaskId, start: SimTime| {
        let job = &run.jobs[job_of[task.index()]];
        (start < job.info.arrival).then(|| {
            Violation(format!(
                "task {:?} started at {start} before its job j{} arrived at {}",
                run.dag.task(task).name,
                job_of[task.index()],
                job.info.arrival
            ))
        })
    };
    let starts = result
        .runs()
        .map(|r| (r.task, r.record.start))
        .chain(result.lost.iter().map(|l| (l.task, l.start)));
    violations.extend(starts.filter_map(|(task, start)| early(task, start)));
    for (j, job) in run.jobs.iter().enumerate() {
        let records = || job.info.tasks().map(|t| result.task(t));
        let first_start = records().map(|r| r.start).min();
        let finish = records().map(|r| r.end).max();
        if job.finish.is_some() && (job.finish != finish || job.first_start.is_none_or(|s| Some(s) > first_start)) {
            violations.push(Violation(format!(
                "job j{j}: recorded start {:?} and finish {:?}, but its tasks ran from {first_start:?} to {finish:?}",
                job.first_start, job.finish
            )));
        }
    }
    if violations.is_empty() { Ok(()) } else { Err(violations) }
}
