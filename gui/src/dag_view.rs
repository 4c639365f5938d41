//! The DAG view: a layered layout (levels by longest path from the entries,
//! crossings reduced by barycentre sweeps), zoom and pan, tasks coloured by
//! kind, edges weighted by bytes, and the selected task's critical path.
//!
//! Level of detail: tasks become single-colour squares in one mesh when they
//! are smaller than a few pixels, edges are faint quads in the same mesh and
//! are left out (with a note) when more than a few thousand are in view, and
//! names appear only when few tasks are on screen and they are large enough.

use crate::draw::{add_line, fmt_bytes, fmt_secs};
use crate::palette;
use egui::{Align2, Color32, FontId, Mesh, Pos2, Rect, Sense, Shape, Stroke, Ui, Vec2};
use sim::{Dag, EdgeId, TaskId};

/// Vertical distance between layers, in layout units (tasks are one unit apart).
const LAYER_GAP: f32 = 2.0;
/// Task radius in layout units.
const RADIUS: f32 = 0.32;
/// Above this many edges in view, edges are not drawn (level of detail).
const MAX_EDGES: usize = 4000;

/// Positions of every task.
#[derive(Clone, Debug)]
pub struct DagLayout {
    pos: Vec<Pos2>,
    bounds: Rect,
    max_bytes: f64,
}

impl DagLayout {
    /// Lays out `dag`: level = longest path (in edges) from an entry task,
    /// order within a level by four down-and-up barycentre sweeps.
    pub fn new(dag: &Dag) -> DagLayout {
        DagLayout::with_sweeps(dag, 4)
    }

    fn with_sweeps(dag: &Dag, sweeps: usize) -> DagLayout {
        let n = dag.task_count();
        let mut level = vec![0usize; n];
        for &t in dag.topological_order() {
            let l = level.get(t.index()).copied().unwrap_or(0);
            for s in dag.successors(t) {
                if let Some(ls) = level.get_mut(s.index()) {
                    *ls = (*ls).max(l + 1);
                }
            }
        }
        let n_levels = level.iter().max().map_or(0, |m| m + 1);
        let mut layers: Vec<Vec<TaskId>> = vec![Vec::new(); n_levels];
        for &t in dag.topological_order() {
            if let Some(layer) = level.get(t.index()).and_then(|&l| layers.get_mut(l)) {
                layer.push(t);
            }
        }
        let mut x = vec![0f32; n];
        let place = |layer: &[TaskId], x: &mut [f32]| {
            let mid = (layer.len() as f32 - 1.0) * 0.5;
            for (i, t) in layer.iter().enumerate() {
                if let Some(slot) = x.get_mut(t.index()) {
                    *slot = i as f32 - mid;
                }
            }
        };
        for layer in &layers {
            place(layer, &mut x);
        }
        let mut keyed: Vec<(f32, TaskId)> = Vec::new();
        for _ in 0..sweeps {
            for down in [true, false] {
                let order: Vec<usize> = if down {
                    (1..n_levels).collect()
                } else {
                    (0..n_levels.saturating_sub(1)).rev().collect()
                };
                for l in order {
                    let Some(layer) = layers.get_mut(l) else {
                        continue;
                    };
                    keyed.clear();
                    for &t in layer.iter() {
                        let (sum, count) = if down {
                            dag.predecessors(t).fold((0.0, 0), |(s, c), p| {
                                (s + x.get(p.index()).copied().unwrap_or(0.0), c + 1)
                            })
                        } else {
                            dag.successors(t).fold((0.0, 0), |(s, c), p| {
                                (s + x.get(p.index()).copied().unwrap_or(0.0), c + 1)
                            })
                        };
                        let own = x.get(t.index()).copied().unwrap_or(0.0);
                        keyed.push((if count > 0 { sum / count as f32 } else { own }, t));
                    }
                    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
                    layer.clear();
                    layer.extend(keyed.iter().map(|&(_, t)| t));
                    place(layer, &mut x);
                }
            }
        }
        let pos: Vec<Pos2> = (0..n)
            .map(|i| {
                Pos2::new(
                    x.get(i).copied().unwrap_or(0.0),
                    level.get(i).copied().unwrap_or(0) as f32 * LAYER_GAP,
                )
            })
            .collect();
        let bounds = Rect::from_points(&pos).expand(1.0);
        let max_bytes = dag.edges().iter().map(|e| e.bytes).fold(0.0, f64::max);
        DagLayout { pos, bounds, max_bytes }
    }

    /// Layout position of `task`.
    pub fn position(&self, task: TaskId) -> Option<Pos2> {
        self.pos.get(task.index()).copied()
    }

