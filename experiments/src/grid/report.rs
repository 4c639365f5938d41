//! `schedlab report DIR`: a self-contained `report.html` with inline SVG
//! plots (PNG and SVG copies in `DIR/plots/`) and tables of means with 95 %
//! confidence intervals, made from `DIR/results.jsonl`.
//!
//! Makespans and energies of different workloads and platforms differ by
//! orders of magnitude, so the plots that pool instances use ratios to the
//! best scheduler on the same instance (same workload, platform, noise,
//! failures and seed). The Gantt charts and utilisation curves rerun one
//! instance per scheduler (runs are deterministic, so they are the runs the
//! table counts): the first workload, platform, noise level, failure
//! setting and seed of the grid.
//!
//! Every plot has the look [`crate::plot`] defines.

use crate::grid::config::Config;
use crate::grid::sweep::prepare;
use crate::plot::{FONT, LineChart, Plot as _, colour, plot_err, register_font};
use crate::results::metrics::{ENERGY, InReport, MAKESPAN, METRICS, SLR};
use crate::results::{Row, read_manifest, read_results};
use crate::stats::{MeanCi, five_numbers, mean_ci};
use anyhow::{Context as _, Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Height of a plot whose legend lists `n_series` entries, so the legend fits.
fn legend_height(n_series: usize) -> u32 {
    (140 + 19 * n_series as u32).max(500)
}

/// Renders one plot as SVG (returned, for inlining) and PNG + SVG files in `plots/`.
macro_rules! render {
    ($dir:expr, $name:expr, $size:expr, $draw:expr) => {{
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, $size).into_drawing_area();
            root.fill(&WHITE).map_err(plot_err)?;
            $draw(&root)?;
            root.present().map_err(plot_err)?;
        }
        let png_path = $dir.join(format!("{}.png", $name));
        {
            let root = BitMapBackend::new(&png_path, $size).into_drawing_area();
            root.fill(&WHITE).map_err(plot_err)?;
            $draw(&root)?;
            root.present()
                .map_err(plot_err)
                .with_context(|| format!("cannot write {}", png_path.display()))?;
        }
        crate::output::write_atomic(&$dir.join(format!("{}.svg", $name)), svg.as_bytes())?;
        svg
    }};
}
pub(crate) use render;

/// Successful rows grouped for the plots.
struct Data<'a> {
    rows: Vec<&'a Row>,
    schedulers: Vec<String>,
}

/// The instance a row belongs to: everything but the scheduler.
fn instance(row: &Row) -> (String, String, u64, Option<u64>, u64) {
    (
        row.workload.clone(),
        row.platform.clone(),
        row.noise.to_bits(),
        row.mtbf.map(f64::to_bits),
        row.seed,
    )
}

impl Data<'_> {
    fn scheduler_index(&self, name: &str) -> usize {
        self.schedulers.iter().position(|s| s == name).unwrap_or(0)
    }

    /// Per row, `value / min(value over the instance)`.
    fn ratios(&self, value: impl Fn(&Row) -> Option<f64>) -> Vec<(usize, f64)> {
        let mut best: BTreeMap<_, f64> = BTreeMap::new();
        for row in &self.rows {
            if let Some(v) = value(row) {
                let e = best.entry(instance(row)).or_insert(f64::INFINITY);
                *e = e.min(v);
            }
        }
        self.rows
            .iter()
            .filter_map(|row| {
                let v = value(row)?;
                let b = *best.get(&instance(row))?;
                (b > 0.0).then(|| (self.scheduler_index(&row.scheduler), v / b))
            })
            .collect()
    }
}

/// A value axis that turns logarithmic when the data spans more than a factor of 8.
#[derive(Clone, Copy)]
struct Scale {
    log: bool,
}

impl Scale {
    fn for_range(lo: f64, hi: f64) -> Scale {
        Scale {
            log: lo > 0.0 && hi / lo > 8.0,
        }
    }

    /// Where `v` goes on the axis.
    fn map(self, v: f64) -> f64 {
        if self.log { v.log10() } else { v }
    }

    /// The axis range for data in `[lo, hi]`, padded by 5 %.
    fn range(self, lo: f64, hi: f64) -> std::ops::Range<f64> {
        let (a, b) = (self.map(lo), self.map(hi));
        let pad = ((b - a) * 0.05).max(1e-3);
        a - pad..b + pad
    }

