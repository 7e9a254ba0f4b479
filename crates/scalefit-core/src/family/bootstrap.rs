//! The family's bootstrap: resampling within each series on its own ChaCha8 stream,
//! refitting the shared and the separate fits per resample.

use super::*;

/// Stream offset of family resamples (apart from the single-curve streams).
pub(super) const FAMILY_STREAM: u64 = 1 << 41;

/// One resample's refits (`None`: a fit failed).
pub type Draw = Option<DrawValues>;

/// What one resample gives: the shared exponent, each series' own fit, the data ratios.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawValues {
    /// The shared fit's exponent.
    pub beta_g: f64,
    /// Each series' own exponent (its separate fit).
    pub own: Vec<f64>,
    /// Each series' separate fit, all its parameters (natural, the form's order): the
    /// per-series bands are read from these.
    pub params: Vec<Vec<f64>>,
    /// Each series' data ratio at the target (empty without a target).
    pub ratios: Vec<Option<f64>>,
}

/// Raw bootstrap draws for resamples `range`: resample `r` of series `i` uses stream
/// `FAMILY_STREAM + r * S + i`, so chunks in any order give the same draws.
pub(super) fn bootstrap(
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
            let mut params = Vec::with_capacity(members.len());
            for (i, m) in members.iter().enumerate() {
                let stream = FAMILY_STREAM + r as u64 * s + i as u64;
                let idx = resample(&m.m, options.seed, stream, needs_points(form))?;
                let rs = Series {
                    name: m.name.clone(),
                    m: idx.iter().map(|&j| m.m[j]).collect(),
                    y: idx.iter().map(|&j| m.y[j]).collect(),
                };
                let fit = fit_form(&rs.m, &rs.y, form, &fit_opts).ok()?;
                own.push(fit.params[form.beta_index()]);
                params.push(fit.params);
                resampled.push(rs);
            }
            let refs: Vec<&Series> = resampled.iter().collect();
            // The point estimate and this resample's own exponents seed the search.
            let mut seeds = own.clone();
            seeds.push(c.shared_fit.beta_g);
            let fit = shared_search(&refs, form, options.loss, options.shared, &seeds)?;
            let ratios = options
                .target_error
                .map(|t| {
                    needs_at(form, &fit.fits, t)
                        .into_iter()
                        .map(|n| n.ratio)
                        .collect()
                })
                .unwrap_or_default();
            Some(DrawValues {
                beta_g: fit.beta_g,
                own,
                params,
                ratios,
            })
        })
        .collect();
    Draws(draws)
}

/// Bootstrap draws before they are summarised.
#[derive(Debug)]
pub(super) struct Draws(pub(super) Vec<Draw>);

impl Draws {
    pub(super) fn summarise(self, requested: usize) -> FamilyBootstrap {
        let ok: Vec<&DrawValues> = self.0.iter().flatten().collect();
        let series = ok.first().map_or(0, |d| d.own.len());
        let ratios = ok.first().map_or(0, |d| d.ratios.len());
        FamilyBootstrap {
            requested,
            failed: self.0.len() - ok.len(),
            beta_g: interval95(ok.iter().map(|d| d.beta_g)),
            series_beta_g: (0..series)
                .map(|i| interval95(ok.iter().map(|d| d.own[i])))
                .collect(),
            data_ratio: (0..ratios)
                .map(|i| interval95(ok.iter().map(|d| d.ratios[i].unwrap_or(f64::NAN))))
                .collect(),
            series_ci95: (0..series)
                .map(|i| {
                    let k = ok.first().map_or(0, |d| d.params[i].len());
                    (0..k)
                        .map(|p| interval95(ok.iter().map(|d| d.params[i][p])))
                        .collect()
                })
                .collect(),
            series_params: (0..series)
                .map(|i| ok.iter().map(|d| d.params[i].clone()).collect())
                .collect(),
        }
    }
}
