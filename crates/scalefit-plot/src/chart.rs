//! Shared chart plumbing: the log-log frame with its grid, and the series and decorations
//! both plots draw, on a [`Canvas`]. The geometry (label areas, tick marks, label offsets,
//! the legend box) is the one plotters' chart layer used to produce for the same settings.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::canvas::{Area, Canvas, Coord};
use crate::scale::{format_tick, log10_of, ticks, LogRange};
use crate::{PlotError, PlotFrame, Theme};

// Sizes below are logical pixels, multiplied by `Theme::scale` when used.
const MARGIN: u32 = 12;
/// Room under the plot for tick labels plus the axis title.
const X_LABEL_AREA: u32 = 48;
/// Room left of the plot for tick labels like `0.005` plus the rotated axis title.
const Y_LABEL_AREA: u32 = 72;
/// Strip above the plot holding region labels, so they never collide with the legend.
pub(crate) const REGION_STRIP: u32 = 22;
/// Below this the frame has no room for data.
const MIN_PLOT: u32 = 40;
/// The generic sans-serif family. Named by its variant: plotters' `From<&str>` lowercases
/// the name first, which would pull core's Unicode case tables into the page (~14 KB).
const FONT: FontFamily<'static> = FontFamily::SansSerif;
const TICK_FONT: u32 = 13;
const TITLE_FONT: u32 = 15;
const LEGEND_FONT: u32 = 13;
const POINT_RADIUS: u32 = 4;
const LINE_WIDTH: u32 = 2;
/// Width of a legend glyph.
const GLYPH: u32 = 20;
/// Tick marks are 5% of the frame's smaller side, at most this long (backend pixels,
/// not scaled).
const MAX_TICK: i32 = 5;
/// Distance of the legend box from the frame's edges (backend pixels, not scaled).
const LEGEND_INSET: i32 = 5;
/// Legend line spacing, in font sizes.
const LEGEND_LINE_HEIGHT: f64 = 1.25;
/// Opacity of a family series' band (fainter than the single curve's 0.18: several
/// overlap).
pub(crate) const SERIES_BAND_ALPHA: f64 = 0.14;

/// The log10 ranges the two axes show.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Axes {
    pub x: LogRange,
    pub y: LogRange,
}

impl Axes {
    /// Padded axes covering the given raw extents, or `None` if either axis has no data.
    pub fn new(x: Option<LogRange>, y: Option<LogRange>) -> Option<Self> {
        Some(Self {
            x: x?.padded(),
            y: y?.padded(),
        })
    }

    /// Position in `[0, 1]²` (for layout decisions), `None` for unusable values.
    fn normalized(&self, (x, y): (f64, f64)) -> Option<(f64, f64)> {
        Some((
            (log10_of(x)? - self.x.lo) / self.x.span(),
            (log10_of(y)? - self.y.lo) / self.y.span(),
        ))
    }
}

/// Points a log-log plot can show, sorted by x so lines and polygons don't zigzag.
pub(crate) fn clean(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out: Vec<_> = points
        .iter()
        .copied()
        .filter(|&(x, y)| log10_of(x).is_some() && log10_of(y).is_some())
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// The legend names `given`, each falling back to its default when empty.
pub(crate) fn names<'a>(given: &'a [String; 2], default: [&'a str; 2]) -> [&'a str; 2] {
    let pick = |i: usize| {
        if given[i].is_empty() {
            default[i]
        } else {
            given[i].as_str()
        }
    };
    [pick(0), pick(1)]
}

pub(crate) fn xs(points: &[(f64, f64)]) -> impl Iterator<Item = f64> + '_ {
    points.iter().map(|p| p.0)
}

pub(crate) fn ys(points: &[(f64, f64)]) -> impl Iterator<Item = f64> + '_ {
    points.iter().map(|p| p.1)
}

