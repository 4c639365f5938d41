//! The look of every schedlab plot: the bundled font, the series colours,
//! and the charts that both `schedlab report` and the GUI's export draw.
//!
//! A chart is a value implementing [`Plot`]; [`save`] renders it to a PNG
//! or SVG file chosen by the file's extension, so the GUI saves its
//! comparison and time plots with the same fonts, colours and axes as the
//! report's.
//!
//! Text is drawn with DejaVu Sans, bundled in `assets/` (Bitstream Vera /
//! DejaVu licence, which permits redistribution; see `assets/README.md`), so
//! PNGs render identically on machines without system fonts.

use anyhow::{Context as _, Result, anyhow, bail};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};

/// DejaVu Sans 2.37 (fonts-dejavu-core); see `assets/README.md` for its licence.
const DEJAVU_SANS: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// The family name the bundled font is registered under.
pub const FONT: &str = "sans-serif";

/// Registers the bundled font once per process.
///
/// # Errors
/// If the bundled font cannot be parsed.
pub fn register_font() -> Result<()> {
    static ONCE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *ONCE.get_or_init(|| plotters::style::register_font(FONT, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok {
        Ok(())
    } else {
        Err(anyhow!("cannot load the bundled font"))
    }
}

/// Turns a plotters error (which is not `Send + Sync`) into an [`anyhow::Error`].
pub(crate) fn plot_err<E: std::fmt::Debug>(err: E) -> anyhow::Error {
    anyhow!("plotting: {err:?}")
}

/// A distinguishable colour per series.
pub fn colour(i: usize) -> RGBColor {
    const COLOURS: [RGBColor; 10] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
        RGBColor(188, 189, 34),
        RGBColor(23, 190, 207),
    ];
    // Past ten series, the same hues come back lighter, then darker, so up
    // to thirty schedulers stay distinguishable.
    let RGBColor(r, g, b) = COLOURS[i % COLOURS.len()];
    match (i / COLOURS.len()) % 3 {
        0 => RGBColor(r, g, b),
        1 => RGBColor(r / 2 + 128, g / 2 + 128, b / 2 + 128),
        _ => RGBColor(r / 2, g / 2, b / 2),
    }
}

/// A chart that draws itself on any plotters backend.
pub trait Plot {
    /// Draws the chart on `root` (already filled white).
    ///
    /// # Errors
    /// If the backend fails.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static;
}

/// Renders `plot` at `size` pixels into `path`: a PNG or an SVG, by the extension.
///
/// # Errors
/// If the extension is neither `png` nor `svg`, or the file cannot be written.
pub fn save(plot: &impl Plot, path: &Path, size: (u32, u32)) -> Result<()> {
    register_font()?;
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png") => {
            let root = BitMapBackend::new(path, size).into_drawing_area();
            root.fill(&WHITE).map_err(plot_err)?;
            plot.draw(&root)?;
            root.present().map_err(plot_err)
        }
        Some("svg") => crate::output::write_atomic(path, svg(plot, size)?.as_bytes()),
        _ => bail!("{}: expected a file name ending in .png or .svg", path.display()),
    }
    .with_context(|| format!("cannot write {}", path.display()))
}

/// Renders `plot` at `size` pixels as SVG text (for inlining in HTML).
///
/// # Errors
/// If the chart cannot be drawn.
pub fn svg(plot: &impl Plot, size: (u32, u32)) -> Result<String> {
    register_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        plot.draw(&root)?;
        root.present().map_err(plot_err)?;
    }
    Ok(svg)
}

/// The figures of one HTML report: each is inlined as SVG and copied as
/// `NAME.png` and `NAME.svg` into one folder (a report's `plots/`).
pub struct Figures {
    dir: PathBuf,
}

impl Figures {
    /// Figures saved into `dir`, which is created.
    ///
    /// # Errors
    /// If the folder cannot be created.
    pub fn create(dir: PathBuf) -> Result<Figures> {
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Figures { dir })
    }

    /// Draws `plot` at `size` into `NAME.png` and `NAME.svg`; returns the SVG text.
    ///
    /// # Errors
    /// If the chart cannot be drawn or a file cannot be written.
    pub fn add(&self, name: &str, size: (u32, u32), plot: &impl Plot) -> Result<String> {
        let svg = svg(plot, size)?;
        save(plot, &self.dir.join(format!("{name}.png")), size)?;
        crate::output::write_atomic(&self.dir.join(format!("{name}.svg")), svg.as_bytes())?;
        Ok(svg)
    }
}

/// Font of tick labels.
pub const TICK_FONT: (&str, u32) = (FONT, 15);

/// Font of axis descriptions.
pub const AXIS_FONT: (&str, u32) = (FONT, 17);

