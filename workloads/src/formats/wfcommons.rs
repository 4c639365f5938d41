//! WfCommons WfFormat JSON, schema versions 1.4, 1.5 and 1.6
//! (<https://github.com/wfcommons/WfFormat>; samples in `shared/data/wfcommons/`).
//!
//! Reading:
//! - 1.5 and 1.6 share one layout (1.6 only adds optional `metrics`):
//!   `workflow.specification.tasks` (id, name, parents, children, inputFiles,
//!   outputFiles), `workflow.specification.files` (id, sizeInBytes) and
//!   `workflow.execution` (tasks with runtimeInSeconds and machines; machines
//!   with cpu.coreCount and cpu.speedInMHz). 1.4 keeps everything per task under
//!   `workflow.tasks` (name, category, parents and children by name, files with
//!   link/name/sizeInBytes, runtimeInSeconds, machine) and lists
//!   `workflow.machines` with cpu.count and cpu.speed (MHz).
//! - Task names are the 1.5 `id` (the 1.4 `name`, which 1.4 parents refer to).
//!   The kind is the 1.4 `category`; in 1.5 it is the task `name` when that
//!   differs from the id, else the task's `command.program` when that is one
//!   word, else the id without its `_ID0000001`-style suffix.
//! - Edges: the union of `parents` and `children`. An edge carries the bytes of
//!   the files its parent writes and its child reads. Sizes are **bytes**
//!   (`sizeInBytes`), used as they are; older WorkflowHub files with a `size`
//!   in kilobytes are not accepted (their schema version is refused).
//!   Workflow inputs (files no task writes) make no edge.
//! - Work: `runtimeInSeconds` was measured on the task's machine. When the
//!   machines give CPU speeds, the fastest machine of the file is the
//!   reference (speed 1.0): a task measured on a machine of `s` MHz gets work
//!   `runtime × s / s_max`, and the platform's nodes get speed `s / s_max`, so
//!   replaying a task on its own machine takes exactly its measured runtime.
//!   With no speed recorded, work is the runtime. A file without an
//!   `execution` section gives work 0. A task's `coreCount` is not used.
//! - Memory: a task's `memoryInBytes` (1.4 task, 1.5/1.6 execution task),
//!   where recorded, is its peak memory ([`sim::Task::memory_bytes`]). The
//!   machines' memory is not read: the platform's nodes have unlimited
//!   memory, so a recorded run replays as it ran; a platform file with
//!   `memory_bytes` on its nodes makes the memory bind.
//! - Deployment ([`Deployment`], read by [`parse_execution`] only): the
//!   workflow system's name and version (`runtimeSystem`; 1.4 `wms`) and each
//!   machine's kernel `release`, each `None` where not recorded and a field
//!   error naming the field where not a string.
//! - Platform (when `machines` are listed): one node per machine name, with its
//!   core count (1 when absent) and relative speed, a placeholder power model
//!   (WfFormat records none: 100 W idle, 10 W per busy core) and a dedicated
//!   network at [`REFERENCE_BANDWIDTH`] with no latency (WfFormat records no network).
//!
//! Writing produces WfFormat 1.5: one file per edge (`SRC#DST`, its bytes
//! rounded to a whole number as the schema's integer requires), work as
//! `runtimeInSeconds`, memory as `memoryInBytes` (where declared), kinds as the task `name`, and the platform's nodes as
//! machines with speed 1.0 written as 1000 MHz. Since no run is recorded,
//! `makespanInSeconds` is the work-based critical path.

use crate::Workload;
use crate::error::ParseError;
use crate::formats::files::add_file_edges;
use crate::formats::json::json_error;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Value, json};
use sim::platform::{NetworkSpec, NodeSpec, PowerModel};
use sim::presets::REFERENCE_BANDWIDTH;
use sim::{DagBuilder, Parallelism, Platform, PlatformSpec, TaskId, TaskSpec};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;

/// A string borrowed from the file's text when it has no escapes.
type Str<'a> = Cow<'a, str>;

/// Schema versions this reader accepts.
pub const VERSIONS: &[&str] = &["1.4", "1.5", "1.6"];

/// Whether JSON text looks like a WfCommons instance (it has top-level
/// `workflow` and `schemaVersion` keys) rather than schedlab JSON.
///
/// # Errors
/// A [`ParseError::Line`] when the text is not valid JSON.
pub fn sniff(text: &str) -> Result<bool, ParseError> {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(rename = "schemaVersion")]
        schema_version: Option<IgnoredAny>,
        workflow: Option<IgnoredAny>,
    }
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    // A substring search is far cheaper than a parse, and rules out most
    // schedlab files (whose syntax errors the schedlab reader then reports).
    if !text.contains("\"schemaVersion\"") {
        return Ok(false);
    }
    let probe: Probe = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    Ok(probe.schema_version.is_some() && probe.workflow.is_some())
}

