//! Seeded generators of the classic DAG families, behind one spec string.
//!
//! A spec is `KIND` or `KIND:key=value,key=value`, e.g. `layered:tasks=1000,ccr=1`.
//! Every key has a default (listed in each generator's docs), an unknown kind
//! or key is an error that lists the valid ones, and the same spec and seed
//! always give the same DAG (the random stream is ChaCha8 seeded by
//! [`SeedableRng::seed_from_u64`](rand::SeedableRng::seed_from_u64)).
//!
//! Work is in reference seconds. Where a generator has a `ccr` key, the mean
//! edge carries `ccr × mean work × REFERENCE_BANDWIDTH` bytes, so the
//! communication-to-computation ratio at
//! [`REFERENCE_BANDWIDTH`](sim::presets::REFERENCE_BANDWIDTH) is `ccr`.

pub mod cholesky;
pub mod erdos_renyi;
pub mod fft;
pub mod fork_join;
pub mod gaussian;
pub mod layered;
pub mod lu;
pub mod map_reduce;
pub mod pipeline;
pub mod scientific;
pub mod stages;
pub mod stencil;
pub mod topcuoglu;
pub mod trees;
pub mod wavefront;

use rand::RngExt as _;
use rand::SeedableRng as _;
use rand_chacha::ChaCha8Rng;
use sim::{Dag, DagBuilder, DagError};
use thiserror::Error;

/// Why [`generate`] failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum GenError {
    /// The kind names no generator.
    #[error(
        "unknown generator {kind:?}{hint} (valid: {valid})",
        hint = sim::suggest::did_you_mean(.kind, .valid.split(", "))
    )]
    UnknownKind {
        /// The kind given.
        kind: String,
        /// The valid kinds, comma separated.
        valid: String,
    },
    /// A key is not a parameter of this generator.
    #[error(
        "{kind}: unknown parameter {key:?}{hint} (valid: {valid})",
        hint = sim::suggest::did_you_mean(.key, .valid.split(", "))
    )]
    UnknownKey {
        /// The generator.
        kind: String,
        /// The key given.
        key: String,
        /// The valid keys, comma separated.
        valid: String,
    },
    /// A `key=value` pair is malformed or the value is out of range.
    #[error("{kind}: {key}: {message}")]
    BadValue {
        /// The generator.
        kind: String,
        /// The key (or the whole pair when it has no `=`).
        key: String,
        /// What is wrong.
        message: String,
    },
    /// The generated graph failed validation (a generator bug).
    #[error("{kind}: {error}")]
    Dag {
        /// The generator.
        kind: String,
        /// The validation error.
        error: DagError,
    },
}

/// Names of the generators [`generate`] knows.
pub const KINDS: &[&str] = &[
    "layered",
    "topcuoglu",
    "erdos-renyi",
    "fork-join",
    "in-tree",
    "out-tree",
    "pipeline",
    "gaussian",
    "fft",
    "cholesky",
    "lu",
    "stencil",
    "wavefront",
    "map-reduce",
    "stages",
    "montage",
    "epigenomics",
    "1000genome",
    "cycles",
];

/// Generates the DAG described by `spec` with random stream `seed`.
///
/// # Errors
/// A [`GenError`] for an unknown kind or key, a bad value, or (a bug) an invalid DAG.
///
/// # Examples
/// ```
/// let dag = workloads::generate("layered:tasks=50,fat=0.3", 7)?;
/// assert_eq!(dag.task_count(), 50);
/// # Ok::<(), workloads::GenError>(())
/// ```
pub fn generate(spec: &str, seed: u64) -> Result<Dag, GenError> {
    let (kind, rest) = spec.split_once(':').unwrap_or((spec, ""));
    let kind = kind.trim();
    let mut params = Params::parse(kind, rest)?;
    builder(kind, &mut params, seed)?
        .build()
        .map_err(|error| GenError::Dag {
            kind: kind.to_owned(),
            error,
        })
}

/// One parameter of a generator, as the generator's own code reads it: the
/// same getter that parses and range-checks a spec's value records it, so
/// this list cannot drift from what [`generate`] accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GenParam {
    /// The key in the spec.
    pub key: &'static str,
    /// Whether the value is a whole number.
    pub integer: bool,
    /// The value used when the key is absent; `None` where the default is
    /// derived from other keys (e.g. map-reduce's `shuffle`).
    pub default: Option<f64>,
    /// Smallest accepted value.
    pub min: f64,
    /// Largest accepted value.
    pub max: f64,
}

