//! Per node class, a tree over its nodes' timeline summaries that finds the
//! earliest single-core start in the class without visiting every node.
//!
//! A list planner places a task on the node where it finishes first. Nodes of
//! one [class](crate::node_classes) that hold no predecessor of the task share
//! its data-ready time and duration, so among them the best is the one that
//! can start it first (ties: lowest id). A node's start is known from its
//! summary ([`Timelines::quick_start`]: when its earliest-free lane frees up)
//! unless an idle gap might hold the task, which only a search of its lanes
//! settles; either way it is at least the ready time. Each class keeps a
//! segment tree over its nodes in id order holding, per subtree, the least
//! free-up time and the latest gap end, which bound the start of every node
//! below from under. A query walks the tree from the left and skips every
//! subtree whose bound cannot beat the best start found so far, so it returns
//! exactly the node a scan of the class would (the least start, then the
//! least id) while visiting O(log n) subtrees per node it evaluates.

use crate::node_classes::NodeClasses;
use crate::timeline::{Timelines, summary_start};
use sim::{NodeId, SimDuration, SimTime};
use smallvec::{SmallVec, smallvec};

/// The free-up time of padding leaves: never.
const NEVER: SimTime = SimTime::from_nanos(u64::MAX);

/// The trees of every class.
#[derive(Clone, Debug)]
pub(crate) struct ClassIndex {
    trees: Vec<Tree>,
    /// Per node: its class and its position in that class.
    place: Vec<(u32, u32)>,
}

/// A segment tree over one class's nodes: leaves from `width` on, node `i`'s
/// children at `2i` and `2i + 1`. Leaves past the class hold bounds no query
/// takes (free never, no gap).
#[derive(Clone, Debug)]
struct Tree {
    nodes: Vec<NodeId>,
    width: usize,
    /// Least free-up time of the nodes below.
    free_at: Vec<SimTime>,
    /// Latest gap end of the nodes below.
    hole_end: Vec<SimTime>,
}

/// What a query looks for: a single-core task ready at `ready` for `duration`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Query {
    /// When its inputs could be on any node of the class.
    pub ready: SimTime,
    /// How long it runs on any node of the class.
    pub duration: SimDuration,
    /// Whether it may go into idle gaps.
    pub insertion: bool,
}

impl Query {
    /// The start of the task on a node with this summary, unless a gap might
    /// hold it ([`summary_start`]); over a subtree's bounds, a lower bound on
    /// the start of every node below.
    fn summary_start(&self, free_at: SimTime, hole_end: SimTime) -> Option<SimTime> {
        summary_start(free_at, hole_end, self.ready, self.duration, self.insertion)
    }
}

impl ClassIndex {
    /// Trees over `classes`, from the summaries of `timelines`.
    pub fn new(classes: &NodeClasses, timelines: &Timelines) -> ClassIndex {
        let n_nodes = classes.classes().iter().map(Vec::len).sum();
        let mut place = vec![(0, 0); n_nodes];
        let mut trees = Vec::with_capacity(classes.classes().len());
        for (c, class) in classes.classes().iter().enumerate() {
            let width = class.len().next_power_of_two();
            let mut tree = Tree {
                nodes: class.clone(),
                width,
                free_at: vec![NEVER; 2 * width],
                hole_end: vec![SimTime::ZERO; 2 * width],
            };
            for (i, &node) in class.iter().enumerate() {
                place[node.index()] = (c as u32, i as u32);
                tree.free_at[width + i] = timelines.free_at(node);
                tree.hole_end[width + i] = timelines.hole_end(node);
            }
            for i in (1..width).rev() {
                tree.pull(i);
            }
            trees.push(tree);
        }
        ClassIndex { trees, place }
    }

    /// Takes `node`'s new summary from `timelines` (after a reservation or a
    /// release on it). O(log n).
    pub fn update(&mut self, node: NodeId, timelines: &Timelines) {
        let (c, i) = self.place[node.index()];
        let tree = &mut self.trees[c as usize];
        let mut at = tree.width + i as usize;
        tree.free_at[at] = timelines.free_at(node);
        tree.hole_end[at] = timelines.hole_end(node);
        while at > 1 {
            at /= 2;
            tree.pull(at);
        }
    }

    /// The node of class `class`, other than those in `skip` (sorted), that
    /// starts the task of `query` first, ties to the lowest id, with its start.
    /// `exact(node)` is the start a search of the node's lanes gives, asked
    /// only where the node's summary does not settle it.
    pub fn earliest_start(
        &self,
        class: usize,
        query: &Query,
        skip: &[NodeId],
        exact: impl Fn(NodeId) -> SimTime,
    ) -> Option<(SimTime, NodeId)> {
        let tree = &self.trees[class];
        let mut best: Option<(SimTime, NodeId)> = None;
        // Depth-first from the left: every node found later has a higher id,
        // so a subtree is skipped when its bound only ties the best start.
        let mut stack: SmallVec<[usize; 64]> = smallvec![1];
        while let Some(at) = stack.pop() {
            // A start is never before the ready time.
            let bound = query
                .summary_start(tree.free_at[at], tree.hole_end[at])
                .unwrap_or(query.ready);
            if best.is_some_and(|(start, _)| bound >= start) {
                continue;
            }
            if at < tree.width {
                stack.push(2 * at + 1);
                stack.push(2 * at);
                continue;
            }
            let Some(&node) = tree.nodes.get(at - tree.width) else {
                continue;
            };
            if skip.binary_search(&node).is_ok() {
                continue;
            }
            let start = query
                .summary_start(tree.free_at[at], tree.hole_end[at])
                .unwrap_or_else(|| exact(node));
            if best.is_none_or(|(s, _)| start < s) {
                best = Some((start, node));
                if start == query.ready {
                    break; // Nothing starts sooner, and later ids lose ties.
                }
            }
        }
        best
    }
}

impl Tree {
    fn pull(&mut self, at: usize) {
        self.free_at[at] = self.free_at[2 * at].min(self.free_at[2 * at + 1]);
        self.hole_end[at] = self.hole_end[2 * at].max(self.hole_end[2 * at + 1]);
    }
}
