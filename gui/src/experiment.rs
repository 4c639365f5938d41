//! Experiments: the current setup as a `schedlab run` config, and results
//! folders written by `schedlab run`.
//!
//! Both directions go through the types `schedlab` itself uses: a setup is
//! written as an [`experiments::grid::config::ConfigFile`], read back through
//! [`Config::parse`] (so the window accepts exactly what `schedlab run`
//! accepts, with its error messages), and a results folder is read as typed
//! [`Row`]s with the config that produced them, so a row is rebuilt from its
//! grid cell rather than from its labels.
//!
//! A `schedlab run` cell uses one seed for the generator, the engine and
//! randomised schedulers, so the config carries the DAG seed; a different run
//! seed is noted in a comment.

use crate::setup::{PlatformSource, SchedulerChoice, Setup, StreamSetup, WorkloadSource};
use experiments::grid::config::{
    Cell, Config, ConfigFile, FailureEntry, OneOrMany, PlatformEntry, Seeds, StreamEntry, WorkloadEntry,
    WorkloadSource as Source,
};
use experiments::results::metrics::{InReport, METRICS, Metric};
use experiments::results::{Row, read_manifest, read_results};
use sim::{Failures, SpeedError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;
use workloads::stream::MixSource;

/// Where the custom platform goes when the setup uses one: beside the config.
pub fn platform_file_for(config: &Path) -> PathBuf {
    config.with_extension("platform.toml")
}

/// A value with no place in a text yet.
fn unplaced<T>(value: T) -> Spanned<T> {
    Spanned::new(0..0, value)
}

/// A generator value as TOML: an integer or float when it reads as one, else a string.
fn toml_value(text: &str) -> toml::Value {
    text.parse::<i64>()
        .map(toml::Value::from)
        .or_else(|_| text.parse::<f64>().map(toml::Value::from))
        .unwrap_or_else(|_| toml::Value::from(text))
}

/// A job mix line's generator spec (`family:key=value,…`) as a workload entry of weight `weight`.
fn generator_entry(spec: &str, weight: f64) -> WorkloadEntry {
    let (family, params) = spec.split_once(':').unwrap_or((spec, ""));
    WorkloadEntry {
        family: Some(unplaced(family.to_owned())),
        params: params
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.trim().to_owned(), unplaced(OneOrMany::One(toml_value(v.trim())))))
            .collect(),
        files: None,
        name: None,
        weight: (weight != 1.0).then(|| unplaced(weight)),
    }
}

/// The `[[workloads]]` entries of the setup: its DAG, then for a job
/// stream the further entries of its mix.
fn workload_entries(setup: &Setup) -> Vec<WorkloadEntry> {
    let mut entries = vec![panel_workload(setup)];
    if let Some(stream) = &setup.stream {
        for entry in stream.extra_entries().unwrap_or_default() {
            entries.push(match entry.source {
                MixSource::Generator(spec) => generator_entry(&spec, entry.weight),
                MixSource::File(path) => WorkloadEntry {
                    family: None,
                    params: BTreeMap::new(),
                    files: Some(unplaced(vec![path.display().to_string()])),
                    name: None,
                    weight: (entry.weight != 1.0).then(|| unplaced(entry.weight)),
                },
            });
        }
    }
    entries
}

/// The `[stream]` table of a setup that runs a job stream.
fn stream_entry(setup: &Setup) -> Option<StreamEntry> {
    let stream = setup.stream.as_ref()?;
    let trace = stream.arrivals.starts_with("trace:");
    Some(StreamEntry {
        arrivals: unplaced(OneOrMany::One(stream.arrivals.clone())),
        load: (!trace).then(|| unplaced(OneOrMany::One(stream.load))),
        jobs: Some(unplaced(stream.jobs)),
        horizon: stream.horizon.map(unplaced),
    })
}

/// The workload panel's DAG as a `[[workloads]]` entry.
fn panel_workload(setup: &Setup) -> WorkloadEntry {
    match &setup.source {
        WorkloadSource::Generated => {
            let mut params = BTreeMap::new();
            for (p, v) in setup.moved_params() {
                let value = if p.integer {
                    toml::Value::from(v.round() as i64)
                } else {
                    toml::Value::from(v)
                };
                params.insert(p.key.to_owned(), unplaced(OneOrMany::One(value)));
            }
            for (k, v) in setup.extra_params.split(',').filter_map(|kv| kv.split_once('=')) {
                params.insert(k.trim().to_owned(), unplaced(OneOrMany::One(toml_value(v.trim()))));
            }
            WorkloadEntry {
                family: Some(unplaced(setup.family.clone())),
                params,
                files: None,
                name: None,
                weight: None,
            }
        }
        WorkloadSource::File(path) => WorkloadEntry {
            family: None,
            params: BTreeMap::new(),
            files: Some(unplaced(vec![path.display().to_string()])),
            name: None,
            weight: None,
        },
    }
}