    /// Number of edge crossings between adjacent layers (for tests of the sweeps).
    pub fn crossings(&self, dag: &Dag) -> usize {
        let segs: Vec<(f32, f32, f32, f32)> = dag
            .edges()
            .iter()
            .filter_map(|e| {
                let a = self.pos.get(e.src.index())?;
                let b = self.pos.get(e.dst.index())?;
                ((b.y - a.y - LAYER_GAP).abs() < 1e-3).then_some((a.y, a.x, b.x, 0.0))
            })
            .collect();
        let mut n = 0;
        for (i, s) in segs.iter().enumerate() {
            for t in segs.iter().skip(i + 1) {
                if (s.0 - t.0).abs() < 1e-3 && (s.1 - t.1) * (s.2 - t.2) < 0.0 {
                    n += 1;
                }
            }
        }
        n
    }
}

/// The tasks and edges of the longest path through one task, weighting tasks
/// by work and edges by bytes at the reference bandwidth.
#[derive(Clone, Debug, Default)]
pub struct CriticalPath {
    /// Tasks on the path, entry first.
    pub tasks: Vec<TaskId>,
    /// Edges on the path.
    pub edges: Vec<EdgeId>,
    /// Length in seconds.
    pub length: f64,
}

impl CriticalPath {
    /// The longest entry-to-exit path of `dag` that passes through `through`.
    pub fn through(dag: &Dag, through: TaskId) -> CriticalPath {
        let n = dag.task_count();
        let comm = |e: EdgeId| dag.edge(e).bytes / sim::presets::REFERENCE_BANDWIDTH;
        let work = |t: TaskId| dag.task(t).work;
        let mut top = vec![0.0f64; n];
        let mut best_in: Vec<Option<EdgeId>> = vec![None; n];
        for &t in dag.topological_order() {
            let finish = top.get(t.index()).copied().unwrap_or(0.0) + work(t);
            for &e in dag.out_edges(t) {
                let s = dag.edge(e).dst.index();
                let cand = finish + comm(e);
                if let (Some(ts), Some(bi)) = (top.get_mut(s), best_in.get_mut(s))
                    && (cand > *ts || bi.is_none())
                {
                    *ts = cand;
                    *bi = Some(e);
                }
            }
        }
        let mut bottom = vec![0.0f64; n];
        let mut best_out: Vec<Option<EdgeId>> = vec![None; n];
        for &t in dag.topological_order().iter().rev() {
            let mut best = 0.0;
            let mut arg = None;
            for &e in dag.out_edges(t) {
                let cand = comm(e) + bottom.get(dag.edge(e).dst.index()).copied().unwrap_or(0.0);
                if arg.is_none() || cand > best {
                    best = cand;
                    arg = Some(e);
                }
            }
            if let (Some(b), Some(bo)) = (bottom.get_mut(t.index()), best_out.get_mut(t.index())) {
                *b = work(t) + best;
                *bo = arg;
            }
        }
        let mut path = CriticalPath {
            length: top.get(through.index()).copied().unwrap_or(0.0)
                + bottom.get(through.index()).copied().unwrap_or(0.0),
            ..CriticalPath::default()
        };
        let mut t = through;
        while let Some(e) = best_in.get(t.index()).copied().flatten() {
            path.edges.push(e);
            t = dag.edge(e).src;
            path.tasks.push(t);
        }
        path.tasks.reverse();
        path.tasks.push(through);
        let mut t = through;
        while let Some(e) = best_out.get(t.index()).copied().flatten() {
            path.edges.push(e);
            t = dag.edge(e).dst;
            path.tasks.push(t);
        }
        path
    }
}

/// Zoom and pan of the DAG view.
#[derive(Clone, Copy, Debug, Default)]
pub struct DagCamera {
    /// Points per layout unit; 0 until the first frame fits the graph.
    scale: f32,
    /// Layout point shown at the centre of the view.
    center: Pos2,
}

impl DagCamera {
    /// Centres the view on `p` (layout coordinates), zooming in if the graph is tiny on screen.
    pub fn focus(&mut self, p: Pos2) {
        self.center = p;
        self.scale = self.scale.max(14.0);
    }

    /// Forgets the zoom so the next frame fits the whole graph.
    pub fn reset(&mut self) {
        self.scale = 0.0;
    }
}