/// The parameters of generator `kind`, in the order it reads them, then the
/// keys every generator takes ([`COMMON_KEYS`]).
///
/// Found by running the generator's key-reading code on an empty spec (a
/// generation with every default, which is small), so the list is exactly
/// what the getters accept; a separate table would drift.
///
/// # Errors
/// [`GenError::UnknownKind`] for an unknown kind.
///
/// # Examples
/// ```
/// let keys: Vec<&str> = workloads::generators::describe("fork-join")?.iter().map(|p| p.key).collect();
/// assert_eq!(keys, ["levels", "width", "work", "ccr", "moldable", "serial", "max_cores", "memory_gb", "gpu"]);
/// # Ok::<(), workloads::GenError>(())
/// ```
pub fn describe(kind: &str) -> Result<Vec<GenParam>, GenError> {
    let mut params = Params::parse(kind, "")?;
    builder(kind, &mut params, 0)?;
    let (common, own): (Vec<GenParam>, Vec<GenParam>) =
        params.described.into_iter().partition(|p| COMMON_KEYS.contains(&p.key));
    Ok(own.into_iter().chain(common).collect())
}

/// The builder of generator `kind` with the keys of `params`, moldable tasks applied.
fn builder(kind: &str, params: &mut Params, seed: u64) -> Result<DagBuilder, GenError> {
    let moldability = Moldability::read(params)?;
    let constraints = Constraints::read(params)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut builder = match kind {
        "layered" => layered::generate(params, &mut rng)?,
        "topcuoglu" => topcuoglu::generate(params, &mut rng)?,
        "erdos-renyi" => erdos_renyi::generate(params, &mut rng)?,
        "fork-join" => fork_join::generate(params, &mut rng)?,
        "in-tree" => trees::generate(params, &mut rng, trees::Direction::In)?,
        "out-tree" => trees::generate(params, &mut rng, trees::Direction::Out)?,
        "pipeline" => pipeline::generate(params, &mut rng)?,
        "gaussian" => gaussian::generate(params, &mut rng)?,
        "fft" => fft::generate(params, &mut rng)?,
        "cholesky" => cholesky::generate(params, &mut rng)?,
        "lu" => lu::generate(params, &mut rng)?,
        "stencil" => stencil::generate(params, &mut rng)?,
        "wavefront" => wavefront::generate(params, &mut rng)?,
        "map-reduce" => map_reduce::generate(params, &mut rng)?,
        "stages" => stages::generate(params, &mut rng)?,
        "montage" => scientific::generate(params, &mut rng, scientific::App::Montage, &moldability)?,
        "epigenomics" => scientific::generate(params, &mut rng, scientific::App::Epigenomics, &moldability)?,
        "1000genome" => scientific::generate(params, &mut rng, scientific::App::Genome1000, &moldability)?,
        "cycles" => scientific::generate(params, &mut rng, scientific::App::Cycles, &moldability)?,
        _ => {
            return Err(GenError::UnknownKind {
                kind: kind.to_owned(),
                valid: KINDS.join(", "),
            });
        }
    };
    moldability.apply(&mut builder, seed);
    constraints.apply(&mut builder, seed);
    Ok(builder)
}

/// The keys of [`Moldability`] and [`Constraints`], which every generator takes.
pub const COMMON_KEYS: [&str; 5] = ["moldable", "serial", "max_cores", "memory_gb", "gpu"];

/// The label a task draws with the `gpu` key.
pub const GPU_LABEL: &str = "gpu";

/// The keys every generator takes to give tasks memory and placement
/// constraints:
/// - `memory_gb` \[0]: mean peak memory of a task in GB (10^9 bytes); each
///   task holds `memory_gb × 10^9 × U[0.5, 1.5]` bytes (0: none declared);
/// - `gpu` \[0]: the fraction of tasks that require a node labelled
///   [`GPU_LABEL`], each drawn independently.
///
/// Each draws from a random stream of its own (2 and 3; [`Moldability`] has
/// 1), so a spec without these keys gives the DAG it gave before they
/// existed, and adding one does not change what the other draws.
#[derive(Clone, Copy, Debug)]
struct Constraints {
    /// Mean memory of a task, bytes.
    memory: f64,
    gpu: f64,
}

