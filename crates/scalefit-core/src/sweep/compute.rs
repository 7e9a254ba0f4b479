//! Compute: `C = k N D` FLOPs, the compute-optimal allocation of a budget under the
//! joint law (Hoffmann et al. 2022, Approach 3), the least compute a target loss
//! costs, and FLOPs as accelerator-hours.

use serde::Serialize;

use crate::bootstrap::interval95;

use super::joint::{JointFit, JointParams};
use super::SweepError;

/// Default `k` in `C = k N D`: a dense transformer's forward and backward pass cost
/// about 6 FLOPs per parameter per token.
pub const DEFAULT_FLOPS_PER_PARAM: f64 = 6.0;

pub(crate) fn check_k(k: f64) -> Result<(), SweepError> {
    if k.is_finite() && k > 0.0 {
        Ok(())
    } else {
        Err(SweepError::BadOption {
            name: "flops-per-param",
            value: k,
            why: "FLOPs per parameter per example must be finite and positive",
        })
    }
}

/// The compute-optimal frontier of a joint law: `N_opt(C) = G (C/k)^a`,
/// `D_opt(C) = (C/k)^b / G`, with `a = beta/(alpha+beta)`, `b = alpha/(alpha+beta)`,
/// `G = (alpha A / (beta B))^(1/(alpha+beta))`. Serialized with the SPEC's keys.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ComputeOptimal {
    /// Exponent of the model size in the budget.
    pub a: f64,
    /// Exponent of the data size in the budget (`a + b = 1`).
    pub b: f64,
    /// Coefficient `G`.
    #[serde(rename = "G")]
    pub g: f64,
    /// `k`.
    pub flops_per_param: f64,
}

impl ComputeOptimal {
    /// The frontier of `p` for `k` FLOPs per parameter per example. Not finite (NaN or
    /// infinite `G`) when `A`, `B`, `alpha` or `beta` is not positive: then no budget
    /// has an interior optimum; [`ComputeOptimal::is_defined`] says which.
    pub fn new(p: &JointParams, k: f64) -> ComputeOptimal {
        let s = p.alpha + p.beta;
        ComputeOptimal {
            a: p.beta / s,
            b: p.alpha / s,
            g: ((p.alpha * p.a) / (p.beta * p.b)).powf(1.0 / s),
            flops_per_param: k,
        }
    }

    /// Whether the frontier exists: `a`, `b` in (0, 1) and `G` finite and positive.
    pub fn is_defined(&self) -> bool {
        self.a > 0.0 && self.b > 0.0 && self.g.is_finite() && self.g > 0.0
    }

    /// `N_opt(C)`.
    pub fn model_size(&self, compute: f64) -> f64 {
        self.g * (compute / self.flops_per_param).powf(self.a)
    }

    /// `D_opt(C)`.
    pub fn data_size(&self, compute: f64) -> f64 {
        (compute / self.flops_per_param).powf(self.b) / self.g
    }
}

/// A budget split between model and data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Allocation {
    /// The budget, FLOPs.
    pub compute: f64,
    /// `N_opt(C)`, parameters.
    pub model_size: f64,
    /// `D_opt(C)`, examples or tokens.
    pub data_size: f64,
    /// `D / N`: examples (or tokens) per parameter.
    pub tokens_per_param: f64,
    /// The law at `(N_opt, D_opt)`.
    pub loss: f64,
}

fn no_optimum(p: &JointParams) -> SweepError {
    let (name, value) = [("A", p.a), ("B", p.b), ("alpha", p.alpha), ("beta", p.beta)]
        .into_iter()
        .find(|(_, v)| v.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater))
        .unwrap_or(("G", f64::NAN));
    SweepError::BadOption {
        name,
        value,
        why: "the compute-optimal allocation needs A, B, alpha and beta > 0",
    }
}