/// Draws the DAG and handles zoom, pan, hover and click; returns the clicked task.
pub fn show(
    ui: &mut Ui,
    dag: &Dag,
    layout: &DagLayout,
    camera: &mut DagCamera,
    selected: Option<(TaskId, &CriticalPath)>,
) -> Option<TaskId> {
    let size = ui.available_size().max(Vec2::new(100.0, 100.0));
    let (rect, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
    if camera.scale <= 0.0 || response.double_clicked() {
        let b = layout.bounds;
        camera.scale = (rect.width() / b.width())
            .min(rect.height() / b.height())
            .clamp(0.05, 60.0);
        camera.center = b.center();
    }
    if response.dragged() {
        camera.center -= response.drag_delta() / camera.scale;
    }
    if response.hovered()
        && let Some(p) = response.hover_pos()
    {
        let (wheel, zoom) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
        let factor = zoom * (wheel.y * 0.003).exp();
        if (factor - 1.0).abs() > 1e-6 {
            let anchor = camera.center + (p - rect.center()) / camera.scale;
            camera.scale = (camera.scale * factor).clamp(0.01, 200.0);
            camera.center = anchor - (p - rect.center()) / camera.scale;
        }
    }
    let scale = camera.scale;
    let center = camera.center;
    let to_screen = |q: Pos2| rect.center() + (q - center) * scale;
    let view = Rect::from_center_size(center, rect.size() / scale).expand(RADIUS * 2.0);

    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
    let r_px = RADIUS * scale;
    let dark = ui.visuals().dark_mode;
    let edge_alpha = if r_px < 1.5 {
        40
    } else if r_px < 4.0 {
        90
    } else {
        150
    };
    let edge_color = if dark {
        Color32::from_white_alpha(edge_alpha)
    } else {
        Color32::from_black_alpha(edge_alpha)
    };

    let mut mesh = Mesh::default();
    let in_view: Vec<&sim::Edge> = dag
        .edges()
        .iter()
        .filter(|e| {
            let (Some(a), Some(b)) = (layout.pos.get(e.src.index()), layout.pos.get(e.dst.index())) else {
                return false;
            };
            !((a.x < view.left() && b.x < view.left())
                || (a.x > view.right() && b.x > view.right())
                || (a.y < view.top() && b.y < view.top())
                || (a.y > view.bottom() && b.y > view.bottom()))
        })
        .collect();
    let edges_hidden = in_view.len() > MAX_EDGES;
    for e in in_view.iter().filter(|_| !edges_hidden) {
        let (Some(a), Some(b)) = (layout.pos.get(e.src.index()), layout.pos.get(e.dst.index())) else {
            continue;
        };
        let w = if layout.max_bytes > 0.0 {
            (e.bytes / layout.max_bytes).sqrt() as f32
        } else {
            0.0
        };
        let width = (0.4 + 2.6 * w) * (r_px / 8.0).clamp(0.25, 1.0);
        add_line(&mut mesh, to_screen(*a), to_screen(*b), width.max(0.5), edge_color);
    }
    let mut visible: Vec<usize> = Vec::new();
    for (i, p) in layout.pos.iter().enumerate() {
        if view.contains(*p) {
            visible.push(i);
        }
    }
    let round = r_px >= 3.0 && visible.len() <= 3000;
    let mut circles: Vec<Shape> = Vec::new();
    let outline = Stroke::new(
        1.0,
        if dark {
            Color32::from_gray(20)
        } else {
            Color32::from_gray(60)
        },
    );
    for &i in &visible {
        let (Some(p), Some(task)) = (layout.pos.get(i), dag.tasks().get(i)) else {
            continue;
        };
        let color = palette::kind_color(task.kind.index());
        let c = to_screen(*p);
        if round {
            circles.push(Shape::circle_filled(c, r_px, color));
            circles.push(Shape::circle_stroke(c, r_px, outline));
        } else {
            mesh.add_colored_rect(Rect::from_center_size(c, Vec2::splat((2.0 * r_px).max(2.0))), color);
        }
    }
    if let Some((task, path)) = selected {
        let hl = palette::HIGHLIGHT;
        for &e in &path.edges {
            let edge = dag.edge(e);
            if let (Some(a), Some(b)) = (layout.position(edge.src), layout.position(edge.dst)) {
                add_line(&mut mesh, to_screen(a), to_screen(b), 3.0, hl);
            }
        }
        for &t in &path.tasks {
            if let Some(p) = layout.position(t) {
                let c = to_screen(p);
                let half = (r_px + 2.0).max(3.0);
                crate::draw::add_outline(&mut mesh, Rect::from_center_size(c, Vec2::splat(2.0 * half)), 2.0, hl);
            }
        }
        if let Some(p) = layout.position(task) {
            circles.push(Shape::circle_stroke(
                to_screen(p),
                (r_px + 6.0).max(8.0),
                Stroke::new(3.0, hl),
            ));
        }
    }
    painter.add(Shape::mesh(mesh));
    painter.extend(circles);

    if r_px >= 9.0 && visible.len() <= 400 {
        let font = FontId::proportional((r_px * 0.55).clamp(9.0, 14.0));
        let color = ui.visuals().text_color();
        for &i in &visible {
            if let (Some(p), Some(task)) = (layout.pos.get(i), dag.tasks().get(i)) {
                painter.text(
                    to_screen(*p) + Vec2::new(0.0, r_px + 2.0),
                    Align2::CENTER_TOP,
                    &task.name,
                    font.clone(),
                    color,
                );
            }
        }
    }
    legend(ui, &painter, rect, dag);
    if edges_hidden {
        painter.text(
            rect.right_top() + Vec2::new(-8.0, 8.0),
            Align2::RIGHT_TOP,
            format!("{} edges in view: hidden, zoom in to see them", in_view.len()),
            FontId::proportional(12.0),
            ui.visuals().weak_text_color(),
        );
    }

    let mut clicked = None;
    if let Some(p) = response.hover_pos() {
        let q = center + (p - rect.center()) / scale;
        let reach = (RADIUS * 1.5).max(4.0 / scale);
        let hit = visible
            .iter()
            .filter_map(|&i| layout.pos.get(i).map(|pos| (i, pos.distance_sq(q))))
            .filter(|&(_, d)| d <= reach * reach)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, _)) = hit {
            let id = TaskId::new(i);
            if response.clicked() {
                clicked = Some(id);
            }
            response.on_hover_ui_at_pointer(|ui| task_tooltip(ui, dag, id));
        }
    }
    clicked
}

