//! The report's HTML tables of means: per scheduler over every metric the
//! metrics table puts in the report, and mean SLR per workload and platform.

use super::data::{Data, categories};
use crate::html::escape;
use crate::results::Row;
use crate::results::metrics::{InReport, METRICS, SLR};
use crate::stats::{MeanCi, mean_ci};
use std::fmt::Write as _;

/// `m` times `scale` as `mean ± half-width` with `digits` decimals, or a dash.
fn fmt_ci(m: Option<MeanCi>, scale: f64, digits: usize) -> String {
    m.map_or_else(
        || "–".to_owned(),
        |m| format!("{:.digits$} ± {:.digits$}", m.mean * scale, m.half_width * scale),
    )
}

/// The table of per-scheduler means with 95 % CIs: one column per metric
/// whose [`InReport`] asks for one, in the order of [`METRICS`].
pub fn means_table(data: &Data<'_>) -> String {
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
        let mine: Vec<&&Row> = data.rows.iter().filter(|r| &r.policy == name).collect();
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

/// Mean SLR ± 95 % CI per scheduler and workload family, then per platform.
pub fn slr_by_group(data: &Data<'_>) -> String {
    let mut t = String::new();
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
        let _ = write!(t, "<h3>Mean SLR by {what}</h3>\n<table>\n<tr><th>scheduler</th>");
        for g in groups.iter() {
            let _ = write!(t, "<th>{}</th>", escape(g));
        }
        t.push_str("</tr>\n");
        for name in &data.schedulers {
            let _ = write!(t, "<tr><td>{}</td>", escape(name));
            for g in groups.iter() {
                let vals: Vec<f64> = data
                    .rows
                    .iter()
                    .filter(|r| &r.policy == name && &key(r) == g)
                    .filter_map(|r| r.get(&SLR))
                    .collect();
                let _ = write!(t, "<td>{}</td>", fmt_ci(mean_ci(&vals), 1.0, 3));
            }
            t.push_str("</tr>\n");
        }
        t.push_str("</table>\n");
    }
    t
}