    /// Tick label for axis position `v`.
    fn label(self, v: f64) -> String {
        let x = if self.log { 10f64.powf(v) } else { v };
        let digits = if x.abs() >= 100.0 {
            0
        } else if x.abs() >= 10.0 {
            1
        } else {
            2
        };
        format!("{x:.digits$}")
    }

    /// Suffix for axis descriptions.
    fn note(self) -> &'static str {
        if self.log { ", log scale" } else { "" }
    }
}

fn category_label(names: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    names.get(i as usize).cloned().unwrap_or_default()
}

/// Box plots of `values` (scheduler index, value) per scheduler.
fn box_plot<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    names: &[String],
    values: &[(usize, f64)],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let per: Vec<Vec<f64>> = (0..names.len())
        .map(|s| values.iter().filter(|v| v.0 == s).map(|v| v.1).collect())
        .collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v.1), b.max(v.1)));
    let scale = Scale::for_range(lo, hi);
    let n = names.len() as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(80)
        .build_cartesian_2d(-0.5..n - 0.5, scale.range(lo, hi))
        .map_err(plot_err)?;
    let y_desc = format!("{y_desc}{}", scale.note());
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(names.len() * 2 + 1)
        .x_label_formatter(&|x| category_label(names, *x))
        .y_label_formatter(&|y| scale.label(*y))
        .x_desc("scheduler")
        .y_desc(y_desc)
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 17))
        .draw()
        .map_err(plot_err)?;
    for (s, vals) in per.iter().enumerate() {
        let Some([min, q1, med, q3, max]) = five_numbers(vals).map(|q| q.map(|v| scale.map(v))) else {
            continue;
        };
        let x = s as f64;
        let c = colour(s);
        chart
            .draw_series([
                Rectangle::new([(x - 0.3, q1), (x + 0.3, q3)], c.mix(0.35).filled()),
                Rectangle::new([(x - 0.3, q1), (x + 0.3, q3)], c.stroke_width(2)),
            ])
            .map_err(plot_err)?;
        chart
            .draw_series([
                PathElement::new(vec![(x - 0.3, med), (x + 0.3, med)], BLACK.stroke_width(2)),
                PathElement::new(vec![(x, q3), (x, max)], c.stroke_width(1)),
                PathElement::new(vec![(x, q1), (x, min)], c.stroke_width(1)),
                PathElement::new(vec![(x - 0.15, max), (x + 0.15, max)], c.stroke_width(1)),
                PathElement::new(vec![(x - 0.15, min), (x + 0.15, min)], c.stroke_width(1)),
            ])
            .map_err(plot_err)?;
    }
    Ok(())
}

/// Mean ± 95 % CI of SLR per scheduler against the categories of `key`.
fn slr_lines<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &Data<'_>,
    title: &str,
    x_desc: &str,
    categories: &[String],
    key: &dyn Fn(&Row) -> Option<String>,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let mut series: Vec<Vec<(f64, MeanCi)>> = Vec::new();
    for name in &data.schedulers {
        let mut points = Vec::new();
        for (i, cat) in categories.iter().enumerate() {
            let vals: Vec<f64> = data
                .rows
                .iter()
                .filter(|r| &r.scheduler == name && key(r).as_ref() == Some(cat))
                .filter_map(|r| r.get(&SLR))
                .collect();
            if let Some(m) = mean_ci(&vals) {
                points.push((i as f64, m));
            }
        }
        series.push(points);
    }
    let hi = series
        .iter()
        .flatten()
        .map(|(_, m)| m.mean + m.half_width)
        .fold(1.0f64, f64::max);
    let lo = series
        .iter()
        .flatten()
        .map(|(_, m)| (m.mean - m.half_width).max(m.mean * 0.5))
        .fold(hi, f64::min)
        .max(1e-9);
    let scale = Scale::for_range(lo, hi);
    let n = categories.len() as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(80)
        .build_cartesian_2d(-0.3..n - 0.7, {
            // Headroom above the data keeps the legend (upper left) off the lines.
            let r = scale.range(lo, hi);
            r.start..r.end + (r.end - r.start) * 0.4
        })
        .map_err(plot_err)?;
    chart
        .configure_mesh()
        .x_labels(categories.len() * 2 + 1)
        .x_label_formatter(&|x| category_label(categories, *x))
        .y_label_formatter(&|y| scale.label(*y))
        .x_desc(x_desc)
        .y_desc(format!("mean SLR, 95% CI{}", scale.note()))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 17))
        .draw()
        .map_err(plot_err)?;
    let k = data.schedulers.len().max(1) as f64;
    for (s, points) in series.iter().enumerate() {
        let c = colour(s);
        // A small horizontal offset per scheduler keeps the error bars apart.
        let dx = (s as f64 - (k - 1.0) / 2.0) * 0.02;
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|(x, m)| (x + dx, scale.map(m.mean))),
                c.stroke_width(2),
            ))
            .map_err(plot_err)?
            .label(data.schedulers[s].as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
        chart
            .draw_series(
                points
                    .iter()
                    .map(|(x, m)| Circle::new((x + dx, scale.map(m.mean)), 3, c.filled())),
            )
            .map_err(plot_err)?;
        chart
            .draw_series(points.iter().map(|(x, m)| {
                PathElement::new(
                    vec![
                        (x + dx, scale.map((m.mean - m.half_width).max(lo))),
                        (x + dx, scale.map(m.mean + m.half_width)),
                    ],
                    c.stroke_width(1),
                )
            }))
            .map_err(plot_err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 14))
        .draw()
        .map_err(plot_err)?;
    Ok(())
}

