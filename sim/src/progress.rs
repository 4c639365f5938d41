//! A handle to watch a run from another thread and to stop it.
//!
//! The engine writes the number of finished tasks into the handle and reads
//! its cancel flag once per batch of events, so an interactive front end can
//! show progress and stop a long run without waiting for it to end. Reading
//! and writing are relaxed atomic operations: they cost nothing measurable and
//! never change what the run computes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Shared progress counter and cancel flag of one run (see [`crate::SimConfig::progress`]).
///
/// Clones share the same counter and flag. Two handles are equal when they
/// are clones of each other.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    done: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
}

impl Progress {
    /// A new handle: nothing finished, not cancelled.
    pub fn new() -> Progress {
        Progress::default()
    }

    /// A handle for another run that shares this one's cancel flag but counts its own tasks,
    /// so that one [`Progress::cancel`] stops a batch of runs made one after the other.
    pub fn next_run(&self) -> Progress {
        Progress {
            done: Arc::default(),
            cancel: Arc::clone(&self.cancel),
        }
    }

    /// Asks the run to stop: it returns [`crate::SimError::Cancelled`] at its next batch of events.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether [`Progress::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Number of tasks the run has finished so far.
    pub fn tasks_done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }

    /// Records the number of finished tasks (called by the engine).
    pub(crate) fn report(&self, tasks_done: usize) {
        self.done.store(tasks_done, Ordering::Relaxed);
    }
}

impl PartialEq for Progress {
    fn eq(&self, other: &Progress) -> bool {
        Arc::ptr_eq(&self.done, &other.done) && Arc::ptr_eq(&self.cancel, &other.cancel)
    }
}

#[cfg(test)]
mod tests {
    use super::Progress;
    use crate::{DagBuilder, Decisions, NodeId, Scheduler, SimConfig, SimError, SimView, TaskSpec, Update, simulate};

    /// Puts every ready task on node 0 and cancels `progress` once `cancel_after` tasks have finished.
    struct CancelAfter {
        progress: Progress,
        cancel_after: usize,
        finished: usize,
    }

    impl Scheduler for CancelAfter {
        fn name(&self) -> &str {
            "cancel-after"
        }

        fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
            self.finished += update.finished.len();
            if self.finished >= self.cancel_after {
                self.progress.cancel();
            }
            for &task in update.ready {
                out.assign(view, task, NodeId::new(0));
            }
        }
    }

    fn run_chain(n_tasks: usize, cancel_after: usize) -> (Progress, Result<crate::RunResult, SimError>) {
        let mut b = DagBuilder::new();
        let ids: Vec<_> = (0..n_tasks)
            .map(|i| b.add_task(TaskSpec::new(format!("t{i}"), 1.0)))
            .collect();
        for pair in ids.windows(2) {
            b.add_edge(pair[0], pair[1], 0.0);
        }
        let dag = b.build().expect("a chain is a valid DAG");
        let platform = crate::presets::preset("homogeneous", 2).expect("preset");
        let progress = Progress::new();
        let config = SimConfig {
            progress: Some(progress.clone()),
            ..SimConfig::default()
        };
        let mut scheduler = CancelAfter {
            progress: progress.clone(),
            cancel_after,
            finished: 0,
        };
        let result = simulate(&dag, &platform, &mut scheduler, &config);
        (progress, result)
    }

    #[test]
    fn a_finished_run_reports_every_task() {
        let (progress, result) = run_chain(30, usize::MAX);
        assert!(result.is_ok());
        assert_eq!(progress.tasks_done(), 30);
        assert!(!progress.is_cancelled());
    }

    #[test]
    fn cancelling_stops_the_run_at_the_next_batch() {
        let (progress, result) = run_chain(30, 10);
        assert_eq!(result.err(), Some(SimError::Cancelled { unfinished: 20 }));
        assert_eq!(progress.tasks_done(), 10);
    }

    #[test]
    fn handles_are_equal_only_to_their_clones() {
        let a = Progress::new();
        assert_eq!(a, a.clone());
        assert_ne!(a, Progress::new());
    }

    #[test]
    fn the_next_run_shares_the_cancel_flag_but_not_the_count() {
        let (first, result) = run_chain(30, usize::MAX);
        assert!(result.is_ok());
        let second = first.next_run();
        assert_eq!(second.tasks_done(), 0);
        assert_ne!(first, second);
        second.cancel();
        assert!(first.is_cancelled());
    }
}