/// The setup as a config file; `platform_file` is the file name the custom platform was written to.
pub fn config_file(setup: &Setup, name: &str, platform_file: Option<&str>) -> ConfigFile {
    let (preset, nodes, file) = match (&setup.platform, platform_file) {
        (PlatformSource::Custom(_) | PlatformSource::FromWorkload, Some(file)) => (None, None, Some(file.to_owned())),
        _ => (
            Some(setup.preset.clone()),
            Some(unplaced(OneOrMany::One(setup.nodes))),
            None,
        ),
    };
    ConfigFile {
        name: Some(name.to_owned()),
        out: Some(PathBuf::from(format!("results/{}", slug(name)))),
        workloads: workload_entries(setup),
        platforms: vec![PlatformEntry {
            preset: preset.map(unplaced),
            nodes,
            file: file.map(unplaced),
            bandwidth: None,
            latency: None,
            network: None,
        }],
        schedulers: setup.scheduler_specs().into_iter().map(unplaced).collect(),
        resource_managers: (setup.resource_manager != schedulers::resource::DEFAULT)
            .then(|| vec![unplaced(setup.resource_manager.clone())]),
        noise: Some(unplaced(OneOrMany::One(setup.noise_sigma))),
        seeds: unplaced(Seeds::List(vec![setup.dag_seed])),
        stream: stream_entry(setup),
        failures: match setup.failures {
            Failures::Exponential { mtbf, repair } => Some(FailureEntry {
                mtbf: unplaced(OneOrMany::One(mtbf)),
                repair: Some(unplaced(repair)),
                checkpoint: setup.checkpoint.map(unplaced),
            }),
            Failures::None | Failures::Trace(_) => None,
        },
        speed_error: (setup.speed_error != SpeedError::default()).then(|| unplaced(setup.speed_error)),
        train: None,
        report: None,
    }
}

/// The setup as config text; `platform_file` is the file name the custom platform was written to.
pub fn to_config(setup: &Setup, name: &str, platform_file: Option<&str>) -> String {
    let mut text = String::from("# Saved by schedlab-gui; run it with `schedlab run THIS_FILE`.\n");
    if setup.sim_seed != setup.dag_seed {
        text.push_str(&format!(
            "# The window ran with run seed {} and DAG seed {}; a schedlab run cell uses one seed for both.\n",
            setup.sim_seed, setup.dag_seed
        ));
    }
    match toml::to_string(&config_file(setup, name, platform_file)) {
        Ok(body) => text.push_str(&body),
        Err(e) => text.push_str(&format!("# cannot write the config: {e}\n")),
    }
    text
}

/// `name` in lower case with every other character than a letter or digit
/// a `-`, trimmed of `-` (`gui` when nothing is left): a file or folder name.
pub(crate) fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() { "gui".to_owned() } else { s }
}

