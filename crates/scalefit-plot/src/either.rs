//! One backend type over two: a program that draws on two backends (the web app: canvas
//! on screen, SVG for downloads) instantiates the drawing code once, for
//! `Either<A, B>`, instead of once per backend. Every method forwards to the backend
//! inside, so each draws exactly as it would alone.

use std::error::Error;
use std::fmt;

use plotters::prelude::DrawingBackend;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

/// A drawing backend that is one of two backends.
#[derive(Debug)]
pub enum Either<A, B> {
    Left(A),
    Right(B),
}

/// The error of whichever backend failed.
#[derive(Debug)]
pub enum EitherError<A, B> {
    Left(A),
    Right(B),
}

impl<A: fmt::Display, B: fmt::Display> fmt::Display for EitherError<A, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Left(e) => e.fmt(f),
            Self::Right(e) => e.fmt(f),
        }
    }
}

impl<A: Error, B: Error> Error for EitherError<A, B> {}

type Kind<A, B> = DrawingErrorKind<EitherError<A, B>>;

fn left<A: Error + Send + Sync, B: Error + Send + Sync>(e: DrawingErrorKind<A>) -> Kind<A, B> {
    match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(EitherError::Left(e)),
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

fn right<A: Error + Send + Sync, B: Error + Send + Sync>(e: DrawingErrorKind<B>) -> Kind<A, B> {
    match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(EitherError::Right(e)),
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

/// Forwards one call to the backend inside, mapping its error.
macro_rules! forward {
    ($self:ident, $b:ident => $call:expr) => {
        match $self {
            Either::Left($b) => $call.map_err(left),
            Either::Right($b) => $call.map_err(right),
        }
    };
}

impl<A: DrawingBackend, B: DrawingBackend> DrawingBackend for Either<A, B> {
    type ErrorType = EitherError<A::ErrorType, B::ErrorType>;

    fn get_size(&self) -> (u32, u32) {
        match self {
            Either::Left(b) => b.get_size(),
            Either::Right(b) => b.get_size(),
        }
    }

    fn ensure_prepared(&mut self) -> Result<(), Kind<A::ErrorType, B::ErrorType>> {
        forward!(self, b => b.ensure_prepared())
    }

    fn present(&mut self) -> Result<(), Kind<A::ErrorType, B::ErrorType>> {
        forward!(self, b => b.present())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), Kind<A::ErrorType, B::ErrorType>> {
        forward!(self, b => b.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Kind<A::ErrorType, B::ErrorType>> {
        forward!(self, b => b.draw_line(from, to, style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Kind<A::ErrorType, B::ErrorType>> {
        forward!(self, b => b.draw_rect(upper_left, bottom_right, style, fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Kind<A::ErrorType, B::ErrorType>> {
        forward!(self, b => b.draw_path(path, style))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), Kind<A::ErrorType, B::ErrorType>> {
        forward!(self, b => b.draw_circle(center, radius, style, fill))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), Kind<A::ErrorType, B::ErrorType>> {
        forward!(self, b => b.fill_polygon(vert, style))
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), Kind<A::ErrorType, B::ErrorType>> {
        forward!(self, b => b.draw_text(text, style, pos))
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), Kind<A::ErrorType, B::ErrorType>> {
        forward!(self, b => b.estimate_text_size(text, style))
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), Kind<A::ErrorType, B::ErrorType>> {
        forward!(self, b => b.blit_bitmap(pos, size, src))
    }
}
