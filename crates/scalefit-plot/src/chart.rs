//! Shared chart plumbing: the log-log frame with its grid, and the series and decorations
//! both plots draw.

use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::scale::{format_tick, log10_of, ticks, LogRange};
use crate::{PlotError, PlotFrame, Theme};

pub(crate) type LogAxis = WithKeyPoints<LogCoord<f64>>;
pub(crate) type LogChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<LogAxis, LogAxis>>;

// Sizes below are logical pixels, multiplied by `Theme::scale` when used.
const MARGIN: u32 = 12;
/// Room under the plot for tick labels plus the axis title.
const X_LABEL_AREA: u32 = 48;
/// Room left of the plot for tick labels like `0.005` plus the rotated axis title.
const Y_LABEL_AREA: u32 = 72;
/// Strip above the plot holding region labels, so they never collide with the legend.
pub(crate) const REGION_STRIP: u32 = 22;
/// Below this the frame has no room for data; plotters' layout would go negative.
const MIN_PLOT: u32 = 40;
const FONT: &str = "sans-serif";
const TICK_FONT: u32 = 13;
const TITLE_FONT: u32 = 15;
const LEGEND_FONT: u32 = 13;
const POINT_RADIUS: u32 = 4;
const LINE_WIDTH: u32 = 2;
/// Width of a legend glyph.
const GLYPH: u32 = 20;

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
    (FONT, theme.px(size)).into_font().color(&theme.foreground)
}

/// Paints the background; every draw starts here so stale pixels never show through.
pub(crate) fn clear<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: &Theme,
) -> Result<(), PlotError> {
    root.fill(&theme.background)?;
    Ok(())
}

/// Leaves a visible "No data" note, so the app can simply show the canvas, and reports why.
pub(crate) fn no_data<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: &Theme,
) -> PlotError {
    let (w, h) = root.dim_in_pixel();
    let style = font(theme, TITLE_FONT).pos(Pos::new(HPos::Center, VPos::Center));
    let center = ((w / 2) as i32, (h / 2) as i32);
    match root.draw_text("No data to plot", &style, center) {
        Ok(()) => PlotError::NoData,
        Err(e) => e.into(),
    }
}

/// Sets up the log-log coordinate system (without drawing anything) and reports where the
/// plotting rectangle landed.
pub(crate) fn build<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    axes: &Axes,
    top_strip: u32,
    theme: &Theme,
) -> Result<(LogChart<'a, DB>, PlotFrame), PlotError> {
    let (width, height) = root.dim_in_pixel();
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
    let (xt, yt) = (ticks(axes.x), ticks(axes.y));
    let x_spec = (axes.x.min_value()..axes.x.max_value())
        .log_scale()
        .with_key_points(xt.major)
        .with_light_points(xt.minor);
    let y_spec = (axes.y.min_value()..axes.y.max_value())
        .log_scale()
        .with_key_points(yt.major)
        .with_light_points(yt.minor);
    let chart = ChartBuilder::on(root)
        .margin(margin)
        .margin_top(top)
        // Extra room on the right: the last x tick label is centred on the frame edge.
        .margin_right(2 * margin)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x_spec, y_spec)?;
    let (px, py) = chart.plotting_area().get_pixel_range();
    let frame = PlotFrame {
        plot_left: px.start,
        plot_top: py.start,
        plot_right: px.end - 1,
        plot_bottom: py.end - 1,
        x_range: (axes.x.lo, axes.x.hi),
        y_range: (axes.y.lo, axes.y.hi),
    };
    Ok((chart, frame))
}

/// Grid, axes, tick labels and axis titles.
pub(crate) fn draw_mesh<'a, DB: DrawingBackend + 'a>(
    chart: &mut LogChart<'a, DB>,
    x_label: &str,
    y_label: &str,
    theme: &Theme,
) -> Result<(), PlotError> {
    fn label(v: &f64) -> String {
        format_tick(*v)
    }
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .x_label_formatter(&label)
        .y_label_formatter(&label)
        .axis_style(theme.foreground)
        .bold_line_style(theme.grid)
        .light_line_style(theme.grid.mix(0.45))
        .label_style(font(theme, TICK_FONT))
        .axis_desc_style(font(theme, TITLE_FONT))
        .draw()?;
    Ok(())
}

