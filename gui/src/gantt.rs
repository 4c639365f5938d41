//! The Gantt chart of one run: a row per core of every node, plus a network
//! row per node with its outgoing transfers.
//!
//! Level of detail: each row's bars are sorted by start, so a frame finds the
//! first visible bar by binary search and skips rows scrolled out of view.
//! The visible bars are rasterised on the CPU into a texture with a texel
//! row per chart row ([`crate::row_raster`]), so the GPU draws one rectangle
//! per row whatever the task count; bars narrower than a pixel still colour
//! one pixel column.

use crate::draw::{add_line, add_outline, fmt_bytes, fmt_secs, fmt_tick, tick_step};
use crate::palette;
use crate::row_raster::RowRaster;
use egui::{Align2, Color32, FontId, Mesh, Pos2, Rect, Sense, Shape, Stroke, Ui, Vec2};
use sim::{Dag, EdgeId, Platform, RunKind, RunResult, TaskId};

/// Height of the time axis band.
const AXIS_H: f32 = 18.0;
/// Width of the row label column.
const LABEL_W: f32 = 64.0;

#[derive(Clone, Copy, Debug)]
struct Bar {
    start: f64,
    end: f64,
    /// Task index on core rows, edge index on network rows.
    item: u32,
    /// Palette index.
    color: u16,
    /// A further run of the task (a replica or duplicate), drawn paler.
    copy: bool,
    /// The run also holds the core of the row below: the gap between the
    /// rows is filled, so a task spanning its cores reads as one block.
    joined_below: bool,
    /// The first core of its run: the one row that shows the task's name.
    first_core: bool,
}

impl Bar {
    /// Its colour on a core row.
    fn task_color(self) -> Color32 {
        let color = palette::kind_color(usize::from(self.color));
        if self.copy { color.gamma_multiply(0.45) } else { color }
    }
}

#[derive(Clone, Debug)]
struct Row {
    label: String,
    net: bool,
    bars: Vec<Bar>,
    /// Longest bar, to bound the binary search on rows whose bars overlap.
    max_len: f64,
}

/// Where a transfer ran, for drawing the arrows of a selected task.
#[derive(Clone, Copy, Debug)]
struct TransferSpan {
    start: f64,
    end: f64,
}

/// A run prepared for drawing.
#[derive(Clone, Debug)]
pub struct Gantt {
    rows: Vec<Row>,
    /// First core row of each node.
    node_row: Vec<usize>,
    /// First core row of each task.
    task_row: Vec<usize>,
    task_span: Vec<(f64, f64)>,
    transfers: Vec<Option<TransferSpan>>,
    /// Periods a node was down, off or booting, drawn over its rows.
    bands: Vec<Band>,
    makespan: f64,
}

/// A period a node was not on: down (an outage), off or booting.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Band {
    /// The node's first row and the row past its last.
    rows: (usize, usize),
    start: f64,
    end: f64,
    /// `down`, `off` or `booting`.
    what: &'static str,
    color: Color32,
}

/// The time window shown, shared by all charts so they line up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeView {
    /// Left edge in seconds.
    pub t0: f64,
    /// Right edge in seconds.
    pub t1: f64,
}

impl TimeView {
    /// A window over `[0, makespan]` with a small margin.
    pub fn fit(makespan: f64) -> TimeView {
        let m = if makespan > 0.0 { makespan } else { 1.0 };
        TimeView {
            t0: -0.02 * m,
            t1: 1.02 * m,
        }
    }

    /// Moves the window by `dt` seconds.
    pub fn pan(&mut self, dt: f64) {
        self.t0 += dt;
        self.t1 += dt;
    }

    /// Scales the window by `factor` (below 1 zooms in) around time `at`.
    pub fn zoom(&mut self, factor: f64, at: f64) {
        let factor = factor.clamp(0.01, 100.0);
        let span = (self.t1 - self.t0) * factor;
        if !(span.is_finite() && span > 1e-12) {
            return;
        }
        let frac = if self.t1 > self.t0 {
            (at - self.t0) / (self.t1 - self.t0)
        } else {
            0.5
        };
        self.t0 = at - frac * span;
        self.t1 = self.t0 + span;
    }
}

/// What the user did on a chart this frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct GanttInput {
    /// A task was clicked.
    pub clicked: Option<TaskId>,
    /// Bars drawn (the visible ones, rasterised into row textures).
    pub n_bars: usize,
}

