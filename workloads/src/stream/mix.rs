//! The job mix: which DAG each job of a stream runs.
//!
//! A mix is a list of entries, each a generator spec or a DAG file with a
//! weight; every job draws its entry with probability proportional to the
//! weights, and a generator entry draws a fresh DAG from a seed of its own.
//! Files are read once, when the mix is built.

use super::StreamError;
use rand::RngExt as _;
use rand_chacha::ChaCha8Rng;
use sim::Dag;
use std::path::PathBuf;
use std::sync::Arc;

/// Draws used to estimate a generator entry's expected work: an estimate,
/// exact for generators whose total work does not vary with the seed.
pub const EXPECTED_WORK_SAMPLES: u64 = 32;

/// Where an entry's DAGs come from.
#[derive(Clone, Debug, PartialEq)]
pub enum MixSource {
    /// A generator spec such as `layered:tasks=50`, drawn anew for every job.
    Generator(String),
    /// A DAG file, the same DAG for every job that draws it.
    File(PathBuf),
}

/// One entry of a mix.
#[derive(Clone, Debug, PartialEq)]
pub struct MixEntry {
    /// Where the DAGs come from.
    pub source: MixSource,
    /// Relative frequency (> 0).
    pub weight: f64,
}

/// A validated mix: files read, generator specs checked, expected work known.
#[derive(Clone, Debug)]
pub struct JobMix {
    entries: Vec<Resolved>,
    total_weight: f64,
}

#[derive(Clone, Debug)]
struct Resolved {
    entry: MixEntry,
    /// The generator kind or the file's workflow name.
    name: Arc<str>,
    /// The file's DAG, for file entries.
    dag: Option<Arc<Dag>>,
    /// Mean total work of one job, reference seconds.
    expected_work: f64,
}

impl JobMix {
    /// Builds a mix: reads each file, generates each spec
    /// [`EXPECTED_WORK_SAMPLES`] times (seeds 0, 1, …) to estimate its mean work.
    ///
    /// # Errors
    /// [`StreamError::Mix`] for an empty mix or a weight that is not finite
    /// and > 0; [`StreamError::Load`] or [`StreamError::Generate`] naming the
    /// entry whose DAG cannot be made.
    pub fn new(entries: Vec<MixEntry>) -> Result<JobMix, StreamError> {
        if entries.is_empty() {
            return Err(StreamError::Mix("the job mix has no entries".to_owned()));
        }
        let mut resolved = Vec::with_capacity(entries.len());
        for (i, entry) in entries.into_iter().enumerate() {
            if !(entry.weight.is_finite() && entry.weight > 0.0) {
                return Err(StreamError::Mix(format!(
                    "entry {i} ({:?}): weight {} must be finite and > 0",
                    entry.source, entry.weight
                )));
            }
            resolved.push(match &entry.source {
                MixSource::File(path) => {
                    let workload = crate::load(path).map_err(StreamError::Load)?;
                    let expected_work = crate::stats(&workload.dag).total_work;
                    Resolved {
                        name: workload.name.into(),
                        dag: Some(Arc::new(workload.dag)),
                        expected_work,
                        entry,
                    }
                }
                MixSource::Generator(spec) => {
                    let mut total = 0.0;
                    for seed in 0..EXPECTED_WORK_SAMPLES {
                        total += crate::stats(&generate(spec, seed)?).total_work;
                    }
                    let kind = spec.split_once(':').map_or(spec.as_str(), |(k, _)| k).trim();
                    Resolved {
                        name: kind.into(),
                        dag: None,
                        expected_work: total / EXPECTED_WORK_SAMPLES as f64,
                        entry,
                    }
                }
            });
        }
        let total_weight = resolved.iter().map(|r| r.entry.weight).sum();
        Ok(JobMix {
            entries: resolved,
            total_weight,
        })
    }

    /// The expected total work of one job, reference seconds: the
    /// weight-averaged expected work of the entries.
    pub fn expected_work(&self) -> f64 {
        self.entries
            .iter()
            .map(|r| r.entry.weight * r.expected_work)
            .sum::<f64>()
            / self.total_weight
    }

    /// Draws one job's DAG: the entry (one uniform draw) and, for a
    /// generator, its seed (one `u64` draw), in that order.
    pub(crate) fn draw(&self, rng: &mut ChaCha8Rng) -> Result<(Arc<str>, Arc<Dag>), StreamError> {
        let mut pick = rng.random::<f64>() * self.total_weight;
        let chosen = self
            .entries
            .iter()
            .find(|r| {
                pick -= r.entry.weight;
                pick < 0.0
            })
            .unwrap_or_else(|| self.entries.last().expect("a mix has entries"));
        let dag = match (&chosen.dag, &chosen.entry.source) {
            (Some(dag), _) => Arc::clone(dag),
            (None, MixSource::Generator(spec)) => Arc::new(generate(spec, rng.random::<u64>())?),
            (None, MixSource::File(_)) => unreachable!("file entries are read in JobMix::new"),
        };
        Ok((Arc::clone(&chosen.name), dag))
    }
}

fn generate(spec: &str, seed: u64) -> Result<Dag, StreamError> {
    crate::generate(spec, seed).map_err(|error| StreamError::Generate {
        spec: spec.to_owned(),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng as _;

    fn generator(spec: &str, weight: f64) -> MixEntry {
        MixEntry {
            source: MixSource::Generator(spec.to_owned()),
            weight,
        }
    }

    #[test]
    fn expected_work_is_the_weighted_mean_of_the_entries() {
        // The same seeds draw the same U[0.5, 1.5] factors, so tripling
        // `work` triples the estimate exactly.
        let a = JobMix::new(vec![generator("fork-join:levels=1,width=4,work=1", 1.0)]).unwrap();
        let b = JobMix::new(vec![generator("fork-join:levels=1,width=4,work=3", 1.0)]).unwrap();
        let both = JobMix::new(vec![
            generator("fork-join:levels=1,width=4,work=1", 3.0),
            generator("fork-join:levels=1,width=4,work=3", 1.0),
        ])
        .unwrap();
        let expected = (3.0 * a.expected_work() + b.expected_work()) / 4.0;
        assert!((both.expected_work() - expected).abs() < 1e-9);
        assert!((b.expected_work() / a.expected_work() - 3.0).abs() < 1e-9);
    }

    #[test]
    fn draws_follow_the_weights() {
        let mix = JobMix::new(vec![generator("pipeline:stages=2", 3.0), generator("fork-join", 1.0)]).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let n = 20_000;
        let pipelines = (0..n).filter(|_| &*mix.draw(&mut rng).unwrap().0 == "pipeline").count();
        // Binomial(20000, 0.75): standard deviation ≈ 61, so ±300 is ~5σ.
        assert!((pipelines as i64 - 15_000).abs() < 300, "{pipelines}");
    }

    #[test]
    fn bad_entries_are_named() {
        let e = JobMix::new(vec![]).unwrap_err().to_string();
        assert!(e.contains("no entries"), "{e}");
        let e = JobMix::new(vec![generator("layered", 0.0)]).unwrap_err().to_string();
        assert!(e.contains("weight 0 must be finite and > 0"), "{e}");
        let e = JobMix::new(vec![generator("layred:tasks=3", 1.0)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("layred"), "{e}");
        let e = JobMix::new(vec![MixEntry {
            source: MixSource::File(PathBuf::from("/nonexistent/job.json")),
            weight: 1.0,
        }])
        .unwrap_err()
        .to_string();
        assert!(e.contains("/nonexistent/job.json"), "{e}");
    }
}
