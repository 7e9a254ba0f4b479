//! Scalefit's plots (learning curve, model size, a sweep's joint law) on log-log axes, drawn with any plotters
//! backend (a canvas in the web app) or written as SVG documents (feature `svg`: the app's
//! downloads, the tests).
//!
//! Inputs are plain data structs so this crate stays independent of the analysis code;
//! the app converts its results into [`LearningCurvePlot`] / [`ModelSizePlot`].

mod canvas;
mod chart;
mod frame;
mod joint;
mod learning_curve;
mod model_size;
mod scale;
#[cfg(any(test, feature = "svg"))]
mod svg;
#[cfg(test)]
mod tests;
mod theme;

use std::fmt;

pub use frame::PlotFrame;
pub use joint::{draw_joint, JointPlot};
pub use learning_curve::{draw_learning_curve, LearningCurvePlot, SeriesCurve};
pub use model_size::{draw_model_size, ModelSizePlot};
pub use scale::format_tick;
#[cfg(any(test, feature = "svg"))]
pub use svg::{render_joint_svg, render_learning_curve_svg, render_model_size_svg};
pub use theme::Theme;

/// Why a plot could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlotError {
    /// Nothing plottable (all inputs empty or non-positive/non-finite); a "No data to plot"
    /// note was drawn instead.
    NoData,
    /// The drawing area is too small for axes and labels.
    TooSmall { width: u32, height: u32 },
    /// The backend failed (canvas or SVG error, text measurement).
    Backend(String),
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoData => write!(f, "no data to plot"),
            Self::TooSmall { width, height } => {
                write!(f, "plot area {width}x{height} px is too small")
            }
            Self::Backend(e) => write!(f, "drawing failed: {e}"),
        }
    }
}

impl std::error::Error for PlotError {}

impl<E: std::error::Error + Send + Sync> From<plotters::drawing::DrawingAreaErrorKind<E>>
    for PlotError
{
    fn from(e: plotters::drawing::DrawingAreaErrorKind<E>) -> Self {
        Self::Backend(e.to_string())
    }
}