impl Gantt {
    /// Lays out `run` of `dag` on `platform`.
    pub fn new(dag: &Dag, platform: &Platform, run: &RunResult) -> Gantt {
        let mut rows = Vec::new();
        let mut node_row = Vec::with_capacity(platform.node_count());
        let mut net_row = Vec::with_capacity(platform.node_count());
        for (i, node) in platform.nodes().iter().enumerate() {
            node_row.push(rows.len());
            for c in 0..node.cores {
                rows.push(Row {
                    label: if c == 0 {
                        format!("{} c0", short(&node.name, i))
                    } else {
                        format!("c{c}")
                    },
                    net: false,
                    bars: Vec::new(),
                    max_len: 0.0,
                });
            }
            net_row.push(rows.len());
            rows.push(Row {
                label: "net out".to_owned(),
                net: true,
                bars: Vec::new(),
                max_len: 0.0,
            });
        }
        let mut task_row = vec![usize::MAX; dag.task_count()];
        let mut task_span = vec![(0.0, 0.0); dag.task_count()];
        for run_view in run.runs() {
            let (i, record) = (run_view.task.index(), run_view.record);
            let Some(task) = dag.tasks().get(i) else {
                continue;
            };
            let first_run = run_view.kind == RunKind::First;
            let (start, end) = (record.start.as_secs_f64(), record.end.as_secs_f64());
            if first_run && let Some(span) = task_span.get_mut(i) {
                *span = (start, end);
            }
            let Some(&first) = node_row.get(record.node.index()) else {
                continue;
            };
            let first_core = run_view.cores.iter().copied().min();
            for &core in run_view.cores {
                let r = first + core as usize;
                if first_run && let Some(slot) = task_row.get_mut(i) {
                    *slot = (*slot).min(r);
                }
                if let Some(row) = rows.get_mut(r) {
                    row.bars.push(Bar {
                        start,
                        end,
                        item: u32::try_from(i).unwrap_or(u32::MAX),
                        color: u16::try_from(task.kind.index()).unwrap_or(0),
                        copy: !first_run,
                        joined_below: run_view.cores.contains(&(core + 1)),
                        first_core: Some(core) == first_core,
                    });
                }
            }
        }
        let makespan = run.metrics.makespan;
        let band = |node: sim::NodeId, start: f64, end: f64, what, color| {
            Some(Band {
                rows: (*node_row.get(node.index())?, *net_row.get(node.index())? + 1),
                start,
                end,
                what,
                color,
            })
        };
        let outages = run.outages.iter().filter_map(|o| {
            let end = o.end.map_or(makespan, |e| e.as_secs_f64());
            band(o.node, o.start.as_secs_f64(), end, "down", palette::OUTAGE)
        });
        let power = run.power.iter().filter_map(|p| {
            let (what, color) = match p.state {
                sim::PowerState::Booting => ("booting", palette::BOOTING),
                _ => ("off", palette::POWER_OFF),
            };
            band(p.node, p.start.as_secs_f64(), p.end.as_secs_f64(), what, color)
        });
        let bands = outages.chain(power).collect();
        let mut transfers = vec![None; dag.edge_count()];
        for t in &run.transfers {
            let (start, end) = (t.start.as_secs_f64(), t.end.as_secs_f64());
            if let Some(slot) = transfers.get_mut(t.edge.index()) {
                *slot = Some(TransferSpan { start, end });
            }
            if let Some(row) = net_row.get(t.src.index()).and_then(|&r| rows.get_mut(r)) {
                row.bars.push(Bar {
                    start,
                    end,
                    item: u32::try_from(t.edge.index()).unwrap_or(u32::MAX),
                    color: 0,
                    copy: false,
                    joined_below: false,
                    first_core: false,
                });
            }
        }
        for row in &mut rows {
            row.bars.sort_by(|a, b| a.start.total_cmp(&b.start));
            row.max_len = row.bars.iter().map(|b| b.end - b.start).fold(0.0, f64::max);
        }
        Gantt {
            rows,
            node_row,
            task_row,
            task_span,
            transfers,
            bands,
            makespan,
        }
    }

    /// Time the last task finished, in seconds.
    pub fn makespan(&self) -> f64 {
        self.makespan
    }

