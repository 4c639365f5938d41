//! End-to-end flows through the real UI code, driven headlessly by egui_kittest.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use gui::{SchedlabApp, Tab};
use std::time::{Duration, Instant};

/// A small setup: 30 tasks, no scheduler selected yet.
fn small_app() -> SchedlabApp {
    let mut app = SchedlabApp::default();
    app.setup.set_param("tasks", 30.0);
    app.setup.nodes = 2;
    app
}

fn harness(app: SchedlabApp) -> Harness<'static, SchedlabApp> {
    Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 1000.0))
        .build_ui_state(|ui, app: &mut SchedlabApp| app.ui(ui), app)
}

/// Steps the UI until the background batch finishes.
fn wait_for_runs(h: &mut Harness<'_, SchedlabApp>) {
    let began = Instant::now();
    h.step();
    while h.state().is_running() && began.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run_steps(3);
}

#[test]
fn generate_pick_two_schedulers_run_and_see_both_makespans() {
    let mut h = harness(small_app());
    h.run_steps(2);
    assert_eq!(h.state().workload().map(|w| w.dag.task_count()), Some(30));
    h.get_by_label("heft").click();
    h.get_by_label("cpop").click();
    h.run_steps(2);
    h.get_by_label("Run").click();
    wait_for_runs(&mut h);
    assert_eq!(h.state().views().len(), 2, "errors: {:?}", h.state().errors());
    h.state_mut().tab = Tab::Results;
    h.run_steps(3);
    let makespans: Vec<String> = h
        .state()
        .views()
        .iter()
        .map(|v| gui::results::fmt_num(v.run.metrics.makespan))
        .collect();
    for m in &makespans {
        assert!(h.query_all_by_label(m).count() >= 1, "makespan {m} not in the table");
    }
}

#[test]
fn save_the_setup_as_a_config_and_load_it_back() {
    let mut app = small_app();
    app.setup.select("heft", true);
    app.setup.select("peft", true);
    app.setup.noise_sigma = 0.3;
    let path = std::env::temp_dir().join(format!("schedlab-gui-flow-{}.toml", std::process::id()));
    app.set_config_path(&path);
    let saved = app.setup.clone();
    let mut h = harness(app);
    h.run_steps(2);
    h.get_by_label("Experiments").click();
    h.run_steps(2);
    h.get_by_label("Save config").click();
    h.run_steps(2);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(text.contains("schedulers = [\"heft\", \"peft\"]"), "{text}");
    h.state_mut().setup.select("heft", false);
    h.state_mut().setup.noise_sigma = 0.0;
    h.get_by_label("Load config").click();
    h.run_steps(2);
    let loaded = &h.state().setup;
    assert_eq!(loaded.scheduler_specs(), saved.scheduler_specs());
    assert_eq!(loaded.generator_spec(), saved.generator_spec());
    assert!((loaded.noise_sigma - 0.3).abs() < 1e-12);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn open_a_results_folder_and_a_run_from_it_in_the_gantt_view() {
    // `tests/data/run` is a folder written by `schedlab run` on a config saved by this GUI
    // (results, manifest and config copy, and two plots of `schedlab report`).
    let mut h = harness(small_app());
    h.run_steps(2);
    h.get_by_label("Experiments").click();
    h.run_steps(2);
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/run"));
    h.state_mut().open_results(dir);
    h.run_steps(2);
    assert!(
        h.query_all_by_label("fork-join:ccr=0.5,levels=3,width=6,work=1")
            .count()
            >= 2,
        "rows not shown: {:?}",
        h.state().notice()
    );
    let ctx = h.ctx.clone();
    h.state_mut().open_run(0, move || ctx.request_repaint());
    wait_for_runs(&mut h);
    assert_eq!(h.state().tab, Tab::Gantt, "{:?}", h.state().notice());
    assert_eq!(h.state().setup.scheduler_specs(), vec!["heft".to_owned()]);
    assert!(h.state().setup.generator_spec().starts_with("fork-join:"));
    assert_eq!(h.state().views().len(), 1, "errors: {:?}", h.state().errors());
}

#[test]
fn clicking_a_task_in_the_gantt_chart_selects_it_in_the_dag_view() {
    let mut app = small_app();
    app.setup.select("heft", true);
    let mut h = harness(app);
    h.run_steps(2);
    h.get_by_label("Run").click();
    wait_for_runs(&mut h);
    h.get_by_label("Gantt").click();
    h.run_steps(3);
    let Some(chart) = h.query_all_by_label("Gantt chart").next().map(|n| n.rect()) else {
        panic!("no Gantt chart");
    };
    let task = sim::TaskId::new(0);
    let view = h.state().time_view();
    let pos = h
        .state()
        .views()
        .first()
        .and_then(|v| v.gantt.task_position(chart, view, 0.0, task));
    let Some(pos) = pos else {
        panic!("task 0 not in the chart");
    };
    h.event(egui::Event::PointerMoved(pos));
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        });
    }
    h.run_steps(2);
    assert_eq!(h.state().selected(), Some(task));
    h.get_by_label("DAG").click();
    h.run_steps(2);
    let name = h
        .state()
        .workload()
        .map(|w| w.dag.task(task).name.clone())
        .unwrap_or_default();
    assert!(
        h.query_all_by_label_contains(&format!("selected {name} - critical path"))
            .count()
            == 1
    );
}