/// Allocates `compute` FLOPs compute-optimally under the law `p`: the `(N, D)` with
/// `k N D = compute` that minimises `L(N, D)`.
///
/// `smallest`, if given, is the compute of the cheapest run of the sweep: a budget
/// below it is refused, since the law would be used where nothing was measured
/// ([`crate::sweep::analyze_sweep`] passes it).
///
/// # Errors
/// [`SweepError::BadOption`] for a budget or `k` that is not finite and positive, or a
/// law without a frontier ([`ComputeOptimal::is_defined`]);
/// [`SweepError::BudgetTooSmall`] below `smallest`.
pub fn allocate(
    p: &JointParams,
    compute: f64,
    k: f64,
    smallest: Option<f64>,
) -> Result<Allocation, SweepError> {
    check_k(k)?;
    if !(compute.is_finite() && compute > 0.0) {
        return Err(SweepError::BadOption {
            name: "compute",
            value: compute,
            why: "a compute budget must be finite and positive",
        });
    }
    if let Some(smallest) = smallest.filter(|s| compute < *s) {
        return Err(SweepError::BudgetTooSmall { compute, smallest });
    }
    let f = ComputeOptimal::new(p, k);
    if !f.is_defined() {
        return Err(no_optimum(p));
    }
    let (n, d) = (f.model_size(compute), f.data_size(compute));
    Ok(Allocation {
        compute,
        model_size: n,
        data_size: d,
        tokens_per_param: d / n,
        loss: p.eval(n, d),
    })
}

/// The least compute reaching `target` under `p`, as an [`Allocation`] (whose `loss` is
/// the target, up to rounding).
///
/// On the frontier both power-law terms fall at the same rate
/// `alpha beta / (alpha + beta)` in `ln(C/k)` (`alpha a = beta b`), so
/// `L(N_opt(C), D_opt(C)) = E + K (C/k)^(-alpha beta/(alpha+beta))` with
/// `K = A G^-alpha + B G^beta`, and the equation `L = target` is solved in closed form
/// (in logarithms, so no intermediate overflows) rather than by bracketing.
///
/// # Errors
/// [`SweepError::BadTarget`] for a target that is not finite and positive,
/// [`SweepError::TargetUnreachable`] at or below `E` (or when the compute needed
/// exceeds the largest float), [`SweepError::BadOption`] for a bad `k` or a law
/// without a frontier.
pub fn least_compute(p: &JointParams, target: f64, k: f64) -> Result<Allocation, SweepError> {
    check_k(k)?;
    if !(target.is_finite() && target > 0.0) {
        return Err(SweepError::BadTarget { target });
    }
    if target <= p.e {
        return Err(SweepError::TargetUnreachable { target, floor: p.e });
    }
    let f = ComputeOptimal::new(p, k);
    if !f.is_defined() {
        return Err(no_optimum(p));
    }
    let rate = p.alpha * p.beta / (p.alpha + p.beta);
    let big_k = p.a * f.g.powf(-p.alpha) + p.b * f.g.powf(p.beta);
    let ln_units = (big_k.ln() - (target - p.e).ln()) / rate;
    let compute = k * ln_units.exp();
    if !(compute.is_finite() && compute > 0.0) {
        return Err(SweepError::TargetUnreachable { target, floor: p.e });
    }
    let (n, d) = (f.model_size(compute), f.data_size(compute));
    Ok(Allocation {
        compute,
        model_size: n,
        data_size: d,
        tokens_per_param: d / n,
        loss: p.eval(n, d),
    })
}

/// An accelerator's peak FLOP/s and the fraction of it a run achieves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Throughput {
    /// Peak FLOP/s per accelerator.
    pub flops_per_second: f64,
    /// Achieved fraction of the peak (model FLOPs utilisation), in (0, 1].
    pub utilisation: f64,
}

