//! Scripted sessions of the real window: `--demo` (a run, then screenshots
//! of the DAG, Gantt and results views, then a job stream's view) and `--bench-gantt` (frame times
//! while panning a 10^4-task Gantt chart).

use crate::app::{SchedlabApp, Tab};
use crate::gantt::TimeView;
use crate::setup::{Setup, StreamSetup};
use egui::Ui;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Frames to wait after switching views before a screenshot, so layout settles.
const SETTLE_FRAMES: u32 = 8;

/// The setup of the demo: a tiled Cholesky factorisation (four task kinds),
/// three schedulers, a heterogeneous platform.
pub fn demo_setup() -> Setup {
    let mut setup = Setup::default();
    setup.set_family("cholesky");
    setup.set_param("tiles", 5.0);
    setup.preset = "heterogeneous".to_owned();
    setup.nodes = 3;
    for name in ["heft", "min-min", "olb"] {
        setup.select(name, true);
    }
    setup
}

/// The demo's second part: a stream of 40 such jobs at offered load 0.7,
/// with job FIFO beside the three schedulers.
fn demo_stream(setup: &mut Setup) {
    setup.set_param("tiles", 3.0);
    setup.select("job-fifo", true);
    setup.stream = Some(StreamSetup {
        jobs: 40,
        load: 0.7,
        ..StreamSetup::default()
    });
}

/// Runs the demo setup, then saves `dag.png`, `gantt.png` and `results.png`
/// in a folder, then runs it as a job stream and saves `stream.png`, and quits.
pub struct Demo {
    app: SchedlabApp,
    dir: PathBuf,
    step: usize,
    started: bool,
    wait: u32,
    saved: Arc<AtomicUsize>,
    requested: usize,
}

impl Demo {
    /// A demo that writes its screenshots into `dir`.
    pub fn new(dir: PathBuf) -> Demo {
        Demo {
            app: SchedlabApp::new(demo_setup()),
            dir,
            step: 0,
            started: false,
            wait: 0,
            saved: Arc::new(AtomicUsize::new(0)),
            requested: 0,
        }
    }
}

/// The screenshots in order: whether the setup runs a job stream, the tab, the file.
const SHOTS: [(bool, Tab, &str); 4] = [
    (false, Tab::Dag, "dag.png"),
    (false, Tab::Gantt, "gantt.png"),
    (false, Tab::Results, "results.png"),
    (true, Tab::Stream, "stream.png"),
];

impl eframe::App for Demo {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.app.ui(ui);
        let ctx = ui.ctx().clone();
        ctx.request_repaint();
        if !self.started {
            if self.app.workload().is_some() {
                let wake = ctx.clone();
                self.app.start_run(move || wake.request_repaint());
                self.started = true;
            }
            return;
        }
        if self.app.is_running() {
            return;
        }
        if self.saved.load(Ordering::SeqCst) < self.requested {
            return;
        }
        let Some(&(stream, tab, name)) = SHOTS.get(self.step) else {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        };
        if stream && self.app.setup.stream.is_none() {
            demo_stream(&mut self.app.setup);
            self.started = false;
            return;
        }
        if self.app.tab != tab || (tab == Tab::Dag && self.app.selected().is_none()) {
            self.app.tab = tab;
            let middle = self.app.workload().map(|w| w.dag.task_count() / 2);
            self.app.select(middle.map(sim::TaskId::new));
            self.wait = 0;
            return;
        }
        self.wait += 1;
        if self.wait < SETTLE_FRAMES {
            return;
        }
        let path = self.dir.join(name);
        let saved = Arc::clone(&self.saved);
        let wake = ctx.clone();
        ctx.request_screenshot(move |image| {
            match save_png(&path, &image) {
                Ok(()) => println!("saved {}", path.display()),
                Err(e) => eprintln!("cannot save {}: {e}", path.display()),
            }
            saved.fetch_add(1, Ordering::SeqCst);
            wake.request_repaint();
        });
        self.requested += 1;
        self.step += 1;
    }
}

