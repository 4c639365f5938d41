//! Resolving the `--platform` argument: a TOML file or `PRESET[:NODES]`.

use anyhow::{Context as _, Result};
use sim::Platform;
use std::path::Path;

/// Node count of a preset named without one (`heterogeneous` = `heterogeneous:8`).
pub const DEFAULT_PRESET_NODES: u32 = 8;

/// Reads `arg` as a platform file if such a file exists, else as `PRESET[:NODES]`.
///
/// # Errors
/// A message naming the file (with the TOML error's line) or listing the presets.
pub fn resolve(arg: &str) -> Result<Platform> {
    let path = Path::new(arg);
    if path.is_file() {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read platform file {}", path.display()))?;
        return Platform::from_toml(&text).with_context(|| format!("platform file {}", path.display()));
    }
    let (name, nodes) = match arg.split_once(':') {
        Some((name, n)) => {
            let nodes = n
                .parse::<u32>()
                .with_context(|| format!("--platform {arg:?}: node count {n:?} is not a whole number"))?;
            (name, nodes)
        }
        None => (arg, DEFAULT_PRESET_NODES),
    };
    sim::presets::preset(name, nodes).with_context(|| {
        format!(
            "--platform {arg:?} is neither an existing file nor a preset ({}[:NODES])",
            sim::presets::PRESET_NAMES.join("|")
        )
    })
}

/// The `--network` option of every command that takes a platform; it means
/// [`Platform::with_network_model`] everywhere.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct NetworkArg {
    /// Switch the platform's network model: `dedicated` (a private link per
    /// node pair, no contention) or `shared` (max-min fair NICs and group
    /// links). Every pair keeps its uncontended latency and bandwidth.
    #[arg(long, value_name = "dedicated|shared")]
    pub network: Option<sim::platform::NetworkModel>,
}

/// `platform` switched to `network`, if given.
///
/// # Errors
/// If the platform's network cannot take that model (see [`Platform::with_network_model`]).
pub fn with_network(platform: Platform, network: Option<sim::platform::NetworkModel>) -> Result<Platform> {
    match network {
        Some(model) => Ok(platform
            .with_network_model(model)
            .with_context(|| format!("--network {model}"))?),
        None => Ok(platform),
    }
}
