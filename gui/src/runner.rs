//! Runs the chosen schedulers in a background thread, never on the UI thread.
//!
//! The thread calls [`RunSpec::execute`] (the run every `schedlab` command
//! makes, audited by the invariant checker), or [`StreamSpec::execute`] for
//! a job stream, once per scheduler, in order, and sends
//! each outcome back over a channel. Every run gets a [`sim::Progress`] handle:
//! the UI reads its count of finished tasks for the progress bar, and
//! cancelling sets the flag all the batch's handles share, which the engine
//! checks after every batch of events. A scheduler's up-front planning
//! (HEFT's ranking, say) is not interrupted: cancelling then takes effect when
//! the plan is made.

use experiments::run::{RunSpec, StreamSpec};
use sim::job_metrics::StreamMetrics;
use sim::metrics::StepSeries;
use sim::{Dag, JobRecord, Platform, Progress, RunResult, SimConfig, StreamRun};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};
use workloads::stream::Stream;

/// What a job stream's run adds to its [`RunResult`].
#[derive(Debug)]
pub struct StreamOutcome {
    /// Every job's DAG, appended in arrival order: what the run's task ids refer to.
    pub dag: Arc<Dag>,
    /// Every job, in arrival order.
    pub jobs: Vec<JobRecord>,
    /// The stream's metrics, measured at its horizon if it has one.
    pub metrics: StreamMetrics,
    /// Jobs arrived and not finished over time.
    pub in_system: StepSeries,
}

impl StreamOutcome {
    /// Splits a stream's run into its [`RunResult`] and the rest.
    pub fn new(run: StreamRun, horizon: Option<f64>) -> (RunResult, StreamOutcome) {
        let outcome = StreamOutcome {
            metrics: run.metrics(horizon),
            in_system: run.jobs_in_system(),
            dag: Arc::new(run.dag),
            jobs: run.jobs,
        };
        (run.result, outcome)
    }
}

/// What one scheduler produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The scheduler spec it ran.
    pub spec: String,
    /// The run, or the error message of the registry, the engine or the invariant checker.
    pub result: Result<Arc<RunResult>, String>,
    /// The jobs of a stream's run.
    pub stream: Option<Arc<StreamOutcome>>,
    /// Wall-clock time of the run.
    pub wall: Duration,
}

/// One batch of runs on one DAG, or one job stream, and one platform.
#[derive(Clone, Debug)]
pub struct Job {
    /// The workload (for a stream, a sample of its mix; not run).
    pub dag: Arc<Dag>,
    /// The job stream to run instead of `dag`, if any.
    pub stream: Option<Arc<Stream>>,
    /// The platform.
    pub platform: Arc<Platform>,
    /// Scheduler specs, run in this order.
    pub specs: Vec<String>,
    /// Resource manager spec every scheduler runs under.
    pub resource_manager: String,
    /// Engine settings; its seed also seeds randomised schedulers.
    pub config: SimConfig,
}

enum Message {
    Started(String, Progress),
    Done(Outcome),
}

/// A job in flight.
pub struct Running {
    rx: Receiver<Message>,
    cancel: Progress,
    total: usize,
    n_tasks: usize,
    current: Option<(String, Progress)>,
    outcomes: Vec<Outcome>,
}

impl Running {
    /// Starts `job` on a new thread; `wake` is called after every message so the UI repaints.
    ///
    /// # Errors
    /// The message of the operating system's error when no thread can be spawned.
    pub fn start(job: Job, wake: impl Fn() + Send + 'static) -> Result<Running, String> {
        let (tx, rx) = channel();
        let cancel = Progress::new();
        let total = job.specs.len();
        // A stream's task count is known only when its jobs have been drawn.
        let n_tasks = if job.stream.is_some() { 0 } else { job.dag.task_count() };
        let batch = cancel.clone();
        std::thread::Builder::new()
            .name("schedlab-runner".to_owned())
            .spawn(move || {
                for spec in &job.specs {
                    let progress = batch.next_run();
                    if batch.is_cancelled() || tx.send(Message::Started(spec.clone(), progress.clone())).is_err() {
                        return;
                    }
                    wake();
                    let settings = SimConfig {
                        progress: Some(progress),
                        ..job.config.clone()
                    };
                    let began = Instant::now();
                    let (result, stream) = run_one(&job, spec, settings);
                    if batch.is_cancelled() {
                        return;
                    }
                    let outcome = Outcome {
                        spec: spec.clone(),
                        result,
                        stream,
                        wall: began.elapsed(),
                    };
                    if tx.send(Message::Done(outcome)).is_err() {
                        return;
                    }
                    wake();
                }
            })
            .map_err(|e| format!("cannot start the runner thread: {e}"))?;
        Ok(Running {
            rx,
            cancel,
            total,
            n_tasks,
            current: None,
            outcomes: Vec::new(),
        })
    }

    /// Takes in what the thread has sent; returns `true` once every scheduler has run.
    pub fn poll(&mut self) -> bool {
        loop {
            match self.rx.try_recv() {
                Ok(Message::Started(spec, progress)) => self.current = Some((spec, progress)),
                Ok(Message::Done(outcome)) => {
                    self.current = None;
                    self.outcomes.push(outcome);
                }
                Err(TryRecvError::Empty) => return false,
                Err(TryRecvError::Disconnected) => return true,
            }
        }
    }

