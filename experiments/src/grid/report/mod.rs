//! `schedlab report DIR`: a self-contained `report.html` with inline SVG
//! plots (PNG and SVG copies in `DIR/plots/`), tables of means with 95 %
//! confidence intervals, and paper tables (`DIR/tables/`, CSV and LaTeX),
//! made from `DIR/results.jsonl`.
//!
//! Makespans and energies of different workloads and platforms differ by
//! orders of magnitude, so the plots that pool instances use ratios to the
//! best scheduler on the same instance (same workload, platform, noise,
//! failures and seed); the paper tables give absolute values in units. The
//! Gantt charts and utilisation curves rerun one instance (see [`shown`]).
//!
//! Every chart is a [`crate::plot::Plot`] with the look [`crate::plot`] defines.

mod charts;
mod data;
pub mod paper;
mod shown;
mod stream;
mod tables;

use crate::gantt::Gantt;
use crate::grid::config::Config;
use crate::html::{Page, escape};
use crate::plot::Figures;
use crate::results::metrics::{MAKESPAN, MEAN_JCT, MEAN_SLOWDOWN, SLR};
use crate::results::{Row, read_manifest, read_results};
use anyhow::{Result, anyhow};
use charts::{BoxPlot, MetricLines, Pareto, WinLoss};
use data::{Data, categories, generator_param, varying_params};
use std::path::{Path, PathBuf};

/// Height of a plot whose legend lists `n_series` entries, so the legend fits.
fn legend_height(n_series: usize) -> u32 {
    (140 + 19 * n_series as u32).max(500)
}

/// Writes `DIR/report.html`, `DIR/plots/*` and `DIR/tables/*`; returns the report's path.
///
/// # Errors
/// If the results cannot be read or a file cannot be written.
pub fn write(dir: &Path) -> Result<PathBuf> {
    let rows = read_results(dir)?;
    let manifest = read_manifest(dir)?;
    let provenance = &manifest.provenance;
    let config = Config::parse(&provenance.config, Path::new(&provenance.config_dir));
    let data = Data::new(&rows);
    let figures = Figures::create(dir.join("plots"))?;

    let mut page = Page::new(&provenance.name);
    page.paragraph(&format!(
        "{n} runs ({failed} failed), {k} schedulers. Results: <code>results.csv</code>, <code>results.jsonl</code>; \
         provenance: <code>manifest.json</code> (config SHA-256 <code>{h}</code>, schedlab {v}, git {g}). \
         PNG and SVG copies of every plot are in <code>plots/</code>; the paper tables, as CSV and LaTeX, in <code>tables/</code>.",
        n = rows.len(),
        failed = rows.len() - data.rows.len(),
        k = data.schedulers.len(),
        h = escape(&provenance.config_sha256),
        v = escape(&provenance.schedlab_version),
        g = escape(provenance.git_revision.as_deref().unwrap_or("unknown")),
    ));
    if data.rows.is_empty() {
        page.paragraph("No run succeeded; see the error column of results.csv.");
    } else {
        let tests = paper::pair_tests(&data.rows);
        pooled_figures(&mut page, &figures, &data, &tests)?;
        match &config {
            Ok(config) if is_stream_grid(&data) => stream::figures(&mut page, &figures, &data, config)?,
            Ok(config) => shown_runs(&mut page, &figures, &data, config)?,
            Err(e) => page.paragraph(&format!(
                "Gantt charts skipped: the config cannot be rebuilt ({}).",
                escape(&format!("{e:#}"))
            )),
        }
        page.push(&tables::means_table(&data));
        paper_tables(&mut page, dir, &data, &tests)?;
        page.push(&tables::slr_by_group(&data));
    }
    page.preformatted("Config", &provenance.config);
    let path = dir.join("report.html");
    page.write(&path)?;
    Ok(path)
}

/// Whether the grid ran job streams (whose runs are judged by their jobs).
fn is_stream_grid(data: &Data<'_>) -> bool {
    data.rows.iter().any(|r| r.get(&MEAN_SLOWDOWN).is_some())
}

/// A row's value on a grid axis, as a category label.
type RowKey = Box<dyn Fn(&Row) -> Option<String>>;

/// A grid axis the report draws mean SLR against, when it has two values or more.
struct SlrAxis<'a> {
    file: String,
    heading: String,
    title: String,
    x_desc: String,
    key: &'a dyn Fn(&Row) -> Option<String>,
}

