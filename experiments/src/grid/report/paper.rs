//! Tables for a paper, written beside `report.html` in `DIR/tables/` as CSV
//! and LaTeX (booktabs):
//!
//! - `absolute`: per scheduler × workload × platform, the number of runs and
//!   the mean ± 95 % CI of makespan (s), energy (J) and SLR;
//! - `pairwise`: per pair of schedulers, a paired two-sided Wilcoxon
//!   signed-rank test on makespan over the instances both ran, its
//!   Holm-adjusted p-value over all pairs, and win/tie/loss counts.
//!
//! An instance is a (workload, platform, noise, MTBF, seed) point of the
//! grid: every scheduler of the grid runs on it, so comparisons are paired.

use super::data::{distinct, instance, workload_label};
use crate::results::Row;
use crate::results::metrics::{ENERGY, MAKESPAN, SLR};
use crate::stats::{Wilcoxon, WinTieLoss, holm, mean_ci, wilcoxon_signed_rank, win_tie_loss};
use crate::table::{Column, Kind, Table, Value};
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::Path;

/// How the tables' intervals are computed, as the report and the LaTeX comments say it.
pub const CI_NOTE: &str = "Mean ± half-width of the 95% Student-t confidence interval over the runs of each group, \
     which are independent instances (different seeds and grid points); t from a table for up to 31 runs, \
     1.96 beyond (at most 4% narrower than t).";

/// Pairs of schedulers are tested at this family-wise error rate.
pub const ALPHA: f64 = 0.05;

/// Absolute values per scheduler × workload × platform, from successful rows.
pub fn absolute(rows: &[&Row]) -> Table {
    let with_params = rows.iter().any(|r| !workload_label(r).1.is_empty());
    let mut columns = vec![
        Column::new("scheduler", "Scheduler", Kind::Text),
        Column::new("workload", "Workload", Kind::Text),
    ];
    if with_params {
        columns.push(Column::new("parameters", "Parameters", Kind::Text));
    }
    columns.extend([
        Column::new("platform", "Platform", Kind::Text),
        Column::new("runs", "Runs", Kind::Number),
        Column::new("makespan_s", "Makespan (s)", Kind::MeanCi),
        Column::new("energy_j", "Energy (J)", Kind::MeanCi),
        Column::new("slr", "SLR", Kind::MeanCi),
    ]);
    let mut workloads: Vec<(&str, &str)> = Vec::new();
    for r in rows {
        if !workloads.contains(&workload_label(r)) {
            workloads.push(workload_label(r));
        }
    }
    let mut table_rows = Vec::new();
    for scheduler in distinct(rows.iter().copied(), |r| &r.policy) {
        for &(name, params) in &workloads {
            for platform in distinct(rows.iter().copied(), |r| &r.platform) {
                let group: Vec<&Row> = rows
                    .iter()
                    .copied()
                    .filter(|r| r.policy == scheduler && workload_label(r) == (name, params) && r.platform == platform)
                    .collect();
                if group.is_empty() {
                    continue;
                }
                let cell = |metric, digits| {
                    let values: Vec<f64> = group.iter().filter_map(|r| r.get(metric)).collect();
                    mean_ci(&values).map_or(Value::Missing, |m| Value::MeanCi(m, digits))
                };
                let mut row = vec![Value::Text(scheduler.clone()), Value::Text(name.to_owned())];
                if with_params {
                    row.push(Value::Text(params.to_owned()));
                }
                row.extend([
                    Value::Text(platform.clone()),
                    Value::Count(group.len()),
                    cell(&MAKESPAN, 3),
                    cell(&ENERGY, 1),
                    cell(&SLR, 3),
                ]);
                table_rows.push(row);
            }
        }
    }
    Table {
        columns,
        rows: table_rows,
    }
}

/// The paired comparison of two schedulers' makespans.
#[derive(Debug, Clone)]
pub struct PairTest {
    /// First scheduler.
    pub a: String,
    /// Second scheduler.
    pub b: String,
    /// Instances both ran.
    pub instances: usize,
    /// Wilcoxon's test on the differences `a − b`.
    pub wilcoxon: Wilcoxon,
    /// Holm-adjusted p-value over all pairs.
    pub p_holm: f64,
    /// Wins of `a` (shorter makespan), ties and losses.
    pub counts: WinTieLoss,
}

/// Paired comparisons of makespan for every pair of schedulers (in first-seen
/// order), from successful rows.
pub fn pair_tests(rows: &[&Row]) -> Vec<PairTest> {
    let schedulers = distinct(rows.iter().copied(), |r| &r.policy);
    let mut by_instance: BTreeMap<_, BTreeMap<&str, f64>> = BTreeMap::new();
    for r in rows {
        if let Some(m) = r.get(&MAKESPAN) {
            by_instance.entry(instance(r)).or_default().insert(&r.policy, m);
        }
    }
    let mut tests = Vec::new();
    for (i, a) in schedulers.iter().enumerate() {
        for b in &schedulers[i + 1..] {
            let pairs: Vec<(f64, f64)> = by_instance
                .values()
                .filter_map(|m| Some((*m.get(a.as_str())?, *m.get(b.as_str())?)))
                .collect();
            let differences: Vec<f64> = pairs.iter().map(|(x, y)| x - y).collect();
            tests.push(PairTest {
                a: a.clone(),
                b: b.clone(),
                instances: pairs.len(),
                wilcoxon: wilcoxon_signed_rank(&differences),
                p_holm: 1.0,
                counts: win_tie_loss(pairs),
            });
        }
    }
    let adjusted = holm(&tests.iter().map(|t| t.wilcoxon.p).collect::<Vec<_>>());
    for (test, p) in tests.iter_mut().zip(adjusted) {
        test.p_holm = p;
    }
    tests
}

