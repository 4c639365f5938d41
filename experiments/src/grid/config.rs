//! Experiment configs: a TOML grid of workloads × platforms × schedulers ×
//! noise levels × failure settings × seeds, expanded into numbered cells.
//!
//! Every table denies unknown keys, so a misspelt key is an error naming the
//! key with its line and column. Values the TOML schema cannot check
//! (generator keys, scheduler specs, preset names) are checked by building
//! each of them once in [`Config::parse`], and the error names the key and line.
//!
//! Expansion order is fixed: workloads, then platforms, schedulers, noise
//! levels, failure settings and seeds, the last varying fastest. A cell's
//! index is its position in that order and its id joins the labels of its
//! six coordinates, so both are stable for a given config.

use super::select::Selector;
use anyhow::{Context as _, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use sim::platform::NetworkSpec;
use sim::{Failures, Platform};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// A value that may be written once or as a list (`nodes = 8` or `nodes = [4, 8]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// A list of values (tried first, so that a list of TOML values stays a list).
    Many(Vec<T>),
    /// A single value.
    One(T),
}

impl<T: Clone> OneOrMany<T> {
    /// The values as a list.
    pub fn to_vec(&self) -> Vec<T> {
        match self {
            OneOrMany::One(v) => vec![v.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// Seeds: a count `n` (seeds 0 … n−1) or an explicit list.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Seeds {
    /// Seeds `0 .. n`.
    Count(u64),
    /// These seeds.
    List(Vec<u64>),
}

/// What `seeds` accepts, as error messages say it.
const SEEDS_EXPECTED: &str = "a seed count such as `seeds = 5` or a list of seeds such as `seeds = [0, 7, 9]`";

impl<'de> Deserialize<'de> for Seeds {
    /// Hand-written rather than `untagged`, whose error ("data did not match
    /// any variant") does not say what `seeds` accepts.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Seeds, D::Error> {
        struct SeedsVisitor;
        impl<'de> serde::de::Visitor<'de> for SeedsVisitor {
            type Value = Seeds;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(SEEDS_EXPECTED)
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Seeds, E> {
                Ok(Seeds::Count(n))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Seeds, E> {
                u64::try_from(n)
                    .map(Seeds::Count)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(n), &self))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Seeds, A::Error> {
                let mut list = Vec::new();
                while let Some(seed) = seq.next_element::<u64>()? {
                    list.push(seed);
                }
                Ok(Seeds::List(list))
            }
        }
        deserializer.deserialize_any(SeedsVisitor)
    }
}

/// The config file as written (and as the GUI writes it: [`Spanned::new`]
/// with an empty span wraps a value that has no place in a text yet).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// A title for the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Output folder, relative to the current directory; `--out` overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out: Option<PathBuf>,
    /// Workload entries (a stream whose arrivals are all traces has none).
    #[serde(default)]
    pub workloads: Vec<WorkloadEntry>,
    /// Platform entries.
    pub platforms: Vec<PlatformEntry>,
    /// Scheduler specs (`NAME` or `NAME:key=value,…`).
    pub schedulers: Vec<Spanned<String>>,
    /// Resource manager specs (`NAME` or `NAME:key=value,…`); default `["always-on"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_managers: Option<Vec<Spanned<String>>>,
    /// Log-normal runtime noise σ values; default `[0]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<Spanned<OneOrMany<f64>>>,
    /// Seeds: a count or a list.
    pub seeds: Spanned<Seeds>,
    /// Node failures; default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<FailureEntry>,
    /// Real node speeds that differ from the declared ones (one setting for
    /// every cell; which nodes are affected is drawn from each cell's seed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_error: Option<Spanned<sim::SpeedError>>,
    /// Job streams: every cell runs a stream whose job mix is the `[[workloads]]` entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<StreamEntry>,
    /// What `schedlab train` fits on this grid; `run` does not read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train: Option<crate::learning::train::TrainEntry>,
    /// What `schedlab report` draws; the runs do not depend on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportEntry>,
}

/// The `[report]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportEntry {
    /// The instance whose runs the Gantt and utilisation figures show
    /// (default: the median instance; see [`crate::grid::report`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show: Option<Spanned<Selector>>,
}

/// The `[stream]` table: jobs arriving over time. Its arrival specs and
/// loads are grid axes (in place of the workloads, which form the job mix).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StreamEntry {
    /// Arrival specs (`poisson:rate=R`, `fixed:interval=T`, `mmpp:…`,
    /// `diurnal:…`, `trace:FILE.csv` relative to the config's folder).
    pub arrivals: Spanned<OneOrMany<String>>,
    /// Offered loads, each replacing an arrival process's rate (keeping its shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<Spanned<OneOrMany<f64>>>,
    /// Jobs per stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jobs: Option<Spanned<usize>>,
    /// No job arrives after this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon: Option<Spanned<f64>>,
}

/// One `[[workloads]]` entry: a generator with parameter lists, or files.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadEntry {
    /// Generator kind (`layered`, `fork-join`, …; see `workloads::KINDS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<Spanned<String>>,
    /// Generator keys, each a value or a list of values to sweep.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Spanned<OneOrMany<toml::Value>>>,
    /// DAG files or glob patterns, relative to the config file's folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Spanned<Vec<String>>>,
    /// Files only: the name results and plots show in the `family` column
    /// (default: each file's own name for its workflow, e.g. WfCommons', else its stem).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Spanned<String>>,
    /// With `[stream]`: the entry's weight in the job mix (default 1), shared
    /// by the DAGs it expands to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<Spanned<f64>>,
}

