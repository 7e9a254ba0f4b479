//! The bridge from the core's results to `scalefit-plot`'s inputs: curve samples on a
//! log grid, the bootstrap band (pointwise 2.5/97.5 percentiles of the refitted
//! curves), the extrapolation to the target, region shading, the model-size plot, and
//! the text of hover tooltips.

use scalefit_core::analysis::Analysis;
use scalefit_core::bootstrap::interval95;
use scalefit_core::model::Form;
use scalefit_core::parse::Metric;
use scalefit_core::project::Reach;
use scalefit_plot::{LearningCurvePlot, ModelSizePlot, PlotFrame};

use crate::format::num;
use crate::view_model::Relative;

mod sweep;

pub use sweep::{joint_plot, with_sweep_runs};

/// A plot ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Plot {
    /// Error against training-set size.
    LearningCurve(LearningCurvePlot),
    /// Model size against training-set size.
    ModelSize(ModelSizePlot),
    /// A sweep's joint law over model size and data size.
    Joint(scalefit_plot::JointPlot),
}

/// Samples of a curve between the data and the projection.
const GRID: usize = 96;
/// The extrapolation is drawn at most this many decades past the largest size.
const MAX_DECADES: f64 = 6.0;

/// `n` sizes evenly spaced in log space from `lo` to `hi` (both included).
pub fn log_grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi >= lo && lo.is_finite() && hi.is_finite()) || n == 0 {
        return Vec::new();
    }
    if n == 1 || hi == lo {
        return vec![lo];
    }
    let (a, b) = (lo.ln(), hi.ln());
    (0..n)
        .map(|i| (a + (b - a) * i as f64 / (n - 1) as f64).exp())
        .collect()
}

/// Pointwise 95% band of `form` over bootstrap refits `samples`, on `grid`.
pub fn band(form: Form, samples: &[Vec<f64>], grid: &[f64]) -> Vec<(f64, f64, f64)> {
    if samples.is_empty() {
        return Vec::new();
    }
    grid.iter()
        .filter_map(|&m| {
            let (lo, hi) = interval95(samples.iter().map(|p| form.eval(p, m)))?;
            (lo.is_finite() && hi.is_finite()).then_some((m, lo, hi))
        })
        .collect()
}

/// Axis label of the error, from the metric and scale.
pub fn error_label(metric: Metric, percent: bool) -> String {
    let unit = if percent { " (%)" } else { "" };
    match metric {
        Metric::Error => format!("error{unit}"),
        Metric::Accuracy => format!("error = 1 − accuracy{unit}"),
    }
}

const X_LABEL: &str = "training-set size m";

/// What hover tooltips can say about a plot.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Hover {
    /// Marked points `(x, y)`.
    pub points: Vec<(f64, f64)>,
    /// How many of the leading `points` are fitted points and, after them, held-out
    /// ones, labelled from `curve` when hovered (a 10,000-point paste would format
    /// 10,000 labels at every redraw for the one under the cursor).
    pub fitted: (usize, usize),
    /// What each point after those is (same order).
    pub labels: Vec<String>,
    /// The fitted curve, to read off between points.
    pub curve: Option<(Form, Vec<f64>)>,
    /// The band, to read off between points.
    pub band: Vec<(f64, f64, f64)>,
    /// Name of the y quantity.
    pub y_name: &'static str,
    /// A sweep's joint law and `k`, to read `L(N, D)` and the compute off under the
    /// cursor (the joint-law plot: x is N, y is D).
    pub joint: Option<(scalefit_core::sweep::JointParams, f64)>,
}

impl Hover {
    /// The label of point `i`.
    fn label(&self, i: usize) -> Option<String> {
        let (fitted, held) = self.fitted;
        if i >= fitted + held {
            return self.labels.get(i - fitted - held).cloned();
        }
        let (m, y) = *self.points.get(i)?;
        let (form, params) = self.curve.as_ref()?;
        let fit = num(form.eval(params, m));
        let y_name = self.y_name;
        Some(if i < fitted {
            format!("m = {}\n{y_name} = {}\nfit: {fit}", num(m), num(y))
        } else {
            format!(
                "held out: m = {}\n{y_name} = {}\npredicted: {fit}",
                num(m),
                num(y)
            )
        })
    }

