//! schedlab's own JSON format: every field of the [`sim`] model, nothing else.
//!
//! ```json
//! {
//!   "name": "diamond",
//!   "tasks": [
//!     { "name": "a", "kind": "split", "work": 1.5 },
//!     { "name": "b", "work": 2.0, "node_costs": [2.0, 4.0] },
//!     { "name": "c", "work": 3.0,
//!       "parallelism": { "min_cores": 1, "max_cores": 8, "serial_fraction": 0.1 } },
//!     { "name": "d", "work": 9.0, "memory_bytes": 4e9, "requires": ["gpu"] }
//!   ],
//!   "edges": [ { "src": "a", "dst": "b", "bytes": 1e6 } ],
//!   "platform": { "name": "two", "network": { "model": "dedicated", ... }, "nodes": [ ... ] }
//! }
//! ```
//!
//! - `name` (optional): the workload's name; defaults to the file stem.
//! - `tasks`: `name` (unique), `kind` (optional, default `"task"`), `work` in
//!   reference seconds (time on one core of speed 1.0), `node_costs` (optional:
//!   seconds on each platform node, all tasks the same length), `parallelism`
//!   (optional: Amdahl model, see [`sim::Parallelism`]), `memory_bytes`
//!   (optional: peak memory held on the node from start to end, default 0)
//!   and `requires` (optional: labels the node must carry, e.g. `["gpu"]`).
//! - `edges` (optional): `src` and `dst` task names, `bytes` moved.
//! - `platform` (optional): a [`sim::PlatformSpec`], exactly as in a platform
//!   TOML file but written as JSON.
//!
//! Unknown fields are errors. A WfCommons file is also JSON; it is told apart
//! by its `workflow` and `schemaVersion` keys (see [`super::wfcommons`]).

use crate::Workload;
use crate::error::ParseError;
use serde::{Deserialize, Serialize};
use sim::{DagBuilder, Parallelism, Platform, PlatformSpec, Speedup, TaskId, TaskSpec};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn<'a> {
    #[serde(default)]
    name: Option<String>,
    #[serde(borrow)]
    tasks: Vec<TaskIn<'a>>,
    #[serde(default, borrow)]
    edges: Vec<EdgeIn<'a>>,
    #[serde(default)]
    platform: Option<PlatformSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskIn<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(default, borrow)]
    kind: Option<Cow<'a, str>>,
    work: f64,
    #[serde(default)]
    node_costs: Option<Vec<f64>>,
    #[serde(default)]
    parallelism: Option<ParallelismDoc>,
    #[serde(default)]
    memory_bytes: f64,
    #[serde(default)]
    requires: Vec<String>,
}

#[derive(Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
struct ParallelismDoc {
    min_cores: u32,
    max_cores: u32,
    #[serde(default)]
    serial_fraction: f64,
    /// Downey's speedup model instead of Amdahl's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    downey: Option<DowneyDoc>,
    /// Measured speedups on 1, 2, … cores instead of Amdahl's law.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    speedup: Option<Vec<f64>>,
}

#[derive(Deserialize, Serialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
struct DowneyDoc {
    average: f64,
    sigma: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EdgeIn<'a> {
    #[serde(borrow)]
    src: Cow<'a, str>,
    #[serde(borrow)]
    dst: Cow<'a, str>,
    bytes: f64,
}

#[derive(Serialize)]
struct TaskOut<'a> {
    name: &'a str,
    kind: &'a str,
    work: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    node_costs: Option<&'a [f64]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parallelism: Option<ParallelismDoc>,
    #[serde(skip_serializing_if = "is_zero")]
    memory_bytes: u64,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    requires: &'a [String],
}

fn is_zero(bytes: &u64) -> bool {
    *bytes == 0
}