/// One `[[platforms]]` entry: a preset or a file, with overrides.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformEntry {
    /// Preset name (`homogeneous`, `heterogeneous`, `edge-cloud`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<Spanned<String>>,
    /// Node counts of the preset (default 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Spanned<OneOrMany<u32>>>,
    /// Platform TOML file, relative to the config file's folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<Spanned<String>>,
    /// Network bandwidth overrides in bytes/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<Spanned<OneOrMany<f64>>>,
    /// Network latency overrides in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Spanned<OneOrMany<f64>>>,
    /// Network model overrides, `dedicated` or `shared`, applied after the
    /// bandwidth and latency overrides (see [`Platform::with_network_model`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Spanned<OneOrMany<String>>>,
}

/// The `[failures]` table: exponential node failures.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FailureEntry {
    /// Mean times between failures of one node in seconds; `inf` = no failures.
    pub mtbf: Spanned<OneOrMany<f64>>,
    /// Seconds a failed node stays down (default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair: Option<Spanned<f64>>,
    /// Seconds one checkpoint of a running task costs: running tasks then
    /// checkpoint at Young/Daly's interval √(2 · MTBF · C) and a lost task
    /// restarts from its last checkpoint (cells without failures do not checkpoint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<Spanned<f64>>,
}

/// Where a workload's DAG comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkloadSource {
    /// `workloads::generate(spec, seed)` with the cell's seed.
    Generator {
        /// The full spec string, `family:key=value,…` with keys sorted.
        spec: String,
        /// The generator kind.
        family: String,
        /// The `ccr` key, if given.
        ccr: Option<f64>,
        /// The generator's keys and values, sorted by key.
        params: Vec<(String, String)>,
    },
    /// A file `workloads::load` reads.
    File {
        /// Absolute or config-relative path to load.
        path: PathBuf,
        /// The path as the report shows it.
        label: String,
        /// The workload's name: the entry's `name`, else the file's own.
        name: String,
    },
    /// A stream of jobs drawn from a mix of the other kinds.
    Stream(Box<StreamWorkload>),
}

/// One stream of a `[stream]` grid: its arrivals, load, limit and job mix.
#[derive(Debug, Clone)]
pub struct StreamWorkload {
    /// The arrival spec as written (`trace:` paths as written too).
    pub arrivals: String,
    /// A `trace:` spec's file, resolved against the config's folder.
    pub trace: Option<PathBuf>,
    /// The offered load that sets the process's rate, if given.
    pub load: Option<f64>,
    /// When the stream ends.
    pub limit: workloads::stream::Limit,
    /// The job mix: DAG sources and their weights.
    pub mix: Vec<(WorkloadSource, f64)>,
    /// `mix` read and its expected work estimated, once for the whole grid;
    /// `None` when the stream's arrivals are all traces, which name their DAGs.
    pub job_mix: Option<Arc<workloads::stream::JobMix>>,
    /// `stream:arrivals=…,load=…`, with the arrival spec written without `=`
    /// and `,` so that the report reads `arrivals` and `load` as keys.
    pub label: String,
}

impl StreamWorkload {
    /// The stream on `platform`, its process's rate set by the load.
    ///
    /// # Errors
    /// A mix entry or trace that cannot be read, or a malformed arrival spec.
    pub fn stream(&self, platform: &Platform) -> Result<workloads::stream::Stream> {
        use workloads::stream::{Stream, StreamSource, Trace};
        let source = match &self.trace {
            Some(path) => StreamSource::Trace(Trace::read(path)?),
            None => {
                let mix = self
                    .job_mix
                    .as_deref()
                    .context("an arrival process needs a job mix: give [[workloads]] entries")?;
                StreamSource::process(&self.arrivals, self.load, mix.clone(), platform)?
            }
        };
        Ok(Stream::new(source, self.limit)?)
    }
}

/// Equal when what defines the stream is: `job_mix` is derived from `mix`.
impl PartialEq for StreamWorkload {
    fn eq(&self, other: &StreamWorkload) -> bool {
        (
            &self.arrivals,
            &self.trace,
            self.load,
            self.limit,
            &self.mix,
            &self.label,
        ) == (
            &other.arrivals,
            &other.trace,
            other.load,
            other.limit,
            &other.mix,
            &other.label,
        )
    }
}

impl WorkloadSource {
    /// The label used in ids and result rows.
    pub fn label(&self) -> &str {
        match self {
            WorkloadSource::Generator { spec, .. } => spec,
            WorkloadSource::File { label, .. } => label,
            WorkloadSource::Stream(stream) => &stream.label,
        }
    }

    /// The family: the generator kind, or a file's name.
    pub fn family(&self) -> &str {
        match self {
            WorkloadSource::Generator { family, .. } => family,
            WorkloadSource::File { name, .. } => name,
            WorkloadSource::Stream(_) => "stream",
        }
    }
}

/// The preset name and node count a platform was built from.
pub type PresetOrigin = (String, u32);

/// One platform of the grid, already built.
#[derive(Debug, Clone)]
pub struct PlatformChoice {
    /// Label used in ids and result rows (`heterogeneous:16`, `file.toml bw=1e9`).
    pub label: String,
    /// The preset and node count it was built from, if it is a preset without overrides.
    pub preset: Option<PresetOrigin>,
    /// The platform.
    pub platform: Platform,
}

