//! Job streams: DAGs (jobs) arriving over time, the workload of dynamic
//! scheduling (Spark, Dask, Ray, batch systems; Decima, Mao et al., SIGCOMM 2019).
//!
//! A [`Stream`] is a [`StreamSource`] plus a [`Limit`]: either an
//! [`ArrivalProcess`] that times the jobs and a [`JobMix`] that draws each
//! job's DAG, or a recorded [`Trace`] that gives both. [`Stream::jobs`] yields
//! the jobs lazily, in arrival order, so a consumer holds only the jobs it
//! still needs: memory follows the jobs in the system, not the stream's length.
//!
//! *Load* is the offered work over the platform's capacity: arrival rate ×
//! expected job work / (Σ cores × speed). [`rate_for_load`] turns a load into
//! the rate that [`ArrivalProcess::with_mean_rate`] applies; at a load ≥ 1 the
//! stream never drains, so only its [`Limit`] ends it.
//!
//! ```
//! use workloads::stream::{ArrivalProcess, JobMix, Limit, MixEntry, MixSource, Stream, StreamSource};
//! let mix = JobMix::new(vec![MixEntry { source: MixSource::Generator("fork-join".into()), weight: 1.0 }])?;
//! let platform = sim::presets::preset("homogeneous", 4)?;
//! let rate = workloads::stream::rate_for_load(0.7, mix.expected_work(), &platform);
//! let arrivals = ArrivalProcess::parse("poisson:rate=1")?.with_mean_rate(rate);
//! let stream = Stream::new(StreamSource::Process { arrivals, mix }, Limit { jobs: Some(100), horizon: None })?;
//! let jobs: Vec<_> = stream.jobs(42).collect::<Result<_, _>>()?;
//! assert_eq!(jobs.len(), 100);
//! assert!(jobs.windows(2).all(|w| w[0].arrival <= w[1].arrival));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod arrivals;
pub mod mix;
pub mod trace;

pub use arrivals::{ArrivalProcess, ArrivalTimes};
pub use mix::{JobMix, MixEntry, MixSource};
pub use trace::{Trace, TraceRow};

use crate::{GenError, LoadError};
use rand::SeedableRng as _;
use rand_chacha::ChaCha8Rng;
use sim::{Dag, Platform};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use thiserror::Error;

/// Why a stream could not be described or drawn.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StreamError {
    /// An arrival spec is malformed (names the spec and the key).
    #[error("arrivals {spec:?}: {message}")]
    Spec {
        /// The spec given.
        spec: String,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A trace file is unreadable or a row is invalid (line 0: the whole file).
    #[error("{}{}: {message}", path.display(), if *line > 0 { format!(":line {line}") } else { String::new() })]
    Trace {
        /// The trace file.
        path: PathBuf,
        /// The 1-based line, or 0 for the whole file.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The job mix is invalid.
    #[error("job mix: {0}")]
    Mix(String),
    /// A DAG file of the mix or of a trace cannot be read.
    #[error("{0}")]
    Load(LoadError),
    /// A generator entry of the mix fails.
    #[error("job mix entry {spec:?}: {error}")]
    Generate {
        /// The generator spec.
        spec: String,
        /// The generator's error.
        error: GenError,
    },
    /// The limit is missing or invalid.
    #[error("stream limit: {0}")]
    Limit(String),
}

impl StreamError {
    fn trace(path: &Path, line: usize, message: String) -> StreamError {
        StreamError::Trace {
            path: path.to_owned(),
            line,
            message,
        }
    }
}

/// Where a stream's jobs come from.
#[derive(Clone, Debug)]
pub enum StreamSource {
    /// Arrival times from a process, DAGs from a mix.
    Process {
        /// When jobs arrive.
        arrivals: ArrivalProcess,
        /// Which DAG each job runs.
        mix: JobMix,
    },
    /// Arrival times and DAGs from a recorded trace.
    Trace(Trace),
}

/// When a stream ends: after `jobs` jobs or at `horizon` seconds, whichever
/// comes first (jobs arriving after the horizon are not drawn, and the
/// stream's metrics are measured at the horizon:
/// [`sim::job_metrics::stream_metrics`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Limit {
    /// Most jobs.
    pub jobs: Option<usize>,
    /// Last arrival time and time of measurement, seconds.
    pub horizon: Option<f64>,
}

