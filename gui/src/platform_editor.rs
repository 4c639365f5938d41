//! The platform table editor, on a copy of a spec: node types (count, cores,
//! speed, power, group, NIC bandwidth), their memory, labels, prices, power
//! states and pools, their per-kind speeds and DVFS levels, and the network
//! (model, bandwidth, latency, and the links between groups of a shared
//! network).
//!
//! Every edit is validated at once with [`Platform::new`], the check a
//! platform file goes through, plus the checks of the per-kind table that a
//! map cannot express (a kind named once per node type, not empty); the
//! first problem is shown under the tables with the field it is about.

use egui::Ui;
use sim::platform::{DvfsLevel, GroupLinkSpec, NetworkSpec, NodeSpec, PoolSpec, PowerModel};
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

/// One row of the per-kind speed table: node type `node` runs tasks of `kind` `factor` times faster.
#[derive(Clone, Debug, PartialEq)]
struct KindRow {
    node: usize,
    kind: String,
    factor: f64,
}

/// Edits one platform spec.
#[derive(Clone, Debug)]
pub struct PlatformEditor {
    spec: PlatformSpec,
    /// The per-kind speeds as rows, written back into the spec's maps on every edit.
    kinds: Vec<KindRow>,
    error: Option<String>,
}

impl PlatformEditor {
    /// An editor on a copy of `platform`'s spec.
    pub fn new(platform: &Platform) -> PlatformEditor {
        let spec = platform.spec().clone();
        let kinds = spec
            .nodes
            .iter()
            .enumerate()
            .flat_map(|(node, n)| {
                n.kind_speed.iter().map(move |(kind, &factor)| KindRow {
                    node,
                    kind: kind.clone(),
                    factor,
                })
            })
            .collect();
        PlatformEditor {
            spec,
            kinds,
            error: None,
        }
    }

    /// The spec being edited.
    pub fn spec(&self) -> &PlatformSpec {
        &self.spec
    }

    /// Why the spec is invalid, if it is.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Adds a per-kind speed row for node type `node` (shown in the table).
    pub fn add_kind_speed(&mut self, node: usize, kind: &str, factor: f64) {
        self.kinds.push(KindRow {
            node,
            kind: kind.to_owned(),
            factor,
        });
        self.validate();
    }

    /// Draws the editor.
    pub fn ui(&mut self, ui: &mut Ui) -> EditorAction {
        let mut changed = false;
        ui.horizontal(|ui| {
            let label = ui.label("name");
            changed |= ui
                .text_edit_singleline(&mut self.spec.name)
                .labelled_by(label.id)
                .changed();
        });
        ui.add_space(4.0);
        changed |= self.network_ui(ui);
        ui.add_space(4.0);
        changed |= self.nodes_ui(ui);
        ui.add_space(4.0);
        changed |= self.resources_ui(ui);
        ui.add_space(4.0);
        changed |= self.kinds_ui(ui);
        ui.add_space(4.0);
        changed |= self.dvfs_ui(ui);
        if changed {
            self.validate();
        }
        ui.separator();
        let mut action = EditorAction::None;
        ui.horizontal(|ui| {
            if ui
                .add_enabled(self.error.is_none(), egui::Button::new("Use this platform"))
                .clicked()
            {
                action = EditorAction::Apply(self.spec.clone());
            }
            match &self.error {
                Some(e) => ui.colored_label(ui.visuals().error_fg_color, e),
                None => ui.weak("valid"),
            };
        });
        action
    }

    /// Writes the per-kind rows into the spec and checks the whole spec.
    fn validate(&mut self) {
        for node in &mut self.spec.nodes {
            node.kind_speed.clear();
        }
        let mut error = None;
        for (r, row) in self.kinds.iter().enumerate() {
            let Some(node) = self.spec.nodes.get_mut(row.node) else {
                continue;
            };
            let kind = row.kind.trim();
            let problem = if kind.is_empty() {
                Some("the kind name is empty".to_owned())
            } else if node.kind_speed.insert(kind.to_owned(), row.factor).is_some() {
                Some(format!(
                    "node type {:?} already has a speed for kind {kind:?}",
                    node.name
                ))
            } else {
                None
            };
            if let Some(p) = problem {
                error.get_or_insert(format!("per-kind speeds, row {}: {p}", r + 1));
            }
        }
        self.error = error.or_else(|| Platform::new(self.spec.clone()).err().map(|e| e.to_string()));
    }

