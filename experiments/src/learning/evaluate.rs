//! `schedlab evaluate`: the learned schedulers' protocol on a grid of
//! held-out instances. It runs the grid like `schedlab run` (same results
//! folder, journal and report), then compares, per instance (workload ×
//! platform × noise × failures × seed):
//! - every scheduler's makespan with HEFT's and with the oracle's, the best
//!   makespan of the portfolio (every scheduler of the grid that is not
//!   `learned` or `auto`), as means with 95% confidence intervals;
//! - algorithm selection (`--auto MODEL`): the member the model picks for
//!   the instance's features and conditions, scored by that member's run.
//!   Running `auto:MODEL` with the same declared conditions delegates to the
//!   same member with the same seed, so its run is that member's run;
//! - the targets of the issue, each with its interval and verdict.
//!
//! On a grid of job streams the metric is the stream's mean JCT instead of
//! the makespan, `learned-stream` joins the learned schedulers, and the
//! reference of its target is the *best heuristic per load*: for each
//! stream (arrival process × load) and platform, the portfolio scheduler
//! with the lowest mean JCT over the seeds, which favours the baselines
//! (their best is chosen on the evaluation set itself).
//!
//! A grid of single DAGs that runs `learned-net` gets the same column per
//! instance family: for each workload (a generator's spec or a file) and
//! platform, the portfolio scheduler with the lowest mean makespan over the
//! seeds, the reference of `learned-net`'s target on shared networks, and a
//! table of the families (the best heuristic's mean makespan and SLR,
//! learned-net's mean over it). `learned-net` has a second target, no
//! regression against HEFT (≤ 1.02 ×), meant for contention-free grids.
//!
//! It also times every scheduler's decisions (wall clock, so it is printed
//! and written to `protocol.md` but never to the result files, which stay
//! byte-identical across runs): per decision, a decision being one task
//! placed, overall and, on streams, per stream.

use crate::grid::config::{Cell, Config, WorkloadSource};
use crate::grid::sweep::{self, SweepOptions};
use crate::results::metrics::{MAKESPAN, MEAN_JCT, Metric, SLR};
use crate::run::StreamSpec;
use crate::stats::{self, MeanCi};
use anyhow::{Result, anyhow, bail};
use schedulers::learned;
use sim::{CostModel, Decisions, Scheduler, SimView, Update};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// An instance: the cell's coordinates without the scheduler.
type Instance = (usize, usize, usize, usize, usize);

fn instance(cell: &Cell) -> Instance {
    (cell.workload, cell.platform, cell.noise, cell.failure, cell.seed)
}

/// One column of the comparison: a name and a makespan (mean JCT on streams) per instance.
struct Column {
    name: String,
    makespans: Vec<f64>,
}

/// Schedulers that are learned, not part of the portfolio the oracle takes the best of.
const LEARNED: [&str; 4] = ["learned", "auto", "learned-stream", "learned-net"];

/// What a grid is scored by: the makespan, or the mean JCT of a grid of job streams.
fn metric_of(config: &Config) -> (&'static Metric, bool) {
    let streams =
        !config.workloads.is_empty() && config.workloads.iter().all(|w| matches!(w, WorkloadSource::Stream(_)));
    if streams { (&MEAN_JCT, true) } else { (&MAKESPAN, false) }
}