/// A finite stream of jobs.
#[derive(Clone, Debug)]
pub struct Stream {
    source: StreamSource,
    limit: Limit,
}

/// One job: a DAG that arrives at a time.
#[derive(Clone, Debug)]
pub struct Job {
    /// Position in the stream, from 0.
    pub index: usize,
    /// Seconds from the stream's start.
    pub arrival: f64,
    /// The job's tasks.
    pub dag: Arc<Dag>,
    /// Where the DAG came from: the generator kind or the file's workflow name.
    pub name: Arc<str>,
    /// Weight in weighted metrics and policies (1 unless a trace says otherwise).
    pub weight: f64,
    /// Absolute deadline, seconds, if any.
    pub deadline: Option<f64>,
}

impl Stream {
    /// A stream from a source and a limit.
    ///
    /// # Errors
    /// [`StreamError::Limit`] when an arrival process has neither `jobs` nor
    /// `horizon` (it would never end), or either is zero or not finite.
    pub fn new(source: StreamSource, limit: Limit) -> Result<Stream, StreamError> {
        if limit.jobs == Some(0) {
            return Err(StreamError::Limit("jobs must be at least 1".to_owned()));
        }
        if let Some(h) = limit.horizon
            && !(h.is_finite() && h > 0.0)
        {
            return Err(StreamError::Limit(format!(
                "horizon {h} must be finite and > 0 seconds"
            )));
        }
        if matches!(source, StreamSource::Process { .. }) && limit.jobs.is_none() && limit.horizon.is_none() {
            return Err(StreamError::Limit(
                "an arrival process never ends: give jobs=N or horizon=SECONDS".to_owned(),
            ));
        }
        Ok(Stream { source, limit })
    }

    /// The source.
    pub fn source(&self) -> &StreamSource {
        &self.source
    }

    /// The limit.
    pub fn limit(&self) -> Limit {
        self.limit
    }

    /// Offered load on `platform`: for a process, its mean rate × the mix's
    /// expected job work over the capacity; for a trace, the total work of its
    /// jobs over the capacity × its last arrival time (infinite when every job
    /// arrives at 0).
    ///
    /// # Errors
    /// A trace DAG file that cannot be read.
    pub fn offered_load(&self, platform: &Platform) -> Result<f64, StreamError> {
        match &self.source {
            StreamSource::Process { arrivals, mix } => {
                Ok(arrivals.mean_rate() * mix.expected_work() / capacity(platform))
            }
            StreamSource::Trace(trace) => {
                let mut cache = DagCache::default();
                let mut work = 0.0;
                for row in &trace.rows {
                    work += crate::stats(&cache.get(&row.dag)?.1).total_work;
                }
                let span = trace.rows.last().map_or(0.0, |r| r.arrival);
                Ok(work / (capacity(platform) * span))
            }
        }
    }

    /// The jobs in arrival order, drawn from `seed`: arrival times from one
    /// random stream, DAG choices from another, so the same seed gives the
    /// same arrivals whatever the mix.
    pub fn jobs(&self, seed: u64) -> Jobs<'_> {
        let stream_of = |n: u64| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(n);
            rng
        };
        let times = match &self.source {
            StreamSource::Process { arrivals, .. } => Some(arrivals.times(stream_of(1))),
            StreamSource::Trace(_) => None,
        };
        Jobs {
            stream: self,
            times,
            mix_rng: stream_of(2),
            next: 0,
            cache: DagCache::default(),
            done: false,
        }
    }
}

impl Job {
    /// The job as the engine takes it ([`sim::simulate_stream`]).
    pub fn to_sim(&self) -> sim::StreamJob {
        sim::StreamJob {
            dag: Arc::clone(&self.dag),
            arrival: self.arrival,
            weight: self.weight,
            deadline: self.deadline,
        }
    }
}

impl Stream {
    /// [`Stream::jobs`] as the engine takes them, errors as messages.
    pub fn sim_jobs(&self, seed: u64) -> impl Iterator<Item = Result<sim::StreamJob, String>> + '_ {
        self.jobs(seed)
            .map(|job| job.map(|j| j.to_sim()).map_err(|e| e.to_string()))
    }
}

