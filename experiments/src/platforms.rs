//! `schedlab platforms`: what a platform is made of (nodes, speeds, power,
//! links), so that a paper can state the platform its results come from.
//!
//! The JSON form is each platform's spec, the same document a platform file
//! holds, so `--json` output can be saved and read back with `--platform`.

use anyhow::Result;
use serde::Serialize;
use sim::Platform;
use sim::platform::{NetworkSpec, NodeSpec};
use std::fmt::Write as _;

/// One platform as `schedlab platforms --json` prints it.
#[derive(Debug, Serialize)]
pub struct Described<'a> {
    /// The argument or preset label it was built from (`heterogeneous:8`).
    pub platform: String,
    /// Nodes after expanding `count`.
    pub nodes: usize,
    /// Cores over all nodes.
    pub cores: u64,
    /// The platform file's content.
    pub spec: &'a sim::PlatformSpec,
}

/// The platforms to describe: `args` (files or `PRESET[:NODES]`), or every
/// preset at its default size when `args` is empty; each switched to
/// `network` if given.
///
/// # Errors
/// As [`crate::platform_arg::resolve`] and [`Platform::with_network_model`].
pub fn resolve(args: &[String], network: Option<sim::platform::NetworkModel>) -> Result<Vec<(String, Platform)>> {
    let args: Vec<String> = if args.is_empty() {
        sim::presets::PRESET_NAMES
            .iter()
            .map(|p| format!("{p}:{}", crate::platform_arg::DEFAULT_PRESET_NODES))
            .collect()
    } else {
        args.to_vec()
    };
    args.into_iter()
        .map(|arg| {
            let platform = crate::platform_arg::with_network(crate::platform_arg::resolve(&arg)?, network)?;
            Ok((arg, platform))
        })
        .collect()
}

/// The JSON document: one [`Described`] per platform.
pub fn json(platforms: &[(String, Platform)]) -> serde_json::Value {
    let described: Vec<Described<'_>> = platforms
        .iter()
        .map(|(arg, p)| Described {
            platform: arg.clone(),
            nodes: p.node_count(),
            cores: p.total_cores(),
            spec: p.spec(),
        })
        .collect();
    serde_json::json!(described)
}

/// Seconds in the unit that keeps them readable (`10 µs`, `20 ms`, `1.5 s`).
fn secs(x: f64) -> String {
    let (value, unit) = if x == 0.0 {
        (0.0, "s")
    } else if x < 1e-3 {
        (x * 1e6, "µs")
    } else if x < 1.0 {
        (x * 1e3, "ms")
    } else {
        (x, "s")
    };
    format!("{} {unit}", (value * 1e3).round() / 1e3)
}

/// Bytes per second, with the bit rate a paper would quote (`1.25e9 B/s (10 Gb/s)`).
fn rate(bytes_per_sec: f64) -> String {
    let bits = bytes_per_sec * 8.0;
    let (value, unit) = if bits >= 1e9 {
        (bits / 1e9, "Gb/s")
    } else {
        (bits / 1e6, "Mb/s")
    };
    format!("{bytes_per_sec:e} B/s ({} {unit})", (value * 1e3).round() / 1e3)
}

/// DVFS levels as `speed×factor at W/core`, nominal first.
fn dvfs(node: &NodeSpec) -> String {
    if node.power.dvfs.is_empty() {
        return "-".to_owned();
    }
    let levels: Vec<String> = node
        .power
        .dvfs
        .iter()
        .map(|l| format!("x{} {} W", l.speed_factor, l.busy_core_w))
        .collect();
    levels.join(", ")
}