    /// The tooltip for canvas pixel `(px, py)`: the nearest point within `radius`
    /// pixels, else the curve under the cursor.
    pub fn describe(&self, frame: &PlotFrame, px: i32, py: i32, radius: f64) -> Option<String> {
        if let Some(i) = frame.nearest(px, py, &self.points, radius) {
            return self.label(i);
        }
        let (x, y) = frame.to_data(px, py)?;
        if let Some((p, k)) = &self.joint {
            return Some(format!(
                "N = {}\nD = {}\nL(N, D) = {}\nC = k N D = {} FLOPs",
                num(x),
                num(y),
                num(p.eval(x, y)),
                num(k * x * y)
            ));
        }
        let (form, params) = self.curve.as_ref()?;
        let mut s = format!(
            "m = {}\nfit: {} = {}",
            num(x),
            self.y_name,
            num(form.eval(params, x))
        );
        if let Some(&(_, lo, hi)) = self.band.iter().min_by(|a, b| {
            (a.0.ln() - x.ln())
                .abs()
                .total_cmp(&(b.0.ln() - x.ln()).abs())
        }) {
            s.push_str(&format!("\n95% band: {} – {}", num(lo), num(hi)));
        }
        Some(s)
    }
}

/// The learning-curve plot of an analysis, with its hover data.
pub fn learning_curve(a: &Analysis, metric: Metric, percent: bool) -> (LearningCurvePlot, Hover) {
    let (lo, hi) = a.m_range;
    let points: Vec<(f64, f64)> = a.m.iter().copied().zip(a.y.iter().copied()).collect();
    let held_max = a.held_out.iter().map(|p| p.0).fold(hi, f64::max);
    let target_m = a.projection.as_ref().and_then(|p| match p.reach {
        Reach::Reachable => p.data_size,
        _ => None,
    });
    let end = target_m
        .filter(|m| m.is_finite())
        .map_or(held_max, |m| m.max(held_max))
        .min(hi * 10f64.powf(MAX_DECADES));
    let curve = log_grid(lo, hi, GRID)
        .into_iter()
        .map(|m| (m, a.fit.eval(m)))
        .collect();
    let extrapolation = if end > hi {
        log_grid(hi, end, GRID / 2)
            .into_iter()
            .map(|m| (m, a.fit.eval(m)))
            .collect()
    } else {
        Vec::new()
    };
    let samples: &[Vec<f64>] = a.bootstrap.as_ref().map_or(&[], |b| &b.samples);
    let band = band(a.fit.form, samples, &log_grid(lo, end.max(hi), GRID));
    let regions = a
        .regions
        .as_ref()
        .map(|r| {
            let (far_lo, far_hi) = (lo.min(r.power_law_start) / 1e3, end.max(hi) * 1e3);
            let mut v = vec![(far_lo, r.power_law_start, "small data".to_string())];
            if r.power_law_end.is_finite() {
                v.push((r.power_law_start, r.power_law_end, "power law".into()));
                v.push((r.power_law_end, far_hi, "irreducible".into()));
            } else {
                v.push((r.power_law_start, far_hi, "power law".into()));
            }
            v
        })
        .unwrap_or_default();
    let mut hover_points = points.clone();
    hover_points.extend_from_slice(&a.held_out);
    let plot = LearningCurvePlot {
        points,
        held_out: a.held_out.clone(),
        curve,
        band: band.clone(),
        extrapolation,
        target: a.projection.as_ref().map(|p| p.target_error),
        regions,
        x_label: X_LABEL.into(),
        y_label: error_label(metric, percent),
        names: Default::default(),
        family: Vec::new(),
    };
    let hover = Hover {
        fitted: (plot.points.len(), plot.held_out.len()),
        points: hover_points,
        labels: Vec::new(),
        curve: Some((a.fit.form, a.fit.params.clone())),
        band,
        y_name: "error",
        joint: None,
    };
    (plot, hover)
}

