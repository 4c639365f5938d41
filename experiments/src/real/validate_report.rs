//! The report of `schedlab validate`: `report.html` (inline SVG; PNG and SVG
//! copies in `plots/`) with the error summary per DAG class, a scatter of
//! simulated against real makespan with the y = x line, the distribution of
//! per-task start and end errors, the real and simulated Gantt charts of the
//! run whose error is the median, the table of cases (each DAG × seed ×
//! scheduler over its repetitions) and the table of runs. Drawn with the
//! experiment report's font, colours and Gantt chart.

use crate::gantt::{Gantt, Panel};
use crate::html::{Page, escape};
use crate::plot::{Figures, Plot, colour, legend, numeric_chart, plot_err};
use crate::real::validate::{Outcome, summary_table};
use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Simulated (y) against real (x) makespan per run, coloured by class, with y = x.
struct Scatter<'a> {
    outcome: &'a Outcome,
}

impl Plot for Scatter<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let outcome = self.outcome;
        let hi = outcome
            .rows
            .iter()
            .map(|r| r.sim_makespan.max(r.real_makespan))
            .fold(1e-6, f64::max)
            * 1.05;
        let mut chart = numeric_chart(
            root,
            "Simulated against real makespan",
            0.0..hi,
            0.0..hi,
            ("real makespan (s)", "simulated makespan (s)"),
        )?;
        chart
            .draw_series(LineSeries::new([(0.0, 0.0), (hi, hi)], BLACK.stroke_width(1)))
            .map_err(plot_err)?
            .label("y = x")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLACK));
        for (i, class) in ["compute", "communication", "mixed"].iter().enumerate() {
            let c = colour(i);
            let points: Vec<(f64, f64)> = outcome
                .rows
                .iter()
                .filter(|r| r.class == *class)
                .map(|r| (r.real_makespan, r.sim_makespan))
                .collect();
            if points.is_empty() {
                continue;
            }
            chart
                .draw_series(points.into_iter().map(|p| Circle::new(p, 4, c.filled())))
                .map_err(plot_err)?
                .label(*class)
                .legend(move |(x, y)| Circle::new((x + 9, y), 4, c.filled()));
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    }
}

/// Histograms of per-task |start| and |end| errors (percent of the real makespan).
struct TaskErrors<'a> {
    outcome: &'a Outcome,
}

impl Plot for TaskErrors<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let outcome = self.outcome;
        const BINS: usize = 40;
        let top = crate::real::validate::percentile(
            &outcome
                .start_errors
                .iter()
                .chain(&outcome.end_errors)
                .copied()
                .collect::<Vec<_>>(),
            0.99,
        )
        .max(1e-3);
        let width = top / BINS as f64;
        let count = |v: &[f64]| {
            let mut bins = vec![0usize; BINS];
            for &e in v {
                bins[((e / width) as usize).min(BINS - 1)] += 1;
            }
            let n = v.len().max(1) as f64;
            bins.into_iter()
                .map(move |b| b as f64 / n * 100.0)
                .collect::<Vec<f64>>()
        };
        let series = [
            ("start", count(&outcome.start_errors)),
            ("end", count(&outcome.end_errors)),
        ];
        let y_max = series.iter().flat_map(|s| s.1.iter()).fold(1.0f64, |a, &b| a.max(b)) * 1.1;
        let mut chart = numeric_chart(
            root,
            "Per-task |simulated − real| time",
            0.0..top,
            0.0..y_max,
            (
                "|error|, % of the real makespan (last bin: 99th percentile and above)",
                "% of tasks",
            ),
        )?;
        for (k, (name, bins)) in series.iter().enumerate() {
            let c = colour(k);
            chart
                .draw_series(bins.iter().enumerate().map(|(i, &h)| {
                    let x0 = i as f64 * width + k as f64 * width / 2.0;
                    Rectangle::new([(x0, 0.0), (x0 + width / 2.0, h)], c.mix(0.8).filled())
                }))
                .map_err(plot_err)?
                .label(*name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.filled()));
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}