/// Band y-values widen the y axis by at most a decade beyond the other data: a wild
/// confidence band must not squash the curve it surrounds into a sliver.
pub(crate) fn band_extent(core: Option<LogRange>, band: &[(f64, f64, f64)]) -> Option<LogRange> {
    let band_range = LogRange::covering(band.iter().flat_map(|b| [b.1, b.2]));
    match (core, band_range) {
        (Some(c), Some(b)) => Some(LogRange {
            lo: c.lo.min(b.lo.max(c.lo - 1.0)),
            hi: c.hi.max(b.hi.min(c.hi + 1.0)),
        }),
        (c, b) => c.or(b),
    }
}

fn font(theme: &Theme, size: u32) -> TextStyle<'static> {
    FontDesc::new(FONT, f64::from(theme.px(size)), FontStyle::Normal).color(&theme.foreground)
}

/// Paints the background; every draw starts here so stale pixels never show through.
pub(crate) fn clear(c: &mut dyn Canvas, area: Area, theme: &Theme) -> Result<(), PlotError> {
    let corners = ((area.x0, area.y0), (area.x1, area.y1));
    c.rect(corners.0, corners.1, &theme.background.filled())
}

/// Leaves a visible "No data" note, so the app can simply show the canvas, and reports why.
pub(crate) fn no_data(c: &mut dyn Canvas, area: Area, theme: &Theme) -> PlotError {
    let style = font(theme, TITLE_FONT).pos(Pos::new(HPos::Center, VPos::Center));
    let center = (
        area.x0 + (area.width() / 2) as i32,
        area.y0 + (area.height() / 2) as i32,
    );
    match c.text("No data to plot", &style, center) {
        Ok(()) => PlotError::NoData,
        Err(e) => e,
    }
}

/// What a legend entry shows left of its label.
#[derive(Debug, Clone, Copy)]
enum Glyph {
    /// A filled bar, for the band.
    Bar(ShapeStyle),
    Line(ShapeStyle),
    /// Two dashes at the ends of the glyph.
    Dashed(ShapeStyle),
    /// A marker in the middle of the glyph.
    Circle(ShapeStyle),
    Diamond(ShapeStyle),
}

/// A chart under construction: the canvas, where the frame landed, and the legend so far.
pub(crate) struct Chart<'a> {
    c: &'a mut dyn Canvas,
    pub frame: PlotFrame,
    axes: Axes,
    theme: &'a Theme,
    /// The left edge of the margin-less area, where the y axis title goes.
    title_left: i32,
    legend: Vec<(String, Glyph)>,
}

impl<'a> Chart<'a> {
    /// Lays out the frame (without drawing anything): margins, `top_strip` above, label
    /// areas left and below.
    pub fn new(
        c: &'a mut dyn Canvas,
        area: Area,
        axes: &Axes,
        top_strip: u32,
        theme: &'a Theme,
    ) -> Result<Self, PlotError> {
        let (width, height) = (area.width(), area.height());
        let [margin, top, x_area, y_area, min_plot] = [
            MARGIN,
            MARGIN + top_strip,
            X_LABEL_AREA,
            Y_LABEL_AREA,
            MIN_PLOT,
        ]
        .map(|v| theme.px(v));
        if width < y_area + 3 * margin + min_plot || height < x_area + top + margin + min_plot {
            return Err(PlotError::TooSmall { width, height });
        }
        let [margin, top, x_area, y_area] = [margin, top, x_area, y_area].map(|v| v as i32);
        let title_left = area.x0 + margin;
        let frame = PlotFrame {
            plot_left: title_left + y_area,
            plot_top: area.y0 + top,
            // Extra room on the right: the last x tick label is centred on the frame edge.
            plot_right: area.x1 - 2 * margin - 1,
            plot_bottom: area.y1 - margin - x_area - 1,
            x_range: (axes.x.lo, axes.x.hi),
            y_range: (axes.y.lo, axes.y.hi),
        };
        Ok(Self {
            c,
            frame,
            axes: *axes,
            theme,
            title_left,
            legend: Vec::new(),
        })
    }

