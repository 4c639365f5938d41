//! Cell identity: content hashes of everything a cell's result depends on,
//! so that resuming a sweep never serves a row computed from other inputs.
//!
//! A cell's [`Inputs`] hash, each on its own, its workload (the generator
//! spec, or the bytes of the DAG file or folder), its platform (the resolved
//! spec after overrides, so an edited platform file or a changed preset
//! counts), its scheduler (the spec, plus the bytes of any model file it
//! names), its settings (noise, MTBF, repair, checkpoint cost, speed error, seed) and the
//! build (the sources of `sim`, `schedulers` and `workloads`, the bundled
//! models and `Cargo.lock`, hashed by `build.rs`). The journal stores them
//! beside each row; a row is reused only for a cell with equal inputs, and
//! when a cell at the same grid coordinates has other inputs the sweep says
//! which input changed.

use super::config::{Config, WorkloadSource};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::path::Path;

/// Hash of the result-affecting sources of this build (see `build.rs`).
pub const BUILD_HASH: &str = env!("SCHEDLAB_BUILD_HASH");

/// The hashed inputs of one cell (SHA-256, hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    /// Generator spec or DAG file contents.
    pub workload: String,
    /// The resolved platform.
    pub platform: String,
    /// Scheduler spec and model file contents.
    pub scheduler: String,
    /// Noise, MTBF, repair, speed error, seed and resource manager.
    pub settings: String,
    /// The build's result-affecting sources.
    pub build: String,
}

impl Inputs {
    /// Which inputs differ from `other`'s, named for a message
    /// (`platform file platforms/p.toml`, `model file m.json`, …).
    pub fn changes(&self, other: &Inputs, config: &Config, cell: &super::config::Cell) -> Vec<String> {
        let mut changes = Vec::new();
        if self.workload != other.workload {
            changes.push(match &config.workloads[cell.workload] {
                WorkloadSource::File { label, .. } => format!("DAG file {label}"),
                w @ WorkloadSource::Generator { .. } => format!("generator {}", w.label()),
                w @ WorkloadSource::Stream(_) => format!("stream {} (its arrivals, limit, mix or files)", w.label()),
            });
        }
        if self.platform != other.platform {
            changes.push(format!("platform {}", config.platforms[cell.platform].label));
        }
        if self.scheduler != other.scheduler {
            let spec = &config.schedulers[cell.scheduler];
            changes.push(match model_path(spec) {
                Some(path) => format!("model file {path} of scheduler {spec}"),
                None => format!("scheduler {spec}"),
            });
        }
        if self.settings != other.settings {
            changes.push("settings (noise, failures, speed error, resource manager)".to_owned());
        }
        if self.build != other.build {
            changes.push("the schedlab build (simulator, schedulers or generators)".to_owned());
        }
        changes
    }

    /// One hash of all inputs: the cell's identity.
    pub fn identity(&self) -> String {
        sha256_hex(
            [
                &self.workload,
                &self.platform,
                &self.scheduler,
                &self.settings,
                &self.build,
            ]
            .map(String::as_str)
            .join("|")
            .as_bytes(),
        )
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The model file a scheduler spec names (`learned:PATH`, `model=PATH`), if any.
fn model_path(spec: &str) -> Option<String> {
    schedulers::registry::parse(spec)
        .ok()
        .and_then(|(_, values)| values.get("model").cloned())
}

/// The bytes of a file, or of every file under a folder (sorted by path,
/// each preceded by its relative path); an unreadable path hashes its error,
/// so the cell reruns and reports it.
fn content(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    if path.is_dir() {
        let mut files: Vec<_> = walk(path);
        files.sort();
        for file in files {
            out.extend(file.strip_prefix(path).unwrap_or(&file).to_string_lossy().as_bytes());
            out.push(0);
            out.extend(std::fs::read(&file).unwrap_or_default());
            out.push(0);
        }
    } else {
        match std::fs::read(path) {
            Ok(bytes) => out = bytes,
            Err(e) => out.extend(format!("unreadable: {e}").as_bytes()),
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .flat_map(|e| {
            let path = e.path();
            if path.is_dir() { walk(&path) } else { vec![path] }
        })
        .collect()
}

/// The content hash of a workload: a generator's spec, a file's bytes, or
/// for a stream its arrivals, load and limit with its trace's bytes and
/// every mix entry's hash and weight.
fn workload_hash(workload: &WorkloadSource) -> String {
    match workload {
        WorkloadSource::Generator { spec, .. } => sha256_hex(format!("generator:{spec}").as_bytes()),
        WorkloadSource::File { path, .. } => sha256_hex(&content(path)),
        WorkloadSource::Stream(stream) => {
            let mut text = format!(
                "stream:{}|load={:?}|jobs={:?}|horizon={:?}",
                stream.arrivals, stream.load, stream.limit.jobs, stream.limit.horizon
            );
            if let Some(trace) = &stream.trace {
                text.push_str(&format!("|trace={}", sha256_hex(&trace_content(trace))));
            }
            for (source, weight) in &stream.mix {
                text.push_str(&format!("|{}*{weight}", workload_hash(source)));
            }
            sha256_hex(text.as_bytes())
        }
    }
}

/// A trace's bytes followed by those of every DAG file it names, so an
/// edited job file changes the stream's identity too.
fn trace_content(path: &Path) -> Vec<u8> {
    let mut bytes = content(path);
    if let Ok(trace) = workloads::stream::Trace::read(path) {
        for row in &trace.rows {
            bytes.extend(content(&row.dag));
        }
    }
    bytes
}

/// The inputs of every cell of `config`, by grid index. Each axis value is
/// hashed once, so this reads every DAG and model file once.
pub fn of(config: &Config) -> Vec<Inputs> {
    let workloads: Vec<String> = config.workloads.iter().map(workload_hash).collect();
    let platforms: Vec<String> = config
        .platforms
        .iter()
        .map(|p| sha256_hex(&serde_json::to_vec(p.platform.spec()).unwrap_or_default()))
        .collect();
    let schedulers: Vec<String> = config
        .schedulers
        .iter()
        .map(|spec| {
            let mut bytes = spec.as_bytes().to_vec();
            if let Some(path) = model_path(spec) {
                bytes.push(0);
                bytes.extend(content(Path::new(&path)));
            }
            sha256_hex(&bytes)
        })
        .collect();
    config
        .cells()
        .map(|cell| Inputs {
            workload: workloads[cell.workload].clone(),
            platform: platforms[cell.platform].clone(),
            scheduler: schedulers[cell.scheduler].clone(),
            settings: sha256_hex(
                format!(
                    "noise={}|failures={:?}|speed_error={:?}|seed={}{}{}",
                    config.noise[cell.noise],
                    config.failures[cell.failure],
                    config.speed_error,
                    config.seeds[cell.seed],
                    // Appended only when set, so journals from before the key stay valid.
                    config
                        .checkpoint
                        .map(|c| format!("|checkpoint={c}"))
                        .unwrap_or_default(),
                    Some(&config.resource_managers[cell.resource_manager])
                        .filter(|rm| *rm != schedulers::resource::DEFAULT)
                        .map(|rm| format!("|resource_manager={rm}"))
                        .unwrap_or_default()
                )
                .as_bytes(),
            ),
            build: BUILD_HASH.to_owned(),
        })
        .collect()
}