    fn network_ui(&mut self, ui: &mut Ui) -> bool {
        let mut changed = false;
        ui.strong("Network");
        let shared = matches!(self.spec.network, NetworkSpec::Shared { .. });
        ui.horizontal(|ui| {
            if ui.selectable_label(!shared, "dedicated links").clicked() && shared {
                self.spec.network = NetworkSpec::Dedicated {
                    latency: latency(&self.spec.network),
                    bandwidth: bandwidth(&self.spec.network),
                    bandwidth_matrix: None,
                    latency_matrix: None,
                };
                changed = true;
            }
            if ui.selectable_label(shared, "shared links (max-min fair)").clicked() && !shared {
                self.spec.network = NetworkSpec::Shared {
                    latency: latency(&self.spec.network),
                    bandwidth: bandwidth(&self.spec.network),
                    group_links: Vec::new(),
                    backplane_bandwidth: None,
                };
                changed = true;
            }
        });
        let groups = self.groups();
        let (lat, bw, links) = match &mut self.spec.network {
            NetworkSpec::Dedicated { latency, bandwidth, .. } => (latency, bandwidth, None),
            NetworkSpec::Shared {
                latency,
                bandwidth,
                group_links,
                ..
            } => (latency, bandwidth, Some(group_links)),
        };
        ui.horizontal(|ui| {
            let label = ui.label("latency [s]");
            changed |= ui
                .add(egui::DragValue::new(lat).speed(1e-5).range(0.0..=10.0))
                .labelled_by(label.id)
                .changed();
            let label = ui.label(if links.is_some() {
                "default NIC bandwidth [B/s]"
            } else {
                "bandwidth [B/s]"
            });
            changed |= ui
                .add(egui::DragValue::new(bw).speed(1e7).range(1.0..=1e13))
                .labelled_by(label.id)
                .changed();
        });
        if let Some(links) = links {
            changed |= group_links_ui(ui, links, &groups);
        }
        changed
    }

    /// Group names of the node types, sorted, without repeats.
    fn groups(&self) -> Vec<String> {
        let mut groups: Vec<String> = self.spec.nodes.iter().filter_map(|n| n.group.clone()).collect();
        groups.sort();
        groups.dedup();
        groups
    }

