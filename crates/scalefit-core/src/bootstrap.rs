//! Seeded bootstrap: resample points with replacement, refit, take percentiles.
//!
//! Resample `i` draws from its own ChaCha8 stream (`seed`, stream `i`), so any range of
//! resamples can be computed in any order or in chunks (the app spreads them over
//! frames) and still give the same intervals as the CLI for the same seed.
//! Refits start from the full-data optimum (a warm start); resampled data lie close to
//! the original, and the global search of [`crate::fit`] would cost ~10x more.

use std::ops::Range;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::fit::{Data, Fit, FitError, FitOptions, Holds, Search};

/// Stream offset of the model-size resamples, so they never share draws with the
/// learning-curve resamples.
pub(crate) const SIZE_STREAM: u64 = 1 << 40;

/// Outcome of a bootstrap: every successful refit and the 95% percentile intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bootstrap {
    /// Resamples asked for.
    pub requested: usize,
    /// Refits that failed (degenerate resample or no convergence).
    pub failed: usize,
    /// Parameter vectors of the successful refits.
    #[serde(skip)]
    pub samples: Vec<Vec<f64>>,
    /// 2.5% and 97.5% percentiles per parameter, in [`crate::model::Form::param_names`]
    /// order; a held parameter gets `(value, value)`.
    pub ci95: Vec<(f64, f64)>,
}