/// Runs the protocol on `config_path`, writes `DIR/protocol.md` and prints it.
///
/// # Errors
/// A bad config or model, a failed run, or a selection model that picks a
/// scheduler the grid does not run.
pub fn run(
    config_path: &Path,
    auto: Option<&Path>,
    out_dir: Option<PathBuf>,
    threads: Option<usize>,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let config = Config::load(config_path)?;
    let dir = out_dir
        .or_else(|| config.out.clone())
        .unwrap_or_else(|| PathBuf::from("results").join("evaluate"));
    let options = SweepOptions {
        out: dir.clone(),
        threads,
        progress: true,
    };
    let summary = sweep::run(&config, &options)?;
    if summary.failed > 0 {
        return Err(sweep::SomeRunsFailed(summary.failed).into());
    }
    crate::grid::report::write(&dir)?;
    let rows = crate::results::read_results(&dir)?;

    // makespan[instance][scheduler]
    let (metric, streams) = metric_of(&config);
    let mut instances: BTreeMap<Instance, Vec<f64>> = BTreeMap::new();
    // SLR[instance][scheduler], on single DAGs (for the per-family table).
    let mut slrs: BTreeMap<Instance, Vec<f64>> = BTreeMap::new();
    for row in &rows {
        let cell = config.cell(row.index);
        let makespan = row
            .get(metric)
            .ok_or_else(|| anyhow!("run {} has no {}", row.id, metric.key))?;
        instances
            .entry(instance(&cell))
            .or_insert_with(|| vec![f64::NAN; config.schedulers.len()])[cell.scheduler] = makespan;
        if !streams {
            slrs.entry(instance(&cell))
                .or_insert_with(|| vec![f64::NAN; config.schedulers.len()])[cell.scheduler] =
                row.get(&SLR).unwrap_or(f64::NAN);
        }
    }
    let names: Vec<&str> = config
        .schedulers
        .iter()
        .map(|s| schedulers::registry::parse(s).map(|(info, _)| info.name))
        .collect::<Result<_, _>>()?;
    let portfolio: Vec<usize> = (0..names.len()).filter(|&i| !LEARNED.contains(&names[i])).collect();
    if portfolio.is_empty() {
        bail!(
            "the grid runs no portfolio scheduler (anything but learned, auto, learned-stream and learned-net) to form the oracle"
        );
    }
    let mut columns: Vec<Column> = config
        .schedulers
        .iter()
        .enumerate()
        .map(|(s, name)| Column {
            name: name.clone(),
            makespans: instances.values().map(|m| m[s]).collect(),
        })
        .collect();
    let oracle: Vec<f64> = instances
        .values()
        .map(|m| portfolio.iter().map(|&s| m[s]).fold(f64::INFINITY, f64::min))
        .collect();
    let mut picks: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(path) = auto {
        let model = learned::selection_model(Some(&path.display().to_string())).map_err(|e| anyhow!(e))?;
        let mut makespans = Vec::with_capacity(instances.len());
        for (key, m) in &instances {
            let cell = Cell {
                index: 0,
                workload: key.0,
                platform: key.1,
                scheduler: 0,
                resource_manager: 0,
                noise: key.2,
                failure: key.3,
                seed: key.4,
            };
            let prepared = sweep::prepare(&config, &cell)?;
            let costs = CostModel::new(&prepared.dag, prepared.platform)?;
            let rate = crate::learning::train::failure_rate(&config.failures[cell.failure]);
            let spec = learned::select::choose(&model, &costs, config.noise[cell.noise], rate);
            let s = config.schedulers.iter().position(|x| x == spec).ok_or_else(|| {
                anyhow!(
                    "{} picks {spec:?}, which the grid does not run; add it to schedulers",
                    path.display()
                )
            })?;
            *picks.entry(spec.to_owned()).or_default() += 1;
            makespans.push(m[s]);
        }
        columns.push(Column {
            name: format!("auto ({})", path.display()),
            makespans,
        });
    }
    let best = (streams || names.contains(&"learned-net")).then(|| best_per_group(&config, &instances, &portfolio));
    if let Some((makespans, _)) = &best {
        columns.push(Column {
            name: if streams { BEST_HEURISTIC } else { BEST_PER_FAMILY }.to_owned(),
            makespans: makespans.clone(),
        });
    }
    columns.push(Column {
        name: "oracle (best of portfolio)".to_owned(),
        makespans: oracle.clone(),
    });
    let heft = config.schedulers.iter().position(|s| s == "heft");
    let timings = decision_times(&config, streams)?;
    let mut text = render(&config, config_path, metric, &columns, heft, &oracle, &picks, &timings);
    if let Some((_, groups)) = &best {
        if streams {
            let list: Vec<String> = groups
                .iter()
                .map(|g| format!("{}: {}", g.label, config.schedulers[g.best]))
                .collect();
            let _ = writeln!(
                text,
                "\nBest heuristic per stream and platform (lowest mean over seeds): {}.",
                list.join("; ")
            );
        } else {
            let learned: Vec<usize> = (0..names.len()).filter(|&s| names[s] == "learned-net").collect();
            per_family(&mut text, &config, &instances, &slrs, groups, &learned);
        }
    }
    crate::output::write_atomic(&dir.join("protocol.md"), text.as_bytes())?;
    write!(out, "{text}")?;
    writeln!(out, "written: {}", dir.join("protocol.md").display())?;
    Ok(())
}

/// The name of the best-heuristic-per-load column (streams).
const BEST_HEURISTIC: &str = "best heuristic (per load)";

/// The name of the best-heuristic-per-family column (single DAGs).
const BEST_PER_FAMILY: &str = "best heuristic (per family)";