    fn nodes_ui(&mut self, ui: &mut Ui) -> bool {
        let mut changed = false;
        ui.strong("Node types");
        let mut remove = None;
        egui::Grid::new("platform-nodes")
            .striped(true)
            .spacing([10.0, 4.0])
            .show(ui, |ui| {
                for h in [
                    "name",
                    "count / pool max",
                    "cores",
                    "speed",
                    "idle W",
                    "busy W/core",
                    "group",
                    "NIC [B/s]",
                    "",
                ] {
                    ui.strong(h);
                }
                ui.end_row();
                for (i, node) in self.spec.nodes.iter_mut().enumerate() {
                    changed |= ui
                        .add(egui::TextEdit::singleline(&mut node.name).desired_width(90.0))
                        .changed();
                    let count = match &mut node.pool {
                        Some(pool) => &mut pool.max,
                        None => &mut node.count,
                    };
                    changed |= ui.add(egui::DragValue::new(count).range(1..=4096)).changed();
                    changed |= ui.add(egui::DragValue::new(&mut node.cores).range(1..=1024)).changed();
                    changed |= ui
                        .add(egui::DragValue::new(&mut node.speed).speed(0.05).range(0.01..=1000.0))
                        .changed();
                    changed |= ui
                        .add(egui::DragValue::new(&mut node.power.idle_w).speed(1.0).range(0.0..=1e5))
                        .changed();
                    changed |= ui
                        .add(
                            egui::DragValue::new(&mut node.power.busy_core_w)
                                .speed(0.5)
                                .range(0.0..=1e5),
                        )
                        .changed();
                    let mut group = node.group.clone().unwrap_or_default();
                    if ui
                        .add(egui::TextEdit::singleline(&mut group).desired_width(70.0))
                        .changed()
                    {
                        node.group = if group.trim().is_empty() { None } else { Some(group) };
                        changed = true;
                    }
                    changed |= nic_ui(ui, &mut node.nic_bandwidth);
                    if ui.small_button("remove").clicked() {
                        remove = Some(i);
                    }
                    ui.end_row();
                }
            });
        if let Some(i) = remove.filter(|&i| i < self.spec.nodes.len() && self.spec.nodes.len() > 1) {
            self.spec.nodes.remove(i);
            self.kinds.retain(|r| r.node != i);
            for row in self.kinds.iter_mut().filter(|r| r.node > i) {
                row.node -= 1;
            }
            changed = true;
        }
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
                    off_w: 0.0,
                    boot_secs: 0.0,
                    boot_j: 0.0,
                },
                group: None,
                nic_bandwidth: None,
                task_overhead: 0.0,
                pulls_inputs: false,
                price_per_hour: None,
                billing_secs: None,
                memory_bytes: None,
                labels: Vec::new(),
                pool: None,
            });
            changed = true;
        }
        changed
    }

    /// Per node type: memory, labels, price and billing, off power, boot
    /// time and energy, and whether it is a pool. Each field is named
    /// `NODE-TYPE FIELD` for screen readers and tests.
    fn resources_ui(&mut self, ui: &mut Ui) -> bool {
        let mut changed = false;
        ui.strong("Memory, labels, prices and power states").on_hover_text(
            "a pool is rented on demand: its nodes are held only while a resource manager has acquired them",
        );
        egui::Grid::new("platform-resources")
            .striped(true)
            .spacing([10.0, 4.0])
            .show(ui, |ui| {
                for h in [
                    "node type",
                    "memory [B]",
                    "labels",
                    "price / hour",
                    "billing [s]",
                    "off W",
                    "boot [s]",
                    "boot J",
                    "pool",
                ] {
                    ui.strong(h);
                }
                ui.end_row();
                for node in &mut self.spec.nodes {
                    let name = node.name.clone();
                    let named = |field: &str| format!("{name} {field}");
                    ui.label(name.as_str());
                    changed |= optional_ui(
                        ui,
                        &mut node.memory_bytes,
                        Optional {
                            speed: 1e8,
                            none: "unlimited",
                            hover: "memory the tasks running at one time share; 0 = unlimited",
                            name: named("memory"),
                        },
                    );
                    changed |= labels_ui(ui, &mut node.labels, named("labels"));
                    changed |= optional_ui(
                        ui,
                        &mut node.price_per_hour,
                        Optional {
                            speed: 0.01,
                            none: "none",
                            hover: "price of one node-hour, for the cost metric; 0 = none",
                            name: named("price"),
                        },
                    );
                    changed |= optional_ui(
                        ui,
                        &mut node.billing_secs,
                        Optional {
                            speed: 1.0,
                            none: "1 (per second)",
                            hover: "billing granularity: each powered period is billed in whole multiples of it",
                            name: named("billing"),
                        },
                    );
                    for (value, speed, field) in [
                        (&mut node.power.off_w, 0.5, "off W"),
                        (&mut node.power.boot_secs, 1.0, "boot seconds"),
                        (&mut node.power.boot_j, 10.0, "boot joules"),
                    ] {
                        changed |= ui
                            .add(egui::DragValue::new(value).speed(speed).range(0.0..=1e7))
                            .accessible_name(named(field))
                            .changed();
                    }
                    let mut pooled = node.pool.is_some();
                    if ui
                        .checkbox(&mut pooled, "")
                        .accessible_name(named("pool"))
                        .on_hover_text("rented on demand, up to the count (no off W: a released node draws nothing)")
                        .changed()
                    {
                        toggle_pool(node, pooled);
                        changed = true;
                    }
                    ui.end_row();
                }
            });
        changed
    }

    fn kinds_ui(&mut self, ui: &mut Ui) -> bool {
        let mut changed = false;
        ui.strong("Per-kind speeds")
            .on_hover_text("a node type runs tasks of a kind this many times faster than its speed says");
        let names: Vec<String> = self.spec.nodes.iter().map(|n| n.name.clone()).collect();
        let mut remove = None;
        if !self.kinds.is_empty() {
            egui::Grid::new("platform-kinds")
                .striped(true)
                .spacing([10.0, 4.0])
                .show(ui, |ui| {
                    for h in ["node type", "task kind", "speed factor", ""] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for (r, row) in self.kinds.iter_mut().enumerate() {
                        changed |= node_picker(ui, ("kind-node", r), &names, &mut row.node);
                        changed |= ui
                            .add(egui::TextEdit::singleline(&mut row.kind).desired_width(90.0))
                            .changed();
                        changed |= ui
                            .add(egui::DragValue::new(&mut row.factor).speed(0.05).range(0.01..=1000.0))
                            .changed();
                        if ui.small_button("remove").clicked() {
                            remove = Some(r);
                        }
                        ui.end_row();
                    }
                });
        }
        if let Some(r) = remove {
            self.kinds.remove(r);
            changed = true;
        }
        if ui.button("Add per-kind speed").clicked() {
            self.kinds.push(KindRow {
                node: 0,
                kind: format!("kind{}", self.kinds.len()),
                factor: 2.0,
            });
            changed = true;
        }
        changed
    }

    fn dvfs_ui(&mut self, ui: &mut Ui) -> bool {
        let mut changed = false;
        ui.strong("DVFS levels")
            .on_hover_text("level 0 is the node type's nominal speed and busy power; these are levels 1, 2, ...");
        let mut remove = None;
        if self.spec.nodes.iter().any(|n| !n.power.dvfs.is_empty()) {
            egui::Grid::new("platform-dvfs")
                .striped(true)
                .spacing([10.0, 4.0])
                .show(ui, |ui| {
                    for h in ["node type", "level", "speed factor", "busy W/core", ""] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for (i, node) in self.spec.nodes.iter_mut().enumerate() {
                        for (l, level) in node.power.dvfs.iter_mut().enumerate() {
                            ui.label(node.name.as_str());
                            ui.label((l + 1).to_string());
                            changed |= ui
                                .add(
                                    egui::DragValue::new(&mut level.speed_factor)
                                        .speed(0.01)
                                        .range(0.01..=10.0),
                                )
                                .changed();
                            changed |= ui
                                .add(egui::DragValue::new(&mut level.busy_core_w).speed(0.5).range(0.0..=1e5))
                                .changed();
                            if ui.small_button("remove").clicked() {
                                remove = Some((i, l));
                            }
                            ui.end_row();
                        }
                    }
                });
        }
        if let Some((i, l)) = remove
            && let Some(node) = self.spec.nodes.get_mut(i)
            && l < node.power.dvfs.len()
        {
            node.power.dvfs.remove(l);
            changed = true;
        }
        ui.horizontal(|ui| {
            let names: Vec<String> = self.spec.nodes.iter().map(|n| n.name.clone()).collect();
            for (i, name) in names.iter().enumerate() {
                if ui.button(format!("Add level to {name}")).clicked()
                    && let Some(node) = self.spec.nodes.get_mut(i)
                {
                    let slowest = node.power.dvfs.last().map_or(1.0, |d| d.speed_factor);
                    node.power.dvfs.push(DvfsLevel {
                        speed_factor: (slowest * 0.8).max(0.01),
                        busy_core_w: node.power.busy_core_w * (slowest * 0.8).powi(2),
                    });
                    changed = true;
                }
            }
        });
        changed
    }
}

