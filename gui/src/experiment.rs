//! Experiments: the current setup as a `schedlab run` config, and results
//! folders written by `schedlab run` (`results.csv`).
//!
//! The config follows `experiments/configs/*.toml`: `workloads` (a generator
//! `family` with `params`, or `files`), `platforms` (a `preset` with `nodes`,
//! or a platform `file`), `schedulers`, `noise` and `seeds`. A `schedlab run`
//! cell uses one seed for the generator, the engine and randomised
//! schedulers, so the config carries the DAG seed; a different run seed is
//! noted in a comment.

use crate::setup::{PlatformSource, Setup, WorkloadSource};
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// Where the custom platform goes when the setup uses one: beside the config.
pub fn platform_file_for(config: &Path) -> PathBuf {
    config.with_extension("platform.toml")
}

/// The setup as config text; `platform_file` is the file name the custom platform was written to.
pub fn to_config(setup: &Setup, name: &str, platform_file: Option<&str>) -> String {
    let mut doc = Table::new();
    doc.insert("name".to_owned(), Value::from(name));
    doc.insert("out".to_owned(), Value::from(format!("results/{}", slug(name))));
    let mut workload = Table::new();
    match &setup.source {
        WorkloadSource::Generated => {
            workload.insert("family".to_owned(), Value::from(setup.family.as_str()));
            let mut params = Table::new();
            for (p, v) in setup.params().iter().zip(&setup.values) {
                let value = if p.integer {
                    Value::from(v.round() as i64)
                } else {
                    Value::from(*v)
                };
                params.insert(p.key.to_owned(), value);
            }
            for pair in setup.extra_params.split(',').filter_map(|kv| kv.split_once('=')) {
                let (k, v) = (pair.0.trim(), pair.1.trim());
                let value = v
                    .parse::<i64>()
                    .map(Value::from)
                    .or_else(|_| v.parse::<f64>().map(Value::from));
                params.insert(k.to_owned(), value.unwrap_or_else(|_| Value::from(v)));
            }
            workload.insert("params".to_owned(), Value::Table(params));
        }
        WorkloadSource::File(path) => {
            workload.insert(
                "files".to_owned(),
                Value::Array(vec![Value::from(path.display().to_string())]),
            );
        }
    }
    doc.insert("workloads".to_owned(), Value::Array(vec![Value::Table(workload)]));
    let mut platform = Table::new();
    match (&setup.platform, platform_file) {
        (PlatformSource::Custom(_) | PlatformSource::FromWorkload, Some(file)) => {
            platform.insert("file".to_owned(), Value::from(file));
        }
        _ => {
            platform.insert("preset".to_owned(), Value::from(setup.preset.as_str()));
            platform.insert("nodes".to_owned(), Value::from(i64::from(setup.nodes)));
        }
    }
    doc.insert("platforms".to_owned(), Value::Array(vec![Value::Table(platform)]));
    let specs: Vec<Value> = setup.scheduler_specs().into_iter().map(Value::from).collect();
    doc.insert("schedulers".to_owned(), Value::Array(specs));
    doc.insert("noise".to_owned(), Value::from(setup.noise_sigma));
    doc.insert(
        "seeds".to_owned(),
        Value::Array(vec![Value::from(setup.dag_seed as i64)]),
    );
    if let Some(mtbf) = setup.mtbf {
        let mut failures = Table::new();
        failures.insert("mtbf".to_owned(), Value::from(mtbf));
        failures.insert("repair".to_owned(), Value::from(setup.repair));
        doc.insert("failures".to_owned(), Value::Table(failures));
    }
    let mut text = String::from("# Saved by schedlab-gui; run it with `schedlab run THIS_FILE`.\n");
    if setup.sim_seed != setup.dag_seed {
        text.push_str(&format!(
            "# The window ran with run seed {} and DAG seed {}; a schedlab run cell uses one seed for both.\n",
            setup.sim_seed, setup.dag_seed
        ));
    }
    text.push_str(&toml::to_string(&doc).unwrap_or_default());
    text
}

