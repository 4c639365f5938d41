//! The bars of a Gantt chart's visible rows, rasterised on the CPU into one
//! texture with a texel row per chart row and a texel column per pixel.
//!
//! Why: under software rendering (llvmpipe) the cost of a frame grows with
//! the number of triangles as much as with the pixels they cover, and a
//! 10^4-task chart has thousands of visible bars. Filling pixel columns here
//! is linear in visible bars plus pixels, and the GPU then draws one textured
//! rectangle per row. A bar covers the columns whose centres it spans, at
//! least one, so bars narrower than a pixel stay visible; where bars share a
//! column the last one drawn (the latest to start) shows.

use egui::{Color32, ColorImage, Context, Id, TextureHandle, TextureId, TextureOptions};

/// Texel colours of the visible rows, built during one frame.
pub struct RowRaster {
    width: usize,
    rows: usize,
    pixels: Vec<Color32>,
}

impl RowRaster {
    /// An empty raster `width` pixels wide with `rows` rows.
    pub fn new(width: usize, rows: usize) -> RowRaster {
        RowRaster {
            width,
            rows,
            pixels: vec![Color32::TRANSPARENT; width * rows],
        }
    }

    /// Paints `color` on row `row` from pixel `x0` to `x1` (fractional, from the plot's left edge).
    pub fn fill(&mut self, row: usize, x0: f32, x1: f32, color: Color32) {
        if row >= self.rows || self.width == 0 {
            return;
        }
        let last = self.width - 1;
        let c0 = (x0.round().max(0.0) as usize).min(last);
        let c1 = (x1.round().max(0.0) as usize).clamp(c0 + 1, self.width);
        let start = row * self.width;
        if let Some(span) = self.pixels.get_mut(start + c0..start + c1) {
            span.fill(color);
        }
    }

    /// The colour of pixel `x` of row `row`, if inside.
    pub fn pixel(&self, row: usize, x: usize) -> Option<Color32> {
        if x >= self.width {
            return None;
        }
        self.pixels.get(row * self.width + x).copied()
    }

    /// Uploads the raster as the texture kept under `id` (made on first use) and returns its id.
    pub fn upload(self, ctx: &Context, id: Id) -> TextureId {
        let image = ColorImage::new([self.width.max(1), self.rows.max(1)], self.pixels);
        let options = TextureOptions::NEAREST;
        let handle = ctx.data_mut(|d| d.get_temp::<TextureHandle>(id));
        match handle {
            Some(mut handle) => {
                handle.set(image, options);
                handle.id()
            }
            None => {
                let handle = ctx.load_texture("gantt-rows", image, options);
                let tex = handle.id();
                ctx.data_mut(|d| d.insert_temp(id, handle));
                tex
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_cover_the_columns_whose_centres_they_span_and_at_least_one() {
        let mut r = RowRaster::new(10, 2);
        r.fill(0, 2.4, 5.6, Color32::RED);
        let red: Vec<usize> = (0..10).filter(|&x| r.pixel(0, x) == Some(Color32::RED)).collect();
        assert_eq!(red, [2, 3, 4, 5]);
        r.fill(1, 7.2, 7.3, Color32::BLUE);
        assert_eq!(r.pixel(1, 7), Some(Color32::BLUE));
        assert_eq!(r.pixel(1, 6), Some(Color32::TRANSPARENT));
        assert_eq!(r.pixel(1, 8), Some(Color32::TRANSPARENT));
    }

    #[test]
    fn bars_outside_are_clamped_and_bad_rows_ignored() {
        let mut r = RowRaster::new(4, 1);
        r.fill(0, -20.0, 1.0, Color32::RED);
        r.fill(0, 3.7, 99.0, Color32::BLUE);
        r.fill(5, 0.0, 4.0, Color32::GREEN);
        let row: Vec<Option<Color32>> = (0..4).map(|x| r.pixel(0, x)).collect();
        assert_eq!(
            row,
            [
                Some(Color32::RED),
                Some(Color32::TRANSPARENT),
                Some(Color32::TRANSPARENT),
                Some(Color32::BLUE)
            ]
        );
    }
}