/// A thin box around the plotting area; plotters only draws the left and bottom axes.
pub(crate) fn draw_border<'a, DB: DrawingBackend + 'a>(
    chart: &LogChart<'a, DB>,
    theme: &Theme,
) -> Result<(), PlotError> {
    let area = chart.plotting_area().strip_coord_spec();
    let (w, h) = area.dim_in_pixel();
    area.draw(&Rectangle::new(
        [(0, 0), (w as i32 - 1, h as i32 - 1)],
        theme.foreground.mix(0.6),
    ))?;
    Ok(())
}

/// Shaded m-intervals, alternating in strength so adjacent regions stay distinguishable,
/// with their labels in the strip above the frame (skipped when they don't fit).
pub(crate) fn draw_regions<'a, DB: DrawingBackend + 'a>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut LogChart<'a, DB>,
    frame: &PlotFrame,
    axes: &Axes,
    regions: &[(f64, f64, String)],
    theme: &Theme,
) -> Result<(), PlotError> {
    let (ylo, yhi) = (axes.y.min_value(), axes.y.max_value());
    let (base_x, base_y) = root.get_base_pixel();
    let style = font(theme, TICK_FONT).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (i, (a, b, label)) in regions.iter().enumerate() {
        let (Some(la), Some(lb)) = (log10_of(*a), log10_of(*b)) else {
            continue;
        };
        let (lo, hi) = (la.min(lb).max(axes.x.lo), la.max(lb).min(axes.x.hi));
        if lo >= hi {
            continue;
        }
        let (x0, x1) = (10f64.powf(lo), 10f64.powf(hi));
        let alpha = if i % 2 == 0 { 0.14 } else { 0.07 };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x0, ylo), (x1, yhi)],
            theme.region_shade.mix(alpha).filled(),
        )))?;
        let (Some((p0, _)), Some((p1, _))) = (frame.to_pixel(x0, ylo), frame.to_pixel(x1, ylo))
        else {
            continue;
        };
        let (text_w, _) = root.estimate_text_size(label, &style)?;
        if label.is_empty() || text_w as i32 > p1 - p0 {
            continue;
        }
        let at = (
            (p0 + p1) / 2 - base_x,
            frame.plot_top - theme.ipx(5) - base_y,
        );
        root.draw_text(label, &style, at)?;
    }
    Ok(())
}

/// The confidence band as one translucent polygon: upper edge left→right, lower edge back.
/// Lower bounds at or below zero (a symmetric band around a small error) are pinned to the
/// bottom of the frame instead of being dropped.
pub(crate) fn draw_band<'a, DB: DrawingBackend + 'a>(
    chart: &mut LogChart<'a, DB>,
    axes: &Axes,
    band: &[(f64, f64, f64)],
    theme: &Theme,
) -> Result<(), PlotError> {
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
        return Ok(());
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let outline: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| (r.0, r.2))
        .chain(rows.iter().rev().map(|r| (r.0, r.1)))
        .collect();
    let fill = theme.band.mix(0.18).filled();
    let (w, h) = (theme.ipx(GLYPH), theme.ipx(5));
    chart
        .draw_series(std::iter::once(Polygon::new(outline, fill)))?
        .label("95% band")
        .legend(move |(x, y)| Rectangle::new([(x, y - h), (x + w, y + h)], fill));
    Ok(())
}

pub(crate) fn draw_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut LogChart<'a, DB>,
    points: &[(f64, f64)],
    color: RGBColor,
    label: &str,
    theme: &Theme,
) -> Result<(), PlotError> {
    if points.len() < 2 {
        return Ok(());
    }
    let style = color.stroke_width(theme.px(LINE_WIDTH));
    let w = theme.ipx(GLYPH);
    chart
        .draw_series(LineSeries::new(points.iter().copied(), style))?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + w, y)], style));
    Ok(())
}