/// A chart over `x` × `y` with `caption` above and the axes described, its
/// mesh drawn: the frame of every plain numeric schedlab chart.
///
/// # Errors
/// If the backend fails.
pub fn numeric_chart<'a, DB>(
    root: &'a DrawingArea<DB, Shift>,
    caption: &str,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    (x_desc, y_desc): (&str, &str),
) -> Result<
    ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>,
>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let mut chart = ChartBuilder::on(root)
        .caption(caption, (FONT, 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(x, y)
        .map_err(plot_err)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(TICK_FONT)
        .axis_desc_style(AXIS_FONT)
        .draw()
        .map_err(plot_err)?;
    Ok(chart)
}

/// Draws the legend of `chart`'s labelled series at `position`, boxed on a
/// translucent white background, as every schedlab chart does.
///
/// # Errors
/// If the backend fails.
pub fn legend<'a, DB, CT>(chart: &mut ChartContext<'a, DB, CT>, position: SeriesLabelPosition) -> Result<()>
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
    CT: plotters::coord::CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 14))
        .draw()
        .map_err(plot_err)
}

/// A value axis that turns logarithmic when the data spans more than a factor of 8.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    log: bool,
}

impl Scale {
    /// The scale for data in `[lo, hi]`.
    pub fn for_range(lo: f64, hi: f64) -> Scale {
        Scale {
            log: lo > 0.0 && hi / lo > 8.0,
        }
    }

    /// Where `v` goes on the axis.
    pub fn map(self, v: f64) -> f64 {
        if self.log { v.log10() } else { v }
    }

    /// The axis range for data in `[lo, hi]`, padded by 5 %.
    pub fn range(self, lo: f64, hi: f64) -> std::ops::Range<f64> {
        let (a, b) = (self.map(lo), self.map(hi));
        let pad = ((b - a) * 0.05).max(1e-3);
        a - pad..b + pad
    }

    /// Tick label for axis position `v`.
    pub fn label(self, v: f64) -> String {
        let x = if self.log { 10f64.powf(v) } else { v };
        let digits = if x.abs() >= 100.0 {
            0
        } else if x.abs() >= 10.0 {
            1
        } else {
            2
        };
        format!("{x:.digits$}")
    }

    /// Suffix for axis descriptions.
    pub fn note(self) -> &'static str {
        if self.log { ", log scale" } else { "" }
    }
}

/// Tick label of a categorical axis whose categories sit at 0, 1, 2, …:
/// the name at a whole position, nothing between.
pub fn category_label(names: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    names.get(i as usize).cloned().unwrap_or_default()
}

/// A square matrix over named rows and columns: each cell shaded from white
/// (0) to deep blue (1) by its value and labelled with its text; grey where
/// there is no value (the diagonal).
pub struct Matrix<'a> {
    /// Title above the chart.
    pub caption: &'a str,
    /// Row and column names, in order.
    pub names: &'a [String],
    /// X axis description.
    pub x_desc: &'a str,
    /// Y axis description.
    pub y_desc: &'a str,
    /// `cells[row][column]`: the shade in `[0, 1]` and the label, if any.
    pub cells: &'a [Vec<Option<(f64, String)>>],
}

impl Plot for Matrix<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let k = self.names.len();
        let n = k as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(self.caption, (FONT, 20))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(110)
            .build_cartesian_2d(-0.5..n - 0.5, n - 0.5..-0.5)
            .map_err(plot_err)?;
        let names = self.names;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(k * 2 + 1)
            .y_labels(k * 2 + 1)
            .x_label_formatter(&|x| category_label(names, *x))
            .y_label_formatter(&|y| category_label(names, *y))
            .x_desc(self.x_desc)
            .y_desc(self.y_desc)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(plot_err)?;
        for (i, row) in self.cells.iter().enumerate() {
            for (j, cell) in row.iter().enumerate() {
                let (x, y) = (j as f64, i as f64);
                let square = [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)];
                let Some((value, label)) = cell else {
                    chart
                        .draw_series([Rectangle::new(square, RGBColor(235, 235, 235).filled())])
                        .map_err(plot_err)?;
                    continue;
                };
                let value = value.clamp(0.0, 1.0);
                // White at 0, deep blue at 1.
                let shade = |full: u8| (255.0 - (255.0 - f64::from(full)) * value).round() as u8;
                let fill = RGBColor(shade(31), shade(119), shade(180));
                let text_colour = if value > 0.6 { WHITE } else { BLACK };
                chart
                    .draw_series([Rectangle::new(square, fill.filled())])
                    .map_err(plot_err)?;
                let style = TextStyle::from((FONT, 15).into_font())
                    .color(&text_colour)
                    .pos(Pos::new(HPos::Center, VPos::Center));
                chart
                    .draw_series([Text::new(label.clone(), (x, y), style)])
                    .map_err(plot_err)?;
            }
        }
        Ok(())
    }
}

