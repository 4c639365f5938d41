//! Learned schedulers: a list scheduler whose node choice is a model
//! trained by imitation ([`list`]), algorithm selection over a portfolio
//! ([`select`]), a job-level policy for job streams ([`stream`]) and a
//! contention-aware list scheduler for shared networks ([`net`]), both
//! trained in the simulator. Models are versioned JSON documents ([`model`]) written by
//! `schedlab train`; each kind has a bundled default, trained by the command
//! in its `trained_on` provenance (see README, "Learned schedulers"), which
//! `learned`, `auto`, `learned-stream` and `learned-net` use when no model is given.
//!
//! This crate evaluates models (dot products over its own features); it
//! never fits one: `experiments::learning::train` does.

pub mod features;
pub mod guard;
pub mod list;
pub mod model;
pub mod net;
pub mod select;
pub mod stream;

use model::{LinearModel, ListModel, Model, SelectionModel};

/// The bundled list model (`schedlab train experiments/configs/learned-train.toml -o schedulers/models/learned.json`).
const BUNDLED_LIST: &str = include_str!("../../models/learned.json");

/// The bundled selection model (`schedlab train experiments/configs/auto-train.toml -o schedulers/models/auto.json`).
const BUNDLED_SELECTION: &str = include_str!("../../models/auto.json");

/// The bundled stream model (`schedlab train experiments/configs/learned-stream-train.toml -o schedulers/models/learned-stream.json`).
const BUNDLED_STREAM: &str = include_str!("../../models/learned-stream.json");

/// The bundled shared-network model (`schedlab train experiments/configs/learned-net-train.toml -o schedulers/models/learned-net.json`).
const BUNDLED_NET: &str = include_str!("../../models/learned-net.json");

/// Reads a shared-network list model from `path`, or the bundled one for `None`.
///
/// # Errors
/// A message naming the file and what was expected.
pub fn net_model(path: Option<&str>) -> Result<LinearModel, String> {
    match load(path, BUNDLED_NET)? {
        (Model::LearnedNet(m), _) => Ok(m),
        (other, origin) => Err(wrong_kind(&origin, other.kind(), "learned-net", "learned-net")),
    }
}

/// Reads a stream model from `path`, or the bundled one for `None`.
///
/// # Errors
/// A message naming the file and what was expected.
pub fn stream_model(path: Option<&str>) -> Result<LinearModel, String> {
    match load(path, BUNDLED_STREAM)? {
        (Model::LearnedStream(m), _) => Ok(m),
        (other, origin) => Err(wrong_kind(&origin, other.kind(), "learned-stream", "learned-stream")),
    }
}

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