#[derive(Deserialize)]
struct Header {
    #[serde(rename = "schemaVersion")]
    schema_version: Value,
    #[serde(default)]
    name: Option<String>,
    /// 1.5/1.6: the workflow management system that ran the instance.
    #[serde(default, rename = "runtimeSystem")]
    runtime_system: Option<Value>,
    /// 1.4's name for `runtimeSystem`.
    #[serde(default)]
    wms: Option<Value>,
}

#[derive(Deserialize)]
struct Doc15<'a> {
    #[serde(borrow)]
    workflow: Workflow15<'a>,
}

#[derive(Deserialize)]
struct Workflow15<'a> {
    #[serde(borrow)]
    specification: Spec15<'a>,
    #[serde(default, borrow)]
    execution: Option<Exec15<'a>>,
}

#[derive(Deserialize)]
struct Spec15<'a> {
    #[serde(borrow)]
    tasks: Vec<SpecTask15<'a>>,
    #[serde(default, borrow)]
    files: Vec<File15<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpecTask15<'a> {
    name: String,
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(default, borrow)]
    parents: Vec<Str<'a>>,
    #[serde(default, borrow)]
    children: Vec<Str<'a>>,
    #[serde(default, borrow)]
    input_files: Vec<Str<'a>>,
    #[serde(default, borrow)]
    output_files: Vec<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct File15<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    size_in_bytes: f64,
}

#[derive(Deserialize)]
struct Exec15<'a> {
    #[serde(default, borrow)]
    tasks: Vec<ExecTask15<'a>>,
    #[serde(default, rename = "makespanInSeconds")]
    makespan: Option<f64>,
    #[serde(default)]
    machines: Vec<Machine15>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExecTask15<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    runtime_in_seconds: f64,
    /// Cores the task ran on, if recorded.
    #[serde(default)]
    core_count: Option<f64>,
    #[serde(default)]
    machines: Vec<String>,
    #[serde(default)]
    command: Option<Command15>,
    /// Peak memory, if recorded.
    #[serde(default)]
    memory_in_bytes: Option<f64>,
}

#[derive(Deserialize)]
struct Command15 {
    #[serde(default)]
    program: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Machine15 {
    node_name: String,
    #[serde(default)]
    cpu: Option<Cpu15>,
    #[serde(default)]
    release: Option<Value>,
}

#[derive(Deserialize)]
struct Cpu15 {
    #[serde(default, rename = "coreCount")]
    core_count: Option<f64>,
    #[serde(default, rename = "speedInMHz")]
    speed_in_mhz: Option<f64>,
}

#[derive(Deserialize)]
struct Doc14<'a> {
    #[serde(borrow)]
    workflow: Workflow14<'a>,
}

#[derive(Deserialize)]
struct Workflow14<'a> {
    #[serde(borrow)]
    tasks: Vec<Task14<'a>>,
    #[serde(default, rename = "makespanInSeconds")]
    makespan: Option<f64>,
    #[serde(default)]
    machines: Vec<Machine14>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Task14<'a> {
    #[serde(borrow)]
    name: Str<'a>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default, borrow)]
    parents: Vec<Str<'a>>,
    #[serde(default, borrow)]
    children: Vec<Str<'a>>,
    #[serde(default, borrow)]
    files: Vec<File14<'a>>,
    runtime_in_seconds: f64,
    /// Cores the task ran on, if recorded.
    #[serde(default)]
    cores: Option<f64>,
    #[serde(default)]
    machine: Option<String>,
    /// Peak memory, if recorded.
    #[serde(default)]
    memory_in_bytes: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct File14<'a> {
    #[serde(borrow)]
    link: Str<'a>,
    #[serde(borrow)]
    name: Str<'a>,
    size_in_bytes: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Machine14 {
    node_name: String,
    #[serde(default)]
    cpu: Option<Cpu14>,
    #[serde(default)]
    release: Option<Value>,
}

#[derive(Deserialize)]
struct Cpu14 {
    #[serde(default)]
    count: Option<f64>,
    #[serde(default)]
    speed: Option<f64>,
}

/// One task, whatever the schema version.
struct Task<'a> {
    key: Str<'a>,
    kind: String,
    runtime: Option<f64>,
    /// Cores the task ran on, if recorded.
    cores: Option<f64>,
    /// Peak memory in bytes, if recorded (`memoryInBytes`).
    memory: Option<f64>,
    machine: Option<String>,
    parents: Vec<Str<'a>>,
    children: Vec<Str<'a>>,
    inputs: Vec<Str<'a>>,
    outputs: Vec<Str<'a>>,
}

