//! SAGA problem instances (anrg-saga, <https://github.com/ANRGUSC/saga>):
//! a task graph and a network in one JSON file, so it yields a DAG and a platform.
//!
//! The top level is an object with `task_graph` and `network` (and optionally
//! `name`), each in one of two layouts:
//! - networkx node-link JSON (`networkx.node_link_data`): `nodes` with `id`
//!   and `weight`, and `links` (or `edges`, networkx ≥ 3.4) with `source`,
//!   `target` and `weight`;
//! - SAGA 2's own models (`ProblemInstance.model_dump_json`): the task graph's
//!   `tasks` (`name`, `cost`) and `dependencies` (`source`, `target`, `size`),
//!   the network's `nodes` (`name`, `speed`) and `edges` (`source`, `target`, `speed`).
//!
//! Meaning, as in SAGA: a task's weight is its cost, the time it takes at speed
//! 1, so it becomes work in reference seconds; an edge's weight is its data
//! size, in bytes; a network node's weight is its speed; a link's weight is
//! its strength, in bytes per second. A task then takes `cost / speed` and a
//! transfer `size / strength`, exactly as in SAGA.
//! The network is undirected and must link every pair of distinct nodes with
//! a positive strength. Self links (SAGA gives each node one, of strength
//! 10⁹ or more) are optional and must be positive; schedlab moves data within
//! a node for free, where SAGA charges `size / strength`: below 10⁻⁸ s per
//! edge for SAGA's generators, far under the 10⁻⁶ relative agreement tested.
//! Nodes become single-core nodes of a dedicated network with no latency and
//! a placeholder power model (SAGA has none: 100 W idle, 10 W busy), in the
//! file's order; tasks keep the file's order.

use crate::Workload;
use crate::error::ParseError;
use crate::formats::json::json_error;
use serde_json::{Map, Value};
use sim::platform::{NetworkSpec, NodeSpec, PowerModel};
use sim::{DagBuilder, Platform, PlatformSpec, TaskId, TaskSpec};
use std::collections::{BTreeMap, HashMap};

/// Whether JSON text is a SAGA instance: a top-level object with
/// `task_graph` and `network` keys.
///
/// # Errors
/// A [`ParseError::Line`] when the text is not valid JSON.
pub fn sniff(text: &str) -> Result<bool, ParseError> {
    if !text.contains("\"task_graph\"") {
        return Ok(false);
    }
    let value: Value = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    Ok(value.get("task_graph").is_some() && value.get("network").is_some())
}

/// The key names of one graph's layout.
struct Layout {
    nodes: &'static str,
    id: &'static str,
    node_weight: &'static str,
    edges: &'static [&'static str],
    edge_weight: &'static str,
}

/// Node-link JSON.
const NODE_LINK: Layout = Layout {
    nodes: "nodes",
    id: "id",
    node_weight: "weight",
    edges: &["links", "edges"],
    edge_weight: "weight",
};

/// SAGA 2's task graph model.
const SAGA_TASKS: Layout = Layout {
    nodes: "tasks",
    id: "name",
    node_weight: "cost",
    edges: &["dependencies"],
    edge_weight: "size",
};

/// SAGA 2's network model.
const SAGA_NETWORK: Layout = Layout {
    nodes: "nodes",
    id: "name",
    node_weight: "speed",
    edges: &["edges"],
    edge_weight: "speed",
};

/// One graph read generically: node names with weights, edges with weights.
struct Graph {
    nodes: Vec<(String, f64)>,
    edges: Vec<(String, String, f64)>,
}

