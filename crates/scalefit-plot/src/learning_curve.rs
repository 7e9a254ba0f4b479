//! The learning-curve plot: generalization error against training-set size m, log-log.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::canvas::{self, Area, Canvas};
use crate::chart::{self, band_extent, clean, xs, ys, Axes, Chart, REGION_STRIP};
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
    /// A family's series, each in its own colour (`Theme::series_color` of its index);
    /// drawn after the single-curve elements above.
    pub family: Vec<SeriesCurve>,
}

/// One series of a family on the learning-curve plot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeriesCurve {
    /// Legend name.
    pub name: String,
    /// Palette index (stable while other series are hidden).
    pub color: usize,
    /// `(m, error)` points; filled markers.
    pub points: Vec<(f64, f64)>,
    /// Fitted curve samples; may be empty (a series left out of the fit).
    pub curve: Vec<(f64, f64)>,
    /// Dashed continuation up to the target; may be empty.
    pub extrapolation: Vec<(f64, f64)>,
    /// Pointwise 95% band `(m, lo, hi)` around `curve` and `extrapolation`, in the
    /// series' colour; empty until the family's bootstrap is in.
    pub band: Vec<(f64, f64, f64)>,
    /// Drawn faded, behind the single-curve elements (a sweep's runs behind their
    /// envelope).
    pub faded: bool,
}

/// Draws the learning curve onto `root` (any plotters backend) and returns the frame for
/// hover lookups. With nothing plottable, `root` shows "No data to plot" and the result is
/// [`PlotError::NoData`].
pub fn draw_learning_curve<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &LearningCurvePlot,
    theme: &Theme,
) -> Result<PlotFrame, PlotError> {
    canvas::paint(root, &|c, area| draw(c, area, plot, theme))
}

pub(crate) fn draw(
    c: &mut dyn Canvas,
    area: Area,
    plot: &LearningCurvePlot,
    theme: &Theme,
) -> Result<PlotFrame, PlotError> {
    chart::clear(c, area, theme)?;
    let points = clean(&plot.points);
    let held_out = clean(&plot.held_out);
    let curve = clean(&plot.curve);
    let extrapolation = clean(&plot.extrapolation);
    let family: Vec<[Vec<(f64, f64)>; 3]> = plot
        .family
        .iter()
        .map(|s| [clean(&s.points), clean(&s.curve), clean(&s.extrapolation)])
        .collect();
    let mut series = vec![&points, &held_out, &curve, &extrapolation];
    series.extend(family.iter().flatten());
    let x = LogRange::covering(series.iter().flat_map(|s| xs(s)));
    let core_y = LogRange::covering(series.iter().flat_map(|s| ys(s)).chain(plot.target));
    let bands: Vec<(f64, f64, f64)> = plot
        .band
        .iter()
        .chain(
            plot.family
                .iter()
                .filter(|s| !s.faded)
                .flat_map(|s| &s.band),
        )
        .copied()
        .collect();
    let Some(axes) = Axes::new(x, band_extent(core_y, &bands)) else {
        return Err(chart::no_data(c, area, theme));
    };
    let target = plot.target.filter(|&t| crate::scale::log10_of(t).is_some());

    let strip = if plot.regions.is_empty() {
        0
    } else {
        REGION_STRIP
    };
    let mut chart = Chart::new(c, area, &axes, strip, theme)?;
    chart.draw_regions(&plot.regions)?;
    chart.draw_mesh(&plot.x_label, &plot.y_label)?;
    chart.draw_band(&plot.band)?;
    if let Some(t) = target {
        let label = format!("target {}", format_tick(t));
        chart.draw_hline(t, theme.target, &label)?;
    }
    let [line_name, points_name] = chart::names(&plot.names, ["power-law fit", "fitted points"]);
    // Faded series go under everything else.
    for (s, [pts, _, _]) in plot.family.iter().zip(&family).filter(|(s, _)| s.faded) {
        let color = crate::joint::fade(theme.series_color(s.color), theme, 0.35);
        chart.draw_points(pts, color, true, &s.name)?;
    }
    chart.draw_line(&curve, theme.fit, line_name)?;
    chart.draw_dashed(&extrapolation, theme.extrapolation, "extrapolation")?;
    chart.draw_points(&points, theme.point, true, points_name)?;
    chart.draw_points(&held_out, theme.held_out, false, "held-out points")?;
    // Bands first, under every series' line and points.
    for s in plot.family.iter().filter(|s| !s.faded) {
        chart.draw_series_band(&s.band, theme.series_color(s.color))?;
    }
    for (s, [pts, line, ext]) in plot.family.iter().zip(&family).filter(|(s, _)| !s.faded) {
        let color = theme.series_color(s.color);
        // Past the palette's eight colours, hollow markers tell a series apart.
        let filled = s.color < theme.series.len();
        chart.dashes_unlabelled(ext, color)?;
        chart.draw_line(line, color, &s.name)?;
        chart.draw_points(
            pts,
            color,
            filled,
            if line.len() < 2 { &s.name } else { "" },
        )?;
    }
    chart.draw_border()?;
    let frame = chart.frame;
    let ink: Vec<_> = series.into_iter().flatten().copied().collect();
    chart.draw_legend(&ink)?;
    Ok(frame)
}
