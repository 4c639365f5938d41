//! Summary figures of a DAG, as `schedlab info` prints them.

use serde::Serialize;
use sim::Dag;
use sim::presets::REFERENCE_BANDWIDTH;

/// Shape and size of a DAG. Times are in reference seconds (one core of speed 1).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DagStats {
    /// Number of tasks.
    pub tasks: usize,
    /// Number of (merged) edges.
    pub edges: usize,
    /// Number of levels: tasks on the longest chain (0 for an empty DAG).
    pub depth: usize,
    /// Most tasks on one level, where a task's level is the length of the
    /// longest chain of predecessors above it.
    pub max_width: usize,
    /// Sum of all tasks' work, in seconds.
    pub total_work: f64,
    /// Largest sum of work along a path, in seconds; communication is ignored.
    pub critical_path: f64,
    /// Communication-to-computation ratio: the mean edge's transfer time at
    /// [`REFERENCE_BANDWIDTH`] over the mean task's work (0 without edges or work).
    pub ccr: f64,
    /// Task kinds with their counts, most frequent first (ties by name).
    pub kinds: Vec<KindCount>,
}

/// How many tasks have one kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KindCount {
    /// The kind label.
    pub kind: String,
    /// Number of tasks of that kind.
    pub count: usize,
}

/// Computes [`DagStats`] in O(tasks + edges).
pub fn stats(dag: &Dag) -> DagStats {
    let tasks = dag.tasks();
    let n = tasks.len();
    let mut level = vec![0usize; n];
    let mut finish = vec![0.0f64; n];
    let mut width: Vec<usize> = Vec::new();
    let mut critical_path = 0.0f64;
    for &t in dag.topological_order() {
        let i = t.index();
        let (mut lvl, mut start) = (0usize, 0.0f64);
        for p in dag.predecessors(t) {
            lvl = lvl.max(level[p.index()] + 1);
            start = start.max(finish[p.index()]);
        }
        level[i] = lvl;
        finish[i] = start + tasks[i].work;
        critical_path = critical_path.max(finish[i]);
        if width.len() <= lvl {
            width.resize(lvl + 1, 0);
        }
        width[lvl] += 1;
    }
    let total_work: f64 = tasks.iter().map(|t| t.work).sum();
    let total_bytes: f64 = dag.edges().iter().map(|e| e.bytes).sum();
    let ccr = if dag.edge_count() == 0 || total_work <= 0.0 {
        0.0
    } else {
        let mean_comm = total_bytes / REFERENCE_BANDWIDTH / dag.edge_count() as f64;
        mean_comm / (total_work / n as f64)
    };
    let mut counts = vec![0usize; dag.kinds().len()];
    for t in tasks {
        counts[t.kind.index()] += 1;
    }
    let mut kinds: Vec<KindCount> = counts
        .into_iter()
        .enumerate()
        .filter(|&(_, count)| count > 0)
        .map(|(k, count)| KindCount {
            kind: dag.kinds()[k].clone(),
            count,
        })
        .collect();
    kinds.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.kind.cmp(&b.kind)));
    DagStats {
        tasks: n,
        edges: dag.edge_count(),
        depth: width.len(),
        max_width: width.iter().copied().max().unwrap_or(0),
        total_work,
        critical_path,
        ccr,
        kinds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{DagBuilder, TaskSpec};

    #[test]
    fn diamond_figures() {
        let mut b = DagBuilder::new();
        let a = b.add_task(TaskSpec::new("a", 1.0).kind("x"));
        let l = b.add_task(TaskSpec::new("l", 2.0));
        let r = b.add_task(TaskSpec::new("r", 3.0));
        let z = b.add_task(TaskSpec::new("z", 1.0));
        for (s, d) in [(a, l), (a, r), (l, z), (r, z)] {
            b.add_edge(s, d, REFERENCE_BANDWIDTH * 1.75);
        }
        let s = stats(&b.build().unwrap());
        assert_eq!((s.tasks, s.edges, s.depth, s.max_width), (4, 4, 3, 2));
        assert_eq!(s.total_work, 7.0);
        assert_eq!(s.critical_path, 5.0);
        assert_eq!(s.ccr, 1.0);
        assert_eq!(
            s.kinds[0],
            KindCount {
                kind: "task".into(),
                count: 3
            }
        );
        assert_eq!(
            s.kinds[1],
            KindCount {
                kind: "x".into(),
                count: 1
            }
        );
    }
}