    /// Number of rows (cores plus one network row per node).
    pub fn row_count(&self) -> usize {
        self.rows.len()
    }

    /// Where the middle of `task`'s bar (on its first core) lies when the chart
    /// fills `rect` showing `view` scrolled by `scroll`, if it is in the chart.
    pub fn task_position(&self, rect: Rect, view: TimeView, scroll: f32, task: TaskId) -> Option<Pos2> {
        let row = *self.task_row.get(task.index())?;
        let &(start, end) = self.task_span.get(task.index())?;
        let plot = Rect::from_min_max(
            Pos2::new(rect.left() + LABEL_W, rect.top() + AXIS_H),
            rect.right_bottom(),
        );
        let row_h = (plot.height() / self.rows.len().max(1) as f32).clamp(3.0, 18.0);
        let span = (view.t1 - view.t0).max(1e-12);
        let x = plot.left() + ((0.5 * (start + end) - view.t0) / span) as f32 * plot.width();
        let y = plot.top() + (row as f32 + 0.5) * row_h - scroll;
        Some(Pos2::new(x, y)).filter(|p| plot.contains(*p))
    }

    /// Index of the first bar of `row` that may reach past `t`.
    fn first_visible(row: &Row, t: f64) -> usize {
        let from = t - row.max_len;
        row.bars.partition_point(|b| b.start < from)
    }

    fn bar_at(&self, row: usize, t: f64, tol: f64) -> Option<Bar> {
        let row = self.rows.get(row)?;
        let i = Self::first_visible(row, t - tol);
        row.bars
            .get(i..)?
            .iter()
            .take_while(|b| b.start <= t + tol)
            .filter(|b| b.end >= t - tol && b.start <= t + tol)
            .min_by(|a, b| (a.end - a.start).total_cmp(&(b.end - b.start)))
            .copied()
    }

