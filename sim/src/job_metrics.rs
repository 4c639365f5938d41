//! Metrics of a job stream: per job (completion time, slowdown, waiting)
//! and over the stream (percentiles, fairness, throughput, jobs in system).
//!
//! The definitions follow the job-scheduling literature: JCT = finish −
//! arrival; slowdown = JCT over the job's lower bound alone on the platform
//! (its critical path on the fastest node, as in Decima, Mao et al.,
//! SIGCOMM 2019); Jain's fairness index (Jain, Chiu and Hawe, DEC-TR-301,
//! 1984) over slowdowns; time-average jobs in system, the left side of
//! Little's law L = λW.
//!
//! A stream cut at a horizon is measured at the horizon: a job is finished
//! if it finished by then, and rates and averages are over `[0, horizon]`.
//! The engine's run itself goes on until every arrived job is done (its
//! records after the horizon serve traces and charts), and since no
//! scheduler sees the future, what happened by the horizon is what a run
//! stopped there would have recorded.

use serde::Serialize;

/// What happened to one job of a stream.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct JobOutcome {
    /// Seconds from the stream's start.
    pub arrival: f64,
    /// When its first task started, if any did.
    pub first_start: Option<f64>,
    /// When its last task finished; `None` if it had not by the end of the run.
    pub finish: Option<f64>,
    /// The job's time alone on the platform with no contention (the
    /// slowdown's denominator), seconds, > 0.
    pub lower_bound: f64,
    /// Weight of the job.
    pub weight: f64,
    /// Absolute deadline, seconds, if any.
    pub deadline: Option<f64>,
}

impl JobOutcome {
    /// Job completion time, seconds, for a finished job.
    pub fn jct(&self) -> Option<f64> {
        self.finish.map(|f| f - self.arrival)
    }

    /// JCT over the lower bound, for a finished job.
    pub fn slowdown(&self) -> Option<f64> {
        self.jct().map(|jct| jct / self.lower_bound)
    }

    /// Seconds from arrival to the first task's start, for a started job.
    pub fn waiting(&self) -> Option<f64> {
        self.first_start.map(|s| s - self.arrival)
    }

    /// The outcome as it stood at time `t`: a start or finish after `t` had not happened yet.
    pub fn as_of(&self, t: f64) -> JobOutcome {
        JobOutcome {
            first_start: self.first_start.filter(|&s| s <= t),
            finish: self.finish.filter(|&f| f <= t),
            ..*self
        }
    }
}

/// Summary of a stream. Statistics over finished jobs are `None` when no job finished.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StreamMetrics {
    /// Jobs finished by the end of the run.
    pub jobs: usize,
    /// Jobs arrived but not finished by the end of the run.
    pub unfinished: usize,
    /// Mean JCT, seconds.
    pub mean_jct: Option<f64>,
    /// Median JCT, seconds.
    pub p50_jct: Option<f64>,
    /// 95th percentile of JCT, seconds.
    pub p95_jct: Option<f64>,
    /// 99th percentile of JCT, seconds.
    pub p99_jct: Option<f64>,
    /// Mean slowdown.
    pub mean_slowdown: Option<f64>,
    /// 95th percentile of slowdown.
    pub p95_slowdown: Option<f64>,
    /// Jain's index over slowdowns, in (0, 1]: 1 when every job is slowed alike.
    pub jain_fairness: Option<f64>,
    /// Finished jobs per second of the run.
    pub throughput: f64,
    /// Time-average number of jobs arrived and not finished, over [0, end].
    pub jobs_in_system: f64,
    /// The run's end, seconds: when the last arrived job finished.
    pub makespan: f64,
    /// Where the measurement stops, seconds: the horizon if the run outlasted
    /// it, else the makespan. Jobs finish, throughput and jobs in system are counted up to here.
    pub measured_until: f64,
    /// Jobs with a deadline that finished after it or had not finished by the
    /// end of a measurement that outlasted it.
    pub deadline_misses: usize,
    /// Mean of max(0, finish − deadline) over finished jobs with a deadline.
    pub mean_tardiness: Option<f64>,
}

/// Summarises the outcomes of a stream whose run ended at `makespan`
/// seconds, measured at `horizon` if the run outlasted it. Percentiles
/// interpolate linearly between order statistics (the default of R's
/// `quantile` type 7 and NumPy's `percentile`).
pub fn stream_metrics(outcomes: &[JobOutcome], makespan: f64, horizon: Option<f64>) -> StreamMetrics {
    let end = horizon.map_or(makespan, |h| h.min(makespan));
    let clipped: Vec<JobOutcome> = outcomes.iter().map(|o| o.as_of(end)).collect();
    let outcomes = &clipped[..];
    let mut jct: Vec<f64> = outcomes.iter().filter_map(JobOutcome::jct).collect();
    let mut slowdown: Vec<f64> = outcomes.iter().filter_map(JobOutcome::slowdown).collect();
    jct.sort_by(f64::total_cmp);
    slowdown.sort_by(f64::total_cmp);
    let in_system: f64 = outcomes
        .iter()
        .map(|o| (o.finish.unwrap_or(end).min(end) - o.arrival).max(0.0))
        .sum();
    let with_deadline = || outcomes.iter().filter_map(|o| o.deadline.map(|d| (o, d)));
    let deadline_misses = with_deadline()
        .filter(|&(o, d)| o.finish.map_or(end > d, |f| f > d))
        .count();
    let tardiness: Vec<f64> = with_deadline()
        .filter_map(|(o, d)| o.finish.map(|f| (f - d).max(0.0)))
        .collect();
    StreamMetrics {
        jobs: jct.len(),
        unfinished: outcomes.len() - jct.len(),
        mean_jct: mean(&jct),
        p50_jct: percentile(&jct, 50.0),
        p95_jct: percentile(&jct, 95.0),
        p99_jct: percentile(&jct, 99.0),
        mean_slowdown: mean(&slowdown),
        p95_slowdown: percentile(&slowdown, 95.0),
        jain_fairness: jain(&slowdown),
        throughput: if end > 0.0 { jct.len() as f64 / end } else { 0.0 },
        jobs_in_system: if end > 0.0 { in_system / end } else { 0.0 },
        makespan,
        measured_until: end,
        deadline_misses,
        mean_tardiness: mean(&tardiness),
    }
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// The `p`-th percentile of sorted values, by linear interpolation.
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = p / 100.0 * last as f64;
    let (low, frac) = (rank.floor() as usize, rank.fract());
    let high = (low + 1).min(last);
    Some(sorted[low] + frac * (sorted[high] - sorted[low]))
}

