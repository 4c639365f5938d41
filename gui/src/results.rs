//! The results of one batch: a metrics table side by side, a comparison bar
//! chart, and utilisation and power over time; the charts also save as PNG
//! or SVG files with the look of `schedlab report` ([`export_plots`]).

use crate::gantt::Gantt;
use crate::palette;
use egui::Ui;
use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints};
use experiments::plot as report_plot;
use sim::{Dag, Platform, RunResult};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One scheduler's run with everything the views draw from it.
#[derive(Clone, Debug)]
pub struct RunView {
    /// Scheduler spec.
    pub spec: String,
    /// The run.
    pub run: Arc<RunResult>,
    /// Its Gantt chart.
    pub gantt: Gantt,
    /// Busy fraction of all cores over time, as a step function.
    pub utilisation: Vec<[f64; 2]>,
    /// Platform power draw in watts over time, as a step function.
    pub power: Vec<[f64; 2]>,
    /// Scroll offset of its Gantt chart.
    pub scroll: f32,
    /// Wall-clock time the simulation took.
    pub wall: std::time::Duration,
}

impl RunView {
    /// Prepares `run` for display.
    pub fn new(
        spec: String,
        dag: &Dag,
        platform: &Platform,
        run: Arc<RunResult>,
        wall: std::time::Duration,
    ) -> RunView {
        let total_cores = platform.total_cores().max(1) as f64;
        let idle_w: f64 = platform.nodes().iter().map(|n| n.power.idle_w).sum();
        let mut events: Vec<(f64, f64, f64)> = Vec::with_capacity(run.tasks.len() * 2);
        for r in &run.tasks {
            let node = platform.nodes().get(r.node.index());
            let busy_w = node.map_or(0.0, |n| {
                n.power.level(r.dvfs).map_or(n.power.busy_core_w, |l| l.busy_core_w)
            });
            let cores = f64::from(r.cores);
            events.push((r.start.as_secs_f64(), cores, busy_w * cores));
            events.push((r.end.as_secs_f64(), -cores, -busy_w * cores));
        }
        events.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut utilisation = vec![[0.0, 0.0]];
        let mut power = vec![[0.0, idle_w]];
        let (mut busy, mut watts) = (0.0, idle_w);
        let mut i = 0;
        while let Some(&(t, _, _)) = events.get(i) {
            while let Some(&(_, c, w)) = events.get(i).filter(|e| e.0 == t) {
                busy += c;
                watts += w;
                i += 1;
            }
            let last_u = utilisation.last().map_or(0.0, |p| p[1]);
            let last_p = power.last().map_or(idle_w, |p| p[1]);
            utilisation.push([t, last_u]);
            utilisation.push([t, (busy / total_cores).max(0.0)]);
            power.push([t, last_p]);
            power.push([t, watts.max(0.0)]);
        }
        let gantt = Gantt::new(dag, platform, &run);
        RunView {
            spec,
            run,
            gantt,
            utilisation,
            power,
            scroll: 0.0,
            wall,
        }
    }
}

/// One metric of the table and chart: label, unit and accessor.
pub type MetricDef = (&'static str, &'static str, fn(&sim::Metrics) -> f64);

