//! What the point fit of a state is made from: one function, used by the page's
//! spine and by the bootstrap workers (`crate::worker`), so a worker refits exactly
//! the page's point fit before it resamples it.

use scalefit_core::analysis::AnalysisOptions;
use scalefit_core::parse::{Parsed, Point};
use scalefit_core::permalink::State;
use scalefit_core::session;

use crate::state::limits::MAX_BOOTSTRAP;
use crate::view_model;

/// What the point fit needs: a change here refits, a target change does not.
#[derive(Debug, Clone, PartialEq)]
pub struct FitInputs {
    /// The points fitted (a sweep's envelope when the rows are read as a sweep).
    pub points: Vec<Point>,
    /// Points held out by a flag column.
    pub held_out: Vec<Point>,
    /// The options, without a target, the bootstrap count capped.
    pub options: AnalysisOptions,
}

/// The point fit's inputs of a state and its parse; `None` without data.
pub fn fit_inputs(s: &State, p: &Parsed) -> Option<FitInputs> {
    if s.text.trim().is_empty() || p.points.is_empty() {
        return None;
    }
    let mut options = session::analysis_options(s, p);
    options.target_error = None;
    options.bootstrap = options.bootstrap.min(MAX_BOOTSTRAP);
    // A sweep's learning curve is its envelope: the best run per data size (none, and
    // no fit, when no data size holds several runs).
    let points = if view_model::sweep::is_on(s, p) {
        view_model::sweep::envelope_fit_points(p)
    } else {
        p.points.clone()
    };
    if points.is_empty() {
        return None;
    }
    Some(FitInputs {
        points,
        held_out: p.held_out.clone(),
        options,
    })
}
