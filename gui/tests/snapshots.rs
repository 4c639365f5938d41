//! Image snapshots of the main views, rendered on the CPU by egui_kittest.
//!
//! They show the views without the setup panel, whose scheduler list grows
//! with the registry.
//!
//! Regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p gui --test snapshots` and
//! look at the PNGs in `tests/snapshots/` before committing them.

use egui_kittest::{Harness, SnapshotOptions};
use gui::{SchedlabApp, Tab};
use std::time::{Duration, Instant};

fn app() -> SchedlabApp {
    app_with(|_| {})
}

/// The snapshots' app, changed by `change` before it runs.
fn app_with(change: impl FnOnce(&mut SchedlabApp)) -> SchedlabApp {
    let mut app = SchedlabApp::default();
    app.setup.set_param("tasks", 40.0);
    app.setup.preset = "heterogeneous".to_owned();
    app.setup.nodes = 2;
    app.setup.select("heft", true);
    app.setup.select("cpop", true);
    change(&mut app);
    app
}

fn ran() -> Harness<'static, SchedlabApp> {
    ran_app(app())
}

fn ran_app(mut app: SchedlabApp) -> Harness<'static, SchedlabApp> {
    app.auto_run = false;
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1000.0, 720.0))
        .build_ui_state(
            |ui, app: &mut SchedlabApp| {
                egui::CentralPanel::default_margins().show(ui, |ui| app.view_ui(ui));
            },
            app,
        );
    h.run_steps(2);
    let ctx = h.ctx.clone();
    h.state_mut().start_run(move || ctx.request_repaint());
    let began = Instant::now();
    while h.state().is_running() && began.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run_steps(3);
    h
}

fn options() -> SnapshotOptions {
    SnapshotOptions::new().max_failed_pixels(40)
}

#[test]
fn snapshot_dag_view_with_a_selected_critical_path() {
    let mut h = ran();
    h.state_mut().select(Some(sim::TaskId::new(20)));
    h.state_mut().tab = Tab::Dag;
    h.run_steps(3);
    h.snapshot_options("dag", &options());
}

#[test]
fn snapshot_gantt_charts() {
    let mut h = ran();
    h.state_mut().tab = Tab::Gantt;
    h.state_mut().select(Some(sim::TaskId::new(20)));
    h.run_steps(3);
    h.snapshot_options("gantt", &options());
}

#[test]
fn snapshot_gantt_of_moldable_tasks_drawn_as_blocks() {
    // Every task moldable and perfectly parallel: M-HEFT spreads them over
    // several cores, each drawn as one block across its cores.
    let mut h = ran_app(app_with(|app| {
        app.setup.set_param("moldable", 1.0);
        app.setup.set_param("serial", 0.0);
        app.setup.select("heft", false);
        app.setup.select("cpop", false);
        app.setup.select("m-heft", true);
    }));
    h.state_mut().tab = Tab::Gantt;
    h.run_steps(3);
    h.snapshot_options("gantt_moldable", &options());
}

#[test]
fn snapshot_results() {
    let mut h = ran();
    h.state_mut().tab = Tab::Results;
    h.run_steps(3);
    h.snapshot_options("results", &options());
}

#[test]
fn snapshot_platform_editor() {
    // The fast node type as a pool of up to four GPU nodes with 64 GB each,
    // a price and a boot: the memory, labels, prices and power states table filled in.
    let Ok(platform) = sim::presets::preset("heterogeneous", 2) else {
        panic!("preset");
    };
    let mut spec = platform.spec().clone();
    if let Some(fast) = spec.nodes.first_mut() {
        fast.memory_bytes = Some(6.4e10);
        fast.labels = vec!["gpu".to_owned(), "edge".to_owned()];
        fast.price_per_hour = Some(0.68);
        fast.billing_secs = Some(60.0);
        fast.power.boot_secs = 90.0;
        fast.power.boot_j = 13500.0;
        fast.pool = Some(sim::PoolSpec { max: 4 });
    }
    let mut h = ran_app(app_with(|app| {
        app.setup.platform = gui::setup::PlatformSource::Custom(spec)
    }));
    h.state_mut().tab = Tab::Platform;
    h.run_steps(3);
    h.snapshot_options("platform", &options());
}

#[test]
fn snapshot_experiments_with_a_results_folder() {
    let mut h = ran();
    h.state_mut().tab = Tab::Experiments;
    h.state_mut().open_results(std::path::Path::new("tests/data/run"));
    h.run_steps(3);
    h.snapshot_options("experiments", &options());
}

#[test]
fn snapshot_stream_view() {
    // 40 jobs of 10 tasks at offered load 0.8: jobs as rows from arrival to
    // finish under HEFT per arrival and job FIFO, and the jobs in the system.
    let mut h = ran_app(app_with(|app| {
        app.setup.set_param("tasks", 10.0);
        app.setup.select("cpop", false);
        app.setup.select("job-fifo", true);
        app.setup.stream = Some(gui::setup::StreamSetup {
            jobs: 40,
            load: 0.8,
            ..gui::setup::StreamSetup::default()
        });
    }));
    assert_eq!(h.state().views().len(), 2, "errors: {:?}", h.state().errors());
    h.state_mut().tab = Tab::Stream;
    h.run_steps(3);
    h.snapshot_options("stream", &options());
}

#[test]
fn snapshot_gantt_with_power_states() {
    // Four two-core nodes that boot in 5 s, a bursty stream of small jobs
    // under job FIFO and a consolidating resource manager: node rows show
    // their off periods (grey) and boots (amber).
    let spec = sim::Platform::from_toml(
        "name = \"elastic\"\n[network]\nmodel = \"dedicated\"\nlatency = 0.001\nbandwidth = 1.25e9\n\
         [[nodes]]\nname = \"vm\"\ncount = 4\ncores = 2\nspeed = 1.0\n\
         power = { idle_w = 50.0, busy_core_w = 10.0, off_w = 2.0, boot_secs = 5.0, boot_j = 250.0 }\n",
    )
    .map(|p| p.spec().clone());
    let Ok(spec) = spec else {
        panic!("platform");
    };
    let mut h = ran_app(app_with(|app| {
        app.setup.set_param("tasks", 10.0);
        app.setup.select("heft", false);
        app.setup.select("cpop", false);
        app.setup.select("job-fifo", true);
        app.setup.platform = gui::setup::PlatformSource::Custom(spec);
        app.setup.resource_manager = "consolidating:timeout=5,period=1".to_owned();
        app.setup.stream = Some(gui::setup::StreamSetup {
            arrivals: "mmpp:rates=4/0.1,mean_stay=20/60".to_owned(),
            jobs: 30,
            load: 0.4,
            ..gui::setup::StreamSetup::default()
        });
    }));
    assert_eq!(h.state().views().len(), 1, "errors: {:?}", h.state().errors());
    h.state_mut().tab = Tab::Gantt;
    h.run_steps(3);
    h.snapshot_options("gantt_power", &options());
}