/// The parallelism of a task recorded on `cores` cores: it holds that many
/// cores for its recorded runtime (serial fraction 1: the runtime was
/// measured on those cores, and nothing says how it would scale).
fn recorded_cores(cores: f64) -> Result<Parallelism, String> {
    if !(cores.is_finite() && cores >= 1.0 && cores.fract() == 0.0 && cores <= f64::from(u32::MAX)) {
        return Err(format!("cores: expected a whole number >= 1, got {cores}"));
    }
    let cores = cores as u32;
    Ok(if cores == 1 {
        Parallelism::SEQUENTIAL
    } else {
        Parallelism {
            min_cores: cores,
            max_cores: cores,
            serial_fraction: 1.0,
            ..Parallelism::SEQUENTIAL
        }
    })
}

/// One machine, whatever the schema version.
struct Machine {
    name: String,
    cores: Option<f64>,
    mhz: Option<f64>,
    /// The recorded kernel `release`, as written.
    release: Option<Value>,
}

/// The version-independent content of an instance.
struct Instance<'a> {
    tasks: Vec<Task<'a>>,
    sizes: HashMap<Str<'a>, f64>,
    machines: Vec<Machine>,
    /// Whether 1.5 file references must resolve in `sizes` (1.4 carries sizes inline).
    check_files: bool,
    /// The recorded `makespanInSeconds`.
    makespan: Option<f64>,
    /// The recorded `runtimeSystem` (1.4: `wms`), as written.
    runtime_system: Option<Value>,
    /// Whether the file is WfFormat 1.4 (field names differ).
    schema_14: bool,
}

/// What an instance records of its real execution, beyond the DAG: for
/// replaying it (`schedlab replay`).
#[derive(Clone, Debug, PartialEq)]
pub struct Execution {
    /// The measured `makespanInSeconds`, if recorded.
    pub makespan: Option<f64>,
    /// The machine each task ran on, indexed by [`TaskId::index`] of the
    /// parsed DAG (a node name of its platform), if recorded.
    pub machines: Vec<Option<String>>,
    /// Bytes of the workflow inputs each task reads (files no task writes,
    /// which make no edge), indexed like `machines`.
    pub external_input_bytes: Vec<f64>,
    /// What the file records of the deployment that ran it.
    pub deployment: Deployment,
}

/// What an instance records of the deployment that ran it: the workflow
/// management system and the machines' operating-system release. Recordings
/// made on one deployment share its overheads, so `schedlab replay --fit`
/// can key parameters by these. Each field is `None` where the file does
/// not record it (a key that needs it is then an error of the caller's,
/// naming [`Deployment::runtime_system_field`] or
/// [`Deployment::machines_field`]); a field of the wrong type is a parse error.
#[derive(Clone, Debug, PartialEq)]
pub struct Deployment {
    /// `runtimeSystem.name` (1.4: `wms.name`), e.g. `Pegasus`.
    pub runtime_system_name: Option<String>,
    /// `runtimeSystem.version` (1.4: `wms.version`), e.g. `4.9.3`.
    pub runtime_system_version: Option<String>,
    /// Each machine's `nodeName` and kernel `release`, in file order.
    pub machines: Vec<(String, Option<String>)>,
    /// Where the file keeps the workflow system: `runtimeSystem` or (1.4) `wms`.
    pub runtime_system_field: &'static str,
    /// Where the file keeps the machines: `workflow.execution.machines` or (1.4) `workflow.machines`.
    pub machines_field: &'static str,
}

/// `value` as a string, or an error naming `field`.
fn metadata_string(value: Option<&Value>, field: &str) -> Result<Option<String>, ParseError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(ParseError::field(field, format!("expected a string, got {other}"))),
    }
}

impl Deployment {
    /// Reads and checks the deployment fields of `instance`.
    fn read(instance: &Instance) -> Result<Deployment, ParseError> {
        let (runtime_system_field, machines_field) = if instance.schema_14 {
            ("wms", "workflow.machines")
        } else {
            ("runtimeSystem", "workflow.execution.machines")
        };
        let (name, version) = match &instance.runtime_system {
            None | Some(Value::Null) => (None, None),
            Some(Value::Object(fields)) => (
                metadata_string(fields.get("name"), &format!("{runtime_system_field}.name"))?,
                metadata_string(fields.get("version"), &format!("{runtime_system_field}.version"))?,
            ),
            Some(other) => {
                return Err(ParseError::field(
                    runtime_system_field,
                    format!("expected an object with name and version, got {other}"),
                ));
            }
        };
        let machines = instance
            .machines
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let release = metadata_string(m.release.as_ref(), &format!("{machines_field}[{i}].release"))?;
                Ok((m.name.clone(), release))
            })
            .collect::<Result<Vec<_>, ParseError>>()?;
        Ok(Deployment {
            runtime_system_name: name,
            runtime_system_version: version,
            machines,
            runtime_system_field,
            machines_field,
        })
    }
}