/// The setup that runs `cell` of `config`, with `schedulers` selected.
fn setup_of_cell(config: &Config, cell: &Cell, schedulers: &[String]) -> Result<Setup, String> {
    let mut setup = Setup::default();
    let platform = &config.platforms[cell.platform];
    let source = match &config.workloads[cell.workload] {
        Source::Stream(stream) => {
            let (first, extra) = stream
                .mix
                .split_first()
                .ok_or_else(|| format!("{} has an empty job mix", stream.label))?;
            let load = match stream.load {
                Some(load) => load,
                None => stream
                    .stream(&platform.platform)
                    .and_then(|s| Ok(s.offered_load(&platform.platform)?))
                    .map_err(|e| format!("{e:#}"))?,
            };
            let arrivals = match &stream.trace {
                Some(path) => format!("trace:{}", path.display()),
                None => stream.arrivals.clone(),
            };
            let mix: Vec<String> = extra
                .iter()
                .map(|(source, weight)| {
                    let what = match source {
                        Source::Generator { spec, .. } => spec.clone(),
                        Source::File { path, .. } => path.display().to_string(),
                        Source::Stream(_) => String::new(),
                    };
                    if *weight == 1.0 {
                        what
                    } else {
                        format!("{weight} {what}")
                    }
                })
                .collect();
            setup.stream = Some(StreamSetup {
                arrivals,
                load,
                jobs: stream.limit.jobs.unwrap_or(StreamSetup::default().jobs),
                horizon: stream.limit.horizon,
                mix: mix.join("\n"),
            });
            &first.0
        }
        source => source,
    };
    match source {
        Source::Generator { family, params, .. } => {
            setup.set_family(family);
            let mut extra = Vec::new();
            for (key, value) in params {
                match value.parse::<f64>() {
                    Ok(x) if setup.params().iter().any(|p| p.key == key) => setup.set_param(key, x),
                    _ => extra.push(format!("{key}={value}")),
                }
            }
            setup.extra_params = extra.join(",");
        }
        Source::File { path, .. } => setup.source = WorkloadSource::File(path.clone()),
        Source::Stream(stream) => return Err(format!("{}: a job mix holds DAGs, not streams", stream.label)),
    }
    match &platform.preset {
        Some((preset, nodes)) => {
            preset.clone_into(&mut setup.preset);
            setup.nodes = *nodes;
        }
        None => setup.platform = PlatformSource::Custom(platform.platform.spec().clone()),
    }
    for spec in schedulers {
        let (info, _) = schedulers::registry::parse(spec).map_err(|e| e.to_string())?;
        let params = spec.split_once(':').map_or("", |(_, p)| p);
        if let Some(choice) = setup.schedulers.iter_mut().find(|s| s.name == info.name) {
            *choice = SchedulerChoice {
                name: info.name,
                selected: true,
                params: params.to_owned(),
            };
        }
    }
    setup.noise_sigma = config.noise[cell.noise];
    setup.dag_seed = config.seeds[cell.seed];
    setup.sim_seed = setup.dag_seed;
    setup.failures = config.failures[cell.failure].clone();
    setup.checkpoint = config.checkpoint.filter(|_| setup.failures != Failures::None);
    setup.speed_error = config.speed_error;
    setup
        .resource_manager
        .clone_from(&config.resource_managers[cell.resource_manager]);
    Ok(setup)
}

/// Reads a config back into a setup: its first workload, first platform,
/// every scheduler, the first noise level, failure setting and seed.
///
/// # Errors
/// What `schedlab run` would say about the config (key, line and column).
pub fn from_config(text: &str, base: &Path) -> Result<Setup, String> {
    let config = Config::parse(text, base).map_err(|e| format!("{e:#}"))?;
    setup_of_cell(&config, &config.cell(0), &config.schedulers)
}

/// A column of the results table.
#[derive(Clone, Copy, Debug)]
pub enum Column {
    /// The workload label.
    Workload,
    /// The platform label.
    Platform,
    /// The scheduler spec.
    Scheduler,
    /// The noise sigma.
    Noise,
    /// The seed.
    Seed,
    /// A metric of the results' table.
    Metric(&'static Metric),
    /// Why the run failed.
    Error,
}

impl Column {
    /// The columns shown: the coordinates that tell runs apart, the metrics
    /// the report tabulates, and the error.
    pub fn shown() -> Vec<Column> {
        let metrics = METRICS.iter().filter(|m| m.report != InReport::No).map(Column::Metric);
        [
            Column::Workload,
            Column::Platform,
            Column::Scheduler,
            Column::Noise,
            Column::Seed,
        ]
        .into_iter()
        .chain(metrics)
        .chain([Column::Error])
        .collect()
    }

    /// The header.
    pub fn header(&self) -> &'static str {
        match self {
            Column::Workload => "workload",
            Column::Platform => "platform",
            Column::Scheduler => "scheduler",
            Column::Noise => "noise",
            Column::Seed => "seed",
            Column::Metric(m) => m.key,
            Column::Error => "error",
        }
    }

    /// The value of a numeric column.
    fn number(&self, row: &Row) -> Option<f64> {
        match self {
            Column::Noise => Some(row.noise),
            Column::Seed => Some(row.seed as f64),
            Column::Metric(m) => row.get(m),
            _ => None,
        }
    }

    /// The cell's text.
    pub fn text(&self, row: &Row) -> String {
        match self {
            Column::Workload => row.workload.clone(),
            Column::Platform => row.platform.clone(),
            Column::Scheduler => row.scheduler.clone(),
            Column::Seed => row.seed.to_string(),
            Column::Noise => row.noise.to_string(),
            Column::Metric(_) => self.number(row).map(crate::results::fmt_num).unwrap_or_default(),
            Column::Error => row.error.clone(),
        }
    }
}

