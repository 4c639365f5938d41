//! The application: a setup panel on the left, views in tabs on the right.

use crate::dag_view::{self, CriticalPath, DagCamera};
use crate::draw::fmt_secs;
use crate::experiment::{self, ResultsTable};
use crate::families::{self, ParamDef};
use crate::gallery::Gallery;
use crate::gantt::TimeView;
use crate::platform_editor::{EditorAction, PlatformEditor};
use crate::results::{self, RunView};
use crate::runner::{Job, Running};
use crate::scheduler_params;
use crate::setup::{PlatformSource, Setup, StreamSetup, WorkloadSource};
use crate::workload::LoadedWorkload;
use egui::{RichText, Ui};
use experiments::results::metrics::METRICS;
use sim::{Failures, SpeedError, TaskId};
use std::path::PathBuf;
use std::sync::Arc;

/// DAGs up to this many tasks re-run as soon as a setting changes.
pub const AUTO_RUN_MAX_TASKS: usize = 1000;

/// The views on the right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// The DAG.
    Dag,
    /// A Gantt chart per scheduler.
    Gantt,
    /// A job stream's jobs over time and jobs in the system.
    Stream,
    /// Metrics table, comparison chart, utilisation and power.
    Results,
    /// The platform table editor.
    Platform,
    /// Experiment configs and `schedlab run` results folders.
    Experiments,
}

impl Tab {
    const ALL: [(Tab, &'static str); 6] = [
        (Tab::Dag, "DAG"),
        (Tab::Gantt, "Gantt"),
        (Tab::Stream, "Stream"),
        (Tab::Results, "Results"),
        (Tab::Platform, "Platform"),
        (Tab::Experiments, "Experiments"),
    ];
}

/// The whole window's state.
pub struct SchedlabApp {
    /// What the user chose.
    pub setup: Setup,
    /// The tab shown.
    pub tab: Tab,
    workload: Option<LoadedWorkload>,
    workload_key: Option<(WorkloadSource, String, u64)>,
    file_path: String,
    message: Option<String>,
    running: Option<Batch>,
    last_run: Option<Setup>,
    views: Vec<RunView>,
    errors: Vec<(String, String)>,
    time_view: TimeView,
    selected: Option<(TaskId, CriticalPath)>,
    camera: DagCamera,
    /// Re-run small DAGs when a setting changes.
    pub auto_run: bool,
    chart_metric: usize,
    gantt_bars: usize,
    editor: Option<PlatformEditor>,
    export_dir: String,
    gantt_area: Option<egui::Rect>,
    config_path: String,
    config_name: String,
    results_path: String,
    results: Option<ResultsTable>,
    gallery: Option<Gallery>,
    results_filter: String,
    results_sort: Option<(usize, bool)>,
    notice: Option<String>,
    speed_error_text: String,
    speed_error_problem: Option<String>,
}

impl Default for SchedlabApp {
    fn default() -> SchedlabApp {
        SchedlabApp::new(Setup::default())
    }
}

impl SchedlabApp {
    /// A window starting from `setup`; the DAG is generated on the first frame.
    pub fn new(setup: Setup) -> SchedlabApp {
        SchedlabApp {
            speed_error_text: setup.speed_error.to_string(),
            setup,
            tab: Tab::Dag,
            workload: None,
            workload_key: None,
            file_path: String::new(),
            message: None,
            running: None,
            last_run: None,
            views: Vec::new(),
            errors: Vec::new(),
            time_view: TimeView::fit(1.0),
            selected: None,
            camera: DagCamera::default(),
            auto_run: true,
            chart_metric: 0,
            gantt_bars: 0,
            editor: None,
            export_dir: ".".to_owned(),
            gantt_area: None,
            config_path: "gui-experiment.toml".to_owned(),
            config_name: "GUI experiment".to_owned(),
            results_path: String::new(),
            results: None,
            gallery: None,
            results_filter: String::new(),
            results_sort: None,
            notice: None,
            speed_error_problem: None,
        }
    }

    /// Replaces the setup, e.g. with one read from a config or a results row.
    fn replace_setup(&mut self, setup: Setup) {
        self.speed_error_text = setup.speed_error.to_string();
        self.speed_error_problem = None;
        self.setup = setup;
        self.workload_key = None;
    }

    /// The current workload, if one was generated or loaded.
    pub fn workload(&self) -> Option<&LoadedWorkload> {
        self.workload.as_ref()
    }

    /// The finished runs of the last batch, in scheduler order.
    pub fn views(&self) -> &[RunView] {
        &self.views
    }

    /// Schedulers of the last batch that failed, with their messages.
    pub fn errors(&self) -> &[(String, String)] {
        &self.errors
    }

    /// Whether a batch is running.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The last error or notice shown in the setup panel.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The last notice of the Gantt export or the Experiments tab.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The plots of the open results folder.
    pub fn gallery(&self) -> Option<&Gallery> {
        self.gallery.as_ref()
    }

    /// The selected task.
    pub fn selected(&self) -> Option<TaskId> {
        self.selected.as_ref().map(|(t, _)| *t)
    }

