//! The JSON of `scalefit sweep --json` (SPEC section 6) as types: the core's
//! serializations of each part, with `learning_curve` rendered by the very code of
//! `fit --json` ([`crate::json::Report`]). Keys in the SPEC's order; a non-finite
//! number is written as `null`.

use scalefit_core::sweep::{
    accelerator_hours, Allocation, ComputeOptimal, EnvelopePoint, JointFit, SizeLaw, SweepReport,
    TargetCompute, Throughput,
};
use serde::Serialize;

use crate::json::Report;

/// The report of a sweep.
#[derive(Serialize)]
pub struct SweepJson<'a> {
    n_runs: usize,
    envelope: &'a [EnvelopePoint],
    learning_curve: Option<Report<'a>>,
    size_fit: Option<&'a SizeLaw>,
    joint: &'a JointFit,
    compute_optimal: &'a ComputeOptimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    allocation: Option<AllocationJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a TargetCompute>,
    warnings: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permalink: Option<String>,
}

/// An allocation, with its accelerator-hours when a throughput was given.
#[derive(Serialize)]
struct AllocationJson<'a> {
    #[serde(flatten)]
    allocation: &'a Allocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    accelerator_hours: Option<f64>,
}

impl<'a> SweepJson<'a> {
    /// The report of `r`, with accelerator-hours for `throughput` and the permalink if
    /// asked.
    pub fn new(
        r: &'a SweepReport,
        throughput: Option<Throughput>,
        permalink: Option<String>,
    ) -> SweepJson<'a> {
        SweepJson {
            n_runs: r.n_runs,
            envelope: &r.envelope,
            learning_curve: r
                .learning_curve
                .as_ref()
                .map(|a| Report::new(a, r.envelope.len(), None)),
            size_fit: r.size_fit.as_ref(),
            joint: &r.joint,
            compute_optimal: &r.compute_optimal,
            allocation: r.allocation.as_ref().map(|a| AllocationJson {
                allocation: a,
                accelerator_hours: throughput.and_then(|t| accelerator_hours(a.compute, &t).ok()),
            }),
            target: r.target.as_ref(),
            warnings: crate::sweep::warnings(r),
            permalink,
        }
    }
}
