//! The literature's small examples, built inline so schedulers are checked
//! independently of any file reader.

// Each test binary compiles this module and uses only some of its helpers.
#![allow(dead_code)]

use sim::platform::{NetworkSpec, NodeSpec, PlatformSpec, PowerModel};
use sim::{Dag, DagBuilder, Platform, TaskSpec};

/// A DAG whose task `i` (named `{prefix}{i + first}`) takes `costs[i][p]`
/// seconds on processor `p`, with edges `(source, destination, communication
/// cost)`, on identical single-core processors joined by unit-bandwidth links,
/// so that an edge's cost is its transfer time, as in the papers.
pub fn paper_example(
    name: &str,
    prefix: &str,
    first: usize,
    costs: &[[f64; 3]],
    edges: &[(usize, usize, f64)],
) -> (Dag, Platform) {
    let mut b = DagBuilder::new();
    let ids: Vec<_> = costs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mean = c.iter().sum::<f64>() / c.len() as f64;
            b.add_task(TaskSpec::new(format!("{prefix}{}", i + first), mean).node_costs(c.to_vec()))
        })
        .collect();
    for &(s, d, bytes) in edges {
        b.add_edge(ids[s], ids[d], bytes);
    }
    let node = unit_nodes(3);
    let spec = PlatformSpec {
        name: name.into(),
        network: NetworkSpec::Dedicated {
            latency: 0.0,
            bandwidth: 1.0,
            bandwidth_matrix: None,
            latency_matrix: None,
        },
        nodes: vec![node],
        workflow_system: None,
    };
    (b.build().unwrap(), Platform::new(spec).unwrap())
}

/// `count` identical single-core nodes of speed 1 drawing 1 W idle and 1 W
/// per busy core, the processors of the papers' examples.
pub fn unit_nodes(count: u32) -> NodeSpec {
    NodeSpec {
        name: "p".into(),
        count,
        cores: 1,
        speed: 1.0,
        kind_speed: Default::default(),
        power: PowerModel {
            idle_w: 1.0,
            busy_core_w: 1.0,
            dvfs: vec![],
            off_w: 0.0,
            boot_secs: 0.0,
            boot_j: 0.0,
        },
        group: None,
        nic_bandwidth: None,
        task_overhead: 0.0,
        pulls_inputs: false,
        price_per_hour: None,
        billing_secs: None,
        memory_bytes: None,
        labels: Vec::new(),
        pool: None,
    }
}
