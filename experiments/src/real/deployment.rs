//! Per-deployment submission cost for `schedlab replay --fit`.
//!
//! Recordings made on one deployment (one submit host, one HTCondor set-up)
//! share its serial cost per submitted job, and recordings of different
//! deployments do not: on the Pegasus instances it ranges from about 1 to
//! 18 s per job. WfCommons files record no submit or start times, so the
//! deployment is recognised by what they do record ([`KeyKind`]): the
//! workflow system and its version, the machines' kernel release (one
//! operating-system image of the testbed), the machines' names, and the
//! workflow family.
//!
//! [`fit_keyed`] fits `submit_interval` (and, with
//! [`Keyed::SubmitAndOverhead`], `job_overhead`) per key on that key's fit
//! instances, keeping the global fit's other parameters; a recording whose
//! key no fit instance has falls back to the global fit ([`replay::fit`]).
//! [`cross_validate`] chooses the key and the keyed parameters by
//! leave-one-out cross-validation within the fit half, so the test half is
//! seen once, by the chosen [`Choice`].

use crate::real::replay::{self, Instance, Model, mean_abs_error, minimise};
use anyhow::{Result, anyhow, bail};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// What recorded metadata names a recording's deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyKind {
    /// No key: one global fit for every recording.
    None,
    /// The workflow family (the folder holding the file).
    Family,
    /// The workflow system and its version (`runtimeSystem`), e.g. `Pegasus 4.9.3`.
    Wms,
    /// The machines' kernel releases (`machines[].release`): the operating-system image.
    Os,
    /// The machines' names without their numbers (`compute-3` → `compute`): the cluster.
    Site,
    /// Family and kernel release.
    FamilyOs,
    /// Family and site.
    FamilySite,
}

impl KeyKind {
    /// Every key, in the order cross-validation tries them (the first of equals wins).
    pub const ALL: [KeyKind; 7] = [
        KeyKind::None,
        KeyKind::Family,
        KeyKind::Wms,
        KeyKind::Os,
        KeyKind::Site,
        KeyKind::FamilyOs,
        KeyKind::FamilySite,
    ];

    /// The key's name on the command line and in tables.
    pub fn name(self) -> &'static str {
        match self {
            KeyKind::None => "none",
            KeyKind::Family => "family",
            KeyKind::Wms => "wms",
            KeyKind::Os => "os",
            KeyKind::Site => "site",
            KeyKind::FamilyOs => "family+os",
            KeyKind::FamilySite => "family+site",
        }
    }

    /// The key of `name`.
    ///
    /// # Errors
    /// If no key has that name (the message lists them).
    pub fn parse(name: &str) -> Result<KeyKind> {
        KeyKind::ALL.into_iter().find(|k| k.name() == name).ok_or_else(|| {
            let names: Vec<&str> = KeyKind::ALL.iter().map(|k| k.name()).collect();
            anyhow!("--deployment-key: unknown key {name:?} (known: {})", names.join(", "))
        })
    }

    /// The key of `instance`.
    ///
    /// # Errors
    /// If the file does not record a field the key needs (naming the file and the field).
    pub fn key(self, instance: &Instance) -> Result<String> {
        let d = &instance.deployment;
        let missing = |field: String| {
            anyhow!(
                "{}: {field} is not recorded (the deployment key {:?} needs it)",
                instance.path.display(),
                self.name()
            )
        };
        let os = || -> Result<String> {
            if d.machines.is_empty() {
                return Err(missing(d.machines_field.to_owned()));
            }
            let releases = d
                .machines
                .iter()
                .enumerate()
                .map(|(i, (_, release))| {
                    release
                        .clone()
                        .ok_or_else(|| missing(format!("{}[{i}].release", d.machines_field)))
                })
                .collect::<Result<BTreeSet<String>>>()?;
            Ok(releases.into_iter().collect::<Vec<_>>().join("+"))
        };
        let site = || -> Result<String> {
            if d.machines.is_empty() {
                return Err(missing(d.machines_field.to_owned()));
            }
            let stems: BTreeSet<&str> = d.machines.iter().map(|(name, _)| site_of(name)).collect();
            Ok(stems.into_iter().collect::<Vec<_>>().join("+"))
        };
        Ok(match self {
            KeyKind::None => String::new(),
            KeyKind::Family => instance.family.clone(),
            KeyKind::Wms => {
                let field = |f: &str| format!("{}.{f}", d.runtime_system_field);
                let name = d.runtime_system_name.as_ref().ok_or_else(|| missing(field("name")))?;
                let version = d
                    .runtime_system_version
                    .as_ref()
                    .ok_or_else(|| missing(field("version")))?;
                format!("{name} {version}")
            }
            KeyKind::Os => os()?,
            KeyKind::Site => site()?,
            KeyKind::FamilyOs => format!("{} {}", instance.family, os()?),
            KeyKind::FamilySite => format!("{} {}", instance.family, site()?),
        })
    }
}

