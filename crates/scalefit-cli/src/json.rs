//! The JSON of `scalefit fit --json` (SPEC section 4, plus comparison, backtest and
//! regions; with `--series all` the family object of section 5) as types. Fields are declared in alphabetical order and maps are sorted:
//! the bytes are those of the sorted objects the report always printed
//! (`tests/golden` holds them). A non-finite number is written as `null`.

use std::collections::BTreeMap;

use scalefit_core::analysis::Analysis;
use scalefit_core::permalink::Anchor;
use scalefit_core::presets::Preset;
use scalefit_core::project::Reach;
use scalefit_core::session::FamilyAnalysis;
use scalefit_core::session::RelativeProjection;
use serde::Serialize;

/// A finite number, else `null`.
fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

type Pair = Option<[Option<f64>; 2]>;

fn pair(p: Option<(f64, f64)>) -> Pair {
    p.map(|(a, b)| [finite(a), finite(b)])
}

/// The report of a fit.
#[derive(Serialize)]
pub struct Report<'a> {
    aicc: Option<f64>,
    backtest: Option<Backtest>,
    bootstrap: Option<Bootstrap>,
    ci95: BTreeMap<&'static str, Pair>,
    comparison: Vec<Comparison<'a>>,
    loss: &'static str,
    model: &'static str,
    n_points: usize,
    params: BTreeMap<&'static str, Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permalink: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    predictions: Option<Vec<Prediction>>,
    projection: Option<Projection<'a>>,
    regions: Option<Regions>,
    ssr: Option<f64>,
    warnings: Vec<&'a str>,
}

#[derive(Serialize)]
struct Projection<'a> {
    data_multiplier: Option<f64>,
    data_size: Option<f64>,
    data_size_ci95: Pair,
    model_multiplier: Option<f64>,
    model_size: Option<f64>,
    model_size_ci95: Pair,
    reach: Reach,
    reachable: bool,
    sentence: &'a str,
    target_error: Option<f64>,
}

/// `--predict`: the chosen fit's error at a size, with its bootstrap interval.
#[derive(Serialize)]
struct Prediction {
    ci95: Pair,
    error: Option<f64>,
    m: f64,
}

#[derive(Serialize)]
struct Comparison<'a> {
    aicc: Option<f64>,
    delta_aicc: Option<f64>,
    error: Option<&'a str>,
    k: usize,
    model: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    passed_over: Option<&'a str>,
    ssr: Option<f64>,
}

#[derive(Serialize)]
struct Backtest {
    flagged: bool,
    held_out: Vec<HeldOut>,
    mean_abs_relative_error: Option<f64>,
    model: &'static str,
    n_train: usize,
}

#[derive(Serialize)]
struct HeldOut {
    m: f64,
    observed: f64,
    predicted: Option<f64>,
}

#[derive(Serialize)]
struct Regions {
    power_law_end: Option<f64>,
    power_law_start: Option<f64>,
}

#[derive(Serialize)]
struct Bootstrap {
    failed: usize,
    requested: usize,
}

impl<'a> Report<'a> {
    /// The report with `--predict`'s predictions at `sizes` (none when empty).
    pub fn with_predictions(mut self, a: &Analysis, sizes: &[f64]) -> Report<'a> {
        if !sizes.is_empty() {
            self.predictions = Some(
                a.predict(sizes)
                    .into_iter()
                    .map(|p| Prediction {
                        ci95: pair(p.ci95),
                        error: finite(p.error),
                        m: p.m,
                    })
                    .collect(),
            );
        }
        self
    }

    /// The report of analysis `a` of `n_points` points, with its permalink if asked.
    pub fn new(a: &'a Analysis, n_points: usize, permalink: Option<String>) -> Report<'a> {
        let fit = &a.fit;
        let mut params = BTreeMap::new();
        let mut ci95 = BTreeMap::new();
        for (i, name) in fit.form.param_names().iter().enumerate() {
            params.insert(*name, finite(fit.params[i]));
            if let Some(c) = a.ci95(i) {
                ci95.insert(*name, pair(Some(c)));
            }
        }
        if let Some(sf) = &a.size_fit {
            params.insert("sigma", finite(sf.sigma));
            params.insert("beta_p", finite(sf.beta_p));
            if let Some([s, b]) = sf.ci95 {
                ci95.insert("sigma", pair(Some(s)));
                ci95.insert("beta_p", pair(Some(b)));
            }
        }
        Report {
            aicc: finite(fit.aicc),
            backtest: a.backtest.as_ref().map(|b| Backtest {
                flagged: b.flagged,
                held_out: b
                    .held_out
                    .iter()
                    .map(|h| HeldOut {
                        m: h.m,
                        observed: h.observed,
                        predicted: finite(h.predicted),
                    })
                    .collect(),
                mean_abs_relative_error: finite(b.mean_abs_relative_error),
                model: b.form.id(),
                n_train: b.n_train,
            }),
            bootstrap: a.bootstrap.as_ref().map(|b| Bootstrap {
                failed: b.failed,
                requested: b.requested,
            }),
            ci95,
            comparison: a
                .comparison
                .iter()
                .map(|c| Comparison {
                    aicc: c.aicc,
                    delta_aicc: c.delta_aicc,
                    error: c.error.as_deref(),
                    k: c.k,
                    model: c.form.id(),
                    passed_over: c.passed_over.as_deref(),
                    ssr: c.ssr,
                })
                .collect(),
            loss: fit.loss.id(),
            model: fit.form.id(),
            n_points,
            params,
            permalink,
            predictions: None,
            projection: a.projection.as_ref().map(|p| Projection {
                data_multiplier: p.data_multiplier.and_then(finite),
                data_size: p.data_size.and_then(finite),
                data_size_ci95: pair(p.data_size_ci95),
                model_multiplier: p.model_multiplier.and_then(finite),
                model_size: p.model_size.and_then(finite),
                model_size_ci95: pair(p.model_size_ci95),
                reach: p.reach,
                reachable: p.reachable,
                sentence: &p.sentence,
                target_error: finite(p.target_error),
            }),
            regions: a.regions.as_ref().map(|r| Regions {
                power_law_end: finite(r.power_law_end),
                power_law_start: finite(r.power_law_start),
            }),
            ssr: finite(fit.ssr),
            warnings: a.warnings.iter().map(|w| w.message.as_str()).collect(),
        }
    }
}

