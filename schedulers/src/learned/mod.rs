//! Learned schedulers: a list scheduler whose node choice is a model
//! trained by imitation ([`list`]), and algorithm selection over a portfolio
//! ([`select`]). Models are versioned JSON documents ([`model`]) written by
//! `schedlab train`; each kind has a bundled default, trained by the command
//! in its `trained_on` provenance (see README, "Learned schedulers"), which
//! `learned` and `auto` use when no model is given.

pub mod features;
pub mod list;
pub mod model;
pub mod select;

use model::{ListModel, Model, SelectionModel};

/// The bundled list model (`schedlab train experiments/configs/learned-train.toml -o schedulers/models/learned.json`).
const BUNDLED_LIST: &str = include_str!("../../models/learned.json");

/// The bundled selection model (`schedlab train experiments/configs/auto-train.toml -o schedulers/models/auto.json`).
const BUNDLED_SELECTION: &str = include_str!("../../models/auto.json");

/// Reads a list model from `path`, or the bundled one for `None`.
///
/// # Errors
/// A message naming the file and what was expected.
pub fn list_model(path: Option<&str>) -> Result<ListModel, String> {
    match load(path, BUNDLED_LIST)? {
        (Model::LearnedList(m), _) => Ok(m),
        (other, origin) => Err(wrong_kind(&origin, other.kind(), "learned-list", "learned")),
    }
}

/// Reads a selection model from `path`, or the bundled one for `None`.
///
/// # Errors
/// A message naming the file and what was expected.
pub fn selection_model(path: Option<&str>) -> Result<SelectionModel, String> {
    match load(path, BUNDLED_SELECTION)? {
        (Model::AlgorithmSelection(m), _) => Ok(m),
        (other, origin) => Err(wrong_kind(&origin, other.kind(), "algorithm-selection", "auto")),
    }
}

fn load(path: Option<&str>, bundled: &str) -> Result<(Model, String), String> {
    match path {
        Some(p) => Model::load(std::path::Path::new(p)).map(|m| (m, p.to_owned())),
        None => Model::from_bytes(bundled.as_bytes(), "(bundled)").map(|m| (m, "(bundled)".to_owned())),
    }
}

fn wrong_kind(origin: &str, found: &str, expected: &str, scheduler: &str) -> String {
    format!("model file {origin}: kind {found}, expected {expected} (the kind {scheduler} reads)")
}
