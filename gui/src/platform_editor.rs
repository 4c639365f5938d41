//! The platform table editor: nodes (count, cores, speed, power, group) and
//! the network model, bandwidth and latency, edited on a copy of a spec.

use egui::Ui;
use sim::platform::{NetworkSpec, NodeSpec, PowerModel};
use sim::{Platform, PlatformSpec};
use std::collections::BTreeMap;

/// What the editor asks the app to do after a frame.
#[derive(Clone, Debug, PartialEq)]
pub enum EditorAction {
    /// Nothing.
    None,
    /// Use this (validated) spec for the next runs.
    Apply(PlatformSpec),
}

/// Edits one platform spec.
#[derive(Clone, Debug)]
pub struct PlatformEditor {
    spec: PlatformSpec,
    error: Option<String>,
}

impl PlatformEditor {
    /// An editor on a copy of `platform`'s spec.
    pub fn new(platform: &Platform) -> PlatformEditor {
        PlatformEditor {
            spec: platform.spec().clone(),
            error: None,
        }
    }

    /// The spec being edited.
    pub fn spec(&self) -> &PlatformSpec {
        &self.spec
    }

    /// Draws the editor.
    pub fn ui(&mut self, ui: &mut Ui) -> EditorAction {
        let mut action = EditorAction::None;
        ui.horizontal(|ui| {
            ui.label("name");
            ui.text_edit_singleline(&mut self.spec.name);
        });
        ui.add_space(4.0);
        ui.strong("Network");
        let shared = matches!(self.spec.network, NetworkSpec::Shared { .. });
        ui.horizontal(|ui| {
            if ui.selectable_label(!shared, "dedicated links").clicked() && shared {
                self.spec.network = NetworkSpec::Dedicated {
                    latency: latency(&self.spec.network),
                    bandwidth: bandwidth(&self.spec.network),
                    bandwidth_matrix: None,
                };
            }
            if ui.selectable_label(shared, "shared links (max-min fair)").clicked() && !shared {
                self.spec.network = NetworkSpec::Shared {
                    latency: latency(&self.spec.network),
                    bandwidth: bandwidth(&self.spec.network),
                    group_links: Vec::new(),
                };
            }
        });
        let (lat, bw) = match &mut self.spec.network {
            NetworkSpec::Dedicated { latency, bandwidth, .. } | NetworkSpec::Shared { latency, bandwidth, .. } => {
                (latency, bandwidth)
            }
        };
        ui.horizontal(|ui| {
            let label = ui.label("latency [s]");
            ui.add(egui::DragValue::new(lat).speed(1e-5).range(0.0..=10.0))
                .labelled_by(label.id);
            let label = ui.label("bandwidth [B/s]");
            ui.add(egui::DragValue::new(bw).speed(1e7).range(1.0..=1e13))
                .labelled_by(label.id);
        });
        ui.add_space(4.0);
        ui.strong("Nodes");
        let mut remove = None;
        egui::Grid::new("platform-nodes")
            .striped(true)
            .spacing([10.0, 4.0])
            .show(ui, |ui| {
                for h in ["name", "count", "cores", "speed", "idle W", "busy W/core", "group", ""] {
                    ui.strong(h);
                }
                ui.end_row();
                for (i, node) in self.spec.nodes.iter_mut().enumerate() {
                    ui.add(egui::TextEdit::singleline(&mut node.name).desired_width(90.0));
                    ui.add(egui::DragValue::new(&mut node.count).range(1..=4096));
                    ui.add(egui::DragValue::new(&mut node.cores).range(1..=1024));
                    ui.add(egui::DragValue::new(&mut node.speed).speed(0.05).range(0.01..=1000.0));
                    ui.add(egui::DragValue::new(&mut node.power.idle_w).speed(1.0).range(0.0..=1e5));
                    ui.add(
                        egui::DragValue::new(&mut node.power.busy_core_w)
                            .speed(0.5)
                            .range(0.0..=1e5),
                    );
                    let mut group = node.group.clone().unwrap_or_default();
                    if ui
                        .add(egui::TextEdit::singleline(&mut group).desired_width(70.0))
                        .changed()
                    {
                        node.group = if group.trim().is_empty() { None } else { Some(group) };
                    }
                    if ui.small_button("remove").clicked() {
                        remove = Some(i);
                    }
                    ui.end_row();
                }
            });
        if let Some(i) = remove.filter(|&i| i < self.spec.nodes.len() && self.spec.nodes.len() > 1) {
            self.spec.nodes.remove(i);
        }
        ui.horizontal(|ui| {
            if ui.button("Add node type").clicked() {
                let n = self.spec.nodes.len();
                self.spec.nodes.push(NodeSpec {
                    name: format!("node{n}"),
                    count: 1,
                    cores: 4,
                    speed: 1.0,
                    kind_speed: BTreeMap::new(),
                    power: PowerModel {
                        idle_w: 20.0,
                        busy_core_w: 10.0,
                        dvfs: Vec::new(),
                    },
                    group: None,
                    nic_bandwidth: None,
                    task_overhead: 0.0,
                });
            }
            if ui.button("Use this platform").clicked() {
                match Platform::new(self.spec.clone()) {
                    Ok(_) => {
                        self.error = None;
                        action = EditorAction::Apply(self.spec.clone());
                    }
                    Err(e) => self.error = Some(e.to_string()),
                }
            }
        });
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        action
    }
}

fn latency(n: &NetworkSpec) -> f64 {
    match n {
        NetworkSpec::Dedicated { latency, .. } | NetworkSpec::Shared { latency, .. } => *latency,
    }
}

fn bandwidth(n: &NetworkSpec) -> f64 {
    match n {
        NetworkSpec::Dedicated { bandwidth, .. } | NetworkSpec::Shared { bandwidth, .. } => *bandwidth,
    }
}
