//! The results of one batch: a metrics table side by side, a comparison bar
//! chart, and utilisation and power over time; the charts also save as PNG
//! or SVG files with the look of `schedlab report` ([`export_plots`]).

use crate::gantt::Gantt;
use crate::palette;
use crate::runner::StreamOutcome;
use egui::Ui;
use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints};
use experiments::plot as report_plot;
use experiments::results::metrics::{Better, Kind, METRICS, Metric};
use sim::metrics::StepSeries;
use sim::{Dag, Platform, RunResult};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One scheduler's run with everything the views draw from it.
#[derive(Clone, Debug)]
pub struct RunView {
    /// Scheduler spec.
    pub spec: String,
    /// The DAG the run's task ids refer to (a stream's: every job's).
    pub dag: Arc<Dag>,
    /// The run.
    pub run: Arc<RunResult>,
    /// The jobs of a stream's run.
    pub stream: Option<Arc<StreamOutcome>>,
    /// Its Gantt chart.
    pub gantt: Gantt,
    /// Busy fraction of all cores over time ([`sim::metrics::utilisation_series`]).
    pub utilisation: StepSeries,
    /// Platform power draw in watts over time ([`sim::metrics::power_series`]);
    /// its integral is the run's energy.
    pub power: StepSeries,
    /// The value of every entry of [`METRICS`], in its order.
    pub metrics: Vec<f64>,
    /// Scroll offset of its Gantt chart.
    pub scroll: f32,
    /// Wall-clock time the simulation took.
    pub wall: std::time::Duration,
}

impl RunView {
    /// Prepares `run` of `dag` (with its jobs, for a stream) for display.
    pub fn new(
        spec: String,
        dag: Arc<Dag>,
        platform: &Platform,
        run: Arc<RunResult>,
        stream: Option<Arc<StreamOutcome>>,
        wall: std::time::Duration,
    ) -> RunView {
        let stream_metrics = stream.as_ref().map(|s| &s.metrics);
        RunView {
            utilisation: sim::metrics::utilisation_series(platform, &run),
            power: sim::metrics::power_series(platform, &run),
            metrics: METRICS
                .iter()
                .map(|m| m.compute(&run, platform, stream_metrics).unwrap_or(f64::NAN))
                .collect(),
            gantt: Gantt::new(&dag, platform, &run),
            spec,
            dag,
            run,
            stream,
            scroll: 0.0,
            wall,
        }
    }

    /// The value of metric number `metric` (index into [`METRICS`]).
    pub fn metric(&self, metric: usize) -> f64 {
        self.metrics.get(metric).copied().unwrap_or(f64::NAN)
    }
}

/// A number with four significant digits, switching to exponent form when large or small.
pub fn fmt_num(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 {
        return "0".to_owned();
    }
    if a != 0.0 && !(1e-3..1e6).contains(&a) {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
    }
}

/// A metric's value as the table shows it: counts whole, `-` for none
/// (a stream statistic no job gave).
fn fmt_metric(metric: &Metric, x: f64) -> String {
    match metric.kind {
        _ if x.is_nan() => "-".to_owned(),
        Kind::Count => format!("{x:.0}"),
        Kind::Real => fmt_num(x),
    }
}

/// The metrics table: a row per metric, a column per scheduler, best value in bold.
pub fn metrics_table(ui: &mut Ui, views: &[RunView], errors: &[(String, String)]) {
    egui::Grid::new("metrics")
        .striped(true)
        .spacing([18.0, 4.0])
        .show(ui, |ui| {
            ui.strong("metric");
            for (k, v) in views.iter().enumerate() {
                ui.label(egui::RichText::new(&v.spec).strong().color(palette::kind_color(k)))
                    .on_hover_text(format!(
                        "simulated in {:.1} ms of wall time",
                        v.wall.as_secs_f64() * 1e3
                    ));
            }
            ui.end_row();
            for (i, metric) in shown_metrics(views) {
                ui.label(metric.axis_label());
                let values: Vec<f64> = views.iter().map(|v| v.metric(i)).collect();
                let higher_better = metric.better == Better::Higher;
                let best = values.iter().copied().fold(None, |b: Option<f64>, x| match b {
                    None => Some(x),
                    Some(b) if (higher_better && x > b) || (!higher_better && x < b) => Some(x),
                    keep => keep,
                });
                for x in values {
                    let text = egui::RichText::new(fmt_metric(metric, x));
                    if views.len() > 1 && Some(x) == best {
                        ui.label(text.strong());
                    } else {
                        ui.label(text);
                    }
                }
                ui.end_row();
            }
        });
    for (spec, err) in errors {
        ui.colored_label(ui.visuals().error_fg_color, format!("{spec}: {err}"));
    }
}