/// The report of a paper preset's relative projection.
#[derive(Serialize)]
pub struct RelativeReport {
    anchor: RelativeAnchor,
    model: &'static str,
    params: BTreeMap<&'static str, f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permalink: Option<String>,
    preset: &'static str,
    projection: Option<RelativeTarget>,
    source: String,
}

#[derive(Serialize)]
struct RelativeAnchor {
    error: f64,
    m: f64,
    model_size: Option<f64>,
}

#[derive(Serialize)]
struct RelativeTarget {
    data_multiplier: Option<f64>,
    data_size: Option<f64>,
    model_multiplier: Option<f64>,
    model_size: Option<f64>,
    reachable: bool,
    target_error: f64,
}

impl RelativeReport {
    /// The report of projection `r`, with its permalink if asked.
    pub fn new(r: &RelativeProjection, permalink: Option<String>) -> RelativeReport {
        let p: &'static Preset = r.preset;
        let anchor: &Anchor = &r.anchor;
        let mut params = BTreeMap::new();
        params.insert("beta_g", p.beta_g);
        if let Some(b) = p.beta_p {
            params.insert("beta_p", b);
        }
        RelativeReport {
            anchor: RelativeAnchor {
                error: r.anchor_error,
                m: anchor.m,
                model_size: anchor.model_size,
            },
            model: "preset",
            params,
            permalink,
            preset: p.id,
            projection: r.target_error.map(|t| RelativeTarget {
                data_multiplier: r.data_multiplier,
                data_size: r.data_size,
                model_multiplier: r.model_multiplier,
                model_size: r.model_size,
                reachable: r.data_multiplier.is_some(),
                target_error: t,
            }),
            source: p.citation(),
        }
    }
}

/// The report of `--series all` (SPEC section 5): each series' section-4 object and
/// the comparison. Beyond the SPEC's keys (additive): `comparison_error` when there is
/// no comparison, `errors` for series with no fit, and in the comparison `bootstrap`,
/// `dof`, `excluded`, `needs`, `separate`, `separate_beta_g_ci95`, `separate_ci95` and
/// `sentence`.
#[derive(Serialize)]
pub struct FamilyReport<'a> {
    comparison: Option<FamilyComparison<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison_error: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    errors: BTreeMap<&'a str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permalink: Option<String>,
    series: BTreeMap<&'a str, Report<'a>>,
}

/// A comparison parameter: one shared value, or one value per series.
#[derive(Serialize)]
#[serde(untagged)]
enum Param<'a> {
    Shared(Option<f64>),
    PerSeries(BTreeMap<&'a str, Option<f64>>),
}

#[derive(Serialize)]
struct FamilyComparison<'a> {
    aicc_separate: Option<f64>,
    aicc_shared: Option<f64>,
    bootstrap: Option<Bootstrap>,
    ci95: BTreeMap<&'static str, Pair>,
    consistent: bool,
    dof: [usize; 2],
    excluded: BTreeMap<&'a str, &'a str>,
    f_statistic: Option<f64>,
    model: &'static str,
    needs: Option<Needs<'a>>,
    p_value: Option<f64>,
    params: BTreeMap<&'static str, Param<'a>>,
    separate: BTreeMap<&'a str, BTreeMap<&'static str, Option<f64>>>,
    separate_beta_g_ci95: BTreeMap<&'a str, Pair>,
    separate_ci95: BTreeMap<&'a str, BTreeMap<&'static str, Pair>>,
    sentence: String,
    shared: Vec<&'static str>,
    ssr_separate: Option<f64>,
    ssr_shared: Option<f64>,
}

