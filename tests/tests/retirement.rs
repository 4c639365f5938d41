//! Retiring finished jobs of a stream: every scheduler that runs on streams
//! forgets the retired jobs' tasks, and its results do not change.
//!
//! What a scheduler keeps is observed through the allocator: this test
//! binary counts the heap bytes allocated minus those freed while a
//! scheduler call runs on the current thread, which is the scheduler's own
//! heap (the engine's allocations happen outside its calls). A per-task
//! vector that grows with the stream shows up as bytes growing with the
//! stream's tasks, whatever its type.

use sim::{DagBuilder, Decisions, JobId, JobInfo, NodeId, SimConfig, SimView, StateSource, StreamJob, StreamRun};
use sim::{Scheduler, TaskId, TaskSpec, TaskState, Update};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use workloads::stream::ArrivalProcess;

/// The system allocator, counting on each thread the bytes live from
/// allocations made inside a scheduler call ([`in_scheduler`]).
struct Counting;

thread_local! {
    /// Whether a scheduler call is running on this thread.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    /// Bytes allocated minus bytes freed while counting.
    static LIVE: Cell<i64> = const { Cell::new(0) };
}

fn count(delta: i64) {
    // During thread teardown the counters may be gone: nothing to count then.
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = LIVE.try_with(|live| live.set(live.get() + delta));
        }
    });
}

