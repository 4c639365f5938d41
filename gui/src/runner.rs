//! Runs the chosen schedulers in a background thread, never on the UI thread.
//!
//! The thread calls [`sim::simulate`] once per scheduler, in order, and sends
//! each outcome back over a channel. Cancelling stops it before the next
//! scheduler; a run already inside the engine finishes in the background and
//! its outcome is dropped.

use sim::{Dag, Platform, RunResult, SimConfig};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

/// What one scheduler produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The scheduler spec it ran.
    pub spec: String,
    /// The run, or the error message of the registry or engine.
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
    Started(String),
    Done(Outcome),
}

/// A job in flight.
pub struct Running {
    rx: Receiver<Message>,
    cancel: Arc<AtomicBool>,
    total: usize,
    current: Option<String>,
    outcomes: Vec<Outcome>,
}

impl Running {
    /// Starts `job` on a new thread; `wake` is called after every message so the UI repaints.
    ///
    /// # Errors
    /// The message of the operating system's error when no thread can be spawned.
    pub fn start(job: Job, wake: impl Fn() + Send + 'static) -> Result<Running, String> {
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let total = job.specs.len();
        let stop = Arc::clone(&cancel);
        std::thread::Builder::new()
            .name("schedlab-runner".to_owned())
            .spawn(move || {
                for spec in &job.specs {
                    if stop.load(Ordering::Relaxed) || tx.send(Message::Started(spec.clone())).is_err() {
                        return;
                    }
                    wake();
                    let began = Instant::now();
                    let result = schedulers::registry::create(spec, job.config.seed)
                        .map_err(|e| e.to_string())
                        .and_then(|mut s| {
                            sim::simulate(&job.dag, &job.platform, s.as_mut(), &job.config).map_err(|e| e.to_string())
                        })
                        .map(Arc::new);
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
            current: None,
            outcomes: Vec::new(),
        })
    }

    /// Takes in what the thread has sent; returns `true` once every scheduler has run.
    pub fn poll(&mut self) -> bool {
        loop {
            match self.rx.try_recv() {
                Ok(Message::Started(spec)) => self.current = Some(spec),
                Ok(Message::Done(outcome)) => {
                    self.current = None;
                    self.outcomes.push(outcome);
                }
                Err(TryRecvError::Empty) => return false,
                Err(TryRecvError::Disconnected) => return true,
            }
        }
    }

    /// Asks the thread to stop before its next scheduler.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Fraction of schedulers finished, in `[0, 1]`.
    pub fn progress(&self) -> f32 {
        if self.total == 0 {
            1.0
        } else {
            self.outcomes.len() as f32 / self.total as f32
        }
    }

    /// The scheduler running now, if any.
    pub fn current(&self) -> Option<&str> {
        self.current.as_deref()
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
}