/// Parses a SAGA instance; `default_name` names it when the file does not.
///
/// # Errors
/// A [`ParseError`] naming the field at fault: invalid JSON, a missing or
/// non-finite weight (a task's cost, a node's speed), a negative cost or size,
/// a link of zero strength, a pair of nodes without a link, an edge naming an
/// unknown task or node, or a cycle.
pub fn parse(text: &str, default_name: &str) -> Result<Workload, ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let value: Value = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    let top = value
        .as_object()
        .ok_or_else(|| ParseError::field("top level", "expected an object with task_graph and network"))?;
    let name = match top.get("name") {
        Some(Value::String(s)) => s.clone(),
        _ => default_name.to_owned(),
    };
    let task_graph = object(top, "task_graph")?;
    let layout = if task_graph.contains_key("tasks") {
        &SAGA_TASKS
    } else {
        &NODE_LINK
    };
    let tasks = read_graph(task_graph, "task_graph", layout, "cost (its time at speed 1)")?;
    let network = object(top, "network")?;
    let layout = if first_node_has(network, "speed") {
        &SAGA_NETWORK
    } else {
        &NODE_LINK
    };
    let nodes = read_graph(network, "network", layout, "speed")?;
    let dag = build_dag(&tasks)?;
    let platform = build_platform(&nodes, &name)?;
    Ok(Workload {
        dag,
        platform: Some(platform),
        name,
    })
}

/// The object under `key` of `parent`.
fn object<'v>(parent: &'v Map<String, Value>, key: &str) -> Result<&'v Map<String, Value>, ParseError> {
    parent
        .get(key)
        .and_then(Value::as_object)
        .ok_or_else(|| ParseError::field(key, "missing, or not an object"))
}

/// Whether the first entry of `nodes` has the key `key`.
fn first_node_has(graph: &Map<String, Value>, key: &str) -> bool {
    graph
        .get("nodes")
        .and_then(Value::as_array)
        .and_then(|nodes| nodes.first())
        .and_then(Value::as_object)
        .is_some_and(|node| node.contains_key(key))
}

/// A name: a JSON string, or a number (networkx ids may be integers).
fn name_of(value: Option<&Value>, context: impl FnOnce() -> String) -> Result<String, ParseError> {
    match value {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(ParseError::field(context(), "missing, or not a string or number")),
    }
}

/// A finite number under `key` of `entry`.
fn number(
    entry: &Map<String, Value>,
    key: &str,
    context: impl FnOnce() -> String,
    what: &str,
) -> Result<f64, ParseError> {
    match entry.get(key).and_then(Value::as_f64) {
        Some(x) if x.is_finite() => Ok(x),
        Some(x) => Err(ParseError::field(
            context(),
            format!("{key} (the {what}) is {x}, expected a finite number"),
        )),
        None => Err(ParseError::field(context(), format!("missing {key:?} (the {what})"))),
    }
}

/// Reads one graph's nodes and edges by `layout`; `weight_meaning` says what
/// a node's weight is, for errors.
fn read_graph(
    graph: &Map<String, Value>,
    at: &str,
    layout: &Layout,
    weight_meaning: &str,
) -> Result<Graph, ParseError> {
    let entries = graph
        .get(layout.nodes)
        .and_then(Value::as_array)
        .ok_or_else(|| ParseError::field(format!("{at}.{}", layout.nodes), "missing, or not a list"))?;
    let mut nodes = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let context = || format!("{at}.{}[{i}]", layout.nodes);
        let entry = entry
            .as_object()
            .ok_or_else(|| ParseError::field(context(), "not an object"))?;
        let name = name_of(entry.get(layout.id), || format!("{}.{}", context(), layout.id))?;
        let weight = number(
            entry,
            layout.node_weight,
            || format!("{} ({name:?})", context()),
            weight_meaning,
        )?;
        nodes.push((name, weight));
    }
    let (key, entries) = layout
        .edges
        .iter()
        .find_map(|&k| Some((k, graph.get(k)?.as_array()?)))
        .ok_or_else(|| ParseError::field(format!("{at}.{}", layout.edges.join(" or ")), "missing, or not a list"))?;
    let mut edges = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let context = || format!("{at}.{key}[{i}]");
        let entry = entry
            .as_object()
            .ok_or_else(|| ParseError::field(context(), "not an object"))?;
        let src = name_of(entry.get("source"), || format!("{}.source", context()))?;
        let dst = name_of(entry.get("target"), || format!("{}.target", context()))?;
        let what = if at == "network" { "link strength" } else { "data size" };
        let weight = number(
            entry,
            layout.edge_weight,
            || format!("{} ({src:?} -> {dst:?})", context()),
            what,
        )?;
        edges.push((src, dst, weight));
    }
    Ok(Graph { nodes, edges })
}