/// A machine's cluster: its name up to the first `.`, without a trailing
/// number and the `-` or `_` before it (`compute-3` and `worker-1.novalocal`
/// → `compute`, `worker`; `mem` stays `mem`).
pub fn site_of(machine: &str) -> &str {
    let host = machine.split('.').next().unwrap_or(machine);
    let stem = host.trim_end_matches(|c: char| c.is_ascii_digit());
    let stem = stem.trim_end_matches(['-', '_']);
    if stem.is_empty() { host } else { stem }
}

/// Which parameters a keyed fit fits per key; the others stay at the global fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Keyed {
    /// The serial cost per submitted job (`submit_interval`).
    Submit,
    /// `submit_interval` and the per-job overhead on the execute node
    /// (`job_overhead`): how a deployment splits its per-job cost between
    /// the serial submit host and the parallel execute nodes.
    SubmitAndOverhead,
}

impl Keyed {
    /// Both, in the order cross-validation tries them (the first of equals wins).
    pub const ALL: [Keyed; 2] = [Keyed::Submit, Keyed::SubmitAndOverhead];

    /// The parameters' names, as in tables.
    pub fn name(self) -> &'static str {
        match self {
            Keyed::Submit => "submit_interval",
            Keyed::SubmitAndOverhead => "submit_interval+job_overhead",
        }
    }

    /// The parameters of `name`.
    ///
    /// # Errors
    /// If no [`Keyed`] has that name (the message lists them).
    pub fn parse(name: &str) -> Result<Keyed> {
        Keyed::ALL.into_iter().find(|k| k.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Keyed::ALL.iter().map(|k| k.name()).collect();
            anyhow!("--keyed: unknown parameters {name:?} (known: {})", names.join(", "))
        })
    }

    /// The fitted parameters of `model`.
    fn values(self, model: &Model) -> Vec<f64> {
        match self {
            Keyed::Submit => vec![model.submit_interval],
            Keyed::SubmitAndOverhead => vec![model.submit_interval, model.job_overhead],
        }
    }

    /// `model` with the fitted parameters set to `values`.
    fn with(self, model: Model, values: &[f64]) -> Model {
        match self {
            Keyed::Submit => Model {
                submit_interval: values[0],
                ..model
            },
            Keyed::SubmitAndOverhead => Model {
                submit_interval: values[0],
                job_overhead: values[1],
                ..model
            },
        }
    }
}

/// A keyed model: what keys a recording's deployment, and what is fitted per key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The key.
    pub kind: KeyKind,
    /// The parameters fitted per key (unused with [`KeyKind::None`]).
    pub keyed: Keyed,
}

impl Choice {
    /// The global fit alone.
    pub const GLOBAL: Choice = Choice {
        kind: KeyKind::None,
        keyed: Keyed::Submit,
    };

    /// Every choice cross-validation tries: the global fit, then each key with each [`Keyed`].
    pub fn all() -> Vec<Choice> {
        let mut out = vec![Choice::GLOBAL];
        for kind in KeyKind::ALL.into_iter().filter(|k| *k != KeyKind::None) {
            out.extend(Keyed::ALL.map(|keyed| Choice { kind, keyed }));
        }
        out
    }

    /// `key` or `key: parameters`, as in tables.
    pub fn name(self) -> String {
        if self.kind == KeyKind::None {
            self.kind.name().to_owned()
        } else {
            format!("{}: {}", self.kind.name(), self.keyed.name())
        }
    }
}

/// A fit with parameters per deployment key.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyedFit {
    /// The global fit: every recording whose key no fit instance has.
    pub global: Model,
    /// Each fit key's model: its own keyed parameters, the global fit's others.
    pub per_key: BTreeMap<String, Model>,
}

impl KeyedFit {
    /// The model of a recording with `key`, and whether it fell back to the global fit.
    pub fn model(&self, key: &str) -> (Model, bool) {
        match self.per_key.get(key) {
            Some(m) => (*m, false),
            None => (self.global, true),
        }
    }
}

