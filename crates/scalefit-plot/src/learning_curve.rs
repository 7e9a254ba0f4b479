//! The learning-curve plot: generalization error against training-set size m, log-log.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::chart::{self, band_extent, clean, xs, ys, Axes, REGION_STRIP};
use crate::scale::{format_tick, LogRange};
use crate::{PlotError, PlotFrame, Theme};

/// Everything the learning-curve plot shows, in data units. Values a log axis cannot show
/// (zero, negative, NaN, infinite, beyond 1e±300) are skipped, never an error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LearningCurvePlot {
    /// `(m, error)` points the fit used; filled markers.
    pub points: Vec<(f64, f64)>,
    /// `(m, error)` points held out from the fit; hollow markers.
    pub held_out: Vec<(f64, f64)>,
    /// Fitted curve samples within the data range.
    pub curve: Vec<(f64, f64)>,
    /// `(m, lo, hi)` 95% band; may be empty. `lo <= 0` is drawn at the bottom of the frame.
    pub band: Vec<(f64, f64, f64)>,
    /// Dashed continuation of the fit beyond the data, up to the target m*; may be empty.
    pub extrapolation: Vec<(f64, f64)>,
    /// Target error, drawn as a horizontal line.
    pub target: Option<f64>,
    /// Shaded m-intervals `(from, to, label)`, e.g. "small data", "power law", "irreducible".
    /// They are clipped to the data's x range rather than widening it.
    pub regions: Vec<(f64, f64, String)>,
    pub x_label: String,
    pub y_label: String,
    /// Legend names of the line and of the filled markers; empty: "power-law fit" and
    /// "fitted points".
    pub names: [String; 2],
}

/// Draws the learning curve onto `root` (any plotters backend) and returns the frame for
/// hover lookups. With nothing plottable, `root` shows "No data to plot" and the result is
/// [`PlotError::NoData`].
pub fn draw_learning_curve<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &LearningCurvePlot,
    theme: &Theme,
) -> Result<PlotFrame, PlotError> {
    chart::clear(root, theme)?;
    let points = clean(&plot.points);
    let held_out = clean(&plot.held_out);
    let curve = clean(&plot.curve);
    let extrapolation = clean(&plot.extrapolation);
    let series = [&points, &held_out, &curve, &extrapolation];
    let x = LogRange::covering(series.iter().flat_map(|s| xs(s)));
    let core_y = LogRange::covering(series.iter().flat_map(|s| ys(s)).chain(plot.target));
    let Some(axes) = Axes::new(x, band_extent(core_y, &plot.band)) else {
        return Err(chart::no_data(root, theme));
    };
    let target = plot.target.filter(|&t| crate::scale::log10_of(t).is_some());

    let strip = if plot.regions.is_empty() {
        0
    } else {
        REGION_STRIP
    };
    let (mut chart, frame) = chart::build(root, &axes, strip, theme)?;
    chart::draw_regions(root, &mut chart, &frame, &axes, &plot.regions, theme)?;
    chart::draw_mesh(&mut chart, &plot.x_label, &plot.y_label, theme)?;
    chart::draw_band(&mut chart, &axes, &plot.band, theme)?;
    if let Some(t) = target {
        let label = format!("target {}", format_tick(t));
        chart::draw_hline(&mut chart, &axes, t, theme.target, &label, theme)?;
    }
    let (fit, ext) = (theme.fit, theme.extrapolation);
    let [line_name, points_name] = chart::names(&plot.names, ["power-law fit", "fitted points"]);
    chart::draw_line(&mut chart, &curve, fit, line_name, theme)?;
    chart::draw_dashed(&mut chart, &extrapolation, ext, "extrapolation", theme)?;
    let (pt, ho) = (theme.point, theme.held_out);
    chart::draw_points(&mut chart, &points, pt, true, points_name, theme)?;
    chart::draw_points(&mut chart, &held_out, ho, false, "held-out points", theme)?;
    chart::draw_border(&chart, theme)?;
    let ink: Vec<_> = series.into_iter().flatten().copied().collect();
    chart::draw_legend(&mut chart, &axes, &ink, theme)?;
    Ok(frame)
}