    /// Stops the run inside the engine at its next batch of events, and the batch with it.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Fraction of the batch done, in `[0, 1]`: finished schedulers plus the
    /// running one's share of finished tasks (of a stream: none, its size
    /// being unknown until it ends).
    pub fn progress(&self) -> f32 {
        if self.total == 0 {
            return 1.0;
        }
        let share = match (self.current_tasks_done(), self.n_tasks) {
            (Some(done), n) if n > 0 => done as f32 / n as f32,
            _ => 0.0,
        };
        (self.outcomes.len() as f32 + share.min(1.0)) / self.total as f32
    }

    /// The scheduler running now, if any.
    pub fn current(&self) -> Option<&str> {
        self.current.as_ref().map(|(spec, _)| spec.as_str())
    }

    /// Tasks the running scheduler's simulation has finished, if one is running.
    pub fn current_tasks_done(&self) -> Option<usize> {
        self.current.as_ref().map(|(_, progress)| progress.tasks_done())
    }

    /// Number of tasks in the job's DAG; 0 for a stream.
    pub fn task_count(&self) -> usize {
        self.n_tasks
    }

    /// Number of schedulers finished and in total.
    pub fn counts(&self) -> (usize, usize) {
        (self.outcomes.len(), self.total)
    }

    /// The outcomes so far, consuming the handle.
    pub fn into_outcomes(mut self) -> Vec<Outcome> {
        std::mem::take(&mut self.outcomes)
    }
}

/// Runs `spec` on the job's DAG or stream with `settings`.
fn run_one(job: &Job, spec: &str, settings: SimConfig) -> (Result<Arc<RunResult>, String>, Option<Arc<StreamOutcome>>) {
    let Some(stream) = &job.stream else {
        let run = RunSpec {
            dag: &job.dag,
            platform: &job.platform,
            scheduler: spec,
            resource_manager: &job.resource_manager,
            settings,
        };
        return (run.execute().map(Arc::new).map_err(|e| format!("{e:#}")), None);
    };
    let run = StreamSpec {
        stream,
        platform: &job.platform,
        scheduler: spec,
        resource_manager: &job.resource_manager,
        settings,
    };
    match run.execute() {
        Ok(run) => {
            let (result, outcome) = StreamOutcome::new(run, stream.limit().horizon);
            (Ok(Arc::new(result)), Some(Arc::new(outcome)))
        }
        Err(e) => (Err(format!("{e:#}")), None),
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_every_spec_off_the_calling_thread() {
        let dag = workloads::generate("layered:tasks=20", 3).map_err(|e| e.to_string());
        let platform = sim::presets::preset("homogeneous", 2).map_err(|e| e.to_string());
        let (Ok(dag), Ok(platform)) = (dag, platform) else {
            panic!("fixture");
        };
        let job = Job {
            dag: Arc::new(dag),
            platform: Arc::new(platform),
            stream: None,
            specs: vec!["heft".to_owned(), "no-such".to_owned()],
            resource_manager: schedulers::resource::DEFAULT.to_owned(),
            config: SimConfig::default(),
        };
        let Ok(mut running) = Running::start(job, || {}) else {
            panic!("thread");
        };
        let began = Instant::now();
        while !running.poll() && began.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(5));
        }
        let outcomes = running.into_outcomes();
        assert_eq!(outcomes.len(), 2);
        assert!(outcomes.first().is_some_and(|o| o.result.is_ok()));
        assert!(outcomes.get(1).is_some_and(|o| o.result.is_err()));
    }

    #[test]
    fn cancel_stops_a_long_simulation_inside_the_engine() {
        let n_tasks = 100_000;
        let dag = workloads::generate(&format!("layered:tasks={n_tasks}"), 3).map_err(|e| e.to_string());
        let platform = sim::presets::preset("homogeneous", 4).map_err(|e| e.to_string());
        let (Ok(dag), Ok(platform)) = (dag, platform) else {
            panic!("fixture");
        };
        let job = Job {
            dag: Arc::new(dag),
            platform: Arc::new(platform),
            stream: None,
            specs: vec!["online-eft".to_owned()],
            resource_manager: schedulers::resource::DEFAULT.to_owned(),
            config: SimConfig::default(),
        };
        let Ok(mut running) = Running::start(job, || {}) else {
            panic!("thread");
        };
        let began = Instant::now();
        while running.current_tasks_done().unwrap_or(0) == 0 && began.elapsed() < Duration::from_secs(60) {
            running.poll();
            std::thread::sleep(Duration::from_millis(1));
        }
        let seen = running.progress();
        assert!(
            seen > 0.0 && seen < 1.0,
            "progress {seen} should be strictly between 0 and 1"
        );
        running.cancel();
        let cancelled = Instant::now();
        while !running.poll() && cancelled.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(1));
        }
        eprintln!(
            "cancelled a {n_tasks}-task run after {} finished tasks; the runner thread ended {:.1} ms later",
            running.current_tasks_done().unwrap_or(0),
            cancelled.elapsed().as_secs_f64() * 1e3
        );
        assert!(running.current_tasks_done().is_some_and(|done| done < n_tasks));
        assert!(running.into_outcomes().is_empty(), "a cancelled run sends no outcome");
    }
}
