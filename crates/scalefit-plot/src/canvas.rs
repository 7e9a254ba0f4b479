//! The only code generic over the plotters backend: a small drawing interface the plots
//! are written against, and one adapter from it to any [`DrawingBackend`]. Everything else
//! (layout, mesh, series, legend) is compiled once, whatever the backends; the SVG writer
//! (svg.rs) is a second implementation of the interface, without plotters' SVG backend.

use std::cell::Cell;
use std::error::Error;

use plotters::coord::Shift;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::{ShapeStyle, TextStyle};
use plotters_backend::{BackendCoord, DrawingErrorKind};

use crate::{PlotError, PlotFrame};

/// Backend pixels, `(x, y)`, y growing downwards.
pub(crate) type Coord = BackendCoord;

/// The backend primitives the plots draw with, in absolute backend pixels.
pub(crate) trait Canvas {
    /// A one-pixel-wide straight line (grid lines).
    fn line(&mut self, from: Coord, to: Coord, style: &ShapeStyle) -> Result<(), PlotError>;
    /// An axis-aligned rectangle, filled if `style.filled`, else outlined.
    fn rect(&mut self, from: Coord, to: Coord, style: &ShapeStyle) -> Result<(), PlotError>;
    /// An open polyline.
    fn path(&mut self, points: &[Coord], style: &ShapeStyle) -> Result<(), PlotError>;
    /// A filled polygon.
    fn polygon(&mut self, points: &[Coord], style: &ShapeStyle) -> Result<(), PlotError>;
    /// A circle, filled if `style.filled`, else a ring.
    fn circle(&mut self, center: Coord, radius: u32, style: &ShapeStyle) -> Result<(), PlotError>;
    fn text(&mut self, text: &str, style: &TextStyle, at: Coord) -> Result<(), PlotError>;
    /// Width and height `text` takes in `style`.
    fn text_size(&mut self, text: &str, style: &TextStyle) -> Result<(u32, u32), PlotError>;
}

/// The part of the backend the plot may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Area {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Area {
    pub fn width(&self) -> u32 {
        (self.x1 - self.x0) as u32
    }

    pub fn height(&self) -> u32 {
        (self.y1 - self.y0) as u32
    }
}

/// A scene drawn by [`paint`].
pub(crate) type Scene<'a> = dyn Fn(&mut dyn Canvas, Area) -> Result<PlotFrame, PlotError> + 'a;

/// Runs `scene` on `root`'s backend with `root`'s rectangle, in one backend borrow.
pub(crate) fn paint<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scene: &Scene<'_>,
) -> Result<PlotFrame, PlotError> {
    let (x0, y0) = root.get_base_pixel();
    let (w, h) = root.dim_in_pixel();
    let area = Area {
        x0,
        y0,
        x1: x0 + w as i32,
        y1: y0 + h as i32,
    };
    let run = Run {
        scene,
        area,
        result: Cell::new(None),
    };
    root.draw(&run)?;
    run.result
        .into_inner()
        .unwrap_or_else(|| Err(PlotError::Backend("nothing drawn".into())))
}

/// The element handed to plotters: it has no points and draws the whole scene.
struct Run<'s, 'a> {
    scene: &'s Scene<'a>,
    area: Area,
    result: Cell<Option<Result<PlotFrame, PlotError>>>,
}

impl<'r> PointCollection<'r, Coord> for &'r Run<'_, '_> {
    type Point = Coord;
    type IntoIter = std::iter::Empty<Coord>;

    fn point_iter(self) -> Self::IntoIter {
        std::iter::empty()
    }
}

impl<DB: DrawingBackend> Drawable<DB> for Run<'_, '_> {
    fn draw<I: Iterator<Item = Coord>>(
        &self,
        _: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let result = (self.scene)(&mut Backend(backend), self.area);
        self.result.set(Some(result));
        Ok(())
    }
}

struct Backend<'b, DB>(&'b mut DB);

fn failed<E: Error + Send + Sync>(e: DrawingErrorKind<E>) -> PlotError {
    plotters::drawing::DrawingAreaErrorKind::BackendError(e).into()
}

impl<DB: DrawingBackend> Canvas for Backend<'_, DB> {
    fn line(&mut self, from: Coord, to: Coord, style: &ShapeStyle) -> Result<(), PlotError> {
        self.0.draw_line(from, to, style).map_err(failed)
    }

    fn rect(&mut self, from: Coord, to: Coord, style: &ShapeStyle) -> Result<(), PlotError> {
        self.0
            .draw_rect(from, to, style, style.filled)
            .map_err(failed)
    }

    fn path(&mut self, points: &[Coord], style: &ShapeStyle) -> Result<(), PlotError> {
        self.0
            .draw_path(points.iter().copied(), style)
            .map_err(failed)
    }

    fn polygon(&mut self, points: &[Coord], style: &ShapeStyle) -> Result<(), PlotError> {
        self.0
            .fill_polygon(points.iter().copied(), style)
            .map_err(failed)
    }

    fn circle(&mut self, center: Coord, radius: u32, style: &ShapeStyle) -> Result<(), PlotError> {
        self.0
            .draw_circle(center, radius, style, style.filled)
            .map_err(failed)
    }

    fn text(&mut self, text: &str, style: &TextStyle, at: Coord) -> Result<(), PlotError> {
        self.0.draw_text(text, style, at).map_err(failed)
    }

    fn text_size(&mut self, text: &str, style: &TextStyle) -> Result<(u32, u32), PlotError> {
        self.0.estimate_text_size(text, style).map_err(failed)
    }
}