/// Indices of resample `i` of `n` points. Redraws (up to 100 times) a resample with
/// fewer than `min_distinct` distinct sizes, since it cannot identify the model.
pub(crate) fn resample(
    sizes: &[f64],
    seed: u64,
    stream: u64,
    min_distinct: usize,
) -> Option<Vec<usize>> {
    let n = sizes.len();
    if n == 0 {
        return None;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    for _ in 0..100 {
        let idx: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
        if has_distinct(idx.iter().map(|&i| sizes[i]), min_distinct) {
            return Some(idx);
        }
    }
    None
}

/// Whether `values` hold at least `k` distinct values. Stops as soon as they do (after
/// a few values, in practice), so a resample of 10,000 points costs no sort.
fn has_distinct(values: impl Iterator<Item = f64>, k: usize) -> bool {
    let mut seen: Vec<f64> = Vec::with_capacity(k);
    for v in values {
        if seen.len() >= k {
            break;
        }
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen.len() >= k
}

/// Refits resamples `range` of the bootstrap of `fit` on points `(m, y)`. `None` marks
/// a failed resample. Parameters held in `fit` (by the user) stay held; the floor
/// bound applies as in the original fit.
///
/// # Errors
/// The same input errors as [`crate::fit::fit_form`].
pub fn bootstrap_samples(
    m: &[f64],
    y: &[f64],
    fit: &Fit,
    options: &FitOptions,
    seed: u64,
    range: Range<usize>,
) -> Result<Vec<Option<Vec<f64>>>, FitError> {
    let data = Data::new(m, y, fit.loss)?;
    let holds = Holds::from_options(fit.form, &options.fixed)?;
    let k = (0..fit.form.n_params()).filter(|&i| !holds.held[i]).count();
    Ok(range
        .map(|i| {
            let idx = resample(&data.m, seed, i as u64, (k + 1).max(2))?;
            let rm: Vec<f64> = idx.iter().map(|&j| data.m[j]).collect();
            let ry: Vec<f64> = idx.iter().map(|&j| data.y[j]).collect();
            let rd = Data::new(&rm, &ry, fit.loss).ok()?;
            let local = Search::new(fit.form, fit.loss, &rd, &holds).polish(&fit.params)?;
            local
                .params
                .iter()
                .all(|v| v.is_finite())
                .then_some(local.params)
        })
        .collect())
}

/// Linear-interpolated percentile `q` in [0, 1] of sorted `v` (may hold infinities).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let (a, b) = (sorted[lo], sorted[hi.min(sorted.len() - 1)]);
    if lo == hi || a == b {
        a
    } else {
        a + (b - a) * (pos - lo as f64)
    }
}

/// 95% percentile interval of `values` (NaN dropped); `None` when empty.
pub fn interval95(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let mut v: Vec<f64> = values.into_iter().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_unstable_by(f64::total_cmp);
    Some((percentile(&v, 0.025), percentile(&v, 0.975)))
}

impl Bootstrap {
    /// Summarises refits into intervals.
    pub fn from_samples(fit: &Fit, requested: usize, samples: Vec<Option<Vec<f64>>>) -> Bootstrap {
        let failed = samples.iter().filter(|s| s.is_none()).count();
        let samples: Vec<Vec<f64>> = samples.into_iter().flatten().collect();
        let ci95 = (0..fit.form.n_params())
            .map(|j| {
                if fit
                    .user_fixed
                    .iter()
                    .any(|n| fit.form.param_index(n) == Some(j))
                {
                    let v = fit.params.get(j).copied().unwrap_or(f64::NAN);
                    (v, v)
                } else {
                    interval95(samples.iter().filter_map(|s| s.get(j).copied()))
                        .unwrap_or((f64::NAN, f64::NAN))
                }
            })
            .collect();
        Bootstrap {
            requested,
            failed,
            samples,
            ci95,
        }
    }
}

/// Runs a whole bootstrap of `count` resamples; see [`bootstrap_samples`].
///
/// # Errors
/// The same input errors as [`crate::fit::fit_form`].
pub fn bootstrap(
    m: &[f64],
    y: &[f64],
    fit: &Fit,
    options: &FitOptions,
    count: usize,
    seed: u64,
) -> Result<Bootstrap, FitError> {
    let samples = bootstrap_samples(m, y, fit, options, seed, 0..count)?;
    Ok(Bootstrap::from_samples(fit, count, samples))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::fit::fit_form;
    use crate::model::Form;

    fn noisy() -> (Vec<f64>, Vec<f64>) {
        let m: Vec<f64> = (0..12).map(|i| 1000.0 * 2f64.powi(i)).collect();
        let y = m
            .iter()
            .enumerate()
            .map(|(i, &v)| 5.0 * v.powf(-0.3) * (1.0 + 0.02 * ((i * 7 % 5) as f64 - 2.0)))
            .collect();
        (m, y)
    }

    #[test]
    fn same_seed_same_intervals_any_chunking() {
        let (m, y) = noisy();
        let opts = FitOptions::default();
        let fit = fit_form(&m, &y, Form::Power, &opts).unwrap();
        let whole = bootstrap_samples(&m, &y, &fit, &opts, 7, 0..50).unwrap();
        let mut parts = bootstrap_samples(&m, &y, &fit, &opts, 7, 0..20).unwrap();
        parts.extend(bootstrap_samples(&m, &y, &fit, &opts, 7, 20..50).unwrap());
        assert_eq!(whole, parts);
        let other = bootstrap_samples(&m, &y, &fit, &opts, 8, 0..50).unwrap();
        assert_ne!(whole, other);
    }

    #[test]
    fn interval_contains_estimate() {
        let (m, y) = noisy();
        let opts = FitOptions::default();
        let fit = fit_form(&m, &y, Form::Power, &opts).unwrap();
        let b = bootstrap(&m, &y, &fit, &opts, 200, 1).unwrap();
        assert_eq!(b.failed, 0);
        let (lo, hi) = b.ci95[1];
        assert!(
            lo < fit.params[1] && fit.params[1] < hi,
            "{lo} {} {hi}",
            fit.params[1]
        );
        assert!(hi - lo < 0.05);
    }

    #[test]
    fn distinct_values_are_counted_up_to_k() {
        let v = [3.0, 3.0, 1.0, 3.0, 2.0, 1.0];
        assert!(has_distinct(v.iter().copied(), 0));
        assert!(has_distinct(v.iter().copied(), 3));
        assert!(!has_distinct(v.iter().copied(), 4));
        assert!(!has_distinct([5.0; 100].into_iter(), 2));
        assert!(has_distinct([5.0, 5.0, 5.0, 6.0].into_iter(), 2));
        assert!(!has_distinct(std::iter::empty(), 1));
    }

    #[test]
    fn percentiles() {
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.5), 3.0);
        assert_eq!(percentile(&[1.0, 2.0], 0.25), 1.25);
        assert_eq!(interval95([f64::NAN]), None);
        assert_eq!(interval95([1.0, f64::INFINITY]).unwrap().1, f64::INFINITY);
    }

    #[test]
    fn the_interval_is_the_one_of_the_stably_sorted_values() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for n in [1_usize, 2, 3, 7, 40, 41, 1000, 1001] {
            let v: Vec<f64> = (0..n)
                .map(|i| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    // Ties, signed zeros and infinities among ordinary values.
                    match i % 11 {
                        0 => 0.0,
                        1 => -0.0,
                        2 => f64::INFINITY,
                        3 => 0.5,
                        _ => (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5,
                    }
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let got = interval95(v.iter().copied()).unwrap();
            let want = (percentile(&sorted, 0.025), percentile(&sorted, 0.975));
            assert_eq!(
                (got.0.to_bits(), got.1.to_bits()),
                (want.0.to_bits(), want.1.to_bits()),
                "n {n}"
            );
        }
    }
}
