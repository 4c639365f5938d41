//! The report's charts of pooled results, each a [`Plot`]: box plots of
//! per-instance ratios, SLR against a grid axis, the energy–makespan Pareto
//! chart and the win/loss matrix.

use super::data::{Data, instance};
use super::paper::{PairTest, significant};
use crate::plot::{AXIS_FONT, FONT, Matrix, Plot, Scale, TICK_FONT, category_label, colour, legend, plot_err};
use crate::results::Row;
use crate::results::metrics::{ENERGY, MAKESPAN, Metric};
use crate::stats::{MeanCi, five_numbers, mean_ci};
use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;

/// Box plots of values per scheduler: quartile box, median line, min–max whiskers.
pub struct BoxPlot<'a> {
    /// Title above the chart.
    pub title: &'a str,
    /// Y axis description.
    pub y_desc: &'a str,
    /// Scheduler names, in x order.
    pub names: &'a [String],
    /// (scheduler index, value) pairs.
    pub values: &'a [(usize, f64)],
}

impl Plot for BoxPlot<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let BoxPlot {
            title,
            y_desc,
            names,
            values,
        } = *self;
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
            .label_style(TICK_FONT)
            .axis_desc_style(AXIS_FONT)
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
}

/// "mean LABEL" for a metric, or its label when it is a mean already.
fn mean_of(metric: &Metric) -> String {
    if metric.label.starts_with("mean ") {
        metric.label.to_owned()
    } else {
        format!("mean {}", metric.label)
    }
}

/// Mean ± 95 % CI of a metric (SLR; a stream's mean slowdown) per
/// scheduler against the categories of a grid axis.
pub struct MetricLines<'a> {
    /// The rows.
    pub data: &'a Data<'a>,
    /// The metric averaged.
    pub metric: &'a Metric,
    /// Title above the chart.
    pub title: &'a str,
    /// X axis description.
    pub x_desc: &'a str,
    /// The axis' values, in x order.
    pub categories: &'a [String],
    /// A row's value on the axis.
    pub key: &'a dyn Fn(&Row) -> Option<String>,
}

impl Plot for MetricLines<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let MetricLines {
            data,
            metric,
            title,
            x_desc,
            categories,
            key,
        } = *self;
        let mut series: Vec<Vec<(f64, MeanCi)>> = Vec::new();
        for name in &data.schedulers {
            let mut points = Vec::new();
            for (i, cat) in categories.iter().enumerate() {
                let vals: Vec<f64> = data
                    .rows
                    .iter()
                    .filter(|r| &r.policy == name && key(r).as_ref() == Some(cat))
                    .filter_map(|r| r.get(metric))
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
            .y_desc(format!("{}, 95% CI{}", mean_of(metric), scale.note()))
            .label_style(TICK_FONT)
            .axis_desc_style(AXIS_FONT)
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
        // The legend goes to the side where the lines are lower, so it hides none.
        let highest_at = |x: f64| {
            series
                .iter()
                .flatten()
                .filter(|(cx, _)| *cx == x)
                .map(|(_, m)| m.mean)
                .fold(f64::NEG_INFINITY, f64::max)
        };
        let last = (categories.len().max(1) - 1) as f64;
        let corner = if highest_at(0.0) > highest_at(last) {
            SeriesLabelPosition::UpperRight
        } else {
            SeriesLabelPosition::UpperLeft
        };
        legend(&mut chart, corner)
    }
}

/// Scheduler means of time (makespan, or mean JCT on job streams) and
/// energy ratios, with their Pareto front.
pub struct Pareto<'a> {
    /// The rows.
    pub data: &'a Data<'a>,
    /// The time metric on the x axis.
    pub time: &'static Metric,
}

impl Plot for Pareto<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let data = self.data;
        let mk = data.ratios(|r| r.get(self.time));
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
            .caption(
                format!("Energy against {} (scheduler means)", self.time.label),
                (FONT, 22),
            )
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(80)
            .build_cartesian_2d(sx.range(x_lo, x_hi), sy.range(y_lo, y_hi))
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|x| sx.label(*x))
            .y_label_formatter(&|y| sy.label(*y))
            .x_desc(format!(
                "{0} / best {0} on the instance (ratio{1})",
                self.time.label,
                sx.note()
            ))
            .y_desc(format!("energy / least energy on the instance (ratio{})", sy.note()))
            .label_style(TICK_FONT)
            .axis_desc_style(AXIS_FONT)
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
        // The legend goes in the right-hand corner with fewer points under it.
        let right = |p: &&(f64, f64)| p.0 > (x_lo + x_hi) / 2.0;
        let low = pts.iter().filter(right).filter(|p| p.1 < (y_lo + y_hi) / 2.0).count();
        let high = pts.iter().filter(right).count() - low;
        let corner = if low > high {
            SeriesLabelPosition::UpperRight
        } else {
            SeriesLabelPosition::LowerRight
        };
        legend(&mut chart, corner)
    }
}

/// `wins[i][j]`: instances where `i`'s makespan is strictly below `j`'s, and the count compared.
fn win_matrix(data: &Data<'_>) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let k = data.schedulers.len();
    let mut by_instance: BTreeMap<_, Vec<Option<f64>>> = BTreeMap::new();
    for row in &data.rows {
        by_instance.entry(instance(row)).or_insert_with(|| vec![None; k])[data.scheduler_index(&row.policy)] =
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

/// The win/loss matrix: how often the row scheduler's makespan is shorter
/// than the column's, with significant pairs starred.
pub struct WinLoss<'a> {
    /// The rows.
    pub data: &'a Data<'a>,
    /// Paired tests of every pair of schedulers.
    pub tests: &'a [PairTest],
}

impl Plot for WinLoss<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let WinLoss { data, tests } = *self;
        let (wins, total) = win_matrix(data);
        let names = &data.schedulers;
        let cells: Vec<Vec<Option<(f64, String)>>> = (0..names.len())
            .map(|i| {
                (0..names.len())
                    .map(|j| {
                        (i != j && total[i][j] > 0).then(|| {
                            let rate = wins[i][j] as f64 / total[i][j] as f64;
                            let mark = if significant(tests, &names[i], &names[j]) {
                                "*"
                            } else {
                                ""
                            };
                            (rate, format!("{:.0}{mark}", rate * 100.0))
                        })
                    })
                    .collect()
            })
            .collect();
        Matrix {
            caption: "Win rate: row's makespan < column's (% of instances); * Wilcoxon-Holm p < 0.05",
            names,
            x_desc: "column: opponent",
            y_desc: "row: scheduler",
            cells: &cells,
        }
        .draw(root)
    }
}
