//! Families of learning curves (SPEC section 5): several series of one domain fitted
//! separately and with the exponent `beta_g` shared (optionally the floor `gamma` too),
//! the nested F-test of that restriction, and what each series needs at a target.
//!
//! The shared fit is a profile search, like the single-curve fitter: at a fixed shared
//! exponent (and floor) every series' other parameters solve on their own, globally, by
//! [`fit_form`] with the shared values held. So the joint objective is a function of
//! the shared values alone, `S(beta_g) = sum_i min SSR_i(beta_g)`, scanned on a grid and
//! refined by Brent's method between the best node's neighbours: the global optimum of
//! the joint problem up to that scan, with no local start to fall into.

use crate::bootstrap::{interval95, resample};
use crate::fit::{aicc, fit_form, Fit, FitOptions};
use crate::model::{Form, Loss, ModelChoice};
use crate::project::fmt_num;
use crate::stats::f_sf;

/// One series of a family: its name (from the group column) and its points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The series' name as the user wrote it.
    pub name: String,
    /// Training-set sizes.
    pub m: Vec<f64>,
    /// Errors at those sizes.
    pub y: Vec<f64>,
}

/// Which parameters the restricted fit shares across series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Shared {
    /// `beta_g` only (the paper's claim).
    #[default]
    BetaG,
    /// `beta_g` and the floor `gamma`.
    BetaGGamma,
}

impl Shared {
    /// Every setting, default first.
    pub const ALL: [Shared; 2] = [Shared::BetaG, Shared::BetaGGamma];

    /// The id used by the CLI (`--shared`) and the permalink.
    pub fn id(self) -> &'static str {
        match self {
            Shared::BetaG => "beta_g",
            Shared::BetaGGamma => "beta_g,gamma",
        }
    }

    /// Inverse of [`Shared::id`] (spaces around the comma allowed).
    pub fn from_id(s: &str) -> Option<Shared> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        Shared::ALL.into_iter().find(|v| v.id() == compact)
    }

    /// The shared parameters' names.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Shared::BetaG => &["beta_g"],
            Shared::BetaGGamma => &["beta_g", "gamma"],
        }
    }
}

serde_by_id!(Shared, "beta_g", "beta_g,gamma");

/// What a permalink keeps of a family view: the series the user hid (by name) and
/// the shared setting. Everything else is derived from the data.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyView {
    /// Series hidden from the plot and the comparison, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden: Vec<String>,
    /// What the restricted fit shares.
    #[serde(default)]
    pub shared: Shared,
}

/// Options of a family comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyOptions {
    /// The form for every series, or `auto`: the form with the lowest summed AICc over
    /// the series' separate fits. Default `auto`.
    pub model: ModelChoice,
    /// Residual convention; default [`Loss::Log`].
    pub loss: Loss,
    /// What the restricted fit shares; default `beta_g`.
    pub shared: Shared,
    /// Bootstrap resamples (0 = none); default 0.
    pub bootstrap: usize,
    /// Seed of the bootstrap streams.
    pub seed: u64,
    /// Target error for the per-series data needs; default none.
    pub target_error: Option<f64>,
}

impl Default for FamilyOptions {
    fn default() -> Self {
        FamilyOptions {
            model: ModelChoice::Auto,
            loss: Loss::Log,
            shared: Shared::BetaG,
            bootstrap: 0,
            seed: 0,
            target_error: None,
        }
    }
}

/// Why a family cannot be compared. The messages name the series concerned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FamilyError {
    /// Fewer than two series have enough points for the form.
    #[error("a comparison needs at least two series with enough points for {form}; {usable} of {total} have them")]
    TooFewSeries {
        /// Form id.
        form: &'static str,
        /// Series with enough points.
        usable: usize,
        /// Series given.
        total: usize,
    },
    /// The shared setting names a parameter the form does not have.
    #[error(
        "{form} has no {param} to share (choose power-floor or three-region, or share beta_g only)"
    )]
    NotInForm {
        /// Form id.
        form: &'static str,
        /// Parameter name.
        param: &'static str,
    },
    /// The restricted fit found no finite optimum.
    #[error("the fit with {shared} shared did not converge")]
    NoConvergence {
        /// The shared setting's id.
        shared: &'static str,
    },
}