/// Parses a WfCommons instance. `default_name` names it when the file does not.
///
/// # Errors
/// A [`ParseError`] naming the line (syntax, missing or mistyped fields), the
/// `schemaVersion` (unsupported) or the task and field at fault.
pub fn parse(text: &str, default_name: &str) -> Result<Workload, ParseError> {
    let (instance, name) = read_instance(text, default_name)?;
    build(instance, name)
}

/// Parses a WfCommons instance with what it records of its execution.
///
/// # Errors
/// As [`parse`].
pub fn parse_execution(text: &str, default_name: &str) -> Result<(Workload, Execution), ParseError> {
    let (instance, name) = read_instance(text, default_name)?;
    let written: HashSet<&str> = instance
        .tasks
        .iter()
        .flat_map(|t| t.outputs.iter().map(AsRef::as_ref))
        .collect();
    let external_input_bytes = instance
        .tasks
        .iter()
        .map(|t| {
            t.inputs
                .iter()
                .filter(|f| !written.contains(f.as_ref()))
                .map(|f| instance.sizes.get(f).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    let execution = Execution {
        makespan: instance.makespan,
        machines: instance.tasks.iter().map(|t| t.machine.clone()).collect(),
        external_input_bytes,
        deployment: Deployment::read(&instance)?,
    };
    Ok((build(instance, name)?, execution))
}

/// The version-independent instance and its name.
fn read_instance<'a>(text: &'a str, default_name: &str) -> Result<(Instance<'a>, String), ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let header: Header = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    let version = match &header.schema_version {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut instance = match version.as_str() {
        "1.4" => from_14(serde_json::from_str(text).map_err(|e| json_error(&e))?),
        "1.5" | "1.6" => from_15(serde_json::from_str(text).map_err(|e| json_error(&e))?),
        _ => {
            return Err(ParseError::field(
                "schemaVersion",
                format!("unsupported version {version:?} (supported: {})", VERSIONS.join(", ")),
            ));
        }
    };
    instance.schema_14 = version == "1.4";
    instance.runtime_system = if instance.schema_14 {
        header.wms
    } else {
        header.runtime_system
    };
    Ok((instance, header.name.unwrap_or_else(|| default_name.to_owned())))
}

/// The kind of a 1.5 task: its name when that is not just the id, else its
/// program when that is one word (Pegasus, Makeflow), else the id without a
/// trailing `_ID0000001` or `_00001` counter.
fn kind_15(name: &str, id: &str, program: Option<&str>) -> String {
    if name != id {
        return name.to_owned();
    }
    if let Some(program) = program.filter(|p| !p.is_empty() && p.len() <= 64 && !p.contains(char::is_whitespace)) {
        return program.to_owned();
    }
    match id.rsplit_once('_') {
        Some((stem, counter))
            if !stem.is_empty()
                && !counter.is_empty()
                && counter.trim_start_matches("ID").chars().all(|c| c.is_ascii_digit()) =>
        {
            stem.to_owned()
        }
        _ => id.to_owned(),
    }
}

/// What `workflow.execution` recorded of one task.
#[derive(Clone)]
struct ExecRun {
    runtime: f64,
    cores: Option<f64>,
    memory: Option<f64>,
    machine: Option<String>,
    program: Option<String>,
}

fn from_15(doc: Doc15) -> Instance {
    let spec = doc.workflow.specification;
    let makespan = doc.workflow.execution.as_ref().and_then(|e| e.makespan);
    let (runs, machines) = match doc.workflow.execution {
        Some(exec) => {
            let runs: HashMap<Str<'_>, ExecRun> = exec
                .tasks
                .into_iter()
                .map(|t| {
                    let program = t.command.and_then(|c| c.program);
                    let machine = t.machines.into_iter().next();
                    let run = ExecRun {
                        runtime: t.runtime_in_seconds,
                        cores: t.core_count,
                        memory: t.memory_in_bytes,
                        machine,
                        program,
                    };
                    (t.id, run)
                })
                .collect();
            (Some(runs), exec.machines)
        }
        None => (None, Vec::new()),
    };
    let tasks = spec
        .tasks
        .into_iter()
        .map(|t| {
            let run = runs.as_ref().map(|r| r.get(t.id.as_ref()).cloned());
            let (runtime, cores, memory, machine, program) = match run {
                None => (Some(0.0), None, None, None, None),
                Some(None) => (None, None, None, None, None),
                Some(Some(run)) => (Some(run.runtime), run.cores, run.memory, run.machine, run.program),
            };
            Task {
                kind: kind_15(&t.name, &t.id, program.as_deref()),
                key: t.id,
                runtime,
                cores,
                memory,
                machine,
                parents: t.parents,
                children: t.children,
                inputs: t.input_files,
                outputs: t.output_files,
            }
        })
        .collect();
    Instance {
        tasks,
        sizes: spec.files.into_iter().map(|f| (f.id, f.size_in_bytes)).collect(),
        machines: machines
            .into_iter()
            .map(|m| Machine {
                name: m.node_name,
                cores: m.cpu.as_ref().and_then(|c| c.core_count),
                mhz: m.cpu.as_ref().and_then(|c| c.speed_in_mhz),
                release: m.release,
            })
            .collect(),
        check_files: true,
        makespan,
        runtime_system: None,
        schema_14: false,
    }
}

fn from_14(doc: Doc14) -> Instance {
    let mut sizes = HashMap::new();
    let tasks = doc
        .workflow
        .tasks
        .into_iter()
        .map(|t| {
            let (mut inputs, mut outputs) = (Vec::new(), Vec::new());
            for f in t.files {
                match f.link.as_ref() {
                    "input" => inputs.push(f.name.clone()),
                    "output" => outputs.push(f.name.clone()),
                    _ => {}
                }
                sizes.entry(f.name).or_insert(f.size_in_bytes);
            }
            Task {
                kind: t.category.unwrap_or_else(|| kind_15(&t.name, &t.name, None)),
                key: t.name,
                runtime: Some(t.runtime_in_seconds),
                cores: t.cores,
                memory: t.memory_in_bytes,
                machine: t.machine,
                parents: t.parents,
                children: t.children,
                inputs,
                outputs,
            }
        })
        .collect();
    Instance {
        tasks,
        sizes,
        machines: doc
            .workflow
            .machines
            .into_iter()
            .map(|m| Machine {
                name: m.node_name,
                cores: m.cpu.as_ref().and_then(|c| c.count),
                mhz: m.cpu.as_ref().and_then(|c| c.speed),
                release: m.release,
            })
            .collect(),
        check_files: false,
        makespan: doc.workflow.makespan,
        runtime_system: None,
        schema_14: true,
    }
}

fn build(instance: Instance, name: String) -> Result<Workload, ParseError> {
    let Instance {
        tasks,
        sizes,
        machines,
        check_files,
        ..
    } = instance;
    let task_ctx = |key: &str| format!("task {key:?}");

    let mut mhz: HashMap<&str, f64> = HashMap::new();
    for m in &machines {
        if let Some(s) = m.mhz.filter(|s| s.is_finite() && *s > 0.0) {
            mhz.entry(m.name.as_str()).or_insert(s);
        }
    }
    let reference_mhz = mhz.values().copied().fold(0.0f64, f64::max);

    let mut ids: HashMap<&str, TaskId> = HashMap::with_capacity(tasks.len());
    let mut b = DagBuilder::with_capacity(tasks.len(), tasks.len());
    for t in &tasks {
        let runtime = t
            .runtime
            .ok_or_else(|| ParseError::field(task_ctx(&t.key), "no runtimeInSeconds in workflow.execution.tasks"))?;
        let factor = t
            .machine
            .as_deref()
            .and_then(|m| mhz.get(m))
            .map_or(1.0, |s| s / reference_mhz);
        let mut spec = TaskSpec::new(t.key.clone(), runtime * factor).kind(t.kind.clone());
        if let Some(cores) = t.cores {
            spec = spec.parallelism(recorded_cores(cores).map_err(|e| ParseError::field(task_ctx(&t.key), e))?);
        }
        if let Some(memory) = t.memory {
            if !(memory.is_finite() && memory >= 0.0) {
                return Err(ParseError::field(
                    task_ctx(&t.key),
                    format!("memoryInBytes: expected a finite number >= 0, got {memory}"),
                ));
            }
            spec = spec.memory_bytes(memory);
        }
        let id = b.add_task(spec);
        if ids.insert(t.key.as_ref(), id).is_some() {
            return Err(ParseError::field(task_ctx(&t.key), "duplicate task id"));
        }
    }
    let lookup = |t: &Task, field: &str, other: &str| {
        ids.get(other)
            .copied()
            .ok_or_else(|| ParseError::field(task_ctx(&t.key), format!("{field}: unknown task {other:?}")))
    };
    let mut pairs: Vec<(TaskId, TaskId)> = Vec::new();
    let mut seen_pairs: HashSet<(TaskId, TaskId)> = HashSet::new();
    for (i, t) in tasks.iter().enumerate() {
        let me = TaskId::new(i);
        for p in &t.parents {
            let pair = (lookup(t, "parents", p)?, me);
            if seen_pairs.insert(pair) {
                pairs.push(pair);
            }
        }
        for c in &t.children {
            let pair = (me, lookup(t, "children", c)?);
            if seen_pairs.insert(pair) {
                pairs.push(pair);
            }
        }
    }
    let mut inputs: Vec<Vec<(&str, f64)>> = Vec::with_capacity(tasks.len());
    for t in &tasks {
        if let Some(f) = t
            .inputs
            .iter()
            .chain(&t.outputs)
            .find(|f| check_files && !sizes.contains_key(*f))
        {
            return Err(ParseError::field(
                task_ctx(&t.key),
                format!("file {f:?} is not in workflow.specification.files"),
            ));
        }
        inputs.push(
            t.inputs
                .iter()
                .map(|f| (f.as_ref(), sizes.get(f).copied().unwrap_or(0.0)))
                .collect(),
        );
    }
    let outputs: Vec<Vec<&str>> = tasks
        .iter()
        .map(|t| t.outputs.iter().map(AsRef::as_ref).collect())
        .collect();
    add_file_edges(&mut b, &pairs, &outputs, &inputs);
    let dag = b.build()?;
    let platform = platform(&machines, reference_mhz, &name)?;
    Ok(Workload { dag, platform, name })
}

fn platform(machines: &[Machine], reference_mhz: f64, name: &str) -> Result<Option<Platform>, ParseError> {
    let mut nodes: Vec<NodeSpec> = Vec::new();
    for (i, m) in machines.iter().enumerate() {
        if nodes.iter().any(|n| n.name == m.name) {
            continue;
        }
        let cores = match m.cores {
            None => 1,
            Some(c) if c.is_finite() && c >= 1.0 && c <= f64::from(u32::MAX) => c.ceil() as u32,
            Some(c) => {
                return Err(ParseError::field(
                    format!("machines[{i}] {:?}", m.name),
                    format!("cpu core count must be >= 1, got {c}"),
                ));
            }
        };
        let speed = match m.mhz {
            Some(s) if s.is_finite() && s > 0.0 && reference_mhz > 0.0 => s / reference_mhz,
            _ => 1.0,
        };
        nodes.push(NodeSpec {
            name: m.name.clone(),
            count: 1,
            cores,
            speed,
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
        });
    }
    if nodes.is_empty() {
        return Ok(None);
    }
    let spec = PlatformSpec {
        name: name.to_owned(),
        network: NetworkSpec::Dedicated {
            latency: 0.0,
            bandwidth: REFERENCE_BANDWIDTH,
            bandwidth_matrix: None,
            latency_matrix: None,
        },
        nodes,
        workflow_system: None,
    };
    Ok(Some(Platform::new(spec)?))
}

/// Writes `workload` as a WfFormat 1.5 instance (see the module docs).
///
/// # Errors
/// Any I/O error of `out`.
pub fn write(workload: &Workload, out: &mut impl Write) -> std::io::Result<()> {
    let dag = &workload.dag;
    let tasks = dag.tasks();
    let name = |id: TaskId| tasks.get(id.index()).map_or("", |t| t.name.as_str());
    let file_id = |e: &sim::Edge| format!("{}#{}", name(e.src), name(e.dst));
    let spec_tasks: Vec<Value> = dag
        .task_ids()
        .map(|id| {
            let t = dag.task(id);
            let edge = |e: &sim::EdgeId| dag.edge(*e);
            json!({
                "name": dag.kind_name(t.kind),
                "id": t.name,
                "parents": dag.predecessors(id).map(name).collect::<Vec<_>>(),
                "children": dag.successors(id).map(name).collect::<Vec<_>>(),
                "inputFiles": dag.in_edges(id).iter().map(|e| file_id(edge(e))).collect::<Vec<_>>(),
                "outputFiles": dag.out_edges(id).iter().map(|e| file_id(edge(e))).collect::<Vec<_>>(),
            })
        })
        .collect();
    let files: Vec<Value> = dag
        .edges()
        .iter()
        .map(|e| json!({ "id": file_id(e), "sizeInBytes": e.bytes.round() as u64 }))
        .collect();
    let exec_tasks: Vec<Value> = tasks
        .iter()
        .map(|t| {
            // A task that needs several cores ran on its fewest: its runtime there.
            let cores = t.parallelism.min_cores;
            let mut task = if cores > 1 {
                json!({ "id": t.name, "runtimeInSeconds": t.work * t.time_factor(cores), "coreCount": cores })
            } else {
                json!({ "id": t.name, "runtimeInSeconds": t.work })
            };
            if let (true, Some(fields)) = (t.memory_bytes > 0, task.as_object_mut()) {
                fields.insert("memoryInBytes".to_owned(), json!(t.memory_bytes));
            }
            task
        })
        .collect();
    let mut execution = json!({
        "makespanInSeconds": crate::stats(dag).critical_path,
        "executedAt": "1970-01-01T00:00:00Z",
        "tasks": exec_tasks,
    });
    if let (Some(platform), Some(map)) = (&workload.platform, execution.as_object_mut()) {
        let machines: Vec<Value> = platform
            .nodes()
            .iter()
            .map(|n| {
                json!({
                    "nodeName": n.name,
                    "cpu": { "coreCount": n.cores, "speedInMHz": (n.speed * 1000.0).round() as u64 },
                })
            })
            .collect();
        map.insert("machines".to_owned(), Value::Array(machines));
    }
    let doc = json!({
        "name": workload.name,
        "description": "exported by schedlab",
        "schemaVersion": "1.5",
        "author": { "name": "schedlab", "email": "schedlab@localhost" },
        "workflow": {
            "specification": { "tasks": spec_tasks, "files": files },
            "execution": execution,
        },
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_drop_the_counter() {
        assert_eq!(kind_15("mProject_ID0000001", "mProject_ID0000001", None), "mProject");
        assert_eq!(
            kind_15(
                "fast2bfq_x_s_1_sequence_2",
                "fast2bfq_x_s_1_sequence_2",
                Some("fast2bfq")
            ),
            "fast2bfq"
        );
        assert_eq!(kind_15("t_1", "t_1", Some("a long\nscript")), "t");
        assert_eq!(
            kind_15("cpuhog_chain_00000001", "cpuhog_chain_00000001", None),
            "cpuhog_chain"
        );
        assert_eq!(kind_15("FASTQC", "FASTQC_2", None), "FASTQC");
        assert_eq!(kind_15("x", "x", None), "x");
    }

    /// A one-task 1.5 instance with `runtime_system` and one machine's `release` spliced in.
    fn with_deployment(runtime_system: &str, release: &str) -> String {
        format!(
            r#"{{"schemaVersion": "1.5", "name": "w", {runtime_system} "workflow": {{
              "specification": {{"tasks": [{{"name": "a", "id": "a"}}], "files": []}},
              "execution": {{"makespanInSeconds": 3,
                "tasks": [{{"id": "a", "runtimeInSeconds": 2, "machines": ["m"]}}],
                "machines": [{{"nodeName": "m", {release} "cpu": {{"coreCount": 4}}}}]}}}}}}"#
        )
    }

    #[test]
    fn the_deployment_is_read_and_checked_by_field() {
        let text = with_deployment(
            r#""runtimeSystem": {"name": "Pegasus", "version": "5.0"},"#,
            r#""release": "4.15.0-134-generic","#,
        );
        let (_, execution) = parse_execution(&text, "x").unwrap();
        let d = execution.deployment;
        assert_eq!(d.runtime_system_name.as_deref(), Some("Pegasus"));
        assert_eq!(d.runtime_system_version.as_deref(), Some("5.0"));
        assert_eq!(
            d.machines,
            vec![("m".to_owned(), Some("4.15.0-134-generic".to_owned()))]
        );
        // Absent fields are None, left for the caller to require.
        let (_, execution) = parse_execution(&with_deployment("", ""), "x").unwrap();
        assert_eq!(execution.deployment.runtime_system_version, None);
        assert_eq!(execution.deployment.machines[0].1, None);
        // A field of the wrong type names itself.
        let bad = with_deployment(r#""runtimeSystem": {"name": "Pegasus", "version": 5.0},"#, "");
        let e = parse_execution(&bad, "x").unwrap_err().to_string();
        assert!(e.contains("runtimeSystem.version: expected a string, got 5.0"), "{e}");
        let bad = with_deployment("", r#""release": 4,"#);
        let e = parse_execution(&bad, "x").unwrap_err().to_string();
        assert!(
            e.contains("workflow.execution.machines[0].release: expected a string, got 4"),
            "{e}"
        );
        let bad = with_deployment(r#""runtimeSystem": "Pegasus","#, "");
        let e = parse_execution(&bad, "x").unwrap_err().to_string();
        assert!(e.contains("runtimeSystem: expected an object"), "{e}");
    }

    #[test]
    fn files_become_edge_bytes() {
        let text = r#"{"schemaVersion": "1.5", "name": "w", "workflow": {
          "specification": {
            "tasks": [
              {"name": "a", "id": "a", "parents": [], "children": ["b"], "outputFiles": ["f", "g"]},
              {"name": "b", "id": "b", "parents": ["a"], "children": [], "inputFiles": ["f", "g", "in"]}],
            "files": [{"id": "f", "sizeInBytes": 1000}, {"id": "g", "sizeInBytes": 24},
                      {"id": "in", "sizeInBytes": 5}]},
          "execution": {"makespanInSeconds": 3, "executedAt": "x",
            "tasks": [{"id": "a", "runtimeInSeconds": 2, "machines": ["slow"]},
                      {"id": "b", "runtimeInSeconds": 1, "machines": ["fast"]}],
            "machines": [{"nodeName": "slow", "cpu": {"coreCount": 4, "speedInMHz": 1000}},
                         {"nodeName": "fast", "cpu": {"coreCount": 8, "speedInMHz": 2000}}]}}}"#;
        let w = parse(text, "x").unwrap();
        assert_eq!(w.name, "w");
        assert_eq!(w.dag.edges()[0].bytes, 1024.0);
        assert_eq!(w.dag.tasks()[0].work, 1.0);
        assert_eq!(w.dag.tasks()[1].work, 1.0);
        let p = w.platform.unwrap();
        assert_eq!(p.nodes()[0].speed, 0.5);
        assert_eq!(p.nodes()[1].cores, 8);
    }

    #[test]
    fn version_1_6_with_metrics() {
        // The example instance of the WfFormat 1.6 README, trimmed.
        let text = r#"{"name": "my-workflow-instance", "schemaVersion": "1.6",
          "workflow": {
            "specification": {
              "tasks": [
                {"name": "split", "id": "ID0000001", "parents": [], "children": ["ID0000002"],
                 "inputFiles": ["input.txt"], "outputFiles": ["chunk.txt"]},
                {"name": "analyze", "id": "ID0000002", "parents": ["ID0000001"], "children": [],
                 "inputFiles": ["chunk.txt"], "outputFiles": ["result.txt"]}],
              "files": [{"id": "input.txt", "sizeInBytes": 1024}, {"id": "chunk.txt", "sizeInBytes": 512},
                        {"id": "result.txt", "sizeInBytes": 128}],
              "metrics": {"numberOfTasks": 2, "numberOfFiles": 3, "sumOfFileSizesInBytes": 1664,
                          "numberOfLevels": 2, "minimumWidth": 1, "maximumWidth": 1}},
            "execution": {"makespanInSeconds": 14.2, "executedAt": "2026-08-04T15:20:00-08:00",
              "tasks": [{"id": "ID0000001", "runtimeInSeconds": 4.2, "coreCount": 1, "machines": ["node01"], "memoryInBytes": 14800000},
                        {"id": "ID0000002", "runtimeInSeconds": 10.0, "coreCount": 4, "machines": ["node01"]}],
              "machines": [{"nodeName": "node01", "cpu": {"coreCount": 8, "speedInMHz": 3600}}],
              "metrics": {"sumTaskRuntimesInSeconds": 14.2}}}}"#;
        let w = parse(text, "x").unwrap();
        assert_eq!((w.dag.task_count(), w.dag.edge_count()), (2, 1));
        assert_eq!(w.dag.edges()[0].bytes, 512.0);
        assert_eq!(w.dag.kind_name(w.dag.tasks()[1].kind), "analyze");
        assert_eq!(w.dag.tasks()[1].work, 10.0);
        // Recorded on 4 cores: it holds 4 cores for its recorded 10 s.
        let p = w.dag.tasks()[1].parallelism;
        assert_eq!((p.min_cores, p.max_cores, p.serial_fraction), (4, 4, 1.0));
        assert_eq!(w.dag.tasks()[0].parallelism, Parallelism::SEQUENTIAL);
        // memoryInBytes is the task's peak memory where recorded.
        assert_eq!(
            (w.dag.tasks()[0].memory_bytes, w.dag.tasks()[1].memory_bytes),
            (14_800_000, 0)
        );
        let mut out = Vec::new();
        write(&w, &mut out).unwrap();
        let back = parse(std::str::from_utf8(&out).unwrap(), "y").unwrap();
        assert_eq!(back.dag.tasks()[1].parallelism, p);
        assert_eq!(back.dag.tasks()[1].work, 10.0);
        let bad = text.replace("\"coreCount\": 4,", "\"coreCount\": 2.5,");
        let e = parse(&bad, "x").unwrap_err().to_string();
        assert!(
            e.contains("\"ID0000002\"") && e.contains("cores: expected a whole number >= 1, got 2.5"),
            "{e}"
        );
        assert_eq!(w.platform.unwrap().nodes()[0].cores, 8);
        let (_, execution) = parse_execution(text, "x").unwrap();
        assert_eq!(execution.makespan, Some(14.2));
        assert_eq!(execution.machines, vec![Some("node01".to_owned()); 2]);
    }

    #[test]
    fn unknown_version_is_named() {
        let e = parse(r#"{"schemaVersion": "1.3", "workflow": {}}"#, "x").unwrap_err();
        assert!(
            e.to_string().starts_with("schemaVersion: unsupported version \"1.3\""),
            "{e}"
        );
    }
}