/// Scheduler means of makespan and energy ratios, with their Pareto front.
fn pareto<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &Data<'_>) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let mk = data.ratios(|r| r.get(&MAKESPAN));
    let en = data.ratios(|r| r.get(&ENERGY));
    let means: Vec<Option<(f64, f64)>> = (0..data.schedulers.len())
        .map(|s| {
            let m = mean_ci(&mk.iter().filter(|v| v.0 == s).map(|v| v.1).collect::<Vec<_>>())?;
            let e = mean_ci(&en.iter().filter(|v| v.0 == s).map(|v| v.1).collect::<Vec<_>>())?;
            Some((m.mean, e.mean))
        })
        .collect();
    let pts: Vec<(f64, f64)> = means.iter().flatten().copied().collect();
    let (x_hi, y_hi) = pts.iter().fold((1.0f64, 1.0f64), |(a, b), p| (a.max(p.0), b.max(p.1)));
    let (x_lo, y_lo) = pts.iter().fold((x_hi, y_hi), |(a, b), p| (a.min(p.0), b.min(p.1)));
    let (sx, sy) = (Scale::for_range(x_lo, x_hi), Scale::for_range(y_lo, y_hi));
    let mut front: Vec<(f64, f64)> = pts
        .iter()
        .copied()
        .filter(|p| !pts.iter().any(|q| q.0 <= p.0 && q.1 <= p.1 && (q.0 < p.0 || q.1 < p.1)))
        .collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut chart = ChartBuilder::on(root)
        .caption("Energy against makespan (scheduler means)", (FONT, 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(80)
        .build_cartesian_2d(sx.range(x_lo, x_hi), sy.range(y_lo, y_hi))
        .map_err(plot_err)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|x| sx.label(*x))
        .y_label_formatter(&|y| sy.label(*y))
        .x_desc(format!("makespan / best makespan on the instance (ratio{})", sx.note()))
        .y_desc(format!("energy / least energy on the instance (ratio{})", sy.note()))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 17))
        .draw()
        .map_err(plot_err)?;
    chart
        .draw_series(LineSeries::new(
            front.iter().map(|p| (sx.map(p.0), sy.map(p.1))),
            BLACK.stroke_width(1),
        ))
        .map_err(plot_err)?
        .label("Pareto front (ringed)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(1)));
    chart
        .draw_series(
            front
                .iter()
                .map(|p| Circle::new((sx.map(p.0), sy.map(p.1)), 11, BLACK.stroke_width(2))),
        )
        .map_err(plot_err)?;
    for (s, p) in means.iter().enumerate() {
        let Some(p) = *p else { continue };
        let c = colour(s);
        chart
            .draw_series([Circle::new((sx.map(p.0), sy.map(p.1)), 7, c.filled())])
            .map_err(plot_err)?
            .label(data.schedulers[s].as_str())
            .legend(move |(x, y)| Circle::new((x + 10, y), 5, c.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 14))
        .draw()
        .map_err(plot_err)?;
    Ok(())
}

/// `wins[i][j]`: instances where `i`'s makespan is strictly below `j`'s, and the count compared.
fn win_matrix(data: &Data<'_>) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let k = data.schedulers.len();
    let mut by_instance: BTreeMap<_, Vec<Option<f64>>> = BTreeMap::new();
    for row in &data.rows {
        by_instance.entry(instance(row)).or_insert_with(|| vec![None; k])[data.scheduler_index(&row.scheduler)] =
            row.get(&MAKESPAN);
    }
    let mut wins = vec![vec![0; k]; k];
    let mut total = vec![vec![0; k]; k];
    for ms in by_instance.values() {
        for i in 0..k {
            for j in 0..k {
                if let (Some(a), Some(b)) = (ms[i], ms[j]) {
                    total[i][j] += 1;
                    if a < b {
                        wins[i][j] += 1;
                    }
                }
            }
        }
    }
    (wins, total)
}

fn win_loss<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &Data<'_>) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (wins, total) = win_matrix(data);
    let k = data.schedulers.len();
    let n = k as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(
            "Win rate: row scheduler's makespan < column's (% of instances)",
            (FONT, 20),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(110)
        .build_cartesian_2d(-0.5..n - 0.5, n - 0.5..-0.5)
        .map_err(plot_err)?;
    let names = &data.schedulers;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(k * 2 + 1)
        .y_labels(k * 2 + 1)
        .x_label_formatter(&|x| category_label(names, *x))
        .y_label_formatter(&|y| category_label(names, *y))
        .x_desc("column: opponent")
        .y_desc("row: scheduler")
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(plot_err)?;
    for i in 0..k {
        for j in 0..k {
            let (x, y) = (j as f64, i as f64);
            if i == j || total[i][j] == 0 {
                chart
                    .draw_series([Rectangle::new(
                        [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                        RGBColor(235, 235, 235).filled(),
                    )])
                    .map_err(plot_err)?;
                continue;
            }
            let rate = wins[i][j] as f64 / total[i][j] as f64;
            // White at 0 %, deep blue at 100 %.
            let shade = |full: u8| (255.0 - (255.0 - f64::from(full)) * rate).round() as u8;
            let fill = RGBColor(shade(31), shade(119), shade(180));
            let text_colour = if rate > 0.6 { WHITE } else { BLACK };
            chart
                .draw_series([Rectangle::new([(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)], fill.filled())])
                .map_err(plot_err)?;
            let style = TextStyle::from((FONT, 15).into_font())
                .color(&text_colour)
                .pos(Pos::new(HPos::Center, VPos::Center));
            chart
                .draw_series([Text::new(format!("{:.0}", rate * 100.0), (x, y), style)])
                .map_err(plot_err)?;
        }
    }
    Ok(())
}

/// One Gantt panel: the representative run of each scheduler (the first
/// instance of the grid), or a real and a simulated run in `schedlab validate`.
pub(crate) struct Representative {
    pub(crate) scheduler: String,
    pub(crate) result: sim::RunResult,
    pub(crate) cores_per_node: Vec<u32>,
}

/// The representative runs of `config` (see [`Representative`]), the label
/// of their instance and its platform.
fn representatives(config: &Config) -> Result<(String, &sim::Platform, Vec<Representative>)> {
    let mut runs = Vec::new();
    let mut label = String::new();
    for s in 0..config.schedulers.len() {
        let cell = config.cells().find(|c| {
            c.scheduler == s && c.workload == 0 && c.platform == 0 && c.noise == 0 && c.failure == 0 && c.seed == 0
        });
        let Some(cell) = cell else { continue };
        let prepared = prepare(config, &cell)?;
        if label.is_empty() {
            let id = config.cell_id(&cell);
            label = id.replacen(&format!("|{}|", config.schedulers[s]), "|", 1);
        }
        let Ok(result) = prepared.spec(&config.schedulers[s]).execute() else {
            continue;
        };
        runs.push(Representative {
            scheduler: config.schedulers[s].clone(),
            cores_per_node: prepared.platform.nodes().iter().map(|n| n.cores).collect(),
            result,
        });
    }
    let platform = config
        .platforms
        .first()
        .map(|p| &p.platform)
        .context("the config has no platform")?;
    Ok((label, platform, runs))
}

pub(crate) fn gantt<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, runs: &[Representative]) -> Result<()>
where
    DB::ErrorType: 'static,
{
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
                format!("{}: makespan {:.3} s", run.scheduler, run.result.metrics.makespan),
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

/// Core utilisation of each run over time, in 60 equal bins of the longest
/// run (means of [`sim::metrics::utilisation_series`], so lost runs count).
fn utilisation<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    platform: &sim::Platform,
    runs: &[Representative],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let t_max = runs
        .iter()
        .map(|r| r.result.metrics.makespan)
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let series: Vec<(String, Vec<(f64, f64)>)> = runs
        .iter()
        .map(|run| {
            let bins = sim::metrics::utilisation_series(platform, &run.result).bin_means(t_max, 60);
            (
                run.scheduler.clone(),
                bins.into_iter().map(|(t, u)| (t, 100.0 * u)).collect(),
            )
        })
        .collect();
    LineChart {
        caption: "Core utilisation over time (representative runs)",
        x_desc: "time (s)",
        y_desc: "busy cores (% of all cores)",
        x_max: t_max,
        y_max: 105.0,
        series: &series,
    }
    .draw(root)
}

fn fmt_ci(m: Option<MeanCi>, scale: f64, digits: usize) -> String {
    m.map_or_else(
        || "–".to_owned(),
        |m| format!("{:.digits$} ± {:.digits$}", m.mean * scale, m.half_width * scale),
    )
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Sorted distinct labels of `key` over the rows, numerically when they parse.
fn categories(rows: &[&Row], key: &dyn Fn(&Row) -> Option<String>) -> Vec<String> {
    let set: BTreeSet<String> = rows.iter().filter_map(|r| key(r)).collect();
    let mut list: Vec<String> = set.into_iter().collect();
    list.sort_by(|a, b| match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        _ => a.cmp(b),
    });
    list
}

/// The table of per-scheduler means with 95 % CIs: one column per metric
/// whose [`InReport`] asks for one, in the order of [`METRICS`].
fn means_table(data: &Data<'_>) -> String {
    let columns: Vec<_> = METRICS.iter().filter(|m| m.report != InReport::No).collect();
    let mut t =
        String::from("<h2>Means with 95% confidence intervals</h2>\n<table>\n<tr><th>scheduler</th><th>runs</th>");
    for m in &columns {
        let header = match m.report {
            InReport::Ratio { .. } => format!("{} ratio", m.label),
            InReport::Mean { scale: 100.0, .. } => format!("{} (%)", m.label),
            _ => m.label.to_owned(),
        };
        let _ = write!(t, "<th>{}</th>", escape(&header));
    }
    t.push_str("</tr>\n");
    let ratios: Vec<Vec<(usize, f64)>> = columns.iter().map(|m| data.ratios(|r| r.get(m))).collect();
    for (s, name) in data.schedulers.iter().enumerate() {
        let mine: Vec<&&Row> = data.rows.iter().filter(|r| &r.scheduler == name).collect();
        let _ = write!(t, "<tr><td>{}</td><td>{}</td>", escape(name), mine.len());
        for (m, ratio) in columns.iter().zip(&ratios) {
            let cell = match m.report {
                InReport::Ratio { digits } => {
                    let mean = mean_ci(&ratio.iter().filter(|x| x.0 == s).map(|x| x.1).collect::<Vec<_>>());
                    fmt_ci(mean, 1.0, digits)
                }
                InReport::Mean { scale, digits } => fmt_ci(
                    mean_ci(&mine.iter().filter_map(|r| r.get(m)).collect::<Vec<_>>()),
                    scale,
                    digits,
                ),
                InReport::No => String::new(),
            };
            let _ = write!(t, "<td>{cell}</td>");
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</table>\n");
    t
}

/// Writes `DIR/report.html` and `DIR/plots/*`; returns the report's path.
///
/// # Errors
/// If the results cannot be read or a file cannot be written.
pub fn write(dir: &Path) -> Result<PathBuf> {
    register_font()?;
    let rows = read_results(dir)?;
    let manifest = read_manifest(dir)?;
    let provenance = &manifest.provenance;
    let config_text = provenance.config.as_str();
    let config = Config::parse(config_text, Path::new(&provenance.config_dir));
    let title = provenance.name.clone();

    let mut schedulers: Vec<String> = Vec::new();
    for row in &rows {
        if !schedulers.contains(&row.scheduler) {
            schedulers.push(row.scheduler.clone());
        }
    }
    let data = Data {
        rows: rows.iter().filter(|r| r.error.is_empty()).collect(),
        schedulers,
    };
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots).with_context(|| format!("cannot create {}", plots.display()))?;
    let mut html = String::new();
    let section = |html: &mut String, heading: &str, note: &str, svg: &str| {
        let _ = write!(
            html,
            "<h2>{}</h2>\n<p>{}</p>\n<figure>{svg}</figure>\n",
            escape(heading),
            note
        );
    };

    let mut body = String::new();
    if data.rows.is_empty() {
        body.push_str("<p>No run succeeded; see the error column of results.csv.</p>\n");
    } else {
        let names = &data.schedulers;
        let mk = data.ratios(|r| r.get(&MAKESPAN));
        let svg = render!(plots, "makespan", (900, 500), |root: &DrawingArea<_, Shift>| box_plot(
            root,
            "Makespan relative to the best scheduler on each instance",
            "makespan / best makespan (ratio)",
            names,
            &mk
        ));
        section(
            &mut body,
            "Makespan",
            "Box: quartiles; black line: median; whiskers: minimum and maximum. An instance is one workload, platform, noise level, failure setting and seed; 1 means best on that instance.",
            &svg,
        );
        let slr: Vec<(usize, f64)> = data
            .rows
            .iter()
            .filter_map(|r| Some((data.scheduler_index(&r.scheduler), r.get(&SLR)?)))
            .collect();
        let svg = render!(plots, "slr", (900, 500), |root: &DrawingArea<_, Shift>| box_plot(
            root,
            "Schedule length ratio per scheduler",
            "SLR (makespan / critical path on fastest node)",
            names,
            &slr
        ));
        section(
            &mut body,
            "Schedule length ratio",
            "Makespan over the critical path of estimated task times on their fastest nodes, communication free; \
             lower is better. At least 1 without noise or speed errors; with them runs can be shorter than \
             estimated and SLR can fall below 1.",
            &svg,
        );

        let ccr_key = |r: &Row| r.ccr.map(|c| c.to_string());
        let ccrs = categories(&data.rows, &ccr_key);
        if ccrs.len() >= 2 {
            let svg = render!(
                plots,
                "slr_vs_ccr",
                (900, legend_height(data.schedulers.len())),
                |root: &DrawingArea<_, Shift>| {
                    slr_lines(
                        root,
                        &data,
                        "SLR against communication-to-computation ratio",
                        "CCR (generator key ccr)",
                        &ccrs,
                        &ccr_key,
                    )
                }
            );
            section(
                &mut body,
                "SLR against CCR",
                "Mean over every other parameter; bars: 95% confidence intervals.",
                &svg,
            );
        }
        let nodes_key = |r: &Row| Some(r.nodes.to_string());
        let node_counts = categories(&data.rows, &nodes_key);
        if node_counts.len() >= 2 {
            let svg = render!(
                plots,
                "slr_vs_nodes",
                (900, legend_height(data.schedulers.len())),
                |root: &DrawingArea<_, Shift>| {
                    slr_lines(
                        root,
                        &data,
                        "SLR against platform size",
                        "nodes in the platform",
                        &node_counts,
                        &nodes_key,
                    )
                }
            );
            section(
                &mut body,
                "SLR against node count",
                "Mean over every other parameter; bars: 95% confidence intervals.",
                &svg,
            );
        }
        let svg = render!(plots, "energy_vs_makespan", (900, 550), |root: &DrawingArea<
            _,
            Shift,
        >| pareto(root, &data));
        section(
            &mut body,
            "Energy against makespan",
            "Means of per-instance ratios to the best scheduler on the instance; the line joins the schedulers no other beats on both.",
            &svg,
        );
        let k = data.schedulers.len();
        let side = (180 + 90 * k) as u32;
        let svg = render!(plots, "win_loss", (side + 60, side), |root: &DrawingArea<_, Shift>| {
            win_loss(root, &data)
        });
        section(
            &mut body,
            "Win/loss matrix",
            "Cell (row, column): percentage of instances where the row scheduler's makespan is strictly shorter than the column's.",
            &svg,
        );

        match config.as_ref().map_err(|e| anyhow!("{e:#}")).and_then(representatives) {
            Ok((label, platform, runs)) if !runs.is_empty() => {
                let n_nodes = runs.iter().map(|r| r.cores_per_node.len()).max().unwrap_or(1);
                let height = ((110 + 25 * n_nodes).clamp(180, 400) * runs.len()) as u32;
                let svg = render!(plots, "gantt", (1000, height), |root: &DrawingArea<_, Shift>| gantt(
                    root, &runs
                ));
                section(
                    &mut body,
                    "Gantt charts",
                    &format!(
                        "One run per scheduler, instance <code>{}</code>; each node's band is split by core, one colour per task.",
                        escape(&label)
                    ),
                    &svg,
                );
                let svg = render!(plots, "utilisation", (900, 500), |root: &DrawingArea<_, Shift>| {
                    utilisation(root, platform, &runs)
                });
                section(
                    &mut body,
                    "Utilisation over time",
                    &format!(
                        "The same runs; busy cores in 60 equal time bins. Instance <code>{}</code>.",
                        escape(&label)
                    ),
                    &svg,
                );
            }
            Ok(_) => body.push_str("<p>No representative run succeeded, so there are no Gantt charts.</p>\n"),
            Err(e) => {
                let _ = writeln!(
                    body,
                    "<p>Gantt charts skipped: the config cannot be rebuilt ({}).</p>",
                    escape(&format!("{e:#}"))
                );
            }
        }

        body.push_str(&means_table(&data));

        let families = categories(&data.rows, &|r: &Row| Some(r.family.clone()));
        let platforms = categories(&data.rows, &|r: &Row| Some(r.platform.clone()));
        for (what, groups, key) in [
            (
                "workload family",
                &families,
                &(|r: &Row| r.family.clone()) as &dyn Fn(&Row) -> String,
            ),
            ("platform", &platforms, &|r: &Row| r.platform.clone()),
        ] {
            let _ = write!(body, "<h3>Mean SLR by {what}</h3>\n<table>\n<tr><th>scheduler</th>");
            for g in groups.iter() {
                let _ = write!(body, "<th>{}</th>", escape(g));
            }
            body.push_str("</tr>\n");
            for name in &data.schedulers {
                let _ = write!(body, "<tr><td>{}</td>", escape(name));
                for g in groups.iter() {
                    let vals: Vec<f64> = data
                        .rows
                        .iter()
                        .filter(|r| &r.scheduler == name && &key(r) == g)
                        .filter_map(|r| r.get(&SLR))
                        .collect();
                    let _ = write!(body, "<td>{}</td>", fmt_ci(mean_ci(&vals), 1.0, 3));
                }
                body.push_str("</tr>\n");
            }
            body.push_str("</table>\n");
        }
    }

    let failed = rows.len() - data.rows.len();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\n<style>body{{font-family:sans-serif;max-width:1050px;margin:2em auto;color:#222}}figure{{margin:0}}svg{{max-width:100%;height:auto}}table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}td:first-child,th:first-child{{text-align:left}}pre{{background:#f6f6f6;padding:1em;overflow:auto}}</style></head><body>\n<h1>{t}</h1>\n<p>{n} runs ({failed} failed), {k} schedulers. Results: <code>results.csv</code>, <code>results.jsonl</code>; provenance: <code>manifest.json</code> (config SHA-256 <code>{h}</code>, schedlab {v}, git {g}). PNG and SVG copies of every plot are in <code>plots/</code>.</p>\n",
        t = escape(&title),
        n = rows.len(),
        k = data.schedulers.len(),
        h = escape(&provenance.config_sha256),
        v = escape(&provenance.schedlab_version),
        g = escape(provenance.git_revision.as_deref().unwrap_or("unknown")),
    );
    html.push_str(&body);
    let _ = write!(
        html,
        "<h2>Config</h2>\n<pre>{}</pre>\n</body></html>\n",
        escape(config_text)
    );
    let path = dir.join("report.html");
    crate::output::write_atomic(&path, html.as_bytes())?;
    Ok(path)
}
