//! A selected scheduler's parameters as typed fields.
//!
//! Numbers get a drag field limited to the range the registry's builder
//! accepts ([`schedulers::registry::param_kinds`]), integers step by whole
//! numbers; a parameter the registry does not read as a number (a model file
//! path, say) gets a text field. The fields edit the choice's `key=value,…`
//! text, so the spec, saved configs and re-runs all follow from that one
//! string.

use crate::setup::SchedulerChoice;
use egui::Ui;
use schedulers::registry::{self, ParamKind, SchedulerInfo};
use std::sync::OnceLock;

/// The numeric parameter kinds of every registry scheduler, in registry order (computed once).
fn kinds() -> &'static [Vec<(String, ParamKind)>] {
    static KINDS: OnceLock<Vec<Vec<(String, ParamKind)>>> = OnceLock::new();
    KINDS.get_or_init(|| registry::all().iter().map(registry::param_kinds).collect())
}

/// The kind of parameter `key` of the scheduler at registry index `index`, if it is numeric.
fn kind_of(index: usize, key: &str) -> Option<ParamKind> {
    kinds()
        .get(index)
        .and_then(|k| k.iter().find(|(name, _)| name == key))
        .map(|(_, kind)| *kind)
}

/// `key=value` pairs of a parameter text, in order.
pub fn parse(text: &str) -> Vec<(String, String)> {
    text.split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

/// Sets (or with `None` removes) `key` in a parameter text, keeping the other pairs in order.
pub fn set(text: &str, key: &str, value: Option<String>) -> String {
    let mut pairs = parse(text);
    match (pairs.iter().position(|(k, _)| k == key), value) {
        (Some(i), Some(v)) => {
            if let Some(pair) = pairs.get_mut(i) {
                pair.1 = v;
            }
        }
        (Some(i), None) => {
            pairs.remove(i);
        }
        (None, Some(v)) => pairs.push((key.to_owned(), v)),
        (None, None) => {}
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// One row per parameter of `info` (registry index `index`), editing `choice.params`.
pub fn ui(ui: &mut Ui, index: usize, info: &SchedulerInfo, choice: &mut SchedulerChoice) {
    let pairs = parse(&choice.params);
    for p in info.params {
        let current = pairs.iter().find(|(k, _)| k == p.name).map(|(_, v)| v.as_str());
        ui.horizontal(|ui| {
            let label = ui.label(format!("{} {}", info.name, p.name));
            let value = match kind_of(index, p.name) {
                Some(kind) => number_field(ui, kind, current, label.id),
                None => text_field(ui, current, label.id),
            };
            if let Some(value) = value {
                choice.params = set(&choice.params, p.name, value);
            }
            if current.is_some() && ui.small_button("default").clicked() {
                choice.params = set(&choice.params, p.name, None);
            }
        })
        .response
        .on_hover_text(p.description);
    }
}

/// A drag field for a number; returns the new value text when it changed.
fn number_field(ui: &mut Ui, kind: ParamKind, current: Option<&str>, label: egui::Id) -> Option<Option<String>> {
    match kind {
        ParamKind::Float { default, min, max } => {
            let mut x = current.and_then(|v| v.parse().ok()).unwrap_or(default);
            let (lo, hi) = (min.unwrap_or(f64::MIN), max.unwrap_or(f64::MAX));
            let span = if min.is_some() && max.is_some() { hi - lo } else { 1.0 };
            let changed = ui
                .add(
                    egui::DragValue::new(&mut x)
                        .range(lo..=hi)
                        .speed(span / 200.0)
                        .max_decimals(4),
                )
                .labelled_by(label)
                .changed();
            changed.then(|| Some(x.to_string()))
        }
        ParamKind::Integer { default } => {
            let mut n = current.and_then(|v| v.parse().ok()).unwrap_or(default);
            let changed = ui
                .add(egui::DragValue::new(&mut n).range(0..=u64::MAX).speed(1.0))
                .labelled_by(label)
                .changed();
            changed.then(|| Some(n.to_string()))
        }
    }
}

/// A text field (file paths and other non-numeric values); an empty text removes the key.
fn text_field(ui: &mut Ui, current: Option<&str>, label: egui::Id) -> Option<Option<String>> {
    let mut text = current.unwrap_or_default().to_owned();
    let changed = ui
        .add(egui::TextEdit::singleline(&mut text).desired_width(180.0))
        .labelled_by(label)
        .changed();
    // A comma or equals sign splits the spec: the registry then refuses it with a message, at Run.
    changed.then(|| (!text.trim().is_empty()).then(|| text.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replaces_adds_and_removes_keys_in_order() {
        assert_eq!(set("", "alpha", Some("0.3".to_owned())), "alpha=0.3");
        assert_eq!(set("a=1,b=2", "a", Some("5".to_owned())), "a=5,b=2");
        assert_eq!(set("a=1,b=2", "c", Some("3".to_owned())), "a=1,b=2,c=3");
        assert_eq!(set("a=1, b=2", "a", None), "b=2");
        assert_eq!(set("a=1", "z", None), "a=1");
    }

    #[test]
    fn numeric_params_are_typed_and_others_are_not() {
        let index = |name: &str| registry::all().iter().position(|i| i.name == name);
        let wba = index("wba").and_then(|i| kind_of(i, "alpha"));
        assert!(matches!(
            wba,
            Some(ParamKind::Float {
                min: Some(_),
                max: Some(_),
                ..
            })
        ));
        let budget = index("branch-and-bound").and_then(|i| kind_of(i, "budget"));
        assert!(matches!(budget, Some(ParamKind::Integer { .. })));
        let replication = index("active-replication");
        assert!(matches!(
            replication.and_then(|i| kind_of(i, "k")),
            Some(ParamKind::Integer { default: 2 })
        ));
        assert_eq!(replication.and_then(|i| kind_of(i, "base")), None, "a text field");
    }
}
