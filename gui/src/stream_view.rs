//! The stream view: for each scheduler's run of a job stream, its jobs as
//! rows from arrival to finish (waiting drawn pale, running in the
//! scheduler's colour), and the jobs in the system over time, one line per
//! scheduler. Time axes are linked, so panning one pans all.

use crate::draw::fmt_secs;
use crate::palette;
use crate::results::{self, RunView};
use crate::runner::StreamOutcome;
use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};

/// Jobs drawn per run at most; a longer stream shows its first jobs.
pub const MAX_JOBS_DRAWN: usize = 2000;

/// Draws the view of every stream run in `views`.
pub fn show(ui: &mut Ui, views: &[RunView]) {
    let streams: Vec<(usize, &RunView, &StreamOutcome)> = views
        .iter()
        .enumerate()
        .filter_map(|(k, v)| v.stream.as_deref().map(|s| (k, v, s)))
        .collect();
    if streams.is_empty() {
        ui.label("No job stream yet: tick \"job stream\" in the workload panel and press Run.");
        return;
    }
    ui.weak("drag to pan, scroll to zoom; time axes are linked");
    let link = ui.scope_id().with("stream-time");
    let t_max = streams.iter().map(|s| s.2.metrics.makespan).fold(0.0, f64::max);
    let in_system_height = 180.0;
    let rows_height = ((ui.available_height() - in_system_height - 60.0) / streams.len() as f32 - 24.0).max(120.0);
    egui::ScrollArea::vertical().show(ui, |ui| {
        for &(k, v, s) in &streams {
            ui.label(
                RichText::new(summary(&v.spec, s))
                    .strong()
                    .color(palette::kind_color(k)),
            );
            job_rows(ui, k, v, s, rows_height, (link, t_max));
        }
        ui.strong("Jobs in the system (arrived, not finished)");
        Plot::new("jobs-in-system")
            .height(in_system_height)
            .legend(Legend::default())
            .x_axis_label("time [s]")
            .include_x(0.0)
            .include_x(t_max)
            .include_y(0.0)
            .link_axis(link, [true, false])
            .show(ui, |plot| {
                for &(k, v, s) in &streams {
                    plot.line(results::step_line(&v.spec, &s.in_system).color(palette::kind_color(k)));
                }
            });
    });
}

/// One line of figures above a run's rows.
fn summary(spec: &str, s: &StreamOutcome) -> String {
    let m = &s.metrics;
    let secs = |x: Option<f64>| x.map_or("-".to_owned(), fmt_secs);
    let cut = if m.measured_until < m.makespan {
        format!(", measured at {}", fmt_secs(m.measured_until))
    } else {
        String::new()
    };
    format!(
        "{spec} - {} jobs finished, {} unfinished{cut}; mean JCT {}, p95 {}; mean slowdown {}",
        m.jobs,
        m.unfinished,
        secs(m.mean_jct),
        secs(m.p95_jct),
        m.mean_slowdown.map_or("-".to_owned(), |x| format!("{x:.2}")),
    )
}

/// The jobs of one run as horizontal bars, job 0 at the top; the time axis
/// is linked by `link` and spans at least `[0, t_max]`.
fn job_rows(ui: &mut Ui, k: usize, v: &RunView, s: &StreamOutcome, height: f32, (link, t_max): (egui::Id, f64)) {
    let end = s.metrics.makespan;
    let colour = palette::kind_color(k);
    let pale = colour.gamma_multiply(0.3);
    let mut waiting = Vec::new();
    let mut running = Vec::new();
    for (j, job) in s.jobs.iter().take(MAX_JOBS_DRAWN).enumerate() {
        let row = -(j as f64);
        let arrival = job.info.arrival.as_secs_f64();
        let start = job.first_start.map_or(end, |t| t.as_secs_f64());
        let finish = job.finish.map_or(end, |t| t.as_secs_f64());
        waiting.push(bar(row, arrival, start, pale));
        running.push(bar(row, start, finish, colour));
    }
    if s.jobs.len() > MAX_JOBS_DRAWN {
        ui.weak(format!("showing the first {MAX_JOBS_DRAWN} of {} jobs", s.jobs.len()));
    }
    Plot::new(("stream-jobs", k))
        .height(height)
        .x_axis_label("time [s]")
        .y_axis_label("job")
        .include_x(0.0)
        .include_x(t_max)
        .y_axis_formatter(|mark, _| {
            // Rows go down from 0; adding 0 turns -0 into 0.
            let j = -mark.value + 0.0;
            if j >= 0.0 && (j - j.round()).abs() < 1e-6 {
                format!("{}", j.round())
            } else {
                String::new()
            }
        })
        .show_grid([true, false])
        .link_axis(link, [true, false])
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(format!("{} waiting", v.spec), waiting).horizontal());
            plot.bar_chart(BarChart::new(format!("{} running", v.spec), running).horizontal());
        });
}

/// A horizontal bar on row `row` from `from` to `to`.
fn bar(row: f64, from: f64, to: f64, fill: Color32) -> Bar {
    Bar::new(row, (to - from).max(0.0))
        .base_offset(from)
        .width(0.8)
        .fill(fill)
        .stroke(egui::Stroke::NONE)
}
