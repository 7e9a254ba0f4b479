//! The model-size plot: parameters needed against training-set size m, log-log, with the
//! projected size at the target.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::canvas::{self, Area, Canvas};
use crate::chart::{self, band_extent, clean, xs, ys, Axes, Chart};
use crate::scale::{format_tick, log10_of, LogRange};
use crate::{PlotError, PlotFrame, Theme};

/// Everything the model-size plot shows, in data units; unplottable values are skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelSizePlot {
    /// `(m, model size)` measurements; filled markers.
    pub points: Vec<(f64, f64)>,
    /// Fitted curve samples. Sample it out to the projected m if the line should reach it.
    pub curve: Vec<(f64, f64)>,
    /// `(m, lo, hi)` 95% band; may be empty.
    pub band: Vec<(f64, f64, f64)>,
    /// `(m*, size*)`: the projected model size at the target, marked with a diamond and
    /// dashed guides to both axes.
    pub projected: Option<(f64, f64)>,
    pub x_label: String,
    pub y_label: String,
    /// Legend names of the line and of the filled markers; empty: "power-law fit" and
    /// "measured".
    pub names: [String; 2],
}

/// Draws the model-size plot onto `root` and returns the frame for hover lookups. With
/// nothing plottable, `root` shows "No data to plot" and the result is [`PlotError::NoData`].
pub fn draw_model_size<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &ModelSizePlot,
    theme: &Theme,
) -> Result<PlotFrame, PlotError> {
    canvas::paint(root, &|c, area| draw(c, area, plot, theme))
}

pub(crate) fn draw(
    c: &mut dyn Canvas,
    area: Area,
    plot: &ModelSizePlot,
    theme: &Theme,
) -> Result<PlotFrame, PlotError> {
    chart::clear(c, area, theme)?;
    let points = clean(&plot.points);
    let curve = clean(&plot.curve);
    let projected = plot
        .projected
        .filter(|&(x, y)| log10_of(x).is_some() && log10_of(y).is_some());
    let extra: Vec<_> = projected.into_iter().collect();
    let series = [&points, &curve, &extra];
    let x = LogRange::covering(series.iter().flat_map(|s| xs(s)));
    let core_y = LogRange::covering(series.iter().flat_map(|s| ys(s)));
    let Some(axes) = Axes::new(x, band_extent(core_y, &plot.band)) else {
        return Err(chart::no_data(c, area, theme));
    };

    let mut chart = Chart::new(c, area, &axes, 0, theme)?;
    chart.draw_mesh(&plot.x_label, &plot.y_label)?;
    chart.draw_band(&plot.band)?;
    let [line_name, points_name] = chart::names(&plot.names, ["power-law fit", "measured"]);
    chart.draw_line(&curve, theme.fit, line_name)?;
    chart.draw_points(&points, theme.point, true, points_name)?;
    if let Some(p) = projected {
        draw_projection(&mut chart, &axes, p, theme)?;
    }
    chart.draw_border()?;
    let frame = chart.frame;
    let ink: Vec<_> = series.into_iter().flatten().copied().collect();
    chart.draw_legend(&ink)?;
    Ok(frame)
}

/// A diamond at the projection, with dashed guides to both axes so m* and the size can be
/// read off.
fn draw_projection(
    chart: &mut Chart<'_>,
    axes: &Axes,
    (x, y): (f64, f64),
    theme: &Theme,
) -> Result<(), PlotError> {
    let color = theme.extrapolation;
    let guide = color.mix(0.6).stroke_width(theme.px(1));
    let (x0, y0) = (axes.x.min_value(), axes.y.min_value());
    let path = [(x0, y), (x, y), (x, y0)];
    chart.dashes(&path, theme.ipx(5), theme.ipx(4), &guide)?;
    let label = format!("projected: {} at m = {}", format_tick(y), format_tick(x));
    chart.draw_diamond((x, y), theme.ipx(7), color.filled(), &label)
}