    /// The pixel of data point `(x, y)`, pinned onto the frame.
    fn at(&self, (x, y): (f64, f64)) -> Coord {
        self.clip((self.frame.x_pixel(x), self.frame.y_pixel(y)))
    }

    /// Pins a pixel onto the frame, its right and bottom edges one past, as plotters'
    /// drawing areas did for every shape drawn in them: the data, and the legend box and
    /// glyphs, which a small frame crops.
    fn clip(&self, (x, y): Coord) -> Coord {
        let f = &self.frame;
        (
            x.min(f.plot_right + 1).max(f.plot_left),
            y.min(f.plot_bottom + 1).max(f.plot_top),
        )
    }

    fn plot_size(&self) -> (i32, i32) {
        let f = &self.frame;
        (
            f.plot_right - f.plot_left + 1,
            f.plot_bottom - f.plot_top + 1,
        )
    }

    /// Grid, axes, tick marks and labels, axis titles.
    pub fn draw_mesh(&mut self, x_label: &str, y_label: &str) -> Result<(), PlotError> {
        let (xt, yt) = (ticks(self.axes.x), ticks(self.axes.y));
        let grid = self.theme.grid;
        let (bold, light) = (ShapeStyle::from(grid), ShapeStyle::from(grid.mix(0.45)));
        let f = self.frame;
        let (w, h) = self.plot_size();

        self.grid_lines(&xt.minor, &yt.minor, &light)?;
        let title = font(self.theme, TITLE_FONT);
        let y_title = title
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Top));
        let at = (self.title_left, f.plot_top + h / 2);
        self.c.text(y_label, &y_title, at)?;
        let x_title = title.pos(Pos::new(HPos::Center, VPos::Bottom));
        let x_area = self.theme.ipx(X_LABEL_AREA);
        let at = (f.plot_left + w / 2, f.plot_bottom + 1 + x_area);
        self.c.text(x_label, &x_title, at)?;

        self.grid_lines(&xt.major, &yt.major, &bold)?;
        let axis = ShapeStyle::from(self.theme.foreground);
        let tick = ((w.min(h) as f64 * 0.05).round() as i32).min(MAX_TICK);
        let label = font(self.theme, TICK_FONT);

        // The y axis runs just left of the frame, the x axis just below it.
        let axis_x = f.plot_left - 1;
        let path = [(axis_x, f.plot_top), (axis_x, f.plot_bottom)];
        self.c.path(&path, &axis)?;
        let y_label_style = label.pos(Pos::new(HPos::Right, VPos::Center));
        for &v in &yt.major {
            let y = f.y_pixel(v);
            if !(f.plot_top..=f.plot_bottom).contains(&y) {
                continue;
            }
            self.c
                .text(&format_tick(v), &y_label_style, (f.plot_left - 2 * tick, y))?;
            self.c.path(&[(axis_x - tick, y), (axis_x, y)], &axis)?;
        }

        let axis_y = f.plot_bottom + 1;
        let path = [(f.plot_left, axis_y), (f.plot_right, axis_y)];
        self.c.path(&path, &axis)?;
        let x_label_style = label.pos(Pos::new(HPos::Center, VPos::Top));
        for &v in &xt.major {
            let x = f.x_pixel(v);
            if !(f.plot_left..=f.plot_right).contains(&x) {
                continue;
            }
            self.c
                .text(&format_tick(v), &x_label_style, (x, axis_y + 2 * tick))?;
            self.c.path(&[(x, axis_y), (x, axis_y + tick)], &axis)?;
        }
        Ok(())
    }

    /// Vertical lines at `xs`, then horizontal ones at `ys`, across the frame.
    fn grid_lines(&mut self, xs: &[f64], ys: &[f64], style: &ShapeStyle) -> Result<(), PlotError> {
        let f = self.frame;
        for &x in xs {
            let x = f.x_pixel(x);
            self.c.line((x, f.plot_bottom), (x, f.plot_top), style)?;
        }
        for &y in ys {
            let y = f.y_pixel(y);
            self.c.line((f.plot_left, y), (f.plot_right, y), style)?;
        }
        Ok(())
    }

    /// A thin box around the plotting area; the mesh only draws the left and bottom axes.
    pub fn draw_border(&mut self) -> Result<(), PlotError> {
        let f = self.frame;
        let style = ShapeStyle::from(self.theme.foreground.mix(0.6));
        self.c.rect(
            (f.plot_left, f.plot_top),
            (f.plot_right, f.plot_bottom),
            &style,
        )
    }

    /// Shaded m-intervals, alternating in strength so adjacent regions stay
    /// distinguishable, with their labels in the strip above the frame (skipped when they
    /// don't fit).
    pub fn draw_regions(&mut self, regions: &[(f64, f64, String)]) -> Result<(), PlotError> {
        let (x_axis, f) = (self.axes.x, self.frame);
        let style = font(self.theme, TICK_FONT).pos(Pos::new(HPos::Center, VPos::Bottom));
        for (i, (a, b, label)) in regions.iter().enumerate() {
            let (Some(la), Some(lb)) = (log10_of(*a), log10_of(*b)) else {
                continue;
            };
            let (lo, hi) = (la.min(lb).max(x_axis.lo), la.max(lb).min(x_axis.hi));
            if lo >= hi {
                continue;
            }
            let (p0, p1) = (f.x_pixel(10f64.powf(lo)), f.x_pixel(10f64.powf(hi)));
            let alpha = if i % 2 == 0 { 0.14 } else { 0.07 };
            let shade = self.theme.region_shade.mix(alpha).filled();
            let (left, right) = (p0.min(p1), p0.max(p1));
            let corners = (
                self.clip((left, f.plot_top)),
                self.clip((right, f.plot_bottom)),
            );
            self.c.rect(corners.0, corners.1, &shade)?;
            if label.is_empty() {
                continue;
            }
            let (text_w, _) = self.c.text_size(label, &style)?;
            if text_w as i32 > p1 - p0 {
                continue;
            }
            let at = ((p0 + p1) / 2, f.plot_top - self.theme.ipx(5));
            self.c.text(label, &style, at)?;
        }
        Ok(())
    }

    /// The confidence band as one translucent polygon: upper edge left→right, lower edge
    /// back. Lower bounds at or below zero (a symmetric band around a small error) are
    /// pinned to the bottom of the frame instead of being dropped.
    pub fn draw_band(&mut self, band: &[(f64, f64, f64)]) -> Result<(), PlotError> {
        let fill = self.theme.band.mix(0.18).filled();
        if self.band_polygon(band, fill)? {
            self.legend.push(("95% band".into(), Glyph::Bar(fill)));
        }
        Ok(())
    }

    /// A family series' band: the same polygon in the series' colour, fainter (bands
    /// overlap), without a legend row of its own (the series' row names it).
    pub fn draw_series_band(
        &mut self,
        band: &[(f64, f64, f64)],
        color: RGBColor,
    ) -> Result<(), PlotError> {
        self.band_polygon(band, color.mix(SERIES_BAND_ALPHA).filled())?;
        Ok(())
    }

    /// Fills the band's outline with `fill`; `false` when under two rows are drawable.
    fn band_polygon(
        &mut self,
        band: &[(f64, f64, f64)],
        fill: ShapeStyle,
    ) -> Result<bool, PlotError> {
        let axes = self.axes;
        let fix = |v: f64| {
            if v.is_nan() {
                None
            } else if v <= 0.0 {
                Some(axes.y.min_value())
            } else {
                Some(axes.y.clamp(v))
            }
        };
        let mut rows: Vec<(f64, f64, f64)> = band
            .iter()
            .filter_map(|&(m, lo, hi)| {
                log10_of(m)?;
                let (lo, hi) = (fix(lo)?, fix(hi)?);
                Some((axes.x.clamp(m), lo.min(hi), lo.max(hi)))
            })
            .collect();
        if rows.len() < 2 {
            return Ok(false);
        }
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        let outline: Vec<Coord> = rows
            .iter()
            .map(|r| self.at((r.0, r.2)))
            .chain(rows.iter().rev().map(|r| self.at((r.0, r.1))))
            .collect();
        self.c.polygon(&outline, &fill)?;
        Ok(true)
    }

    pub fn draw_line(
        &mut self,
        points: &[(f64, f64)],
        color: RGBColor,
        label: &str,
    ) -> Result<(), PlotError> {
        if points.len() < 2 {
            return Ok(());
        }
        let style = color.stroke_width(self.theme.px(LINE_WIDTH));
        let pixels: Vec<Coord> = points.iter().map(|&p| self.at(p)).collect();
        self.c.path(&pixels, &style)?;
        self.label(label, Glyph::Line(style));
        Ok(())
    }

    /// Dashes are laid out in pixels, so they look the same on any log range.
    pub fn draw_dashed(
        &mut self,
        points: &[(f64, f64)],
        color: RGBColor,
        label: &str,
    ) -> Result<(), PlotError> {
        if points.len() < 2 {
            return Ok(());
        }
        let style = color.stroke_width(self.theme.px(LINE_WIDTH));
        let (dash, gap) = (self.theme.ipx(8), self.theme.ipx(5));
        self.dashes(points, dash, gap, &style)?;
        self.label(label, Glyph::Dashed(style));
        Ok(())
    }

    /// A legend entry; an empty label is none (a series named once, by its line).
    fn label(&mut self, label: &str, glyph: Glyph) {
        if !label.is_empty() {
            self.legend.push((label.into(), glyph));
        }
    }

    /// A dashed path in `color` at the line width, without a legend entry.
    pub fn dashes_unlabelled(
        &mut self,
        points: &[(f64, f64)],
        color: RGBColor,
    ) -> Result<(), PlotError> {
        if points.len() < 2 {
            return Ok(());
        }
        let style = color.stroke_width(self.theme.px(LINE_WIDTH));
        let (dash, gap) = (self.theme.ipx(8), self.theme.ipx(5));
        self.dashes(points, dash, gap, &style)
    }

    /// A dashed path through `points` (data units), without a legend entry.
    pub fn dashes(
        &mut self,
        points: &[(f64, f64)],
        dash: i32,
        gap: i32,
        style: &ShapeStyle,
    ) -> Result<(), PlotError> {
        let pixels: Vec<Coord> = points.iter().map(|&p| self.at(p)).collect();
        dashed(self.c, &pixels, dash, gap, style)
    }

    /// A full-width horizontal line, e.g. the target error.
    pub fn draw_hline(&mut self, y: f64, color: RGBColor, label: &str) -> Result<(), PlotError> {
        let ends = [(self.axes.x.min_value(), y), (self.axes.x.max_value(), y)];
        self.draw_line(&ends, color, label)
    }

    /// Markers: filled for fitted points, hollow rings for held-out ones.
    pub fn draw_points(
        &mut self,
        points: &[(f64, f64)],
        color: RGBColor,
        filled: bool,
        label: &str,
    ) -> Result<(), PlotError> {
        if points.is_empty() {
            return Ok(());
        }
        let style = if filled {
            color.filled()
        } else {
            color.stroke_width(self.theme.px(LINE_WIDTH))
        };
        let r = self.theme.px(POINT_RADIUS);
        // A marker on the pixel of one already drawn would change nothing to be seen: a
        // 10,000-point paste lands on a few thousand pixels, each drawn once (one bit
        // per pixel of the frame, which `at` pins every marker onto).
        let f = &self.frame;
        let width = usize::try_from(f.plot_right - f.plot_left + 2).unwrap_or(0);
        let height = usize::try_from(f.plot_bottom - f.plot_top + 2).unwrap_or(0);
        let mut drawn = vec![0u64; (width * height).div_ceil(64)];
        for &p in points {
            let at = self.at(p);
            let x = usize::try_from(at.0 - f.plot_left).unwrap_or(0);
            let y = usize::try_from(at.1 - f.plot_top).unwrap_or(0);
            let i = y * width + x;
            if let Some(word) = drawn.get_mut(i / 64) {
                let bit = 1u64 << (i % 64);
                if *word & bit != 0 {
                    continue;
                }
                *word |= bit;
            }
            self.c.circle(at, r, &style)?;
        }
        self.label(label, Glyph::Circle(style));
        Ok(())
    }

    /// A filled diamond centred on data point `p`, `size` pixels from centre to tip.
    pub fn draw_diamond(
        &mut self,
        p: (f64, f64),
        size: i32,
        style: ShapeStyle,
        label: &str,
    ) -> Result<(), PlotError> {
        let at = self.at(p);
        self.c.polygon(&diamond(at, size), &style)?;
        self.label(label, Glyph::Diamond(style));
        Ok(())
    }

    /// Draws the legend in the corner holding the least data: a box with one line per
    /// labelled series, its glyph left of its name.
    pub fn draw_legend(self, ink: &[(f64, f64)]) -> Result<(), PlotError> {
        let theme = self.theme;
        let style = font(theme, LEGEND_FONT);
        let (margin, glyph_area) = (theme.ipx(8), theme.ipx(GLYPH + 8));
        let line_height = f64::from(theme.px(LEGEND_FONT)) * LEGEND_LINE_HEIGHT;
        let line_y = |y0: i32, i: usize| (f64::from(y0) + i as f64 * line_height).round() as i32;
        let mut sizes = Vec::with_capacity(self.legend.len());
        let (mut text_w, mut text_h) = (0, 0);
        for (i, (label, _)) in self.legend.iter().enumerate() {
            let (w, h) = self.c.text_size(label, &style)?;
            let (w, h) = (w as i32, h as i32);
            text_w = text_w.max(w);
            text_h = text_h.max(line_y(0, i) + h);
            sizes.push(h);
        }
        let (w, h) = (text_w + glyph_area + 2 * margin, text_h + 2 * margin);
        let (area_w, area_h) = self.plot_size();
        let (right, upper) = legend_corner(&self.axes, ink);
        let f = self.frame;
        let x = f.plot_left
            + if right {
                area_w - w - LEGEND_INSET
            } else {
                LEGEND_INSET
            };
        let y = f.plot_top
            + if upper {
                LEGEND_INSET
            } else {
                area_h - h - LEGEND_INSET
            };
        // The box is cropped to the frame, the text and glyphs only anchored in it.
        let (from, to) = (self.clip((x, y)), self.clip((x + w, y + h)));
        let background = theme.background.mix(0.88).filled();
        self.c.rect(from, to, &background)?;
        self.c.rect(from, to, &ShapeStyle::from(theme.grid))?;
        let (text_x, text_y) = (x + glyph_area + margin, y + margin);
        let anchor = self.clip((text_x, text_y));
        for (i, (label, _)) in self.legend.iter().enumerate() {
            self.c
                .text(label, &style, (anchor.0, line_y(anchor.1, i)))?;
        }
        let (glyph_w, mid) = (theme.ipx(GLYPH), theme.ipx(GLYPH / 2));
        for (i, ((_, glyph), text_h)) in self.legend.iter().zip(sizes).enumerate() {
            // Glyphs are centred on their line's text box, laid out relative to the frame.
            let top = f.plot_top + line_y(text_y - f.plot_top, i);
            let (gx, gy) = (x + margin, (top + top + text_h) / 2);
            match glyph {
                Glyph::Bar(s) => {
                    let half = theme.ipx(5);
                    let from = self.clip((gx, gy - half));
                    let to = self.clip((gx + glyph_w, gy + half));
                    self.c.rect(from, to, s)?;
                }
                Glyph::Line(s) => {
                    let ends = [self.clip((gx, gy)), self.clip((gx + glyph_w, gy))];
                    self.c.path(&ends, s)?;
                }
                Glyph::Dashed(s) => {
                    let (dash, (ax, ay)) = (theme.ipx(7), self.clip((gx, gy)));
                    self.c.path(&[(ax, ay), (ax + dash, ay)], s)?;
                    let end = ax + glyph_w;
                    self.c.path(&[(end - dash, ay), (end, ay)], s)?;
                }
                Glyph::Circle(s) => {
                    let center = self.clip((gx + mid, gy));
                    self.c.circle(center, theme.px(POINT_RADIUS), s)?;
                }
                Glyph::Diamond(s) => {
                    let points = diamond(self.clip((gx + mid, gy)), theme.ipx(6));
                    self.c.polygon(&points, s)?;
                }
            }
        }
        Ok(())
    }
}