/// Writes `DIR/report.html` and its plots; returns the report's path.
///
/// # Errors
/// If a plot or file cannot be written.
pub fn write(dir: &Path, title: &str, outcome: &Outcome, loadavg: (&str, &str)) -> Result<PathBuf> {
    let figures = Figures::create(dir.join("plots"))?;
    let mut page = Page::new(&format!("{title}: simulator against real runs"));
    page.preformatted("Makespan error by DAG class", &summary_table(&outcome.summary));
    page.paragraph(&format!(
        "Error = (simulated − real) / real, of the median real makespan over repetitions; \"per-rep median\" is the least and greatest class median over the repetitions taken one at a time, \"real spread\" the median (longest − shortest) / median real makespan. Load average before the runs: {}; after: {}. Calibration: {}.",
        escape(loadavg.0),
        escape(loadavg.1),
        escape(&outcome.calibration.summary())
    ));
    page.figure(
        "Simulated against real",
        "One point per real run; on the line the simulator was exact.",
        &figures.add("scatter", (800, 700), &Scatter { outcome })?,
    );
    page.figure(
        "Per-task start and end error",
        "Every task of every run: |simulated − real| start and end time, as a percentage of the run's real makespan.",
        &figures.add("task_errors", (900, 500), &TaskErrors { outcome })?,
    );
    if let Some((row, real, sim)) = &outcome.example {
        let cores: Vec<u32> = vec![1; outcome.calibration.nodes()];
        let panels = [
            Panel {
                title: format!("real {}", row.scheduler),
                result: real.clone(),
                cores_per_node: cores.clone(),
            },
            Panel {
                title: format!("simulated {}", row.scheduler),
                result: sim.clone(),
                cores_per_node: cores,
            },
        ];
        page.figure(
            "Real and simulated Gantt charts",
            &format!(
                "The run with the median |error| ({:.2} %): {} seed {} with {}, repetition {}. Same time axis; gaps in the real chart are dispatch latency and input copies.",
                row.error_pct,
                escape(&row.dag),
                row.seed,
                escape(&row.scheduler),
                row.repetition
            ),
            &figures.add("gantt", (1100, 600), &Gantt { panels: &panels })?,
        );
    }
    let mut body = String::from(
        "<table>\n<tr><th>DAG</th><th>seed</th><th>scheduler</th><th>class</th><th>reps</th><th>simulated (s)</th><th>real median (s)</th><th>real min–max (s)</th><th>error %</th></tr>\n",
    );
    for c in &outcome.cases {
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.4}</td><td>{:.4}</td><td>{:.4}–{:.4}</td><td>{:+.2}</td></tr>",
            escape(&c.dag),
            c.seed,
            escape(&c.scheduler),
            c.class,
            c.repetitions,
            c.sim_makespan,
            c.real_median,
            c.real_min,
            c.real_max,
            c.error_pct
        );
    }
    body.push_str("</table>\n");
    page.table(
        "Cases",
        "One row per DAG, seed and scheduler: the simulated makespan against the median of its real runs (the error the summary uses).",
        &body,
    );
    let mut body = String::from(
        "<table>\n<tr><th>run</th><th>DAG</th><th>seed</th><th>scheduler</th><th>rep</th><th>tasks</th><th>class</th><th>CCR</th><th>simulated (s)</th><th>real (s)</th><th>error %</th><th>start err median / p90 %</th><th>end err median / p90 %</th></tr>\n",
    );
    for r in &outcome.rows {
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.3}</td><td>{:.4}</td><td>{:.4}</td><td>{:+.2}</td><td>{:.2} / {:.2}</td><td>{:.2} / {:.2}</td></tr>",
            r.run,
            escape(&r.dag),
            r.seed,
            escape(&r.scheduler),
            r.repetition,
            r.tasks,
            r.class,
            r.ccr,
            r.sim_makespan,
            r.real_makespan,
            r.error_pct,
            r.start_err_median_pct,
            r.start_err_p90_pct,
            r.end_err_median_pct,
            r.end_err_p90_pct
        );
    }
    body.push_str("</table>\n");
    page.table("Runs", "One row per real run.", &body);
    let path = dir.join("report.html");
    page.write(&path)?;
    Ok(path)
}
