//! The report's figures of job streams: for the shown instance (see
//! [`super::shown`]), the distribution of job completion times and the
//! number of jobs in the system over time, one line per scheduler, from the
//! runs recomputed (runs are deterministic, so they are the runs the tables count).

use super::data::Data;
use super::shown;
use crate::grid::config::Config;
use crate::grid::sweep::{cell_of, run_stream};
use crate::html::{Page, escape};
use crate::plot::{Figures, LineChart};
use anyhow::Result;
use sim::job_metrics::JobOutcome;

/// Points a curve is drawn with at most.
const POINTS: usize = 400;

/// The JCT CDF and jobs-in-system figures of the shown instance.
///
/// # Errors
/// If a run cannot be recomputed or a figure written.
pub fn figures(page: &mut Page, figures: &Figures, data: &Data<'_>, config: &Config) -> Result<()> {
    let Some(choice) = shown::choose(data, config.report_show.as_ref()) else {
        page.paragraph("No successful run matches [report] show, so there are no per-job figures.");
        return Ok(());
    };
    let mut cdfs = Vec::new();
    let mut in_system = Vec::new();
    for row in &choice.rows {
        let run = run_stream(config, &cell_of(config, row)?, &row.scheduler, &row.resource_manager)?;
        cdfs.push((row.policy.clone(), jct_cdf(&run.outcomes)));
        in_system.push((row.policy.clone(), jobs_in_system(&run.outcomes, run.metrics.makespan)));
    }
    let first = choice.rows[0];
    let label = format!(
        "{} on {}, noise {}, seed {} ({})",
        first.workload, first.platform, first.noise, first.seed, choice.why
    );
    let x_max = |series: &[(String, Vec<(f64, f64)>)]| {
        series
            .iter()
            .flat_map(|(_, p)| p.iter().map(|&(x, _)| x))
            .fold(0.0, f64::max)
    };
    let y_max = |series: &[(String, Vec<(f64, f64)>)]| {
        series
            .iter()
            .flat_map(|(_, p)| p.iter().map(|&(_, y)| y))
            .fold(0.0, f64::max)
    };
    let plot = LineChart {
        caption: "Job completion times",
        x_desc: "job completion time (s)",
        y_desc: "fraction of finished jobs",
        x_max: x_max(&cdfs),
        y_max: 1.05,
        series: &cdfs,
    };
    page.figure(
        "Job completion time distribution",
        &format!(
            "Empirical CDF of the finished jobs' completion times, one line per scheduler: {}.",
            escape(&label)
        ),
        &figures.add("jct_cdf", (900, 500), &plot)?,
    );
    let plot = LineChart {
        caption: "Jobs in the system over time",
        x_desc: "time (s)",
        y_desc: "jobs arrived and not finished",
        x_max: x_max(&in_system),
        y_max: (y_max(&in_system) * 1.1).max(1.0),
        series: &in_system,
    };
    page.figure(
        "Jobs in the system",
        &format!(
            "Jobs arrived and not finished, averaged over {POINTS} equal time bins of the longest run: {}.",
            escape(&label)
        ),
        &figures.add("jobs_in_system", (900, 500), &plot)?,
    );
    Ok(())
}

/// The empirical CDF of the finished jobs' JCTs, as a step curve of at most
/// [`POINTS`] steps (every k-th order statistic, and the last).
fn jct_cdf(outcomes: &[JobOutcome]) -> Vec<(f64, f64)> {
    let mut jct: Vec<f64> = outcomes.iter().filter_map(JobOutcome::jct).collect();
    jct.sort_by(f64::total_cmp);
    let n = jct.len();
    let step = n.div_ceil(POINTS).max(1);
    let mut points = vec![(0.0, 0.0)];
    for i in (step - 1..n)
        .step_by(step)
        .chain((n > 0 && (n - 1) % step != step - 1).then_some(n - 1))
    {
        points.push((jct[i], (i + 1) as f64 / n as f64));
    }
    points
}

/// The time average of the jobs arrived and not finished over each of
/// [`POINTS`] equal bins of `[0, end]` (unfinished jobs count until `end`).
fn jobs_in_system(outcomes: &[JobOutcome], end: f64) -> Vec<(f64, f64)> {
    if end <= 0.0 {
        return Vec::new();
    }
    let width = end / POINTS as f64;
    let mut area = vec![0.0; POINTS];
    for o in outcomes {
        let (from, to) = (o.arrival, o.finish.unwrap_or(end).min(end));
        let (first, last) = ((from / width) as usize, ((to / width) as usize).min(POINTS - 1));
        for (bin, a) in area.iter_mut().enumerate().take(last + 1).skip(first) {
            let (lo, hi) = (bin as f64 * width, (bin + 1) as f64 * width);
            *a += (to.min(hi) - from.max(lo)).max(0.0);
        }
    }
    area.iter()
        .enumerate()
        .map(|(bin, a)| ((bin as f64 + 0.5) * width, a / width))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(arrival: f64, finish: f64) -> JobOutcome {
        JobOutcome {
            arrival,
            first_start: Some(arrival),
            finish: Some(finish),
            lower_bound: 1.0,
            weight: 1.0,
            deadline: None,
        }
    }

    #[test]
    fn jobs_in_system_keeps_the_area() {
        let jobs = [job(0.0, 4.0), job(1.0, 2.5), job(3.0, 8.0)];
        let series = jobs_in_system(&jobs, 8.0);
        let area: f64 = series.iter().map(|&(_, n)| n * 8.0 / POINTS as f64).sum();
        assert!((area - (4.0 + 1.5 + 5.0)).abs() < 1e-9, "area {area}");
        assert_eq!(series.len(), POINTS);
    }

    #[test]
    fn the_cdf_ends_at_one_and_rises() {
        let jobs: Vec<JobOutcome> = (0..1000).map(|i| job(0.0, f64::from(i % 97) + 1.0)).collect();
        let cdf = jct_cdf(&jobs);
        assert!(cdf.len() <= POINTS + 2);
        assert_eq!(cdf.last().map(|p| p.1), Some(1.0));
        assert!(cdf.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1));
    }
}
