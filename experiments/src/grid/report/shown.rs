//! The instance whose runs the report draws as Gantt charts and utilisation
//! curves, and those runs, recomputed (runs are deterministic, so they are
//! the runs the tables count).
//!
//! `[report] show` picks it by its coordinates ([`Selector`]); a selector
//! that names a scheduler keeps only that scheduler's run. Without one the
//! report shows the *median* instance: each instance is scored by the mean,
//! over its schedulers, of the makespan ratio to the best scheduler on it,
//! and the instance with the median score (the lower of two middles; ties in
//! grid order) is shown, so the picture is typical rather than the grid's
//! first cell.

use super::data::{Data, Instance, instance};
use crate::gantt::Panel;
use crate::grid::config::Config;
use crate::grid::select::Selector;
use crate::grid::sweep::rerun;
use crate::plot::{LineChart, Plot};
use crate::results::Row;
use crate::results::metrics::MAKESPAN;
use anyhow::{Context as _, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;

/// The rows of the shown instance and how it was chosen (HTML-free text).
pub struct Choice<'a> {
    /// Successful rows of the instance, in grid order.
    pub rows: Vec<&'a Row>,
    /// How the instance was chosen, for the report's note.
    pub why: String,
}

/// The rows to show: those of the first instance with a row matching
/// `selector`, or of the median instance; `None` when nothing matches.
pub fn choose<'a>(data: &Data<'a>, selector: Option<&Selector>) -> Option<Choice<'a>> {
    if let Some(selector) = selector {
        let first = data.rows.iter().find(|r| selector.matches(r))?;
        let key = instance(first);
        let rows = data
            .rows
            .iter()
            .filter(|r| instance(r) == key && selector.matches(r))
            .copied()
            .collect();
        return Some(Choice {
            rows,
            why: format!("chosen by [report] show = {{ {selector} }}"),
        });
    }
    let mut scores: BTreeMap<Instance, (usize, f64, usize)> = BTreeMap::new();
    for (row, ratio) in data.row_ratios(|r| r.get(&MAKESPAN)) {
        let e = scores.entry(instance(row)).or_insert((row.index, 0.0, 0));
        e.0 = e.0.min(row.index);
        e.1 += ratio;
        e.2 += 1;
    }
    let mut ranked: Vec<(f64, usize, Instance)> = scores
        .into_iter()
        .map(|(key, (first, sum, n))| (sum / n as f64, first, key))
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (score, _, key) = ranked.get(ranked.len().checked_sub(1)? / 2)?.clone();
    Some(Choice {
        rows: data.rows.iter().filter(|r| instance(r) == key).copied().collect(),
        why: format!(
            "the median of {} instances by mean makespan ratio to the best scheduler on the instance ({score:.3}); \
             choose another with [report] show",
            ranked.len()
        ),
    })
}

/// Reruns `rows`' cells of `config`; returns the platform and one panel per run.
///
/// # Errors
/// If a row's cell is not in the config or cannot be prepared or run.
pub fn panels<'c>(config: &'c Config, rows: &[&Row]) -> Result<(&'c sim::Platform, Vec<Panel>)> {
    let mut platform = None;
    let mut panels = Vec::new();
    for row in rows {
        let (prepared, result) = rerun(config, row)?;
        panels.push(Panel {
            title: row.policy.clone(),
            cores_per_node: prepared.platform.nodes().iter().map(|n| n.cores).collect(),
            result,
        });
        platform = Some(prepared.platform);
    }
    Ok((platform.context("no run to show")?, panels))
}

/// Core utilisation of each run over time, in 60 equal bins of the longest
/// run (means of [`sim::metrics::utilisation_series`], so lost runs count).
pub struct Utilisation<'a> {
    /// The platform the runs ran on.
    pub platform: &'a sim::Platform,
    /// The runs.
    pub panels: &'a [Panel],
}

impl Plot for Utilisation<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let t_max = self
            .panels
            .iter()
            .map(|r| r.result.metrics.makespan)
            .fold(0.0f64, f64::max)
            .max(1e-9);
        let series: Vec<(String, Vec<(f64, f64)>)> = self
            .panels
            .iter()
            .map(|run| {
                let bins = sim::metrics::utilisation_series(self.platform, &run.result).bin_means(t_max, 60);
                (
                    run.title.clone(),
                    bins.into_iter().map(|(t, u)| (t, 100.0 * u)).collect(),
                )
            })
            .collect();
        LineChart {
            caption: "Core utilisation over time (the shown instance)",
            x_desc: "time (s)",
            y_desc: "busy cores (% of all cores)",
            x_max: t_max,
            y_max: 105.0,
            series: &series,
        }
        .draw(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::row::sample;

    /// Seeds 0..5 where `cpop` trails `heft` by `gap[seed]`: the mean ratio
    /// of instance `s` is (1 + (1 + gap) / 1) / 2, ordered by the gap.
    fn rows(gaps: &[f64]) -> Vec<Row> {
        gaps.iter()
            .enumerate()
            .flat_map(|(seed, gap)| {
                let seed = seed as u64;
                [sample("heft", seed, 10.0), sample("cpop", seed, 10.0 * (1.0 + gap))]
            })
            .enumerate()
            .map(|(index, row)| Row { index, ..row })
            .collect()
    }

    #[test]
    fn the_default_is_the_median_instance() {
        let rows = rows(&[0.5, 0.1, 0.9, 0.3, 0.7]);
        let data = Data::new(&rows);
        let choice = choose(&data, None).unwrap();
        // Gaps sorted: 0.1, 0.3, 0.5, 0.7, 0.9; the median 0.5 is seed 0.
        assert!(choice.rows.iter().all(|r| r.seed == 0) && choice.rows.len() == 2);
        assert!(choice.why.contains("median of 5 instances"), "{}", choice.why);
        // With an even count the lower middle is taken: gaps 0.1, 0.3 | 0.7, 0.9.
        let rows = rows_without(&rows, 0);
        let choice = choose(&Data::new(&rows), None).unwrap();
        assert!(choice.rows.iter().all(|r| r.seed == 3), "{:?}", choice.rows);
    }

    fn rows_without(rows: &[Row], seed: u64) -> Vec<Row> {
        rows.iter().filter(|r| r.seed != seed).cloned().collect()
    }

    #[test]
    fn a_selector_picks_its_instance_and_scheduler() {
        let rows = rows(&[0.5, 0.1, 0.9]);
        let data = Data::new(&rows);
        let selector: Selector = "seed=2".parse().unwrap();
        let choice = choose(&data, Some(&selector)).unwrap();
        assert_eq!(choice.rows.len(), 2);
        assert!(choice.rows.iter().all(|r| r.seed == 2));
        let selector: Selector = "seed=2,scheduler=cpop".parse().unwrap();
        let choice = choose(&data, Some(&selector)).unwrap();
        assert_eq!(choice.rows.len(), 1);
        assert_eq!(choice.rows[0].scheduler, "cpop");
        assert!(choose(&data, Some(&"seed=7".parse().unwrap())).is_none());
    }
}