#[test]
fn small_dags_re_run_when_a_setting_changes() {
    let mut app = small_app();
    app.setup.select("heft", true);
    let mut h = harness(app);
    h.run_steps(2);
    h.get_by_label("Run").click();
    wait_for_runs(&mut h);
    let before = h.state().views().first().map(|v| v.run.metrics.makespan);
    h.state_mut().setup.set_param("work", 2.0);
    wait_for_runs(&mut h);
    let after = h.state().views().first().map(|v| v.run.metrics.makespan);
    assert!(before.is_some() && after.is_some());
    assert_ne!(before, after, "the run did not follow the new mean work");
}

#[test]
fn a_results_folder_shows_its_report_plots() {
    // `tests/data/run/plots` holds two of the PNGs `schedlab report` wrote for that folder.
    let mut h = harness(small_app());
    h.run_steps(2);
    h.get_by_label("Experiments").click();
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/run"));
    h.state_mut().open_results(dir);
    h.run_steps(3);
    assert_eq!(h.state().gallery().map(|g| g.plots().len()), Some(2));
    assert_eq!(
        h.query_all_by_label("gantt").count(),
        1,
        "the plot's name is listed once"
    );
    assert_eq!(h.query_all_by_label("Remake plots").count(), 1);
}

#[test]
fn scheduler_parameters_are_typed_fields_that_build_the_spec() {
    let mut app = small_app();
    app.auto_run = false;
    let mut h = harness(app);
    h.run_steps(2);
    h.get_by_label("wba").click();
    h.run_steps(2);
    assert_eq!(
        h.query_all_by_label("wba alpha").count(),
        1,
        "one number field for wba's alpha"
    );
    h.get_by_label("wba alpha").click();
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("wba alpha").type_text("7");
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(
        h.state().setup.scheduler_specs(),
        ["wba:alpha=1"],
        "the range [0, 1] clamps 7 to 1"
    );
}

#[test]
fn a_job_stream_runs_from_the_setup_panel_and_shows_in_the_stream_tab() {
    let mut h = harness(small_app());
    h.state_mut().auto_run = false;
    h.run_steps(2);
    h.get_by_label("job stream").click();
    h.run_steps(2);
    let stream = h
        .state_mut()
        .setup
        .stream
        .as_mut()
        .expect("ticking the box turns the stream on");
    stream.jobs = 20;
    stream.mix = "2 fork-join:width=3".to_owned();
    h.get_by_label("job-fifo").click();
    h.get_by_label("heft").click();
    h.run_steps(2);
    h.get_by_label("Run").click();
    wait_for_runs(&mut h);
    assert_eq!(h.state().views().len(), 2, "errors: {:?}", h.state().errors());
    for v in h.state().views() {
        let s = v.stream.as_ref().expect("a stream run");
        assert_eq!(s.jobs.len(), 20);
        assert_eq!(s.metrics.jobs, 20);
        assert_eq!(
            v.dag.task_count(),
            s.jobs.iter().map(|j| j.info.n_tasks as usize).sum::<usize>()
        );
    }
    h.get_by_label("Results").click();
    h.run_steps(3);
    assert!(
        h.query_all_by_label("mean JCT [s]").count() >= 1,
        "stream metrics in the table"
    );
    h.get_by_label("Stream").click();
    h.run_steps(3);
    let summary = h.query_all_by_label_contains("20 jobs finished, 0 unfinished").count();
    assert_eq!(summary, 2, "one summary line per scheduler");
}