/// The fit with the shared parameters held common to every series.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedFit {
    /// The common exponent.
    pub beta_g: f64,
    /// The common floor, when shared.
    pub gamma: Option<f64>,
    /// Each series' fit at the common values (its other parameters free).
    pub fits: Vec<Fit>,
    /// Summed sum of squared residuals.
    pub ssr: f64,
    /// Free parameters of the joint problem.
    pub k: usize,
}

/// Bootstrap intervals of a comparison (resampling points within each series).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FamilyBootstrap {
    /// Resamples asked for.
    pub requested: usize,
    /// Resamples where a fit failed.
    pub failed: usize,
    /// The shared exponent's interval.
    pub beta_g: Option<(f64, f64)>,
    /// Each included series' own exponent (separate fits).
    pub series_beta_g: Vec<Option<(f64, f64)>>,
    /// Each included series' data need at the target relative to the reference series.
    pub data_ratio: Vec<Option<(f64, f64)>>,
}

/// One series' data need at the target (from the shared fit, where the exponent is
/// common and the comparison is the paper's "who needs less data").
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    /// Training-set size at which the series' shared-fit curve reaches the target;
    /// `None` when it never does (at or below its floor).
    pub data_size: Option<f64>,
    /// `data_size` over the reference series' (the first included series).
    pub ratio: Option<f64>,
}

/// A family comparison: separate and shared fits, the F-test, per-series needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The family's form.
    pub form: Form,
    /// What is shared.
    pub shared: Shared,
    /// Indices (into the input) of the series compared.
    pub included: Vec<usize>,
    /// Series left out, with why (too few points for the form).
    pub excluded: Vec<(String, String)>,
    /// Each included series' own fit.
    pub separate: Vec<Fit>,
    /// The restricted fit.
    pub shared_fit: SharedFit,
    /// Summed SSR of the separate fits.
    pub ssr_separate: f64,
    /// SSR of the shared fit.
    pub ssr_shared: f64,
    /// AICc of the separate fits as one model (summed SSR, all parameters).
    pub aicc_separate: f64,
    /// AICc of the shared fit.
    pub aicc_shared: f64,
    /// `((SSR_shared - SSR_sep) / q) / (SSR_sep / (n - k_sep))`, `q` the restrictions.
    pub f_statistic: f64,
    /// Upper tail of F(q, n - k_sep) at the statistic.
    pub p_value: f64,
    /// `p_value >= 0.05`: the data do not reject one exponent for all.
    pub consistent: bool,
    /// Data needs at the target, per included series (empty without a target).
    pub needs: Vec<Need>,
    /// Bootstrap intervals (requested 0 when not run).
    pub bootstrap: FamilyBootstrap,
}

impl Comparison {
    /// Degrees of freedom of the test: restrictions `q` and residual `n - k_sep`.
    pub fn dof(&self) -> (usize, usize) {
        let k_sep: usize = self.separate.iter().map(|f| f.k).sum();
        let n: usize = self.separate.iter().map(|f| f.n).sum();
        (
            k_sep.saturating_sub(self.shared_fit.k),
            n.saturating_sub(k_sep),
        )
    }

