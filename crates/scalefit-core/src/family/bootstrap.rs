//! The family's bootstrap: resampling within each series on its own ChaCha8 stream,
//! refitting the shared and the separate fits per resample.

use super::*;

/// Stream offset of family resamples (apart from the single-curve streams).
pub(super) const FAMILY_STREAM: u64 = 1 << 41;

/// One resample's refits (`None`: a fit failed): the shared exponent, each series' own,
/// the data ratios.
pub type Draw = Option<DrawValues>;
/// The shared exponent, each series' own exponent, each series' data ratio.
pub type DrawValues = (f64, Vec<f64>, Vec<Option<f64>>);

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
pub(super) struct Draws(pub(super) Vec<Draw>);

impl Draws {
    pub(super) fn summarise(self, requested: usize) -> FamilyBootstrap {
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