/// A validated, expanded config.
#[derive(Debug, Clone)]
pub struct Config {
    /// Title.
    pub name: String,
    /// The config text as read (hashed into the manifest).
    pub text: String,
    /// Output folder from the file, if any.
    pub out: Option<PathBuf>,
    /// Folder that relative paths in the config are resolved against.
    pub base: PathBuf,
    /// Workloads in grid order.
    pub workloads: Vec<WorkloadSource>,
    /// Platforms in grid order.
    pub platforms: Vec<PlatformChoice>,
    /// Scheduler specs in grid order.
    pub schedulers: Vec<String>,
    /// Resource manager specs in grid order.
    pub resource_managers: Vec<String>,
    /// Noise σ values in grid order.
    pub noise: Vec<f64>,
    /// Failure settings in grid order (an `inf` MTBF is [`Failures::None`]).
    pub failures: Vec<Failures>,
    /// `[failures] checkpoint`: seconds per checkpoint, if tasks checkpoint.
    pub checkpoint: Option<f64>,
    /// Real node speeds versus declared ones.
    pub speed_error: sim::SpeedError,
    /// Seeds in grid order.
    pub seeds: Vec<u64>,
    /// The `[train]` table, if any.
    pub train: Option<crate::learning::train::TrainEntry>,
    /// `[report] show`: the instance the report draws runs of.
    pub report_show: Option<Selector>,
}

