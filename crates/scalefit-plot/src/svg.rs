//! SVG documents of the plots (feature `svg`), written by hand through the [`Canvas`]
//! interface: the document plotters' `SVGBackend` writes for the same drawing, byte for
//! byte (same elements, attribute order, number formatting and escaping; a test holds the
//! two equal), without compiling the drawing code for a second plotters backend.

use std::fmt::Write as _;

use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, FontStyle, FontTransform, ShapeStyle, TextStyle};
use plotters_backend::BackendColor;

use crate::canvas::{Area, Canvas, Coord, Scene};
use crate::{joint, learning_curve, model_size, JointPlot, LearningCurvePlot, ModelSizePlot};
use crate::{PlotError, PlotFrame, Theme};

/// The learning curve as a standalone SVG document of `width`×`height` pixels.
pub fn render_learning_curve_svg(
    plot: &LearningCurvePlot,
    theme: &Theme,
    width: u32,
    height: u32,
) -> Result<String, PlotError> {
    let (result, svg) = write(width, height, &|c, area| {
        learning_curve::draw(c, area, plot, theme)
    });
    result.map(|_| svg)
}

/// The model-size plot as a standalone SVG document of `width`×`height` pixels.
pub fn render_model_size_svg(
    plot: &ModelSizePlot,
    theme: &Theme,
    width: u32,
    height: u32,
) -> Result<String, PlotError> {
    let (result, svg) = write(width, height, &|c, area| {
        model_size::draw(c, area, plot, theme)
    });
    result.map(|_| svg)
}

/// The joint-law plot of a sweep as a standalone SVG document of `width`×`height`
/// pixels.
pub fn render_joint_svg(
    plot: &JointPlot,
    theme: &Theme,
    width: u32,
    height: u32,
) -> Result<String, PlotError> {
    let (result, svg) = write(width, height, &|c, area| joint::draw(c, area, plot, theme));
    result.map(|_| svg)
}

/// Draws `scene` on a `width`×`height` document; the document is complete even when the
/// scene fails (e.g. with its "No data to plot" note).
pub(crate) fn write(
    width: u32,
    height: u32,
    scene: &Scene<'_>,
) -> (Result<PlotFrame, PlotError>, String) {
    let mut svg = Svg(String::new());
    let _ = writeln!(
        svg.0,
        r#"<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">"#
    );
    let area = Area {
        x0: 0,
        y0: 0,
        x1: width as i32,
        y1: height as i32,
    };
    let result = scene(&mut svg, area);
    svg.0.push_str("</svg>\n");
    (result, svg.0)
}

/// An SVG document under construction. Written for size: each element is appended piece
/// by piece (attribute prefixes as literals, numbers through `core::fmt`, colours and
/// escapes by hand), where plotters formats every attribute into a `String` first.
struct Svg(String);

impl Svg {
    fn push(&mut self, s: &str) {
        self.0.push_str(s);
    }

    fn int(&mut self, v: i64) {
        let _ = write!(self.0, "{v}");
    }

    /// `prefix` (e.g. ` x="`), `v`, a closing quote.
    fn attr(&mut self, prefix: &str, v: impl Into<i64>) {
        self.push(prefix);
        self.int(v.into());
        self.push("\"");
    }

    /// `prefix`, `v` as Rust's shortest round-trip decimal, a closing quote.
    fn fraction(&mut self, prefix: &str, v: f64) {
        let _ = write!(self.0, "{prefix}{v}\"");
    }