/// The plot of a paper preset without data: the reported trend (or a power law through
/// the anchor), the anchor, and the anchored extrapolation to the target.
pub fn preset_curve(r: &Relative) -> (LearningCurvePlot, Hover) {
    let p = r.preset;
    let (m0, e0) = (r.anchor.m, r.anchor_error);
    // Reported trend alpha * m^beta_g, else the same exponent through the anchor.
    let through_anchor = e0 / m0.powf(p.beta_g);
    let params = vec![p.alpha.unwrap_or(through_anchor), p.beta_g];
    let anchored = vec![through_anchor, p.beta_g];
    let valid = m0 > 0.0 && m0.is_finite() && e0 > 0.0 && e0.is_finite();
    let end = r
        .data_size
        .filter(|m| m.is_finite() && *m > m0)
        .map(|m| m.min(m0 * 10f64.powf(MAX_DECADES)));
    let curve = if valid {
        log_grid(m0 / 1e3, m0, GRID)
            .into_iter()
            .map(|m| (m, Form::Power.eval(&params, m)))
            .collect()
    } else {
        Vec::new()
    };
    let extrapolation = match end {
        Some(end) if valid => log_grid(m0, end, GRID / 2)
            .into_iter()
            .map(|m| (m, Form::Power.eval(&anchored, m)))
            .collect(),
        _ => Vec::new(),
    };
    let points = if valid { vec![(m0, e0)] } else { Vec::new() };
    let plot = LearningCurvePlot {
        points: points.clone(),
        held_out: Vec::new(),
        curve,
        band: Vec::new(),
        extrapolation,
        target: r.target_error,
        regions: Vec::new(),
        x_label: format!("training-set size m ({})", p.unit),
        y_label: p.metric.to_string(),
        names: ["the paper's trend".into(), "your current point".into()],
        family: Vec::new(),
    };
    let hover = Hover {
        fitted: (0, 0),
        labels: vec![format!(
            "your current point\nm = {}\nerror = {}",
            num(m0),
            num(e0)
        )],
        points,
        curve: Some((Form::Power, params)),
        band: Vec::new(),
        y_name: "error",
        joint: None,
    };
    (plot, hover)
}

/// The model-size plot of an analysis: the fitted `s = sigma * m^beta_p` with its band
/// and the projected size, or a preset's `beta_p` anchored at the largest size.
pub fn model_size(a: &Analysis) -> Option<(ModelSizePlot, Hover)> {
    let proj = a.projection.as_ref();
    let m_star = proj.and_then(|p| p.data_size).filter(|m| m.is_finite());
    if let Some(sf) = &a.size_fit {
        let (lo, hi) = a.m_range;
        let end = m_star
            .map_or(hi, |m| m.max(hi))
            .min(hi * 10f64.powf(MAX_DECADES));
        let params = vec![sf.sigma, sf.beta_p];
        let grid = log_grid(lo, end, GRID);
        let curve = grid
            .iter()
            .map(|&m| (m, Form::Power.eval(&params, m)))
            .collect();
        let samples: Vec<Vec<f64>> = sf.samples.iter().map(|s| s.to_vec()).collect();
        let band = band(Form::Power, &samples, &grid);
        let projected = m_star.zip(proj.and_then(|p| p.model_size));
        let labels = a
            .sizes
            .iter()
            .map(|&(m, s)| format!("m = {}\nmodel size = {}", num(m), num(s)))
            .collect();
        let plot = ModelSizePlot {
            points: a.sizes.clone(),
            curve,
            band: band.clone(),
            projected,
            x_label: X_LABEL.into(),
            y_label: "model size (parameters)".into(),
            names: Default::default(),
        };
        let hover = Hover {
            fitted: (0, 0),
            points: a.sizes.clone(),
            labels,
            curve: Some((Form::Power, params)),
            band,
            y_name: "model size",
            joint: None,
        };
        return Some((plot, hover));
    }
    let (beta_p, s) = a.options.preset_beta_p?;
    let hi = a.m_range.1;
    anchored_size(hi, s, beta_p, m_star)
}

/// A preset's model-size law through `(m0, s0)`, or relative to today's size when
/// `s0` is unknown.
fn anchored_size(
    m0: f64,
    s0: Option<f64>,
    beta_p: f64,
    m_star: Option<f64>,
) -> Option<(ModelSizePlot, Hover)> {
    let (s0, y_label, y_name) = match s0 {
        Some(s) => (s, "model size (parameters)", "model size"),
        None => (1.0, "model size relative to today", "relative size"),
    };
    if !(m0 > 0.0 && m0.is_finite() && s0 > 0.0 && s0.is_finite()) {
        return None;
    }
    let end = m_star
        .filter(|m| *m > m0)
        .map_or(m0 * 100.0, |m| m.min(m0 * 10f64.powf(MAX_DECADES)));
    let params = vec![s0 / m0.powf(beta_p), beta_p];
    let curve = log_grid(m0 / 10.0, end, GRID)
        .into_iter()
        .map(|m| (m, Form::Power.eval(&params, m)))
        .collect();
    let projected = m_star
        .filter(|m| *m > m0)
        .map(|m| (m, Form::Power.eval(&params, m)));
    let plot = ModelSizePlot {
        points: vec![(m0, s0)],
        curve,
        band: Vec::new(),
        projected,
        x_label: X_LABEL.into(),
        y_label: y_label.into(),
        names: ["the paper's beta_p".into(), "today".into()],
    };
    let hover = Hover {
        fitted: (0, 0),
        points: vec![(m0, s0)],
        labels: vec![format!("today\nm = {}\n{y_name} = {}", num(m0), num(s0))],
        curve: Some((Form::Power, params)),
        band: Vec::new(),
        y_name,
        joint: None,
    };
    Some((plot, hover))
}