impl StreamSource {
    /// Arrivals from the process `spec` (`poisson:rate=R`, …) drawing DAGs
    /// from `mix`; with a `load`, the process's time-average rate is the one
    /// that offers that load on `platform` ([`rate_for_load`]), its shape kept.
    ///
    /// # Errors
    /// [`StreamError::Spec`] for a malformed spec or a load that is not finite and > 0.
    pub fn process(
        spec: &str,
        load: Option<f64>,
        mix: JobMix,
        platform: &Platform,
    ) -> Result<StreamSource, StreamError> {
        let mut arrivals = ArrivalProcess::parse(spec)?;
        if let Some(load) = load {
            if !(load.is_finite() && load > 0.0) {
                return Err(StreamError::Spec {
                    spec: spec.to_owned(),
                    message: format!("load {load} must be finite and > 0"),
                });
            }
            arrivals = arrivals.with_mean_rate(rate_for_load(load, mix.expected_work(), platform));
        }
        Ok(StreamSource::Process { arrivals, mix })
    }
}

/// Σ cores × speed over the platform's nodes: reference seconds of work it
/// can do per second (per-kind speed factors are not counted).
pub fn capacity(platform: &Platform) -> f64 {
    platform.nodes().iter().map(|n| f64::from(n.cores) * n.speed).sum()
}

/// The arrival rate (jobs per second) that offers `load` on `platform` with
/// jobs of `expected_work` reference seconds.
pub fn rate_for_load(load: f64, expected_work: f64, platform: &Platform) -> f64 {
    load * capacity(platform) / expected_work
}

/// The jobs of a [`Stream`], drawn lazily (an iterator).
pub struct Jobs<'s> {
    stream: &'s Stream,
    times: Option<ArrivalTimes>,
    mix_rng: ChaCha8Rng,
    next: usize,
    cache: DagCache,
    done: bool,
}

impl Jobs<'_> {
    fn draw(&mut self) -> Option<Result<Job, StreamError>> {
        let index = self.next;
        if self.limit_reached(index, None) {
            return None;
        }
        let job = match &self.stream.source {
            StreamSource::Process { mix, .. } => {
                let arrival = self.times.as_mut().and_then(Iterator::next)?;
                if self.limit_reached(index, Some(arrival)) {
                    return None;
                }
                mix.draw(&mut self.mix_rng).map(|(name, dag)| Job {
                    index,
                    arrival,
                    dag,
                    name,
                    weight: 1.0,
                    deadline: None,
                })
            }
            StreamSource::Trace(trace) => {
                let row = trace.rows.get(index)?;
                if self.limit_reached(index, Some(row.arrival)) {
                    return None;
                }
                self.cache.get(&row.dag).map(|(name, dag)| Job {
                    index,
                    arrival: row.arrival,
                    dag,
                    name,
                    weight: row.weight,
                    deadline: row.deadline,
                })
            }
        };
        self.next += 1;
        Some(job)
    }

    fn limit_reached(&self, index: usize, arrival: Option<f64>) -> bool {
        let limit = self.stream.limit;
        limit.jobs.is_some_and(|n| index >= n) || arrival.zip(limit.horizon).is_some_and(|(a, h)| a > h)
    }
}

impl Iterator for Jobs<'_> {
    type Item = Result<Job, StreamError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.draw();
        // After the end or an error, the stream yields nothing more.
        self.done = !matches!(item, Some(Ok(_)));
        item
    }
}

/// DAG files read once each, by path.
#[derive(Default)]
struct DagCache(HashMap<PathBuf, (Arc<str>, Arc<Dag>)>);