    /// Selects `task` and computes its critical path.
    pub fn select(&mut self, task: Option<TaskId>) {
        self.selected = match (task, &self.workload) {
            (Some(t), Some(w)) if t.index() < w.dag.task_count() => Some((t, CriticalPath::through(&w.dag, t))),
            _ => None,
        };
    }

    /// Loads a workload file, replacing the generated one.
    pub fn open_file(&mut self, path: PathBuf) {
        self.file_path = path.display().to_string();
        self.setup.source = WorkloadSource::File(path);
        self.workload_key = None;
    }

    /// Bars the Gantt charts drew in the last frame (the visible ones).
    pub fn last_gantt_bars(&self) -> usize {
        self.gantt_bars
    }

    /// The shared Gantt time window.
    pub fn time_view(&self) -> TimeView {
        self.time_view
    }

    /// Sets the shared Gantt time window.
    pub fn set_time_view(&mut self, view: TimeView) {
        self.time_view = view;
    }

    /// Generates or loads the workload if its settings changed since the last frame.
    fn refresh_workload(&mut self, dragging: bool) {
        let key = (
            self.setup.source.clone(),
            self.setup.generator_spec(),
            self.setup.dag_seed,
        );
        if self.workload_key.as_ref() == Some(&key) {
            return;
        }
        let small = self
            .workload
            .as_ref()
            .is_none_or(|w| w.dag.task_count() <= AUTO_RUN_MAX_TASKS);
        if dragging && !small {
            return;
        }
        let loaded = match &self.setup.source {
            WorkloadSource::Generated => LoadedWorkload::generate(&key.1, key.2),
            WorkloadSource::File(path) => LoadedWorkload::load(path),
        };
        self.workload_key = Some(key);
        match loaded {
            Ok(w) => {
                if let Some(batch) = self.running.take() {
                    batch.running.cancel();
                }
                if w.platform.is_some() && matches!(self.setup.source, WorkloadSource::File(_)) {
                    self.setup.platform = PlatformSource::FromWorkload;
                } else if self.setup.platform == PlatformSource::FromWorkload {
                    self.setup.platform = PlatformSource::Preset;
                }
                self.workload = Some(w);
                self.message = None;
                self.selected = None;
                self.camera.reset();
                self.views.clear();
                self.errors.clear();
            }
            Err(e) => self.message = Some(e),
        }
    }

    /// Starts a batch with the current setup; `wake` repaints the UI when results arrive.
    pub fn start_run(&mut self, wake: impl Fn() + Send + 'static) {
        let Some(w) = &self.workload else {
            self.message = Some("no workload: generate or open one first".to_owned());
            return;
        };
        let specs = self.setup.scheduler_specs();
        if specs.is_empty() {
            self.message = Some("pick at least one scheduler".to_owned());
            return;
        }
        let platform = match self.setup.build_platform(w.platform.as_ref()) {
            Ok(p) => p,
            Err(e) => {
                self.message = Some(format!("platform: {e}"));
                return;
            }
        };
        let stream = match self.setup.build_stream(&platform) {
            Ok(stream) => stream.map(Arc::new),
            Err(e) => {
                self.message = Some(format!("job stream: {e}"));
                return;
            }
        };
        let job = Job {
            dag: Arc::clone(&w.dag),
            stream,
            platform: Arc::new(platform),
            specs,
            resource_manager: self.setup.resource_manager.clone(),
            config: self.setup.sim_config(),
        };
        let (dag, platform) = (Arc::clone(&job.dag), Arc::clone(&job.platform));
        match Running::start(job, wake) {
            Ok(running) => {
                self.running = Some(Batch { running, dag, platform });
                self.last_run = Some(self.setup.clone());
                self.message = None;
            }
            Err(e) => self.message = Some(e),
        }
    }

    /// Stops the batch in flight, keeping the runs already finished.
    pub fn cancel_run(&mut self) {
        if let Some(batch) = self.running.take() {
            batch.running.cancel();
            self.finish(batch);
            self.message = Some("cancelled".to_owned());
        }
    }

    /// Takes in the runner's messages; turns a finished batch into views.
    pub fn poll_run(&mut self) {
        let done = self.running.as_mut().is_some_and(|b| b.running.poll());
        if done && let Some(batch) = self.running.take() {
            self.finish(batch);
        }
    }

