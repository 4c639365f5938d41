//! Small painting helpers that batch many primitives into one mesh, which
//! keeps frames cheap under software rendering.

use egui::{Color32, Mesh, Pos2, Rect, Vec2};

/// Adds a straight segment from `a` to `b` of `width` points as one quad.
pub fn add_line(mesh: &mut Mesh, a: Pos2, b: Pos2, width: f32, color: Color32) {
    let d = b - a;
    let len = d.length();
    if len <= f32::EPSILON {
        return;
    }
    let n = Vec2::new(-d.y, d.x) * (0.5 * width / len);
    let i = u32::try_from(mesh.vertices.len()).unwrap_or(u32::MAX);
    mesh.colored_vertex(a + n, color);
    mesh.colored_vertex(a - n, color);
    mesh.colored_vertex(b + n, color);
    mesh.colored_vertex(b - n, color);
    mesh.add_triangle(i, i + 1, i + 2);
    mesh.add_triangle(i + 1, i + 3, i + 2);
}

/// Adds the outline of `rect` as four thin quads.
pub fn add_outline(mesh: &mut Mesh, rect: Rect, width: f32, color: Color32) {
    let h = width * 0.5;
    let top = Rect::from_min_max(rect.left_top() - Vec2::splat(h), rect.right_top() + Vec2::new(h, h));
    let bottom = Rect::from_min_max(
        rect.left_bottom() - Vec2::new(h, h),
        rect.right_bottom() + Vec2::splat(h),
    );
    let left = Rect::from_min_max(
        rect.left_top() - Vec2::new(h, 0.0),
        rect.left_bottom() + Vec2::new(h, 0.0),
    );
    let right = Rect::from_min_max(
        rect.right_top() - Vec2::new(h, 0.0),
        rect.right_bottom() + Vec2::new(h, 0.0),
    );
    for r in [top, bottom, left, right] {
        mesh.add_colored_rect(r, color);
    }
}

/// A "nice" tick step (1, 2 or 5 times a power of ten) giving about `n_ticks` ticks over `span`.
pub fn tick_step(span: f64, n_ticks: f64) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / n_ticks.max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let nice = if norm < 1.5 {
        1.0
    } else if norm < 3.5 {
        2.0
    } else if norm < 7.5 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Seconds formatted with a unit that keeps three significant digits.
pub fn fmt_secs(secs: f64) -> String {
    let a = secs.abs();
    if a == 0.0 {
        "0 s".to_owned()
    } else if a < 1e-6 {
        format!("{:.3} ns", secs * 1e9)
    } else if a < 1e-3 {
        format!("{:.3} µs", secs * 1e6)
    } else if a < 1.0 {
        format!("{:.3} ms", secs * 1e3)
    } else {
        format!("{secs:.3} s")
    }
}

/// A tick label at time `t` on an axis with ticks `step` seconds apart that
/// reaches `extent` seconds: the unit follows the extent, the decimals the step.
pub fn fmt_tick(t: f64, step: f64, extent: f64) -> String {
    let (scale, unit) = if extent >= 1.0 {
        (1.0, "s")
    } else if extent >= 1e-3 {
        (1e3, "ms")
    } else if extent >= 1e-6 {
        (1e6, "µs")
    } else {
        (1e9, "ns")
    };
    let decimals = (-(step * scale).log10() - 1e-9).ceil().clamp(0.0, 9.0) as usize;
    let v = t * scale;
    let v = if v.abs() < 0.5 * step * scale { 0.0 } else { v };
    format!("{v:.decimals$} {unit}")
}

/// A byte count with a binary-free SI unit.
pub fn fmt_bytes(bytes: f64) -> String {
    let units = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")];
    for (scale, unit) in units {
        if bytes.abs() >= scale {
            return format!("{:.2} {unit}", bytes / scale);
        }
    }
    format!("{bytes:.0} B")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice() {
        assert!((tick_step(10.0, 5.0) - 2.0).abs() < 1e-12);
        assert!((tick_step(0.07, 7.0) - 0.01).abs() < 1e-12);
        assert!((tick_step(-1.0, 5.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn tick_labels_have_just_enough_decimals() {
        assert_eq!(fmt_tick(0.5, 0.5, 4.0), "0.5 s");
        assert_eq!(fmt_tick(3.0, 1.0, 4.0), "3 s");
        assert_eq!(fmt_tick(0.25, 0.05, 4.0), "0.25 s");
        assert_eq!(fmt_tick(0.02, 0.01, 0.05), "20 ms");
        assert_eq!(fmt_tick(-1e-17, 0.2, 4.0), "0.0 s");
    }

    #[test]
    fn units() {
        assert_eq!(fmt_secs(0.0015), "1.500 ms");
        assert_eq!(fmt_bytes(2.5e6), "2.50 MB");
    }
}