impl DagCache {
    fn get(&mut self, path: &Path) -> Result<(Arc<str>, Arc<Dag>), StreamError> {
        if let Some((name, dag)) = self.0.get(path) {
            return Ok((Arc::clone(name), Arc::clone(dag)));
        }
        let workload = crate::load(path).map_err(StreamError::Load)?;
        let entry: (Arc<str>, Arc<Dag>) = (workload.name.into(), Arc::new(workload.dag));
        self.0.insert(path.to_owned(), entry.clone());
        Ok(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poisson_stream(rate: f64, limit: Limit) -> Stream {
        let mix = JobMix::new(vec![
            MixEntry {
                source: MixSource::Generator("fork-join:levels=1,width=3".into()),
                weight: 1.0,
            },
            MixEntry {
                source: MixSource::Generator("pipeline:stages=4".into()),
                weight: 1.0,
            },
        ])
        .unwrap();
        let arrivals = ArrivalProcess::Poisson { rate };
        Stream::new(StreamSource::Process { arrivals, mix }, limit).unwrap()
    }

    #[test]
    fn the_first_limit_reached_ends_the_stream() {
        let by_count = poisson_stream(
            2.0,
            Limit {
                jobs: Some(50),
                horizon: None,
            },
        );
        assert_eq!(by_count.jobs(1).count(), 50);
        let by_time = poisson_stream(
            2.0,
            Limit {
                jobs: Some(10_000),
                horizon: Some(20.0),
            },
        );
        let jobs: Vec<Job> = by_time.jobs(1).map(Result::unwrap).collect();
        assert!(jobs.iter().all(|j| j.arrival <= 20.0));
        // About 40 arrivals in 20 s at rate 2 (standard deviation √40 ≈ 6.3).
        assert!((20..=60).contains(&jobs.len()), "{}", jobs.len());
        assert!(jobs.iter().enumerate().all(|(i, j)| j.index == i));
    }

    #[test]
    fn same_seed_same_jobs_and_arrivals_do_not_depend_on_the_mix() {
        let a: Vec<Job> = poisson_stream(
            1.0,
            Limit {
                jobs: Some(30),
                horizon: None,
            },
        )
        .jobs(9)
        .map(Result::unwrap)
        .collect();
        let b: Vec<Job> = poisson_stream(
            1.0,
            Limit {
                jobs: Some(30),
                horizon: None,
            },
        )
        .jobs(9)
        .map(Result::unwrap)
        .collect();
        for (x, y) in a.iter().zip(&b) {
            assert_eq!((x.arrival, &x.name), (y.arrival, &y.name));
            assert_eq!(x.dag.tasks(), y.dag.tasks());
        }
        let other_mix = JobMix::new(vec![MixEntry {
            source: MixSource::Generator("layered:tasks=10".into()),
            weight: 1.0,
        }])
        .unwrap();
        let c = Stream::new(
            StreamSource::Process {
                arrivals: ArrivalProcess::Poisson { rate: 1.0 },
                mix: other_mix,
            },
            Limit {
                jobs: Some(30),
                horizon: None,
            },
        )
        .unwrap();
        let arrivals_c: Vec<f64> = c.jobs(9).map(|j| j.unwrap().arrival).collect();
        assert_eq!(arrivals_c, a.iter().map(|j| j.arrival).collect::<Vec<_>>());
    }

    #[test]
    fn load_scales_the_rate_against_capacity() {
        let platform = sim::presets::preset("homogeneous", 4).unwrap();
        let stream = poisson_stream(
            1.0,
            Limit {
                jobs: Some(1),
                horizon: None,
            },
        );
        let StreamSource::Process { mix, .. } = stream.source() else {
            unreachable!()
        };
        let rate = rate_for_load(0.8, mix.expected_work(), &platform);
        let scaled = Stream::new(
            StreamSource::Process {
                arrivals: ArrivalProcess::Poisson { rate: 1.0 }.with_mean_rate(rate),
                mix: mix.clone(),
            },
            Limit {
                jobs: Some(1),
                horizon: None,
            },
        )
        .unwrap();
        assert!((scaled.offered_load(&platform).unwrap() - 0.8).abs() < 1e-12);
    }

    #[test]
    fn a_process_without_a_limit_is_refused() {
        let mix = JobMix::new(vec![MixEntry {
            source: MixSource::Generator("fork-join".into()),
            weight: 1.0,
        }])
        .unwrap();
        let source = StreamSource::Process {
            arrivals: ArrivalProcess::Poisson { rate: 1.0 },
            mix,
        };
        let e = Stream::new(source.clone(), Limit::default()).unwrap_err().to_string();
        assert!(e.contains("give jobs=N or horizon=SECONDS"), "{e}");
        let e = Stream::new(
            source,
            Limit {
                jobs: None,
                horizon: Some(-1.0),
            },
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("horizon -1 must be finite and > 0"), "{e}");
    }
}