#[derive(Serialize)]
struct Needs<'a> {
    reference: &'a str,
    series: BTreeMap<&'a str, Need>,
    target_error: Option<f64>,
}

#[derive(Serialize)]
struct Need {
    data_ratio: Option<f64>,
    data_ratio_ci95: Pair,
    data_size: Option<f64>,
}

impl<'a> FamilyReport<'a> {
    /// The report of family analysis `f`; `target_label` names the target for the
    /// sentence ("a target error of 0.35").
    pub fn new(
        f: &'a FamilyAnalysis,
        target_label: Option<&str>,
        permalink: Option<String>,
    ) -> FamilyReport<'a> {
        let mut series = BTreeMap::new();
        let mut errors = BTreeMap::new();
        for (m, a) in f.members.iter().zip(&f.analyses) {
            match a {
                Ok(a) => {
                    series.insert(m.name.as_str(), Report::new(a, m.parsed.points.len(), None));
                }
                Err(e) => {
                    errors.insert(m.name.as_str(), e.to_string());
                }
            }
        }
        let (comparison, comparison_error) = match &f.comparison {
            Ok(c) => (Some(FamilyComparison::new(f, c, target_label)), None),
            Err(e) => (None, Some(e.to_string())),
        };
        FamilyReport {
            comparison,
            comparison_error,
            errors,
            permalink,
            series,
        }
    }
}

impl<'a> FamilyComparison<'a> {
    fn new(
        f: &'a FamilyAnalysis,
        c: &'a scalefit_core::family::Comparison,
        target_label: Option<&str>,
    ) -> FamilyComparison<'a> {
        let form = c.form;
        let names: Vec<&'a str> = (0..c.included.len())
            .map(|i| f.member_of(i).map_or("?", |j| f.members[j].name.as_str()))
            .collect();
        let shared = c.shared.names();
        let mut params = BTreeMap::new();
        for (j, p) in form.param_names().iter().enumerate() {
            let v = if shared.contains(p) {
                Param::Shared(finite(match *p {
                    "gamma" => c.shared_fit.gamma.unwrap_or(f64::NAN),
                    _ => c.shared_fit.beta_g,
                }))
            } else {
                Param::PerSeries(
                    names
                        .iter()
                        .zip(&c.shared_fit.fits)
                        .map(|(n, fit)| (*n, finite(fit.params[j])))
                        .collect(),
                )
            };
            params.insert(*p, v);
        }
        let mut ci95 = BTreeMap::new();
        if let Some(ci) = c.bootstrap.beta_g {
            ci95.insert("beta_g", pair(Some(ci)));
        }
        let separate = names
            .iter()
            .zip(&c.separate)
            .map(|(n, fit)| {
                let p = form
                    .param_names()
                    .iter()
                    .zip(&fit.params)
                    .map(|(p, v)| (*p, finite(*v)))
                    .collect();
                (*n, p)
            })
            .collect();
        let separate_beta_g_ci95 = names
            .iter()
            .zip(&c.bootstrap.series_beta_g)
            .filter_map(|(n, ci)| ci.map(|ci| (*n, pair(Some(ci)))))
            .collect();
        let separate_ci95 = names
            .iter()
            .zip(&c.bootstrap.series_ci95)
            .map(|(n, cis)| {
                let p = form
                    .param_names()
                    .iter()
                    .zip(cis)
                    .filter_map(|(p, ci)| ci.map(|ci| (*p, pair(Some(ci)))))
                    .collect();
                (*n, p)
            })
            .collect();
        let needs = f.options.target_error.map(|t| Needs {
            reference: names.first().copied().unwrap_or("?"),
            series: names
                .iter()
                .zip(&c.needs)
                .enumerate()
                .map(|(i, (n, need))| {
                    (
                        *n,
                        Need {
                            data_ratio: need.ratio.and_then(finite),
                            data_ratio_ci95: pair(c.bootstrap.data_ratio.get(i).copied().flatten()),
                            data_size: need.data_size.and_then(finite),
                        },
                    )
                })
                .collect(),
            target_error: finite(t),
        });
        let (q, resid) = c.dof();
        FamilyComparison {
            aicc_separate: finite(c.aicc_separate),
            aicc_shared: finite(c.aicc_shared),
            bootstrap: (c.bootstrap.requested > 0).then_some(Bootstrap {
                failed: c.bootstrap.failed,
                requested: c.bootstrap.requested,
            }),
            ci95,
            consistent: c.consistent,
            dof: [q, resid],
            excluded: c
                .excluded
                .iter()
                .map(|(n, why)| (n.as_str(), why.as_str()))
                .collect(),
            f_statistic: finite(c.f_statistic),
            model: form.id(),
            needs,
            p_value: finite(c.p_value),
            params,
            separate,
            separate_beta_g_ci95,
            separate_ci95,
            sentence: scalefit_core::family::sentence(c, &f.compared_names(), target_label),
            shared: shared.to_vec(),
            ssr_separate: finite(c.ssr_separate),
            ssr_shared: finite(c.ssr_shared),
        }
    }
}
