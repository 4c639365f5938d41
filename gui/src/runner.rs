//! Runs the chosen schedulers in a background thread, never on the UI thread.
//!
//! The thread calls [`RunSpec::execute`] (the run every `schedlab` command
//! makes, audited by the invariant checker) once per scheduler, in order, and sends
//! each outcome back over a channel. Every run gets a [`sim::Progress`] handle:
//! the UI reads its count of finished tasks for the progress bar, and
//! cancelling sets the flag all the batch's handles share, which the engine
//! checks after every batch of events. A scheduler's up-front planning
//! (HEFT's ranking, say) is not interrupted: cancelling then takes effect when
//! the plan is made.

use experiments::run::RunSpec;
use sim::{Dag, Platform, Progress, RunResult, SimConfig};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

/// What one scheduler produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The scheduler spec it ran.
    pub spec: String,
    /// The run, or the error message of the registry, the engine or the invariant checker.
    pub result: Result<Arc<RunResult>, String>,
    /// Wall-clock time of the run.
    pub wall: Duration,
}

/// One batch of runs on one DAG and platform.
#[derive(Clone, Debug)]
pub struct Job {
    /// The workload.
    pub dag: Arc<Dag>,
    /// The platform.
    pub platform: Arc<Platform>,
    /// Scheduler specs, run in this order.
    pub specs: Vec<String>,
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
        let n_tasks = job.dag.task_count();
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
                    let run = RunSpec {
                        dag: &job.dag,
                        platform: &job.platform,
                        scheduler: spec,
                        settings: SimConfig {
                            progress: Some(progress),
                            ..job.config.clone()
                        },
                    };
                    let began = Instant::now();
                    let result = run.execute().map(Arc::new).map_err(|e| format!("{e:#}"));
                    if batch.is_cancelled() {
                        return;
                    }
                    let outcome = Outcome {
                        spec: spec.clone(),
                        result,
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
    /// running one's share of finished tasks.
    pub fn progress(&self) -> f32 {
        if self.total == 0 {
            return 1.0;
        }
        let share = self
            .current_tasks_done()
            .map_or(0.0, |done| done as f32 / self.n_tasks.max(1) as f32);
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

    /// Number of tasks in the job's DAG.
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
            specs: vec!["heft".to_owned(), "no-such".to_owned()],
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
            specs: vec!["online-eft".to_owned()],
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
