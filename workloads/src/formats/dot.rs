//! Graphviz DOT (<https://graphviz.org/doc/info/lang.html>), read with the
//! `graphviz-rust` parser and mapped here to the DAG model.
//!
//! Reading: the graph must be a `digraph`. Every node becomes a task named by
//! its id, in order of first appearance. Weights come from attributes, after
//! `node [...]` / `edge [...]` defaults (scoped to their subgraph) are applied:
//! - task work (seconds): `work`, else `weight`, `runtime`, `time` or `size`;
//!   1 when none is given (an unweighted graph has unit tasks);
//! - task kind: `kind`, else `type`, else `task`;
//! - per-node costs: `node_costs="c0,c1,…"` (seconds on each platform node);
//! - edge bytes: `bytes`, else `size`, `weight` or `data`; 0 when none is given.
//!
//! Chains (`a -> b -> c`) and subgraph endpoints (`a -> subgraph { b c }`)
//! expand to one edge per pair. Labels, colours and other attributes are
//! ignored. Limitation of the parser crate: a subgraph needs the `subgraph`
//! keyword (the bare `a -> { b c }` shorthand is a syntax error).
//!
//! Writing produces a `digraph` with one box per task (labelled with its name
//! and work) carrying `kind`, `work` and `node_costs`, and one edge per data
//! edge carrying `bytes`, so `dot -Tpng` renders it and this reader reads it
//! back. The platform is not written.

use crate::error::ParseError;
use graphviz_rust::dot_structures::{Attribute, EdgeTy, Graph, GraphAttributes, Id, NodeId, Stmt, Vertex};
use sim::{Dag, DagBuilder, TaskId, TaskSpec};
use std::collections::HashMap;
use std::io::Write;

const WORK_KEYS: &[&str] = &["work", "weight", "runtime", "time", "size"];
const KIND_KEYS: &[&str] = &["kind", "type"];
const BYTES_KEYS: &[&str] = &["bytes", "size", "weight", "data"];

type Attrs = HashMap<String, String>;

/// The text of an id, without quotes or HTML brackets.
fn id_text(id: &Id) -> String {
    match id {
        Id::Escaped(s) => s
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(s)
            .replace("\\\"", "\"")
            .replace("\\\n", ""),
        Id::Html(s) => s
            .strip_prefix('<')
            .and_then(|s| s.strip_suffix('>'))
            .unwrap_or(s)
            .to_owned(),
        Id::Plain(s) | Id::Anonymous(s) => s.clone(),
    }
}

/// Applies `list` over `attrs`. A key of a synonym group (e.g. `work` or
/// `weight`) first removes the whole group, so an explicit `weight` overrides
/// a default `work`.
fn apply(attrs: &mut Attrs, list: &[Attribute], groups: &[&[&str]]) {
    for Attribute(k, v) in list {
        let key = id_text(k);
        for group in groups.iter().filter(|g| g.contains(&key.as_str())) {
            for synonym in group.iter() {
                attrs.remove(*synonym);
            }
        }
        attrs.insert(key, id_text(v));
    }
}

const NODE_GROUPS: &[&[&str]] = &[WORK_KEYS, KIND_KEYS];
const EDGE_GROUPS: &[&[&str]] = &[BYTES_KEYS];

/// Collects nodes (first appearance order, merged attributes) and edges.
#[derive(Default)]
struct Collector {
    order: Vec<String>,
    nodes: HashMap<String, Attrs>,
    edges: Vec<(String, String, Attrs)>,
}

impl Collector {
    fn touch(&mut self, name: &str, defaults: &Attrs) {
        if !self.nodes.contains_key(name) {
            self.order.push(name.to_owned());
            self.nodes.insert(name.to_owned(), defaults.clone());
        }
    }