impl Constraints {
    fn read(p: &mut Params) -> Result<Constraints, GenError> {
        Ok(Constraints {
            memory: p.f64("memory_gb", 0.0, 0.0..=1e6)? * 1e9,
            gpu: p.f64("gpu", 0.0, 0.0..=1.0)?,
        })
    }

    fn apply(&self, builder: &mut DagBuilder, seed: u64) {
        let stream = |n: u64| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(n);
            rng
        };
        if self.memory > 0.0 {
            let mut rng = stream(2);
            for i in 0..builder.task_count() {
                let bytes = (self.memory * rng.random_range(0.5..1.5)).round();
                builder.set_memory_bytes(sim::TaskId::new(i), bytes);
            }
        }
        if self.gpu > 0.0 {
            let mut rng = stream(3);
            for i in 0..builder.task_count() {
                if rng.random::<f64>() < self.gpu {
                    builder.set_requires(sim::TaskId::new(i), vec![GPU_LABEL.to_owned()]);
                }
            }
        }
    }
}

/// The keys every generator takes to make a share of its tasks moldable
/// (data-parallel: they may run on 1 to `max_cores` cores of one node, with
/// Amdahl's law):
/// - `moldable` \[0]: the fraction of tasks made moldable, each drawn
///   independently;
/// - `serial` \[0.1]: their serial fraction;
/// - `max_cores` \[8]: the most cores they can use.
///
/// The draws come from a random stream of their own, so a spec without
/// `moldable` gives the DAG it gave before the key existed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Moldability {
    fraction: f64,
    serial: f64,
    max_cores: u32,
}

impl Moldability {
    fn read(p: &mut Params) -> Result<Moldability, GenError> {
        Ok(Moldability {
            fraction: p.f64("moldable", 0.0, 0.0..=1.0)?,
            serial: p.f64("serial", 0.1, 0.0..=1.0)?,
            max_cores: p.usize("max_cores", 8, 1..=1_000_000)? as u32,
        })
    }

    /// The parallelism of a task it makes moldable.
    fn parallelism(&self) -> sim::Parallelism {
        sim::Parallelism {
            min_cores: 1,
            max_cores: self.max_cores,
            serial_fraction: self.serial,
            ..sim::Parallelism::SEQUENTIAL
        }
    }

    fn apply(&self, builder: &mut DagBuilder, seed: u64) {
        if self.fraction <= 0.0 {
            return;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(1);
        for i in 0..builder.task_count() {
            if rng.random::<f64>() < self.fraction {
                builder.set_parallelism(sim::TaskId::new(i), self.parallelism());
            }
        }
    }

    /// Makes every task whose kind is in `kinds` moldable.
    pub(crate) fn apply_to_kinds(&self, builder: &mut DagBuilder, kinds: &[&str]) {
        for i in 0..builder.task_count() {
            let id = sim::TaskId::new(i);
            if builder.task_kind(id).is_some_and(|k| kinds.contains(&k)) {
                builder.set_parallelism(id, self.parallelism());
            }
        }
    }
}

/// The `key=value` pairs of a spec. Generators read them with typed getters,
/// which record each key as valid; [`Params::finish`] then rejects any pair no
/// getter asked for, listing the keys that were asked for.
#[derive(Debug)]
pub(crate) struct Params {
    kind: String,
    pairs: Vec<(String, String, bool)>,
    known: Vec<&'static str>,
    /// How each getter read its key, in order ([`describe`]).
    described: Vec<GenParam>,
}

impl Params {
    fn parse(kind: &str, text: &str) -> Result<Params, GenError> {
        let mut pairs: Vec<(String, String, bool)> = Vec::new();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some((key, value)) = item.split_once('=') else {
                return Err(GenError::BadValue {
                    kind: kind.to_owned(),
                    key: item.to_owned(),
                    message: "expected key=value".to_owned(),
                });
            };
            let key = key.trim();
            if pairs.iter().any(|(k, _, _)| k == key) {
                return Err(GenError::BadValue {
                    kind: kind.to_owned(),
                    key: key.to_owned(),
                    message: "given twice".to_owned(),
                });
            }
            pairs.push((key.to_owned(), value.trim().to_owned(), false));
        }
        Ok(Params {
            kind: kind.to_owned(),
            pairs,
            known: Vec::new(),
            described: Vec::new(),
        })
    }