    fn finish(&mut self, batch: Batch) {
        let Batch { running, dag, platform } = batch;
        self.views.clear();
        self.errors.clear();
        for outcome in running.into_outcomes() {
            match outcome.result {
                Ok(run) => {
                    let dag = outcome
                        .stream
                        .as_ref()
                        .map_or_else(|| Arc::clone(&dag), |s| Arc::clone(&s.dag));
                    self.views.push(RunView::new(
                        outcome.spec,
                        dag,
                        &platform,
                        run,
                        outcome.stream,
                        outcome.wall,
                    ));
                }
                Err(e) => self.errors.push((outcome.spec, e)),
            }
        }
        let makespan = self.views.iter().map(|v| v.gantt.makespan()).fold(0.0, f64::max);
        self.time_view = TimeView::fit(makespan);
    }
}

/// A batch in flight with the inputs its views will need.
struct Batch {
    running: Running,
    dag: Arc<sim::Dag>,
    platform: Arc<sim::Platform>,
}

impl SchedlabApp {
    /// Draws one frame of the whole window into `ui`.
    pub fn ui(&mut self, ui: &mut Ui) {
        let dragging = ui.ctx().dragged_id().is_some();
        if self.running.is_some() {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        }
        egui::Panel::left("setup")
            .default_size(320.0)
            .resizable(true)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.setup_panel(ui));
            });
        egui::CentralPanel::default_margins().show(ui, |ui| {
            self.toolbar(ui);
            ui.separator();
            self.view_ui(ui);
        });
        if self.auto_run && !dragging_large(self, dragging) {
            self.auto_rerun(ui.ctx());
        }
    }

    /// Draws the current tab only, without the setup panel or toolbar.
    pub fn view_ui(&mut self, ui: &mut Ui) {
        self.refresh_workload(ui.ctx().dragged_id().is_some());
        self.poll_run();
        match self.tab {
            Tab::Dag => self.dag_tab(ui),
            Tab::Gantt => self.gantt_tab(ui),
            Tab::Stream => crate::stream_view::show(ui, &self.views),
            Tab::Results => self.results_tab(ui),
            Tab::Platform => self.platform_tab(ui),
            Tab::Experiments => self.experiments_tab(ui),
        }
    }

    fn auto_rerun(&mut self, ctx: &egui::Context) {
        let small = self
            .workload
            .as_ref()
            .is_some_and(|w| w.dag.task_count() <= AUTO_RUN_MAX_TASKS);
        let changed = self.last_run.as_ref().is_some_and(|last| *last != self.setup);
        if small && changed && !self.setup.scheduler_specs().is_empty() {
            if let Some(batch) = self.running.take() {
                batch.running.cancel();
            }
            let ctx = ctx.clone();
            self.start_run(move || ctx.request_repaint());
        }
    }

    fn setup_panel(&mut self, ui: &mut Ui) {
        ui.heading("Workload");
        ui.horizontal(|ui| {
            let generated = matches!(self.setup.source, WorkloadSource::Generated);
            if ui.selectable_label(generated, "Generate").clicked() && !generated {
                self.setup.source = WorkloadSource::Generated;
            }
            if ui.selectable_label(!generated, "Open file").clicked() && generated {
                let path = PathBuf::from(self.file_path.trim());
                if !self.file_path.trim().is_empty() {
                    self.setup.source = WorkloadSource::File(path);
                }
            }
        });
        match self.setup.source.clone() {
            WorkloadSource::Generated => self.generator_controls(ui),
            WorkloadSource::File(_) => {}
        }
        self.file_controls(ui);
        self.stream_controls(ui);
        if let Some(w) = &self.workload {
            let s = &w.stats;
            ui.weak(format!(
                "{} tasks, {} edges, depth {}, width {}, CCR {:.2}, critical path {}",
                s.tasks,
                s.edges,
                s.depth,
                s.max_width,
                s.ccr,
                fmt_secs(s.critical_path)
            ));
        }
        ui.separator();

        ui.heading("Platform");
        let from_file = self.workload.as_ref().is_some_and(|w| w.platform.is_some());
        ui.horizontal(|ui| {
            let preset = self.setup.platform == PlatformSource::Preset;
            if ui.selectable_label(preset, "Preset").clicked() {
                self.setup.platform = PlatformSource::Preset;
            }
            if let Some(editor) = &self.editor {
                let custom = matches!(self.setup.platform, PlatformSource::Custom(_));
                if ui
                    .selectable_label(custom, "Custom")
                    .on_hover_text("edited in the Platform tab")
                    .clicked()
                {
                    self.setup.platform = PlatformSource::Custom(editor.spec().clone());
                }
            }
            if from_file
                && ui
                    .selectable_label(self.setup.platform == PlatformSource::FromWorkload, "From file")
                    .clicked()
            {
                self.setup.platform = PlatformSource::FromWorkload;
            }
        });
        if self.setup.platform == PlatformSource::Preset {
            egui::ComboBox::from_label("preset")
                .selected_text(self.setup.preset.clone())
                .show_ui(ui, |ui| {
                    for name in sim::presets::PRESET_NAMES {
                        ui.selectable_value(&mut self.setup.preset, name.to_owned(), name);
                    }
                });
            ui.add(
                egui::Slider::new(&mut self.setup.nodes, 1..=64)
                    .text("nodes")
                    .logarithmic(true),
            );
        }
        ui.separator();

        ui.heading("Schedulers");
        ui.horizontal_wrapped(|ui| {
            for (choice, info) in self.setup.schedulers.iter_mut().zip(schedulers::registry::all()) {
                ui.checkbox(&mut choice.selected, info.name)
                    .on_hover_text(info.description);
            }
        });
        for (index, (choice, info)) in self
            .setup
            .schedulers
            .iter_mut()
            .zip(schedulers::registry::all())
            .enumerate()
        {
            if choice.selected {
                scheduler_params::ui(ui, index, info, choice);
            }
        }
        ui.separator();

        ui.heading("Resource manager");
        resource_manager_ui(ui, &mut self.setup.resource_manager);
        ui.separator();

        ui.heading("Simulation");
        ui.add(egui::Slider::new(&mut self.setup.noise_sigma, 0.0..=1.0).text("noise sigma (log-normal)"));
        ui.horizontal(|ui| {
            let label = ui.label("run seed");
            ui.add(egui::DragValue::new(&mut self.setup.sim_seed))
                .labelled_by(label.id);
        });
        let mut failing = matches!(self.setup.failures, Failures::Exponential { .. });
        ui.checkbox(&mut failing, "node failures (exponential)");
        if failing != matches!(self.setup.failures, Failures::Exponential { .. }) {
            self.setup.failures = Failures::exponential(if failing { 100.0 } else { f64::INFINITY }, 60.0);
        }
        if let Failures::Exponential { mtbf, repair } = &mut self.setup.failures {
            ui.horizontal(|ui| {
                let label = ui.label("MTBF [s]");
                ui.add(egui::DragValue::new(mtbf).speed(1.0).range(0.01..=1e9))
                    .labelled_by(label.id);
                let label = ui.label("repair [s]");
                ui.add(egui::DragValue::new(repair).speed(1.0).range(0.0..=1e9))
                    .labelled_by(label.id);
            });
            let mut checkpointing = self.setup.checkpoint.is_some();
            ui.checkbox(&mut checkpointing, "checkpoint running tasks (Young/Daly interval)");
            if checkpointing != self.setup.checkpoint.is_some() {
                self.setup.checkpoint = checkpointing.then_some(1.0);
            }
            if let Some(cost) = &mut self.setup.checkpoint {
                ui.horizontal(|ui| {
                    let label = ui.label("checkpoint cost [s]");
                    ui.add(egui::DragValue::new(cost).speed(0.1).range(0.0..=1e6))
                        .labelled_by(label.id);
                });
            }
        } else {
            self.setup.checkpoint = None;
        }
        ui.horizontal(|ui| {
            let label = ui.label("speed error").on_hover_text(
                "real node speeds differ from the declared ones: slow, slow_factor, fast, fast_factor, drifting, drift_factor, drift_time (e.g. slow=0.25,fast=0.25)",
            );
            let response = ui
                .add(egui::TextEdit::singleline(&mut self.speed_error_text).desired_width(220.0))
                .labelled_by(label.id);
            if response.changed() {
                match self.speed_error_text.parse::<SpeedError>() {
                    Ok(error) => {
                        self.setup.speed_error = error;
                        self.speed_error_problem = None;
                    }
                    Err(e) => self.speed_error_problem = Some(e.to_string()),
                }
            }
        });
        if let Some(problem) = &self.speed_error_problem {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
    }

    fn toolbar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let busy = self.running.is_some();
            if ui
                .add_enabled(!busy, egui::Button::new(RichText::new("Run").strong().size(15.0)))
                .clicked()
            {
                let ctx = ui.ctx().clone();
                self.start_run(move || ctx.request_repaint());
            }
            if ui.add_enabled(busy, egui::Button::new("Cancel")).clicked() {
                self.cancel_run();
            }
            ui.checkbox(
                &mut self.auto_run,
                format!("re-run on change (up to {AUTO_RUN_MAX_TASKS} tasks)"),
            );
            if let Some(batch) = &self.running {
                let (done, total) = batch.running.counts();
                let n_tasks = batch.running.task_count();
                let text = match (batch.running.current(), batch.running.current_tasks_done()) {
                    (Some(name), Some(tasks)) if n_tasks == 0 => format!("{done}/{total}: {name}, {tasks} tasks"),
                    (Some(name), Some(tasks)) => format!("{done}/{total}: {name}, {tasks}/{n_tasks} tasks"),
                    _ => format!("{done}/{total}"),
                };
                ui.add(
                    egui::ProgressBar::new(batch.running.progress())
                        .text(text)
                        .animate(true)
                        .desired_width(320.0),
                );
            }
            if let Some(m) = &self.message {
                ui.colored_label(ui.visuals().error_fg_color, m);
            }
        });
        ui.separator();
        ui.horizontal(|ui| {
            for (tab, label) in Tab::ALL {
                ui.selectable_value(&mut self.tab, tab, RichText::new(label).size(15.0));
            }
        });
    }

    fn generator_controls(&mut self, ui: &mut Ui) {
        let mut family = self.setup.family.clone();
        egui::ComboBox::from_label("family")
            .selected_text(family.clone())
            .show_ui(ui, |ui| {
                for &kind in families::kinds() {
                    ui.selectable_value(&mut family, kind.to_owned(), kind);
                }
            });
        if family != self.setup.family {
            self.setup.set_family(&family);
        }
        let params: &[ParamDef] = self.setup.params();
        let slider = |ui: &mut Ui, p: &ParamDef, value: &mut f64| {
            let slider = egui::Slider::new(value, p.min..=p.max).text(p.key).logarithmic(p.log);
            ui.add(if p.integer { slider.integer() } else { slider });
        };
        let common = |p: &ParamDef| workloads::generators::COMMON_KEYS.contains(&p.key);
        for (p, value) in params.iter().zip(self.setup.values.iter_mut()) {
            if !common(p) {
                slider(ui, p, value);
            }
        }
        // The keys every generator takes, folded away: most studies keep tasks rigid.
        egui::CollapsingHeader::new("moldable tasks").show(ui, |ui| {
            for (p, value) in params.iter().zip(self.setup.values.iter_mut()) {
                if common(p) {
                    slider(ui, p, value);
                }
            }
        });
        if params.is_empty() {
            ui.horizontal(|ui| {
                ui.label("params");
                ui.text_edit_singleline(&mut self.setup.extra_params)
                    .on_hover_text("key=value,key=value");
            });
        }
        ui.horizontal(|ui| {
            let label = ui.label("DAG seed");
            ui.add(egui::DragValue::new(&mut self.setup.dag_seed))
                .labelled_by(label.id);
        });
    }

    /// The job stream settings: off, or arrivals, load, jobs, horizon and
    /// further mix entries besides the DAG above.
    fn stream_controls(&mut self, ui: &mut Ui) {
        let mut streaming = self.setup.stream.is_some();
        ui.checkbox(&mut streaming, "job stream")
            .on_hover_text("run a stream of jobs arriving over time, each a DAG drawn from the mix");
        if streaming != self.setup.stream.is_some() {
            self.setup.stream = streaming.then(StreamSetup::default);
        }
        let Some(stream) = &mut self.setup.stream else {
            return;
        };
        ui.horizontal(|ui| {
            let label = ui.label("arrivals");
            ui.add(egui::TextEdit::singleline(&mut stream.arrivals).desired_width(200.0))
                .labelled_by(label.id)
                .on_hover_text("poisson:rate=R, fixed:interval=T, mmpp:rates=R1/R2,mean_stay=S1/S2, diurnal:rate=R,amplitude=A,period=P; the load sets the rate");
        });
        ui.add(egui::Slider::new(&mut stream.load, 0.05..=1.5).text("offered load"))
            .on_hover_text("arrival rate × expected job work / (Σ cores × speed)");
        ui.add(
            egui::Slider::new(&mut stream.jobs, 1..=10_000)
                .text("jobs")
                .logarithmic(true),
        );
        let mut cut = stream.horizon.is_some();
        ui.horizontal(|ui| {
            let label = ui
                .checkbox(&mut cut, "horizon [s]")
                .on_hover_text("no job arrives later, and the stream is measured there");
            if cut != stream.horizon.is_some() {
                stream.horizon = cut.then_some(100.0);
            }
            if let Some(h) = &mut stream.horizon {
                ui.add(egui::DragValue::new(h).speed(1.0).range(0.001..=1e9))
                    .labelled_by(label.id);
            }
        });
        let label = ui.label("more job mix entries (the DAG above is the first)");
        ui.add(
            egui::TextEdit::multiline(&mut stream.mix)
                .hint_text("one per line: [WEIGHT] GENERATOR-SPEC or FILE")
                .desired_rows(2)
                .desired_width(280.0),
        )
        .labelled_by(label.id);
    }

    fn file_controls(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.file_path)
                    .hint_text("path to a workload file")
                    .desired_width(200.0),
            );
            if ui.button("Load file").clicked() && !self.file_path.trim().is_empty() {
                self.open_file(PathBuf::from(self.file_path.trim()));
            }
        });
        egui::CollapsingHeader::new("Browse files").show(ui, |ui| self.file_browser(ui));
    }

    /// Lists the folder of the path field (folders first); a click on a
    /// folder enters it, a click on a file loads it. Needs no desktop portal.
    fn file_browser(&mut self, ui: &mut Ui) {
        let typed = PathBuf::from(self.file_path.trim());
        let dir = if typed.is_dir() {
            typed
        } else {
            typed
                .parent()
                .filter(|p| p.is_dir())
                .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf)
        };
        let Ok(read) = std::fs::read_dir(&dir) else {
            ui.weak(format!("cannot list {}", dir.display()));
            return;
        };
        let mut entries: Vec<(bool, String)> = read
            .filter_map(Result::ok)
            .map(|e| (!e.path().is_dir(), e.file_name().to_string_lossy().into_owned()))
            .filter(|(_, name)| !name.starts_with('.'))
            .collect();
        entries.sort();
        ui.weak(dir.display().to_string());
        egui::ScrollArea::vertical()
            .max_height(160.0)
            .id_salt("browser")
            .show(ui, |ui| {
                if ui.small_button("..").clicked() {
                    let up = dir
                        .canonicalize()
                        .ok()
                        .and_then(|d| d.parent().map(std::path::Path::to_path_buf));
                    if let Some(up) = up {
                        self.file_path = up.display().to_string();
                    }
                }
                for (is_file, name) in entries {
                    let path = dir.join(&name);
                    let label = if is_file { name } else { format!("{name}/") };
                    if ui.small_button(label).clicked() {
                        self.file_path = path.display().to_string();
                        if is_file {
                            self.open_file(path);
                        }
                    }
                }
            });
    }

    fn dag_tab(&mut self, ui: &mut Ui) {
        let Some(w) = &self.workload else {
            ui.label("No workload yet.");
            return;
        };
        ui.horizontal(|ui| {
            ui.weak("drag to pan, scroll to zoom, double-click to fit, click a task to see its critical path");
            if let Some((t, path)) = &self.selected {
                ui.label(
                    RichText::new(format!(
                        "selected {} - critical path {} tasks, {}",
                        w.dag.task(*t).name,
                        path.tasks.len(),
                        fmt_secs(path.length)
                    ))
                    .color(crate::palette::HIGHLIGHT),
                );
            }
        });
        let selected = self.selected.as_ref().map(|(t, p)| (*t, p));
        let clicked = dag_view::show(ui, &w.dag, &w.layout, &mut self.camera, selected);
        if clicked.is_some() {
            self.select(clicked);
        }
    }

    fn gantt_tab(&mut self, ui: &mut Ui) {
        let Some(dag) = self.workload.as_ref().map(|w| Arc::clone(&w.dag)) else {
            ui.label("No workload yet.");
            return;
        };
        if self.views.is_empty() {
            ui.label("No results yet: pick schedulers and press Run.");
            return;
        }
        ui.horizontal(|ui| {
            if ui.button("Fit").clicked() {
                let m = self.views.iter().map(|v| v.gantt.makespan()).fold(0.0, f64::max);
                self.time_view = TimeView::fit(m);
            }
            ui.weak("drag to pan, scroll to zoom time, shift+scroll for rows, click a task to select it");
        });
        ui.horizontal(|ui| {
            let label = ui.label("export to folder");
            ui.add(egui::TextEdit::singleline(&mut self.export_dir).desired_width(160.0))
                .labelled_by(label.id);
            if ui.button("Save SVG").clicked() {
                self.notice = Some(self.export_svg());
            }
            if ui.button("Save PNG").clicked() {
                self.notice = Some(self.export_png(ui.ctx()));
            }
            if let Some(n) = &self.notice {
                ui.weak(n);
            }
        });
        let n = self.views.len().max(1) as f32;
        let header = 22.0;
        let height = ((ui.available_height() - n * header) / n).max(120.0);
        let mut clicked = None;
        let mut bars = 0;
        let selected = self.selected();
        let top = ui.cursor().min;
        let area = egui::ScrollArea::vertical()
            .scroll_source(egui::containers::scroll_area::ScrollSource::SCROLL_BAR)
            .show(ui, |ui| {
                for (k, v) in self.views.iter_mut().enumerate() {
                    ui.label(
                        RichText::new(format!("{} - makespan {}", v.spec, fmt_secs(v.run.metrics.makespan)))
                            .strong()
                            .color(crate::palette::kind_color(k)),
                    );
                    // A stream's task ids are not the DAG view's: no selection crosses between them.
                    let same_dag = Arc::ptr_eq(&v.dag, &dag);
                    let out = v.gantt.show(
                        ui,
                        &v.dag,
                        &mut self.time_view,
                        &mut v.scroll,
                        height,
                        selected.filter(|_| same_dag),
                    );
                    clicked = clicked.or(out.clicked.filter(|_| same_dag));
                    bars += out.n_bars;
                }
            });
        self.gantt_bars = bars;
        self.gantt_area = Some(egui::Rect::from_min_max(top, area.inner_rect.max));
        if let Some(t) = clicked {
            self.select(Some(t));
            if let Some(p) = self.workload.as_ref().and_then(|w| w.layout.position(t)) {
                self.camera.focus(p);
            }
        }
    }

    /// Writes one SVG per Gantt chart into the export folder; returns what happened.
    fn export_svg(&self) -> String {
        let dir = PathBuf::from(self.export_dir.trim());
        let mut written = Vec::new();
        for v in &self.views {
            let name: String = v
                .spec
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
                .collect();
            let path = dir.join(format!("gantt-{name}.svg"));
            let title = format!("{} - makespan {}", v.spec, fmt_secs(v.run.metrics.makespan));
            if let Err(e) = std::fs::write(&path, v.gantt.to_svg(&v.dag, &title, 1200.0)) {
                return format!("cannot write {}: {e}", path.display());
            }
            written.push(path.display().to_string());
        }
        format!("saved {}", written.join(", "))
    }

    /// Asks for a screenshot and saves the Gantt area of it as a PNG; returns what will happen.
    fn export_png(&self, ctx: &egui::Context) -> String {
        let Some(area) = self.gantt_area else {
            return "nothing to export yet".to_owned();
        };
        let path = PathBuf::from(self.export_dir.trim()).join("gantt.png");
        let shown = path.display().to_string();
        let ppp = ctx.pixels_per_point();
        ctx.request_screenshot(move |image| {
            let part = image.region(&area, Some(ppp));
            if let Err(e) = crate::modes::save_png(&path, &part) {
                eprintln!("cannot save {}: {e}", path.display());
            }
        });
        format!("saving {shown}")
    }

    fn experiments_tab(&mut self, ui: &mut Ui) {
        ui.strong("Save the current setup as an experiment config for `schedlab run`");
        ui.horizontal(|ui| {
            let label = ui.label("name");
            ui.add(egui::TextEdit::singleline(&mut self.config_name).desired_width(160.0))
                .labelled_by(label.id);
            let label = ui.label("file");
            ui.add(egui::TextEdit::singleline(&mut self.config_path).desired_width(240.0))
                .labelled_by(label.id);
            if ui.button("Save config").clicked() {
                self.notice = Some(self.save_config());
            }
            if ui.button("Load config").clicked() {
                self.notice = Some(self.load_config());
            }
        });
        if let Some(n) = &self.notice {
            ui.weak(n);
        }
        ui.separator();
        ui.strong("Open a results folder written by `schedlab run` (results.csv)");
        ui.horizontal(|ui| {
            let label = ui.label("folder");
            ui.add(egui::TextEdit::singleline(&mut self.results_path).desired_width(320.0))
                .labelled_by(label.id);
            if ui.button("Open results").clicked() {
                let path = PathBuf::from(self.results_path.trim());
                self.open_results(&path);
            }
        });
        if let Some(gallery) = &mut self.gallery {
            egui::CollapsingHeader::new("Plots")
                .default_open(true)
                .show(ui, |ui| gallery.ui(ui, 340.0));
        }
        let Some(table) = &self.results else {
            return;
        };
        ui.horizontal(|ui| {
            let label = ui.label("filter");
            ui.add(egui::TextEdit::singleline(&mut self.results_filter).desired_width(200.0))
                .labelled_by(label.id);
            ui.weak(format!(
                "{} rows; click a header to sort, Open run to see a run's Gantt chart",
                table.rows.len()
            ));
        });
        let order = table.view(&self.results_filter, self.results_sort);
        let columns = experiment::Column::shown();
        let mut open = None;
        let mut sort = self.results_sort;
        egui::ScrollArea::both().show(ui, |ui| {
            egui::Grid::new("results-table")
                .striped(true)
                .spacing([12.0, 3.0])
                .show(ui, |ui| {
                    ui.label("");
                    for (c, column) in columns.iter().enumerate() {
                        let arrow = match sort {
                            Some((s, true)) if s == c => " ^",
                            Some((s, false)) if s == c => " v",
                            _ => "",
                        };
                        if ui.button(format!("{}{arrow}", column.header())).clicked() {
                            sort = Some((c, !matches!(sort, Some((s, true)) if s == c)));
                        }
                    }
                    ui.end_row();
                    for &r in order.iter().take(500) {
                        if ui.small_button("Open run").clicked() {
                            open = Some(r);
                        }
                        for column in &columns {
                            ui.label(table.rows.get(r).map(|row| column.text(row)).unwrap_or_default());
                        }
                        ui.end_row();
                    }
                });
        });
        self.results_sort = sort;
        if let Some(r) = open {
            let ctx = ui.ctx().clone();
            self.open_run(r, move || ctx.request_repaint());
        }
    }

    /// Rebuilds row `row` of the open results table as the setup, runs it and shows its Gantt chart.
    pub fn open_run(&mut self, row: usize, wake: impl Fn() + Send + 'static) {
        let Some(table) = &self.results else {
            return;
        };
        match table.setup_of(row) {
            Ok(setup) => {
                self.replace_setup(setup);
                self.refresh_workload(false);
                self.start_run(wake);
                self.tab = Tab::Gantt;
            }
            Err(e) => self.notice = Some(e),
        }
    }

    /// Writes the setup (and a custom platform beside it) as a config; returns what happened.
    pub fn save_config(&self) -> String {
        let path = PathBuf::from(self.config_path.trim());
        let platform_file = match &self.setup.platform {
            PlatformSource::Preset => None,
            PlatformSource::Custom(_) | PlatformSource::FromWorkload => {
                let platform = self
                    .setup
                    .build_platform(self.workload.as_ref().and_then(|w| w.platform.as_ref()));
                let Ok(platform) = platform else {
                    return "the platform is invalid".to_owned();
                };
                let file = experiment::platform_file_for(&path);
                let text = toml::to_string(platform.spec()).unwrap_or_default();
                if let Err(e) = std::fs::write(&file, text) {
                    return format!("cannot write {}: {e}", file.display());
                }
                file.file_name().map(|n| n.to_string_lossy().into_owned())
            }
        };
        let text = experiment::to_config(&self.setup, &self.config_name, platform_file.as_deref());
        match std::fs::write(&path, text) {
            Ok(()) => format!("saved {}", path.display()),
            Err(e) => format!("cannot write {}: {e}", path.display()),
        }
    }

    /// Replaces the setup with the config at the config path; returns what happened.
    pub fn load_config(&mut self) -> String {
        let path = PathBuf::from(self.config_path.trim());
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => return format!("cannot read {}: {e}", path.display()),
        };
        let base = path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        match experiment::from_config(&text, &base) {
            Ok(setup) => {
                self.replace_setup(setup);
                format!("loaded {}", path.display())
            }
            Err(e) => format!("{}: {e}", path.display()),
        }
    }

    /// Reads the results of a folder written by `schedlab run` into the Experiments tab.
    pub fn open_results(&mut self, dir: &std::path::Path) {
        self.results_path = dir.display().to_string();
        self.gallery = Some(Gallery::open(dir));
        match ResultsTable::load(dir) {
            Ok(t) => {
                self.results = Some(t);
                self.results_sort = None;
                self.notice = None;
            }
            Err(e) => self.notice = Some(e),
        }
    }

    /// Sets the file the experiment config is saved to and loaded from.
    pub fn set_config_path(&mut self, path: &std::path::Path) {
        self.config_path = path.display().to_string();
    }

    fn platform_tab(&mut self, ui: &mut Ui) {
        let current = self
            .setup
            .build_platform(self.workload.as_ref().and_then(|w| w.platform.as_ref()));
        ui.horizontal(|ui| {
            ui.weak("Edit a copy of a platform, then press \"Use this platform\".");
            if ui.button("Copy the current platform").clicked() {
                match &current {
                    Ok(p) => self.editor = Some(PlatformEditor::new(p)),
                    Err(e) => self.message = Some(e.clone()),
                }
            }
        });
        if self.editor.is_none()
            && let Ok(p) = &current
        {
            self.editor = Some(PlatformEditor::new(p));
        }
        if let Some(editor) = &mut self.editor {
            ui.separator();
            egui::ScrollArea::vertical().show(ui, |ui| {
                if let EditorAction::Apply(spec) = editor.ui(ui) {
                    self.setup.platform = PlatformSource::Custom(spec);
                }
            });
        }
    }

    fn results_tab(&mut self, ui: &mut Ui) {
        if self.views.is_empty() && self.errors.is_empty() {
            ui.label("No results yet: pick schedulers and press Run.");
            return;
        }
        egui::ScrollArea::vertical().show(ui, |ui| {
            results::metrics_table(ui, &self.views, &self.errors);
            ui.separator();
            ui.horizontal(|ui| {
                ui.strong("Compare");
                egui::ComboBox::from_label("metric")
                    .selected_text(METRICS.get(self.chart_metric).map_or("", |m| m.label))
                    .show_ui(ui, |ui| {
                        for (i, metric) in results::shown_metrics(&self.views) {
                            ui.selectable_value(&mut self.chart_metric, i, metric.label);
                        }
                    });
            });
            ui.horizontal(|ui| {
                let label = ui.label("export to folder");
                ui.add(egui::TextEdit::singleline(&mut self.export_dir).desired_width(160.0))
                    .labelled_by(label.id);
                for ext in ["png", "svg"] {
                    if ui.button(format!("Save plots as {}", ext.to_uppercase())).clicked() {
                        let dir = PathBuf::from(self.export_dir.trim());
                        self.notice = Some(match results::export_plots(&self.views, self.chart_metric, &dir, ext) {
                            Ok(paths) => format!(
                                "saved {}",
                                paths
                                    .iter()
                                    .map(|p| p.display().to_string())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            Err(e) => e,
                        });
                    }
                }
                if let Some(n) = &self.notice {
                    ui.weak(n);
                }
            });
            results::comparison_chart(ui, &self.views, self.chart_metric, 200.0);
            ui.separator();
            results::time_plots(ui, &self.views, 200.0);
        });
    }
}

