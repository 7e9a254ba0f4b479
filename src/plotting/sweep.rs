//! A sweep's plots: its runs behind the envelope's learning curve (faded, coloured by
//! model size), and the joint law over (N, D) with iso-loss contours, iso-FLOP lines
//! and the compute-optimal frontier, sampled here for `scalefit-plot` to draw.

use scalefit_core::sweep::{ComputeOptimal, JointParams};
use scalefit_plot::{JointPlot, LearningCurvePlot, SeriesCurve};

use super::{log_grid, Hover};
use crate::format::num;
use crate::view_model::sweep::{size_groups, SweepPage};

/// Samples along each contour, iso-FLOP line and the frontier.
const SAMPLES: usize = 120;
/// Most iso-loss contours and iso-FLOP lines drawn.
const MAX_LINES: usize = 7;

/// Adds a sweep's runs to the learning-curve plot of its envelope: one faded series per
/// group of model sizes, each run with its tooltip.
pub fn with_sweep_runs(plot: &mut LearningCurvePlot, hover: &mut Hover, page: &SweepPage) {
    let runs = page.sweep.runs();
    if !plot.points.is_empty() {
        plot.names = [
            "fit on the envelope".into(),
            "best run per data size".into(),
        ];
    }
    for (color, (name, idx)) in size_groups(runs).into_iter().enumerate() {
        let points: Vec<(f64, f64)> = idx.iter().map(|&i| (runs[i].m, runs[i].error)).collect();
        for &i in &idx {
            let r = &runs[i];
            hover.points.push((r.m, r.error));
            hover.labels.push(format!(
                "run: m = {}\nmodel size = {}\nerror = {}",
                num(r.m),
                num(r.s),
                num(r.error)
            ));
        }
        plot.family.push(SeriesCurve {
            name: name.clone(),
            color,
            points,
            faded: true,
            ..SeriesCurve::default()
        });
    }
}

/// `(lo, hi)` of the positive finite values, if any.
fn range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((f64::min(lo, v), f64::max(hi, v))),
        })
}

/// The contour `L(N, D) = level` over `ns` (the core solves the law for D).
fn contour(p: &JointParams, level: f64, ns: &[f64]) -> Vec<(f64, f64)> {
    ns.iter()
        .filter_map(|&n| p.data_size_at(n, level).map(|d| (n, d)))
        .collect()
}

/// The joint-law plot of a sweep (x: model size N, y: data size D), with its hover data.
pub fn joint_plot(page: &SweepPage) -> (JointPlot, Hover) {
    let r = &page.report;
    let p = r.joint.params;
    let k = page.options.flops_per_param;
    let runs: Vec<(f64, f64)> = page.sweep.runs().iter().map(|r| (r.s, r.m)).collect();
    let allocation = r.allocation.map(|a| (a.model_size, a.data_size));
    let target = r
        .target
        .as_ref()
        .and_then(|t| Some((t.model_size?, t.data_size?)));
    let marks: Vec<(f64, f64)> = runs
        .iter()
        .copied()
        .chain(allocation)
        .chain(target)
        .collect();
    let (Some((n_lo, n_hi)), Some((d_lo, d_hi))) = (
        range(marks.iter().map(|m| m.0)),
        range(marks.iter().map(|m| m.1)),
    ) else {
        return (JointPlot::default(), Hover::default());
    };
    // Curves are sampled a little past the marks; the plot clips them to its axes.
    let ns = log_grid(n_lo / 4.0, n_hi * 4.0, SAMPLES);
    let losses = range(page.sweep.runs().iter().map(|r| r.error));
    let mut levels: Vec<f64> = match losses {
        Some((lo, hi)) if hi - p.e > 0.0 => {
            let (top, bottom) = (hi - p.e, ((lo - p.e) / 2.0).max((hi - p.e) * 1e-3));
            (0..MAX_LINES - 1)
                .map(|i| {
                    let t = i as f64 / (MAX_LINES - 2) as f64;
                    p.e + (top.ln() + (bottom.ln() - top.ln()) * t).exp()
                })
                .collect()
        }
        _ => Vec::new(),
    };
    if let Some(t) = r.target.as_ref().filter(|t| t.reachable) {
        levels.push(t.target_error);
    }
    levels.sort_by(f64::total_cmp);
    let contours = levels
        .iter()
        .map(|&l| (l, contour(&p, l, &ns)))
        .filter(|(_, c)| c.len() >= 2)
        .collect();
    // Iso-FLOP lines at whole decades (every other one past the line budget).
    let units = range(marks.iter().map(|&(n, d)| k * n * d));
    let iso_flops = units
        .map(|(lo, hi)| {
            let (a, b) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
            let step = ((b - a) as usize / MAX_LINES + 1) as i32;
            (a..=b)
                .step_by(step.max(1) as usize)
                .map(|e| {
                    let c = 10f64.powi(e);
                    (c, ns.iter().map(|&n| (n, c / (k * n))).collect())
                })
                .collect()
        })
        .unwrap_or_default();
    let co = ComputeOptimal::new(&p, k);
    let frontier = match units {
        Some((lo, hi)) if co.is_defined() => log_grid(lo / 10.0, hi * 10.0, SAMPLES)
            .into_iter()
            .map(|c| (co.model_size(c), co.data_size(c)))
            .filter(|&(n, d)| {
                n >= n_lo / 2.0 && n <= n_hi * 2.0 && d >= d_lo / 2.0 && d <= d_hi * 2.0
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut hover = Hover {
        y_name: "data size",
        joint: Some((p, k)),
        ..Hover::default()
    };
    for run in page.sweep.runs() {
        hover.points.push((run.s, run.m));
        hover.labels.push(format!(
            "run: N = {}, D = {}\nloss = {}\nlaw: {}",
            num(run.s),
            num(run.m),
            num(run.error),
            num(p.eval(run.s, run.m))
        ));
    }
    if let (Some((n, d)), Some(a)) = (allocation, r.allocation) {
        hover.points.push((n, d));
        hover.labels.push(format!(
            "budget {} FLOPs\nN = {}, D = {}\nloss = {}",
            num(a.compute),
            num(n),
            num(d),
            num(a.loss)
        ));
    }
    if let (Some((n, d)), Some(t)) = (target, r.target.as_ref()) {
        hover.points.push((n, d));
        hover.labels.push(format!(
            "least compute for loss {}\n{} FLOPs\nN = {}, D = {}",
            num(t.target_error),
            t.compute.map_or("—".into(), num),
            num(n),
            num(d)
        ));
    }
    let plot = JointPlot {
        runs,
        contours,
        iso_flops,
        frontier,
        allocation,
        target,
        x_label: "model size N (parameters)".into(),
        y_label: "data size D (examples or tokens)".into(),
    };
    (plot, hover)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn contours_lie_on_their_level() {
        let p = JointParams {
            e: 1.8,
            a: 400.0,
            alpha: 0.34,
            b: 410.0,
            beta: 0.28,
        };
        let ns = log_grid(1e7, 1e10, 50);
        let c = contour(&p, 2.5, &ns);
        assert!(c.len() > 10);
        for (n, d) in c {
            assert!((p.eval(n, d) - 2.5).abs() < 1e-9);
        }
        // At or below the floor, nothing.
        assert!(contour(&p, 1.8, &ns).is_empty());
    }
}
