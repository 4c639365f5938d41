//! The plots of a results folder: the PNGs `schedlab report` wrote into
//! `DIR/plots/`, shown one at a time in the Experiments tab.
//!
//! A folder without plots gets a button that writes them with
//! [`experiments::grid::report::write`], the code behind `schedlab report`, on a
//! background thread (it re-simulates one run per scheduler for the Gantt
//! and utilisation plots, and simulation never runs on the UI thread).

use egui::{TextureHandle, Ui};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// The plots of one results folder and the one shown.
pub struct Gallery {
    dir: PathBuf,
    plots: Vec<PathBuf>,
    chosen: usize,
    texture: Option<(PathBuf, TextureHandle)>,
    making: Option<Receiver<Result<(), String>>>,
    notice: Option<String>,
}

impl Gallery {
    /// The plots of the results folder `dir` (none yet if `schedlab report` was not run on it).
    pub fn open(dir: &Path) -> Gallery {
        let mut gallery = Gallery {
            dir: dir.to_path_buf(),
            plots: Vec::new(),
            chosen: 0,
            texture: None,
            making: None,
            notice: None,
        };
        gallery.rescan();
        gallery
    }

    /// The PNG plots found, sorted by file name.
    pub fn plots(&self) -> &[PathBuf] {
        &self.plots
    }

    /// Whether the plots are being written in the background.
    pub fn is_making(&self) -> bool {
        self.making.is_some()
    }

    fn rescan(&mut self) {
        let listing = std::fs::read_dir(self.dir.join("plots"));
        self.plots = listing
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "png"))
                    .collect()
            })
            .unwrap_or_default();
        self.plots.sort();
        self.chosen = self.chosen.min(self.plots.len().saturating_sub(1));
        self.texture = None;
    }

    /// Writes the folder's report and plots on a background thread; `wake` repaints the UI when done.
    pub fn make_plots(&mut self, wake: impl Fn() + Send + 'static) {
        let (tx, rx) = channel();
        let dir = self.dir.clone();
        let spawned = std::thread::Builder::new()
            .name("schedlab-report".to_owned())
            .spawn(move || {
                let result = experiments::grid::report::write(&dir)
                    .map(|_| ())
                    .map_err(|e| format!("{e:#}"));
                let _ = tx.send(result);
                wake();
            });
        match spawned {
            Ok(_) => {
                self.making = Some(rx);
                self.notice = Some("writing the report's plots...".to_owned());
            }
            Err(e) => self.notice = Some(format!("cannot start the report thread: {e}")),
        }
    }

    /// Takes in the background report's outcome, if it has finished.
    pub fn poll(&mut self) {
        let Some(rx) = &self.making else {
            return;
        };
        let outcome = match rx.try_recv() {
            Ok(outcome) => outcome,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => Err("the report thread stopped".to_owned()),
        };
        self.making = None;
        self.notice = Some(match outcome {
            Ok(()) => format!("wrote {}", self.dir.join("report.html").display()),
            Err(e) => e,
        });
        self.rescan();
    }

    /// Plot names to choose from, then the chosen plot scaled to the width, at most `max_height` high.
    pub fn ui(&mut self, ui: &mut Ui, max_height: f32) {
        self.poll();
        ui.horizontal_wrapped(|ui| {
            for (i, path) in self.plots.iter().enumerate() {
                let name = path.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
                if ui.selectable_label(i == self.chosen, name.as_ref()).clicked() {
                    self.chosen = i;
                }
            }
            let label = if self.plots.is_empty() {
                "Make plots"
            } else {
                "Remake plots"
            };
            let button = ui
                .add_enabled(self.making.is_none(), egui::Button::new(label))
                .on_hover_text("write report.html and plots/ as `schedlab report` does");
            if button.clicked() {
                let ctx = ui.ctx().clone();
                self.make_plots(move || ctx.request_repaint());
            }
        });
        if let Some(n) = &self.notice {
            ui.weak(n);
        }
        if self.plots.is_empty() {
            ui.weak("No plots in this folder yet.");
            return;
        }
        let Some(path) = self.plots.get(self.chosen).cloned() else {
            return;
        };
        if self.texture.as_ref().is_none_or(|(p, _)| *p != path) {
            match load_png(&path) {
                Ok(image) => {
                    let handle = ui
                        .ctx()
                        .load_texture(path.display().to_string(), image, Default::default());
                    self.texture = Some((path.clone(), handle));
                }
                Err(e) => {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                    return;
                }
            }
        }
        if let Some((_, texture)) = &self.texture {
            let size = texture.size_vec2();
            let scale = (ui.available_width() / size.x).min(max_height / size.y).min(1.0);
            ui.image((texture.id(), size * scale))
                .on_hover_text(path.display().to_string());
        }
    }
}

/// Reads a PNG into an egui image.
fn load_png(path: &Path) -> Result<egui::ColorImage, String> {
    let decoded = image::ImageReader::open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?
        .decode()
        .map_err(|e| format!("{} is not a readable PNG: {e}", path.display()))?
        .to_rgba8();
    let size = [decoded.width() as usize, decoded.height() as usize];
    Ok(egui::ColorImage::from_rgba_unmultiplied(size, decoded.as_raw()))
}