    /// Walks statements with the node and edge defaults of the enclosing scope;
    /// returns the nodes mentioned (for subgraph edge endpoints).
    fn walk(&mut self, stmts: &[Stmt], mut node_defaults: Attrs, mut edge_defaults: Attrs) -> Vec<String> {
        let mut mentioned = Vec::new();
        for stmt in stmts {
            match stmt {
                Stmt::GAttribute(GraphAttributes::Node(list)) => apply(&mut node_defaults, list, NODE_GROUPS),
                Stmt::GAttribute(GraphAttributes::Edge(list)) => apply(&mut edge_defaults, list, EDGE_GROUPS),
                Stmt::GAttribute(GraphAttributes::Graph(_)) | Stmt::Attribute(_) => {}
                Stmt::Node(node) => {
                    let NodeId(id, _) = &node.id;
                    let name = id_text(id);
                    self.touch(&name, &node_defaults);
                    if let Some(attrs) = self.nodes.get_mut(&name) {
                        apply(attrs, &node.attributes, NODE_GROUPS);
                    }
                    mentioned.push(name);
                }
                Stmt::Subgraph(sub) => {
                    let inner = self.walk(&sub.stmts, node_defaults.clone(), edge_defaults.clone());
                    mentioned.extend(inner);
                }
                Stmt::Edge(edge) => {
                    let vertices: Vec<&Vertex> = match &edge.ty {
                        EdgeTy::Pair(a, b) => vec![a, b],
                        EdgeTy::Chain(list) => list.iter().collect(),
                    };
                    let mut groups: Vec<Vec<String>> = Vec::new();
                    for v in vertices {
                        let group = match v {
                            Vertex::N(NodeId(id, _)) => {
                                let name = id_text(id);
                                self.touch(&name, &node_defaults);
                                vec![name]
                            }
                            Vertex::S(sub) => self.walk(&sub.stmts, node_defaults.clone(), edge_defaults.clone()),
                        };
                        mentioned.extend(group.iter().cloned());
                        groups.push(group);
                    }
                    let mut attrs = edge_defaults.clone();
                    apply(&mut attrs, &edge.attributes, EDGE_GROUPS);
                    for pair in groups.windows(2) {
                        if let [from, to] = pair {
                            for a in from {
                                for b in to {
                                    self.edges.push((a.clone(), b.clone(), attrs.clone()));
                                }
                            }
                        }
                    }
                }
            }
        }
        mentioned
    }
}

fn first_number(attrs: &Attrs, keys: &[&str], context: &str) -> Result<Option<f64>, ParseError> {
    for key in keys {
        if let Some(text) = attrs.get(*key) {
            return text
                .trim()
                .parse::<f64>()
                .map(Some)
                .map_err(|_| ParseError::field(context, format!("attribute {key}: {text:?} is not a number")));
        }
    }
    Ok(None)
}

/// Turns a pest error message (`--> 3:7` …) into a line error.
fn syntax_error(message: &str) -> ParseError {
    let line = message
        .split_once("--> ")
        .and_then(|(_, rest)| rest.split_once(':'))
        .and_then(|(n, _)| n.trim().parse::<usize>().ok())
        .unwrap_or(1);
    let detail = message
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('='))
        .map_or(message, |l| l.trim_start().trim_start_matches('=').trim());
    ParseError::line(line, format!("invalid DOT: {detail}"))
}