    /// `prefix`, `#RRGGBB`, a closing quote.
    fn color(&mut self, prefix: &str, (r, g, b): (u8, u8, u8)) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut hex = *b"#000000";
        for (i, v) in [r, g, b].into_iter().enumerate() {
            hex[1 + 2 * i] = HEX[usize::from(v >> 4)];
            hex[2 + 2 * i] = HEX[usize::from(v & 15)];
        }
        self.push(prefix);
        self.push(std::str::from_utf8(&hex).unwrap_or_default());
        self.push("\"");
    }

    /// ` fill="#RRGGBB" stroke="none"` or ` fill="none" stroke="#RRGGBB"`.
    fn fill_or_stroke(&mut self, c: BackendColor, filled: bool) {
        if filled {
            self.color(r#" fill=""#, c.rgb);
            self.push(r#" stroke="none""#);
        } else {
            self.push(r#" fill="none""#);
            self.color(r#" stroke=""#, c.rgb);
        }
    }

    /// ` points="x,y x,y "`.
    fn points(&mut self, points: &[Coord]) {
        self.push(r#" points=""#);
        for &(x, y) in points {
            self.int(x.into());
            self.push(",");
            self.int(y.into());
            self.push(" ");
        }
        self.push("\"");
    }

    /// `text` with `<>&"'` escaped, as plotters escapes text and attribute values.
    fn escaped(&mut self, text: &str) {
        // The escaped characters are ASCII, so the runs between them are whole UTF-8.
        let mut rest = text.as_bytes();
        while let Some(i) = rest.iter().position(|b| b"<>&\"'".contains(b)) {
            self.push(std::str::from_utf8(&rest[..i]).unwrap_or_default());
            self.push(match rest[i] {
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'&' => "&amp;",
                b'"' => "&quot;",
                _ => "&apos;",
            });
            rest = &rest[i + 1..];
        }
        self.push(std::str::from_utf8(rest).unwrap_or_default());
    }
}

/// The colour of a shape, `None` when fully transparent (such shapes are left out).
fn visible(style: &ShapeStyle) -> Option<BackendColor> {
    let c = style.color.to_backend_color();
    (c.alpha != 0.0).then_some(c)
}

impl Canvas for Svg {
    fn line(&mut self, from: Coord, to: Coord, style: &ShapeStyle) -> Result<(), PlotError> {
        if let Some(c) = visible(style) {
            self.fraction(r#"<line opacity=""#, c.alpha);
            self.color(r#" stroke=""#, c.rgb);
            self.attr(r#" stroke-width=""#, style.stroke_width);
            self.attr(r#" x1=""#, from.0);
            self.attr(r#" y1=""#, from.1);
            self.attr(r#" x2=""#, to.0);
            self.attr(r#" y2=""#, to.1);
            self.push("/>\n");
        }
        Ok(())
    }

    fn rect(&mut self, from: Coord, to: Coord, style: &ShapeStyle) -> Result<(), PlotError> {
        if let Some(c) = visible(style) {
            self.attr(r#"<rect x=""#, from.0);
            self.attr(r#" y=""#, from.1);
            self.attr(r#" width=""#, to.0 - from.0);
            self.attr(r#" height=""#, to.1 - from.1);
            self.fraction(r#" opacity=""#, c.alpha);
            self.fill_or_stroke(c, style.filled);
            self.push("/>\n");
        }
        Ok(())
    }

    fn path(&mut self, points: &[Coord], style: &ShapeStyle) -> Result<(), PlotError> {
        if let Some(c) = visible(style) {
            self.fraction(r#"<polyline fill="none" opacity=""#, c.alpha);
            self.color(r#" stroke=""#, c.rgb);
            self.attr(r#" stroke-width=""#, style.stroke_width);
            self.points(points);
            self.push("/>\n");
        }
        Ok(())
    }

    fn polygon(&mut self, points: &[Coord], style: &ShapeStyle) -> Result<(), PlotError> {
        if let Some(c) = visible(style) {
            self.fraction(r#"<polygon opacity=""#, c.alpha);
            self.color(r#" fill=""#, c.rgb);
            self.points(points);
            self.push("/>\n");
        }
        Ok(())
    }

    fn circle(&mut self, center: Coord, radius: u32, style: &ShapeStyle) -> Result<(), PlotError> {
        if let Some(c) = visible(style) {
            self.attr(r#"<circle cx=""#, center.0);
            self.attr(r#" cy=""#, center.1);
            self.attr(r#" r=""#, radius);
            self.fraction(r#" opacity=""#, c.alpha);
            self.fill_or_stroke(c, style.filled);
            self.attr(r#" stroke-width=""#, style.stroke_width);
            self.push("/>\n");
        }
        Ok(())
    }

    fn text(&mut self, text: &str, style: &TextStyle, (x, y): Coord) -> Result<(), PlotError> {
        let c = style.color;
        if c.alpha == 0.0 {
            return Ok(());
        }
        let font = &style.font;
        self.attr(r#"<text x=""#, x);
        self.attr(r#" y=""#, y);
        self.push(match style.pos.v_pos {
            VPos::Top => r#" dy="0.76em""#,
            VPos::Center => r#" dy="0.5ex""#,
            VPos::Bottom => r#" dy="-0.5ex""#,
        });
        self.push(match style.pos.h_pos {
            HPos::Left => r#" text-anchor="start""#,
            HPos::Right => r#" text-anchor="end""#,
            HPos::Center => r#" text-anchor="middle""#,
        });
        self.push(r#" font-family=""#);
        self.escaped(font.get_family().as_str());
        self.fraction(r#"" font-size=""#, font.get_size() / 1.24);
        self.fraction(r#" opacity=""#, c.alpha);
        self.color(r#" fill=""#, c.rgb);
        self.push(match font.get_style() {
            FontStyle::Normal => "",
            FontStyle::Bold => r#" font-weight="bold""#,
            FontStyle::Italic => r#" font-style="italic""#,
            FontStyle::Oblique => r#" font-style="oblique""#,
        });
        let degrees = match font.get_transform() {
            FontTransform::None => 0,
            FontTransform::Rotate90 => 90,
            FontTransform::Rotate180 => 180,
            FontTransform::Rotate270 => 270,
        };
        if degrees != 0 {
            self.push(r#" transform="rotate("#);
            self.int(degrees);
            self.push(", ");
            self.int(x.into());
            self.push(", ");
            self.int(y.into());
            self.push(")\"");
        }
        self.push(">\n");
        self.escaped(text);
        self.push("\n</text>\n");
        Ok(())
    }

    fn text_size(&mut self, text: &str, style: &TextStyle) -> Result<(u32, u32), PlotError> {
        // What plotters' default `estimate_text_size` measures.
        let ((x0, y0), (x1, y1)) = style
            .font
            .layout_box(text)
            .map_err(|e| PlotError::Backend(e.to_string()))?;
        Ok(((x1 - x0) as u32, (y1 - y0) as u32))
    }
}