    fn bad(&self, key: &str, message: String) -> GenError {
        GenError::BadValue {
            kind: self.kind.clone(),
            key: key.to_owned(),
            message,
        }
    }

    fn raw(&mut self, key: &'static str) -> Option<String> {
        self.known.push(key);
        self.pairs.iter_mut().find(|(k, _, _)| k == key).map(|(_, v, used)| {
            *used = true;
            v.clone()
        })
    }

    /// Records how `param.key` is read, once.
    fn describe(&mut self, param: GenParam) {
        if !self.described.iter().any(|p| p.key == param.key) {
            self.described.push(param);
        }
    }

    /// A real number in `range` (inclusive), or `default` when absent.
    ///
    /// # Errors
    /// [`GenError::BadValue`] when the value does not parse or is out of range.
    pub(crate) fn f64(
        &mut self,
        key: &'static str,
        default: f64,
        range: std::ops::RangeInclusive<f64>,
    ) -> Result<f64, GenError> {
        self.describe(GenParam {
            key,
            integer: false,
            default: Some(default).filter(|d| !d.is_nan()),
            min: *range.start(),
            max: *range.end(),
        });
        let Some(text) = self.raw(key) else {
            return Ok(default);
        };
        let value: f64 = text
            .parse()
            .map_err(|_| self.bad(key, format!("{text:?} is not a number")))?;
        if !range.contains(&value) {
            return Err(self.bad(key, format!("{value} is outside [{}, {}]", range.start(), range.end())));
        }
        Ok(value)
    }

    /// A whole number in `range` (inclusive), or `default` when absent.
    ///
    /// # Errors
    /// [`GenError::BadValue`] when the value does not parse or is out of range.
    pub(crate) fn usize(
        &mut self,
        key: &'static str,
        default: usize,
        range: std::ops::RangeInclusive<usize>,
    ) -> Result<usize, GenError> {
        self.describe(GenParam {
            key,
            integer: true,
            default: Some(default as f64),
            min: *range.start() as f64,
            max: *range.end() as f64,
        });
        let Some(text) = self.raw(key) else {
            return Ok(default);
        };
        let value: usize = text
            .parse()
            .map_err(|_| self.bad(key, format!("{text:?} is not a whole number")))?;
        if !range.contains(&value) {
            return Err(self.bad(key, format!("{value} is outside [{}, {}]", range.start(), range.end())));
        }
        Ok(value)
    }

    /// Rejects any pair no getter asked for; generators call it after reading
    /// their keys and before doing any work.
    ///
    /// # Errors
    /// [`GenError::UnknownKey`] listing the keys that were asked for.
    pub(crate) fn finish(&self) -> Result<(), GenError> {
        match self.pairs.iter().find(|(_, _, used)| !used) {
            None => Ok(()),
            Some((key, _, _)) => Err(GenError::UnknownKey {
                kind: self.kind.clone(),
                key: key.clone(),
                valid: self.known.join(", "),
            }),
        }
    }
}

/// The `work` and `ccr` keys shared by the structured generators, and the
/// draws they imply: a task's work is `factor × work × U[0.5, 1.5]` (the factor
/// weighs task kinds, e.g. by flop count) and an edge's bytes are
/// `ccr × work × REFERENCE_BANDWIDTH × U[0.5, 1.5]`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Weights {
    work: f64,
    mean_bytes: f64,
}

impl Weights {
    /// Reads `work` \[1] and `ccr` \[1].
    pub(crate) fn read(p: &mut Params) -> Result<Weights, GenError> {
        let work = p.f64("work", 1.0, 0.0..=1e12)?;
        let ccr = p.f64("ccr", 1.0, 0.0..=1e12)?;
        Ok(Weights {
            work,
            mean_bytes: ccr * work * sim::presets::REFERENCE_BANDWIDTH,
        })
    }

    /// Work of a task whose kind weighs `factor`.
    pub(crate) fn work(&self, rng: &mut ChaCha8Rng, factor: f64) -> f64 {
        factor * self.work * rng.random_range(0.5..=1.5)
    }