/// The links between groups of a shared network, as a table.
fn group_links_ui(ui: &mut Ui, links: &mut Vec<GroupLinkSpec>, groups: &[String]) -> bool {
    let mut changed = false;
    ui.label("Links between groups (a transfer between two groups also crosses their link, shared by all)");
    let mut remove = None;
    if !links.is_empty() {
        egui::Grid::new("platform-links")
            .striped(true)
            .spacing([10.0, 4.0])
            .show(ui, |ui| {
                for h in ["group a", "group b", "bandwidth [B/s]", "extra latency [s]", ""] {
                    ui.strong(h);
                }
                ui.end_row();
                for (k, link) in links.iter_mut().enumerate() {
                    changed |= group_picker(ui, ("link-a", k), groups, &mut link.a);
                    changed |= group_picker(ui, ("link-b", k), groups, &mut link.b);
                    changed |= ui
                        .add(egui::DragValue::new(&mut link.bandwidth).speed(1e6).range(1.0..=1e13))
                        .changed();
                    changed |= ui
                        .add(egui::DragValue::new(&mut link.latency).speed(1e-4).range(0.0..=10.0))
                        .changed();
                    if ui.small_button("remove").clicked() {
                        remove = Some(k);
                    }
                    ui.end_row();
                }
            });
    }
    if let Some(k) = remove {
        links.remove(k);
        changed = true;
    }
    let add = ui.add_enabled(groups.len() >= 2, egui::Button::new("Add group link"));
    if add
        .on_disabled_hover_text("give node types at least two groups first")
        .clicked()
    {
        let a = groups.first().cloned().unwrap_or_default();
        let b = groups.get(1).cloned().unwrap_or_default();
        links.push(GroupLinkSpec {
            a,
            b,
            bandwidth: 1.25e8,
            latency: 0.0,
        });
        changed = true;
    }
    changed
}

