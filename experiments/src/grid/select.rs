//! Cell selectors: which cells of a grid to look at closely, by any of their
//! coordinates. `[report] show = { workload = "montage", seed = 3 }` picks the
//! instance the report draws Gantt charts of; `schedlab run --trace-cells
//! "scheduler=heft,seed=1"` picks the cells to write Chrome traces of.
//!
//! A coordinate left out matches everything. `workload` matches a row's
//! workload label (`layered:ccr=1,tasks=50`, a file path) or its family
//! (`layered`, a file workload's name such as `montage`); `platform` and
//! `scheduler` match their labels exactly; numbers match by value.

use crate::results::Row;
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The coordinates a selector may name, in the order they print.
const KEYS: [&str; 6] = ["workload", "platform", "scheduler", "noise", "mtbf", "seed"];

/// A set of grid coordinates; a cell matches when it has every one given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    /// Workload label or family (name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    /// Platform label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Scheduler spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduler: Option<String>,
    /// Noise σ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<f64>,
    /// Mean time between failures (`inf` for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtbf: Option<f64>,
    /// Seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

impl Selector {
    /// Whether `row`'s coordinates match every one this selector gives.
    pub fn matches(&self, row: &Row) -> bool {
        let workload = self
            .workload
            .as_ref()
            .is_none_or(|w| *w == row.workload || *w == row.family);
        let platform = self.platform.as_ref().is_none_or(|p| *p == row.platform);
        let scheduler = self.scheduler.as_ref().is_none_or(|s| *s == row.scheduler);
        let noise = self.noise.is_none_or(|n| n == row.noise);
        let mtbf = self.mtbf.is_none_or(|m| row.mtbf.unwrap_or(f64::INFINITY) == m);
        let seed = self.seed.is_none_or(|s| s == row.seed);
        workload && platform && scheduler && noise && mtbf && seed
    }

    /// Whether the selector names no coordinate (it matches every cell).
    pub fn is_empty(&self) -> bool {
        *self == Selector::default()
    }
}

impl FromStr for Selector {
    type Err = anyhow::Error;

    /// Parses `key=value,key=value`. A value may itself hold commas and `=`
    /// (`workload=layered:ccr=1,tasks=50,seed=2`): a comma ends a value only
    /// where a known key and `=` follow it. `all` selects every cell.
    fn from_str(text: &str) -> Result<Selector> {
        let mut selector = Selector::default();
        if text.trim() == "all" {
            return Ok(selector);
        }
        for (key, value) in pairs(text)? {
            let number = |what: &str| -> Result<f64> {
                value
                    .parse::<f64>()
                    .map_err(|_| anyhow::anyhow!("cell selector: {key}={value:?}: expected {what}"))
            };
            match key {
                "workload" => selector.workload = Some(value.to_owned()),
                "platform" => selector.platform = Some(value.to_owned()),
                "scheduler" => selector.scheduler = Some(value.to_owned()),
                "noise" => selector.noise = Some(number("a number")?),
                "mtbf" => selector.mtbf = Some(number("a number of seconds or inf")?),
                "seed" => {
                    selector.seed = Some(
                        value
                            .parse()
                            .map_err(|_| anyhow::anyhow!("cell selector: seed={value:?}: expected a whole number"))?,
                    );
                }
                _ => unreachable!("pairs only yields known keys"),
            }
        }
        Ok(selector)
    }
}

/// Splits `key=value,key=value` at the commas that precede a known key.
fn pairs(text: &str) -> Result<Vec<(&'static str, &str)>> {
    let starts_key = |rest: &str| {
        KEYS.iter()
            .find(|k| rest.strip_prefix(**k).is_some_and(|r| r.starts_with('=')))
    };
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some(key) = starts_key(rest) else {
            let got = rest.split(['=', ',']).next().unwrap_or(rest);
            bail!(
                "cell selector {text:?}: unknown coordinate {got:?}{} (expected KEY=VALUE,… with keys {}, or all)",
                sim::suggest::did_you_mean(got, KEYS),
                KEYS.join(", ")
            );
        };
        let value_start = &rest[key.len() + 1..];
        let end = value_start
            .char_indices()
            .find(|&(i, c)| c == ',' && starts_key(&value_start[i + 1..]).is_some())
            .map_or(value_start.len(), |(i, _)| i);
        if out.iter().any(|(k, _)| k == key) {
            bail!("cell selector {text:?}: {key} is given twice");
        }
        out.push((*key, value_start[..end].trim()));
        rest = value_start.get(end + 1..).unwrap_or("");
    }
    Ok(out)
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values = [
            self.workload.clone(),
            self.platform.clone(),
            self.scheduler.clone(),
            self.noise.map(|n| n.to_string()),
            self.mtbf.map(|m| m.to_string()),
            self.seed.map(|s| s.to_string()),
        ];
        let given: Vec<String> = KEYS
            .iter()
            .zip(values)
            .filter_map(|(k, v)| Some(format!("{k}={}", v?)))
            .collect();
        if given.is_empty() {
            write!(f, "all")
        } else {
            write!(f, "{}", given.join(","))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(workload: &str, family: &str, scheduler: &str, seed: u64) -> Row {
        Row {
            workload: workload.to_owned(),
            family: family.to_owned(),
            noise: 0.1,
            ..crate::results::row::sample(scheduler, seed, 1.0)
        }
    }

    #[test]
    fn values_may_hold_commas_and_equals() {
        let s: Selector = "workload=layered:ccr=1,tasks=50,seed=2".parse().unwrap();
        assert_eq!(s.workload.as_deref(), Some("layered:ccr=1,tasks=50"));
        assert_eq!(s.seed, Some(2));
        assert_eq!(s.to_string(), "workload=layered:ccr=1,tasks=50,seed=2");
        let back: Selector = s.to_string().parse().unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn matches_every_given_coordinate_and_the_family() {
        let r = row("wf/montage.json", "montage", "heft", 3);
        assert!(Selector::default().matches(&r));
        assert!("workload=montage,seed=3".parse::<Selector>().unwrap().matches(&r));
        assert!("workload=wf/montage.json".parse::<Selector>().unwrap().matches(&r));
        assert!("noise=0.1,mtbf=inf".parse::<Selector>().unwrap().matches(&r));
        assert!(!"workload=montage,seed=4".parse::<Selector>().unwrap().matches(&r));
        assert!(!"scheduler=cpop".parse::<Selector>().unwrap().matches(&r));
        assert!(!"mtbf=100".parse::<Selector>().unwrap().matches(&r));
    }

    #[test]
    fn bad_selectors_say_what_is_expected() {
        for (bad, needle) in [
            ("sed=3", "unknown coordinate \"sed\"; did you mean \"seed\"?"),
            ("seed=x", "seed=\"x\": expected a whole number"),
            ("noise=low", "expected a number"),
            ("seed=1,seed=2", "seed is given twice"),
        ] {
            let err = format!("{:#}", bad.parse::<Selector>().unwrap_err());
            assert!(err.contains(needle), "{bad}: {err}");
        }
        assert!("all".parse::<Selector>().unwrap().is_empty());
    }
}