/// Fits the `keyed` parameters per key on `instances` (`keys[i]` is the
/// key of `instances[i]`), each key on its own instances by [`minimise`],
/// from `global` (the global fit on the same instances; a per-job overhead
/// of at least [`replay::JOB_OVERHEAD_START`], as there), whose other
/// parameters every key keeps. Deterministic.
///
/// # Errors
/// If `instances` is empty, `keys` has another length, or a simulation fails.
pub fn fit_keyed(instances: &[&Instance], keys: &[String], global: Model, keyed: Keyed) -> Result<KeyedFit> {
    if instances.is_empty() {
        bail!("nothing to fit on");
    }
    if keys.len() != instances.len() {
        bail!("{} keys for {} instances", keys.len(), instances.len());
    }
    let mut members: BTreeMap<&str, Vec<&Instance>> = BTreeMap::new();
    for (inst, key) in instances.iter().zip(keys) {
        members.entry(key.as_str()).or_default().push(inst);
    }
    let start = keyed.values(&Model {
        job_overhead: global.job_overhead.max(replay::JOB_OVERHEAD_START),
        ..global
    });
    let per_key = members
        .into_iter()
        .map(|(key, group)| {
            let best = minimise(&start, &|v: &[f64]| {
                let model = keyed.with(global, v);
                mean_abs_error(&group, |_| model)
            })?;
            Ok((key.to_owned(), keyed.with(global, &best)))
        })
        .collect::<Result<_>>()?;
    Ok(KeyedFit { global, per_key })
}

/// The keys of `instances` under `kind`.
///
/// # Errors
/// If an instance lacks a field the key needs (file and field named).
pub fn keys_of(kind: KeyKind, instances: &[&Instance]) -> Result<Vec<String>> {
    instances.iter().map(|i| kind.key(i)).collect()
}

/// The keyed fit of `choice` on `instances` with keys `keys`, given their global fit.
///
/// # Errors
/// As [`fit_keyed`].
pub fn fit_choice(instances: &[&Instance], keys: &[String], global: Model, choice: Choice) -> Result<KeyedFit> {
    if choice.kind == KeyKind::None {
        return Ok(KeyedFit {
            global,
            per_key: BTreeMap::new(),
        });
    }
    fit_keyed(instances, keys, global, choice.keyed)
}

/// How one choice did in leave-one-out cross-validation on the fit half.
#[derive(Clone, Debug)]
pub struct CvScore {
    /// The choice.
    pub choice: Choice,
    /// Signed % error of each held-out fit instance, in order.
    pub errors: Vec<f64>,
    /// Held-out instances whose key no other fit instance has (they used the global fit).
    pub fallbacks: usize,
}

impl CvScore {
    /// Mean |error|, %: what the choice minimises (as every fit does).
    pub fn mean_abs(&self) -> f64 {
        self.errors.iter().map(|e| e.abs()).sum::<f64>() / self.errors.len().max(1) as f64
    }
}

/// What [`cross_validate`] found.
#[derive(Clone, Debug)]
pub struct CrossValidation {
    /// Each choice every instance could key, in the order given.
    pub scores: Vec<CvScore>,
    /// Each choice left out, with why (the file and the field its key lacks).
    pub skipped: Vec<(Choice, String)>,
}

/// Leave-one-out cross-validation of `choices` on `instances` (the fit
/// half): each instance in turn is predicted by the keyed fit on the others
/// (on top of their global fit, which it falls back to when no other
/// instance has its key). Choices whose key some instance cannot give are
/// left out, with the reason, in the second list.
///
/// # Errors
/// If fewer than three instances are given or a fit fails.
pub fn cross_validate(instances: &[&Instance], choices: &[Choice], base: Model) -> Result<CrossValidation> {
    if instances.len() < 3 {
        bail!("cross-validation needs at least three fit instances");
    }
    let mut usable = Vec::new();
    let mut skipped = Vec::new();
    for &choice in choices {
        match keys_of(choice.kind, instances) {
            Ok(keys) => usable.push((choice, keys)),
            Err(e) => skipped.push((choice, format!("{e:#}"))),
        }
    }
    let folds: Vec<Vec<(f64, bool)>> = (0..instances.len())
        .into_par_iter()
        .map(|held| -> Result<Vec<(f64, bool)>> {
            let others = || (0..instances.len()).filter(move |&i| i != held);
            let rest: Vec<&Instance> = others().map(|i| instances[i]).collect();
            let global = replay::fit(&rest, base)?;
            let inst = instances[held];
            usable
                .iter()
                .map(|(choice, keys)| {
                    let rest_keys: Vec<String> = others().map(|i| keys[i].clone()).collect();
                    let (model, fallback) = fit_choice(&rest, &rest_keys, global, *choice)?.model(&keys[held]);
                    Ok((inst.error_pct(inst.simulate(&model)?), fallback))
                })
                .collect()
        })
        .collect::<Result<_>>()?;
    let scores = usable
        .iter()
        .enumerate()
        .map(|(k, (choice, _))| CvScore {
            choice: *choice,
            errors: folds.iter().map(|f| f[k].0).collect(),
            fallbacks: folds.iter().filter(|f| f[k].1).count(),
        })
        .collect();
    Ok(CrossValidation { scores, skipped })
}