/// Whether `a` and `b` (either order) differ at [`ALPHA`] after Holm's correction.
pub fn significant(tests: &[PairTest], a: &str, b: &str) -> bool {
    tests
        .iter()
        .any(|t| ((t.a == a && t.b == b) || (t.a == b && t.b == a)) && t.p_holm < ALPHA)
}

/// The table of [`pair_tests`].
pub fn pairwise(tests: &[PairTest]) -> Table {
    let columns = vec![
        Column::new("a", "A", Kind::Text),
        Column::new("b", "B", Kind::Text),
        Column::new("instances", "Instances", Kind::Number),
        Column::new("a_wins", "A wins", Kind::Number),
        Column::new("ties", "Ties", Kind::Number),
        Column::new("b_wins", "B wins", Kind::Number),
        Column::new("w_plus", "W+", Kind::Number),
        Column::new("w_minus", "W-", Kind::Number),
        Column::new("p", "p", Kind::Number),
        Column::new("p_holm", "p (Holm)", Kind::Number),
        Column::new("verdict", "Verdict", Kind::Text),
    ];
    let rows = tests
        .iter()
        .map(|t| {
            let w = &t.wilcoxon;
            let verdict = if t.p_holm >= ALPHA {
                "no significant difference".to_owned()
            } else if w.w_plus < w.w_minus {
                format!("{} shorter", t.a)
            } else {
                format!("{} shorter", t.b)
            };
            vec![
                Value::Text(t.a.clone()),
                Value::Text(t.b.clone()),
                Value::Count(t.instances),
                Value::Count(t.counts.win),
                Value::Count(t.counts.tie),
                Value::Count(t.counts.loss),
                Value::Number(w.w_plus, 1),
                Value::Number(w.w_minus, 1),
                Value::PValue(w.p),
                Value::PValue(t.p_holm),
                Value::Text(verdict),
            ]
        })
        .collect();
    Table { columns, rows }
}

/// Writes `DIR/tables/{absolute,pairwise}.{csv,tex}` and returns both tables.
///
/// # Errors
/// On I/O errors.
pub fn write(dir: &Path, rows: &[&Row], tests: &[PairTest]) -> Result<[Table; 2]> {
    let tables = [absolute(rows), pairwise(tests)];
    let comments = [
        format!("schedlab: makespan, energy and SLR per scheduler, workload and platform.\n{CI_NOTE}"),
        format!(
            "schedlab: paired two-sided Wilcoxon signed-rank tests on makespan per pair of schedulers, \
             Holm-adjusted over all pairs (alpha = {ALPHA}); W+ sums the ranks where A's makespan is longer."
        ),
    ];
    for ((table, name), comment) in tables.iter().zip(["absolute", "pairwise"]).zip(&comments) {
        let folder = dir.join("tables");
        crate::output::write_atomic(&folder.join(format!("{name}.csv")), &table.to_csv()?)?;
        let tex = format!("% Needs \\usepackage{{booktabs}}.\n{}", table.to_latex(comment)?);
        crate::output::write_atomic(&folder.join(format!("{name}.tex")), tex.as_bytes())?;
    }
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::row::sample as row;

    #[test]
    fn absolute_and_pairwise_tables_from_rows() {
        let mut rows = Vec::new();
        for seed in 0..8 {
            let base = 10.0 + seed as f64;
            rows.push(row("heft", seed, base));
            rows.push(row("random", seed, base + 1.0 + seed as f64));
            rows.push(row("cpop", seed, if seed == 0 { base } else { base + 0.5 }));
        }
        let refs: Vec<&Row> = rows.iter().collect();
        let abs = absolute(&refs);
        assert_eq!(abs.rows.len(), 3);
        assert_eq!(abs.rows[0][3], Value::Count(8));
        let Value::MeanCi(m, _) = &abs.rows[0][4] else {
            panic!("{:?}", abs.rows[0])
        };
        assert_eq!((m.mean, m.n), (13.5, 8));
        let tests = pair_tests(&refs);
        assert!(significant(&tests, "random", "heft") && significant(&tests, "heft", "random"));
        let pw = pairwise(&tests);
        assert_eq!(pw.rows.len(), 3, "3 pairs");
        // heft vs random: heft shorter on all 8; exact p = 2/256, Holm x3.
        assert_eq!(pw.rows[0][0], Value::Text("heft".into()));
        assert_eq!(&pw.rows[0][3..6], &[Value::Count(8), Value::Count(0), Value::Count(0)]);
        assert_eq!(pw.rows[0][8], Value::PValue(2.0 / 256.0));
        assert_eq!(pw.rows[0][9], Value::PValue(3.0 * 2.0 / 256.0));
        assert!(
            pw.to_html().contains("<td>0.008</td><td>0.023</td>"),
            "{}",
            pw.to_html()
        );
        assert_eq!(pw.rows[0][10], Value::Text("heft shorter".into()));
        // heft vs cpop: one tie, seven heft wins (a tie is dropped by the test).
        assert_eq!(&pw.rows[1][3..6], &[Value::Count(7), Value::Count(1), Value::Count(0)]);
        let tex = pw.to_latex("x").unwrap();
        assert!(tex.contains("\\toprule") && tex.lines().filter(|l| l.ends_with("\\\\")).count() == 4);
    }
}