fn slug(name: &str) -> String {
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

/// Reads a config back into a setup: its first workload, first platform,
/// every scheduler, the first noise level and the first seed.
///
/// # Errors
/// The TOML error, or a message naming the key that is missing or has the wrong type.
pub fn from_config(text: &str, base: &Path) -> Result<Setup, String> {
    let doc: Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut setup = Setup::default();
    let first = |key: &str| -> Option<&Value> {
        match doc.get(key)? {
            Value::Array(a) => a.first(),
            v => Some(v),
        }
    };
    let Some(Value::Table(workload)) = first("workloads") else {
        return Err("config has no [[workloads]] entry".to_owned());
    };
    if let Some(family) = workload.get("family").and_then(Value::as_str) {
        setup.set_family(family);
        let mut extra = Vec::new();
        for (key, value) in workload.get("params").and_then(Value::as_table).into_iter().flatten() {
            let value = match value {
                Value::Array(a) => a.first().cloned().unwrap_or(Value::from(0)),
                v => v.clone(),
            };
            let number = value.as_float().or_else(|| value.as_integer().map(|i| i as f64));
            match number {
                Some(x) if setup.params().iter().any(|p| p.key == key) => setup.set_param(key, x),
                _ => extra.push(format!(
                    "{key}={}",
                    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
                )),
            }
        }
        setup.extra_params = extra.join(",");
    } else if let Some(file) = workload
        .get("files")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_str)
    {
        setup.source = WorkloadSource::File(base.join(file));
    } else {
        return Err("workloads: expected `family` or `files`".to_owned());
    }
    if let Some(Value::Table(platform)) = first("platforms") {
        if let Some(preset) = platform.get("preset").and_then(Value::as_str) {
            preset.clone_into(&mut setup.preset);
            let nodes = match platform.get("nodes") {
                Some(Value::Array(a)) => a.first().and_then(Value::as_integer),
                Some(v) => v.as_integer(),
                None => Some(8),
            };
            setup.nodes = nodes.and_then(|n| u32::try_from(n).ok()).unwrap_or(8);
        } else if let Some(file) = platform.get("file").and_then(Value::as_str) {
            let path = base.join(file);
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let p = sim::Platform::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            setup.platform = PlatformSource::Custom(p.spec().clone());
        }
    }
    for spec in doc
        .get("schedulers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let (name, params) = spec.split_once(':').unwrap_or((spec, ""));
        if let Some(choice) = setup.schedulers.iter_mut().find(|s| s.name == name) {
            choice.selected = true;
            params.clone_into(&mut choice.params);
        } else {
            return Err(format!("schedulers: unknown scheduler {name:?}"));
        }
    }
    if let Some(noise) = first("noise") {
        setup.noise_sigma = noise
            .as_float()
            .or_else(|| noise.as_integer().map(|i| i as f64))
            .unwrap_or(0.0);
    }
    if let Some(Value::Table(failures)) = doc.get("failures") {
        let number = |v: &Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
        let mtbf = match failures.get("mtbf") {
            Some(Value::Array(a)) => a.first().and_then(number),
            Some(v) => number(v),
            None => None,
        };
        setup.mtbf = mtbf.filter(|m| m.is_finite());
        if let Some(repair) = failures.get("repair").and_then(number) {
            setup.repair = repair;
        }
    }
    match doc.get("seeds") {
        Some(Value::Array(a)) => {
            let seed = a
                .first()
                .and_then(Value::as_integer)
                .and_then(|s| u64::try_from(s).ok())
                .unwrap_or(0);
            setup.dag_seed = seed;
            setup.sim_seed = seed;
        }
        Some(Value::Integer(_)) => {
            setup.dag_seed = 0;
            setup.sim_seed = 0;
        }
        _ => {}
    }
    Ok(setup)
}

/// A `results.csv` written by `schedlab run`, for browsing.
#[derive(Clone, Debug, Default)]
pub struct ResultsTable {
    /// The folder it came from.
    pub dir: PathBuf,
    /// Column names.
    pub headers: Vec<String>,
    /// Rows, as text.
    pub rows: Vec<Vec<String>>,
}

