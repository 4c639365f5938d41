//! `schedlab calibrate`: measures this machine and describes it as a platform.
//!
//! Measured: the core count; the compute kernel's rate (iterations per
//! second) on each core alone and with every core busy; the executor's
//! per-task dispatch overhead (zero-work tasks on one worker, and on all);
//! memory-copy latency (a one-page copy) and bandwidth (least squares through
//! copies of 32 to 256 MiB on one core) and the bandwidth of each copy when every core
//! copies 256 MiB at once. The platform has one node per core (one core each) with speed = the
//! core's all-busy rate over the mean all-busy rate (so ≈ 1), `task_overhead`
//! = the all-workers dispatch overhead, nodes that pull their own inputs (a
//! worker copies them with its core before its task), and a shared network
//! with the copy latency and single-copy bandwidth whose backplane carries
//! what every core copying at once achieves together (cores × the per-copy
//! all-busy bandwidth, at least the single-copy bandwidth): one copy alone
//! runs at the single-copy bandwidth, concurrent copies share the memory
//! system's. Power is not measured: the
//! platform carries a placeholder (0 W idle, 1 W per busy core).

use crate::real::executor::{self, ExecSettings, kernel};
use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};
use sim::platform::{NetworkSpec, NodeSpec, PowerModel};
use sim::{DagBuilder, Decisions, NodeId, Platform, PlatformSpec, Scheduler, SimView, TaskSpec};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

/// Copy sizes of the latency/bandwidth fit, bytes: 32 to 256 MiB, so that
/// source and destination together overflow the last-level cache (32 MiB
/// on this machine) as the hundreds-of-megabyte edges of communication-heavy
/// DAGs do. Smaller copies partly hit the cache and run several times
/// faster, which made the fitted bandwidth overestimate the DAGs' copies and
/// swing from one calibration to the next.
const COPY_SIZES: [usize; 4] = [32 << 20, 64 << 20, 128 << 20, 256 << 20];
/// Bytes of the copy whose median time is the copy latency (one page).
const LATENCY_COPY: usize = 4096;
/// Zero-work tasks per worker in the dispatch-overhead measurement.
const DISPATCH_TASKS: usize = 400;

/// What `schedlab calibrate` measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// Cores the process may use.
    pub cores: usize,
    /// Whether threads could be pinned to cores.
    pub pinned: bool,
    /// Kernel iterations per second of the reference core: the mean over
    /// cores with every core busy (what the executor's workers see).
    pub kernel_rate: f64,
    /// Kernel iterations per second of each core running alone.
    pub rate_alone: Vec<f64>,
    /// Kernel iterations per second of each core with every core busy.
    pub rate_all_busy: Vec<f64>,
    /// Seconds per task of dispatch with one worker busy.
    pub dispatch_overhead_one: f64,
    /// Seconds per task of dispatch with every worker busy (used as `task_overhead`).
    pub dispatch_overhead_all: f64,
    /// Seconds of fixed cost per copy (the median time of a one-page copy).
    pub copy_latency: f64,
    /// Bytes per second of one copy on an otherwise quiet machine.
    pub copy_bandwidth: f64,
    /// Bytes per second of each copy when every core copies at once.
    pub copy_bandwidth_all_busy: f64,
    /// `/proc/loadavg` when calibration started (other load skews every figure).
    pub loadavg: String,
}

/// How long each measurement runs.
#[derive(Clone, Copy, Debug)]
pub struct CalibrateOptions {
    /// Seconds of kernel per rate sample (three samples per figure).
    pub sample_secs: f64,
}

impl Default for CalibrateOptions {
    fn default() -> CalibrateOptions {
        CalibrateOptions { sample_secs: 0.2 }
    }
}

