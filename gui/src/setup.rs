//! What the user has chosen: workload, platform, schedulers and run settings.
//!
//! A [`Setup`] turns into the strings and values the library crates take
//! (generator spec, scheduler specs, [`sim::SimConfig`]); it computes nothing itself.

use crate::families::{self, ParamDef};
use sim::{Checkpointing, Failures, Noise, Platform, PlatformSpec, SimConfig, SpeedError};
use std::path::{Path, PathBuf};
use workloads::stream::{JobMix, Limit, MixEntry, MixSource, Stream, StreamSource};

/// Where the DAG comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkloadSource {
    /// A seeded generator with the family's slider values.
    Generated,
    /// A file in any format `workloads::load` reads.
    File(PathBuf),
}

/// Where the platform comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum PlatformSource {
    /// A named preset with a node count.
    Preset,
    /// The table editor's spec.
    Custom(PlatformSpec),
    /// The platform the loaded file brings.
    FromWorkload,
}

/// One registry scheduler with its on/off toggle and parameter text.
#[derive(Clone, Debug, PartialEq)]
pub struct SchedulerChoice {
    /// Registry name.
    pub name: &'static str,
    /// Whether it takes part in the next run.
    pub selected: bool,
    /// `key=value,…` parameters; empty for the defaults.
    pub params: String,
}

impl SchedulerChoice {
    /// The registry spec: `NAME` or `NAME:params`.
    pub fn spec(&self) -> String {
        let params = self.params.trim();
        if params.is_empty() {
            self.name.to_owned()
        } else {
            format!("{}:{params}", self.name)
        }
    }
}

/// A job stream in place of one DAG: jobs drawn from a mix, arriving over
/// time, as `schedlab simulate --stream` and a config's `[stream]` table run them.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamSetup {
    /// Arrival process, e.g. `poisson:rate=1`; `load` sets its rate and keeps its shape.
    pub arrivals: String,
    /// Offered load: arrival rate × expected job work / Σ cores × speed.
    pub load: f64,
    /// Jobs in the stream.
    pub jobs: usize,
    /// Last arrival and where the stream is measured, seconds, if any.
    pub horizon: Option<f64>,
    /// Mix entries besides the workload panel's DAG, one per line: a
    /// generator spec or a DAG file, after an optional weight
    /// (`2 fork-join:width=8`); each entry weighs 1 otherwise.
    pub mix: String,
}

impl Default for StreamSetup {
    fn default() -> StreamSetup {
        StreamSetup {
            arrivals: "poisson:rate=1".to_owned(),
            load: 0.7,
            jobs: 100,
            horizon: None,
            mix: String::new(),
        }
    }
}

impl StreamSetup {
    /// The extra mix entries of [`StreamSetup::mix`].
    ///
    /// # Errors
    /// A weight that is not a number > 0, naming the line.
    pub fn extra_entries(&self) -> Result<Vec<MixEntry>, String> {
        let mut entries = Vec::new();
        for (i, line) in self.mix.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let weighted = line
                .split_once(char::is_whitespace)
                .and_then(|(w, rest)| Some((w.parse::<f64>().ok()?, rest.trim())));
            let (weight, what) = weighted.unwrap_or((1.0, line));
            if !(weight.is_finite() && weight > 0.0) {
                return Err(format!(
                    "job mix line {}: weight {weight}, expected a number > 0",
                    i + 1
                ));
            }
            let source = if Path::new(what).is_file() {
                MixSource::File(PathBuf::from(what))
            } else {
                MixSource::Generator(what.to_owned())
            };
            entries.push(MixEntry { source, weight });
        }
        Ok(entries)
    }
}

/// Everything that defines a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    /// Generated or loaded DAG.
    pub source: WorkloadSource,
    /// Generator kind.
    pub family: String,
    /// Slider values of the current family, in the order of its [`ParamDef`]s.
    pub values: Vec<f64>,
    /// Free-text `key=value,…` for families without sliders.
    pub extra_params: String,
    /// Seed of the generator.
    pub dag_seed: u64,
    /// Preset name.
    pub preset: String,
    /// Node count of the preset.
    pub nodes: u32,
    /// Which platform the run uses.
    pub platform: PlatformSource,
    /// Every registry scheduler, in registry order.
    pub schedulers: Vec<SchedulerChoice>,
    /// Resource manager spec, `NAME` or `NAME:key=value,…` (see `schedulers::resource`).
    pub resource_manager: String,
    /// Log-normal runtime noise sigma (0 for none).
    pub noise_sigma: f64,
    /// Seed of the engine's draws and of randomised schedulers.
    pub sim_seed: u64,
    /// Node failures.
    pub failures: Failures,
    /// Checkpoint cost in seconds, if running tasks checkpoint (at
    /// Young/Daly's interval; needs exponential failures).
    pub checkpoint: Option<f64>,
    /// Real node speeds versus the declared ones the schedulers see.
    pub speed_error: SpeedError,
    /// Run a job stream of the workload instead of the workload alone.
    pub stream: Option<StreamSetup>,
}

impl Default for Setup {
    fn default() -> Setup {
        let mut setup = Setup {
            source: WorkloadSource::Generated,
            family: "layered".to_owned(),
            values: Vec::new(),
            extra_params: String::new(),
            dag_seed: 1,
            preset: "heterogeneous".to_owned(),
            nodes: 4,
            platform: PlatformSource::Preset,
            schedulers: schedulers::registry::all()
                .iter()
                .map(|info| SchedulerChoice {
                    name: info.name,
                    selected: false,
                    params: String::new(),
                })
                .collect(),
            resource_manager: schedulers::resource::DEFAULT.to_owned(),
            noise_sigma: 0.0,
            sim_seed: 1,
            failures: Failures::None,
            checkpoint: None,
            speed_error: SpeedError::default(),
            stream: None,
        };
        setup.set_family("layered");
        setup
    }
}

