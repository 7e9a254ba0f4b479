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
use crate::fit::{aicc, fit_form, Fit, FitError, FitOptions};
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
    /// Each included series' parameters' intervals (its separate fits over the
    /// resamples; the form's parameter order).
    pub series_ci95: Vec<Vec<Option<(f64, f64)>>>,
    /// Each included series' separate fits over the resamples that succeeded (all
    /// parameters): the refitted curves a band around the series' own fit is read from.
    pub series_params: Vec<Vec<Vec<f64>>>,
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

/// Bootstrap draws `range` of the comparison `c` of `series` (the list given to
/// [`compare`]) with `options` (its target included): draw `r` depends on `r` only, so
/// chunks in order, put together, are the one-shot bootstrap's draws.
pub fn bootstrap_draws(
    series: &[Series],
    c: &Comparison,
    options: &FamilyOptions,
    range: std::ops::Range<usize>,
) -> Vec<Draw> {
    let members: Option<Vec<&Series>> = c.included.iter().map(|&i| series.get(i)).collect();
    match members {
        Some(m) => bootstrap(&m, c, options, range).0,
        None => range.map(|_| None).collect(),
    }
}

impl Comparison {
    /// The comparison at another target: the data needs read off the same fits (as
    /// [`compare`] with that target gives them), no bootstrap (its ratios were read at
    /// the old target).
    pub fn with_target(mut self, target_error: Option<f64>) -> Comparison {
        self.needs = target_error
            .map(|t| needs_at(self.form, &self.shared_fit.fits, t))
            .unwrap_or_default();
        self.bootstrap = FamilyBootstrap::default();
        self
    }

    /// The comparison with the intervals of `draws` (every draw of a bootstrap of
    /// `requested` resamples, from [`bootstrap_draws`]).
    pub fn with_bootstrap(mut self, draws: Vec<Draw>, requested: usize) -> Comparison {
        self.bootstrap = Draws(draws).summarise(requested);
        self
    }
}

/// Compares the series of a family. Series with too few points for the form are left
/// out (named in [`Comparison::excluded`]); at least two must remain.
///
/// With `options.bootstrap > 0` the bootstrap runs here, in one go; the page runs it
/// in chunks instead ([`bootstrap_draws`], then [`Comparison::with_bootstrap`]), which
/// gives the same intervals.
///
/// # Errors
/// [`FamilyError`] when fewer than two series can be compared, the shared setting does
/// not fit the form, or no fit converges.
pub fn compare(series: &[Series], options: &FamilyOptions) -> Result<Comparison, FamilyError> {
    let (form, mut chosen) = choose_form(series, options)?;
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
        // Under `auto` the choice fitted this series already (the same fit).
        let fit = match chosen.get_mut(i).and_then(Option::take) {
            Some(f) => Ok(f),
            None => fit_form(&s.m, &s.y, form, &fit_opts),
        };
        match fit {
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
    let shared_fit = shared_search(&members, form, options.loss, options.shared, &own).ok_or(
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
/// summed AICc among those every series with enough points can take, with the fits
/// made to choose it (by series; `None` where there is none).
fn choose_form(
    series: &[Series],
    options: &FamilyOptions,
) -> Result<(Form, Vec<Option<Fit>>), FamilyError> {
    if let ModelChoice::Form(f) = options.model {
        return Ok((f, Vec::new()));
    }
    let fit_opts = FitOptions {
        loss: options.loss,
        fixed: Vec::new(),
    };
    let mut best: Option<(f64, Form, Vec<Option<Fit>>)> = None;
    for form in Form::AUTO {
        if options.shared == Shared::BetaGGamma && form.gamma_index().is_none() {
            continue;
        }
        let usable = series
            .iter()
            .filter(|s| distinct(&s.m) >= needs_points(form))
            .count();
        if usable < 2 {
            continue;
        }
        let fits: Vec<Option<Result<Fit, FitError>>> = series
            .iter()
            .map(|s| {
                (distinct(&s.m) >= needs_points(form))
                    .then(|| fit_form(&s.m, &s.y, form, &fit_opts))
            })
            .collect();
        let total: Option<f64> = fits
            .iter()
            .flatten()
            .map(|f| f.as_ref().ok().map(|f| f.aicc))
            .sum();
        if let Some(t) = total.filter(|t| t.is_finite()) {
            if best.as_ref().is_none_or(|(b, _, _)| t < *b) {
                let kept = fits.into_iter().map(|f| f.and_then(Result::ok)).collect();
                best = Some((t, form, kept));
            }
        }
    }
    best.map(|(_, f, fits)| (f, fits))
        .ok_or(FamilyError::TooFewSeries {
            form: "any form",
            usable: series
                .iter()
                .filter(|s| distinct(&s.m) >= needs_points(Form::Power))
                .count(),
            total: series.len(),
        })
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

mod bootstrap;
mod search;
#[cfg(test)]
mod tests;

use bootstrap::*;
pub use bootstrap::{Draw, DrawValues};
use search::*;