impl ResultsTable {
    /// Reads `DIR/results.csv` (or the file itself if `path` is one).
    ///
    /// # Errors
    /// The I/O or CSV error, naming the file.
    pub fn load(path: &Path) -> Result<ResultsTable, String> {
        let file = if path.is_dir() {
            path.join("results.csv")
        } else {
            path.to_path_buf()
        };
        let mut reader = csv::Reader::from_path(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let headers = reader
            .headers()
            .map_err(|e| format!("{}: {e}", file.display()))?
            .iter()
            .map(str::to_owned)
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| format!("{}: {e}", file.display()))?;
            rows.push(record.iter().map(str::to_owned).collect());
        }
        Ok(ResultsTable {
            dir: file.parent().map(Path::to_path_buf).unwrap_or_default(),
            headers,
            rows,
        })
    }

    /// Index of column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Indices of the rows containing `filter` (case-insensitive) in any cell,
    /// sorted by column `sort` (numerically where both cells are numbers).
    pub fn view(&self, filter: &str, sort: Option<(usize, bool)>) -> Vec<usize> {
        let needle = filter.trim().to_lowercase();
        let mut idx: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                needle.is_empty()
                    || self
                        .rows
                        .get(i)
                        .is_some_and(|r| r.iter().any(|c| c.to_lowercase().contains(&needle)))
            })
            .collect();
        if let Some((col, ascending)) = sort {
            let cell = |i: usize| self.rows.get(i).and_then(|r| r.get(col)).map_or("", String::as_str);
            idx.sort_by(|&a, &b| {
                let (x, y) = (cell(a), cell(b));
                let ord = match (x.parse::<f64>(), y.parse::<f64>()) {
                    (Ok(p), Ok(q)) => p.total_cmp(&q),
                    _ => x.cmp(y),
                };
                if ascending { ord } else { ord.reverse() }
            });
        }
        idx
    }

    /// The setup that reproduces row `row`, when its workload is a generator
    /// spec and its platform a preset (`NAME:NODES`).
    ///
    /// # Errors
    /// A message saying which part cannot be rebuilt.
    pub fn setup_of(&self, row: usize) -> Result<Setup, String> {
        let get = |name: &str| {
            self.column(name)
                .and_then(|c| self.rows.get(row).and_then(|r| r.get(c)))
                .map(String::as_str)
        };
        let workload = get("workload").ok_or("no workload column")?;
        let platform = get("platform").ok_or("no platform column")?;
        let scheduler = get("scheduler").ok_or("no scheduler column")?;
        let mut setup = Setup::default();
        let (family, params) = workload.split_once(':').unwrap_or((workload, ""));
        if !crate::families::kinds().contains(&family) {
            let path = self.dir.join(workload);
            if !path.exists() {
                return Err(format!("workload {workload:?} is neither a generator spec nor a file"));
            }
            setup.source = WorkloadSource::File(path);
        } else {
            setup.set_family(family);
            let mut extra = Vec::new();
            for (k, v) in params.split(',').filter_map(|kv| kv.split_once('=')) {
                match v.parse::<f64>() {
                    Ok(x) if setup.params().iter().any(|p| p.key == k) => setup.set_param(k, x),
                    _ => extra.push(format!("{k}={v}")),
                }
            }
            setup.extra_params = extra.join(",");
        }
        let (preset, nodes) = platform
            .split_once(':')
            .ok_or_else(|| format!("platform {platform:?} is not PRESET:NODES"))?;
        if !sim::presets::PRESET_NAMES.contains(&preset) {
            return Err(format!("platform {platform:?} is not a preset"));
        }
        preset.clone_into(&mut setup.preset);
        setup.nodes = nodes
            .parse()
            .map_err(|_| format!("platform {platform:?}: bad node count"))?;
        let (name, sparams) = scheduler.split_once(':').unwrap_or((scheduler, ""));
        let choice = setup
            .schedulers
            .iter_mut()
            .find(|s| s.name == name)
            .ok_or_else(|| format!("unknown scheduler {name:?}"))?;
        choice.selected = true;
        sparams.clone_into(&mut choice.params);
        if let Some(noise) = get("noise").and_then(|n| n.parse().ok()) {
            setup.noise_sigma = noise;
        }
        if let Some(seed) = get("seed").and_then(|n| n.parse().ok()) {
            setup.dag_seed = seed;
            setup.sim_seed = seed;
        }
        Ok(setup)
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
        setup.mtbf = Some(500.0);
        setup.repair = 30.0;
        let text = to_config(&setup, "GUI test", None);
        let Ok(back) = from_config(&text, Path::new(".")) else {
            panic!("parse: {text}");
        };
        assert_eq!(back.generator_spec(), setup.generator_spec());
        assert_eq!(back.scheduler_specs(), setup.scheduler_specs());
        assert_eq!((back.preset.as_str(), back.nodes), (setup.preset.as_str(), setup.nodes));
        assert!((back.noise_sigma - 0.2).abs() < 1e-12);
        assert_eq!(back.dag_seed, 7);
        assert_eq!((back.mtbf, back.repair), (Some(500.0), 30.0));
        assert!(text.contains("[[workloads]]") && text.contains("family = \"fork-join\""));
    }

    #[test]
    fn results_rows_sort_filter_and_rebuild_a_setup() {
        let table = ResultsTable {
            dir: PathBuf::new(),
            headers: ["workload", "platform", "scheduler", "noise", "seed", "makespan"]
                .map(str::to_owned)
                .to_vec(),
            rows: vec![
                ["layered:tasks=20", "heterogeneous:4", "heft", "0", "3", "10.5"]
                    .map(str::to_owned)
                    .to_vec(),
                ["layered:tasks=20", "heterogeneous:4", "cpop", "0", "3", "9.25"]
                    .map(str::to_owned)
                    .to_vec(),
            ],
        };
        assert_eq!(table.view("", Some((5, true))), vec![1, 0]);
        assert_eq!(table.view("CPOP", None), vec![1]);
        let Ok(setup) = table.setup_of(1) else {
            panic!("setup");
        };
        assert_eq!(setup.scheduler_specs(), vec!["cpop".to_owned()]);
        assert!(setup.generator_spec().starts_with("layered:tasks=20,"));
        assert_eq!(setup.nodes, 4);
    }
}