fn diamond((x, y): Coord, size: i32) -> [Coord; 4] {
    [(x, y - size), (x + size, y), (x, y + size), (x - size, y)]
}

/// A dashed polyline through `points`: `dash` pixels drawn, `gap` skipped, continuing
/// around corners. The dash pattern and its `f32` stepping are plotters'
/// `DashedPathElement`'s, so dashes fall where they always did.
fn dashed(
    c: &mut dyn Canvas,
    points: &[Coord],
    dash: i32,
    gap: i32,
    style: &ShapeStyle,
) -> Result<(), PlotError> {
    let to_f = |(x, y): Coord| (x as f32, y as f32);
    let to_i = |(x, y): (f32, f32)| (x.round() as i32, y.round() as i32);
    let Some((&first, rest)) = points.split_first() else {
        return Ok(());
    };
    let (dash, gap) = (dash.max(0) as f32, gap.max(0) as f32);
    if dash == 0.0 {
        return Ok(());
    }
    let mut start = to_f(first);
    let mut dist = 0f32;
    let mut solid = true;
    let mut queue = vec![to_i(start)];
    for &p in rest {
        let end = to_f(p);
        while start != end {
            let (dx, dy) = (end.0 - start.0, end.1 - start.1);
            let d = dx.hypot(dy);
            let size = if solid { dash } else { gap };
            let left = size - dist;
            if left < d {
                let t = left / d;
                start = (start.0 + dx * t, start.1 + dy * t);
                dist += left;
            } else {
                start = end;
                dist += d;
            }
            if solid {
                queue.push(to_i(start));
            }
            if size <= dist {
                if solid {
                    c.path(&queue, style)?;
                    queue.clear();
                } else {
                    queue.push(to_i(start));
                }
                dist = 0.0;
                solid = !solid;
            }
        }
    }
    if queue.len() > 1 {
        c.path(&queue, style)?;
    }
    Ok(())
}

/// Learning curves fall towards the lower right while model-size curves rise, so no fixed
/// corner is always free; count the data in each corner and take the emptiest. Returns
/// `(right, upper)`.
fn legend_corner(axes: &Axes, ink: &[(f64, f64)]) -> (bool, bool) {
    let corners = [(true, true), (false, true), (true, false), (false, false)];
    let occupancy = |right: bool, upper: bool| {
        ink.iter()
            .filter_map(|&p| axes.normalized(p))
            .filter(|&(tx, ty)| (tx > 0.55) == right && (ty > 0.6) == upper)
            .filter(|&(tx, ty)| (right || tx < 0.45) && (upper || ty < 0.4))
            .count()
    };
    corners
        .into_iter()
        .min_by_key(|&(right, upper)| occupancy(right, upper))
        .unwrap_or((true, true))
}