    /// Draws the chart in a region `height` points tall and handles zoom, pan, hover and click.
    ///
    /// `scroll` is this chart's vertical offset in points; `selected` is outlined
    /// together with the transfers into it.
    pub fn show(
        &self,
        ui: &mut Ui,
        dag: &Dag,
        view: &mut TimeView,
        scroll: &mut f32,
        height: f32,
        selected: Option<TaskId>,
    ) -> GanttInput {
        let width = ui.available_width().max(LABEL_W + 50.0);
        let (rect, response) =
            ui.allocate_exact_size(Vec2::new(width, height.max(AXIS_H + 20.0)), Sense::click_and_drag());
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Gantt chart"));
        let plot = Rect::from_min_max(
            Pos2::new(rect.left() + LABEL_W, rect.top() + AXIS_H),
            rect.right_bottom(),
        );
        let n_rows = self.rows.len().max(1);
        let row_h = (plot.height() / n_rows as f32).clamp(3.0, 18.0);
        let content_h = row_h * n_rows as f32;
        let span = (view.t1 - view.t0).max(1e-12);
        let px_per_s = f64::from(plot.width()) / span;

        if response.dragged() {
            let d = response.drag_delta();
            view.pan(-f64::from(d.x) / px_per_s);
            *scroll -= d.y;
        }
        if response.hovered() {
            let (wheel, zoom, shift) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta(), i.modifiers.shift));
            if let Some(p) = response.hover_pos() {
                let at = view.t0 + f64::from(p.x - plot.left()) / px_per_s;
                if shift {
                    *scroll -= wheel.y + wheel.x;
                } else {
                    let factor = f64::from(zoom).recip() * (-f64::from(wheel.y) * 0.003).exp();
                    if (factor - 1.0).abs() > 1e-6 {
                        view.zoom(factor, at);
                    }
                    view.pan(-f64::from(wheel.x) / px_per_s);
                }
            }
        }
        if response.double_clicked() {
            *view = TimeView::fit(self.makespan);
            *scroll = 0.0;
        }
        *scroll = scroll.clamp(0.0, (content_h - plot.height()).max(0.0));
        let span = (view.t1 - view.t0).max(1e-12);
        let px_per_s = f64::from(plot.width()) / span;
        let x_of = |t: f64| plot.left() + ((t - view.t0) * px_per_s) as f32;

        let painter = ui.painter_at(rect);
        let visuals = ui.visuals();
        painter.rect_filled(plot, 0.0, visuals.extreme_bg_color);
        let text_color = visuals.text_color();
        let grid = visuals.weak_text_color().gamma_multiply(0.25);
        let font = FontId::proportional(11.0);

        // Time axis and grid.
        let step = tick_step(span, f64::from(plot.width() / 90.0));
        let mut mesh = Mesh::default();
        let extent = view.t0.abs().max(view.t1.abs());
        let mut k = (view.t0 / step).ceil();
        while k * step <= view.t1 {
            let t = k * step;
            let x = x_of(t);
            mesh.add_colored_rect(
                Rect::from_min_max(Pos2::new(x, plot.top()), Pos2::new(x + 1.0, plot.bottom())),
                grid,
            );
            painter.text(
                Pos2::new(x, rect.top() + 2.0),
                Align2::CENTER_TOP,
                fmt_tick(t, step, extent),
                font.clone(),
                text_color,
            );
            k += 1.0;
        }

        // Rows: bars go into one texture row per visible row (see `row_raster`).
        let first_row = (*scroll / row_h).floor().max(0.0) as usize;
        let last_row = (((*scroll + plot.height()) / row_h).ceil() as usize).min(self.rows.len());
        let ppp = ui.ctx().pixels_per_point();
        let raster_w = (plot.width() * ppp).ceil().max(1.0) as usize;
        let mut raster = RowRaster::new(raster_w, last_row.saturating_sub(first_row));
        let mut row_quads = Vec::with_capacity(last_row.saturating_sub(first_row));
        let mut names = Vec::new();
        let mut n_bars = 0;
        let mut last_label_y = f32::NEG_INFINITY;
        let node_sep = visuals.weak_text_color().gamma_multiply(0.6);
        for (r, row) in self.rows.iter().enumerate().take(last_row).skip(first_row) {
            let y0 = plot.top() + r as f32 * row_h - *scroll;
            let y1 = y0 + row_h;
            let (by0, by1) = if row_h >= 6.0 { (y0 + 1.0, y1 - 1.0) } else { (y0, y1) };
            if row.net {
                mesh.add_colored_rect(
                    Rect::from_min_max(Pos2::new(plot.left(), y1 - 1.0), Pos2::new(plot.right(), y1)),
                    node_sep,
                );
            }
            let is_node_start = self.node_row.contains(&r);
            if (row_h >= 11.0 || is_node_start) && y0 - last_label_y >= 11.0 {
                let color = if row.net { visuals.weak_text_color() } else { text_color };
                painter.text(
                    Pos2::new(rect.left() + 2.0, (y0 + y1) * 0.5),
                    Align2::LEFT_CENTER,
                    &row.label,
                    font.clone(),
                    color,
                );
                last_label_y = y0;
            }
            let start = Self::first_visible(row, view.t0);
            let mut transfers: Option<(f32, f32)> = None;
            for bar in row
                .bars
                .get(start..)
                .unwrap_or(&[])
                .iter()
                .take_while(|b| b.start <= view.t1)
            {
                if bar.end < view.t0 {
                    continue;
                }
                let (x0, x1) = (x_of(bar.start), x_of(bar.end));
                let to_px = |x: f32| (x - plot.left()) * ppp;
                if row.net {
                    // Transfers overlap and share one colour: fill each run of touching ones once.
                    match &mut transfers {
                        Some((_, end)) if x0 <= *end + 0.5 => *end = end.max(x1),
                        _ => {
                            if let Some((a, b)) = transfers.replace((x0, x1)) {
                                raster.fill(r - first_row, to_px(a), to_px(b), palette::TRANSFER);
                            }
                        }
                    }
                } else {
                    raster.fill(r - first_row, to_px(x0), to_px(x1), bar.task_color());
                    // A wide bar starts with a dark edge, so back-to-back tasks of one
                    // kind (one colour) stay apart.
                    let edge = if x1 - x0 >= 4.0 { 1.0 } else { 0.0 };
                    if edge > 0.0 {
                        raster.fill(r - first_row, to_px(x0), to_px(x0 + edge), palette::BAR_EDGE);
                    }
                    if bar.joined_below && by1 < y1 {
                        // Bridge the gap to the row below (the next core of the same run).
                        mesh.add_colored_rect(
                            Rect::from_min_max(
                                Pos2::new(x0 + edge, by1),
                                Pos2::new(x1.max(x0 + edge + 1.0), y1 + (by0 - y0)),
                            ),
                            bar.task_color(),
                        );
                    }
                }
                n_bars += 1;
                if !row.net && bar.first_core && x1 - x0 > 40.0 && row_h >= 12.0 {
                    let clip = Rect::from_min_max(Pos2::new(x0, y0), Pos2::new(x1 - 2.0, y1)).intersect(plot);
                    names.push((clip, Pos2::new(x0.max(plot.left()) + 3.0, (y0 + y1) * 0.5), bar.item));
                }
            }
            if let Some((a, b)) = transfers {
                raster.fill(
                    r - first_row,
                    (a - plot.left()) * ppp,
                    (b - plot.left()) * ppp,
                    palette::TRANSFER,
                );
            }
            row_quads.push((by0, by1));
        }
        let texture = raster.upload(ui.ctx(), response.id.with("rows"));
        let mut bars = Mesh::with_texture(texture);
        let n_quads = row_quads.len().max(1) as f32;
        let right = plot.left() + raster_w as f32 / ppp;
        for (i, &(by0, by1)) in row_quads.iter().enumerate() {
            let uv = Rect::from_min_max(
                Pos2::new(0.0, i as f32 / n_quads),
                Pos2::new(1.0, (i + 1) as f32 / n_quads),
            );
            bars.add_rect_with_uv(
                Rect::from_min_max(Pos2::new(plot.left(), by0), Pos2::new(right, by1)),
                uv,
                Color32::WHITE,
            );
        }

        let mut overlay = Mesh::default();
        // Outages (red), off periods (grey) and boots (amber): translucent
        // bands over the node's rows.
        for b in &self.bands {
            let y0 = plot.top() + b.rows.0 as f32 * row_h - *scroll;
            let y1 = plot.top() + b.rows.1 as f32 * row_h - *scroll;
            let x0 = x_of(b.start).max(plot.left());
            let x1 = x_of(b.end).min(plot.right()).max(x0 + 1.0);
            overlay.add_colored_rect(Rect::from_min_max(Pos2::new(x0, y0), Pos2::new(x1, y1)), b.color);
        }

        // Selection: outline the task and draw its incoming transfers.
        if let Some(task) = selected {
            self.paint_selection(
                &mut overlay,
                dag,
                task,
                &|t| x_of(t),
                &|r| plot.top() + (r as f32 + 0.5) * row_h - *scroll,
                row_h,
            );
        }
        let clip = ui.painter_at(plot);
        clip.add(Shape::mesh(mesh));
        clip.add(Shape::mesh(bars));
        for (area, at, task) in names {
            let name = dag.tasks().get(task as usize).map_or("", |t| t.name.as_str());
            ui.painter_at(area)
                .text(at, Align2::LEFT_CENTER, name, font.clone(), Color32::BLACK);
        }
        clip.add(Shape::mesh(overlay));
        // Labels and axis go over the plot; redraw the row labels' background edge.
        painter.line_segment(
            [
                Pos2::new(plot.left(), plot.top()),
                Pos2::new(plot.left(), plot.bottom()),
            ],
            Stroke::new(1.0, node_sep),
        );

        let mut out = GanttInput { clicked: None, n_bars };
        if let Some(p) = response.hover_pos().filter(|p| plot.contains(*p)) {
            let r = ((p.y - plot.top() + *scroll) / row_h).floor() as usize;
            let t = view.t0 + f64::from(p.x - plot.left()) / px_per_s;
            let tol = 2.0 / px_per_s;
            if let Some(bar) = self.bar_at(r, t, tol) {
                let net = self.rows.get(r).is_some_and(|row| row.net);
                if response.clicked() && !net {
                    out.clicked = Some(TaskId::new(bar.item as usize));
                }
                response.on_hover_ui_at_pointer(|ui| {
                    if net {
                        transfer_tooltip(ui, dag, bar);
                    } else {
                        task_tooltip(ui, dag, bar);
                    }
                });
            }
        }
        out
    }

    fn paint_selection(
        &self,
        mesh: &mut Mesh,
        dag: &Dag,
        task: TaskId,
        x_of: &dyn Fn(f64) -> f32,
        y_of: &dyn Fn(usize) -> f32,
        row_h: f32,
    ) {
        let (Some(&row), Some(&(start, end))) = (self.task_row.get(task.index()), self.task_span.get(task.index()))
        else {
            return;
        };
        let y = y_of(row);
        let r = Rect::from_min_max(
            Pos2::new(x_of(start), y - row_h * 0.5),
            Pos2::new(x_of(end).max(x_of(start) + 2.0), y + row_h * 0.5),
        );
        add_outline(mesh, r, 2.5, palette::HIGHLIGHT);
        for &e in dag.in_edges(task) {
            self.paint_edge(mesh, dag, e, x_of, y_of);
        }
        for &e in dag.out_edges(task) {
            self.paint_edge(mesh, dag, e, x_of, y_of);
        }
    }

    fn paint_edge(
        &self,
        mesh: &mut Mesh,
        dag: &Dag,
        e: EdgeId,
        x_of: &dyn Fn(f64) -> f32,
        y_of: &dyn Fn(usize) -> f32,
    ) {
        let edge = dag.edge(e);
        let (Some(&src_row), Some(&dst_row), Some(&(_, src_end)), Some(&(dst_start, _))) = (
            self.task_row.get(edge.src.index()),
            self.task_row.get(edge.dst.index()),
            self.task_span.get(edge.src.index()),
            self.task_span.get(edge.dst.index()),
        ) else {
            return;
        };
        let arrive = match self.transfers.get(e.index()).copied().flatten() {
            Some(t) => {
                let a = Pos2::new(x_of(t.start), y_of(src_row));
                let b = Pos2::new(x_of(t.end), y_of(dst_row));
                add_line(
                    mesh,
                    Pos2::new(x_of(src_end), y_of(src_row)),
                    a,
                    1.5,
                    palette::HIGHLIGHT,
                );
                add_line(mesh, a, b, 2.0, palette::HIGHLIGHT);
                b
            }
            None => Pos2::new(x_of(src_end), y_of(src_row)),
        };
        add_line(
            mesh,
            arrive,
            Pos2::new(x_of(dst_start), y_of(dst_row)),
            1.0,
            palette::HIGHLIGHT,
        );
    }
}

