//! Where a drawn plot landed, so the app can map mouse positions to data for hover tooltips.

use crate::scale::log10_of;

/// The plotting rectangle of a drawn chart and the log10 data ranges it shows.
///
/// Pixels are in the backend's coordinate space (for a canvas: canvas pixels, not CSS
/// pixels), and the rectangle's edges are inclusive. Both axes are log10 scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotFrame {
    pub plot_left: i32,
    pub plot_top: i32,
    pub plot_right: i32,
    pub plot_bottom: i32,
    /// `(log10 min, log10 max)` of the x axis.
    pub x_range: (f64, f64),
    /// `(log10 min, log10 max)` of the y axis.
    pub y_range: (f64, f64),
}

impl PlotFrame {
    pub fn contains(&self, px: i32, py: i32) -> bool {
        (self.plot_left..=self.plot_right).contains(&px)
            && (self.plot_top..=self.plot_bottom).contains(&py)
    }

    /// Data coordinates `(x, y)` under a pixel, or `None` outside the plotting area.
    pub fn to_data(&self, px: i32, py: i32) -> Option<(f64, f64)> {
        if !self.contains(px, py) {
            return None;
        }
        let tx = fraction(px, self.plot_left, self.plot_right)?;
        // Pixel rows grow downwards while y grows upwards.
        let ty = fraction(py, self.plot_bottom, self.plot_top)?;
        let x = lerp(self.x_range, tx);
        let y = lerp(self.y_range, ty);
        Some((10f64.powf(x), 10f64.powf(y)))
    }

    /// The pixel showing data point `(x, y)`, or `None` if it is not positive and finite or
    /// lies outside the visible ranges. The plots draw every data point through
    /// `x_pixel` and `y_pixel`, so hover highlights land on the markers.
    pub fn to_pixel(&self, x: f64, y: f64) -> Option<(i32, i32)> {
        position(self.x_range, x)?;
        position(self.y_range, y)?;
        Some((self.x_pixel(x), self.y_pixel(y)))
    }

    /// The pixel column of data value `x` (positive), even outside the frame.
    pub(crate) fn x_pixel(&self, x: f64) -> i32 {
        map_log(self.x_range, x, self.plot_left, self.plot_right)
    }

    /// The pixel row of data value `y` (positive), even outside the frame.
    pub(crate) fn y_pixel(&self, y: f64) -> i32 {
        // Pixel rows grow downwards while y grows upwards.
        map_log(self.y_range, y, self.plot_bottom, self.plot_top)
    }

    /// Index of the point nearest to pixel `(px, py)` within `max_distance` pixels, for tooltips.
    pub fn nearest(
        &self,
        px: i32,
        py: i32,
        points: &[(f64, f64)],
        max_distance: f64,
    ) -> Option<usize> {
        points
            .iter()
            .enumerate()
            .filter_map(|(i, &(x, y))| {
                let (qx, qy) = self.to_pixel(x, y)?;
                let d = f64::from(qx - px).hypot(f64::from(qy - py));
                (d <= max_distance).then_some((i, d))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }
}

fn fraction(p: i32, from: i32, to: i32) -> Option<f64> {
    let len = f64::from(to) - f64::from(from);
    (len != 0.0).then(|| (f64::from(p) - f64::from(from)) / len)
}

fn lerp((lo, hi): (f64, f64), t: f64) -> f64 {
    lo + t * (hi - lo)
}

/// Whether `v` lies on a log10 range, with a hair of tolerance so points exactly on the
/// frame edge still count.
fn position((lo, hi): (f64, f64), v: f64) -> Option<()> {
    let t = (log10_of(v)? - lo) / (hi - lo);
    (t.is_finite() && (-1e-9..=1.0 + 1e-9).contains(&t)).then_some(())
}

/// `v` on a log axis showing `10^lo..10^hi` from pixel `from` to pixel `to`, computed as
/// plotters' `LogCoord` did (natural logs of the ends, then `RangedCoordf64::map`: floor
/// towards the far end with a 1e-3 nudge), so pixels stay where they were.
fn map_log((lo, hi): (f64, f64), v: f64, from: i32, to: i32) -> i32 {
    let (a, b) = (10f64.powf(lo).ln(), 10f64.powf(hi).ln());
    let t = (v.ln() - a) / (b - a);
    let len = to - from;
    if len == 0 || t == f64::INFINITY {
        return to;
    }
    if t == f64::NEG_INFINITY {
        return from;
    }
    let len = f64::from(len);
    if len > 0.0 {
        from + (len * t + 1e-3).floor() as i32
    } else {
        from + (len * t - 1e-3).ceil() as i32
    }
}