    /// Bytes of one edge.
    pub(crate) fn bytes(&self, rng: &mut ChaCha8Rng) -> f64 {
        self.mean_bytes * rng.random_range(0.5..=1.5)
    }
}

/// Builds tiled linear-algebra graphs: each task reads some tiles and writes
/// one, and depends on the last writer of every tile it reads.
pub(crate) struct Tiles<'r> {
    b: DagBuilder,
    rng: &'r mut ChaCha8Rng,
    weights: Weights,
    last_writer: std::collections::HashMap<(usize, usize), sim::TaskId>,
}

impl<'r> Tiles<'r> {
    pub(crate) fn new(rng: &'r mut ChaCha8Rng, weights: Weights) -> Tiles<'r> {
        Tiles {
            b: DagBuilder::new(),
            rng,
            weights,
            last_writer: std::collections::HashMap::new(),
        }
    }

    /// Adds a task of `kind` (work weighed by `factor`) reading `reads` and writing `writes`.
    pub(crate) fn task(
        &mut self,
        name: String,
        kind: &str,
        factor: f64,
        reads: &[(usize, usize)],
        writes: (usize, usize),
    ) {
        let work = self.weights.work(self.rng, factor);
        let id = self.b.add_task(sim::TaskSpec::new(name, work).kind(kind));
        for tile in reads {
            if let Some(&src) = self.last_writer.get(tile) {
                let bytes = self.weights.bytes(self.rng);
                self.b.add_edge(src, id, bytes);
            }
        }
        self.last_writer.insert(writes, id);
    }

    pub(crate) fn finish(self) -> DagBuilder {
        self.b
    }
}

/// Test helpers shared by the generators' tests.
#[cfg(test)]
pub(crate) mod check {
    use sim::Dag;

    /// Generates `spec` twice with one seed and once with another: the first
    /// two must be identical, the third different (when the spec draws anything).
    pub(crate) fn deterministic(spec: &str) {
        let a = crate::generate(spec, 11).unwrap();
        let b = crate::generate(spec, 11).unwrap();
        let c = crate::generate(spec, 12).unwrap();
        assert_eq!(a.tasks(), b.tasks(), "{spec}");
        assert_eq!(a.edges(), b.edges(), "{spec}");
        assert_ne!(a.tasks(), c.tasks(), "{spec}");
    }

