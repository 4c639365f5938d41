//! `schedlab adversary --all A,B,…`: the search for every ordered pair of
//! schedulers with one budget, PISA's heatmap of worst ratios, and a page per
//! pair with the two schedules of its worst instance side by side and the
//! search's progress.

use super::{Options, Outcome, search, write};
use crate::gantt::{Gantt, Panel};
use crate::html::{Page, escape};
use crate::plot::{Figures, LineChart, Matrix};
use crate::run::RunSpec;
use anyhow::{Result, bail};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A pair's folder name: the specs with characters file systems dislike replaced.
fn folder(target: &str, baseline: &str) -> String {
    let clean = |s: &str| s.replace([':', ',', '=', '/'], "_");
    format!("{}-vs-{}", clean(target), clean(baseline))
}

/// Runs every ordered pair of `schedulers` with `template`'s other settings,
/// writes each pair's folder and page, the heatmap (`heatmap.png`, `.svg`,
/// `.csv`) and `index.html` into `dir`; returns the worst ratios,
/// `ratios[target][baseline]`.
///
/// # Errors
/// Fewer than two schedulers, a repeated one, or a failing search or write.
pub fn run(template: &Options, schedulers: &[String], dir: &Path) -> Result<Vec<Vec<Option<f64>>>> {
    if schedulers.len() < 2 {
        bail!("--all needs at least two schedulers, comma separated");
    }
    if let Some(s) = schedulers
        .iter()
        .enumerate()
        .find_map(|(i, s)| schedulers[..i].contains(s).then_some(s))
    {
        bail!("--all: scheduler {s:?} is listed twice");
    }
    let figures = Figures::create(dir.to_path_buf())?;
    let k = schedulers.len();
    let mut ratios = vec![vec![None; k]; k];
    let mut links = String::new();
    for (i, target) in schedulers.iter().enumerate() {
        for (j, baseline) in schedulers.iter().enumerate() {
            if i == j {
                continue;
            }
            let options = Options {
                target: target.clone(),
                baseline: baseline.clone(),
                ..template.clone()
            }
            .pinned()?;
            let started = std::time::Instant::now();
            let outcome = search(&options)?;
            let name = folder(target, baseline);
            let pair_dir = dir.join(&name);
            write(&pair_dir, &options, &outcome, started.elapsed().as_secs_f64())?;
            pair_page(&pair_dir, &options, &outcome)?;
            ratios[i][j] = Some(outcome.best_ratio);
            let _ = writeln!(
                links,
                "<li><a href=\"{name}/report.html\">{} against {}</a>: {:.3}</li>",
                escape(target),
                escape(baseline),
                outcome.best_ratio
            );
        }
    }
    let worst = ratios.iter().flatten().flatten().copied().fold(1.0f64, f64::max);
    let cells: Vec<Vec<Option<(f64, String)>>> = ratios
        .iter()
        .map(|row| {
            row.iter()
                .map(|r| r.map(|r| (r.max(1.0).ln() / worst.ln().max(1e-9), format!("{r:.2}"))))
                .collect()
        })
        .collect();
    let side = (180 + 90 * k) as u32;
    let caption = format!(
        "Worst {:?} ratio found: row (target) / column (baseline)",
        template.metric
    );
    let svg = figures.add(
        "heatmap",
        (side + 60, side),
        &Matrix {
            caption: &caption,
            names: schedulers,
            x_desc: "column: baseline",
            y_desc: "row: target",
            cells: &cells,
        },
    )?;
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(["target", "baseline", "worst_ratio"])?;
    for (i, target) in schedulers.iter().enumerate() {
        for (j, baseline) in schedulers.iter().enumerate() {
            if let Some(r) = ratios[i][j] {
                csv.write_record([target.as_str(), baseline.as_str(), &r.to_string()])?;
            }
        }
    }
    crate::output::write_atomic(&dir.join("heatmap.csv"), &csv.into_inner()?)?;
    let mut page = Page::new("Adversarial instance search");
    page.figure(
        "Worst ratios",
        &escape(&format!(
            "Per ordered pair: the highest ratio of the row scheduler's {} to the column's that simulated annealing found \
             ({} restarts × {} steps, {} tasks, {} nodes, values in [{}, {}], network {}, noise {}, {} samples, seed {}). \
             Shade: log of the ratio, from 1 (white) to the largest (blue).",
            template.metric.name(),
            template.restarts,
            template.iterations,
            template.tasks,
            template.nodes,
            template.bounds.low,
            template.bounds.high,
            template.network.map_or_else(|| "contention-free".to_owned(), |m| m.to_string()),
            template.noise,
            template.samples,
            template.seed
        )),
        &svg,
    );
    page.push(&format!("<h2>Pairs</h2>\n<ul>\n{links}</ul>\n"));
    page.write(&dir.join("index.html"))?;
    Ok(ratios)
}

/// `report.html` of one pair: both schedules of the worst instance and the
/// best ratio of each restart against the steps.
fn pair_page(dir: &Path, options: &Options, outcome: &Outcome) -> Result<PathBuf> {
    let figures = Figures::create(dir.join("plots"))?;
    let dag = outcome.best.dag()?;
    let platform = outcome.best.platform()?;
    let mut panels = Vec::new();
    for scheduler in [&options.target, &options.baseline] {
        let result = RunSpec {
            dag: &dag,
            platform: &platform,
            scheduler,
            resource_manager: schedulers::resource::DEFAULT,
            settings: sim::SimConfig::default(),
        }
        .execute()?;
        panels.push(Panel {
            title: scheduler.clone(),
            cores_per_node: platform.nodes().iter().map(|n| n.cores).collect(),
            result,
        });
    }
    let mut page = Page::new(&format!("{} against {}", options.target, options.baseline));
    page.figure(
        "The worst instance",
        &format!(
            "Ratio {:.4}; the instance is <code>worst.json</code> (with its platform), the platform alone <code>worst-platform.toml</code>. \
             One run each, without noise or failures.",
            outcome.best_ratio
        ),
        &figures.add("gantt", (1000, 600), &Gantt { panels: &panels })?,
    );
    let series: Vec<(String, Vec<(f64, f64)>)> = (0..options.restarts)
        .map(|r| {
            let points = outcome
                .trace
                .iter()
                .filter(|s| s.restart == r)
                .map(|s| (f64::from(s.iteration), s.best))
                .collect();
            (format!("restart {r}"), points)
        })
        .collect();
    let y_max = outcome.best_ratio * 1.1;
    page.figure(
        "Search progress",
        "The best ratio each restart had found after each step (the full trace is <code>trace.csv</code>).",
        &figures.add(
            "progress",
            (900, 450),
            &LineChart {
                caption: "Best ratio found",
                x_desc: "step",
                y_desc: "target / baseline",
                x_max: f64::from(options.iterations),
                y_max,
                series: &series,
            },
        )?,
    );
    let path = dir.join("report.html");
    page.write(&path)?;
    Ok(path)
}