impl Gantt {
    /// The whole chart as a standalone SVG document, `width` pixels wide, with
    /// every task and transfer (no level-of-detail merging) and the same
    /// colours as the window.
    pub fn to_svg(&self, dag: &Dag, title: &str, width: f64) -> String {
        use std::fmt::Write as _;
        let row_h = 14.0;
        let (left, top, right) = (70.0, 40.0, 20.0);
        let plot_w = (width - left - right).max(100.0);
        let height = top + row_h * self.rows.len() as f64 + 10.0;
        let span = if self.makespan > 0.0 { self.makespan } else { 1.0 };
        let x = |t: f64| left + t / span * plot_w;
        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"#
        );
        let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
        let _ = writeln!(
            out,
            r#"<text x="{left}" y="14" font-size="13" font-weight="bold">{}</text>"#,
            xml_escape(title)
        );
        let step = tick_step(span, plot_w / 90.0);
        let mut k = 0.0;
        while k * step <= span * 1.0001 {
            let t = k * step;
            let _ = writeln!(
                out,
                r##"<line x1="{0:.2}" y1="{top}" x2="{0:.2}" y2="{1:.2}" stroke="#ddd"/><text x="{0:.2}" y="{2}" text-anchor="middle">{3}</text>"##,
                x(t),
                height - 10.0,
                top - 6.0,
                fmt_tick(t, step, span)
            );
            k += 1.0;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let y = top + r as f64 * row_h;
            let _ = writeln!(
                out,
                r#"<text x="4" y="{:.2}">{}</text>"#,
                y + row_h * 0.75,
                xml_escape(&row.label)
            );
            if row.net {
                let _ = writeln!(
                    out,
                    r##"<line x1="{left}" y1="{0:.2}" x2="{1:.2}" y2="{0:.2}" stroke="#999"/>"##,
                    y + row_h,
                    left + plot_w
                );
            }
            for bar in &row.bars {
                let color = if row.net { palette::TRANSFER } else { bar.task_color() };
                let name = if row.net {
                    dag.edges().get(bar.item as usize).map_or(String::new(), |e| {
                        let n = |t: TaskId| dag.tasks().get(t.index()).map_or("?", |t| t.name.as_str());
                        format!("{} -> {}", n(e.src), n(e.dst))
                    })
                } else {
                    dag.tasks()
                        .get(bar.item as usize)
                        .map_or(String::new(), |t| t.name.clone())
                };
                let _ = writeln!(
                    out,
                    r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="rgb({},{},{})"><title>{} [{:.6} s, {:.6} s]</title></rect>"#,
                    x(bar.start),
                    y + 1.0,
                    (x(bar.end) - x(bar.start)).max(0.5),
                    row_h - 2.0,
                    color.r(),
                    color.g(),
                    color.b(),
                    xml_escape(&name),
                    bar.start,
                    bar.end
                );
            }
        }
        for b in &self.bands {
            let _ = writeln!(
                out,
                r#"<rect class="{}" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="rgb({},{},{})" fill-opacity="0.45"><title>{} [{:.6} s, {:.6} s]</title></rect>"#,
                b.what,
                x(b.start),
                top + b.rows.0 as f64 * row_h,
                (x(b.end) - x(b.start)).max(0.5),
                (b.rows.1 - b.rows.0) as f64 * row_h,
                b.color.r(),
                b.color.g(),
                b.color.b(),
                b.what,
                b.start,
                b.end
            );
        }
        out.push_str("</svg>\n");
        out
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn short(name: &str, index: usize) -> String {
    if name.chars().count() <= 6 {
        name.to_owned()
    } else {
        format!("n{index}")
    }
}

fn task_tooltip(ui: &mut Ui, dag: &Dag, bar: Bar) {
    let Some(task) = dag.tasks().get(bar.item as usize) else {
        return;
    };
    ui.strong(&task.name);
    if bar.copy {
        ui.label("a further run of this task (replica or duplicate)");
    }
    ui.label(format!("kind: {}", dag.kind_name(task.kind)));
    ui.label(format!("start {}  end {}", fmt_secs(bar.start), fmt_secs(bar.end)));
    ui.label(format!(
        "duration {}  work {}",
        fmt_secs(bar.end - bar.start),
        fmt_secs(task.work)
    ));
    ui.weak("click to select, shows it in the DAG");
}

fn transfer_tooltip(ui: &mut Ui, dag: &Dag, bar: Bar) {
    let Some(edge) = dag.edges().get(bar.item as usize) else {
        return;
    };
    let name = |t: TaskId| dag.tasks().get(t.index()).map_or("?", |t| t.name.as_str());
    ui.strong(format!("transfer {} -> {}", name(edge.src), name(edge.dst)));
    ui.label(fmt_bytes(edge.bytes));
    ui.label(format!("start {}  end {}", fmt_secs(bar.start), fmt_secs(bar.end)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HEFT on a `tasks`-task layered DAG on `heterogeneous:2`.
    fn heft_run(tasks: usize) -> (Dag, Platform, RunResult) {
        let dag = workloads::generate(&format!("layered:tasks={tasks}"), 2).expect("fixture");
        let platform = sim::presets::preset("heterogeneous", 2).expect("fixture");
        let mut heft = schedulers::registry::create("heft", 0).expect("heft");
        let run = sim::simulate(&dag, &platform, heft.as_mut(), &sim::SimConfig::default()).expect("run");
        (dag, platform, run)
    }

    #[test]
    fn rows_cover_every_core_and_bars_are_found() {
        let (dag, platform, run) = heft_run(40);
        let g = Gantt::new(&dag, &platform, &run);
        let cores: u32 = platform.nodes().iter().map(|n| n.cores).sum();
        assert_eq!(g.row_count(), cores as usize + platform.node_count());
        let first = run
            .tasks
            .first()
            .map(|r| (r.start.as_secs_f64() + r.end.as_secs_f64()) / 2.0);
        let row = g.task_row.first().copied();
        let (Some(t), Some(row)) = (first, row) else {
            panic!("task 0");
        };
        assert_eq!(g.bar_at(row, t, 0.0).map(|b| b.item), Some(0));
    }

    #[test]
    fn svg_has_a_rect_per_task_core_and_transfer() {
        let (dag, platform, run) = heft_run(30);
        let svg = Gantt::new(&dag, &platform, &run).to_svg(&dag, "heft <test>", 800.0);
        let cores: usize = run.tasks.iter().map(|r| r.cores as usize).sum();
        assert_eq!(svg.matches("<rect x=").count(), cores + run.transfers.len());
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("heft &lt;test&gt;"));
    }

    #[test]
    fn copies_of_tasks_get_bars_of_their_own() {
        let (Ok(dag), Ok(platform)) = (
            workloads::generate("fork-join:ccr=5", 1),
            sim::presets::preset("homogeneous", 4),
        ) else {
            panic!("fixture");
        };
        let Ok(mut dup) = schedulers::registry::create("heft-dup", 0) else {
            panic!("heft-dup");
        };
        let Ok(run) = sim::simulate(&dag, &platform, dup.as_mut(), &sim::SimConfig::default()) else {
            panic!("run");
        };
        assert!(!run.copies.is_empty(), "the fixture must duplicate a task");
        let g = Gantt::new(&dag, &platform, &run);
        let copies = g.rows.iter().flat_map(|r| &r.bars).filter(|b| b.copy).count();
        let copy_cores: usize = run.copies.iter().map(|c| c.record.cores as usize).sum();
        assert_eq!(copies, copy_cores);
        let svg = g.to_svg(&dag, "copies", 800.0);
        let cores: usize = run.runs().map(|r| r.cores.len()).sum();
        assert_eq!(svg.matches("<rect x=").count(), cores + run.transfers.len());
    }

    #[test]
    fn off_and_booting_periods_become_bands_in_the_chart_and_the_svg() {
        let (Ok(dag), Ok(platform)) = (
            workloads::generate("fork-join:width=6", 2),
            sim::Platform::from_toml(
                "name = \"p\"\n[network]\nmodel = \"dedicated\"\nlatency = 0\nbandwidth = 1e9\n\
                 [[nodes]]\nname = \"n\"\ncount = 3\ncores = 1\nspeed = 1.0\n\
                 power = { idle_w = 1.0, busy_core_w = 1.0, boot_secs = 1.0 }\n",
            ),
        ) else {
            panic!("fixture");
        };
        let (Ok(mut s), Ok(mut rm)) = (
            schedulers::registry::create("online-eft", 0),
            schedulers::resource::create("consolidating:timeout=0,period=0.5,min=0"),
        ) else {
            panic!("policies");
        };
        let run = match sim::simulate_managed(&dag, &platform, s.as_mut(), rm.as_mut(), &sim::SimConfig::default()) {
            Ok(run) => run,
            Err(e) => panic!("{e}"),
        };
        let g = Gantt::new(&dag, &platform, &run);
        assert_eq!(g.bands.len(), run.power.len());
        for what in ["off", "booting"] {
            assert!(
                g.bands.iter().any(|b| b.what == what),
                "no {what} band: {:?}",
                run.power
            );
        }
        let svg = g.to_svg(&dag, "power", 800.0);
        assert_eq!(
            svg.matches("<rect class=\"off\"").count(),
            g.bands.iter().filter(|b| b.what == "off").count()
        );
    }

    #[test]
    fn node_outages_become_bands() {
        let (Ok(dag), Ok(platform)) = (
            workloads::generate("layered:tasks=200", 2),
            sim::presets::preset("heterogeneous", 4),
        ) else {
            panic!("fixture");
        };
        let Ok(mut s) = schedulers::registry::create("fifo", 0) else {
            panic!("scheduler");
        };
        let config = sim::SimConfig {
            failures: sim::Failures::Exponential {
                mtbf: 100.0,
                repair: 2.0,
            },
            ..sim::SimConfig::default()
        };
        let run = match sim::simulate(&dag, &platform, s.as_mut(), &config) {
            Ok(run) => run,
            Err(e) => panic!("{e}"),
        };
        assert!(!run.outages.is_empty());
        let g = Gantt::new(&dag, &platform, &run);
        assert_eq!(g.bands.len(), run.outages.len());
        assert!(
            g.bands
                .iter()
                .all(|b| b.what == "down" && b.rows.0 < b.rows.1 && b.rows.1 <= g.row_count() && b.start <= b.end)
        );
    }

    #[test]
    fn zoom_keeps_the_anchor() {
        let mut v = TimeView { t0: 0.0, t1: 10.0 };
        v.zoom(0.5, 5.0);
        assert!((v.t0 - 2.5).abs() < 1e-9 && (v.t1 - 7.5).abs() < 1e-9);
    }
}