/// A group of instances (a stream or an instance family, on one platform,
/// all seeds) and its best heuristic.
struct Group {
    /// The instances' coordinates but the seed.
    key: (usize, usize, usize, usize),
    /// Workload on platform.
    label: String,
    /// Index of the portfolio scheduler with the lowest mean over the group.
    best: usize,
}

/// Per instance, the value of the portfolio scheduler with the lowest mean
/// over its group (the same stream and platform, all seeds), and the groups.
fn best_per_group(
    config: &Config,
    instances: &BTreeMap<Instance, Vec<f64>>,
    portfolio: &[usize],
) -> (Vec<f64>, Vec<Group>) {
    let group = |i: &Instance| (i.0, i.1, i.2, i.3);
    let mut sums: BTreeMap<(usize, usize, usize, usize), Vec<f64>> = BTreeMap::new();
    for (key, values) in instances {
        let sum = sums.entry(group(key)).or_insert_with(|| vec![0.0; values.len()]);
        for (s, v) in values.iter().enumerate() {
            sum[s] += v;
        }
    }
    let chosen: BTreeMap<_, usize> = sums
        .iter()
        .map(|(g, sum)| {
            let best = portfolio
                .iter()
                .copied()
                .fold(portfolio[0], |b, s| if sum[s] < sum[b] { s } else { b });
            (*g, best)
        })
        .collect();
    let values = instances.iter().map(|(key, v)| v[chosen[&group(key)]]).collect();
    let groups = chosen
        .iter()
        .map(|(g, &best)| Group {
            key: *g,
            label: format!("{} on {}", config.workloads[g.0].label(), config.platforms[g.1].label),
            best,
        })
        .collect();
    (values, groups)
}

/// Writes the per-family table of a single-DAG grid: each family's best
/// heuristic with its mean makespan and SLR (1 is the critical-path bound,
/// below which no schedule goes), and each `learned` column's mean makespan
/// over the best heuristic's, with how many families meet the target.
fn per_family(
    text: &mut String,
    config: &Config,
    instances: &BTreeMap<Instance, Vec<f64>>,
    slrs: &BTreeMap<Instance, Vec<f64>>,
    groups: &[Group],
    learned: &[usize],
) {
    let bound = TARGETS
        .iter()
        .find(|t| t.1 == BEST_PER_FAMILY)
        .map_or(f64::NAN, |t| t.2);
    let mean = |map: &BTreeMap<Instance, Vec<f64>>, g: &Group, s: usize| {
        let values: Vec<f64> = map
            .iter()
            .filter(|(i, _)| (i.0, i.1, i.2, i.3) == g.key)
            .map(|(_, v)| v[s])
            .collect();
        values.iter().sum::<f64>() / values.len().max(1) as f64
    };
    let names: Vec<&str> = learned.iter().map(|&s| config.schedulers[s].as_str()).collect();
    let _ = writeln!(
        text,
        "\n### Per instance family (means over seeds)\n\n| family | best heuristic | its makespan (s) | its SLR | {} |\n|---|---|---|---|{}",
        names
            .iter()
            .map(|n| format!("{n} (s) | {n} / best"))
            .collect::<Vec<_>>()
            .join(" | "),
        "---|---|".repeat(names.len())
    );
    let mut met = vec![0usize; learned.len()];
    for g in groups {
        let best = mean(instances, g, g.best);
        let mut row = format!(
            "| {} | {} | {best:.3} | {:.3} |",
            g.label,
            config.schedulers[g.best],
            mean(slrs, g, g.best)
        );
        for (k, &s) in learned.iter().enumerate() {
            let value = mean(instances, g, s);
            met[k] += usize::from(value <= bound * best);
            let _ = write!(row, " {value:.3} | {:.3} |", value / best);
        }
        let _ = writeln!(text, "{row}");
    }
    for (name, met) in names.iter().zip(met) {
        let _ = writeln!(
            text,
            "\n{name}: mean makespan <= {bound} x the best heuristic's on {met} of {} families.",
            groups.len()
        );
    }
}

/// Wall-clock time a scheduler spends in its `plan` and `on_update` calls,
/// and the decisions (task placements) it returns.
struct Timed {
    inner: Box<dyn Scheduler>,
    seconds: f64,
    decisions: usize,
}

impl Scheduler for Timed {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let (started, before) = (Instant::now(), out.assignments().count());
        self.inner.plan(view, out);
        self.seconds += started.elapsed().as_secs_f64();
        self.decisions += out.assignments().count() - before;
    }

    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        let (started, before) = (Instant::now(), out.assignments().count());
        self.inner.on_update(view, update, out);
        self.seconds += started.elapsed().as_secs_f64();
        self.decisions += out.assignments().count() - before;
    }

    fn retire(&mut self, before: sim::TaskId) {
        self.inner.retire(before);
    }
}

