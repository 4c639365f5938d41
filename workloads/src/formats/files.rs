//! Edges from files, the step shared by the readers of file-passing workflows
//! (WfCommons, DAX): an edge carries the files its parent writes and its child reads.

use sim::{DagBuilder, TaskId};
use std::collections::{HashMap, HashSet};

/// Adds one edge per `(parent, child)` pair (pairs must be distinct), carrying
/// the bytes of the files the parent writes and the child reads.
///
/// `outputs[t]` lists the files task `t` writes, `inputs[t]` the files it reads
/// with their sizes in bytes; a file listed twice by one task counts once.
/// O(pairs + file references).
pub(crate) fn add_file_edges(
    b: &mut DagBuilder,
    pairs: &[(TaskId, TaskId)],
    outputs: &[Vec<&str>],
    inputs: &[Vec<(&str, f64)>],
) {
    let mut producers: HashMap<&str, Vec<TaskId>> = HashMap::new();
    for (i, files) in outputs.iter().enumerate() {
        for &file in files {
            let list = producers.entry(file).or_default();
            if !list.contains(&TaskId::new(i)) {
                list.push(TaskId::new(i));
            }
        }
    }
    let mut bytes: HashMap<(TaskId, TaskId), f64> = pairs.iter().map(|&p| (p, 0.0)).collect();
    for (i, files) in inputs.iter().enumerate() {
        let child = TaskId::new(i);
        let mut seen: HashSet<&str> = HashSet::with_capacity(files.len());
        for &(file, size) in files {
            if !seen.insert(file) {
                continue;
            }
            for &parent in producers.get(file).into_iter().flatten() {
                if let Some(total) = bytes.get_mut(&(parent, child)) {
                    *total += size;
                }
            }
        }
    }
    for &pair in pairs {
        b.add_edge(pair.0, pair.1, bytes.get(&pair).copied().unwrap_or(0.0));
    }
}