/// Dashes are laid out in pixels by plotters, so they look the same on any log range.
pub(crate) fn draw_dashed<'a, DB: DrawingBackend + 'a>(
    chart: &mut LogChart<'a, DB>,
    points: &[(f64, f64)],
    color: RGBColor,
    label: &str,
    theme: &Theme,
) -> Result<(), PlotError> {
    if points.len() < 2 {
        return Ok(());
    }
    let style = color.stroke_width(theme.px(LINE_WIDTH));
    let (dash, gap) = (theme.ipx(8), theme.ipx(5));
    let (dash_end, w) = (theme.ipx(7), theme.ipx(GLYPH));
    chart
        .draw_series(DashedLineSeries::new(
            points.iter().copied(),
            dash,
            gap,
            style,
        ))?
        .label(label)
        .legend(move |(x, y)| {
            EmptyElement::at((x, y))
                + PathElement::new(vec![(0, 0), (dash_end, 0)], style)
                + PathElement::new(vec![(w - dash_end, 0), (w, 0)], style)
        });
    Ok(())
}

/// A full-width horizontal line, e.g. the target error.
pub(crate) fn draw_hline<'a, DB: DrawingBackend + 'a>(
    chart: &mut LogChart<'a, DB>,
    axes: &Axes,
    y: f64,
    color: RGBColor,
    label: &str,
    theme: &Theme,
) -> Result<(), PlotError> {
    let ends = [(axes.x.min_value(), y), (axes.x.max_value(), y)];
    draw_line(chart, &ends, color, label, theme)
}

/// Markers: filled for fitted points, hollow rings for held-out ones.
pub(crate) fn draw_points<'a, DB: DrawingBackend + 'a>(
    chart: &mut LogChart<'a, DB>,
    points: &[(f64, f64)],
    color: RGBColor,
    filled: bool,
    label: &str,
    theme: &Theme,
) -> Result<(), PlotError> {
    if points.is_empty() {
        return Ok(());
    }
    let style = if filled {
        color.filled()
    } else {
        color.stroke_width(theme.px(LINE_WIDTH))
    };
    let (r, mid) = (theme.px(POINT_RADIUS), theme.ipx(GLYPH / 2));
    chart
        .draw_series(points.iter().map(|&p| Circle::new(p, r, style)))?
        .label(label)
        .legend(move |(x, y)| Circle::new((x + mid, y), r, style));
    Ok(())
}

/// Draws the legend, if any series was labelled, in the corner holding the least data.
pub(crate) fn draw_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut LogChart<'a, DB>,
    axes: &Axes,
    ink: &[(f64, f64)],
    theme: &Theme,
) -> Result<(), PlotError> {
    chart
        .configure_series_labels()
        .position(legend_corner(axes, ink))
        .margin(theme.px(8))
        .legend_area_size(theme.px(GLYPH + 8))
        .label_font(font(theme, LEGEND_FONT))
        .background_style(theme.background.mix(0.88))
        .border_style(theme.grid)
        .draw()?;
    Ok(())
}

/// Learning curves fall towards the lower right while model-size curves rise, so no fixed
/// corner is always free; count the data in each corner and take the emptiest.
fn legend_corner(axes: &Axes, ink: &[(f64, f64)]) -> SeriesLabelPosition {
    let corners = [
        (SeriesLabelPosition::UpperRight, true, true),
        (SeriesLabelPosition::UpperLeft, false, true),
        (SeriesLabelPosition::LowerRight, true, false),
        (SeriesLabelPosition::LowerLeft, false, false),
    ];
    let occupancy = |right: bool, upper: bool| {
        ink.iter()
            .filter_map(|&p| axes.normalized(p))
            .filter(|&(tx, ty)| (tx > 0.55) == right && (ty > 0.6) == upper)
            .filter(|&(tx, ty)| (right || tx < 0.45) && (upper || ty < 0.4))
            .count()
    };
    corners
        .into_iter()
        .min_by_key(|&(_, right, upper)| occupancy(right, upper))
        .map_or(SeriesLabelPosition::UpperRight, |c| c.0)
}