/// The model-size plot of a paper preset without data.
pub fn preset_model_size(r: &Relative) -> Option<(ModelSizePlot, Hover)> {
    let beta_p = r.preset.beta_p?;
    anchored_size(r.anchor.m, r.anchor.model_size, beta_p, r.data_size)
}

/// The learning-curve plot of a family: every shown series' points and separate fit
/// in its own colour (a series left out of the comparison: its points only).
pub fn family_curve(
    f: &crate::view_model::family::Family,
    metric: Metric,
    percent: bool,
) -> (LearningCurvePlot, Hover) {
    let y_name = "error";
    let mut hover = Hover {
        y_name,
        ..Hover::default()
    };
    let family = f
        .shown
        .iter()
        .map(|&i| {
            let s = &f.series[i];
            let points: Vec<(f64, f64)> = s.m.iter().copied().zip(s.y.iter().copied()).collect();
            for &(m, y) in &points {
                hover.points.push((m, y));
                hover
                    .labels
                    .push(format!("{}\nm = {}\n{y_name} = {}", s.name, num(m), num(y)));
            }
            let (lo, hi) = s.m.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &m| {
                (lo.min(m), hi.max(m))
            });
            let fit = crate::view_model::family::separate_fit(f, i).filter(|_| lo < hi);
            let curve: Vec<(f64, f64)> = fit
                .map(|fit| {
                    log_grid(lo, hi, GRID / 2)
                        .into_iter()
                        .map(|m| (m, fit.eval(m)))
                        .collect()
                })
                .unwrap_or_default();
            // Dashed on to where the series' own fit reaches the target, as far as the
            // single curve's extrapolation goes.
            let extrapolation = fit
                .zip(f.target_error)
                .and_then(|(fit, t)| fit.form.solve_m(&fit.params, t))
                .filter(|m| m.is_finite() && *m > hi)
                .map(|m_star| {
                    let end = m_star.min(hi * 10f64.powf(MAX_DECADES));
                    log_grid(hi, end, GRID / 2)
                        .into_iter()
                        .map(|m| (m, fit.map_or(f64::NAN, |fit| fit.eval(m))))
                        .collect()
                })
                .unwrap_or_default();
            // The band over the same sizes as the fit and its extrapolation.
            let band = fit
                .map(|fit| {
                    let draws = crate::view_model::family::separate_draws(f, i);
                    let sizes: Vec<f64> = curve
                        .iter()
                        .chain(&extrapolation)
                        .map(|&(m, _)| m)
                        .collect();
                    self::band(fit.form, draws, &sizes)
                })
                .unwrap_or_default();
            scalefit_plot::SeriesCurve {
                name: s.name.clone(),
                color: i,
                points,
                curve,
                extrapolation,
                band,
                faded: false,
            }
        })
        .collect();
    let plot = LearningCurvePlot {
        target: f.target_error,
        x_label: X_LABEL.into(),
        y_label: error_label(metric, percent),
        family,
        ..LearningCurvePlot::default()
    };
    (plot, hover)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use scalefit_core::permalink::State;
    use scalefit_core::presets::NMT_REAL_CSV;
    use scalefit_core::session;

    #[test]
    fn grid_ends_and_spacing() {
        let g = log_grid(10.0, 1000.0, 3);
        assert_eq!(g.len(), 3);
        assert!((g[1] - 100.0).abs() < 1e-9);
        assert_eq!(log_grid(0.0, 10.0, 5), Vec::<f64>::new());
        assert_eq!(log_grid(5.0, 5.0, 5), vec![5.0]);
    }

    #[test]
    fn band_brackets_the_samples() {
        let samples: Vec<Vec<f64>> = (0..101)
            .map(|i| vec![1.0 + i as f64 / 100.0, -0.5])
            .collect();
        let b = band(Form::Power, &samples, &[1.0, 100.0]);
        assert_eq!(b.len(), 2);
        assert!((b[0].1 - 1.025).abs() < 1e-9 && (b[0].2 - 1.975).abs() < 1e-9);
        assert!((b[1].1 - 0.1025).abs() < 1e-9);
        assert!(band(Form::Power, &[], &[1.0]).is_empty());
    }

    #[test]
    fn nmt_plot_has_everything() {
        let state = State {
            text: NMT_REAL_CSV.into(),
            target: Some(0.5),
            bootstrap: 40,
            ..State::default()
        };
        let parsed = session::parse_state(&state);
        let opts = session::analysis_options(&state, &parsed);
        let a = scalefit_core::analysis::analyze(&parsed.points, &parsed.held_out, &opts).unwrap();
        let (plot, hover) = learning_curve(&a, Metric::Error, false);
        assert_eq!(plot.points.len(), 10);
        assert_eq!(plot.held_out.len(), 1);
        assert!(!plot.band.is_empty());
        assert!(
            !plot.extrapolation.is_empty(),
            "held-out point lies beyond the data"
        );
        assert_eq!(plot.target, Some(0.5));
        assert_eq!(hover.fitted, (10, 1));
        assert!(hover.labels.is_empty());
        let (m, y) = hover.points[3];
        assert_eq!(
            hover.label(3),
            Some(format!(
                "m = {}\nerror = {}\nfit: {}",
                num(m),
                num(y),
                num(a.fit.eval(m))
            ))
        );
        let (m, y) = a.held_out[0];
        assert_eq!(
            hover.label(10),
            Some(format!(
                "held out: m = {}\nerror = {}\npredicted: {}",
                num(m),
                num(y),
                num(a.fit.eval(m))
            ))
        );
        assert_eq!(hover.label(11), None);
        assert!(model_size(&a).is_none());
    }

    #[test]
    fn each_series_of_a_family_is_extrapolated_to_the_target() {
        let state = State {
            text: NMT_REAL_CSV.into(),
            target: Some(0.3),
            family: Some(Default::default()),
            ..State::default()
        };
        let parsed = session::parse_state(&state);
        let f = crate::view_model::family::family(&state, &parsed)
            .unwrap()
            .unwrap();
        let (plot, _) = family_curve(&f, Metric::Error, false);
        assert_eq!(plot.family.len(), 5);
        for s in &plot.family {
            let last_m = s.points.iter().map(|p| p.0).fold(0.0, f64::max);
            if let Some(&(m, e)) = s.extrapolation.last() {
                assert!(m > last_m, "{}: beyond the data", s.name);
                assert!(
                    (e - 0.3).abs() < 1e-6 || m >= last_m * 1e6 * 0.999,
                    "{}: ends at the target ({e})",
                    s.name
                );
            }
        }
        assert!(
            plot.family.iter().any(|s| !s.extrapolation.is_empty()),
            "some series reach the target beyond their data"
        );
    }

    #[test]
    fn each_series_gets_its_band_once_the_bootstrap_is_in() {
        let state = State {
            text: NMT_REAL_CSV.into(),
            target: Some(0.3),
            bootstrap: 60,
            family: Some(Default::default()),
            ..State::default()
        };
        let parsed = session::parse_state(&state);
        let mut f = crate::view_model::family::family(&state, &parsed)
            .unwrap()
            .unwrap();
        let (plot, _) = family_curve(&f, Metric::Error, false);
        assert!(
            plot.family.iter().all(|s| s.band.is_empty()),
            "no band before the bootstrap"
        );
        let c = f.comparison.clone().unwrap();
        let draws = scalefit_core::family::bootstrap_draws(&f.members, &c, &f.options, 0..60);
        f.comparison = Ok(c.with_bootstrap(draws, 60));
        let (plot, _) = family_curve(&f, Metric::Error, false);
        assert_eq!(plot.family.len(), 5);
        for s in &plot.family {
            // Over the fit and its extrapolation, the band brackets the point fit at
            // (nearly) every size and widens past the data.
            let line: Vec<(f64, f64)> = s.curve.iter().chain(&s.extrapolation).copied().collect();
            assert_eq!(s.band.len(), line.len(), "{}: a band row per size", s.name);
            let inside = s
                .band
                .iter()
                .zip(&line)
                .filter(|((m, lo, hi), (mc, e))| m == mc && lo <= e && e <= hi)
                .count();
            assert!(
                inside * 10 >= line.len() * 9,
                "{}: {inside} of {} sizes inside",
                s.name,
                line.len()
            );
            let width = |b: &(f64, f64, f64)| (b.2 / b.1).ln();
            let first = s.band.first().map(width).unwrap();
            let last = s.band.last().map(width).unwrap();
            assert!(
                first > 0.0 && last.is_finite(),
                "{}: {first} {last}",
                s.name
            );
            // Past the data the band is wider than at its narrowest inside the data
            // (a floor form's band can be wider still at the smallest size).
            let narrowest = s.band[..s.curve.len()]
                .iter()
                .map(width)
                .fold(f64::INFINITY, f64::min);
            if !s.extrapolation.is_empty() {
                assert!(last > narrowest, "{}: wider at the target", s.name);
            }
        }
    }
}