    /// Position in `included` of the series that reaches the target with the least
    /// data, when a target is set and some series reaches it.
    pub fn least_data(&self) -> Option<usize> {
        self.needs
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.data_size.map(|d| (i, d)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }
}

/// Distinct sizes a series needs for a form: one more than its parameters.
fn needs_points(form: Form) -> usize {
    form.n_params() + 1
}

fn distinct(m: &[f64]) -> usize {
    let mut v: Vec<f64> = m.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v.len()
}

/// Compares the series of a family. Series with too few points for the form are left
/// out (named in [`Comparison::excluded`]); at least two must remain.
///
/// # Errors
/// [`FamilyError`] when fewer than two series can be compared, the shared setting does
/// not fit the form, or no fit converges.
pub fn compare(series: &[Series], options: &FamilyOptions) -> Result<Comparison, FamilyError> {
    let form = choose_form(series, options)?;
    if options.shared == Shared::BetaGGamma && form.gamma_index().is_none() {
        return Err(FamilyError::NotInForm {
            form: form.id(),
            param: "gamma",
        });
    }
    let fit_opts = FitOptions {
        loss: options.loss,
        fixed: Vec::new(),
    };
    let mut included = Vec::new();
    let mut excluded = Vec::new();
    let mut separate = Vec::new();
    for (i, s) in series.iter().enumerate() {
        let have = distinct(&s.m);
        if have < needs_points(form) {
            excluded.push((
                s.name.clone(),
                format!(
                    "{} points with distinct sizes; {} needs {}",
                    have,
                    form.id(),
                    needs_points(form)
                ),
            ));
            continue;
        }
        match fit_form(&s.m, &s.y, form, &fit_opts) {
            Ok(f) => {
                included.push(i);
                separate.push(f);
            }
            Err(e) => excluded.push((s.name.clone(), e.to_string())),
        }
    }
    if included.len() < 2 {
        return Err(FamilyError::TooFewSeries {
            form: form.id(),
            usable: included.len(),
            total: series.len(),
        });
    }
    let members: Vec<&Series> = included.iter().map(|&i| &series[i]).collect();
    let own: Vec<f64> = separate
        .iter()
        .map(|f| f.params[form.beta_index()])
        .collect();
    let mut grid = beta_grid(73, -3.0, 1.5);
    grid.extend(own.iter().copied().filter(|b| b.is_finite()));
    let shared_fit = shared_search(&members, form, options.loss, options.shared, &grid).ok_or(
        FamilyError::NoConvergence {
            shared: options.shared.id(),
        },
    )?;

    let ssr_separate: f64 = separate.iter().map(|f| f.ssr).sum();
    let k_sep: usize = separate.iter().map(|f| f.k).sum();
    let n: usize = separate.iter().map(|f| f.n).sum();
    let ssr_shared = shared_fit.ssr;
    let q = k_sep.saturating_sub(shared_fit.k);
    let resid = n.saturating_sub(k_sep);
    let f_statistic = if q == 0 || resid == 0 || ssr_separate <= 0.0 {
        f64::NAN
    } else {
        ((ssr_shared - ssr_separate).max(0.0) / q as f64) / (ssr_separate / resid as f64)
    };
    let p_value = if f_statistic.is_nan() {
        f64::NAN
    } else {
        f_sf(f_statistic, q as f64, resid as f64)
    };
    let needs = options
        .target_error
        .map(|t| needs_at(form, &shared_fit.fits, t))
        .unwrap_or_default();
    let mut out = Comparison {
        form,
        shared: options.shared,
        included,
        excluded,
        separate,
        aicc_separate: aicc(ssr_separate, n, k_sep),
        aicc_shared: aicc(ssr_shared, n, shared_fit.k),
        shared_fit,
        ssr_separate,
        ssr_shared,
        f_statistic,
        p_value,
        consistent: p_value >= 0.05,
        needs,
        bootstrap: FamilyBootstrap::default(),
    };
    if options.bootstrap > 0 {
        out.bootstrap =
            bootstrap(&members, &out, options, 0..options.bootstrap).summarise(options.bootstrap);
    }
    Ok(out)
}

/// The form of the family: the chosen one, or under `auto` the form with the lowest
/// summed AICc among those every series with enough points can take.
fn choose_form(series: &[Series], options: &FamilyOptions) -> Result<Form, FamilyError> {
    if let ModelChoice::Form(f) = options.model {
        return Ok(f);
    }
    let fit_opts = FitOptions {
        loss: options.loss,
        fixed: Vec::new(),
    };
    let mut best: Option<(f64, Form)> = None;
    for form in Form::ALL {
        if options.shared == Shared::BetaGGamma && form.gamma_index().is_none() {
            continue;
        }
        let usable: Vec<&Series> = series
            .iter()
            .filter(|s| distinct(&s.m) >= needs_points(form))
            .collect();
        if usable.len() < 2 {
            continue;
        }
        let total: Option<f64> = usable
            .iter()
            .map(|s| fit_form(&s.m, &s.y, form, &fit_opts).ok().map(|f| f.aicc))
            .sum();
        if let Some(t) = total.filter(|t| t.is_finite()) {
            if best.is_none_or(|(b, _)| t < b) {
                best = Some((t, form));
            }
        }
    }
    best.map(|(_, f)| f).ok_or(FamilyError::TooFewSeries {
        form: "any form",
        usable: series
            .iter()
            .filter(|s| distinct(&s.m) >= needs_points(Form::Power))
            .count(),
        total: series.len(),
    })
}

fn beta_grid(n: usize, lo: f64, hi: f64) -> Vec<f64> {
    (0..n)
        .map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
        .collect()
}

/// Every member fitted with `beta_g` (and `gamma`) held: the summed SSR and the fits.
fn profile(
    members: &[&Series],
    form: Form,
    loss: Loss,
    beta: f64,
    gamma: Option<f64>,
) -> Option<(f64, Vec<Fit>)> {
    let mut fixed = vec![("beta_g".to_string(), beta)];
    if let Some(g) = gamma {
        fixed.push(("gamma".to_string(), g));
    }
    let opts = FitOptions { loss, fixed };
    let mut total = 0.0;
    let mut fits = Vec::with_capacity(members.len());
    for s in members {
        let f = fit_form(&s.m, &s.y, form, &opts).ok()?;
        if !f.ssr.is_finite() {
            return None;
        }
        total += f.ssr;
        fits.push(f);
    }
    Some((total, fits))
}

/// The restricted fit's global optimum over the shared values: `grid` scanned for
/// `beta_g`, the best node refined by Brent between its neighbours; with a shared
/// floor, the floor is profiled the same way inside every `beta_g` evaluation.
fn shared_search(
    members: &[&Series],
    form: Form,
    loss: Loss,
    shared: Shared,
    grid: &[f64],
) -> Option<SharedFit> {
    let mut grid: Vec<f64> = grid.iter().copied().filter(|b| b.is_finite()).collect();
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    let y_min = members
        .iter()
        .flat_map(|s| s.y.iter().copied())
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    // The objective at one exponent, its floor (when shared) profiled out.
    let at = |b: f64| -> Option<(f64, Option<f64>)> {
        match shared {
            Shared::BetaG => profile(members, form, loss, b, None).map(|(s, _)| (s, None)),
            Shared::BetaGGamma => {
                if !(y_min > 0.0 && y_min.is_finite()) {
                    return None;
                }
                let gs = beta_grid(13, 0.0, 0.96 * y_min);
                let (g, s) = minimise_1d(&gs, |g| {
                    profile(members, form, loss, b, Some(g)).map(|(s, _)| s)
                })?;
                Some((s, Some(g)))
            }
        }
    };
    let (beta, _) = minimise_1d(&grid, |b| at(b).map(|(s, _)| s))?;
    let (_, gamma) = at(beta)?;
    let (ssr, fits) = profile(members, form, loss, beta, gamma)?;
    let k = fits.iter().map(|f| f.k).sum::<usize>() + shared.names().len();
    Some(SharedFit {
        beta_g: beta,
        gamma,
        fits,
        ssr,
        k,
    })
}

/// The minimum of `f` over a sorted grid, refined by Brent's method between the best
/// node's neighbours. `None` when `f` is undefined on every node.
fn minimise_1d(grid: &[f64], f: impl Fn(f64) -> Option<f64>) -> Option<(f64, f64)> {
    let values: Vec<f64> = grid
        .iter()
        .map(|&x| f(x).unwrap_or(f64::INFINITY))
        .collect();
    let (best, &fbest) = values
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))?;
    if !fbest.is_finite() {
        return None;
    }
    let lo = grid[best.saturating_sub(1)];
    let hi = grid[(best + 1).min(grid.len() - 1)];
    let g = |x: f64| f(x).unwrap_or(f64::INFINITY);
    let (x, fx) = brent(lo, grid[best], hi, fbest, g);
    Some(if fx <= fbest {
        (x, fx)
    } else {
        (grid[best], fbest)
    })
}

