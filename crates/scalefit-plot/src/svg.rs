//! SVG rendering for the CLI (feature `svg`); the web app draws on a canvas instead.

use plotters::prelude::*;

use crate::{draw_learning_curve, draw_model_size, LearningCurvePlot, ModelSizePlot};
use crate::{PlotError, Theme};

/// The learning curve as a standalone SVG document of `width`×`height` pixels.
pub fn render_learning_curve_svg(
    plot: &LearningCurvePlot,
    theme: &Theme,
    width: u32,
    height: u32,
) -> Result<String, PlotError> {
    render(width, height, |root| {
        draw_learning_curve(root, plot, theme).map(drop)
    })
}

/// The model-size plot as a standalone SVG document of `width`×`height` pixels.
pub fn render_model_size_svg(
    plot: &ModelSizePlot,
    theme: &Theme,
    width: u32,
    height: u32,
) -> Result<String, PlotError> {
    render(width, height, |root| {
        draw_model_size(root, plot, theme).map(drop)
    })
}

fn render(
    width: u32,
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Result<(), PlotError>,
) -> Result<String, PlotError> {
    let mut svg = String::new();
    {
        // The backend borrows `svg` until it is dropped at the end of this block.
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw(&root)?;
        // Flush explicitly: the flush on drop would swallow errors.
        root.present()?;
    }
    Ok(svg)
}