/// The DAG of a task graph: costs and sizes must be ≥ 0.
fn build_dag(tasks: &Graph) -> Result<sim::Dag, ParseError> {
    let mut builder = DagBuilder::new();
    let mut ids: HashMap<&str, TaskId> = HashMap::with_capacity(tasks.nodes.len());
    for (name, cost) in &tasks.nodes {
        if *cost < 0.0 {
            return Err(ParseError::field(
                format!("task {name:?}"),
                format!("cost {cost} is negative"),
            ));
        }
        ids.insert(name, builder.add_task(TaskSpec::new(name.clone(), *cost)));
    }
    for (src, dst, size) in &tasks.edges {
        let context = || format!("task_graph edge {src:?} -> {dst:?}");
        let id = |name: &str| {
            ids.get(name)
                .copied()
                .ok_or_else(|| ParseError::field(context(), format!("no task named {name:?}")))
        };
        if *size < 0.0 {
            return Err(ParseError::field(context(), format!("data size {size} is negative")));
        }
        builder.add_edge(id(src)?, id(dst)?, *size);
    }
    Ok(builder.build()?)
}

/// The platform of a network: positive speeds, and a positive strength for
/// every pair of distinct nodes.
fn build_platform(network: &Graph, name: &str) -> Result<Platform, ParseError> {
    let n = network.nodes.len();
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(n);
    for (i, (node, speed)) in network.nodes.iter().enumerate() {
        if *speed <= 0.0 {
            return Err(ParseError::field(
                format!("network node {node:?}"),
                format!("speed {speed}, expected > 0"),
            ));
        }
        index.insert(node, i);
    }
    let mut strength = vec![vec![f64::NAN; n]; n];
    for (a, b, s) in &network.edges {
        let context = || format!("network link {a:?} -- {b:?}");
        let id = |node: &str| {
            index
                .get(node)
                .copied()
                .ok_or_else(|| ParseError::field(context(), format!("no node named {node:?}")))
        };
        let (i, j) = (id(a)?, id(b)?);
        if *s <= 0.0 {
            return Err(ParseError::field(context(), format!("strength {s}, expected > 0")));
        }
        let old = strength[i][j];
        if !old.is_nan() && old != *s {
            return Err(ParseError::field(
                context(),
                format!("given twice, with strengths {old} and {s}"),
            ));
        }
        strength[i][j] = *s;
        strength[j][i] = *s;
    }
    for (i, row) in strength.iter_mut().enumerate() {
        for (j, s) in row.iter_mut().enumerate() {
            if i == j {
                // The platform ignores the diagonal (transfers within a node
                // are free), so it keeps the self link's strength, 0 where the
                // file gives none, for `etf:compat=saga`, which charges it as
                // SAGA does.
                if s.is_nan() {
                    *s = 0.0;
                }
            } else if s.is_nan() {
                return Err(ParseError::field(
                    "network",
                    format!("no link between {:?} and {:?}", network.nodes[i].0, network.nodes[j].0),
                ));
            }
        }
    }
    let nodes = network
        .nodes
        .iter()
        .map(|(node, speed)| NodeSpec {
            name: node.clone(),
            count: 1,
            cores: 1,
            speed: *speed,
            kind_speed: BTreeMap::new(),
            power: PowerModel {
                idle_w: 100.0,
                busy_core_w: 10.0,
                dvfs: Vec::new(),
                off_w: 0.0,
                boot_secs: 0.0,
                boot_j: 0.0,
            },
            group: None,
            nic_bandwidth: None,
            task_overhead: 0.0,
            pulls_inputs: false,
            price_per_hour: None,
            billing_secs: None,
            memory_bytes: None,
            labels: Vec::new(),
            pool: None,
        })
        .collect();
    let spec = PlatformSpec {
        name: format!("saga:{name}"),
        network: NetworkSpec::Dedicated {
            latency: 0.0,
            bandwidth: strength.first().and_then(|r| r.get(1)).copied().unwrap_or(1.0),
            bandwidth_matrix: Some(strength),
            latency_matrix: None,
        },
        nodes,
        workflow_system: None,
    };
    Ok(Platform::new(spec)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{CostModel, NodeId};

    /// Two tasks on two nodes, node-link JSON, with self links.
    const SMALL: &str = r#"{
        "task_graph": {"directed": true, "nodes": [{"id": "a", "weight": 2.0}, {"id": "b", "weight": 1.0}],
                       "links": [{"source": "a", "target": "b", "weight": 3.0}]},
        "network": {"directed": false, "nodes": [{"id": 0, "weight": 1.0}, {"id": 1, "weight": 0.5}],
                    "links": [{"source": 0, "target": 1, "weight": 1.5},
                              {"source": 0, "target": 0, "weight": 1e9}, {"source": 1, "target": 1, "weight": 1e9}]}
    }"#;

    #[test]
    fn weights_become_work_bytes_speeds_and_strengths() {
        assert!(sniff(SMALL).unwrap());
        let w = parse(SMALL, "small").unwrap();
        let platform = w.platform.unwrap();
        assert_eq!(platform.node_count(), 2);
        assert_eq!(platform.node(NodeId::new(1)).speed, 0.5);
        let costs = CostModel::new(&w.dag, &platform).unwrap();
        let (a, b) = (TaskId::new(0), TaskId::new(1));
        assert_eq!(costs.exec_secs(a, NodeId::new(1), 1, 0), 4.0);
        assert_eq!(
            costs.comm_secs(NodeId::new(1), NodeId::new(0), w.dag.edge(w.dag.out_edges(a)[0]).bytes),
            2.0
        );
        assert_eq!(w.dag.task(b).work, 1.0);
    }

    #[test]
    fn saga_models_read_like_node_link() {
        let text = r#"{"name": "m",
            "task_graph": {"tasks": [{"name": "a", "cost": 2.0}, {"name": "b", "cost": 1.0}],
                           "dependencies": [{"source": "a", "target": "b", "size": 3.0}]},
            "network": {"nodes": [{"name": "0", "speed": 1.0}, {"name": "1", "speed": 0.5}],
                        "edges": [{"source": "0", "target": "1", "speed": 1.5}, {"source": "0", "target": "0", "speed": 1e9}]}}"#;
        let w = parse(text, "x").unwrap();
        assert_eq!(w.name, "m");
        assert_eq!(w.dag.edge_count(), 1);
        assert_eq!(w.platform.unwrap().path_bandwidth(NodeId::new(1), NodeId::new(0)), 1.5);
    }

    fn error(text: &str) -> String {
        parse(text, "bad").err().unwrap().to_string()
    }

    #[test]
    fn bad_instances_get_errors_naming_the_field() {
        let missing_speed = SMALL.replace(r#"{"id": 1, "weight": 0.5}"#, r#"{"id": 1}"#);
        let e = error(&missing_speed);
        assert!(e.contains("network.nodes[1]") && e.contains("speed"), "{e}");
        let zero_link = SMALL.replace(r#""target": 1, "weight": 1.5"#, r#""target": 1, "weight": 0"#);
        let e = error(&zero_link);
        assert!(e.contains("link \"0\" -- \"1\"") && e.contains("strength 0"), "{e}");
        let no_link = SMALL.replace(r#"{"source": 0, "target": 1, "weight": 1.5},"#, "");
        let e = error(&no_link);
        assert!(e.contains("no link between \"0\" and \"1\""), "{e}");
        let cycle = SMALL.replace(
            r#"[{"source": "a", "target": "b", "weight": 3.0}]"#,
            r#"[{"source": "a", "target": "b", "weight": 3.0}, {"source": "b", "target": "a", "weight": 1.0}]"#,
        );
        let e = error(&cycle);
        assert!(e.contains("cycle"), "{e}");
        let missing_cost = SMALL.replace(r#"{"id": "b", "weight": 1.0}"#, r#"{"id": "b"}"#);
        let e = error(&missing_cost);
        assert!(e.contains("task_graph.nodes[1] (\"b\")") && e.contains("cost"), "{e}");
        let unknown = SMALL.replace(r#""target": "b""#, r#""target": "c""#);
        let e = error(&unknown);
        assert!(e.contains("no task named \"c\""), "{e}");
        assert!(error("[1]").contains("top level"));
        assert!(error(r#"{"task_graph": {}, "network": {}}"#).contains("task_graph.nodes"));
    }
}
