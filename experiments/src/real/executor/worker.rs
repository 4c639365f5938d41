//! One worker thread: pinned to its core where the OS allows, it runs the
//! jobs the coordinator sends, copying inputs first, and reports when each
//! task started and ended on the monotonic clock.

use super::copy::Source;
use super::kernel::spin;
use sim::{EdgeId, TaskId};
use std::hint::black_box;
use std::sync::mpsc::{Receiver, Sender};
use std::time::Instant;

/// A task handed to a worker.
pub(super) struct Job {
    pub task: TaskId,
    /// Kernel iterations (the task's work, scaled to this worker's speed).
    pub iterations: u64,
    /// Inputs produced on other workers: edge and bytes to copy.
    pub copies: Vec<(EdgeId, usize)>,
}

/// A finished job, with its times.
pub(super) struct Done {
    pub worker: usize,
    pub task: TaskId,
    /// Each input copy with its start and end.
    pub copies: Vec<(EdgeId, Instant, Instant)>,
    /// When the kernel started (after the copies) and ended.
    pub start: Instant,
    pub end: Instant,
}

/// Runs jobs until the coordinator hangs up, copying inputs into `scratch`
/// (pre-touched, at least as large as the largest edge); returns whether pinning worked.
pub(super) fn run(
    worker: usize,
    core: Option<core_affinity::CoreId>,
    jobs: &Receiver<Job>,
    done: &Sender<Done>,
    source: &Source,
    scratch: &mut [u8],
) -> bool {
    let pinned = core.is_some_and(core_affinity::set_for_current);
    while let Ok(job) = jobs.recv() {
        let copies = job
            .copies
            .iter()
            .map(|&(edge, bytes)| {
                let t0 = Instant::now();
                source.copy_into(bytes, scratch);
                (edge, t0, Instant::now())
            })
            .collect();
        let start = Instant::now();
        black_box(spin(black_box(job.iterations)));
        let end = Instant::now();
        let report = Done {
            worker,
            task: job.task,
            copies,
            start,
            end,
        };
        if done.send(report).is_err() {
            break;
        }
    }
    pinned
}