/// Whether a slider is being dragged on a DAG too large to re-run live.
fn dragging_large(app: &SchedlabApp, dragging: bool) -> bool {
    dragging
        && app
            .workload
            .as_ref()
            .is_some_and(|w| w.dag.task_count() > AUTO_RUN_MAX_TASKS)
}

impl eframe::App for SchedlabApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        SchedlabApp::ui(self, ui);
    }
}

/// The resource manager choice: a name from the registry (hover for what
/// it models) and its `key=value,…` parameters, written into `spec`; a spec
/// the registry refuses is shown in red with the reason.
fn resource_manager_ui(ui: &mut egui::Ui, spec: &mut String) {
    let (name, params) = spec.split_once(':').unwrap_or((spec.as_str(), ""));
    let (mut name, mut params) = (name.to_owned(), params.to_owned());
    ui.horizontal_wrapped(|ui| {
        for info in schedulers::resource::all() {
            ui.radio_value(&mut name, info.name.to_owned(), info.name)
                .on_hover_text(info.description);
        }
    });
    if let Some(info) = schedulers::resource::all().iter().find(|i| i.name == name)
        && !info.params.is_empty()
    {
        ui.horizontal(|ui| {
            let label = ui.label("parameters");
            ui.text_edit_singleline(&mut params)
                .labelled_by(label.id)
                .on_hover_text(
                    info.params
                        .iter()
                        .map(|p| format!("{}: {}", p.name, p.description))
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
        });
    } else {
        params.clear();
    }
    *spec = if params.trim().is_empty() {
        name
    } else {
        format!("{name}:{params}")
    };
    if let Err(e) = schedulers::resource::create(spec) {
        ui.colored_label(egui::Color32::RED, e.to_string());
    }
}
