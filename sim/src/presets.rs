//! Named platforms for quick experiments: `homogeneous`, `heterogeneous`, `edge-cloud`.
//!
//! Each preset takes a node count. The numbers are round, plausible values
//! (documented per preset), not measurements of a particular machine.

use crate::platform::{
    DvfsLevel, GroupLinkSpec, NetworkSpec, NodeSpec, Platform, PlatformError, PlatformSpec, PowerModel,
};
use std::collections::BTreeMap;

/// The names [`preset`] accepts.
pub const PRESET_NAMES: [&str; 3] = ["homogeneous", "heterogeneous", "edge-cloud"];

/// Reference network bandwidth in bytes/s (10 Gb/s), used by the presets and
/// by generators to turn a communication-to-computation ratio into bytes.
pub const REFERENCE_BANDWIDTH: f64 = 1.25e9;

/// Builds the preset `name` with `n_nodes` nodes (≥ 1).
///
/// - `homogeneous`: identical single-core nodes of speed 1.0 (so work equals
///   time, as in the literature's benchmarks), 10 W idle, 20 W busy, on a
///   dedicated network of [`REFERENCE_BANDWIDTH`] and no latency.
/// - `heterogeneous`: alternating fast nodes (8 cores, speed 2.0, three DVFS
///   levels, 60 W idle, 12 W per busy core) and slow nodes (4 cores, speed 1.0,
///   30 W idle, 8 W per core), on a shared 10 Gb/s network with 10 µs latency.
/// - `edge-cloud`: a quarter of the nodes (at least one) are cloud nodes
///   (16 cores, speed 2.0, 120 W idle, 10 W per core); the rest are edge nodes
///   (2 cores, speed 0.5, 3 W idle, 2 W per core). Edge and cloud talk through
///   a shared 100 Mb/s uplink with 20 ms latency.
///
/// # Errors
/// [`PlatformError::BadNumber`] for zero nodes, [`PlatformError::Toml`] naming
/// the valid presets for an unknown name.
pub fn preset(name: &str, n_nodes: u32) -> Result<Platform, PlatformError> {
    if n_nodes == 0 {
        return Err(PlatformError::BadNumber {
            field: format!("{name}: node count"),
            expected: "an integer >= 1",
            value: 0.0,
        });
    }
    let node = |name: &str, count: u32, cores: u32, speed: f64, power: PowerModel, group: Option<&str>| NodeSpec {
        name: name.to_owned(),
        count,
        cores,
        speed,
        kind_speed: BTreeMap::new(),
        power,
        group: group.map(str::to_owned),
        nic_bandwidth: None,
        task_overhead: 0.0,
        pulls_inputs: false,
        price_per_hour: None,
        billing_secs: None,
        memory_bytes: None,
        labels: Vec::new(),
        pool: None,
    };
    let power = |idle_w: f64, busy_core_w: f64| PowerModel {
        idle_w,
        busy_core_w,
        dvfs: Vec::new(),
        off_w: 0.0,
        boot_secs: 0.0,
        boot_j: 0.0,
    };
    let spec = match name {
        "homogeneous" => PlatformSpec {
            name: format!("homogeneous:{n_nodes}"),
            network: NetworkSpec::Dedicated {
                latency: 0.0,
                bandwidth: REFERENCE_BANDWIDTH,
                bandwidth_matrix: None,
                latency_matrix: None,
            },
            nodes: vec![node("node", n_nodes, 1, 1.0, power(10.0, 20.0), None)],
            workflow_system: None,
        },
        "heterogeneous" => {
            let fast_power = PowerModel {
                idle_w: 60.0,
                busy_core_w: 12.0,
                dvfs: vec![
                    DvfsLevel {
                        speed_factor: 0.75,
                        busy_core_w: 6.0,
                    },
                    DvfsLevel {
                        speed_factor: 0.5,
                        busy_core_w: 3.0,
                    },
                ],
                off_w: 0.0,
                boot_secs: 0.0,
                boot_j: 0.0,
            };
            let n_fast = n_nodes.div_ceil(2);
            let mut nodes = vec![node("fast", n_fast, 8, 2.0, fast_power, None)];
            if n_nodes > n_fast {
                nodes.push(node("slow", n_nodes - n_fast, 4, 1.0, power(30.0, 8.0), None));
            }
            PlatformSpec {
                name: format!("heterogeneous:{n_nodes}"),
                network: NetworkSpec::Shared {
                    latency: 1e-5,
                    bandwidth: REFERENCE_BANDWIDTH,
                    group_links: Vec::new(),
                    backplane_bandwidth: None,
                },
                nodes,
                workflow_system: None,
            }
        }
        "edge-cloud" => {
            let n_cloud = (n_nodes / 4).max(1);
            let mut nodes = vec![node("cloud", n_cloud, 16, 2.0, power(120.0, 10.0), Some("cloud"))];
            if n_nodes > n_cloud {
                nodes.push(node("edge", n_nodes - n_cloud, 2, 0.5, power(3.0, 2.0), Some("edge")));
            }
            let group_links = if n_nodes > n_cloud {
                vec![GroupLinkSpec {
                    a: "edge".into(),
                    b: "cloud".into(),
                    bandwidth: 1.25e7,
                    latency: 0.02,
                }]
            } else {
                Vec::new()
            };
            PlatformSpec {
                name: format!("edge-cloud:{n_nodes}"),
                network: NetworkSpec::Shared {
                    latency: 1e-4,
                    bandwidth: REFERENCE_BANDWIDTH,
                    group_links,
                    backplane_bandwidth: None,
                },
                nodes,
                workflow_system: None,
            }
        }
        other => {
            return Err(PlatformError::Toml(format!(
                "unknown platform preset {other:?}{}; expected one of {}",
                crate::suggest::did_you_mean(other, PRESET_NAMES),
                PRESET_NAMES.join(", ")
            )));
        }
    };
    Platform::new(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_builds_at_several_sizes() {
        for name in PRESET_NAMES {
            for n in [1, 2, 7, 64] {
                let p = preset(name, n).unwrap();
                assert_eq!(p.node_count(), n as usize, "{name}:{n}");
            }
        }
    }

    #[test]
    fn unknown_preset_lists_names() {
        let err = preset("cray", 4).unwrap_err().to_string();
        assert!(err.contains("homogeneous") && err.contains("cray"), "{err}");
        assert!(!err.contains("did you mean"), "{err}");
        let err = preset("heterogenous", 4).unwrap_err().to_string();
        assert!(err.contains("did you mean \"heterogeneous\"?"), "{err}");
    }
}