/// A NIC bandwidth cell: 0 stands for "the network's default".
fn nic_ui(ui: &mut Ui, nic: &mut Option<f64>) -> bool {
    optional_ui(
        ui,
        nic,
        Optional {
            speed: 1e7,
            none: "default",
            hover: "network interface bandwidth, each direction (shared networks); 0 = the network's default",
            name: String::new(),
        },
    )
}

/// How [`optional_ui`] shows one optional number.
struct Optional {
    /// Drag speed.
    speed: f64,
    /// What 0 (absent) shows as, and parses from.
    none: &'static str,
    /// Hover text.
    hover: &'static str,
    /// Accessible name, if not empty.
    name: String,
}

/// A cell for an optional number ≥ 0 where 0 stands for absent (`none`);
/// large and small numbers in scientific notation. Returns whether it changed.
fn optional_ui(ui: &mut Ui, value: &mut Option<f64>, how: Optional) -> bool {
    let mut shown = value.unwrap_or(0.0);
    let mut response = ui
        .add(
            egui::DragValue::new(&mut shown)
                .speed(how.speed)
                .range(0.0..=1e18)
                .custom_formatter(|v, _| {
                    if v == 0.0 {
                        how.none.to_owned()
                    } else if (0.01..1e5).contains(&v) {
                        format!("{v}")
                    } else {
                        format!("{v:.3e}")
                    }
                })
                .custom_parser(|s| {
                    if s.trim() == how.none {
                        Some(0.0)
                    } else {
                        s.parse().ok()
                    }
                }),
        )
        .on_hover_text(how.hover);
    if !how.name.is_empty() {
        response = response.accessible_name(how.name);
    }
    if response.changed() {
        *value = (shown > 0.0).then_some(shown);
    }
    response.changed()
}

/// A node type's labels as comma-separated text (an empty label between
/// commas stays, for validation to name, so that typing a comma survives).
fn labels_ui(ui: &mut Ui, labels: &mut Vec<String>, name: String) -> bool {
    let mut text = labels.join(", ");
    let changed = ui
        .add(
            egui::TextEdit::singleline(&mut text)
                .desired_width(110.0)
                .min_size(egui::vec2(110.0, 0.0)),
        )
        .accessible_name(name)
        .on_hover_text("labels such as gpu, edge, comma-separated: a task runs only where every label it requires is")
        .changed();
    if changed {
        *labels = if text.trim().is_empty() {
            Vec::new()
        } else {
            text.split(',').map(|l| l.trim().to_owned()).collect()
        };
    }
    changed
}