/// Lines over time, one per named series, with a legend at the upper right.
pub struct LineChart<'a> {
    /// Title above the chart.
    pub caption: &'a str,
    /// X axis description.
    pub x_desc: &'a str,
    /// Y axis description.
    pub y_desc: &'a str,
    /// The x axis runs from 0 to 1.01 × this.
    pub x_max: f64,
    /// The y axis runs from 0 to this.
    pub y_max: f64,
    /// Named series of (x, y) points, drawn in [`colour`] order.
    pub series: &'a [(String, Vec<(f64, f64)>)],
}

impl Plot for LineChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let mut chart = numeric_chart(
            root,
            self.caption,
            0.0..self.x_max * 1.01,
            0.0..self.y_max,
            (self.x_desc, self.y_desc),
        )?;
        for (s, (name, points)) in self.series.iter().enumerate() {
            let c = colour(s);
            chart
                .draw_series(LineSeries::new(points.iter().copied(), c.stroke_width(2)))
                .map_err(plot_err)?
                .label(name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    }
}

/// One bar per named value, in [`colour`] order, each labelled with its value.
pub struct BarChart<'a> {
    /// Title above the chart.
    pub caption: &'a str,
    /// Y axis description.
    pub y_desc: &'a str,
    /// Bar names (under the bars) and heights.
    pub bars: &'a [(String, f64)],
}

impl Plot for BarChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let n = self.bars.len();
        let top = self.bars.iter().map(|b| b.1).fold(0.0f64, f64::max);
        let bottom = self.bars.iter().map(|b| b.1).fold(0.0f64, f64::min);
        let span = (top - bottom).max(1e-12);
        let mut chart = ChartBuilder::on(root)
            .caption(self.caption, (FONT, 22))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5..n as f64 - 0.5, bottom..top + 0.12 * span)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n.max(1))
            .x_label_formatter(&|x| {
                let i = x.round();
                match self.bars.get(i as usize) {
                    Some((name, _)) if (x - i).abs() < 1e-6 && i >= 0.0 => name.clone(),
                    _ => String::new(),
                }
            })
            .y_desc(self.y_desc)
            .label_style(TICK_FONT)
            .axis_desc_style(AXIS_FONT)
            .draw()
            .map_err(plot_err)?;
        chart
            .draw_series(self.bars.iter().enumerate().map(|(i, (_, v))| {
                let x = i as f64;
                Rectangle::new([(x - 0.3, 0.0), (x + 0.3, *v)], colour(i).filled())
            }))
            .map_err(plot_err)?;
        chart
            .draw_series(self.bars.iter().enumerate().map(|(i, (_, v))| {
                let style = TextStyle::from((FONT, 15).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
                Text::new(short(*v), (i as f64, v.max(0.0) + 0.02 * span), style)
            }))
            .map_err(plot_err)?;
        Ok(())
    }
}

/// Four significant digits, in exponent form when very large or small.
fn short(x: f64) -> String {
    if x == 0.0 || (1e-3..1e5).contains(&x.abs()) {
        format!("{}", (x * 1e4).round() / 1e4)
    } else {
        format!("{x:.3e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<(String, f64)> {
        vec![
            ("heft".to_owned(), 3.25),
            ("min-min".to_owned(), 4.5),
            ("olb".to_owned(), 6.0),
        ]
    }

    #[test]
    fn saves_png_and_svg_by_extension() {
        let dir = std::env::temp_dir().join(format!("schedlab-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bars = bars();
        let chart = BarChart {
            caption: "makespan",
            y_desc: "makespan [s]",
            bars: &bars,
        };
        save(&chart, &dir.join("bars.svg"), (600, 400)).unwrap();
        let svg = std::fs::read_to_string(dir.join("bars.svg")).unwrap();
        assert!(svg.contains("min-min") && svg.contains("4.5"), "{svg}");
        save(&chart, &dir.join("bars.png"), (600, 400)).unwrap();
        let png = std::fs::read(dir.join("bars.png")).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        let err = save(&chart, &dir.join("bars.jpg"), (600, 400)).unwrap_err();
        assert!(format!("{err:#}").contains(".png or .svg"), "{err:#}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn values_are_short() {
        assert_eq!(short(3.25), "3.25");
        assert_eq!(short(1.0 / 3.0), "0.3333");
        assert_eq!(short(2.5e9), "2.500e9");
        assert_eq!(short(0.0), "0");
    }
}
