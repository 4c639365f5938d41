//! Model files: versioned JSON documents holding a fitted model, the names
//! of the features it reads and what it was trained on.
//!
//! ```json
//! { "format_version": 1, "kind": "learned-list", "trained_on": { … },
//!   "feature_names": [ … ], "weights": [ … ] }
//! ```
//!
//! The documents hold only numbers our own code evaluates (a weight vector,
//! a weight matrix), so this crate reads them without depending on
//! the learning library that fitted them (`experiments` fits with linfa).
//! A document is a pure function of the training config: it carries no time,
//! host or absolute path, so two trainings give byte-identical files.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// Version of the document layout this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// What a model was trained on (provenance, not used for predictions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainedOn {
    /// File name of the training config.
    pub config: String,
    /// SHA-256 of the training config's text.
    pub config_sha256: String,
    /// Workload labels of the training instances (deduplicated, in grid order).
    pub workloads: Vec<String>,
    /// Platform labels.
    pub platforms: Vec<String>,
    /// Seeds.
    pub seeds: Vec<u64>,
    /// Training instances (DAG × platform × conditions × seed).
    pub instances: usize,
    /// Training samples handed to the learner.
    pub samples: usize,
    /// The teacher imitated (list models) or the portfolio's winner (selection models).
    pub labels: String,
}

/// A learned node-scoring function for list scheduling: the candidate with
/// the highest `weights · features` wins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListModel {
    /// Provenance.
    pub trained_on: TrainedOn,
    /// Feature names, in the order of `weights`; must equal [`super::features::CANDIDATE_FEATURES`].
    pub feature_names: Vec<String>,
    /// One weight per feature.
    pub weights: Vec<f64>,
}

/// A learned linear score trained in the simulator: the choice with the
/// highest `weights · features` wins. The job-level policy of job streams
/// scores (task, node) pairs with it ([`super::stream`]), the shared-network
/// list scheduler a task's nodes ([`super::net`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearModel {
    /// Provenance.
    pub trained_on: TrainedOn,
    /// Feature names, in the order of `weights`; must equal the kind's
    /// ([`super::stream::STREAM_FEATURES`], [`super::net::NET_FEATURES`]).
    pub feature_names: Vec<String>,
    /// One weight per feature.
    pub weights: Vec<f64>,
}

/// Algorithm selection: one linear model per portfolio member predicting
/// its log regret (ln of its makespan over the best member's) from
/// standardised instance features; the lowest prediction wins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectionModel {
    /// Provenance.
    pub trained_on: TrainedOn,
    /// Feature names; must equal [`super::features::INSTANCE_FEATURES`].
    pub feature_names: Vec<String>,
    /// Per-feature smallest training value; inputs are clamped to the
    /// training range, so that a linear model does not extrapolate.
    pub min: Vec<f64>,
    /// Per-feature largest training value.
    pub max: Vec<f64>,
    /// Per-feature mean used to standardise inputs.
    pub mean: Vec<f64>,
    /// Per-feature standard deviation used to standardise inputs (> 0).
    pub std: Vec<f64>,
    /// The portfolio: scheduler specs, one per model.
    pub portfolio: Vec<String>,
    /// `weights[c][f]`: weight of standardised feature `f` in member `c`'s regret.
    pub weights: Vec<Vec<f64>>,
    /// One intercept per member.
    pub intercepts: Vec<f64>,
}

/// A model document of either kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Model {
    /// For `learned:MODEL`.
    LearnedList(ListModel),
    /// For `auto:MODEL`.
    AlgorithmSelection(SelectionModel),
    /// For `learned-stream:MODEL`.
    LearnedStream(LinearModel),
    /// For `learned-net:MODEL`.
    LearnedNet(LinearModel),
}

