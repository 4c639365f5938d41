//! Chrome trace-event export (opens in Perfetto and chrome://tracing).
//!
//! One process per node, one thread per core; each task run is a complete
//! ("X") event on every core it held (further runs of a task, from
//! replication or duplication, are named `task (copy)`, and replicas cut
//! short when another run won `task (cancelled)`). Transfers are async events in a separate
//! "network" process, so overlapping transfers stack instead of colliding.

use crate::dag::Dag;
use crate::platform::Platform;
use crate::result::{RunKind, RunResult};
use serde_json::{Value, json};

/// The run as a Chrome trace-event JSON document. Times are in microseconds.
pub fn chrome_trace(dag: &Dag, platform: &Platform, result: &RunResult) -> Value {
    let micros = |t: crate::time::SimTime| t.as_nanos() as f64 / 1e3;
    let mut events = Vec::with_capacity(result.tasks.len() + result.transfers.len() * 2 + platform.node_count());
    for (n, node) in platform.nodes().iter().enumerate() {
        events.push(json!({"ph": "M", "name": "process_name", "pid": n, "args": {"name": node.name}}));
        for core in 0..node.cores {
            events.push(json!({"ph": "M", "name": "thread_name", "pid": n, "tid": core, "args": {"name": format!("core {core}")}}));
        }
    }
    for run in result.runs() {
        let task = dag.task(run.task);
        let suffix = match run.kind {
            RunKind::First => "",
            RunKind::Copy => " (copy)",
            RunKind::Cancelled => " (cancelled)",
        };
        let r = run.record;
        for &core in run.cores {
            events.push(json!({
                "ph": "X",
                "name": format!("{}{suffix}", task.name),
                "cat": dag.kind_name(task.kind),
                "pid": r.node.index(),
                "tid": core,
                "ts": micros(r.start),
                "dur": micros(r.end) - micros(r.start),
                "args": {"cores": r.cores, "dvfs": r.dvfs},
            }));
        }
    }
    let network_pid = platform.node_count();
    if !result.transfers.is_empty() {
        events.push(json!({"ph": "M", "name": "process_name", "pid": network_pid, "args": {"name": "network"}}));
    }
    for tr in &result.transfers {
        let edge = dag.edge(tr.edge);
        let name = format!("{} -> {}", dag.task(edge.src).name, dag.task(edge.dst).name);
        let args = json!({"bytes": edge.bytes, "from": platform.node(tr.src).name, "to": platform.node(tr.dst).name});
        for (ph, ts) in [("b", tr.start), ("e", tr.end)] {
            events.push(json!({
                "ph": ph, "cat": "transfer", "name": name, "id": tr.edge.index(),
                "pid": network_pid, "tid": 0, "ts": micros(ts), "args": args,
            }));
        }
    }
    json!({"traceEvents": events, "displayTimeUnit": "ms"})
}