/// The charts that pool every instance: makespan and SLR boxes, SLR against
/// CCR and node count, the energy–makespan front and the win/loss matrix.
fn pooled_figures(page: &mut Page, figures: &Figures, data: &Data<'_>, tests: &[paper::PairTest]) -> Result<()> {
    let names = &data.schedulers;
    let streams = is_stream_grid(data);
    let mk = data.ratios(|r| r.get(if streams { &MEAN_JCT } else { &MAKESPAN }));
    let plot = BoxPlot {
        title: if streams {
            "Mean job completion time relative to the best scheduler on each instance"
        } else {
            "Makespan relative to the best scheduler on each instance"
        },
        y_desc: if streams {
            "mean JCT / best mean JCT (ratio)"
        } else {
            "makespan / best makespan (ratio)"
        },
        names,
        values: &mk,
    };
    page.figure(
        if streams { "Job completion time" } else { "Makespan" },
        "Box: quartiles; black line: median; whiskers: minimum and maximum. An instance is one workload, platform, noise level, failure setting and seed; 1 means best on that instance.",
        &figures.add(if streams { "mean_jct" } else { "makespan" }, (900, 500), &plot)?,
    );
    let level = if streams { &MEAN_SLOWDOWN } else { &SLR };
    let slr: Vec<(usize, f64)> = data
        .rows
        .iter()
        .filter_map(|r| Some((data.scheduler_index(&r.policy), r.get(level)?)))
        .collect();
    let plot = BoxPlot {
        title: if streams {
            "Mean slowdown per scheduler"
        } else {
            "Schedule length ratio per scheduler"
        },
        y_desc: if streams {
            "mean slowdown (JCT / job's critical path alone)"
        } else {
            "SLR (makespan / critical path on fastest node)"
        },
        names,
        values: &slr,
    };
    if streams {
        page.figure(
            "Slowdown",
            "Per run, the mean over its jobs of JCT over the job's critical path of estimated task times on their fastest \
             nodes, communication free (its time alone on the platform); 1 is no slowdown.",
            &figures.add("slowdown", (900, 500), &plot)?,
        );
    } else {
        page.figure(
            "Schedule length ratio",
            "Makespan over the critical path of estimated task times on their fastest nodes, communication free; \
             lower is better. At least 1 without noise or speed errors; with them runs can be shorter than \
             estimated and SLR can fall below 1.",
            &figures.add("slr", (900, 500), &plot)?,
        );
    }

    // SLR against every generator key the grid varies (CCR, a moldable
    // workload's serial fraction, the task count, …) and against node count.
    let keys = varying_params(&data.rows);
    let key_fns: Vec<RowKey> = keys
        .iter()
        .map(|key| {
            let key = key.clone();
            Box::new(move |r: &Row| generator_param(r, &key)) as RowKey
        })
        .collect();
    let nodes_key = |r: &Row| Some(r.nodes.to_string());
    let mut axes: Vec<SlrAxis<'_>> = keys
        .iter()
        .zip(&key_fns)
        .map(|(key, f)| {
            let (heading, title, x_desc) = if streams {
                (
                    format!("Mean slowdown against {key}"),
                    format!("Mean slowdown against the stream's {key}"),
                    if key == "load" {
                        "offered load (arrival rate × mean job work / Σ cores × speed)".to_owned()
                    } else {
                        format!("stream {key}")
                    },
                )
            } else if key == "ccr" {
                (
                    "SLR against CCR".to_owned(),
                    "SLR against communication-to-computation ratio".to_owned(),
                    "CCR (generator key ccr)".to_owned(),
                )
            } else {
                (
                    format!("SLR against {key}"),
                    format!("SLR against the generator key {key}"),
                    format!("generator key {key}"),
                )
            };
            SlrAxis {
                file: format!("{}_vs_{key}", if streams { "slowdown" } else { "slr" }),
                heading,
                title,
                x_desc,
                key: f.as_ref(),
            }
        })
        .collect();
    axes.push(SlrAxis {
        file: format!("{}_vs_nodes", if streams { "slowdown" } else { "slr" }),
        heading: format!("{} against node count", if streams { "Mean slowdown" } else { "SLR" }),
        title: format!(
            "{} against platform size",
            if streams { "Mean slowdown" } else { "SLR" }
        ),
        x_desc: "nodes in the platform".to_owned(),
        key: &nodes_key,
    });
    for axis in &axes {
        let values = categories(&data.rows, axis.key);
        if values.len() < 2 {
            continue;
        }
        let plot = MetricLines {
            data,
            metric: level,
            title: &axis.title,
            x_desc: &axis.x_desc,
            categories: &values,
            key: axis.key,
        };
        page.figure(
            &axis.heading,
            "Mean over every other parameter; bars: 95% confidence intervals.",
            &figures.add(&axis.file, (900, legend_height(names.len())), &plot)?,
        );
    }
    let (heading, file, time) = if streams {
        ("Energy against mean JCT", "energy_vs_jct", &MEAN_JCT)
    } else {
        ("Energy against makespan", "energy_vs_makespan", &MAKESPAN)
    };
    page.figure(
        heading,
        "Means of per-instance ratios to the best scheduler on the instance; the line joins the schedulers no other beats on both.",
        &figures.add(file, (900, 550), &Pareto { data, time })?,
    );
    let side = (180 + 90 * names.len()) as u32;
    page.figure(
        "Win/loss matrix and pairwise tests",
        "Cell (row, column): percentage of instances where the row scheduler's makespan is strictly shorter than the column's; \
         * marks pairs whose makespans differ significantly (paired Wilcoxon signed-rank test, Holm-adjusted over all pairs, p < 0.05; \
         see Pairwise comparisons).",
        &figures.add("win_loss", (side + 60, side), &WinLoss { data, tests })?,
    );
    Ok(())
}