#[test]
fn a_job_stream_setup_saves_as_a_config_and_loads_back() {
    let mut app = small_app();
    app.setup.select("job-fifo", true);
    app.setup.stream = Some(gui::setup::StreamSetup {
        arrivals: "mmpp:rates=1/3,mean_stay=5/2".to_owned(),
        load: 0.6,
        jobs: 30,
        horizon: Some(40.0),
        mix: "2 fork-join:width=3\nlayered:ccr=0.5,tasks=5".to_owned(),
    });
    // Generator keys in sorted order, as a config writes them back.
    let text = gui::experiment::to_config(&app.setup, "stream round trip", None);
    assert!(text.contains("[stream]"), "{text}");
    let loaded = gui::experiment::from_config(&text, std::path::Path::new(".")).unwrap();
    assert_eq!(loaded.stream, app.setup.stream);
    assert_eq!(loaded.generator_spec(), app.setup.generator_spec());
    // A config that gives the rate, not the load: the app shows the offered load it makes.
    let by_rate = text.replace("load = 0.6\n", "");
    let loaded = gui::experiment::from_config(&by_rate, std::path::Path::new(".")).unwrap();
    let load = loaded.stream.map(|s| s.load).unwrap_or_default();
    assert!(load > 0.0 && (load - 0.6).abs() > 1e-6, "offered load {load}");
}

/// Types `text` over the whole content of the field named `label`, then Enter.
fn retype(h: &mut Harness<'_, SchedlabApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label(label).type_text(text);
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
}

#[test]
fn platform_memory_labels_power_states_and_pools_are_edited_saved_and_loaded_back() {
    let mut app = small_app();
    app.auto_run = false;
    app.setup.select("heft", true);
    let path = std::env::temp_dir().join(format!("schedlab-gui-platform-{}.toml", std::process::id()));
    app.set_config_path(&path);
    let Ok(platform) = app.setup.build_platform(None) else {
        panic!("the default platform");
    };
    let Some(first) = platform.spec().nodes.first().cloned() else {
        panic!("a node type");
    };
    let mut h = harness(app);
    h.run_steps(2);
    h.state_mut().tab = Tab::Platform;
    h.run_steps(2);
    let name = &first.name;
    retype(&mut h, &format!("{name} memory"), "4000000000");
    retype(&mut h, &format!("{name} labels"), "gpu, edge");
    retype(&mut h, &format!("{name} price"), "0.5");
    retype(&mut h, &format!("{name} boot seconds"), "30");
    h.get_by_label(&format!("{name} pool")).click();
    h.run_steps(2);
    h.get_by_label("Use this platform").click();
    h.run_steps(2);
    let gui::setup::PlatformSource::Custom(edited) = h.state().setup.platform.clone() else {
        panic!("the edited platform is not in use");
    };
    let Some(node) = edited.nodes.first() else {
        panic!("a node type");
    };
    assert_eq!(node.memory_bytes, Some(4e9));
    assert_eq!(node.labels, ["gpu", "edge"]);
    assert_eq!(node.price_per_hour, Some(0.5));
    assert_eq!(node.power.boot_secs, 30.0);
    assert_eq!(node.pool, Some(sim::PoolSpec { max: first.count }));
    assert_eq!(node.count, 1);
    h.get_by_label("Experiments").click();
    h.run_steps(2);
    h.get_by_label("Save config").click();
    h.run_steps(2);
    h.state_mut().setup.platform = gui::setup::PlatformSource::Preset;
    h.get_by_label("Load config").click();
    h.run_steps(2);
    assert_eq!(
        h.state().setup.platform,
        gui::setup::PlatformSource::Custom(edited),
        "edit, save and load give the same platform"
    );
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(gui::experiment::platform_file_for(&path));
}