/// Parses schedlab JSON text. `default_name` names the workload when the file does not.
///
/// # Errors
/// A [`ParseError`] naming the line (syntax, unknown fields, wrong types) or
/// the task or edge at fault.
pub fn parse(text: &str, default_name: &str) -> Result<Workload, ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let file: FileIn = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    let mut b = DagBuilder::with_capacity(file.tasks.len(), file.edges.len());
    let mut ids: HashMap<Cow<'_, str>, TaskId> = HashMap::with_capacity(file.tasks.len());
    for (i, t) in file.tasks.into_iter().enumerate() {
        if ids.contains_key(&t.name) {
            return Err(ParseError::field(
                format!("tasks[{i}] {:?}", t.name),
                "duplicate task name",
            ));
        }
        let mut spec = TaskSpec::new(t.name.as_ref(), t.work)
            .memory_bytes(t.memory_bytes)
            .requires(t.requires);
        if let Some(kind) = t.kind {
            spec = spec.kind(kind.as_ref());
        }
        if let Some(costs) = t.node_costs {
            spec = spec.node_costs(costs);
        }
        if let Some(p) = t.parallelism {
            let speedup = match (&p.downey, &p.speedup) {
                (Some(_), Some(_)) => {
                    return Err(ParseError::field(
                        format!("tasks[{i}] {:?}: parallelism", t.name),
                        "give either downey or a speedup table, not both",
                    ));
                }
                (Some(d), None) => Speedup::Downey {
                    average: d.average,
                    sigma: d.sigma,
                },
                (None, Some(_)) => Speedup::Table,
                (None, None) => Speedup::Amdahl,
            };
            if let Some(table) = p.speedup {
                spec = spec.speedup_table(table);
            }
            spec = spec.parallelism(Parallelism {
                min_cores: p.min_cores,
                max_cores: p.max_cores,
                serial_fraction: p.serial_fraction,
                speedup,
            });
        }
        ids.insert(t.name, b.add_task(spec));
    }
    for (i, e) in file.edges.iter().enumerate() {
        let lookup = |name: &str| {
            ids.get(name).copied().ok_or_else(|| {
                ParseError::field(
                    format!("edges[{i}] ({:?} -> {:?})", e.src, e.dst),
                    format!("unknown task {name:?}"),
                )
            })
        };
        let (src, dst) = (lookup(&e.src)?, lookup(&e.dst)?);
        b.add_edge(src, dst, e.bytes);
    }
    let dag = b.build()?;
    let platform = file.platform.map(Platform::new).transpose()?;
    if let (Some(p), Some(n_costs)) = (&platform, dag.node_cost_count())
        && p.node_count() != n_costs
    {
        return Err(ParseError::field(
            "platform",
            format!("has {} nodes but tasks carry {n_costs} node costs", p.node_count()),
        ));
    }
    Ok(Workload {
        dag,
        platform,
        name: file.name.unwrap_or_else(|| default_name.to_owned()),
    })
}

/// Writes `workload` as schedlab JSON, one task or edge per line (readable,
/// and compact enough for 10^6 tasks).
///
/// # Errors
/// Any I/O error of `out`.
pub fn write(workload: &Workload, out: &mut impl Write) -> std::io::Result<()> {
    let dag = &workload.dag;
    let tasks = dag.tasks();
    out.write_all(b"{\n  \"name\": ")?;
    serde_json::to_writer(&mut *out, &workload.name)?;
    out.write_all(b",\n  \"tasks\": [")?;
    for (i, t) in tasks.iter().enumerate() {
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        let task = TaskOut {
            name: &t.name,
            kind: dag.kind_name(t.kind),
            work: t.work,
            node_costs: t.node_costs.as_deref(),
            parallelism: (t.parallelism != Parallelism::SEQUENTIAL).then(|| ParallelismDoc {
                min_cores: t.parallelism.min_cores,
                max_cores: t.parallelism.max_cores,
                serial_fraction: t.parallelism.serial_fraction,
                downey: match t.parallelism.speedup {
                    Speedup::Downey { average, sigma } => Some(DowneyDoc { average, sigma }),
                    _ => None,
                },
                speedup: t.speedup_table.as_deref().map(<[f64]>::to_vec),
            }),
            memory_bytes: t.memory_bytes,
            requires: &t.requires,
        };
        serde_json::to_writer(&mut *out, &task)?;
    }
    out.write_all(b"\n  ],\n  \"edges\": [")?;
    // An edge is `{"src":NAME,"dst":NAME,"bytes":NUMBER}`, as serde_json
    // writes a struct of those fields; each name is escaped once here rather
    // than once per edge (10^6 tasks have about 8 × 10^6 edges).
    let quoted: Vec<String> = tasks
        .iter()
        .map(|t| serde_json::to_string(&t.name))
        .collect::<Result<_, _>>()?;
    for (i, e) in dag.edges().iter().enumerate() {
        out.write_all(if i == 0 {
            b"\n    {\"src\":"
        } else {
            b",\n    {\"src\":"
        })?;
        out.write_all(quoted[e.src.index()].as_bytes())?;
        out.write_all(b",\"dst\":")?;
        out.write_all(quoted[e.dst.index()].as_bytes())?;
        out.write_all(b",\"bytes\":")?;
        serde_json::to_writer(&mut *out, &e.bytes)?;
        out.write_all(b"}")?;
    }
    out.write_all(b"\n  ]")?;
    if let Some(platform) = &workload.platform {
        out.write_all(b",\n  \"platform\": ")?;
        serde_json::to_writer(&mut *out, platform.spec())?;
    }
    out.write_all(b"\n}\n")
}