/// Brent's minimisation on `[a, b]` from an interior point `x` with value `fx`: golden
/// sections with parabolic steps, to a relative tolerance of 1e-10 in `x`.
fn brent(mut a: f64, x0: f64, mut b: f64, fx0: f64, f: impl Fn(f64) -> f64) -> (f64, f64) {
    const GOLD: f64 = 0.381_966_011_250_105_1;
    const TOL: f64 = 1e-10;
    let (mut x, mut w, mut v) = (x0, x0, x0);
    let (mut fx, mut fw, mut fv) = (fx0, fx0, fx0);
    let (mut d, mut e) = (0.0_f64, 0.0_f64);
    for _ in 0..100 {
        let mid = 0.5 * (a + b);
        let tol1 = TOL * x.abs() + 1e-12;
        let tol2 = 2.0 * tol1;
        if (x - mid).abs() <= tol2 - 0.5 * (b - a) {
            break;
        }
        let mut golden = true;
        if e.abs() > tol1 {
            let r = (x - w) * (fx - fv);
            let mut q = (x - v) * (fx - fw);
            let mut p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            }
            q = q.abs();
            if p.abs() < (0.5 * q * e).abs() && p > q * (a - x) && p < q * (b - x) {
                e = d;
                d = p / q;
                let u = x + d;
                if u - a < tol2 || b - u < tol2 {
                    d = if mid >= x { tol1 } else { -tol1 };
                }
                golden = false;
            }
        }
        if golden {
            e = if x >= mid { a - x } else { b - x };
            d = GOLD * e;
        }
        let u = if d.abs() >= tol1 {
            x + d
        } else {
            x + tol1.copysign(d)
        };
        let fu = f(u);
        if fu <= fx {
            if u >= x {
                a = x;
            } else {
                b = x;
            }
            (v, fv, w, fw, x, fx) = (w, fw, x, fx, u, fu);
        } else {
            if u < x {
                a = u;
            } else {
                b = u;
            }
            if fu <= fw || w == x {
                (v, fv, w, fw) = (w, fw, u, fu);
            } else if fu <= fv || v == x || v == w {
                (v, fv) = (u, fu);
            }
        }
    }
    (x, fx)
}