/// Jain's fairness index (Σx)² / (n Σx²).
fn jain(xs: &[f64]) -> Option<f64> {
    let squares: f64 = xs.iter().map(|x| x * x).sum();
    (!xs.is_empty() && squares > 0.0).then(|| xs.iter().sum::<f64>().powi(2) / (xs.len() as f64 * squares))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(arrival: f64, start: f64, finish: Option<f64>, lower_bound: f64) -> JobOutcome {
        JobOutcome {
            arrival,
            first_start: Some(start),
            finish,
            lower_bound,
            weight: 1.0,
            deadline: None,
        }
    }

    #[test]
    fn hand_computed_stream() {
        // Three finished jobs with JCT 2, 4, 6 and one unfinished at the end (10 s).
        let outcomes = [
            job(0.0, 0.0, Some(2.0), 1.0),
            job(1.0, 2.0, Some(5.0), 2.0),
            job(2.0, 5.0, Some(8.0), 2.0),
            job(9.0, 9.5, None, 1.0),
        ];
        let m = stream_metrics(&outcomes, 10.0, None);
        assert_eq!((m.jobs, m.unfinished), (3, 1));
        assert_eq!(m.mean_jct, Some(4.0));
        assert_eq!(m.p50_jct, Some(4.0));
        // Type-7 percentile: rank 0.95 × 2 = 1.9 → 4 + 0.9 × 2.
        assert!((m.p95_jct.unwrap() - 5.8).abs() < 1e-12);
        // Slowdowns 2, 2, 3: Jain = 49 / (3 × 17).
        assert!((m.jain_fairness.unwrap() - 49.0 / 51.0).abs() < 1e-12);
        assert!((m.mean_slowdown.unwrap() - 7.0 / 3.0).abs() < 1e-12);
        assert!((m.throughput - 0.3).abs() < 1e-12);
        // Time in system 2 + 4 + 6 + 1 = 13 over 10 s.
        assert!((m.jobs_in_system - 1.3).abs() < 1e-12);
        assert_eq!(outcomes[1].waiting(), Some(1.0));
    }

    #[test]
    fn jain_is_one_when_equal_and_one_over_n_when_one_job_takes_all() {
        assert!((jain(&[3.0; 5]).unwrap() - 1.0).abs() < 1e-12);
        assert!((jain(&[0.0, 0.0, 0.0, 7.0]).unwrap() - 0.25).abs() < 1e-12);
        assert_eq!(jain(&[]), None);
    }

    #[test]
    fn deadlines_count_misses_and_tardiness() {
        let mut a = job(0.0, 0.0, Some(5.0), 1.0);
        a.deadline = Some(4.0); // missed by 1
        let mut b = job(0.0, 0.0, Some(3.0), 1.0);
        b.deadline = Some(4.0); // met
        let mut c = job(0.0, 0.0, None, 1.0);
        c.deadline = Some(6.0); // unfinished at 8 > 6: missed
        let mut d = job(7.0, 7.0, None, 1.0);
        d.deadline = Some(9.0); // unfinished, but the run ended at 8 before its deadline
        let m = stream_metrics(&[a, b, c, d], 8.0, None);
        assert_eq!(m.deadline_misses, 2);
        assert_eq!(m.mean_tardiness, Some(0.5));
    }

    #[test]
    fn no_finished_job_gives_no_statistics() {
        let m = stream_metrics(&[job(0.0, 1.0, None, 1.0)], 4.0, None);
        assert_eq!((m.jobs, m.unfinished, m.mean_jct, m.jain_fairness), (0, 1, None, None));
        assert_eq!(m.jobs_in_system, 1.0);
    }

    #[test]
    fn a_horizon_measures_the_stream_as_it_stood_then() {
        // The run drained at 10 s; measured at 6 s, the jobs finishing at 8
        // and 10 are unfinished and the one starting at 7 had not started.
        let outcomes = [
            job(0.0, 0.0, Some(2.0), 1.0),
            job(1.0, 2.0, Some(8.0), 2.0),
            job(5.0, 7.0, Some(10.0), 1.0),
        ];
        let m = stream_metrics(&outcomes, 10.0, Some(6.0));
        assert_eq!((m.jobs, m.unfinished), (1, 2));
        assert_eq!((m.makespan, m.measured_until), (10.0, 6.0));
        assert_eq!(m.mean_jct, Some(2.0));
        assert!((m.throughput - 1.0 / 6.0).abs() < 1e-12);
        // In system over [0, 6]: 2 + 5 + 1 = 8 job-seconds.
        assert!((m.jobs_in_system - 8.0 / 6.0).abs() < 1e-12);
        assert_eq!(outcomes[2].as_of(6.0).first_start, None);
        // A horizon after the run's end changes nothing.
        assert_eq!(
            stream_metrics(&outcomes, 10.0, Some(50.0)),
            stream_metrics(&outcomes, 10.0, None)
        );
    }
}
