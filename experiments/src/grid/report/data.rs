//! The successful rows of a results folder, grouped the way the report
//! compares them: by scheduler, and by instance (a grid point without its
//! scheduler, so that every scheduler's row on one instance compares paired).

use crate::results::Row;
use std::collections::{BTreeMap, BTreeSet};

/// A grid point without its scheduler: workload, platform, noise, MTBF, seed.
pub type Instance = (String, String, u64, Option<u64>, u64);

/// The instance a row belongs to.
pub fn instance(row: &Row) -> Instance {
    (
        row.workload.clone(),
        row.platform.clone(),
        row.noise.to_bits(),
        row.mtbf.map(f64::to_bits),
        row.seed,
    )
}

/// Successful rows and the schedulers of the grid, in first-seen order.
pub struct Data<'a> {
    /// Rows without an error.
    pub rows: Vec<&'a Row>,
    /// Every scheduler of the results (also those whose runs all failed).
    pub schedulers: Vec<String>,
}

impl<'a> Data<'a> {
    /// The successful rows of `rows` and all their schedulers.
    pub fn new(rows: &'a [Row]) -> Data<'a> {
        Data {
            schedulers: distinct(rows.iter(), |r| &r.policy),
            rows: rows.iter().filter(|r| r.error.is_empty()).collect(),
        }
    }

    /// Position of `name` in [`Data::schedulers`].
    pub fn scheduler_index(&self, name: &str) -> usize {
        self.schedulers.iter().position(|s| s == name).unwrap_or(0)
    }

    /// Per row with a value, (scheduler index, `value / min(value over the instance)`).
    pub fn ratios(&self, value: impl Fn(&Row) -> Option<f64>) -> Vec<(usize, f64)> {
        self.row_ratios(value)
            .into_iter()
            .map(|(row, ratio)| (self.scheduler_index(&row.policy), ratio))
            .collect()
    }

    /// Per row with a value, the row and `value / min(value over the instance)`.
    pub fn row_ratios(&self, value: impl Fn(&Row) -> Option<f64>) -> Vec<(&'a Row, f64)> {
        let mut best: BTreeMap<Instance, f64> = BTreeMap::new();
        for row in &self.rows {
            if let Some(v) = value(row) {
                let e = best.entry(instance(row)).or_insert(f64::INFINITY);
                *e = e.min(v);
            }
        }
        self.rows
            .iter()
            .filter_map(|&row| {
                let v = value(row)?;
                let b = *best.get(&instance(row))?;
                (b > 0.0).then_some((row, v / b))
            })
            .collect()
    }
}

/// A row's workload as the report names it: its name (a generator's kind, a
/// file workload's name) and, for generators, the parameters after the kind
/// (`ccr=1,tasks=50`; empty for files, so files of one name pool together).
pub fn workload_label(row: &Row) -> (&str, &str) {
    let params = row
        .workload
        .strip_prefix(row.family.as_str())
        .and_then(|rest| rest.strip_prefix(':'))
        .unwrap_or("");
    (&row.family, params)
}

/// The value of generator key `key` in a row's workload, if it has one.
pub fn generator_param(row: &Row, key: &str) -> Option<String> {
    workload_label(row)
        .1
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_owned())
}

/// Generator keys that take two values or more across `rows`, sorted.
pub fn varying_params(rows: &[&Row]) -> Vec<String> {
    let mut values: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for row in rows {
        for (k, v) in workload_label(row).1.split(',').filter_map(|pair| pair.split_once('=')) {
            values.entry(k).or_default().insert(v);
        }
    }
    values
        .into_iter()
        .filter(|(_, v)| v.len() >= 2)
        .map(|(k, _)| k.to_owned())
        .collect()
}

/// Distinct values of `key` in first-seen order.
pub fn distinct<'r>(rows: impl Iterator<Item = &'r Row>, key: impl Fn(&Row) -> &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in rows {
        if !out.iter().any(|v| v == key(r)) {
            out.push(key(r).to_owned());
        }
    }
    out
}

/// Sorted distinct labels of `key` over the rows, numerically when they parse.
pub fn categories(rows: &[&Row], key: &dyn Fn(&Row) -> Option<String>) -> Vec<String> {
    let set: BTreeSet<String> = rows.iter().filter_map(|r| key(r)).collect();
    let mut list: Vec<String> = set.into_iter().collect();
    list.sort_by(|a, b| match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        _ => a.cmp(b),
    });
    list
}