/// The metrics the table and chart show.
pub const METRICS: [MetricDef; 8] = [
    ("makespan", "s", |m| m.makespan),
    ("SLR", "", |m| m.slr),
    ("speedup", "", |m| m.speedup),
    ("efficiency", "", |m| m.efficiency),
    ("utilisation", "", |m| m.utilisation),
    ("energy", "J", |m| m.energy_j),
    ("EDP", "J·s", |m| m.edp),
    ("bytes moved", "B", |m| m.bytes_moved),
];

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
            for (name, unit, get) in METRICS {
                ui.label(if unit.is_empty() {
                    name.to_owned()
                } else {
                    format!("{name} [{unit}]")
                });
                let values: Vec<f64> = views.iter().map(|v| get(&v.run.metrics)).collect();
                let higher_better = matches!(name, "speedup" | "efficiency" | "utilisation");
                let best = values.iter().copied().fold(None, |b: Option<f64>, x| match b {
                    None => Some(x),
                    Some(b) if (higher_better && x > b) || (!higher_better && x < b) => Some(x),
                    keep => keep,
                });
                for x in values {
                    let text = egui::RichText::new(fmt_num(x));
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

/// Bar chart comparing metric number `metric` (index into [`METRICS`]) across schedulers.
pub fn comparison_chart(ui: &mut Ui, views: &[RunView], metric: usize, height: f32) {
    let Some(&(name, unit, get)) = METRICS.get(metric) else {
        return;
    };
    let bars: Vec<Bar> = views
        .iter()
        .enumerate()
        .map(|(k, v)| {
            Bar::new(k as f64, get(&v.run.metrics))
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
        .y_axis_label(metric_label(name, unit))
        .x_axis_formatter(move |mark, _range| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| plot.bar_chart(BarChart::new(name, bars)));
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
                        plot.line(
                            Line::new(v.spec.clone(), PlotPoints::from(v.utilisation.clone()))
                                .color(palette::kind_color(k))
                                .allow_band(v.utilisation.len() > 4000),
                        );
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
                        plot.line(
                            Line::new(v.spec.clone(), PlotPoints::from(v.power.clone()))
                                .color(palette::kind_color(k))
                                .allow_band(v.power.len() > 4000),
                        );
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

/// Axis label of a metric: its name and unit.
fn metric_label(name: &str, unit: &str) -> String {
    if unit.is_empty() {
        name.to_owned()
    } else {
        format!("{name} [{unit}]")
    }
}

/// Saves the comparison chart of metric number `metric`, utilisation and
/// power over time into `dir` as `ext` (`png` or `svg`) files drawn by
/// [`experiments::plot`]; returns the paths written.
///
/// # Errors
/// The message of the first file that cannot be written.
pub fn export_plots(views: &[RunView], metric: usize, dir: &Path, ext: &str) -> Result<Vec<PathBuf>, String> {
    let Some(&(name, unit, get)) = METRICS.get(metric) else {
        return Err(format!("no metric number {metric}"));
    };
    let bars: Vec<(String, f64)> = views.iter().map(|v| (v.spec.clone(), get(&v.run.metrics))).collect();
    let x_max = views.iter().map(|v| v.run.metrics.makespan).fold(1e-9, f64::max);
    let curves = |pick: fn(&RunView) -> &[[f64; 2]], scale: f64| -> Vec<(String, Vec<(f64, f64)>)> {
        views
            .iter()
            .map(|v| (v.spec.clone(), pick(v).iter().map(|p| (p[0], p[1] * scale)).collect()))
            .collect()
    };
    let utilisation = curves(|v| &v.utilisation, 100.0);
    let power = curves(|v| &v.power, 1.0);
    let peak_w = power.iter().flat_map(|s| &s.1).map(|p| p.1).fold(1e-9, f64::max);
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let caption = format!("{} per scheduler", metric_label(name, unit));
    let y_desc = metric_label(name, unit);
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
            &dag,
            &platform,
            Arc::new(run),
            std::time::Duration::ZERO,
        );
        (v, platform)
    }

    #[test]
    fn utilisation_steps_stay_within_zero_and_one_and_power_is_above_idle() {
        let (v, platform) = view("heft");
        assert!(v.utilisation.iter().all(|p| (0.0..=1.0 + 1e-9).contains(&p[1])));
        assert!(v.utilisation.last().is_some_and(|p| p[1].abs() < 1e-9));
        let idle: f64 = platform.nodes().iter().map(|n| n.power.idle_w).sum();
        assert!(v.power.iter().all(|p| p[1] >= idle - 1e-9));
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
