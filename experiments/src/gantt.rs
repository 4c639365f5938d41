//! Gantt charts of finished runs, one panel per run on a shared time axis:
//! the report's runs of one instance, or a real and a simulated run in
//! `schedlab validate`.

use crate::plot::{FONT, Plot, colour, plot_err};
use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

/// One panel: a run and the core counts of its platform's nodes.
pub struct Panel {
    /// Title of the panel (the makespan is appended).
    pub title: String,
    /// The run.
    pub result: sim::RunResult,
    /// Cores of each node, by node index.
    pub cores_per_node: Vec<u32>,
}

/// Panels stacked vertically; each node's band is split by core, one colour
/// per task; copies and cancelled replicas are paler, with an outline.
pub struct Gantt<'a> {
    /// The runs, top to bottom.
    pub panels: &'a [Panel],
}

impl Plot for Gantt<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let runs = self.panels;
        let t_max = runs
            .iter()
            .map(|r| r.result.metrics.makespan)
            .fold(0.0f64, f64::max)
            .max(1e-9);
        let panels = root.split_evenly((runs.len().max(1), 1));
        for (run, panel) in runs.iter().zip(panels.iter()) {
            let n_nodes = run.cores_per_node.len();
            let mut chart = ChartBuilder::on(panel)
                .caption(
                    format!("{}: makespan {:.3} s", run.title, run.result.metrics.makespan),
                    (FONT, 16),
                )
                .margin(6)
                .x_label_area_size(35)
                .y_label_area_size(70)
                .build_cartesian_2d(0.0..t_max * 1.01, n_nodes as f64..0.0)
                .map_err(plot_err)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc("time (s)")
                .y_desc("node")
                .y_labels((n_nodes * 2 + 1).min(33))
                .y_label_formatter(&|y| {
                    let c = y - 0.5;
                    if (c - c.round()).abs() < 1e-6 && c >= 0.0 {
                        format!("{}", c.round() as usize)
                    } else {
                        String::new()
                    }
                })
                .label_style((FONT, 12))
                .axis_desc_style((FONT, 13))
                .draw()
                .map_err(plot_err)?;
            chart
                .draw_series((0..=n_nodes).map(|n| {
                    let y = n as f64;
                    PathElement::new(vec![(0.0, y), (t_max * 1.01, y)], RGBColor(200, 200, 200))
                }))
                .map_err(plot_err)?;
            // Copies and cancelled replicas are drawn paler, with an outline.
            let bar = |r: &sim::RunView<'_>| {
                let rec = r.record;
                let node = rec.node.index();
                let cores = f64::from(run.cores_per_node.get(node).copied().unwrap_or(1).max(1));
                let first_core = r.cores.iter().copied().min().unwrap_or(0);
                let y0 = node as f64 + f64::from(first_core) / cores;
                let y1 = y0 + f64::from(rec.cores) / cores;
                let gap = 0.1 / cores;
                [(rec.start.as_secs_f64(), y0 + gap), (rec.end.as_secs_f64(), y1 - gap)]
            };
            chart
                .draw_series(run.result.runs().map(|r| {
                    let opacity = if r.kind == sim::RunKind::First { 0.8 } else { 0.35 };
                    Rectangle::new(bar(&r), colour(r.task.index()).mix(opacity).filled())
                }))
                .map_err(plot_err)?;
            chart
                .draw_series(
                    run.result
                        .runs()
                        .filter(|r| r.kind != sim::RunKind::First)
                        .map(|r| Rectangle::new(bar(&r), BLACK.mix(0.6).stroke_width(1))),
                )
                .map_err(plot_err)?;
        }
        Ok(())
    }
}