/// A results folder written by `schedlab run`, for browsing.
#[derive(Clone, Debug)]
pub struct ResultsTable {
    /// The folder it came from.
    pub dir: PathBuf,
    /// The rows, in grid order.
    pub rows: Vec<Row>,
    /// The config that produced them, or why it cannot be rebuilt.
    config: Result<Config, String>,
}

impl ResultsTable {
    /// Reads `DIR/results.jsonl` and the config recorded in `DIR/manifest.json`.
    ///
    /// # Errors
    /// The reader's error, naming the file (and line).
    pub fn load(dir: &Path) -> Result<ResultsTable, String> {
        let rows = read_results(dir).map_err(|e| format!("{e:#}"))?;
        let config = read_manifest(dir).map_err(|e| format!("{e:#}")).and_then(|m| {
            let p = m.provenance;
            Config::parse(&p.config, Path::new(&p.config_dir)).map_err(|e| format!("{e:#}"))
        });
        Ok(ResultsTable {
            dir: dir.to_path_buf(),
            rows,
            config,
        })
    }

    /// Indices of the rows containing `filter` (case-insensitive) in any shown
    /// column, sorted by shown column `sort` (numerically for numbers).
    pub fn view(&self, filter: &str, sort: Option<(usize, bool)>) -> Vec<usize> {
        let columns = Column::shown();
        let needle = filter.trim().to_lowercase();
        let mut idx: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                needle.is_empty()
                    || columns
                        .iter()
                        .any(|c| c.text(&self.rows[i]).to_lowercase().contains(&needle))
            })
            .collect();
        if let Some((col, ascending)) = sort
            && let Some(column) = columns.get(col)
        {
            idx.sort_by(|&a, &b| {
                let (x, y) = (&self.rows[a], &self.rows[b]);
                let ord = match (column.number(x), column.number(y)) {
                    (Some(p), Some(q)) => p.total_cmp(&q),
                    _ => column.text(x).cmp(&column.text(y)),
                };
                if ascending { ord } else { ord.reverse() }
            });
        }
        idx
    }

    /// The setup that reproduces row `row`: its grid cell of the recorded config.
    ///
    /// # Errors
    /// A message saying why the config or the row cannot be rebuilt.
    pub fn setup_of(&self, row: usize) -> Result<Setup, String> {
        let config = self.config.as_ref().map_err(Clone::clone)?;
        let row = self.rows.get(row).ok_or("no such row")?;
        if row.index >= config.cell_count() {
            return Err(format!("row {} is not a cell of the recorded config", row.index));
        }
        let cell = config.cell(row.index);
        setup_of_cell(config, &cell, std::slice::from_ref(&config.schedulers[cell.scheduler]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_round_trips_a_setup() {
        let mut setup = Setup::default();
        setup.set_family("fork-join");
        setup.set_param("width", 6.0);
        setup.set_param("ccr", 0.5);
        setup.select("heft", true);
        setup.select("min-min", true);
        setup.noise_sigma = 0.2;
        setup.dag_seed = 7;
        setup.sim_seed = 7;
        setup.failures = Failures::exponential(500.0, 30.0);
        setup.checkpoint = Some(2.5);
        setup.speed_error = "slow=0.5".parse().unwrap_or_default();
        let text = to_config(&setup, "GUI test", None);
        let back = from_config(&text, Path::new(".")).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back.generator_spec(), setup.generator_spec());
        assert_eq!(back.scheduler_specs(), setup.scheduler_specs());
        assert_eq!((back.preset.as_str(), back.nodes), (setup.preset.as_str(), setup.nodes));
        assert!((back.noise_sigma - 0.2).abs() < 1e-12);
        assert_eq!(back.dag_seed, 7);
        assert_eq!(back.failures, setup.failures);
        assert_eq!(back.checkpoint, Some(2.5));
        assert_eq!(back.speed_error, setup.speed_error);
        assert!(text.contains("[[workloads]]") && text.contains("family = \"fork-join\""));
    }

    #[test]
    fn a_bad_config_is_reported_with_its_line() {
        let err = from_config("seeds = 1\nschedulers = [\"heft\"]\nnoise = -1\n", Path::new("."));
        assert!(err.is_err());
        let text = "workloads = [{ family = \"layered\" }]\nplatforms = [{ preset = \"homogeneous\" }]\nschedulers = [\"no-such\"]\nseeds = 1\n";
        let err = from_config(text, Path::new(".")).err().unwrap_or_default();
        assert!(err.contains("line 3"), "{err}");
    }
}