/// Data needs at `target` from the shared fit's per-series curves; ratios against the
/// first series.
fn needs_at(form: Form, fits: &[Fit], target: f64) -> Vec<Need> {
    let sizes: Vec<Option<f64>> = fits
        .iter()
        .map(|f| form.solve_m(&f.params, target))
        .collect();
    let reference = sizes.first().copied().flatten();
    sizes
        .into_iter()
        .map(|d| Need {
            data_size: d,
            ratio: d.zip(reference).map(|(d, r)| d / r),
        })
        .collect()
}

/// Stream offset of family resamples (apart from the single-curve streams).
const FAMILY_STREAM: u64 = 1 << 41;

/// One resample's refits: the shared exponent, each series' own, the data ratios.
type Draw = Option<DrawValues>;
/// The shared exponent, each series' own exponent, each series' data ratio.
type DrawValues = (f64, Vec<f64>, Vec<Option<f64>>);

/// Raw bootstrap draws for resamples `range`: resample `r` of series `i` uses stream
/// `FAMILY_STREAM + r * S + i`, so chunks in any order give the same draws.
fn bootstrap(
    members: &[&Series],
    c: &Comparison,
    options: &FamilyOptions,
    range: std::ops::Range<usize>,
) -> Draws {
    let s = members.len() as u64;
    let form = c.form;
    let fit_opts = FitOptions {
        loss: options.loss,
        fixed: Vec::new(),
    };
    let draws = range
        .map(|r| -> Draw {
            let mut resampled = Vec::with_capacity(members.len());
            let mut own = Vec::with_capacity(members.len());
            for (i, m) in members.iter().enumerate() {
                let stream = FAMILY_STREAM + r as u64 * s + i as u64;
                let idx = resample(&m.m, options.seed, stream, needs_points(form))?;
                let rs = Series {
                    name: m.name.clone(),
                    m: idx.iter().map(|&j| m.m[j]).collect(),
                    y: idx.iter().map(|&j| m.y[j]).collect(),
                };
                own.push(fit_form(&rs.m, &rs.y, form, &fit_opts).ok()?.params[form.beta_index()]);
                resampled.push(rs);
            }
            let refs: Vec<&Series> = resampled.iter().collect();
            // A local scan around the point estimate and this resample's own exponents.
            let b0 = c.shared_fit.beta_g;
            let mut grid: Vec<f64> = (-6..=6).map(|k| b0 + 0.05 * k as f64).collect();
            grid.extend(own.iter().copied());
            let fit = shared_search(&refs, form, options.loss, options.shared, &grid)?;
            let ratios = options
                .target_error
                .map(|t| {
                    needs_at(form, &fit.fits, t)
                        .into_iter()
                        .map(|n| n.ratio)
                        .collect()
                })
                .unwrap_or_default();
            Some((fit.beta_g, own, ratios))
        })
        .collect();
    Draws(draws)
}

