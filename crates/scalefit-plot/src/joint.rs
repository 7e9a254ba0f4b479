//! The joint-law plot of a sweep: model size N against data size D, log-log, with the
//! runs, iso-loss contours of `L(N, D)`, iso-FLOP lines `k N D = C` and the
//! compute-optimal frontier. The app samples every curve; this module only draws.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::canvas::{self, Area, Canvas};
use crate::chart::{self, clean, xs, ys, Axes, Chart};
use crate::scale::LogRange;
use crate::{PlotError, PlotFrame, Theme};

/// Everything the joint-law plot shows, in data units (x = model size N, y = data size
/// D); unplottable values are skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JointPlot {
    /// `(N, D)` of every run; faded markers.
    pub runs: Vec<(f64, f64)>,
    /// Iso-loss contours, each `(loss, path)`; the lowest loss is drawn darkest.
    pub contours: Vec<(f64, Vec<(f64, f64)>)>,
    /// Iso-FLOP lines, each `(compute, path)`; dashed.
    pub iso_flops: Vec<(f64, Vec<(f64, f64)>)>,
    /// The compute-optimal frontier `(N_opt(C), D_opt(C))`.
    pub frontier: Vec<(f64, f64)>,
    /// The budget's allocation, if a budget was given: a diamond.
    pub allocation: Option<(f64, f64)>,
    /// The least-compute point for the target, if reachable: a diamond.
    pub target: Option<(f64, f64)>,
    pub x_label: String,
    pub y_label: String,
}

/// Draws the joint-law plot onto `root` and returns the frame for hover lookups. With
/// nothing plottable, `root` shows "No data to plot" and the result is
/// [`PlotError::NoData`].
pub fn draw_joint<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &JointPlot,
    theme: &Theme,
) -> Result<PlotFrame, PlotError> {
    canvas::paint(root, &|c, area| draw(c, area, plot, theme))
}

/// `color` blended towards the background by `t` in `[0, 1]` (opaque, so overlapping
/// faded markers do not darken each other).
pub(crate) fn fade(color: RGBColor, theme: &Theme, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (f64::from(a) * (1.0 - t) + f64::from(b) * t).round() as u8;
    let bg = theme.background;
    RGBColor(mix(color.0, bg.0), mix(color.1, bg.1), mix(color.2, bg.2))
}

pub(crate) fn draw(
    c: &mut dyn Canvas,
    area: Area,
    plot: &JointPlot,
    theme: &Theme,
) -> Result<PlotFrame, PlotError> {
    chart::clear(c, area, theme)?;
    let runs = clean(&plot.runs);
    let frontier = clean(&plot.frontier);
    let contours: Vec<(f64, Vec<(f64, f64)>)> =
        plot.contours.iter().map(|(l, p)| (*l, clean(p))).collect();
    let flops: Vec<(f64, Vec<(f64, f64)>)> =
        plot.iso_flops.iter().map(|(f, p)| (*f, clean(p))).collect();
    let marks: Vec<(f64, f64)> = clean(
        &plot
            .allocation
            .into_iter()
            .chain(plot.target)
            .collect::<Vec<_>>(),
    );
    // The axes cover the runs, the frontier and the marks; contours and iso-FLOP lines
    // are sampled over that range by the caller and do not widen it.
    let core = [&runs, &frontier, &marks];
    let x = LogRange::covering(core.iter().flat_map(|s| xs(s)));
    let y = LogRange::covering(core.iter().flat_map(|s| ys(s)));
    let Some(axes) = Axes::new(x, y) else {
        return Err(chart::no_data(c, area, theme));
    };
    let inside = |p: &(f64, f64)| {
        let (lx, ly) = (p.0.log10(), p.1.log10());
        lx >= axes.x.lo && lx <= axes.x.hi && ly >= axes.y.lo && ly <= axes.y.hi
    };

    let mut chart = Chart::new(c, area, &axes, 0, theme)?;
    chart.draw_mesh(&plot.x_label, &plot.y_label)?;
    let flop_color = fade(theme.foreground, theme, 0.55);
    for (i, (_, path)) in flops.iter().enumerate() {
        let path: Vec<_> = path.iter().copied().filter(inside).collect();
        if i == 0 {
            chart.draw_dashed(&path, flop_color, "iso-FLOP lines (k N D = C)")?;
        } else {
            chart.dashes_unlabelled(&path, flop_color)?;
        }
    }
    let n = contours.len().max(1) as f64;
    for (i, (_, path)) in contours.iter().enumerate() {
        let path: Vec<_> = path.iter().copied().filter(inside).collect();
        let color = fade(theme.fit, theme, 0.6 * i as f64 / n);
        let label = if i == 0 { "iso-loss contours" } else { "" };
        chart.draw_line(&path, color, label)?;
    }
    chart.draw_line(&frontier, theme.extrapolation, "compute-optimal frontier")?;
    chart.draw_points(&runs, fade(theme.point, theme, 0.45), true, "runs")?;
    let size = theme.ipx(7);
    if let Some(p) = plot.allocation.filter(|p| marks.contains(p)) {
        let label = "budget's allocation";
        chart.draw_diamond(p, size, theme.target.filled(), label)?;
    }
    if let Some(p) = plot.target.filter(|p| marks.contains(p)) {
        chart.draw_diamond(
            p,
            size,
            theme.held_out.filled(),
            "least compute for the target",
        )?;
    }
    chart.draw_border()?;
    let frame = chart.frame;
    let ink: Vec<_> = core.into_iter().flatten().copied().collect();
    chart.draw_legend(&ink)?;
    Ok(frame)
}