/// The metrics the views have, with their index in [`METRICS`]: stream
/// metrics only when a view is of a job stream, and a declared metric (peak
/// memory) only when some view has it.
pub fn shown_metrics(views: &[RunView]) -> impl Iterator<Item = (usize, &'static Metric)> + '_ {
    let streams = views.iter().any(|v| v.stream.is_some());
    METRICS.iter().enumerate().filter(move |&(i, m)| {
        (streams || !m.is_stream()) && (!m.is_declared() || views.iter().any(|v| !v.metric(i).is_nan()))
    })
}

/// Bar chart comparing metric number `metric` (index into [`METRICS`]) across schedulers.
pub fn comparison_chart(ui: &mut Ui, views: &[RunView], metric: usize, height: f32) {
    let Some(m) = METRICS.get(metric) else {
        return;
    };
    let bars: Vec<Bar> = views
        .iter()
        .enumerate()
        .map(|(k, v)| {
            Bar::new(k as f64, v.metric(metric))
                .name(&v.spec)
                .fill(palette::kind_color(k))
                .width(0.6)
        })
        .collect();
    let labels: Vec<String> = views.iter().map(|v| v.spec.clone()).collect();
    Plot::new("comparison")
        .height(height)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .show_grid([false, true])
        .y_axis_label(m.axis_label())
        .x_axis_formatter(move |mark, _range| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| plot.bar_chart(BarChart::new(m.label, bars)));
}

/// A step series as a line named `name`.
pub(crate) fn step_line<'a>(name: &str, series: &StepSeries) -> Line<'a> {
    let points: Vec<[f64; 2]> = series.corners().into_iter().map(|(t, v)| [t, v]).collect();
    let dense = points.len() > 4000;
    Line::new(name.to_owned(), PlotPoints::from(points)).allow_band(dense)
}

/// Utilisation (left) and power (right) over time, one line per scheduler.
pub fn time_plots(ui: &mut Ui, views: &[RunView], height: f32) {
    ui.columns(2, |cols| {
        if let Some(ui) = cols.get_mut(0) {
            ui.strong("Utilisation over time (busy cores / all cores)");
            Plot::new("utilisation")
                .height(height)
                .legend(Legend::default())
                .x_axis_label("time [s]")
                .include_y(0.0)
                .include_y(1.0)
                .show(ui, |plot| {
                    for (k, v) in views.iter().enumerate() {
                        plot.line(step_line(&v.spec, &v.utilisation).color(palette::kind_color(k)));
                    }
                });
        }
        if let Some(ui) = cols.get_mut(1) {
            ui.strong("Power over time [W]");
            Plot::new("power")
                .height(height)
                .legend(Legend::default())
                .x_axis_label("time [s]")
                .include_y(0.0)
                .show(ui, |plot| {
                    for (k, v) in views.iter().enumerate() {
                        plot.line(step_line(&v.spec, &v.power).color(palette::kind_color(k)));
                    }
                });
        }
    });
}

/// Saves one chart at the report's plot size and adds its path to `written`.
fn save_chart(chart: &impl report_plot::Plot, path: PathBuf, written: &mut Vec<PathBuf>) -> Result<(), String> {
    report_plot::save(chart, &path, (900, 500)).map_err(|e| format!("{e:#}"))?;
    written.push(path);
    Ok(())
}

/// Saves the comparison chart of metric number `metric`, utilisation and
/// power over time into `dir` as `ext` (`png` or `svg`) files drawn by
/// [`experiments::plot`]; returns the paths written.
///
/// # Errors
/// The message of the first file that cannot be written.
pub fn export_plots(views: &[RunView], metric: usize, dir: &Path, ext: &str) -> Result<Vec<PathBuf>, String> {
    let Some(m) = METRICS.get(metric) else {
        return Err(format!("no metric number {metric}"));
    };
    let bars: Vec<(String, f64)> = views.iter().map(|v| (v.spec.clone(), v.metric(metric))).collect();
    let x_max = views.iter().map(|v| v.run.metrics.makespan).fold(1e-9, f64::max);
    let curves = |pick: fn(&RunView) -> &StepSeries, scale: f64| -> Vec<(String, Vec<(f64, f64)>)> {
        views
            .iter()
            .map(|v| {
                let points = pick(v).corners().into_iter().map(|(t, y)| (t, y * scale)).collect();
                (v.spec.clone(), points)
            })
            .collect()
    };
    let utilisation = curves(|v| &v.utilisation, 100.0);
    let power = curves(|v| &v.power, 1.0);
    let peak_w = power.iter().flat_map(|s| &s.1).map(|p| p.1).fold(1e-9, f64::max);
    let slug = crate::experiment::slug(m.label);
    let caption = format!("{} per scheduler", m.axis_label());
    let y_desc = m.axis_label();
    let mut written = Vec::new();
    let comparison = report_plot::BarChart {
        caption: &caption,
        y_desc: &y_desc,
        bars: &bars,
    };
    save_chart(&comparison, dir.join(format!("compare-{slug}.{ext}")), &mut written)?;
    let chart = report_plot::LineChart {
        caption: "Core utilisation over time",
        x_desc: "time (s)",
        y_desc: "busy cores (% of all cores)",
        x_max,
        y_max: 105.0,
        series: &utilisation,
    };
    save_chart(&chart, dir.join(format!("utilisation.{ext}")), &mut written)?;
    let chart = report_plot::LineChart {
        caption: "Platform power over time",
        x_desc: "time (s)",
        y_desc: "power (W)",
        x_max,
        y_max: peak_w * 1.1,
        series: &power,
    };
    save_chart(&chart, dir.join(format!("power.{ext}")), &mut written)?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 60-task layered DAG run by `spec` on two heterogeneous nodes.
    fn view(spec: &str) -> (RunView, Platform) {
        let (Ok(dag), Ok(platform)) = (
            workloads::generate("layered:tasks=60", 4),
            sim::presets::preset("heterogeneous", 2),
        ) else {
            panic!("fixture");
        };
        let Ok(mut s) = schedulers::registry::create(spec, 0) else {
            panic!("{spec}");
        };
        let Ok(run) = sim::simulate(&dag, &platform, s.as_mut(), &sim::SimConfig::default()) else {
            panic!("run");
        };
        let v = RunView::new(
            spec.to_owned(),
            Arc::new(dag),
            &platform,
            Arc::new(run),
            None,
            std::time::Duration::ZERO,
        );
        (v, platform)
    }

    #[test]
    fn utilisation_steps_stay_within_zero_and_one_and_power_is_above_idle() {
        let (v, platform) = view("heft");
        assert!(v.utilisation.values.iter().all(|u| (0.0..=1.0 + 1e-9).contains(u)));
        let idle: f64 = platform.nodes().iter().map(|n| n.power.idle_w).sum();
        assert!(v.power.values.iter().all(|&w| w >= idle - 1e-9));
    }

    #[test]
    fn power_integrates_to_the_energy_under_failures_and_with_replicas() {
        let (Ok(dag), Ok(platform)) = (
            workloads::generate("layered:tasks=80,ccr=0.1", 5),
            sim::presets::preset("heterogeneous", 4),
        ) else {
            panic!("fixture");
        };
        let mut checked = 0;
        for (spec, mtbf) in [
            ("active-replication:k=2,base=heft", 15.0),
            ("heft", 10.0),
            ("online-eft", 8.0),
        ] {
            let run = experiments::run::RunSpec {
                dag: &dag,
                platform: &platform,
                scheduler: spec,
                resource_manager: schedulers::resource::DEFAULT,
                settings: sim::SimConfig {
                    failures: sim::Failures::exponential(mtbf, 3.0),
                    seed: 2,
                    ..sim::SimConfig::default()
                },
            }
            .execute()
            .unwrap_or_else(|e| panic!("{spec}: {e:#}"));
            let v = RunView::new(
                spec.to_owned(),
                Arc::new(dag.clone()),
                &platform,
                Arc::new(run),
                None,
                std::time::Duration::ZERO,
            );
            let energy = v.run.metrics.energy_j;
            let error = (v.power.integral() - energy).abs() / energy;
            assert!(
                error <= 1e-9,
                "{spec}: power integrates to {} J, energy {energy} J",
                v.power.integral()
            );
            assert!(!v.run.outages.is_empty(), "{spec}: no node failed");
            if spec.starts_with("active-replication") {
                assert!(!v.run.copies.is_empty() || !v.run.cancelled.is_empty(), "no replicas");
            }
            checked += usize::from(!v.run.lost.is_empty());
        }
        assert!(checked > 0, "no run lost a task to a failure");
    }

    #[test]
    fn exported_plots_name_every_scheduler() {
        let views = [view("heft").0, view("olb").0];
        let dir = std::env::temp_dir().join(format!("schedlab-gui-export-{}", std::process::id()));
        assert!(std::fs::create_dir_all(&dir).is_ok());
        let Ok(paths) = export_plots(&views, 0, &dir, "svg") else {
            panic!("export failed");
        };
        let names: Vec<String> = paths
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        assert_eq!(names, ["compare-makespan.svg", "utilisation.svg", "power.svg"]);
        for path in &paths {
            let svg = std::fs::read_to_string(path).unwrap_or_default();
            assert!(svg.contains("heft") && svg.contains("olb"), "{}", path.display());
        }
        assert!(export_plots(&views, 0, &dir, "gif").is_err_and(|e| e.contains(".png or .svg")));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(fmt_num(12.5), "12.5000");
        assert_eq!(fmt_num(2.5e9), "2.500e9");
        assert_eq!(fmt_num(-0.0), "0");
    }
}