/// Writes `image` as a PNG file.
///
/// # Errors
/// The encoder's or file system's message.
pub fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let [w, h] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let (w, h) = (
        u32::try_from(w).map_err(|e| e.to_string())?,
        u32::try_from(h).map_err(|e| e.to_string())?,
    );
    image::save_buffer(path, &bytes, w, h, image::ExtendedColorType::Rgba8).map_err(|e| e.to_string())
}

/// Pans a 10^4-task Gantt chart for a number of frames and prints frame times.
pub struct Bench {
    app: SchedlabApp,
    tab: Tab,
    frames: usize,
    started: bool,
    stamps: Vec<Instant>,
    cpu: Vec<Duration>,
    bars: usize,
}

/// The setup of the benchmark: 10^4 tasks on eight heterogeneous nodes, scheduled by HEFT.
pub fn bench_setup(tasks: usize) -> Setup {
    let mut setup = Setup::default();
    setup.set_param("tasks", tasks as f64);
    setup.preset = "heterogeneous".to_owned();
    setup.nodes = 8;
    setup.select("heft", true);
    setup
}

impl Bench {
    /// A benchmark of `frames` frames on a DAG of `tasks` tasks, showing `tab`
    /// (the Gantt chart pans and zooms; the DAG view shows the whole graph).
    pub fn new(frames: usize, tasks: usize, tab: Tab) -> Bench {
        let mut app = SchedlabApp::new(bench_setup(tasks));
        app.auto_run = false;
        app.tab = tab;
        Bench {
            app,
            tab,
            frames,
            started: false,
            stamps: Vec::new(),
            cpu: Vec::new(),
            bars: 0,
        }
    }

    fn report(&self) {
        let mut dts: Vec<f64> = self
            .stamps
            .windows(2)
            .map(|w| {
                w.get(1)
                    .zip(w.first())
                    .map_or(0.0, |(b, a)| (*b - *a).as_secs_f64() * 1e3)
            })
            .collect();
        dts.sort_by(f64::total_cmp);
        let mut cpu: Vec<f64> = self.cpu.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        cpu.sort_by(f64::total_cmp);
        let stats = |v: &[f64]| {
            let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
            let p95 = v
                .get((v.len() as f64 * 0.95) as usize)
                .or(v.last())
                .copied()
                .unwrap_or(0.0);
            (mean, p95)
        };
        let (mean, p95) = stats(&dts);
        let (cmean, cp95) = stats(&cpu);
        let tasks = self.app.workload().map_or(0, |w| w.dag.task_count());
        println!(
            "bench {:?}: {tasks} tasks, {} frames: frame time mean {mean:.2} ms, p95 {p95:.2} ms ({:.0} fps mean); ui pass mean {cmean:.2} ms, p95 {cp95:.2} ms; last frame drew {} bars",
            self.tab,
            dts.len(),
            1e3 / mean.max(1e-9),
            self.bars
        );
    }
}

impl eframe::App for Bench {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        ctx.request_repaint();
        let began = Instant::now();
        let ready = match self.tab {
            Tab::Gantt => !self.app.views().is_empty(),
            _ => self.app.workload().is_some(),
        };
        if ready {
            let k = self.stamps.len() as f64;
            let m = self.app.views().first().map_or(1.0, |v| v.gantt.makespan());
            let span = if (k as usize / 100).is_multiple_of(2) {
                0.4 * m
            } else {
                1.05 * m
            };
            let t0 = (0.5 + 0.5 * (k * 0.07).sin()) * (m - span).max(0.0) - 0.02 * m;
            self.app.set_time_view(TimeView { t0, t1: t0 + span });
        }
        self.app.ui(ui);
        if !self.started && self.tab == Tab::Gantt && self.app.workload().is_some() {
            let wake = ctx.clone();
            self.app.start_run(move || wake.request_repaint());
            self.started = true;
        }
        if ready {
            self.cpu.push(began.elapsed());
            self.stamps.push(Instant::now());
            self.bars = self.app.last_gantt_bars();
            if self.stamps.len() == self.frames + 1 {
                self.report();
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }
}