fn legend(ui: &Ui, painter: &egui::Painter, rect: Rect, dag: &Dag) {
    let font = FontId::proportional(12.0);
    let kinds = dag.kinds();
    let shown = kinds.len().min(12);
    if shown == 0 {
        return;
    }
    let widest = kinds.iter().take(shown).map(|k| k.chars().count()).max().unwrap_or(0) as f32 * 7.0;
    let bg = Rect::from_min_size(
        rect.left_top() + Vec2::splat(6.0),
        Vec2::new(widest + 30.0, shown as f32 * 16.0 + 8.0),
    );
    painter.rect_filled(bg, 4.0, ui.visuals().panel_fill.gamma_multiply(0.9));
    for (k, name) in kinds.iter().take(shown).enumerate() {
        let y = bg.top() + 4.0 + k as f32 * 16.0;
        painter.rect_filled(
            Rect::from_min_size(Pos2::new(bg.left() + 6.0, y + 2.0), Vec2::splat(11.0)),
            2.0,
            palette::kind_color(k),
        );
        painter.text(
            Pos2::new(bg.left() + 22.0, y),
            Align2::LEFT_TOP,
            name,
            font.clone(),
            ui.visuals().text_color(),
        );
    }
}

fn task_tooltip(ui: &mut Ui, dag: &Dag, id: TaskId) {
    let task = dag.task(id);
    ui.strong(&task.name);
    ui.label(format!("kind: {}", dag.kind_name(task.kind)));
    ui.label(format!("work: {}", fmt_secs(task.work)));
    let bytes_in: f64 = dag.in_edges(id).iter().map(|&e| dag.edge(e).bytes).sum();
    let bytes_out: f64 = dag.out_edges(id).iter().map(|&e| dag.edge(e).bytes).sum();
    ui.label(format!("in: {} edges, {}", dag.in_edges(id).len(), fmt_bytes(bytes_in)));
    ui.label(format!(
        "out: {} edges, {}",
        dag.out_edges(id).len(),
        fmt_bytes(bytes_out)
    ));
    ui.weak("click to select and show its critical path");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_puts_successors_below_and_sweeps_reduce_crossings() {
        let Ok(dag) = workloads::generate("layered:tasks=300,fat=0.6", 5) else {
            panic!("fixture");
        };
        let layout = DagLayout::new(&dag);
        for e in dag.edges() {
            let (Some(a), Some(b)) = (layout.position(e.src), layout.position(e.dst)) else {
                panic!("position");
            };
            assert!(b.y > a.y);
        }
        let unswept = DagLayout::with_sweeps(&dag, 0).crossings(&dag);
        let swept = layout.crossings(&dag);
        assert!(swept < unswept, "{swept} crossings after the sweeps, {unswept} before");
        let Ok(tree) = workloads::generate("in-tree:depth=5,arity=3", 5) else {
            panic!("tree");
        };
        assert_eq!(DagLayout::new(&tree).crossings(&tree), 0);
    }

    #[test]
    fn critical_path_passes_through_the_task_from_entry_to_exit() {
        let Ok(dag) = workloads::generate("fork-join:levels=2,width=3", 1) else {
            panic!("fixture");
        };
        let mid = TaskId::new(2);
        let path = CriticalPath::through(&dag, mid);
        assert!(path.tasks.contains(&mid));
        assert_eq!(path.tasks.len(), path.edges.len() + 1);
        let first = path.tasks.first().copied();
        let last = path.tasks.last().copied();
        assert!(first.is_some_and(|t| dag.in_edges(t).is_empty()));
        assert!(last.is_some_and(|t| dag.out_edges(t).is_empty()));
    }
}