impl Setup {
    /// Switches to generator `kind`, resetting its sliders to their defaults.
    pub fn set_family(&mut self, kind: &str) {
        kind.clone_into(&mut self.family);
        self.values = self.params().iter().map(|p| p.default).collect();
        self.extra_params.clear();
    }

    /// The sliders of the current family (empty for a kind the generators do not know).
    pub fn params(&self) -> &'static [ParamDef] {
        families::family(&self.family).unwrap_or(&[])
    }

    /// Sets slider `key` of the current family, if it has one.
    pub fn set_param(&mut self, key: &str, value: f64) {
        if let Some(i) = self.params().iter().position(|p| p.key == key)
            && let Some(slot) = self.values.get_mut(i)
        {
            *slot = value;
        }
    }

    /// The sliders moved off their defaults, with their values: what a spec
    /// or a saved config states (the generator fills in the rest).
    pub fn moved_params(&self) -> impl Iterator<Item = (&'static ParamDef, f64)> + '_ {
        self.params()
            .iter()
            .zip(self.values.iter().copied())
            .filter(|(p, v)| *v != p.default)
    }

    /// The generator spec, e.g. `layered:tasks=300,fat=0.6`: the sliders
    /// moved off their defaults, then the free-text parameters.
    pub fn generator_spec(&self) -> String {
        let mut pairs: Vec<String> = self
            .moved_params()
            .map(|(p, v)| {
                if p.integer {
                    format!("{}={}", p.key, v.round())
                } else {
                    format!("{}={v}", p.key)
                }
            })
            .collect();
        let extra = self.extra_params.trim();
        if !extra.is_empty() {
            pairs.push(extra.to_owned());
        }
        if pairs.is_empty() {
            self.family.clone()
        } else {
            format!("{}:{}", self.family, pairs.join(","))
        }
    }

    /// Specs of the selected schedulers, in registry order.
    pub fn scheduler_specs(&self) -> Vec<String> {
        self.schedulers
            .iter()
            .filter(|s| s.selected)
            .map(SchedulerChoice::spec)
            .collect()
    }

    /// Selects or deselects scheduler `name`; returns whether it exists.
    pub fn select(&mut self, name: &str, selected: bool) -> bool {
        match self.schedulers.iter_mut().find(|s| s.name == name) {
            Some(s) => {
                s.selected = selected;
                true
            }
            None => false,
        }
    }

    /// The engine settings: every one the window sets.
    pub fn sim_config(&self) -> SimConfig {
        SimConfig {
            noise: Noise::lognormal(self.noise_sigma),
            seed: self.sim_seed,
            failures: self.failures.clone(),
            checkpointing: self.checkpoint.map(|cost| Checkpointing { cost, interval: None }),
            speed_error: self.speed_error,
            ..SimConfig::default()
        }
    }

    /// The job stream the setup describes on `platform`, if it runs one: the
    /// workload panel's DAG (its generator, drawn anew per job, or its file)
    /// and the extra entries make the mix.
    ///
    /// # Errors
    /// A malformed arrival spec or mix line, an entry that cannot be read or
    /// generated, a load not > 0, or a setting streams do not model.
    pub fn build_stream(&self, platform: &Platform) -> Result<Option<Stream>, String> {
        let Some(stream) = &self.stream else {
            return Ok(None);
        };
        if self.checkpoint.is_some() || self.speed_error != SpeedError::default() {
            return Err("job streams do not model checkpoints or speed errors yet: turn them off".to_owned());
        }
        if !(stream.load.is_finite() && stream.load > 0.0) {
            return Err(format!("load {}: expected a number > 0", stream.load));
        }
        let first = match &self.source {
            WorkloadSource::Generated => MixSource::Generator(self.generator_spec()),
            WorkloadSource::File(path) => MixSource::File(path.clone()),
        };
        let mut entries = vec![MixEntry {
            source: first,
            weight: 1.0,
        }];
        entries.extend(stream.extra_entries()?);
        let mix = JobMix::new(entries).map_err(|e| e.to_string())?;
        let source = StreamSource::process(&stream.arrivals, Some(stream.load), mix, platform)
            .map_err(|e| format!("arrivals: {e}"))?;
        let limit = Limit {
            jobs: Some(stream.jobs),
            horizon: stream.horizon,
        };
        Stream::new(source, limit).map(Some).map_err(|e| e.to_string())
    }

    /// Builds the platform; `from_file` is the platform a loaded workload brought.
    ///
    /// # Errors
    /// The platform error's message, or a note that the workload brought none.
    pub fn build_platform(&self, from_file: Option<&Platform>) -> Result<Platform, String> {
        match &self.platform {
            PlatformSource::Preset => sim::presets::preset(&self.preset, self.nodes).map_err(|e| e.to_string()),
            PlatformSource::Custom(spec) => Platform::new(spec.clone()).map_err(|e| e.to_string()),
            PlatformSource::FromWorkload => from_file
                .cloned()
                .ok_or_else(|| "the workload brings no platform".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_setup_builds_a_generator_spec_and_platform() {
        let mut setup = Setup::default();
        setup.set_param("tasks", 30.0);
        assert_eq!(
            setup.generator_spec(),
            "layered:tasks=30",
            "sliders at their defaults are left out"
        );
        let dag = workloads::generate(&setup.generator_spec(), setup.dag_seed);
        assert_eq!(dag.map(|d| d.task_count()).ok(), Some(30));
        assert!(setup.build_platform(None).is_ok());
        assert!(setup.select("heft", true));
        assert!(!setup.select("no-such-scheduler", true));
        assert_eq!(setup.scheduler_specs(), vec!["heft".to_owned()]);
    }
}