/// One platform as text: its network, then a row per node entry.
pub fn table(label: &str, platform: &Platform) -> String {
    let spec = platform.spec();
    let mut out = format!(
        "{label}: {} nodes, {} cores\n",
        platform.node_count(),
        platform.total_cores()
    );
    // Writing to a String cannot fail.
    let _ = match &spec.network {
        NetworkSpec::Dedicated {
            latency,
            bandwidth,
            bandwidth_matrix,
            latency_matrix,
        } => writeln!(
            out,
            "  network: dedicated (a private link per node pair, no contention), latency {}{}, bandwidth {}{}",
            secs(*latency),
            if latency_matrix.is_some() {
                " (per-pair matrix)"
            } else {
                ""
            },
            rate(*bandwidth),
            if bandwidth_matrix.is_some() {
                " (per-pair matrix)"
            } else {
                ""
            },
        ),
        NetworkSpec::Shared {
            latency,
            bandwidth,
            group_links,
            backplane_bandwidth,
        } => {
            let _ = writeln!(
                out,
                "  network: shared (max-min fair on each node's up and down link), latency {}, NIC {} per direction",
                secs(*latency),
                rate(*bandwidth)
            );
            if let Some(b) = backplane_bandwidth {
                let _ = writeln!(out, "  backplane: {} shared by all transfers", rate(*b));
            }
            group_links.iter().try_for_each(|l| {
                writeln!(
                    out,
                    "  link {} <-> {}: {} shared by all their transfers, latency +{}",
                    l.a,
                    l.b,
                    rate(l.bandwidth),
                    secs(l.latency)
                )
            })
        }
    };
    let header = [
        "node",
        "count",
        "cores",
        "speed",
        "idle W",
        "busy W/core",
        "DVFS (speed, W/core)",
        "group",
    ];
    let rows: Vec<[String; 8]> = spec
        .nodes
        .iter()
        .map(|n| {
            [
                n.name.clone(),
                n.count.to_string(),
                n.cores.to_string(),
                n.speed.to_string(),
                n.power.idle_w.to_string(),
                n.power.busy_core_w.to_string(),
                dvfs(n),
                n.group.clone().unwrap_or_else(|| "-".to_owned()),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
                .max(header[c].len())
        })
        .collect();
    let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
        let padded: Vec<String> = cells.zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        format!("  {}\n", padded.join("  ").trim_end())
    };
    out.push_str(&line(&mut header.iter().copied()));
    for row in &rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    let extras: Vec<String> = spec
        .nodes
        .iter()
        .flat_map(|n| {
            let mut notes = Vec::new();
            if let Some(nic) = n.nic_bandwidth {
                notes.push(format!("  {}: NIC {}", n.name, rate(nic)));
            }
            if !n.kind_speed.is_empty() {
                let kinds: Vec<String> = n.kind_speed.iter().map(|(k, f)| format!("{k} x{f}")).collect();
                notes.push(format!("  {}: per-kind speed {}", n.name, kinds.join(", ")));
            }
            if n.task_overhead > 0.0 {
                notes.push(format!("  {}: {} per task", n.name, secs(n.task_overhead)));
            }
            if n.pulls_inputs {
                notes.push(format!("  {}: workers copy their own inputs", n.name));
            }
            if let Some(memory) = n.memory_bytes {
                notes.push(format!(
                    "  {}: {memory} B of memory shared by its running tasks",
                    n.name
                ));
            }
            if !n.labels.is_empty() {
                notes.push(format!("  {}: labels {}", n.name, n.labels.join(", ")));
            }
            notes
        })
        .collect();
    for note in extras {
        out.push_str(&note);
        out.push('\n');
    }
    out
}

/// `schedlab platforms`: every platform as a table, or all as one JSON array.
///
/// # Errors
/// As [`resolve`], or if `out` fails.
pub fn run(
    args: &[String],
    network: Option<sim::platform::NetworkModel>,
    as_json: bool,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let platforms = resolve(args, network)?;
    if as_json {
        writeln!(out, "{}", serde_json::to_string_pretty(&json(&platforms))?)?;
        return Ok(());
    }
    for (i, (label, platform)) in platforms.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write!(out, "{}", table(label, platform))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_read_as_a_paper_writes_them() {
        assert_eq!(secs(0.0), "0 s");
        assert_eq!(secs(1e-5), "10 µs");
        assert_eq!(secs(0.02), "20 ms");
        assert_eq!(secs(1.5), "1.5 s");
        assert_eq!(rate(1.25e9), "1.25e9 B/s (10 Gb/s)");
        assert_eq!(rate(1.25e7), "1.25e7 B/s (100 Mb/s)");
    }

    #[test]
    fn every_preset_is_described_with_its_nodes_power_and_links() {
        let platforms = resolve(&[], None).unwrap();
        assert_eq!(platforms.len(), sim::presets::PRESET_NAMES.len());
        let text: String = platforms.iter().map(|(l, p)| table(l, p)).collect();
        for expected in [
            "homogeneous:8: 8 nodes, 8 cores",
            "network: dedicated",
            "heterogeneous:8: 8 nodes, 48 cores",
            "fast  4      8      2      60      12           x0.75 6 W, x0.5 3 W",
            "link edge <-> cloud: 1.25e7 B/s (100 Mb/s) shared by all their transfers, latency +20 ms",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from\n{text}");
        }
    }

    #[test]
    fn json_holds_platform_files_that_read_back() {
        let platforms = resolve(
            &["edge-cloud:4".to_owned()],
            Some(sim::platform::NetworkModel::Dedicated),
        )
        .unwrap();
        let doc = json(&platforms);
        assert_eq!(doc[0]["platform"], "edge-cloud:4");
        assert_eq!(doc[0]["nodes"], 4);
        let spec: sim::PlatformSpec = serde_json::from_value(doc[0]["spec"].clone()).unwrap();
        assert_eq!(Platform::new(spec).unwrap(), platforms[0].1);
        assert_eq!(platforms[0].1.name(), "edge-cloud:4 net=dedicated");
    }
}
