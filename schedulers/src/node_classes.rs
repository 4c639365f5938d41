//! Nodes that no task can tell apart, so list planners may evaluate them as one.
//!
//! Two nodes are in one class when they are in one [platform
//! class](sim::Platform::node_class) (every field but the name equal, memory
//! and labels included, so a task may run on all of a class's nodes or on none) and
//! the network reaches both the same way from any third node. Then a task that has no
//! predecessor on either has the same data-ready time and the same duration
//! on both; only their timelines differ (see [`crate::list`]).
//!
//! Dedicated networks qualify when all pairs have one bandwidth and one
//! latency; shared networks always do, since a path's bandwidth and latency
//! depend only on the two nodes' NICs and groups, which are class fields.

use sim::platform::Network;
use sim::{CostModel, NodeId};

/// More classes than this and the per-class scan saves little over trying
/// every node: planners then fall back to the exhaustive scan.
const MAX_CLASSES: usize = 64;

/// The classes of a platform's nodes, each in increasing id order.
#[derive(Clone, Debug)]
pub struct NodeClasses {
    classes: Vec<Vec<NodeId>>,
}

impl NodeClasses {
    /// Groups the nodes of `costs`' platform, or `None` when the network or
    /// the number of classes rules the grouping out.
    pub fn new(costs: &CostModel<'_>) -> Option<NodeClasses> {
        let platform = costs.platform();
        if let Network::Dedicated {
            bandwidth,
            latency_matrix,
            ..
        } = platform.network()
        {
            let n = platform.node_count();
            let uneven = |matrix: &[f64]| {
                let mut off_diagonal = (0..n * n).filter(|i| i / n != i % n).map(|i| matrix[i]);
                let first = off_diagonal.next();
                off_diagonal.any(|b| Some(b) != first)
            };
            if uneven(bandwidth) || latency_matrix.as_deref().is_some_and(uneven) {
                return None;
            }
        }
        let n_classes = platform.class_representatives().len();
        if n_classes > MAX_CLASSES {
            return None;
        }
        let mut classes: Vec<Vec<NodeId>> = vec![Vec::new(); n_classes];
        for node in platform.node_ids() {
            classes[platform.node_class(node)].push(node);
        }
        Some(NodeClasses { classes })
    }

    /// The classes, each a list of node ids in increasing order.
    pub fn classes(&self) -> &[Vec<NodeId>] {
        &self.classes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{DagBuilder, TaskSpec};

    fn dag() -> sim::Dag {
        let mut b = DagBuilder::new();
        b.add_task(TaskSpec::new("a", 1.0));
        b.build().unwrap()
    }

    #[test]
    fn presets_split_by_node_type() {
        let dag = dag();
        let platform = sim::presets::preset("heterogeneous", 5).unwrap();
        let costs = CostModel::new(&dag, &platform).unwrap();
        let classes = NodeClasses::new(&costs).unwrap();
        let ids = |v: &[usize]| v.iter().map(|&i| NodeId::new(i)).collect::<Vec<_>>();
        assert_eq!(classes.classes(), [ids(&[0, 1, 2]), ids(&[3, 4])]);
    }

    #[test]
    fn a_dedicated_network_with_uneven_pairs_has_no_classes() {
        let dag = dag();
        let text = r#"name = "uneven"
nodes = [{ name = "n", count = 3, cores = 1, speed = 1.0, power = { idle_w = 1.0, busy_core_w = 1.0 } }]
network = { model = "dedicated", latency = 0.0, bandwidth = 1.0, bandwidth_matrix = [[1.0, 1.0, 2.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]] }
"#;
        let platform = sim::Platform::from_toml(text).unwrap();
        let costs = CostModel::new(&dag, &platform).unwrap();
        assert!(NodeClasses::new(&costs).is_none());
    }
}
