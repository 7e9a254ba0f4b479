//! Colour themes for the plots, so the app can follow the page's light/dark mode.

use plotters::style::RGBColor;

/// Opaque colours for every plot element. Translucency (band, region shading) is applied
/// at draw time, so a theme only has to name hues that read well on its background.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub background: RGBColor,
    /// Axes, tick labels, axis titles and legend text.
    pub foreground: RGBColor,
    pub grid: RGBColor,
    pub point: RGBColor,
    pub held_out: RGBColor,
    pub fit: RGBColor,
    pub band: RGBColor,
    pub extrapolation: RGBColor,
    pub target: RGBColor,
    pub region_shade: RGBColor,
    /// Colours of a family's series, in order (the Okabe-Ito palette, told apart with
    /// the common forms of colour blindness; black and yellow swapped for the
    /// background's contrast).
    pub series: [RGBColor; 8],
    /// Multiplies text, line, marker and margin sizes. Use the device pixel ratio when the
    /// canvas is sized in device pixels, so HiDPI plots are crisp yet not tiny.
    pub scale: f64,
}

impl Theme {
    pub fn light() -> Self {
        Self {
            background: RGBColor(255, 255, 255),
            foreground: RGBColor(51, 51, 51),
            grid: RGBColor(225, 228, 232),
            point: RGBColor(37, 99, 235),
            held_out: RGBColor(234, 88, 12),
            fit: RGBColor(185, 28, 28),
            band: RGBColor(239, 68, 68),
            extrapolation: RGBColor(124, 58, 237),
            target: RGBColor(22, 163, 74),
            region_shade: RGBColor(100, 116, 139),
            series: [
                RGBColor(0, 114, 178),
                RGBColor(213, 94, 0),
                RGBColor(0, 158, 115),
                RGBColor(204, 121, 167),
                RGBColor(230, 159, 0),
                RGBColor(86, 180, 233),
                RGBColor(0, 0, 0),
                RGBColor(181, 166, 0),
            ],
            scale: 1.0,
        }
    }

    pub fn dark() -> Self {
        Self {
            background: RGBColor(17, 24, 39),
            foreground: RGBColor(229, 231, 235),
            grid: RGBColor(48, 58, 74),
            point: RGBColor(96, 165, 250),
            held_out: RGBColor(251, 146, 60),
            fit: RGBColor(248, 113, 113),
            band: RGBColor(248, 113, 113),
            extrapolation: RGBColor(192, 132, 252),
            target: RGBColor(74, 222, 128),
            region_shade: RGBColor(148, 163, 184),
            series: [
                RGBColor(86, 180, 233),
                RGBColor(230, 159, 0),
                RGBColor(0, 158, 115),
                RGBColor(204, 121, 167),
                RGBColor(240, 228, 66),
                RGBColor(0, 114, 178),
                RGBColor(229, 231, 235),
                RGBColor(213, 94, 0),
            ],
            scale: 1.0,
        }
    }
}

impl Theme {
    /// The colour of series `i` of a family (the palette repeats after eight).
    pub fn series_color(&self, i: usize) -> RGBColor {
        self.series[i % self.series.len()]
    }

    /// The same theme with every size multiplied by `scale` (e.g. `devicePixelRatio`).
    pub fn scaled(self, scale: f64) -> Self {
        Self { scale, ..self }
    }

    /// `px` logical pixels in backend pixels. A nonsensical scale falls back to 1 and
    /// extreme ones are capped, so a bad value can't make the layout collapse.
    pub(crate) fn px(&self, px: u32) -> u32 {
        let scale = if self.scale.is_finite() && self.scale > 0.0 {
            self.scale.clamp(0.25, 8.0)
        } else {
            1.0
        };
        (f64::from(px) * scale).round().max(1.0) as u32
    }

    pub(crate) fn ipx(&self, px: u32) -> i32 {
        self.px(px) as i32
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self::light()
    }
}