/// Bootstrap draws before they are summarised.
#[derive(Debug)]
struct Draws(Vec<Draw>);

impl Draws {
    fn summarise(self, requested: usize) -> FamilyBootstrap {
        let ok: Vec<&DrawValues> = self.0.iter().flatten().collect();
        let series = ok.first().map_or(0, |d| d.1.len());
        let ratios = ok.first().map_or(0, |d| d.2.len());
        FamilyBootstrap {
            requested,
            failed: self.0.len() - ok.len(),
            beta_g: interval95(ok.iter().map(|d| d.0)),
            series_beta_g: (0..series)
                .map(|i| interval95(ok.iter().map(|d| d.1[i])))
                .collect(),
            data_ratio: (0..ratios)
                .map(|i| interval95(ok.iter().map(|d| d.2[i].unwrap_or(f64::NAN))))
                .collect(),
        }
    }
}

/// The plain sentence of SPEC section 5 for a comparison. `names` are the input
/// series' names; `target_label` names the target as the user set it (e.g. "a target
/// error of 0.35").
pub fn sentence(c: &Comparison, names: &[String], target_label: Option<&str>) -> String {
    let n = c.included.len();
    let p = fmt_p(c.p_value);
    let mut out = if c.consistent {
        let ci = match c.bootstrap.beta_g {
            Some((lo, hi)) => format!(" (95% CI {} to {}; F-test {p})", fmt_num(lo), fmt_num(hi)),
            None => format!(" (F-test {p})"),
        };
        format!(
            "One exponent fits all {n} series: beta_g = {}{ci}.",
            fmt_num(c.shared_fit.beta_g)
        )
    } else {
        let own = c.separate.iter().map(|f| f.params[c.form.beta_index()]);
        let lo = own.clone().fold(f64::INFINITY, f64::min);
        let hi = own.fold(f64::NEG_INFINITY, f64::max);
        format!(
            "The exponents differ ({p}): the separate fits give beta_g from {} to {}.",
            fmt_num(lo),
            fmt_num(hi)
        )
    };
    if let (Some(label), Some(best)) = (target_label, c.least_data()) {
        let name = |i: usize| names.get(c.included[i]).map_or("?", |s| s.as_str());
        if best == 0 {
            let second = (1..c.needs.len())
                .filter_map(|i| c.needs[i].ratio.map(|r| (i, r)))
                .min_by(|a, b| a.1.total_cmp(&b.1));
            out.push_str(&match second {
                Some((i, r)) => format!(
                    " At {label}, `{}` needs the least data; `{}` needs {}x as much.",
                    name(0),
                    name(i),
                    fmt_num(r)
                ),
                None => format!(" At {label}, only `{}` reaches the target.", name(0)),
            });
        } else if let Some(r) = c.needs[best].ratio {
            out.push_str(&format!(
                " At {label}, `{}` needs {}x the data of `{}`.",
                name(best),
                fmt_num(r),
                name(0)
            ));
        }
    }
    out
}