/// The Gantt charts and utilisation curves of the shown instance.
fn shown_runs(page: &mut Page, figures: &Figures, data: &Data<'_>, config: &Config) -> Result<()> {
    let Some(choice) = shown::choose(data, config.report_show.as_ref()) else {
        let selector = config
            .report_show
            .as_ref()
            .map_or_else(String::new, ToString::to_string);
        page.paragraph(&format!(
            "No successful run matches [report] show = {{ {} }}, so there are no Gantt charts.",
            escape(&selector)
        ));
        return Ok(());
    };
    let (platform, panels) = shown::panels(config, &choice.rows).map_err(|e| anyhow!("report: {e:#}"))?;
    let first = choice.rows[0];
    let label = format!(
        "{} on {}, noise {}, MTBF {}, seed {}",
        first.workload,
        first.platform,
        first.noise,
        first.mtbf.unwrap_or(f64::INFINITY),
        first.seed
    );
    let n_nodes = panels.iter().map(|r| r.cores_per_node.len()).max().unwrap_or(1);
    let height = ((110 + 25 * n_nodes).clamp(180, 400) * panels.len()) as u32;
    page.figure(
        "Gantt charts",
        &format!(
            "One run per scheduler on {} ({}); each node's band is split by core, one colour per task.",
            escape(&label),
            escape(&choice.why)
        ),
        &figures.add("gantt", (1000, height), &Gantt { panels: &panels })?,
    );
    page.figure(
        "Utilisation over time",
        &format!("The same runs; busy cores in 60 equal time bins. {}.", escape(&label)),
        &figures.add(
            "utilisation",
            (900, 500),
            &shown::Utilisation {
                platform,
                panels: &panels,
            },
        )?,
    );
    Ok(())
}

/// The absolute-values and pairwise tables, in the page and in `DIR/tables/`.
fn paper_tables(page: &mut Page, dir: &Path, data: &Data<'_>, tests: &[paper::PairTest]) -> Result<()> {
    let [absolute, pairwise] = paper::write(dir, &data.rows, tests)?;
    page.table(
        "Absolute values",
        &format!(
            "{} Also as <code>tables/absolute.csv</code> and <code>tables/absolute.tex</code> (LaTeX, booktabs).",
            escape(paper::CI_NOTE)
        ),
        &absolute.to_html(),
    );
    page.table(
        "Pairwise comparisons",
        "Per pair of schedulers, over the instances (workload, platform, noise, MTBF, seed) both ran: \
         a paired two-sided Wilcoxon signed-rank test on makespan (exact for up to 50 untied non-zero differences, \
         else the normal approximation with tie and continuity corrections; ties are dropped), Holm-adjusted over all pairs, \
         with win/tie/loss counts (a tie is an equal makespan). W+ sums the ranks of instances where A is longer. \
         Also as <code>tables/pairwise.csv</code> and <code>tables/pairwise.tex</code>.",
        &pairwise.to_html(),
    );
    Ok(())
}
