//! `schedlab-gui`: the schedlab desktop workbench.
//!
//! ```text
//! schedlab-gui                       open the window
//! schedlab-gui --demo DIR            run a demo setup, save dag.png, gantt.png, results.png in DIR, quit
//! schedlab-gui --bench-gantt FRAMES [--tasks N]
//!                                    pan a Gantt chart of N (10000) tasks for FRAMES frames, print frame times, quit
//! schedlab-gui --bench-dag FRAMES [--tasks N]
//!                                    draw the whole DAG of N (10000) tasks for FRAMES frames, print frame times, quit
//! schedlab-gui --renderer wgpu       render with wgpu instead of OpenGL (glow)
//! ```

use gui::modes::{Bench, Demo};
use gui::{SchedlabApp, Tab};
use std::path::PathBuf;
use std::process::ExitCode;

enum Mode {
    Normal,
    Demo(PathBuf),
    Bench { frames: usize, tasks: usize, tab: Tab },
}

fn parse(args: &[String]) -> Result<(Mode, eframe::Renderer), String> {
    let mut mode = Mode::Normal;
    let mut tasks = 10_000;
    let mut renderer = eframe::Renderer::Glow;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--demo" => {
                let dir = it.next().ok_or("--demo needs a folder for the screenshots")?;
                mode = Mode::Demo(PathBuf::from(dir));
            }
            "--bench-gantt" | "--bench-dag" => {
                let n = it.next().ok_or_else(|| format!("{arg} needs a frame count"))?;
                let frames = n.parse().map_err(|_| format!("{arg}: {n:?} is not a whole number"))?;
                let tab = if arg == "--bench-dag" { Tab::Dag } else { Tab::Gantt };
                mode = Mode::Bench { frames, tasks: 0, tab };
            }
            "--renderer" => {
                renderer = match it.next().map(String::as_str) {
                    Some("glow") => eframe::Renderer::Glow,
                    Some("wgpu") => eframe::Renderer::Wgpu,
                    other => return Err(format!("--renderer: expected glow or wgpu, got {other:?}")),
                };
            }
            "--tasks" => {
                let n = it.next().ok_or("--tasks needs a number")?;
                tasks = n.parse().map_err(|_| format!("--tasks: {n:?} is not a whole number"))?;
            }
            "-h" | "--help" => {
                return Err("usage: schedlab-gui [--demo DIR] [--bench-gantt FRAMES | --bench-dag FRAMES] [--tasks N] [--renderer glow|wgpu]".to_owned());
            }
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    if let Mode::Bench { frames, tab, .. } = mode {
        mode = Mode::Bench { frames, tasks, tab };
    }
    Ok((mode, renderer))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, renderer) = match parse(&args) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let bench = matches!(mode, Mode::Bench { .. });
    let mut options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_title("schedlab"),
        renderer,
        ..eframe::NativeOptions::default()
    };
    if bench {
        options.wgpu_options.surface.present_mode = eframe::egui_wgpu::wgpu::PresentMode::AutoNoVsync;
        options.glow_options.vsync = false;
        options.dithering = false;
    }
    let result = eframe::run_native(
        "schedlab",
        options,
        Box::new(move |_cc| {
            let app: Box<dyn eframe::App> = match mode {
                Mode::Normal => Box::new(SchedlabApp::default()),
                Mode::Demo(dir) => Box::new(Demo::new(dir)),
                Mode::Bench { frames, tasks, tab } => Box::new(Bench::new(frames, tasks, tab)),
            };
            Ok(app)
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("schedlab-gui: {e}");
            ExitCode::from(2)
        }
    }
}