    /// (tasks, edges, depth, max width) of a generated DAG.
    pub(crate) fn shape(spec: &str) -> (usize, usize, usize, usize) {
        let dag: Dag = crate::generate(spec, 1).unwrap();
        let s = crate::stats(&dag);
        (s.tasks, s.edges, s.depth, s.max_width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_kinds_and_keys_get_a_suggestion() {
        let e = generate("layerd:tasks=3", 1).unwrap_err();
        assert!(e.to_string().contains("did you mean \"layered\"?"), "{e}");
        let e = generate("layered:taks=3", 1).unwrap_err();
        assert!(e.to_string().contains("did you mean \"tasks\"?"), "{e}");
        let e = generate("nope", 1).unwrap_err();
        assert!(!e.to_string().contains("did you mean"), "{e}");
    }

    #[test]
    fn memory_and_labels_change_nothing_else_and_each_draws_alone() {
        let plain = generate("layered:tasks=400", 3).unwrap();
        let memory = generate("layered:tasks=400,memory_gb=2", 3).unwrap();
        let both = generate("layered:tasks=400,memory_gb=2,gpu=0.25", 3).unwrap();
        assert_eq!(memory.edges(), plain.edges());
        for ((p, m), b) in plain.tasks().iter().zip(memory.tasks()).zip(both.tasks()) {
            assert_eq!((p.work, &p.name, p.memory_bytes), (m.work, &m.name, 0));
            assert!(
                (1_000_000_000..=3_000_000_000).contains(&m.memory_bytes),
                "{}",
                m.memory_bytes
            );
            // Labels come from a stream of their own: memory draws are the same with them.
            assert_eq!(b.memory_bytes, m.memory_bytes);
            assert!(p.requires.is_empty() && m.requires.is_empty());
        }
        let gpu = both.tasks().iter().filter(|t| *t.requires == [GPU_LABEL]).count();
        // Binomial(400, 0.25): within 5 standard deviations (about 43) of 100.
        assert!((57..=143).contains(&gpu), "{gpu}");
        assert!(generate("layered:gpu=2", 1).unwrap_err().to_string().contains("gpu"));
    }

    #[test]
    fn a_share_of_tasks_becomes_moldable_without_changing_the_dag() {
        let plain = generate("layered:tasks=400", 3).unwrap();
        let none = generate("layered:tasks=400,moldable=0", 3).unwrap();
        assert_eq!(plain.tasks(), none.tasks());
        let half = generate("layered:tasks=400,moldable=0.5,serial=0.2,max_cores=4", 3).unwrap();
        // Only the parallelism differs: same work, names and edges.
        assert_eq!(half.edges(), plain.edges());
        assert!(
            half.tasks()
                .iter()
                .zip(plain.tasks())
                .all(|(a, b)| a.work == b.work && a.name == b.name)
        );
        let moldable: Vec<_> = half.tasks().iter().filter(|t| t.parallelism.max_cores > 1).collect();
        // Binomial(400, 0.5): within 5 standard deviations (10) of 200.
        assert!((150..=250).contains(&moldable.len()), "{}", moldable.len());
        assert!(moldable.iter().all(|t| {
            let p = t.parallelism;
            (p.min_cores, p.max_cores, p.serial_fraction) == (1, 4, 0.2)
        }));
        for kind in KINDS {
            let dag = generate(&format!("{kind}:moldable=1"), 1).unwrap_or_else(|e| panic!("{kind}: {e}"));
            assert!(dag.tasks().iter().all(|t| t.parallelism.max_cores == 8), "{kind}");
        }
        let e = generate("layered:moldable=1.5", 1).unwrap_err();
        assert!(e.to_string().contains("moldable"), "{e}");
    }

    #[test]
    fn describe_lists_exactly_the_keys_generate_accepts() {
        for kind in KINDS {
            let params = describe(kind).unwrap();
            let mut keys: Vec<&str> = params.iter().map(|p| p.key).collect();
            // Every described key is accepted at its default and at its bounds' side.
            let defaults: Vec<String> = params
                .iter()
                .filter_map(|p| Some(format!("{}={}", p.key, p.default?)))
                .collect();
            let spec = format!("{kind}:{}", defaults.join(","));
            assert!(generate(&spec, 1).is_ok(), "{spec}");
            // The unknown-key error lists the valid keys: the same set.
            let GenError::UnknownKey { valid, .. } = generate(&format!("{kind}:zzz=1"), 1).unwrap_err() else {
                panic!("{kind}: not an unknown-key error");
            };
            let mut listed: Vec<&str> = valid.split(", ").collect();
            keys.sort_unstable();
            listed.sort_unstable();
            assert_eq!(keys, listed, "{kind}");
            for p in &params {
                assert!(
                    p.min <= p.max && p.default.is_none_or(|d| (p.min..=p.max).contains(&d)),
                    "{kind} {p:?}"
                );
            }
        }
        let layered = describe("layered").unwrap();
        let tasks = layered.iter().find(|p| p.key == "tasks").unwrap();
        assert_eq!((tasks.integer, tasks.default, tasks.min), (true, Some(100.0), 1.0));
        let shuffle = describe("map-reduce")
            .unwrap()
            .into_iter()
            .find(|p| p.key == "shuffle")
            .unwrap();
        assert_eq!(shuffle.default, None, "derived from the other keys");
        assert!(matches!(describe("nope"), Err(GenError::UnknownKind { .. })));
    }

    #[test]
    fn unknown_kind_and_key_list_the_valid_ones() {
        let e = generate("nope:tasks=3", 1).unwrap_err();
        assert!(e.to_string().contains("layered"), "{e}");
        let e = generate("layered:tasks=3,colour=red", 1).unwrap_err();
        assert!(e.to_string().contains("unknown parameter \"colour\""), "{e}");
        assert!(e.to_string().contains("tasks, fat"), "{e}");
        let e = generate("layered:tasks=-3", 1).unwrap_err();
        assert!(e.to_string().contains("tasks"), "{e}");
        let e = generate("layered:tasks", 1).unwrap_err();
        assert!(e.to_string().contains("expected key=value"), "{e}");
    }
}