/// The score with the smallest mean |error| (the first of equals).
pub fn best(scores: &[CvScore]) -> Option<&CvScore> {
    scores
        .iter()
        .reduce(|a, b| if b.mean_abs() < a.mean_abs() { b } else { a })
}

/// The `replay --fit` section on deployment keys: the choice (`forced`, or
/// the best in leave-one-out cross-validation on the fit half), its fit on
/// the whole fit half (`global` is the global fit there), and its errors on
/// the test half, with the recordings that fell back to the global fit.
/// The halves are those of [`replay::run`]: even positions fit, odd ones test.
///
/// # Errors
/// If a forced key needs a field a file lacks, or a fit or simulation fails.
pub fn report(
    out: &mut dyn std::io::Write,
    instances: &[Instance],
    global: Model,
    base: Model,
    forced: Option<Choice>,
) -> Result<()> {
    let train: Vec<&Instance> = instances.iter().step_by(2).collect();
    let test: Vec<&Instance> = instances.iter().skip(1).step_by(2).collect();
    let choice = match forced {
        Some(choice) => {
            writeln!(out, "Deployment key (--deployment-key, --keyed): {}", choice.name())?;
            choice
        }
        None if train.len() < 3 => {
            writeln!(
                out,
                "Deployment key: none (cross-validation needs at least three fit instances)"
            )?;
            Choice::GLOBAL
        }
        None => {
            let CrossValidation { scores, skipped } = cross_validate(&train, &Choice::all(), base)?;
            writeln!(
                out,
                "Deployment keys, leave-one-out cross-validation on the {} fit-half instances (each held out in turn, predicted by the fit on the others):",
                train.len()
            )?;
            writeln!(
                out,
                "  {:<42} {:>5} {:>10} {:>9} {:>9} {:>10}",
                "key: parameters fitted per key", "keys", "mean |err|", "median", "p90", "fallbacks"
            )?;
            for score in &scores {
                let keys: BTreeSet<String> = keys_of(score.choice.kind, &train)?.into_iter().collect();
                let abs: Vec<f64> = score.errors.iter().map(|e| e.abs()).collect();
                writeln!(
                    out,
                    "  {:<42} {:>5} {:>9.1}% {:>8.1}% {:>8.1}% {:>10}",
                    score.choice.name(),
                    keys.len(),
                    score.mean_abs(),
                    crate::real::validate::percentile(&abs, 0.5),
                    crate::real::validate::percentile(&abs, 0.9),
                    if score.choice.kind == KeyKind::None {
                        "-".to_owned()
                    } else {
                        format!("{} of {}", score.fallbacks, score.errors.len())
                    }
                )?;
            }
            for (choice, why) in &skipped {
                writeln!(out, "  {:<42} left out: {why}", choice.name())?;
            }
            let chosen = best(&scores).map_or(Choice::GLOBAL, |s| s.choice);
            writeln!(
                out,
                "Chosen by cross-validation (smallest mean |error|): {}",
                chosen.name()
            )?;
            chosen
        }
    };
    let train_keys = keys_of(choice.kind, &train)?;
    let test_keys = keys_of(choice.kind, &test)?;
    let keyed = fit_choice(&train, &train_keys, global, choice)?;
    for (key, model) in &keyed.per_key {
        let n = train_keys.iter().filter(|k| *k == key).count();
        writeln!(
            out,
            "  {key:<40} submit_interval {:>9.4} s per job, job_overhead {:>9.4} s per job ({n} fit instances)",
            model.submit_interval, model.job_overhead
        )?;
    }
    let mut errors = Vec::new();
    let mut fallbacks = 0;
    writeln!(out, "  {:<48} {:<40} {:>8}", "test instance", "key", "error %")?;
    for (inst, key) in test.iter().zip(&test_keys) {
        let (model, fallback) = keyed.model(key);
        let err = inst.error_pct(inst.simulate(&model)?);
        fallbacks += usize::from(fallback);
        errors.push(err);
        writeln!(
            out,
            "  {:<48} {:<40} {:>+8.1}{}",
            inst.name(),
            key,
            err,
            if fallback {
                "  (global fit: key not in the fit half)"
            } else {
                ""
            }
        )?;
    }
    writeln!(
        out,
        "Test half ({} instances, {fallbacks} on the global fit), keyed by {}: {}",
        errors.len(),
        choice.name(),
        replay::summary(&errors)
    )?;
    writeln!(out, "  errors %, largest first: {}", replay::largest_first(&errors))?;
    Ok(())
}