/// The first line of `/proc/loadavg`, or `unknown` where there is none.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(|_| "unknown".to_owned(), |s| s.trim().to_owned())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Runs `f` on one thread per core in `cores` (pinned), all at once, returning their results in order.
fn on_cores<T: Send>(cores: &[Option<core_affinity::CoreId>], f: impl Fn() -> T + Sync) -> Vec<T> {
    let barrier = std::sync::Barrier::new(cores.len());
    std::thread::scope(|s| {
        let handles: Vec<_> = cores
            .iter()
            .map(|&core| {
                let (f, barrier) = (&f, &barrier);
                s.spawn(move || {
                    if let Some(core) = core {
                        core_affinity::set_for_current(core);
                    }
                    barrier.wait();
                    f()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Kernel iterations per second of one `spin(iterations)`.
fn kernel_rate(iterations: u64) -> f64 {
    let t = Instant::now();
    black_box(kernel::spin(black_box(iterations)));
    iterations as f64 / t.elapsed().as_secs_f64().max(1e-9)
}

/// Seconds of one copy of `bytes` into `scratch` (touched beforehand), median of `reps`.
fn copy_secs(source: &executor::copy::Source, bytes: usize, reps: usize, scratch: &mut [u8]) -> f64 {
    median(
        (0..reps)
            .map(|_| {
                let t = Instant::now();
                source.copy_into(bytes, scratch);
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

/// Puts task `i` on node `i mod nodes` (the dispatch-overhead measurement).
struct RoundRobin;

impl Scheduler for RoundRobin {
    fn name(&self) -> &str {
        "round-robin"
    }
    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        let n = view.platform().node_count();
        for t in view.dag().task_ids() {
            out.assign(view, t, NodeId::new(t.index() % n));
        }
    }
}

/// Seconds per task when `workers` workers each run `DISPATCH_TASKS` zero-work tasks.
fn dispatch_overhead(workers: usize) -> Result<f64> {
    let mut b = DagBuilder::new();
    for i in 0..workers * DISPATCH_TASKS {
        b.add_task(TaskSpec::new(format!("t{i}"), 0.0));
    }
    let dag = b.build()?;
    let platform = Platform::new(platform_spec(workers, &vec![1.0; workers], 0.0, 0.0, 1e9, None))?;
    let settings = ExecSettings {
        iterations_per_work: 0.0,
        slowdown: Vec::new(),
        pin: true,
    };
    let run = executor::execute(&dag, &platform, &mut RoundRobin, &settings)?;
    Ok(run.result.metrics.makespan / DISPATCH_TASKS as f64)
}

/// A platform of `speeds.len()` one-core nodes `core-0 …` that pull their
/// inputs, on a shared network with an optional backplane.
pub fn platform_spec(
    cores: usize,
    speeds: &[f64],
    task_overhead: f64,
    latency: f64,
    bandwidth: f64,
    backplane: Option<f64>,
) -> PlatformSpec {
    PlatformSpec {
        name: format!("calibrated-{cores}-cores"),
        network: NetworkSpec::Shared {
            latency,
            bandwidth,
            group_links: Vec::new(),
            backplane_bandwidth: backplane,
        },
        nodes: speeds
            .iter()
            .enumerate()
            .map(|(i, &speed)| NodeSpec {
                name: format!("core-{i}"),
                count: 1,
                cores: 1,
                speed,
                kind_speed: Default::default(),
                power: PowerModel {
                    idle_w: 0.0,
                    busy_core_w: 1.0,
                    dvfs: Vec::new(),
                    off_w: 0.0,
                    boot_secs: 0.0,
                    boot_j: 0.0,
                },
                group: None,
                nic_bandwidth: None,
                task_overhead,
                pulls_inputs: true,
                price_per_hour: None,
                billing_secs: None,
                memory_bytes: None,
                labels: Vec::new(),
                pool: None,
            })
            .collect(),
        workflow_system: None,
    }
}

/// Measures this machine.
///
/// # Errors
/// If the executor fails on the dispatch measurement.
pub fn measure(options: CalibrateOptions) -> Result<Calibration> {
    let loadavg = loadavg();
    let n_cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let ids = core_affinity::get_core_ids().unwrap_or_default();
    let pinned = !ids.is_empty();
    let cores: Vec<Option<core_affinity::CoreId>> = (0..n_cores)
        .map(|i| (!ids.is_empty()).then(|| ids[i % ids.len()]))
        .collect();

    // Size the samples from a short probe.
    let probe = kernel_rate(1_000_000);
    let iterations = (probe * options.sample_secs).max(1e5) as u64;
    let rate_alone: Vec<f64> = cores
        .iter()
        .map(|&core| median(on_cores(&[core], || (0..3).map(|_| kernel_rate(iterations)).collect::<Vec<_>>()).concat()))
        .collect();
    let samples: Vec<Vec<f64>> = on_cores(&cores, || (0..3).map(|_| kernel_rate(iterations)).collect());
    let rate_all_busy: Vec<f64> = samples.into_iter().map(median).collect();
    let kernel_rate = rate_all_busy.iter().sum::<f64>() / n_cores as f64;

    let dispatch_overhead_one = dispatch_overhead(1)?;
    let dispatch_overhead_all = dispatch_overhead(n_cores)?;

    let big = COPY_SIZES[COPY_SIZES.len() - 1];
    let source = executor::copy::Source::new(big);
    let (copy_latency, points) = on_cores(&cores[..1], || {
        let mut scratch = vec![1u8; big];
        let points: Vec<(f64, f64)> = COPY_SIZES
            .iter()
            .map(|&b| (b as f64, copy_secs(&source, b, 5, &mut scratch)))
            .collect();
        (copy_secs(&source, LATENCY_COPY, 101, &mut scratch), points)
    })
    .swap_remove(0);
    let copy_bandwidth = fit_bandwidth(&points, copy_latency);
    let all = on_cores(&cores, || copy_secs(&source, big, 5, &mut vec![1u8; big]));
    let copy_bandwidth_all_busy = big as f64 / median(all);

    Ok(Calibration {
        cores: n_cores,
        pinned,
        kernel_rate,
        rate_alone,
        rate_all_busy,
        dispatch_overhead_one,
        dispatch_overhead_all,
        copy_latency,
        copy_bandwidth,
        copy_bandwidth_all_busy,
        loadavg,
    })
}

/// Least-squares bandwidth of `secs = latency + bytes / bandwidth` with the
/// latency given: a line through the origin of `secs − latency` against
/// bytes. A free intercept fitted to copies of tens of megabytes says
/// nothing about small ones and, on a busy machine, came out at
/// milliseconds that every simulated copy would then pay.
fn fit_bandwidth(points: &[(f64, f64)], latency: f64) -> f64 {
    let sxx: f64 = points.iter().map(|p| p.0 * p.0).sum();
    let sxy: f64 = points.iter().map(|p| p.0 * (p.1 - latency)).sum();
    1.0 / (sxy / sxx).max(1e-15)
}

impl Calibration {
    /// The machine as a platform; `slowdown` (one factor per core, or empty)
    /// divides each node's speed, as the executor multiplies its work.
    ///
    /// # Errors
    /// If the slowdown list has the wrong length or the numbers are invalid.
    pub fn platform(&self, slowdown: &[f64]) -> Result<Platform> {
        anyhow::ensure!(
            slowdown.is_empty() || slowdown.len() == self.cores,
            "slowdown: {} factors for {} cores",
            slowdown.len(),
            self.cores
        );
        let speeds: Vec<f64> = self
            .rate_all_busy
            .iter()
            .enumerate()
            .map(|(i, r)| r / self.kernel_rate / slowdown.get(i).copied().unwrap_or(1.0))
            .collect();
        let spec = platform_spec(
            self.cores,
            &speeds,
            self.dispatch_overhead_all,
            self.copy_latency,
            self.copy_bandwidth,
            self.backplane_bandwidth(),
        );
        Ok(Platform::new(spec)?)
    }

    /// Bytes per second that all concurrent copies share: what every core
    /// achieved together copying at once, and at least what one copy
    /// achieved alone (the memory delivered that much to a single core, so
    /// the backplane never slows a copy alone); none with a single core,
    /// where nothing is copied between nodes.
    pub fn backplane_bandwidth(&self) -> Option<f64> {
        (self.cores >= 2).then(|| (self.cores as f64 * self.copy_bandwidth_all_busy).max(self.copy_bandwidth))
    }

    /// Reads `DIR/calibration.toml`.
    ///
    /// # Errors
    /// If it cannot be read or parsed.
    pub fn load(dir: &Path) -> Result<Calibration> {
        let path = dir.join("calibration.toml");
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("{}", path.display()))
    }

    /// Writes `DIR/calibration.toml` (the measurements) and `DIR/platform.toml` (the platform).
    ///
    /// # Errors
    /// If a file cannot be written.
    pub fn write(&self, dir: &Path) -> Result<()> {
        crate::output::write_atomic(&dir.join("calibration.toml"), toml::to_string(self)?.as_bytes())?;
        let platform = self.platform(&[])?;
        crate::output::write_atomic(&dir.join("platform.toml"), toml::to_string(platform.spec())?.as_bytes())
    }

    /// A short human-readable summary.
    pub fn summary(&self) -> String {
        format!(
            "{} cores (pinned: {}), kernel {:.3e} it/s (alone {:?}), dispatch {:.1} µs/task (one worker {:.1} µs), copies {:.1} µs + {:.2} GB/s ({:.2} GB/s each with all cores copying, {:.2} GB/s shared by concurrent copies); loadavg {}",
            self.cores,
            self.pinned,
            self.kernel_rate,
            self.rate_alone.iter().map(|r| format!("{r:.3e}")).collect::<Vec<_>>(),
            self.dispatch_overhead_all * 1e6,
            self.dispatch_overhead_one * 1e6,
            self.copy_latency * 1e6,
            self.copy_bandwidth / 1e9,
            self.copy_bandwidth_all_busy / 1e9,
            self.backplane_bandwidth().unwrap_or(self.copy_bandwidth) / 1e9,
            self.loadavg
        )
    }
}