/// Parses DOT text.
///
/// # Errors
/// [`ParseError::Line`] for a syntax error or an undirected graph,
/// [`ParseError::Field`] for a weight that is not a number, [`ParseError::Dag`]
/// for a cycle or a negative weight.
pub fn parse(text: &str) -> Result<Dag, ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    // graphviz-rust turns the pest parse tree into its AST with `unwrap`s that
    // the grammar should make unreachable; a reader must never panic, so a
    // panic there is caught and reported as an error.
    let parsed = std::panic::catch_unwind(|| graphviz_rust::parse(text))
        .map_err(|_| ParseError::line(1, "invalid DOT (the parser failed)"))?;
    let graph = parsed.map_err(|m| syntax_error(&m))?;
    let stmts = match graph {
        Graph::DiGraph { stmts, .. } => stmts,
        Graph::Graph { .. } => {
            return Err(ParseError::line(1, "an undirected `graph`: a DAG needs a `digraph`"));
        }
    };
    let mut c = Collector::default();
    c.walk(&stmts, Attrs::new(), Attrs::new());
    let mut b = DagBuilder::with_capacity(c.order.len(), c.edges.len());
    let mut ids: HashMap<&str, TaskId> = HashMap::with_capacity(c.order.len());
    let empty = Attrs::new();
    for name in &c.order {
        let attrs = c.nodes.get(name).unwrap_or(&empty);
        let context = format!("node {name:?}");
        let work = first_number(attrs, WORK_KEYS, &context)?.unwrap_or(1.0);
        let mut spec = TaskSpec::new(name.clone(), work);
        if let Some(kind) = KIND_KEYS.iter().find_map(|k| attrs.get(*k)) {
            spec = spec.kind(kind.clone());
        }
        if let Some(costs) = attrs.get("node_costs") {
            let costs = costs
                .split(',')
                .map(|c| c.trim().parse::<f64>())
                .collect::<Result<Vec<f64>, _>>()
                .map_err(|_| {
                    ParseError::field(
                        &context,
                        format!("attribute node_costs: {costs:?} is not a comma-separated list of numbers"),
                    )
                })?;
            spec = spec.node_costs(costs);
        }
        ids.insert(name.as_str(), b.add_task(spec));
    }
    for (src, dst, attrs) in &c.edges {
        let context = format!("edge {src:?} -> {dst:?}");
        let bytes = first_number(attrs, BYTES_KEYS, &context)?.unwrap_or(0.0);
        let (Some(&s), Some(&d)) = (ids.get(src.as_str()), ids.get(dst.as_str())) else {
            return Err(ParseError::field(context, "unknown node"));
        };
        if s == d {
            return Err(ParseError::field(context, "an edge from a node to itself"));
        }
        b.add_edge(s, d, bytes);
    }
    Ok(b.build()?)
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\\\""))
}

/// Writes `dag` as a DOT `digraph` named `name` (see the module docs).
///
/// # Errors
/// Any I/O error of `out`.
pub fn write(dag: &Dag, name: &str, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "digraph {} {{", quote(name))?;
    writeln!(out, "  node [shape=box];")?;
    for t in dag.tasks() {
        write!(
            out,
            "  {} [label={}, kind={}, work={}",
            quote(&t.name),
            quote(&format!("{}\\n{:.3}", t.name, t.work)),
            quote(dag.kind_name(t.kind)),
            t.work
        )?;
        if let Some(costs) = &t.node_costs {
            let list: Vec<String> = costs.iter().map(f64::to_string).collect();
            write!(out, ", node_costs={}", quote(&list.join(",")))?;
        }
        writeln!(out, "];")?;
    }
    let name_of = |id: TaskId| dag.tasks().get(id.index()).map_or("", |t| t.name.as_str());
    for e in dag.edges() {
        writeln!(
            out,
            "  {} -> {} [bytes={}];",
            quote(name_of(e.src)),
            quote(name_of(e.dst)),
            e.bytes
        )?;
    }
    writeln!(out, "}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_defaults_and_chains() {
        let dag = parse(
            r#"digraph g { node [work=2]; edge [bytes=5];
                a [kind="split"]; b [weight=3]; a -> b -> c; a -> subgraph s { c d } [size=7] }"#,
        )
        .unwrap();
        assert_eq!(dag.task_count(), 4);
        let work: Vec<f64> = dag.tasks().iter().map(|t| t.work).collect();
        assert_eq!(work, vec![2.0, 3.0, 2.0, 2.0]);
        let bytes: Vec<f64> = dag.edges().iter().map(|e| e.bytes).collect();
        // a->b 5, a->c 7, a->d 7, b->c 5 (sorted by source then destination).
        assert_eq!(bytes, vec![5.0, 7.0, 7.0, 5.0]);
    }

    #[test]
    fn round_trip() {
        let dag = crate::generate("layered:tasks=30", 2).unwrap();
        let mut out = Vec::new();
        write(&dag, "x", &mut out).unwrap();
        let back = parse(std::str::from_utf8(&out).unwrap()).unwrap();
        assert_eq!(back.tasks(), dag.tasks());
        assert_eq!(back.edges(), dag.edges());
    }

    #[test]
    fn errors() {
        let e = parse("digraph { a -> }").unwrap_err();
        assert!(e.to_string().starts_with("line 1: invalid DOT"), "{e}");
        let e = parse("digraph { a [work=x] }").unwrap_err();
        assert_eq!(e.to_string(), "node \"a\": attribute work: \"x\" is not a number");
        let e = parse("graph { a -- b }").unwrap_err();
        assert!(e.to_string().contains("undirected"), "{e}");
    }
}