/// Accelerator-hours to spend `flops` at `t`: `flops / (flops_per_second *
/// utilisation) / 3600`.
///
/// # Errors
/// [`SweepError::BadOption`] for a throughput that is not finite and positive, or a
/// utilisation outside (0, 1].
pub fn accelerator_hours(flops: f64, t: &Throughput) -> Result<f64, SweepError> {
    if !(t.flops_per_second.is_finite() && t.flops_per_second > 0.0) {
        return Err(SweepError::BadOption {
            name: "flops-per-second",
            value: t.flops_per_second,
            why: "an accelerator's FLOP/s must be finite and positive",
        });
    }
    if !(t.utilisation > 0.0 && t.utilisation <= 1.0) {
        return Err(SweepError::BadOption {
            name: "utilisation",
            value: t.utilisation,
            why: "utilisation is a fraction in (0, 1]",
        });
    }
    Ok(flops / (t.flops_per_second * t.utilisation) / 3600.0)
}

/// The least compute for a target loss, as reported (SPEC `target`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetCompute {
    /// Target loss.
    pub target_error: f64,
    /// `false` at or below `E` (or for a target that is not a positive number).
    pub reachable: bool,
    /// Least compute, FLOPs.
    pub compute: Option<f64>,
    /// Model size at that compute.
    pub model_size: Option<f64>,
    /// Data size at that compute.
    pub data_size: Option<f64>,
    /// 95% bootstrap intervals (an infinite end: some resamples never reach it).
    pub ci95: TargetCi95,
    /// The compute as accelerator-hours, with a throughput.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accelerator_hours: Option<f64>,
    /// Why it is unreachable, when it is.
    #[serde(skip)]
    pub why: Option<SweepError>,
}

/// Intervals of [`TargetCompute`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TargetCi95 {
    /// Interval of the compute.
    pub compute: Option<(f64, f64)>,
    /// Interval of the model size.
    pub model_size: Option<(f64, f64)>,
    /// Interval of the data size.
    pub data_size: Option<(f64, f64)>,
}

/// [`least_compute`] for `target` on `fit`, with intervals from its bootstrap refits
/// (a refit that cannot reach the target counts as infinite compute). Never fails: an
/// unreachable target is `reachable: false` with the reason in `why`.
pub fn target_compute(
    fit: &JointFit,
    target: f64,
    k: f64,
    throughput: Option<Throughput>,
) -> TargetCompute {
    let none = TargetCi95 {
        compute: None,
        model_size: None,
        data_size: None,
    };
    match least_compute(&fit.params, target, k) {
        Err(e) => TargetCompute {
            target_error: target,
            reachable: false,
            compute: None,
            model_size: None,
            data_size: None,
            ci95: none,
            accelerator_hours: None,
            why: Some(e),
        },
        Ok(at) => {
            let ci = if fit.samples.is_empty() {
                none
            } else {
                let sample: Vec<Option<Allocation>> = fit
                    .samples
                    .iter()
                    .map(|p| least_compute(p, target, k).ok())
                    .collect();
                let pick = |f: fn(&Allocation) -> f64| {
                    interval95(sample.iter().map(|a| a.as_ref().map_or(f64::INFINITY, f)))
                };
                TargetCi95 {
                    compute: pick(|a| a.compute),
                    model_size: pick(|a| a.model_size),
                    data_size: pick(|a| a.data_size),
                }
            };
            TargetCompute {
                target_error: target,
                reachable: true,
                compute: Some(at.compute),
                model_size: Some(at.model_size),
                data_size: Some(at.data_size),
                ci95: ci,
                accelerator_hours: throughput.and_then(|t| accelerator_hours(at.compute, &t).ok()),
                why: None,
            }
        }
    }
}