/// Makes `node` a pool of as many nodes as it had (or back into that many
/// fixed nodes); a pool draws nothing while released, so its off power goes.
fn toggle_pool(node: &mut NodeSpec, pooled: bool) {
    let copies = node.copies();
    if pooled {
        node.pool = Some(PoolSpec { max: copies });
        node.count = 1;
        node.power.off_w = 0.0;
    } else {
        node.pool = None;
        node.count = copies;
    }
}

/// A combo box choosing node type `selected` among `names`.
fn node_picker(
    ui: &mut Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    names: &[String],
    selected: &mut usize,
) -> bool {
    let before = *selected;
    egui::ComboBox::from_id_salt(id)
        .selected_text(names.get(*selected).map_or("?", String::as_str))
        .show_ui(ui, |ui| {
            for (i, name) in names.iter().enumerate() {
                ui.selectable_value(selected, i, name.as_str());
            }
        });
    *selected != before
}

/// A combo box choosing a group among `groups`.
fn group_picker(
    ui: &mut Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    groups: &[String],
    selected: &mut String,
) -> bool {
    let before = selected.clone();
    egui::ComboBox::from_id_salt(id)
        .selected_text(selected.as_str())
        .show_ui(ui, |ui| {
            for g in groups {
                ui.selectable_value(selected, g.clone(), g.as_str());
            }
        });
    *selected != before
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

#[cfg(test)]
mod tests {
    use super::*;

    fn editor() -> PlatformEditor {
        let Ok(platform) = sim::presets::preset("heterogeneous", 3) else {
            panic!("preset");
        };
        PlatformEditor::new(&platform)
    }

    #[test]
    fn per_kind_rows_become_the_spec_maps_and_bad_rows_are_named() {
        let mut e = editor();
        let before = e.spec().nodes.first().map(|n| n.kind_speed.len()).unwrap_or(0);
        e.add_kind_speed(0, "fft", 3.0);
        assert_eq!(e.error(), None);
        assert_eq!(
            e.spec().nodes.first().and_then(|n| n.kind_speed.get("fft")).copied(),
            Some(3.0)
        );
        assert_eq!(e.spec().nodes.first().map(|n| n.kind_speed.len()), Some(before + 1));
        e.add_kind_speed(0, "fft", 4.0);
        let row = e.kinds.len();
        assert!(
            e.error().is_some_and(
                |m| m.contains(&format!("row {row}")) && m.contains("already has a speed for kind \"fft\"")
            ),
            "{:?}",
            e.error()
        );
        e.kinds.pop();
        e.add_kind_speed(0, " ", 2.0);
        assert!(e.error().is_some_and(|m| m.contains("the kind name is empty")));
    }

    #[test]
    fn a_pool_toggles_to_as_many_nodes_and_back() {
        let mut e = editor();
        let Some(node) = e.spec.nodes.first_mut() else {
            panic!("a node type");
        };
        node.count = 3;
        node.power.off_w = 2.0;
        let before = node.clone();
        toggle_pool(node, true);
        assert_eq!(
            (node.pool, node.count, node.power.off_w),
            (Some(PoolSpec { max: 3 }), 1, 0.0)
        );
        toggle_pool(node, false);
        assert_eq!((node.pool, node.count), (None, 3));
        node.power.off_w = before.power.off_w;
        assert_eq!(*node, before);
        e.validate();
        assert_eq!(e.error(), None);
        if let Some(node) = e.spec.nodes.first_mut() {
            node.labels = vec!["gpu".to_owned(), String::new()];
        }
        e.validate();
        assert_eq!(e.error(), Some("nodes[0].labels: a label must not be empty"));
    }

    #[test]
    fn engine_checks_name_the_field() {
        let mut e = editor();
        e.add_kind_speed(0, "fft", 0.0);
        assert!(
            e.error().is_some_and(|m| m.contains("nodes[0].kind_speed.fft")),
            "{:?}",
            e.error()
        );
    }
}