/// One run of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// Position in grid order.
    pub index: usize,
    /// Index into [`Config::workloads`].
    pub workload: usize,
    /// Index into [`Config::platforms`].
    pub platform: usize,
    /// Index into [`Config::schedulers`].
    pub scheduler: usize,
    /// Index into [`Config::resource_managers`].
    pub resource_manager: usize,
    /// Index into [`Config::noise`].
    pub noise: usize,
    /// Index into [`Config::failures`].
    pub failure: usize,
    /// Index into [`Config::seeds`].
    pub seed: usize,
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Formats a TOML scalar as a generator value.
fn scalar(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Float(f) => Some(f.to_string()),
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Checks that the labels `selector` names are labels of the grid, so a
/// typo is an error with a hint rather than a report without Gantt charts.
fn check_selector(
    selector: &Selector,
    workloads: &[WorkloadSource],
    platforms: &[PlatformChoice],
    schedulers: &[String],
) -> Result<()> {
    let check = |what: &str, given: &Option<String>, valid: Vec<&str>| -> Result<()> {
        match given {
            Some(g) if !valid.contains(&g.as_str()) => bail!(
                "{what} {g:?} is not in the grid{} (valid: {})",
                sim::suggest::did_you_mean(g, valid.iter().copied()),
                valid.join(", ")
            ),
            _ => Ok(()),
        }
    };
    let mut names: Vec<&str> = Vec::new();
    for w in workloads {
        for name in [w.label(), w.family()] {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    check("workload", &selector.workload, names)?;
    check(
        "platform",
        &selector.platform,
        platforms.iter().map(|p| p.label.as_str()).collect(),
    )?;
    check(
        "scheduler",
        &selector.scheduler,
        schedulers.iter().map(String::as_str).collect(),
    )
}

/// The streams of a `[stream]` table, one per arrival spec × load, each
/// drawing its jobs from `mix`.
fn stream_workloads(
    entry: &StreamEntry,
    mix: Vec<(WorkloadSource, f64)>,
    base: &Path,
    at: &dyn Fn(std::ops::Range<usize>) -> String,
) -> Result<Vec<WorkloadSource>> {
    let arrivals = entry.arrivals.get_ref().to_vec();
    if arrivals.is_empty() {
        bail!("stream.arrivals ({}): empty list", at(entry.arrivals.span()));
    }
    let loads: Vec<Option<f64>> = match &entry.load {
        Some(l) => {
            let list = l.get_ref().to_vec();
            if list.is_empty() || list.iter().any(|x| !(x.is_finite() && *x > 0.0)) {
                bail!("stream.load ({}): expected finite numbers > 0", at(l.span()));
            }
            list.into_iter().map(Some).collect()
        }
        None => vec![None],
    };
    let limit = workloads::stream::Limit {
        jobs: entry.jobs.as_ref().map(|j| *j.get_ref()),
        horizon: entry.horizon.as_ref().map(|h| *h.get_ref()),
    };
    let entries = mix
        .iter()
        .map(|(source, weight)| workloads::stream::MixEntry {
            source: match source {
                WorkloadSource::Generator { spec, .. } => workloads::stream::MixSource::Generator(spec.clone()),
                WorkloadSource::File { path, .. } => workloads::stream::MixSource::File(path.clone()),
                WorkloadSource::Stream(_) => unreachable!("a mix holds DAG sources only"),
            },
            weight: *weight,
        })
        .collect();
    // A trace names each job's DAG, so a mix serves only arrival processes:
    // one that no arrival would draw from is an error rather than ignored.
    let all_traces = arrivals.iter().all(|spec| spec.starts_with("trace:"));
    let job_mix = match (all_traces, mix.is_empty()) {
        (true, true) => None,
        (true, false) => bail!(
            "[[workloads]]: every stream.arrivals entry ({}) is a trace, which names each job's DAG, so the job mix would be ignored; remove the [[workloads]] entries",
            at(entry.arrivals.span())
        ),
        (false, true) => bail!(
            "workloads: stream.arrivals ({}) has an arrival process, which draws its jobs from the [[workloads]] job mix: give at least one entry",
            at(entry.arrivals.span())
        ),
        (false, false) => Some(Arc::new(
            workloads::stream::JobMix::new(entries).context("the [[workloads]] job mix")?,
        )),
    };
    let mut streams = Vec::new();
    for spec in &arrivals {
        let trace = spec.strip_prefix("trace:").map(|path| base.join(path));
        match &trace {
            Some(path) => {
                workloads::stream::Trace::read(path)
                    .with_context(|| format!("stream.arrivals ({})", at(entry.arrivals.span())))?;
                if entry.load.is_some() {
                    bail!(
                        "stream.load ({}): a load sets an arrival process's rate; {spec:?} is a recorded trace",
                        at(entry.arrivals.span())
                    );
                }
            }
            None => {
                workloads::stream::ArrivalProcess::parse(spec)
                    .with_context(|| format!("stream.arrivals ({})", at(entry.arrivals.span())))?;
            }
        }
        let written: String = spec
            .chars()
            .map(|c| match c {
                '=' => ' ',
                ',' => ';',
                c => c,
            })
            .collect();
        for &load in &loads {
            let label = match load {
                Some(load) => format!("stream:arrivals={written},load={load}"),
                None => format!("stream:arrivals={written}"),
            };
            let stream = StreamWorkload {
                arrivals: spec.clone(),
                trace: trace.clone(),
                load,
                limit,
                mix: mix.clone(),
                job_mix: job_mix.clone(),
                label,
            };
            // Building the stream checks the limit and the spec.
            let probe = sim::presets::preset("homogeneous", 1)?;
            stream
                .stream(&probe)
                .with_context(|| format!("[stream] ({})", at(entry.arrivals.span())))?;
            streams.push(WorkloadSource::Stream(Box::new(stream)));
        }
    }
    Ok(streams)
}

/// The built-in demo config (`experiments/configs/demo.toml`).
pub const DEMO: &str = include_str!("../../configs/demo.toml");

impl Config {
    /// The built-in demo.
    ///
    /// # Errors
    /// Only if the embedded config went stale (a scheduler or generator renamed).
    pub fn demo() -> Result<Config> {
        Config::parse(DEMO, Path::new(".")).context("the built-in demo config")
    }

    /// Reads and validates the config file at `path`.
    ///
    /// # Errors
    /// If it cannot be read or [`Config::parse`] rejects it.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read config {}", path.display()))?;
        let base = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Config::parse(&text, &base).with_context(|| format!("config {}", path.display()))
    }

    /// Parses and validates config `text`; relative paths are resolved against `base`.
    ///
    /// # Errors
    /// A message naming the key and its line for unknown keys, bad values,
    /// unknown generators, schedulers or presets, and unmatched globs.
    pub fn parse(text: &str, base: &Path) -> Result<Config> {
        let file: ConfigFile = toml::from_str(text)
            .map_err(|e| anyhow!("{}", sim::suggest::hint_unknown_field(e.to_string().trim_end())))?;
        let at = |span: std::ops::Range<usize>| {
            let (line, col) = line_col(text, span.start);
            format!("line {line}, column {col}")
        };
        // A stream's arrivals say whether it needs a job mix (`stream_workloads`).
        if file.workloads.is_empty() && file.stream.is_none() {
            bail!("workloads: give at least one [[workloads]] entry");
        }
        if file.platforms.is_empty() {
            bail!("platforms: give at least one [[platforms]] entry");
        }
        if file.schedulers.is_empty() {
            bail!("schedulers: give at least one scheduler");
        }

        let mut workloads = Vec::new();
        let mut weights = Vec::new();
        for (i, entry) in file.workloads.iter().enumerate() {
            let key = format!("workloads[{i}]");
            let weight = match &entry.weight {
                Some(w) if file.stream.is_none() => {
                    bail!(
                        "{key}.weight ({}): weights are for the job mix of a [stream]",
                        at(w.span())
                    )
                }
                Some(w) if !(w.get_ref().is_finite() && *w.get_ref() > 0.0) => {
                    bail!("{key}.weight ({}): expected a finite number > 0", at(w.span()))
                }
                Some(w) => *w.get_ref(),
                None => 1.0,
            };
            match (&entry.family, &entry.files) {
                (Some(_), None) if entry.name.is_some() => {
                    let span = entry.name.as_ref().map_or(0..0, Spanned::span);
                    bail!(
                        "{key}.name ({}): names are for file entries; a generator's is its family",
                        at(span)
                    );
                }
                (Some(family), None) => {
                    let mut combos: Vec<Vec<(String, String)>> = vec![Vec::new()];
                    for (k, values) in &entry.params {
                        let values = values.get_ref().to_vec();
                        if values.is_empty() {
                            bail!("{key}.params.{k} ({}): empty list", at(entry.params[k].span()));
                        }
                        let mut next = Vec::new();
                        for combo in &combos {
                            for v in &values {
                                let v = scalar(v).ok_or_else(|| {
                                    anyhow!(
                                        "{key}.params.{k} ({}): expected numbers or strings",
                                        at(entry.params[k].span())
                                    )
                                })?;
                                let mut c = combo.clone();
                                c.push((k.clone(), v));
                                next.push(c);
                            }
                        }
                        combos = next;
                    }
                    for combo in combos {
                        let pairs: Vec<String> = combo.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        let spec = if pairs.is_empty() {
                            family.get_ref().clone()
                        } else {
                            format!("{}:{}", family.get_ref(), pairs.join(","))
                        };
                        let ccr = combo
                            .iter()
                            .find(|(k, _)| k == "ccr")
                            .and_then(|(_, v)| v.parse::<f64>().ok());
                        workloads.push(WorkloadSource::Generator {
                            spec,
                            family: family.get_ref().clone(),
                            ccr,
                            params: combo,
                        });
                    }
                    // Generating once checks the kind, every key and every value.
                    if let Some(err) = workloads
                        .iter()
                        .filter_map(|w| match w {
                            WorkloadSource::Generator { spec, family: f, .. } if f == family.get_ref() => Some(spec),
                            _ => None,
                        })
                        .find_map(|spec| workloads::generate(spec, 0).err())
                    {
                        bail!("{key} ({}): {err}", at(family.span()));
                    }
                }
                (None, Some(files)) => {
                    let before = workloads.len();
                    for pattern in files.get_ref() {
                        let full = base.join(pattern);
                        let full = full.to_string_lossy();
                        let mut matched: Vec<PathBuf> = glob::glob(&full)
                            .map_err(|e| anyhow!("{key}.files ({}): bad pattern {pattern:?}: {e}", at(files.span())))?
                            .filter_map(Result::ok)
                            .collect();
                        matched.sort();
                        if matched.is_empty() {
                            bail!("{key}.files ({}): {pattern:?} matches no file", at(files.span()));
                        }
                        for path in matched {
                            let label = path.strip_prefix(base).unwrap_or(&path).to_string_lossy().into_owned();
                            let loaded = workloads::load(&path)
                                .with_context(|| format!("{key}.files ({}): {label}", at(files.span())))?;
                            let name = entry.name.as_ref().map_or(loaded.name, |n| n.get_ref().clone());
                            workloads.push(WorkloadSource::File { path, label, name });
                        }
                    }
                    if workloads.len() == before {
                        bail!("{key}.files ({}): empty list", at(files.span()));
                    }
                }
                _ => bail!("{key}: give exactly one of `family` (a generator) or `files`"),
            }
            weights.resize(workloads.len(), weight);
        }
        if let Some(stream) = &file.stream {
            workloads = stream_workloads(stream, workloads.into_iter().zip(weights).collect(), base, &at)?;
        }

        let mut platforms = Vec::new();
        for (i, entry) in file.platforms.iter().enumerate() {
            let key = format!("platforms[{i}]");
            let bandwidths = match &entry.bandwidth {
                Some(b) => {
                    let list = b.get_ref().to_vec();
                    if list.is_empty() || list.iter().any(|x| !(x.is_finite() && *x > 0.0)) {
                        bail!("{key}.bandwidth ({}): expected numbers > 0 (bytes/s)", at(b.span()));
                    }
                    list.into_iter().map(Some).collect()
                }
                None => vec![None],
            };
            let latencies = match &entry.latency {
                Some(l) => {
                    let list = l.get_ref().to_vec();
                    if list.is_empty() || list.iter().any(|x| !(x.is_finite() && *x >= 0.0)) {
                        bail!("{key}.latency ({}): expected numbers >= 0 (seconds)", at(l.span()));
                    }
                    list.into_iter().map(Some).collect()
                }
                None => vec![None],
            };
            let networks: Vec<Option<sim::platform::NetworkModel>> = match &entry.network {
                Some(n) => {
                    let list = n.get_ref().to_vec();
                    if list.is_empty() {
                        bail!("{key}.network ({}): empty list", at(n.span()));
                    }
                    list.iter()
                        .map(|m| m.parse().map(Some))
                        .collect::<Result<_, String>>()
                        .map_err(|e| anyhow!("{key}.network ({}): {e}", at(n.span())))?
                }
                None => vec![None],
            };
            // (label, preset and node count if from a preset, platform)
            let bases: Vec<(String, Option<PresetOrigin>, Platform)> = match (&entry.preset, &entry.file) {
                (Some(preset), None) => {
                    let nodes = entry.nodes.as_ref().map_or_else(
                        || vec![crate::platform_arg::DEFAULT_PRESET_NODES],
                        |n| n.get_ref().to_vec(),
                    );
                    if nodes.is_empty() {
                        bail!("{key}.nodes: empty list");
                    }
                    let mut list = Vec::new();
                    for n in nodes {
                        let platform = sim::presets::preset(preset.get_ref(), n).map_err(|e| {
                            anyhow!(
                                "{key}.preset ({}): {e} (presets: {})",
                                at(preset.span()),
                                sim::presets::PRESET_NAMES.join(", ")
                            )
                        })?;
                        let origin = (preset.get_ref().clone(), n);
                        list.push((format!("{}:{n}", preset.get_ref()), Some(origin), platform));
                    }
                    list
                }
                (None, Some(path)) => {
                    if let Some(nodes) = &entry.nodes {
                        bail!("{key}.nodes ({}): node counts apply to presets only", at(nodes.span()));
                    }
                    let full = base.join(path.get_ref());
                    let text = std::fs::read_to_string(&full)
                        .with_context(|| format!("{key}.file ({}): cannot read {}", at(path.span()), full.display()))?;
                    let platform = Platform::from_toml(&text)
                        .with_context(|| format!("{key}.file ({}): {}", at(path.span()), path.get_ref()))?;
                    vec![(path.get_ref().clone(), None, platform)]
                }
                _ => bail!("{key}: give exactly one of `preset` or `file`"),
            };
            for (label, preset, platform) in bases {
                for bw in &bandwidths {
                    for (lat, network) in latencies
                        .iter()
                        .flat_map(|lat| networks.iter().map(move |network| (lat, network)))
                    {
                        let mut label = label.clone();
                        let mut spec = platform.spec().clone();
                        if let Some(bw) = bw {
                            label.push_str(&format!(" bw={bw}"));
                            match &mut spec.network {
                                NetworkSpec::Dedicated { bandwidth, .. } | NetworkSpec::Shared { bandwidth, .. } => {
                                    *bandwidth = *bw;
                                }
                            }
                        }
                        if let Some(lat) = lat {
                            label.push_str(&format!(" lat={lat}"));
                            match &mut spec.network {
                                NetworkSpec::Dedicated { latency, .. } | NetworkSpec::Shared { latency, .. } => {
                                    *latency = *lat;
                                }
                            }
                        }
                        let mut platform = Platform::new(spec).with_context(|| format!("{key}: {label}"))?;
                        if let Some(model) = network {
                            label.push_str(&format!(" net={model}"));
                            platform = platform
                                .with_network_model(*model)
                                .with_context(|| format!("{key}.network: {label}"))?;
                        }
                        let preset = preset
                            .clone()
                            .filter(|_| bw.is_none() && lat.is_none() && network.is_none());
                        platforms.push(PlatformChoice {
                            label,
                            preset,
                            platform,
                        });
                    }
                }
            }
        }

        let mut schedulers = Vec::new();
        for spec in &file.schedulers {
            let create = if file.stream.is_some() {
                schedulers::registry::create_for_stream
            } else {
                schedulers::registry::create
            };
            create(spec.get_ref(), 0).map_err(|e| anyhow!("schedulers ({}): {e}", at(spec.span())))?;
            if schedulers.contains(spec.get_ref()) {
                bail!("schedulers ({}): {:?} is listed twice", at(spec.span()), spec.get_ref());
            }
            schedulers.push(spec.get_ref().clone());
        }

        let mut resource_managers = Vec::new();
        for spec in file.resource_managers.iter().flatten() {
            schedulers::resource::create(spec.get_ref())
                .map_err(|e| anyhow!("resource_managers ({}): {e}", at(spec.span())))?;
            if resource_managers.contains(spec.get_ref()) {
                bail!(
                    "resource_managers ({}): {:?} is listed twice",
                    at(spec.span()),
                    spec.get_ref()
                );
            }
            resource_managers.push(spec.get_ref().clone());
        }
        if resource_managers.is_empty() {
            resource_managers.push(schedulers::resource::DEFAULT.to_owned());
        }

        let noise = match &file.noise {
            Some(n) => {
                let list = n.get_ref().to_vec();
                if list.is_empty() || list.iter().any(|x| !(x.is_finite() && *x >= 0.0)) {
                    bail!(
                        "noise ({}): expected finite numbers >= 0 (log-normal sigma)",
                        at(n.span())
                    );
                }
                list
            }
            None => vec![0.0],
        };

        let failures = match &file.failures {
            Some(f) => {
                let list = f.mtbf.get_ref().to_vec();
                if list.is_empty() || list.iter().any(|x| x.is_nan() || *x <= 0.0) {
                    bail!(
                        "failures.mtbf ({}): expected numbers > 0 (seconds, inf = no failures)",
                        at(f.mtbf.span())
                    );
                }
                let repair = match &f.repair {
                    Some(r) if !(r.get_ref().is_finite() && *r.get_ref() >= 0.0) => {
                        bail!(
                            "failures.repair ({}): expected a finite number >= 0 (seconds)",
                            at(r.span())
                        )
                    }
                    Some(r) => *r.get_ref(),
                    None => 60.0,
                };
                list.into_iter()
                    .map(|mtbf| Failures::exponential(mtbf, repair))
                    .collect()
            }
            None => vec![Failures::None],
        };
        let checkpoint = match file.failures.as_ref().and_then(|f| f.checkpoint.as_ref()) {
            Some(c) if !(c.get_ref().is_finite() && *c.get_ref() > 0.0) => bail!(
                "failures.checkpoint ({}): expected a finite number > 0 (seconds per checkpoint)",
                at(c.span())
            ),
            Some(c) => Some(*c.get_ref()),
            None => None,
        };

        let speed_error = match &file.speed_error {
            Some(e) => {
                e.get_ref()
                    .validate()
                    .with_context(|| format!("speed_error ({})", at(e.span())))?;
                *e.get_ref()
            }
            None => sim::SpeedError::default(),
        };

        let seeds = match file.seeds.get_ref() {
            Seeds::Count(n) => (0..*n).collect(),
            Seeds::List(list) => list.clone(),
        };
        if seeds.is_empty() {
            bail!(
                "seeds ({}): give a count >= 1 or a non-empty list",
                at(file.seeds.span())
            );
        }

        let report_show = match file.report.and_then(|r| r.show) {
            Some(show) => {
                check_selector(show.get_ref(), &workloads, &platforms, &schedulers)
                    .with_context(|| format!("[report] show ({})", at(show.span())))?;
                Some(show.into_inner())
            }
            None => None,
        };

        Ok(Config {
            name: file.name.unwrap_or_else(|| "experiment".to_owned()),
            text: text.to_owned(),
            out: file.out,
            base: base.to_path_buf(),
            workloads,
            platforms,
            schedulers,
            resource_managers,
            noise,
            failures,
            checkpoint,
            speed_error,
            seeds,
            train: file.train,
            report_show,
        })
    }

    /// Number of cells in the grid.
    pub fn cell_count(&self) -> usize {
        self.workloads.len()
            * self.platforms.len()
            * self.schedulers.len()
            * self.resource_managers.len()
            * self.noise.len()
            * self.failures.len()
            * self.seeds.len()
    }

    /// The cell at grid position `index` (< [`Config::cell_count`]).
    pub fn cell(&self, index: usize) -> Cell {
        let mut rest = index;
        let mut take = |n: usize| {
            let i = rest % n;
            rest /= n;
            i
        };
        let seed = take(self.seeds.len());
        let failure = take(self.failures.len());
        let noise = take(self.noise.len());
        let resource_manager = take(self.resource_managers.len());
        let scheduler = take(self.schedulers.len());
        let platform = take(self.platforms.len());
        let workload = take(self.workloads.len());
        Cell {
            index,
            workload,
            platform,
            scheduler,
            resource_manager,
            noise,
            failure,
            seed,
        }
    }

    /// Every cell in grid order.
    pub fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        (0..self.cell_count()).map(|i| self.cell(i))
    }

    /// The cell's stable id: its coordinates' labels joined by `|` (the
    /// resource manager only when it is not the default, so that the ids of
    /// grids without one are those they always were).
    pub fn cell_id(&self, cell: &Cell) -> String {
        format!(
            "{}|{}|{}|noise={}|mtbf={}|seed={}",
            self.workloads[cell.workload].label(),
            self.platforms[cell.platform].label,
            crate::results::row::policy(
                &self.schedulers[cell.scheduler],
                &self.resource_managers[cell.resource_manager]
            ),
            self.noise[cell.noise],
            self.failures[cell.failure].mtbf().unwrap_or(f64::INFINITY),
            self.seeds[cell.seed]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRID: &str = r#"
workloads = [
  { family = "layered", params = { tasks = [20, 40], ccr = [0.1, 1, 10] } },
  { family = "fork-join" },
]
platforms = [{ preset = "heterogeneous", nodes = [4, 8] }, { preset = "homogeneous", bandwidth = [1e8, 1e9] }]
schedulers = ["heft", "random"]
noise = [0, 0.2]
seeds = 3
"#;

    #[test]
    fn grid_expands_in_a_fixed_order() {
        let config = Config::parse(GRID, Path::new(".")).unwrap();
        assert_eq!(config.workloads.len(), 7);
        assert_eq!(config.workloads[0].label(), "layered:ccr=0.1,tasks=20");
        assert_eq!(config.workloads[1].label(), "layered:ccr=0.1,tasks=40");
        assert_eq!(config.workloads[6].label(), "fork-join");
        let labels: Vec<&str> = config.platforms.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "heterogeneous:4",
                "heterogeneous:8",
                "homogeneous:8 bw=100000000",
                "homogeneous:8 bw=1000000000"
            ]
        );
        assert_eq!(config.seeds, [0, 1, 2]);
        assert_eq!(config.cell_count(), 7 * 4 * 2 * 2 * 3);
        let cells: Vec<Cell> = config.cells().collect();
        assert!(cells.iter().enumerate().all(|(i, c)| c.index == i));
        assert_eq!(cells[1].seed, 1);
        assert_eq!(cells[3].noise, 1);
        assert_eq!(
            config.cell_id(&cells[3]),
            "layered:ccr=0.1,tasks=20|heterogeneous:4|heft|noise=0.2|mtbf=inf|seed=0"
        );
        let last = cells[cells.len() - 1];
        assert_eq!((last.workload, last.platform, last.scheduler), (6, 3, 1));
        let ids: std::collections::BTreeSet<String> = cells.iter().map(|c| config.cell_id(c)).collect();
        assert_eq!(ids.len(), cells.len(), "ids are unique");
    }

    #[test]
    fn seeds_as_a_list_and_failures() {
        let text = r#"
workloads = [{ family = "layered", params = { tasks = 10 } }]
platforms = [{ preset = "homogeneous", nodes = 2 }]
schedulers = ["heft"]
seeds = [7, 9]
[failures]
mtbf = [inf, 100]
repair = 5
"#;
        let config = Config::parse(text, Path::new(".")).unwrap();
        assert_eq!(config.seeds, [7, 9]);
        assert_eq!(config.failures, [Failures::None, Failures::exponential(100.0, 5.0)]);
        assert_eq!(config.cell_count(), 4);
        assert_eq!(config.checkpoint, None);
        let with = Config::parse(&format!("{text}checkpoint = 2\n"), Path::new(".")).unwrap();
        assert_eq!(with.checkpoint, Some(2.0));
        let err = format!(
            "{:#}",
            Config::parse(&format!("{text}checkpoint = 0\n"), Path::new(".")).unwrap_err()
        );
        assert!(err.contains("failures.checkpoint (line 9"), "{err}");
    }

    #[test]
    fn network_overrides_switch_the_model_and_label_the_platform() {
        let text = |network: &str| {
            format!(
                "workloads = [{{ family = \"layered\" }}]\n\
                 platforms = [{{ preset = \"edge-cloud\", nodes = 4, latency = 0.5, network = {network} }}]\n\
                 schedulers = [\"heft\"]\nseeds = 1\n"
            )
        };
        let config = Config::parse(&text("[\"shared\", \"dedicated\"]"), Path::new(".")).unwrap();
        let labels: Vec<&str> = config.platforms.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(
            labels,
            ["edge-cloud:4 lat=0.5 net=shared", "edge-cloud:4 lat=0.5 net=dedicated"]
        );
        let (shared, dedicated) = (&config.platforms[0].platform, &config.platforms[1].platform);
        assert_eq!(shared.network_model(), sim::platform::NetworkModel::Shared);
        assert_eq!(dedicated.network_model(), sim::platform::NetworkModel::Dedicated);
        let (cloud, edge) = (sim::NodeId::new(0), sim::NodeId::new(1));
        assert_eq!(
            dedicated.latency(cloud, edge),
            0.5 + 0.02,
            "the latency override comes first"
        );
        assert_eq!(dedicated.path_bandwidth(cloud, edge), 1.25e7);
        let err = format!(
            "{:#}",
            Config::parse(&text("\"dedicted\""), Path::new(".")).unwrap_err()
        );
        assert!(
            err.contains("platforms[0].network (line 2") && err.contains("did you mean \"dedicated\"?"),
            "{err}"
        );
    }

    #[test]
    fn file_entries_are_named_by_their_name_key_or_the_file() {
        let reference = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/reference/heft_topcuoglu2002"
        );
        let text = |name: &str| {
            format!(
                "workloads = [{{ files = [{reference:?}]{name} }}]\nplatforms = [{{ preset = \"homogeneous\" }}]\n\
                 schedulers = [\"heft\"]\nseeds = 1\n"
            )
        };
        let named = Config::parse(&text(", name = \"topcuoglu\""), Path::new(".")).unwrap();
        assert_eq!(named.workloads[0].family(), "topcuoglu");
        let default = Config::parse(&text(""), Path::new(".")).unwrap();
        assert_eq!(default.workloads[0].family(), "heft_topcuoglu2002", "the folder's stem");
        let err = Config::parse(
            &text("").replace(
                &format!("files = [{reference:?}]"),
                "family = \"layered\", name = \"x\"",
            ),
            Path::new("."),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("workloads[0].name (line 1"), "{err:#}");
    }

    #[test]
    fn seeds_errors_say_what_seeds_accepts() {
        let text = |seeds: &str| {
            format!(
                "workloads = [{{ family = \"layered\" }}]\nplatforms = [{{ preset = \"homogeneous\" }}]\n\
                 schedulers = [\"heft\"]\nseeds = {seeds}\n"
            )
        };
        for bad in ["\"3\"", "-1", "1.5", "[1, \"x\"]"] {
            let err = format!("{:#}", Config::parse(&text(bad), Path::new(".")).unwrap_err());
            assert!(err.contains("line 4"), "{bad}: {err}");
            assert!(
                err.contains("a seed count such as `seeds = 5`") || err.contains("expected u64"),
                "{bad}: {err}"
            );
            assert!(!err.contains("untagged"), "{bad}: {err}");
        }
        let config = Config::parse(&text("[4, 2]"), Path::new(".")).unwrap();
        assert_eq!(config.seeds, [4, 2]);
    }

    #[test]
    fn misspelt_keys_and_names_get_a_suggestion() {
        let base = "workloads = [{ family = \"layered\" }]\nplatforms = [{ preset = \"homogeneous\" }]\n\
                    schedulers = [\"heft\"]\nseeds = 1\n";
        let cases = [
            (base.replace("seeds = 1", "seed = 1"), "did you mean \"seeds\"?"),
            (base.replace("preset =", "presett ="), "did you mean \"preset\"?"),
            (
                base.replace("\"homogeneous\"", "\"homogenous\""),
                "did you mean \"homogeneous\"?",
            ),
            (base.replace("\"heft\"", "\"hetf\""), "did you mean \"heft\"?"),
            (base.replace("\"layered\"", "\"layerd\""), "did you mean \"layered\"?"),
        ];
        for (text, hint) in cases {
            let err = format!("{:#}", Config::parse(&text, Path::new(".")).unwrap_err());
            assert!(err.contains(hint), "{text}\n{err}");
        }
    }

    #[test]
    fn speed_error_is_read_and_checked_with_its_line() {
        let text = |table: &str| {
            format!(
                "workloads = [{{ family = \"layered\" }}]\nplatforms = [{{ preset = \"homogeneous\" }}]\n\
                 schedulers = [\"heft\"]\nseeds = 1\n[speed_error]\n{table}\n"
            )
        };
        let config = Config::parse(&text("slow = 0.5\ndrift_time = 9"), Path::new(".")).unwrap();
        assert_eq!(config.speed_error.slow, 0.5);
        assert_eq!(config.speed_error.drift_time, 9.0);
        assert_eq!(config.speed_error.slow_factor, 2.0, "defaults fill the rest");
        let err = Config::parse(&text("slow = 0.9\nfast = 0.9"), Path::new(".")).unwrap_err();
        assert!(format!("{err:#}").contains("speed_error (line 5"), "{err:#}");
        let err = Config::parse(&text("slowness = 1"), Path::new(".")).unwrap_err();
        assert!(format!("{err:#}").contains("slowness"), "{err:#}");
    }
}