/// Compute of the envelope's projection: `k s* m*` for the model size `s*` trained on
/// `m*` examples.
pub fn envelope_compute(m_star: f64, s_star: f64, k: f64) -> f64 {
    k * s_star * m_star
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Hoffmann et al. 2022's fitted law (their eq. 10 and Approach 3).
    const CHINCHILLA: JointParams = JointParams {
        e: 1.69,
        a: 406.4,
        alpha: 0.34,
        b: 410.7,
        beta: 0.28,
    };

    #[test]
    fn chinchilla_allocation() {
        let f = ComputeOptimal::new(&CHINCHILLA, 6.0);
        // a = 0.28 / 0.62, b = 0.34 / 0.62 (Hoffmann et al.'s Approach 3: a = 0.46,
        // b = 0.54 from their own rounding).
        assert!((f.a - 0.451_612_903).abs() < 1e-8, "{}", f.a);
        assert!((f.b - 0.548_387_097).abs() < 1e-8);
        let g = (0.34 * 406.4 / (0.28 * 410.7f64)).powf(1.0 / 0.62);
        assert!((f.g - g).abs() < 1e-12);
        let c = 5.76e23; // Chinchilla's budget
        let al = allocate(&CHINCHILLA, c, 6.0, None).unwrap();
        assert!((6.0 * al.model_size * al.data_size / c - 1.0).abs() < 1e-12);
        // The allocation is the minimum along the iso-FLOP line.
        for factor in [0.9, 1.1] {
            let n = al.model_size * factor;
            let d = c / (6.0 * n);
            assert!(CHINCHILLA.eval(n, d) > al.loss);
        }
        // Approach 3 puts a 5.76e23 budget at a few tens of billions of parameters.
        assert!(al.model_size > 2e10 && al.model_size < 6e10, "{al:?}");
    }

    #[test]
    fn least_compute_meets_the_target() {
        let at = least_compute(&CHINCHILLA, 2.0, 6.0).unwrap();
        assert!((at.loss - 2.0).abs() < 1e-10, "{at:?}");
        assert!((6.0 * at.model_size * at.data_size / at.compute - 1.0).abs() < 1e-10);
        // Less compute on the frontier misses the target.
        let less = allocate(&CHINCHILLA, at.compute * 0.99, 6.0, None).unwrap();
        assert!(less.loss > 2.0);
        assert_eq!(
            least_compute(&CHINCHILLA, 1.69, 6.0).unwrap_err(),
            SweepError::TargetUnreachable {
                target: 1.69,
                floor: 1.69
            }
        );
        assert!(matches!(
            least_compute(&CHINCHILLA, f64::NAN, 6.0),
            Err(SweepError::BadTarget { .. })
        ));
        // A target a hair above E needs more compute than a float holds.
        assert!(least_compute(&CHINCHILLA, 1.69 + 1e-300, 6.0).is_err());
    }

    #[test]
    fn budgets_and_throughput_are_checked() {
        assert!(matches!(
            allocate(&CHINCHILLA, 1e3, 6.0, Some(1e10)),
            Err(SweepError::BudgetTooSmall { .. })
        ));
        assert!(matches!(
            allocate(&CHINCHILLA, 1e20, 0.0, None),
            Err(SweepError::BadOption {
                name: "flops-per-param",
                ..
            })
        ));
        assert!(matches!(
            allocate(&CHINCHILLA, -1.0, 6.0, None),
            Err(SweepError::BadOption {
                name: "compute",
                ..
            })
        ));
        let no_a = JointParams {
            a: 0.0,
            ..CHINCHILLA
        };
        assert!(matches!(
            allocate(&no_a, 1e20, 6.0, None),
            Err(SweepError::BadOption { name: "A", .. })
        ));
        let t = Throughput {
            flops_per_second: 1e15,
            utilisation: 0.5,
        };
        assert!((accelerator_hours(3.6e18, &t).unwrap() - 2.0).abs() < 1e-12);
        let bad = Throughput {
            utilisation: 1.5,
            ..t
        };
        assert!(accelerator_hours(1.0, &bad).is_err());
        assert_eq!(envelope_compute(1e9, 1e8, 6.0), 6e17);
    }
}