// The workspace denies unsafe code; a global allocator cannot be written
// without it, and this one only forwards to the system allocator.
// SAFETY: every call is forwarded to the system allocator unchanged; the
// counters are thread-local cells with constant initialisers, which never allocate.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64);
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as i64));
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as i64 - layout.size() as i64);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` as a scheduler call: what it allocates and frees is counted.
fn in_scheduler<R>(f: impl FnOnce() -> R) -> R {
    COUNTING.with(|on| on.set(true));
    let res = f();
    COUNTING.with(|on| on.set(false));
    res
}

/// The scheduler's live heap bytes on this thread.
fn live_bytes() -> i64 {
    LIVE.with(Cell::get)
}

/// The run's state as a scheduler sees it, refusing questions about retired tasks.
struct Audited<'v> {
    view: &'v SimView<'v>,
    /// Tasks below this are retired.
    retired: usize,
    scheduler: &'v str,
}

impl Audited<'_> {
    fn check(&self, task: TaskId) {
        assert!(
            task.index() >= self.retired,
            "{}: asked about task {} at {}, after the tasks below {} were retired",
            self.scheduler,
            task.index(),
            self.view.now(),
            self.retired
        );
    }
}

impl StateSource for Audited<'_> {
    fn task_state(&self, task: TaskId) -> TaskState {
        self.check(task);
        self.view.task_state(task)
    }
    fn free_cores(&self, node: NodeId) -> u32 {
        self.view.free_cores(node)
    }
    fn queue_len(&self, node: NodeId) -> usize {
        self.view.queue_len(node)
    }
    fn node_up(&self, node: NodeId) -> bool {
        self.view.node_up(node)
    }
    fn inputs_arrived(&self, task: TaskId) -> Option<sim::SimTime> {
        self.check(task);
        self.view.inputs_arrived(task)
    }
    fn job_of(&self, task: TaskId) -> Option<JobId> {
        self.check(task);
        self.view.job_of(task)
    }
    fn job(&self, job: JobId) -> Option<JobInfo> {
        self.view.job(job)
    }
}

/// A registry scheduler whose heap is counted, with retirement forwarded to
/// it (and audited) or withheld.
struct Watch {
    name: String,
    inner: Box<dyn Scheduler>,
    forward_retire: bool,
    /// Tasks retired so far, and how many times retirement happened.
    retired: usize,
    retirements: usize,
    /// The most live bytes after any call.
    peak: i64,
    /// The inner scheduler's decisions, moved to the engine's outside the
    /// count (the engine frees what it is handed, so those bytes would stay counted).
    decided: Decisions,
}

impl Watch {
    fn call(&mut self, view: &SimView<'_>, f: impl FnOnce(&mut dyn Scheduler, &SimView<'_>, &mut Decisions)) {
        let retired = if self.forward_retire { self.retired } else { 0 };
        let audited = Audited {
            view,
            retired,
            scheduler: &self.name,
        };
        let seen = SimView::new(view.now(), view.costs(), &audited);
        in_scheduler(|| f(self.inner.as_mut(), &seen, &mut self.decided));
        self.peak = self.peak.max(live_bytes());
    }
}

impl Scheduler for Watch {
    fn name(&self) -> &str {
        &self.name
    }
    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        self.call(view, |s, v, d| s.plan(v, d));
        self.decided.drain().for_each(|d| out.add(d));
    }
    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        if self.forward_retire {
            let named = update.ready.iter().chain(update.finished).chain(update.lost);
            assert!(
                named.into_iter().all(|t| t.index() >= self.retired),
                "{}: an update names a retired task at {}",
                self.name,
                view.now()
            );
        }
        self.call(view, |s, v, d| s.on_update(v, update, d));
        self.decided.drain().for_each(|d| out.add(d));
    }
    fn retire(&mut self, before: TaskId) {
        assert!(before.index() > self.retired, "retirement went back or stood still");
        self.retired = before.index();
        self.retirements += 1;
        if self.forward_retire {
            in_scheduler(|| self.inner.retire(before));
            self.peak = self.peak.max(live_bytes());
        }
    }
}

/// Fork-join jobs (a, then b, c, d on 1 MB each from a, then e), 1 s of
/// reference work each, arriving as a Poisson process at one per 1.5 s.
fn jobs(n: usize) -> impl Iterator<Item = StreamJob> {
    let dag = {
        let mut b = DagBuilder::new();
        let a = b.add_task(TaskSpec::new("a", 0.1));
        let e = b.add_task(TaskSpec::new("e", 0.3));
        for name in ["b", "c", "d"] {
            let t = b.add_task(TaskSpec::new(name, 0.2));
            b.add_edge(a, t, 1e6);
            b.add_edge(t, e, 1e6);
        }
        Arc::new(b.build().unwrap())
    };
    let times = ArrivalProcess::parse("poisson:rate=0.67").unwrap().times_from_seed(3);
    times.take(n).map(move |arrival| StreamJob {
        dag: Arc::clone(&dag),
        arrival,
        weight: 1.0,
        deadline: Some(arrival + 10.0),
    })
}

/// `spec` run on `n_jobs` jobs under `config` with retirement forwarded or
/// withheld: the run, the scheduler's peak heap bytes, the tasks retired and
/// the retirements.
fn run(spec: &str, n_jobs: usize, config: &SimConfig, forward_retire: bool) -> (StreamRun, i64, usize, usize) {
    let platform = sim::presets::preset("heterogeneous", 3).unwrap();
    let mut watch = Watch {
        name: spec.to_owned(),
        inner: schedulers::registry::create_for_stream(spec, config.seed).unwrap(),
        forward_retire,
        retired: 0,
        retirements: 0,
        peak: 0,
        decided: Decisions::default(),
    };
    LIVE.with(|live| live.set(0));
    let run = sim::simulate_stream(jobs(n_jobs).map(Ok), &platform, &mut watch, config)
        .unwrap_or_else(|e| panic!("{spec}: {e}"));
    sim::check::check_stream(&run, &platform).unwrap_or_else(|v| panic!("{spec}: {v:?}"));
    (run, watch.peak, watch.retired, watch.retirements)
}

/// Every scheduler that runs on streams (online policies, job-level
/// policies, static planners per arrival): on a stream of 2,000 jobs
/// (10,000 tasks), retired many times over, it never asks about a retired
/// task, its heap stays under 2 bytes per task of the stream (a quarter
/// of one `f64` per task: no per-task vector grows with the stream), and
/// its run is the one it makes when it is never told of retirement.
#[test]
fn every_stream_scheduler_forgets_retired_jobs() {
    let n_jobs = 2_000;
    let n_tasks = 5 * n_jobs;
    let bound = 2 * n_tasks as i64;
    let config = SimConfig {
        seed: 7,
        ..SimConfig::default()
    };
    let mut ran = Vec::new();
    for info in schedulers::registry::all() {
        if schedulers::registry::create_for_stream(info.name, 7).is_err() {
            continue;
        }
        let (retiring, peak, retired, retirements) = run(info.name, n_jobs, &config, true);
        let (keeping, peak_kept, _, _) = run(info.name, n_jobs, &config, false);
        assert!(
            retired > n_tasks * 9 / 10 && retirements > n_jobs / 10,
            "{}: {retired} tasks retired in {retirements} retirements",
            info.name
        );
        assert!(
            peak <= bound,
            "{}: {peak} bytes held with retirement (without: {peak_kept}); bound {bound}",
            info.name
        );
        assert!(
            retiring.result == keeping.result,
            "{}: retirement changed the run",
            info.name
        );
        assert_eq!(retiring.outcomes(), keeping.outcomes(), "{}", info.name);
        ran.push((info.name, peak, peak_kept));
    }
    eprintln!("peak scheduler heap bytes on {n_tasks} tasks, with retirement / never told:");
    for (name, with, without) in &ran {
        eprintln!("{name:>20} {with:>9} {without:>9}");
    }
    assert!(ran.len() > 40, "only {} schedulers run streams", ran.len());
    // The count sees per-task data where it is kept: online EFT's ranks and
    // expected finishes (32 bytes per task) when it is never told of retirement.
    let (_, with, without) = ran.iter().find(|r| r.0 == "online-eft").unwrap();
    assert!(
        *without > 8 * n_tasks as i64 && *with < without / 8,
        "online-eft: {with} / {without}"
    );
}

/// Under node failures and noisy run times (tasks lost and handed back,
/// nodes down when jobs arrive), every stream scheduler still never asks
/// about a retired task and makes the same run as when never told of retirement.
#[test]
fn retirement_changes_no_run_under_failures_and_noise() {
    let config = SimConfig {
        seed: 11,
        noise: sim::Noise::lognormal(0.5),
        failures: sim::Failures::exponential(40.0, 2.0),
        ..SimConfig::default()
    };
    let n_jobs = 300;
    let mut ran = 0;
    for info in schedulers::registry::all() {
        if schedulers::registry::create_for_stream(info.name, 11).is_err() {
            continue;
        }
        let (retiring, _, retired, _) = run(info.name, n_jobs, &config, true);
        let (keeping, _, _, _) = run(info.name, n_jobs, &config, false);
        assert!(retired > 5 * n_jobs / 2, "{}: {retired} tasks retired", info.name);
        assert!(!retiring.result.lost.is_empty(), "{}: no run was lost", info.name);
        assert!(
            retiring.result == keeping.result,
            "{}: retirement changed the run",
            info.name
        );
        ran += 1;
    }
    assert!(ran > 40, "only {ran} schedulers run streams");
}