/// Decision times: per scheduler over the grid, and on streams per stream workload too.
struct Timings {
    /// Seconds per decision, by scheduler index.
    overall: Vec<f64>,
    /// Streams only: (workload label, seconds per decision by scheduler index).
    per_workload: Vec<(String, Vec<f64>)>,
}

/// Mean wall-clock time per decision of each scheduler of the grid (time in
/// its own calls, engine excluded) over the grid's distinct (workload,
/// platform, seed) instances at the first noise and failure setting, one run
/// at a time.
fn decision_times(config: &Config, streams: bool) -> Result<Timings> {
    let n = config.schedulers.len();
    // (seconds, decisions) per workload and scheduler.
    let mut totals = vec![vec![(0.0, 0usize); n]; config.workloads.len()];
    for cell in config
        .cells()
        .filter(|c| c.scheduler == 0 && c.resource_manager == 0 && c.noise == 0 && c.failure == 0)
    {
        for (s, spec) in config.schedulers.iter().enumerate() {
            let seed = config.seeds[cell.seed];
            let create = if streams {
                schedulers::registry::create_for_stream
            } else {
                schedulers::registry::create
            };
            let mut timed = Timed {
                inner: create(spec, seed)?,
                seconds: 0.0,
                decisions: 0,
            };
            if streams {
                let (stream, platform) = sweep::stream_of(config, &cell)?;
                StreamSpec {
                    stream: &stream,
                    platform,
                    scheduler: spec,
                    resource_manager: &config.resource_managers[cell.resource_manager],
                    settings: sweep::settings(config, &cell),
                }
                .execute_with(&mut timed)?;
            } else {
                sweep::prepare(config, &cell)?
                    .spec(spec, &config.resource_managers[cell.resource_manager])
                    .execute_with(&mut timed)?;
            }
            let total = &mut totals[cell.workload][s];
            total.0 += timed.seconds;
            total.1 += timed.decisions;
        }
    }
    let per = |pairs: &mut dyn Iterator<Item = (f64, usize)>| {
        let (seconds, decisions) = pairs.fold((0.0, 0), |(a, b), (c, d)| (a + c, b + d));
        seconds / decisions.max(1) as f64
    };
    let overall = (0..n).map(|s| per(&mut totals.iter().map(|w| w[s]))).collect();
    let per_workload = if streams {
        totals
            .iter()
            .enumerate()
            .map(|(w, t)| {
                let label = config.workloads[w].label().to_owned();
                (label, t.iter().map(|&p| per(&mut std::iter::once(p))).collect())
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Timings { overall, per_workload })
}

fn ci(m: Option<MeanCi>, digits: usize) -> String {
    m.map_or_else(
        || "–".to_owned(),
        |m| format!("{:.digits$} ± {:.digits$}", m.mean, m.half_width),
    )
}

fn ratios(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x / y).collect()
}

/// The targets the issues set, by scheduler name: the ratio each must stay
/// under, against what (`learned-net` has two: its gain on shared networks,
/// and no regression where HEFT is near-optimal).
const TARGETS: [(&str, &str, f64); 6] = [
    ("learned", "HEFT", 1.0),
    ("auto", "oracle", 1.05),
    ("adaptive", "HEFT", 0.9),
    ("learned-stream", BEST_HEURISTIC, 0.85),
    ("learned-net", BEST_PER_FAMILY, 0.9),
    ("learned-net", "HEFT", 1.02),
];

#[allow(clippy::too_many_arguments)]
fn render(
    config: &Config,
    path: &Path,
    metric: &Metric,
    columns: &[Column],
    heft: Option<usize>,
    oracle: &[f64],
    picks: &BTreeMap<String, usize>,
    timings: &Timings,
) -> String {
    let (what, mean_what) = if metric.key == MAKESPAN.key {
        ("makespan", "mean makespan")
    } else {
        ("mean JCT", "mean JCT")
    };
    let n = oracle.len();
    let mut t = String::new();
    let _ = writeln!(t, "## Learned schedulers: {} ({})\n", config.name, path.display());
    let _ = writeln!(
        t,
        "{n} instances: {} workloads x {} platforms x {} noise levels x {} failure settings x {} seeds.",
        config.workloads.len(),
        config.platforms.len(),
        config.noise.len(),
        config.failures.len(),
        config.seeds.len()
    );
    let _ = writeln!(
        t,
        "Means over instances with 95% confidence intervals (Student's t); ratios are per instance.\n"
    );
    let _ = writeln!(
        t,
        "| scheduler | {mean_what} (s) | {what} / HEFT | {what} / oracle | beats HEFT | ties HEFT | µs per decision |"
    );
    let _ = writeln!(t, "|---|---|---|---|---|---|---|");
    let heft_makespans = heft.map(|h| &columns[h].makespans);
    for (i, c) in columns.iter().enumerate() {
        let micros = timings
            .overall
            .get(i)
            .map_or_else(String::new, |s| format!("{:.1}", s * 1e6));
        let vs_heft = heft_makespans.map(|h| ratios(&c.makespans, h));
        let (wins, ties) = heft_makespans.map_or((String::new(), String::new()), |h| {
            let wins = c.makespans.iter().zip(h).filter(|(a, b)| a < b).count();
            let ties = c.makespans.iter().zip(h).filter(|(a, b)| a == b).count();
            (wins.to_string(), ties.to_string())
        });
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {wins} | {ties} | {micros} |",
            c.name,
            ci(stats::mean_ci(&c.makespans), 3),
            ci(vs_heft.and_then(|r| stats::mean_ci(&r)), 4),
            ci(stats::mean_ci(&ratios(&c.makespans, oracle)), 4),
        );
    }
    if !picks.is_empty() {
        let list: Vec<String> = picks.iter().map(|(s, k)| format!("{s} {k}")).collect();
        let _ = writeln!(t, "\nauto's picks: {}.", list.join(", "));
    }
    let _ = writeln!(t, "\n### Targets\n");
    for c in columns {
        let name = c.name.split([':', ' ']).next().unwrap_or("");
        for &(_, against, bound) in TARGETS.iter().filter(|(n, _, _)| *n == name) {
            let reference = match against {
                "HEFT" => heft_makespans.map(Vec::as_slice),
                BEST_HEURISTIC | BEST_PER_FAMILY => columns
                    .iter()
                    .find(|c| c.name == against)
                    .map(|c| c.makespans.as_slice()),
                _ => Some(oracle),
            };
            let Some(reference) = reference else {
                let _ = writeln!(t, "- {}: no {against} runs in this grid to compare with", c.name);
                continue;
            };
            // The target is on means (of makespans, or of the streams' mean JCTs): mean(x) <= bound * mean(ref), i.e. the mean of the
            // paired differences x - bound * ref is <= 0, whose Student-t interval is exact for that.
            let differences: Vec<f64> = c.makespans.iter().zip(reference).map(|(x, r)| x - bound * r).collect();
            let (Some(d), Some(per_instance)) = (
                stats::mean_ci(&differences),
                stats::mean_ci(&ratios(&c.makespans, reference)),
            ) else {
                continue;
            };
            let of_means = c.makespans.iter().sum::<f64>() / reference.iter().sum::<f64>();
            let verdict = if d.mean + d.half_width <= 0.0 {
                "met (the whole interval is within the bound)".to_owned()
            } else if d.mean <= 0.0 {
                "met on the mean; the interval reaches past the bound".to_owned()
            } else {
                format!(
                    "missed by {:.2}% of the {against} {mean_what}",
                    100.0 * (of_means - bound)
                )
            };
            let _ = writeln!(
                t,
                "- {}: {mean_what} / {against}'s {of_means:.4} (target <= {bound}); mean of {} - {bound} x {against} \
                 {:.4} ± {:.4} s: {verdict}. Per-instance ratio {:.4} ± {:.4}.",
                c.name, c.name, d.mean, d.half_width, per_instance.mean, per_instance.half_width
            );
        }
    }
    if !timings.per_workload.is_empty() {
        let _ = writeln!(t, "\n### µs per decision by stream\n");
        let _ = writeln!(t, "| stream | {} |", config.schedulers.join(" | "));
        let _ = writeln!(t, "|---|{}", "---|".repeat(config.schedulers.len()));
        for (label, seconds) in &timings.per_workload {
            let cells: Vec<String> = seconds.iter().map(|s| format!("{:.1}", s * 1e6)).collect();
            let _ = writeln!(t, "| {label} | {} |", cells.join(" | "));
        }
    }
    let _ = writeln!(
        t,
        "\nµs per decision: wall-clock time in the scheduler's own calls (engine excluded) over the distinct \
         (workload, platform, seed) instances, one run at a time, divided by the tasks it placed; it depends on the machine."
    );
    t
}