impl Model {
    /// The kind as written in the document.
    pub fn kind(&self) -> &'static str {
        match self {
            Model::LearnedList(_) => "learned-list",
            Model::AlgorithmSelection(_) => "algorithm-selection",
            Model::LearnedStream(_) => "learned-stream",
            Model::LearnedNet(_) => "learned-net",
        }
    }

    /// The document's bytes: pretty JSON with `format_version` first.
    ///
    /// # Errors
    /// Only if serde_json refuses a value (these plain structs give it none).
    pub fn to_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        #[derive(Serialize)]
        struct Document<'a> {
            format_version: u32,
            #[serde(flatten)]
            model: &'a Model,
        }
        let mut bytes = serde_json::to_vec_pretty(&Document {
            format_version: FORMAT_VERSION,
            model: self,
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Parses a document; `origin` names it in errors (a path or "the bundled model").
    ///
    /// # Errors
    /// A message naming `origin` and what was expected: not JSON, a missing or
    /// different `format_version`, an unknown `kind`, missing fields, or shapes
    /// that do not fit this build's features.
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<Model, String> {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| format!("model file {origin}: not JSON: {e}"))?;
        let version = value.get("format_version").and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(FORMAT_VERSION)) {
            return Err(format!(
                "model file {origin}: format_version {}, expected {FORMAT_VERSION} (retrain it with `schedlab train`)",
                version.map_or_else(|| "missing".to_owned(), |v| v.to_string())
            ));
        }
        let mut value = value;
        if let Some(object) = value.as_object_mut() {
            object.remove("format_version");
        }
        let model: Model = serde_json::from_value(value).map_err(|e| {
            format!("model file {origin}: expected a learned-list, learned-stream, learned-net or algorithm-selection model: {e}")
        })?;
        model.validate().map_err(|e| format!("model file {origin}: {e}"))?;
        Ok(model)
    }

    /// Reads and parses the document at `path`.
    ///
    /// # Errors
    /// As [`Model::from_bytes`], or the file cannot be read.
    pub fn load(path: &Path) -> Result<Model, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read model file {}: {e}", path.display()))?;
        Model::from_bytes(&bytes, &path.display().to_string())
    }

    /// Checks that the shapes fit this build's feature sets.
    fn validate(&self) -> Result<(), String> {
        use super::features::{CANDIDATE_FEATURES, INSTANCE_FEATURES};
        let names_match =
            |names: &[String], expected: &[&str]| names.iter().map(String::as_str).eq(expected.iter().copied());
        // A weight vector over named features.
        let linear = |names: &[String], weights: &[f64], expected: &[&str]| {
            if !names_match(names, expected) {
                return Err(format!("feature_names {names:?}, expected {expected:?}"));
            }
            if weights.len() != expected.len() || !weights.iter().all(|w| w.is_finite()) {
                return Err(format!("expected {} finite weights", expected.len()));
            }
            Ok(())
        };
        match self {
            Model::LearnedList(m) => linear(&m.feature_names, &m.weights, &CANDIDATE_FEATURES)?,
            Model::LearnedStream(m) => linear(&m.feature_names, &m.weights, &super::stream::STREAM_FEATURES)?,
            Model::LearnedNet(m) => linear(&m.feature_names, &m.weights, &super::net::NET_FEATURES)?,
            Model::AlgorithmSelection(m) => {
                if !names_match(&m.feature_names, &INSTANCE_FEATURES) {
                    return Err(format!(
                        "feature_names {:?}, expected {:?}",
                        m.feature_names, INSTANCE_FEATURES
                    ));
                }
                let n = INSTANCE_FEATURES.len();
                let finite = |v: &[f64]| v.len() == n && v.iter().all(|x| x.is_finite());
                if !finite(&m.mean) || !finite(&m.std) || m.std.iter().any(|&s| s <= 0.0) {
                    return Err(format!(
                        "expected {n} finite means and {n} positive standard deviations"
                    ));
                }
                if !finite(&m.min) || !finite(&m.max) || m.min.iter().zip(&m.max).any(|(a, b)| a > b) {
                    return Err(format!("expected {n} finite ranges with min <= max"));
                }
                if m.portfolio.is_empty()
                    || m.weights.len() != m.portfolio.len()
                    || m.intercepts.len() != m.portfolio.len()
                    || !m.weights.iter().all(|row| finite(row))
                    || !m.intercepts.iter().all(|b| b.is_finite())
                {
                    return Err(format!(
                        "expected one row of {n} finite weights and one intercept per member ({} members)",
                        m.portfolio.len()
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Model {
        Model::from_bytes(include_bytes!("../../models/learned.json"), "bundled").unwrap()
    }

    #[test]
    fn documents_round_trip_byte_for_byte() {
        for model in [
            bundled(),
            Model::from_bytes(include_bytes!("../../models/auto.json"), "bundled").unwrap(),
            Model::from_bytes(include_bytes!("../../models/learned-stream.json"), "bundled").unwrap(),
            Model::from_bytes(include_bytes!("../../models/learned-net.json"), "bundled").unwrap(),
        ] {
            let bytes = model.to_bytes().unwrap();
            let again = Model::from_bytes(&bytes, "copy").unwrap();
            assert_eq!(again, model);
            assert_eq!(again.to_bytes().unwrap(), bytes);
        }
    }

    #[test]
    fn bad_documents_name_the_file_and_what_was_expected() {
        let text = String::from_utf8(bundled().to_bytes().unwrap()).unwrap();
        let cases = [
            (
                text.replace("\"format_version\": 1", "\"format_version\": 7"),
                "format_version 7, expected 1",
            ),
            (text.replace("\"format_version\": 1,", ""), "format_version missing"),
            (
                text.replace("learned-list", "decision-forest"),
                "expected a learned-list, learned-stream, learned-net or algorithm-selection",
            ),
            (text.replace("eft_gap", "eft"), "feature_names"),
            ("{".to_owned(), "not JSON"),
        ];
        for (doc, needle) in cases {
            let err = Model::from_bytes(doc.as_bytes(), "m.json").unwrap_err();
            assert!(err.contains("m.json") && err.contains(needle), "{needle}: {err}");
        }
        let err = Model::load(Path::new("/no/such/model.json")).unwrap_err();
        assert!(err.contains("/no/such/model.json"), "{err}");
    }
}
