//! Colours for task kinds and schedulers, chosen to stay apart on light and dark backgrounds.

use egui::Color32;

/// Twelve well-separated hues (Tableau 10 plus two), in order of use.
const HUES: [Color32; 12] = [
    Color32::from_rgb(78, 121, 167),
    Color32::from_rgb(242, 142, 43),
    Color32::from_rgb(89, 161, 79),
    Color32::from_rgb(225, 87, 89),
    Color32::from_rgb(118, 183, 178),
    Color32::from_rgb(237, 201, 72),
    Color32::from_rgb(176, 122, 161),
    Color32::from_rgb(255, 157, 167),
    Color32::from_rgb(156, 117, 95),
    Color32::from_rgb(186, 176, 172),
    Color32::from_rgb(31, 119, 180),
    Color32::from_rgb(148, 103, 189),
];

/// Colour of task kind number `kind` (or of the `kind`-th scheduler in a chart).
pub fn kind_color(kind: usize) -> Color32 {
    HUES.get(kind % HUES.len()).copied().unwrap_or(Color32::GRAY)
}

/// Colour of transfers in the Gantt chart.
pub const TRANSFER: Color32 = Color32::from_rgb(90, 90, 90);

/// Colour of node outages (translucent) in the Gantt chart.
pub const OUTAGE: Color32 = Color32::from_rgba_premultiplied(90, 10, 10, 90);

/// Colour of a node's off periods (translucent grey) in the Gantt chart.
pub const POWER_OFF: Color32 = Color32::from_rgba_premultiplied(45, 45, 50, 120);

/// Colour of a node's boots (translucent amber) in the Gantt chart.
pub const BOOTING: Color32 = Color32::from_rgba_premultiplied(120, 80, 0, 120);

/// Colour of the selected task and its critical path.
pub const HIGHLIGHT: Color32 = Color32::from_rgb(220, 30, 30);

/// The start edge of a wide Gantt bar, so back-to-back bars of one colour stay apart.
pub const BAR_EDGE: Color32 = Color32::from_rgb(20, 20, 20);