/// Turns a serde_json error into a [`ParseError::Line`] without repeating the location.
pub(crate) fn json_error(e: &serde_json::Error) -> ParseError {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text);
    ParseError::line(e.line(), format!("column {}: {message}", e.column()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_everything() {
        let text = r#"{"tasks": [
            {"name": "a", "kind": "k", "work": 1.5, "node_costs": [1, 2]},
            {"name": "b", "work": 2, "node_costs": [3, 4],
             "parallelism": {"min_cores": 1, "max_cores": 4, "serial_fraction": 0.25}}],
          "edges": [{"src": "a", "dst": "b", "bytes": 100}]}"#;
        let w = parse(text, "x").unwrap();
        assert_eq!(w.name, "x");
        let mut out = Vec::new();
        write(&w, &mut out).unwrap();
        let back = parse(std::str::from_utf8(&out).unwrap(), "y").unwrap();
        assert_eq!(back.name, "x");
        assert_eq!(back.dag.tasks(), w.dag.tasks());
        assert_eq!(back.dag.edges(), w.dag.edges());
    }

    #[test]
    fn speedup_models_round_trip_and_bad_ones_name_the_task() {
        let text = r#"{"tasks": [
            {"name": "d", "work": 8, "parallelism": {"min_cores": 1, "max_cores": 8, "downey": {"average": 4, "sigma": 0.5}}},
            {"name": "t", "work": 8, "parallelism": {"min_cores": 1, "max_cores": 4, "speedup": [1, 1.9, 2.7, 3.4]}}],
          "edges": []}"#;
        let w = parse(text, "x").unwrap();
        let t = &w.dag.tasks()[1];
        assert_eq!(t.parallelism.speedup, Speedup::Table);
        assert!((t.time_factor(3) - 1.0 / 2.7).abs() < 1e-12);
        let mut out = Vec::new();
        write(&w, &mut out).unwrap();
        let back = parse(std::str::from_utf8(&out).unwrap(), "y").unwrap();
        assert_eq!(back.dag.tasks(), w.dag.tasks());
        for (bad, needle) in [
            (
                r#"{"speedup": [1, 0.8]}"#,
                "task \"a\": speedup on 2 cores is 0.8, below one core's rate",
            ),
            (r#"{"speedup": [2, 3]}"#, "task \"a\": a speedup table starts with 1"),
            (
                r#"{"downey": {"average": 0.5, "sigma": 1}}"#,
                "task \"a\": Downey's model needs average parallelism >= 1",
            ),
            (
                r#"{"downey": {"average": 2, "sigma": 1}, "speedup": [1]}"#,
                "either downey or a speedup table",
            ),
        ] {
            let p = bad.replacen('{', "{\"min_cores\": 1, \"max_cores\": 4, ", 1);
            let text = format!("{{\"tasks\": [{{\"name\": \"a\", \"work\": 1, \"parallelism\": {p}}}]}}");
            let e = parse(&text, "x").unwrap_err().to_string();
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }

    #[test]
    fn memory_and_labels_round_trip_and_negative_memory_names_the_task() {
        let text = r#"{"tasks": [
            {"name": "a", "work": 1, "memory_bytes": 4e9, "requires": ["gpu", "big"]},
            {"name": "b", "work": 2}]}"#;
        let w = parse(text, "x").unwrap();
        let a = &w.dag.tasks()[0];
        assert_eq!(
            (a.memory_bytes, &*a.requires),
            (4_000_000_000, &["big".to_owned(), "gpu".to_owned()][..])
        );
        let mut out = Vec::new();
        write(&w, &mut out).unwrap();
        let written = String::from_utf8(out).unwrap();
        assert!(
            !written.contains("\"b\",\"kind\":\"task\",\"work\":2.0,\"memory"),
            "{written}"
        );
        let back = parse(&written, "y").unwrap();
        assert_eq!(back.dag.tasks(), w.dag.tasks());
        let e = parse(r#"{"tasks": [{"name": "a", "work": 1, "memory_bytes": -2}]}"#, "x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "task \"a\": memory_bytes must be a finite number >= 0, got -2"
        );
    }

    #[test]
    fn errors_name_the_place() {
        let e = parse("{\"tasks\": [\n{\"name\": \"a\", \"work\": -1}]}", "x").unwrap_err();
        assert_eq!(e.to_string(), "task \"a\": work must be a finite number >= 0, got -1");
        let e = parse("{\"tasks\": [\n{\"name\": \"a\", \"wrk\": 1}]}", "x").unwrap_err();
        assert!(e.to_string().starts_with("line 2: column"), "{e}");
        let e = parse(r#"{"tasks": [], "edges": [{"src": "a", "dst": "b", "bytes": 1}]}"#, "x").unwrap_err();
        assert_eq!(e.to_string(), "edges[0] (\"a\" -> \"b\"): unknown task \"a\"");
    }
}