/// `p = 0.41`, or `p < 0.001` below that (more digits there say nothing).
fn fmt_p(p: f64) -> String {
    if p.is_finite() && p < 0.001 {
        "p < 0.001".into()
    } else {
        format!("p = {}", fmt_num(p))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A family of power-floor curves, `alphas` and `betas` per series, multiplicative
    /// noise of relative size `noise`, `n` points over `decades` from 1e3.
    fn family(
        alphas: &[f64],
        betas: &[f64],
        gamma: f64,
        n: usize,
        decades: f64,
        noise: f64,
        seed: u64,
    ) -> Vec<Series> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        alphas
            .iter()
            .zip(betas)
            .enumerate()
            .map(|(i, (&a, &b))| {
                let m: Vec<f64> = (0..n)
                    .map(|j| 1e3 * 10f64.powf(decades * j as f64 / (n - 1) as f64))
                    .collect();
                let y = m
                    .iter()
                    .map(|&m| {
                        // Box-Muller normal draw.
                        let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-12), rng.random());
                        let z = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos();
                        (a * m.powf(b) + gamma) * (noise * z).exp()
                    })
                    .collect();
                Series {
                    name: format!("s{i}"),
                    m,
                    y,
                }
            })
            .collect()
    }

    fn opts(form: Form) -> FamilyOptions {
        FamilyOptions {
            model: ModelChoice::Form(form),
            ..FamilyOptions::default()
        }
    }

    #[test]
    fn shared_fit_is_the_minimum_of_a_dense_scan() {
        let fam = family(
            &[5.0, 3.0, 8.0],
            &[-0.3, -0.32, -0.28],
            0.02,
            10,
            2.5,
            0.03,
            3,
        );
        let c = compare(&fam, &opts(Form::PowerFloor)).unwrap();
        let members: Vec<&Series> = fam.iter().collect();
        let best_scan = (0..=300)
            .map(|i| -0.45 + 0.3 * i as f64 / 300.0)
            .filter_map(|b| profile(&members, Form::PowerFloor, Loss::Log, b, None).map(|(s, _)| s))
            .fold(f64::INFINITY, f64::min);
        assert!(
            c.ssr_shared <= best_scan * (1.0 + 1e-9),
            "{} vs scan {best_scan}",
            c.ssr_shared
        );
        assert!(c.ssr_shared >= c.ssr_separate * (1.0 - 1e-9));
        assert_eq!(
            c.shared_fit.k,
            c.separate.iter().map(|f| f.k).sum::<usize>() - 2
        );
        assert!(
            (c.shared_fit.beta_g + 0.3).abs() < 0.05,
            "{}",
            c.shared_fit.beta_g
        );
        for f in &c.shared_fit.fits {
            assert_eq!(f.params[1], c.shared_fit.beta_g);
        }
    }

    #[test]
    fn power_family_shared_exponent_is_the_pooled_slope() {
        // Under log loss a power law is a line in log-log space: the shared fit is
        // parallel lines, solvable exactly.
        let fam = family(&[5.0, 3.0], &[-0.3, -0.3], 0.0, 8, 3.0, 0.02, 11);
        let c = compare(&fam, &opts(Form::Power)).unwrap();
        let (mut sxy, mut sxx) = (0.0, 0.0);
        for s in &fam {
            let lx: Vec<f64> = s.m.iter().map(|v| v.ln()).collect();
            let ly: Vec<f64> = s.y.iter().map(|v| v.ln()).collect();
            let (mx, my) = (
                lx.iter().sum::<f64>() / lx.len() as f64,
                ly.iter().sum::<f64>() / ly.len() as f64,
            );
            for (x, y) in lx.iter().zip(&ly) {
                sxy += (x - mx) * (y - my);
                sxx += (x - mx) * (x - mx);
            }
        }
        let pooled = sxy / sxx;
        assert!(
            (c.shared_fit.beta_g - pooled).abs() < 1e-8,
            "{} vs {pooled}",
            c.shared_fit.beta_g
        );
    }

    #[test]
    fn shared_floor_and_bad_settings() {
        let fam = family(&[5.0, 3.0], &[-0.3, -0.3], 0.05, 10, 2.5, 0.01, 5);
        let c = compare(
            &fam,
            &FamilyOptions {
                shared: Shared::BetaGGamma,
                ..opts(Form::PowerFloor)
            },
        )
        .unwrap();
        let g = c.shared_fit.gamma.unwrap();
        assert!((g - 0.05).abs() < 0.02, "{g}");
        assert_eq!(c.dof().0, 2);
        let e = compare(
            &fam,
            &FamilyOptions {
                shared: Shared::BetaGGamma,
                ..opts(Form::Power)
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("power has no gamma"), "{e}");
        let one = compare(&fam[..1], &opts(Form::Power)).unwrap_err();
        assert!(matches!(
            one,
            FamilyError::TooFewSeries {
                usable: 1,
                total: 1,
                ..
            }
        ));
    }

    #[test]
    fn short_series_is_left_out_by_name() {
        let mut fam = family(&[5.0, 3.0, 4.0], &[-0.3, -0.3, -0.3], 0.0, 8, 2.5, 0.02, 9);
        fam[1].m.truncate(3);
        fam[1].y.truncate(3);
        fam[1].name = "tiny".into();
        let c = compare(&fam, &opts(Form::PowerFloor)).unwrap();
        assert_eq!(c.included, vec![0, 2]);
        assert_eq!(c.excluded[0].0, "tiny");
        assert!(c.excluded[0].1.contains("3 points"), "{}", c.excluded[0].1);
    }

    #[test]
    fn needs_sentence_and_bootstrap() {
        let fam = family(
            &[5.0, 3.0, 8.0],
            &[-0.3, -0.3, -0.3],
            0.0,
            10,
            2.5,
            0.02,
            21,
        );
        let names: Vec<String> = fam.iter().map(|s| s.name.clone()).collect();
        let o = FamilyOptions {
            bootstrap: 60,
            seed: 4,
            target_error: Some(0.05),
            ..opts(Form::Power)
        };
        let c = compare(&fam, &o).unwrap();
        assert!(c.consistent, "p = {}", c.p_value);
        // s1 has the smallest alpha: it needs (3/5)^(1/0.3) = 0.18x the data of s0.
        assert_eq!(c.least_data(), Some(1));
        let r = c.needs[1].ratio.unwrap();
        assert!((r - (3.0f64 / 5.0).powf(1.0 / 0.3)).abs() < 0.05, "{r}");
        let (lo, hi) = c.bootstrap.beta_g.unwrap();
        assert!(lo < c.shared_fit.beta_g && c.shared_fit.beta_g < hi);
        let (rlo, rhi) = c.bootstrap.data_ratio[1].unwrap();
        assert!(rlo < r && r < rhi, "{rlo} {r} {rhi}");
        assert_eq!(c.bootstrap.failed, 0);
        let again = compare(&fam, &o).unwrap();
        assert_eq!(again.bootstrap, c.bootstrap, "seeded");
        let s = sentence(&c, &names, Some("a target error of 0.05"));
        assert!(
            s.starts_with("One exponent fits all 3 series: beta_g = -0.3"),
            "{s}"
        );
        assert!(
            s.contains("`s1` needs 0.1") && s.contains("the data of `s0`"),
            "{s}"
        );
    }

    #[test]
    fn differing_exponents_are_rejected() {
        let fam = family(&[5.0, 5.0], &[-0.25, -0.35], 0.0, 10, 2.5, 0.025, 1);
        let c = compare(&fam, &opts(Form::Power)).unwrap();
        assert!(!c.consistent && c.p_value < 1e-6, "p = {}", c.p_value);
        let s = sentence(&c, &["a".into(), "b".into()], None);
        assert!(s.starts_with("The exponents differ (p < 0.001)"), "{s}");
    }

    #[test]
    fn shared_ids_round_trip() {
        for s in Shared::ALL {
            assert_eq!(Shared::from_id(s.id()), Some(s));
        }
        assert_eq!(Shared::from_id("beta_g, gamma"), Some(Shared::BetaGGamma));
        assert_eq!(Shared::from_id("gamma"), None);
    }
}
