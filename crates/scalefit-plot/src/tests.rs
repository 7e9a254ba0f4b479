//! Rendering tests on SVG documents (the crate's writer; plotters' `SVGBackend` through the
//! adapter, and as the writer's reference): expected elements appear, bad input never panics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use plotters::prelude::*;

use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

use crate::scale::{format_tick, ticks, LogRange};
use crate::*;

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// `<tag ...>` elements of an SVG document that contain every given fragment.
fn elements<'s>(svg: &'s str, tag: &str, fragments: &[&str]) -> Vec<&'s str> {
    svg.split('<')
        .filter(|e| e.starts_with(&format!("{tag} ")))
        .filter(|e| fragments.iter().all(|f| e.contains(f)))
        .collect()
}

fn power_law(m: f64) -> f64 {
    0.02 + 3.0 * m.powf(-0.35)
}

fn learning_curve() -> LearningCurvePlot {
    let ms = [100.0, 300.0, 1e3, 3e3, 1e4, 3e4, 1e5, 3e5];
    let curve_ms: Vec<f64> = (0..50)
        .map(|i| 10f64.powf(2.0 + 3.5 * i as f64 / 49.0))
        .collect();
    let ext_ms: Vec<f64> = (0..30)
        .map(|i| 10f64.powf(5.5 + 1.5 * i as f64 / 29.0))
        .collect();
    LearningCurvePlot {
        points: ms.iter().map(|&m| (m, power_law(m) * 1.03)).collect(),
        held_out: vec![(1e6, power_law(1e6) * 0.97), (2e6, power_law(2e6))],
        curve: curve_ms.iter().map(|&m| (m, power_law(m))).collect(),
        band: curve_ms
            .iter()
            .map(|&m| (m, power_law(m) * 0.9, power_law(m) * 1.1))
            .collect(),
        extrapolation: ext_ms.iter().map(|&m| (m, power_law(m))).collect(),
        target: Some(0.035),
        regions: vec![
            (50.0, 300.0, "small data".into()),
            (300.0, 1e6, "power law".into()),
            (1e6, 1e9, "irreducible".into()),
        ],
        x_label: "training set size m".into(),
        y_label: "generalization error".into(),
        names: Default::default(),
        family: Vec::new(),
    }
}

fn model_size() -> ModelSizePlot {
    let size = |m: f64| 50.0 * m.powf(0.7);
    let ms = [1e3, 3e3, 1e4, 3e4, 1e5];
    let curve_ms: Vec<f64> = (0..40)
        .map(|i| 10f64.powf(3.0 + 4.0 * i as f64 / 39.0))
        .collect();
    ModelSizePlot {
        points: ms.iter().map(|&m| (m, size(m) * 1.05)).collect(),
        curve: curve_ms.iter().map(|&m| (m, size(m))).collect(),
        band: curve_ms
            .iter()
            .map(|&m| (m, size(m) * 0.7, size(m) * 1.4))
            .collect(),
        projected: Some((1e7, size(1e7))),
        x_label: "training set size m".into(),
        y_label: "parameters".into(),
        names: Default::default(),
    }
}

#[test]
fn learning_curve_svg_has_every_element() {
    let theme = Theme::light();
    let svg = render_learning_curve_svg(&learning_curve(), &theme, 800, 500).unwrap();

    // 8 fitted points + 1 legend marker, filled; 2 held-out + 1 legend marker, hollow.
    let fill = format!("fill=\"{}\"", hex(theme.point));
    assert_eq!(elements(&svg, "circle", &[&fill]).len(), 9);
    let ring = format!("stroke=\"{}\"", hex(theme.held_out));
    assert_eq!(elements(&svg, "circle", &[&ring, "fill=\"none\""]).len(), 3);

    let fit = format!("stroke=\"{}\"", hex(theme.fit));
    let fit_lines = elements(&svg, "polyline", &[&fit]);
    assert!(
        fit_lines.iter().any(|l| l.matches(',').count() >= 40),
        "fit curve drawn as one long polyline"
    );

    let dash = format!("stroke=\"{}\"", hex(theme.extrapolation));
    assert!(
        elements(&svg, "polyline", &[&dash]).len() >= 8,
        "extrapolation is dashed"
    );

    let target = format!("stroke=\"{}\"", hex(theme.target));
    let target_lines = elements(&svg, "polyline", &[&target]);
    assert!(!target_lines.is_empty());
    let ys: Vec<&str> = target_lines[0]
        .split("points=\"")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .filter_map(|p| p.split(',').nth(1))
        .collect();
    assert!(
        ys.len() == 2 && ys[0] == ys[1].trim_end_matches('"'),
        "target line is horizontal"
    );

    let band = format!("fill=\"{}\"", hex(theme.band));
    assert_eq!(elements(&svg, "polygon", &[&band]).len(), 1);
    for text in [
        "small data",
        "power law",
        "irreducible",
        "target 0.035",
        "training set size m",
    ] {
        assert!(svg.contains(text), "missing {text}");
    }
    // Tick labels in compact notation.
    assert!(svg.contains("\n1k\n") && svg.contains("\n1M\n") && svg.contains("\n0.05\n"));
}

#[test]
fn model_size_svg_has_every_element() {
    let theme = Theme::dark();
    let svg = render_model_size_svg(&model_size(), &theme, 800, 500).unwrap();
    let fill = format!("fill=\"{}\"", hex(theme.point));
    assert_eq!(elements(&svg, "circle", &[&fill]).len(), 6);
    let fit = format!("stroke=\"{}\"", hex(theme.fit));
    assert!(!elements(&svg, "polyline", &[&fit]).is_empty());
    // Band polygon, projection diamond and its legend marker.
    assert_eq!(
        elements(&svg, "polygon", &[&format!("fill=\"{}\"", hex(theme.band))]).len(),
        1
    );
    let diamond = format!("fill=\"{}\"", hex(theme.extrapolation));
    assert_eq!(elements(&svg, "polygon", &[&diamond]).len(), 2);
    assert!(svg.contains("projected:"));
    assert!(svg.contains(&format!("fill=\"{}\"", hex(theme.background))));
}

fn try_learning(plot: &LearningCurvePlot, w: u32, h: u32) -> Result<String, PlotError> {
    render_learning_curve_svg(plot, &Theme::light(), w, h)
}

#[test]
fn empty_inputs_report_no_data() {
    assert_eq!(
        try_learning(&LearningCurvePlot::default(), 640, 400),
        Err(PlotError::NoData)
    );
    let only_target = LearningCurvePlot {
        target: Some(0.1),
        ..Default::default()
    };
    assert_eq!(try_learning(&only_target, 640, 400), Err(PlotError::NoData));
    assert_eq!(
        render_model_size_svg(&ModelSizePlot::default(), &Theme::dark(), 640, 400),
        Err(PlotError::NoData)
    );
}

#[test]
fn degenerate_inputs_never_panic() {
    let bad = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1.0,
        0.0,
        1e-320,
        1e300,
        -1e300,
        f64::MAX,
        f64::MIN_POSITIVE,
    ];
    let mut cases = vec![
        LearningCurvePlot {
            points: vec![(1000.0, 0.1)],
            ..Default::default()
        },
        LearningCurvePlot {
            points: vec![(1000.0, 0.1), (1000.0, 0.1)],
            curve: vec![(1000.0, 0.1)],
            band: vec![(1000.0, 0.0, 0.2)],
            extrapolation: vec![(1000.0, 0.1)],
            regions: vec![
                (1.0, 10.0, "far away".into()),
                (f64::NAN, 5.0, String::new()),
            ],
            ..Default::default()
        },
        LearningCurvePlot {
            points: vec![(1e300, 1e300), (1e-300, 1e-300)],
            curve: vec![(1e-300, 1e300), (1e300, 1e-300)],
            band: vec![
                (1e-300, -1.0, 1e308),
                (1e300, f64::NAN, 1.0),
                (1e10, 1e-308, 1e308),
            ],
            target: Some(1e300),
            regions: vec![(0.0, f64::INFINITY, "everything".into())],
            ..Default::default()
        },
    ];
    for &a in &bad {
        for &b in &bad {
            cases.push(LearningCurvePlot {
                points: vec![(a, b), (b, a), (10.0, 0.5)],
                held_out: vec![(a, a)],
                curve: vec![(a, b), (100.0, 0.3), (b, a)],
                band: vec![(a, b, a), (100.0, a, b), (1e4, -1.0, b)],
                extrapolation: vec![(b, b), (a, 0.2)],
                target: Some(a),
                regions: vec![(a, b, "r".into())],
                ..Default::default()
            });
        }
    }
    for plot in &cases {
        for (w, h) in [(800, 500), (120, 90), (0, 0), (1, 1), (4000, 30)] {
            let r = try_learning(plot, w, h);
            assert!(
                r.is_ok() || matches!(r, Err(PlotError::TooSmall { .. })),
                "{r:?}"
            );
        }
    }
    for &a in &bad {
        let plot = ModelSizePlot {
            points: vec![(a, a), (1e3, 1e6)],
            curve: vec![(a, 1.0), (1e3, 1e6), (1e4, a)],
            band: vec![(a, a, a), (1e3, -5.0, 1e7)],
            projected: Some((a, 1e9)),
            ..Default::default()
        };
        for (w, h) in [(800, 500), (10, 10)] {
            let r = render_model_size_svg(&plot, &Theme::light(), w, h);
            assert!(
                r.is_ok() || matches!(r, Err(PlotError::TooSmall { .. })),
                "{r:?}"
            );
        }
    }
    let only_bad = LearningCurvePlot {
        points: vec![(f64::NAN, -1.0), (0.0, 1.0)],
        ..Default::default()
    };
    assert_eq!(try_learning(&only_bad, 640, 400), Err(PlotError::NoData));
}

/// Integer attribute `name` of an SVG element.
fn attr(element: &str, name: &str) -> i32 {
    let padded = format!(" {element}");
    let value = padded.split(&format!(" {name}=\"")).nth(1).unwrap();
    value.split('"').next().unwrap().parse().unwrap()
}

/// The SVG document and frame of a learning curve drawn at `size`.
fn draw_svg(plot: &LearningCurvePlot, theme: &Theme, size: (u32, u32)) -> (String, PlotFrame) {
    let mut svg = String::new();
    let frame = {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let frame = draw_learning_curve(&root, plot, theme).unwrap();
        root.present().unwrap();
        frame
    };
    (svg, frame)
}

/// Hover highlights rely on `to_pixel` landing exactly on the drawn markers; `to_data`
/// inverts it to within a pixel.
#[test]
fn frame_lands_on_markers_and_round_trips() {
    let theme = Theme::light();
    let plot = learning_curve();
    let (svg, frame) = draw_svg(&plot, &theme, (700, 450));
    assert!(frame.plot_left < frame.plot_right && frame.plot_top < frame.plot_bottom);
    let centres = |fragments: &[&str]| -> Vec<(i32, i32)> {
        elements(&svg, "circle", fragments)
            .iter()
            .map(|e| (attr(e, "cx"), attr(e, "cy")))
            .collect()
    };
    // Markers in data order (the fixture is sorted by m), then the legend's.
    let fill = format!("fill=\"{}\"", hex(theme.point));
    let ring = format!("stroke=\"{}\"", hex(theme.held_out));
    for (points, drawn) in [
        (&plot.points, centres(&[&fill])),
        (&plot.held_out, centres(&[&ring, "fill=\"none\""])),
    ] {
        let expected: Vec<_> = points
            .iter()
            .map(|&(x, y)| frame.to_pixel(x, y).unwrap())
            .collect();
        assert_eq!(drawn[..expected.len()], expected);
    }

    for &(x, y) in &[
        (100.0f64, 0.03f64),
        (1e6, 0.8),
        (3162.0, 0.1),
        (250.0, 0.5),
        (77_777.0, 0.0323),
    ] {
        let px = frame.to_pixel(x, y).unwrap();
        let (dx, dy) = frame.to_data(px.0, px.1).unwrap();
        // One pixel spans about (6 decades / ~600 px) of x; allow a couple of pixels.
        assert!((dx.log10() - x.log10()).abs() < 0.02, "{dx} vs {x}");
        assert!((dy.log10() - y.log10()).abs() < 0.02, "{dy} vs {y}");
    }
    let corner = frame.to_data(frame.plot_left, frame.plot_bottom).unwrap();
    assert!((corner.0.log10() - frame.x_range.0).abs() < 1e-9);
    assert!((corner.1.log10() - frame.y_range.0).abs() < 1e-9);
    assert_eq!(
        frame.to_pixel(10f64.powf(frame.x_range.1), 10f64.powf(frame.y_range.1)),
        Some((frame.plot_right, frame.plot_top))
    );
    assert_eq!(frame.to_data(frame.plot_left - 1, frame.plot_top), None);
    assert_eq!(frame.to_pixel(-1.0, 0.1), None);
    assert_eq!(frame.to_pixel(1e12, 0.1), None);
    assert_eq!(frame.to_pixel(f64::NAN, 0.1), None);

    let pts = [(1e3, 0.1), (1e4, 0.05)];
    let (px, py) = frame.to_pixel(1e4, 0.05).unwrap();
    assert_eq!(frame.nearest(px + 2, py - 1, &pts, 6.0), Some(1));
    assert_eq!(
        frame.nearest(frame.plot_left, frame.plot_top, &pts, 6.0),
        None
    );
}

/// The frame and mesh geometry plotters' chart layer used to produce for these sizes:
/// axes one pixel outside the frame, 5 px tick marks, labels twice that from the axis.
#[test]
fn mesh_sits_around_the_frame() {
    let theme = Theme::light();
    let (svg, frame) = draw_svg(&learning_curve(), &theme, (800, 500));
    let edges = (
        frame.plot_left,
        frame.plot_top,
        frame.plot_right,
        frame.plot_bottom,
    );
    // 12 px margins (24 on the right), a 22 px region strip, 72 px and 48 px label areas.
    assert_eq!(edges, (84, 34, 775, 439));
    let axis = format!("stroke=\"{}\"", hex(theme.foreground));
    let paths: Vec<&str> = elements(&svg, "polyline", &[&axis])
        .into_iter()
        .map(|e| {
            e.split("points=\"")
                .nth(1)
                .unwrap()
                .trim_end_matches(['"', '/', '>', '\n', ' '])
        })
        .collect();
    assert!(paths.contains(&"83,34 83,439"), "y axis: {paths:?}");
    assert!(paths.contains(&"84,440 775,440"), "x axis: {paths:?}");
    let (x1k, y01) = (frame.x_pixel(1e3), frame.y_pixel(0.1));
    assert!(paths.contains(&format!("{x1k},440 {x1k},445").as_str()));
    assert!(paths.contains(&format!("78,{y01} 83,{y01}").as_str()));
    let label = |text: &str| {
        let tag = svg
            .split("<text ")
            .find(|t| t.contains(&format!(">\n{text}\n")));
        tag.map(|t| (attr(t, "x"), attr(t, "y")))
    };
    assert_eq!(label("1k"), Some((x1k, 450)));
    assert_eq!(label("0.1"), Some((74, y01)));
    // Grid lines span the frame; the border boxes it.
    let grid = format!("stroke=\"{}\"", hex(theme.grid));
    let line = format!("x1=\"{x1k}\" y1=\"439\" x2=\"{x1k}\" y2=\"34\"");
    assert_eq!(elements(&svg, "line", &[&grid, &line]).len(), 1);
    let border = elements(
        &svg,
        "rect",
        &["x=\"84\" y=\"34\" width=\"691\" height=\"405\""],
    );
    assert_eq!(border.len(), 1);
    assert!(border[0].contains("fill=\"none\""));
}

/// Points of an SVG polyline.
fn polyline_points(element: &str) -> Vec<(f64, f64)> {
    let points = element.split("points=\"").nth(1).unwrap();
    let points = points.split('"').next().unwrap();
    points
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

/// Dashes are measured in pixels (8 drawn, 5 skipped at scale 1, both scaled), and a
/// legend too big for a small frame is cropped to it while its text is not.
#[test]
fn dashes_and_legend_keep_their_geometry() {
    for scale in [1.0, 2.0] {
        let theme = Theme::light().scaled(scale);
        let size = ((800.0 * scale) as u32, (500.0 * scale) as u32);
        let (svg, _) = draw_svg(&learning_curve(), &theme, size);
        let dash = format!("stroke=\"{}\"", hex(theme.extrapolation));
        let dashes: Vec<Vec<(f64, f64)>> = elements(&svg, "polyline", &[&dash])
            .iter()
            .map(|e| polyline_points(e))
            .collect();
        // The series' dashes, then the legend glyph's two.
        let series = &dashes[..dashes.len() - 2];
        assert!(series.len() >= 8);
        let length = |d: &[(f64, f64)]| -> f64 {
            d.windows(2)
                .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
                .sum()
        };
        let want = 8.0 * scale;
        for d in &series[..series.len() - 1] {
            // Whole pixels: each rounded end moves a dash by up to a pixel.
            assert!((length(d) - want).abs() <= 1.5, "{d:?} at scale {scale}");
        }
        let gap = (series[1][0].0 - series[0][series[0].len() - 1].0)
            .hypot(series[1][0].1 - series[0][series[0].len() - 1].1);
        assert!(
            (gap - 5.0 * scale).abs() <= 1.5,
            "gap {gap} at scale {scale}"
        );
    }

    let theme = Theme::light();
    let (svg, frame) = draw_svg(&learning_curve(), &theme, (200, 150));
    let fill = format!("fill=\"{}\"", hex(theme.background));
    let boxes = elements(&svg, "rect", &[&fill, "opacity=\"0.88\""]);
    assert_eq!(boxes.len(), 1, "one legend box");
    let (x, y) = (attr(boxes[0], "x"), attr(boxes[0], "y"));
    let (w, h) = (attr(boxes[0], "width"), attr(boxes[0], "height"));
    assert!(
        x >= frame.plot_left && x + w <= frame.plot_right + 1,
        "{x} {w} {frame:?}"
    );
    assert!(
        y >= frame.plot_top && y + h <= frame.plot_bottom + 1,
        "{y} {h} {frame:?}"
    );
    // The last entry's text runs below the frame.
    let text = svg
        .split("<text ")
        .find(|t| t.contains(">\nheld-out points\n"));
    assert!(attr(text.unwrap(), "y") > frame.plot_bottom);
}

#[test]
fn draw_returns_the_frame_it_used() {
    let mut svg = String::new();
    let root = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
    let frame = draw_learning_curve(&root, &learning_curve(), &Theme::light()).unwrap();
    let (x, y) = (1e3, power_law(1e3));
    let (px, py) = frame.to_pixel(x, y).unwrap();
    let (dx, dy) = frame.to_data(px, py).unwrap();
    assert!((dx / x - 1.0).abs() < 0.05 && (dy / y - 1.0).abs() < 0.05);
    // The frame sits inside the canvas with room for labels on the left and bottom.
    assert!(frame.plot_left > 40 && frame.plot_bottom < 400 - 30 && frame.plot_right < 640);
}

#[test]
fn ticks_are_readable() {
    let wide = ticks(LogRange { lo: 1.8, hi: 6.3 });
    assert_eq!(wide.major, vec![100.0, 1e3, 1e4, 1e5, 1e6]);
    assert!(wide.minor.contains(&200.0));

    let huge = ticks(LogRange {
        lo: -300.0,
        hi: 300.0,
    });
    assert!(huge.major.len() <= 8 && huge.major.len() >= 4);

    let errors = ticks(LogRange { lo: -1.6, hi: -0.4 });
    let labels: Vec<String> = errors.major.iter().map(|&v| format_tick(v)).collect();
    assert_eq!(labels, ["0.03", "0.05", "0.1", "0.2", "0.3"]);
    let errors = ticks(LogRange {
        lo: -1.62,
        hi: -0.06,
    });
    let labels: Vec<String> = errors.major.iter().map(|&v| format_tick(v)).collect();
    assert_eq!(labels, ["0.05", "0.1", "0.2", "0.5"]);

    // Half a decade (the narrowest axis) still gets several well-spread labels.
    for lo in [-2.0, -1.37, -1.25, 0.0, 0.02, 2.75, 2.9] {
        let r = LogRange { lo, hi: lo + 0.5 };
        let t = ticks(r);
        assert!((3..=8).contains(&t.major.len()), "{lo}: {t:?}");
        let logs: Vec<f64> = t.major.iter().map(|v| v.log10()).collect();
        assert!(
            logs[0] - r.lo < 0.25 && r.hi - logs[logs.len() - 1] < 0.25,
            "{lo}: {t:?}"
        );
    }
}

#[test]
fn tick_labels_are_compact() {
    let cases = [
        (1.0, "1"),
        (20.0, "20"),
        (0.05, "0.05"),
        (0.1234, "0.123"),
        (1.5, "1.5"),
        (1000.0, "1k"),
        (2500.0, "2.5k"),
        (1e4, "10k"),
        (1e6, "1M"),
        (1.2e9, "1.2B"),
        (3e12, "3T"),
        (1e-5, "1e-5"),
        (2.5e-5, "2.5e-5"),
        (1e20, "1e20"),
        (999_999.0, "1M"),
        (10f64.powi(-5), "1e-5"),
        (0.0, "0"),
    ];
    for (v, want) in cases {
        assert_eq!(format_tick(v), want, "{v}");
    }
}

#[test]
#[ignore = "writes /tmp/plot-example*.svg for eyeballing"]
fn write_examples() {
    let lc = render_learning_curve_svg(&learning_curve(), &Theme::light(), 800, 500).unwrap();
    std::fs::write("/tmp/plot-example.svg", lc).unwrap();
    let lc = render_learning_curve_svg(&learning_curve(), &Theme::dark(), 800, 500).unwrap();
    std::fs::write("/tmp/plot-example-dark.svg", lc).unwrap();
    let ms = render_model_size_svg(&model_size(), &Theme::light(), 800, 500).unwrap();
    std::fs::write("/tmp/plot-example-model.svg", ms).unwrap();
}

#[test]
#[ignore = "writes /tmp/plot-small*.svg for eyeballing"]
fn write_small_examples() {
    let small = render_learning_curve_svg(&learning_curve(), &Theme::light(), 420, 280).unwrap();
    std::fs::write("/tmp/plot-small.svg", small).unwrap();
    let hidpi = render_learning_curve_svg(&learning_curve(), &Theme::light().scaled(2.0), 840, 560);
    std::fs::write("/tmp/plot-small-2x.svg", hidpi.unwrap()).unwrap();
    let single = LearningCurvePlot {
        points: vec![(1000.0, 0.1)],
        target: Some(0.1),
        ..Default::default()
    };
    let one = render_learning_curve_svg(&single, &Theme::light(), 420, 280).unwrap();
    std::fs::write("/tmp/plot-single.svg", one).unwrap();
}

#[test]
fn legend_names_default_and_can_be_given() {
    let theme = Theme::light();
    let svg = render_learning_curve_svg(&learning_curve(), &theme, 800, 500).unwrap();
    assert!(svg.contains("power-law fit") && svg.contains("fitted points"));
    let named = LearningCurvePlot {
        names: ["the paper's trend".into(), "your current point".into()],
        ..learning_curve()
    };
    let svg = render_learning_curve_svg(&named, &theme, 800, 500).unwrap();
    assert!(svg.contains("paper") && svg.contains("your current point"));
    assert!(!svg.contains("power-law fit") && !svg.contains("fitted points"));

    let svg = render_model_size_svg(&model_size(), &theme, 800, 500).unwrap();
    assert!(svg.contains("measured"));
    let named = ModelSizePlot {
        names: [String::new(), "today".into()],
        ..model_size()
    };
    let svg = render_model_size_svg(&named, &theme, 800, 500).unwrap();
    assert!(svg.contains("power-law fit") && svg.contains("today"));
    assert!(!svg.contains("measured"));
}

/// The scene's result and the document plotters' `SVGBackend` writes for it, through the
/// canvas adapter: the reference the SVG writer must reproduce.
fn reference(size: (u32, u32), scene: &canvas::Scene<'_>) -> String {
    let mut svg = String::new();
    let result = {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let result = canvas::paint(&root, scene);
        root.present().unwrap();
        result
    };
    format!("{result:?}\n{svg}")
}

/// The same through the SVG writer.
fn written(size: (u32, u32), scene: &canvas::Scene<'_>) -> String {
    let (result, svg) = svg::write(size.0, size.1, scene);
    format!("{result:?}\n{svg}")
}

fn assert_same_svg(name: &str, size: (u32, u32), scene: &canvas::Scene<'_>) {
    let (want, got) = (reference(size, scene), written(size, scene));
    if want != got {
        let line = want
            .lines()
            .zip(got.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(want.lines().count().min(got.lines().count()));
        panic!(
            "{name}: the SVG writer differs from SVGBackend at line {line}:\n  want {:?}\n  got  {:?}",
            want.lines().nth(line),
            got.lines().nth(line)
        );
    }
}

fn same_learning_curve(name: &str, plot: &LearningCurvePlot, theme: &Theme, size: (u32, u32)) {
    assert_same_svg(name, size, &|c, area| {
        learning_curve::draw(c, area, plot, theme)
    });
}

fn same_model_size(name: &str, plot: &ModelSizePlot, theme: &Theme, size: (u32, u32)) {
    assert_same_svg(name, size, &|c, area| {
        model_size::draw(c, area, plot, theme)
    });
}

/// The SVG writer writes, byte for byte, the document plotters' `SVGBackend` writes for
/// the same plot: both plots, both themes, several sizes and scales, every legend corner,
/// regions, bands, unfittable labels, no data, too small, and degenerate values.
#[test]
fn svg_writer_matches_plotters_svg_backend() {
    let (light, dark) = (Theme::light(), Theme::dark());
    let themes = [
        ("light", light),
        ("dark", dark),
        ("light2x", light.scaled(2.0)),
        ("dark1.5x", dark.scaled(1.5)),
        ("light0.75x", light.scaled(0.75)),
    ];
    let sizes = [
        (800, 500),
        (640, 400),
        (960, 600),
        (420, 280),
        (1600, 1000),
        (200, 150),
        (150, 120),
        (180, 160),
        (0, 0),
    ];
    let base = learning_curve();
    let ms = model_size();
    let mut cases = 0;
    for (name, theme) in &themes {
        for size in sizes {
            let tag = format!("{name} {size:?}");
            same_learning_curve(&format!("learning curve {tag}"), &base, theme, size);
            same_model_size(&format!("model size {tag}"), &ms, theme, size);
            cases += 2;
        }
    }

    // Flipped data, so the legend lands in each corner in turn.
    let flip_y = |p: &[(f64, f64)]| p.iter().map(|&(x, y)| (x, 1.0 / y)).collect::<Vec<_>>();
    let flip_x = |p: &[(f64, f64)]| p.iter().map(|&(x, y)| (1e8 / x, y)).collect::<Vec<_>>();
    let rising = LearningCurvePlot {
        points: flip_y(&base.points),
        held_out: flip_y(&base.held_out),
        curve: flip_y(&base.curve),
        band: base
            .band
            .iter()
            .map(|&(m, lo, hi)| (m, 1.0 / hi, 1.0 / lo))
            .collect(),
        extrapolation: flip_y(&base.extrapolation),
        target: Some(30.0),
        ..base.clone()
    };
    let mirrored = LearningCurvePlot {
        points: flip_x(&base.points),
        held_out: flip_x(&base.held_out),
        curve: flip_x(&base.curve),
        band: base
            .band
            .iter()
            .map(|&(m, lo, hi)| (1e8 / m, lo, hi))
            .collect(),
        extrapolation: flip_x(&base.extrapolation),
        regions: vec![],
        ..base.clone()
    };
    let both = LearningCurvePlot {
        points: flip_x(&rising.points),
        held_out: flip_x(&rising.held_out),
        curve: flip_x(&rising.curve),
        band: vec![],
        extrapolation: flip_x(&rising.extrapolation),
        ..rising.clone()
    };
    let ms_flipped = ModelSizePlot {
        points: flip_x(&ms.points),
        curve: flip_x(&ms.curve),
        band: ms
            .band
            .iter()
            .map(|&(m, lo, hi)| (1e8 / m, lo, hi))
            .collect(),
        projected: ms.projected.map(|(x, y)| (1e8 / x, y)),
        ..ms.clone()
    };
    let ms_plain = ModelSizePlot {
        projected: None,
        band: vec![],
        names: ["trend".into(), "a <b> & \"c\" 'd'".into()],
        ..ms.clone()
    };
    let errors = LearningCurvePlot {
        points: vec![(1e3, 0.3), (2e3, 0.2), (5e3, 0.12), (1e4, 0.08)],
        held_out: vec![(2e4, 0.05)],
        curve: (0..20)
            .map(|i| {
                let m = 1e3 * 20f64.powf(f64::from(i) / 19.0);
                (m, 0.3 * (m / 1e3).powf(-0.45))
            })
            .collect(),
        band: (0..20)
            .map(|i| {
                let m = 1e3 * 20f64.powf(f64::from(i) / 19.0);
                let e = 0.3 * (m / 1e3).powf(-0.45);
                (m, e - 0.1, e + 0.05)
            })
            .collect(),
        target: Some(0.04),
        regions: vec![
            (
                500.0,
                3e3,
                "a very long region label that cannot fit".into(),
            ),
            (3e3, 1e5, "ok & <fine>".into()),
            (1e5, 1e6, String::new()),
        ],
        x_label: "m \"examples\"".into(),
        y_label: String::new(),
        names: ["the paper's trend".into(), "your current point".into()],
        ..Default::default()
    };
    let single = LearningCurvePlot {
        points: vec![(1e3, 0.1)],
        target: Some(0.1),
        ..Default::default()
    };
    let huge = LearningCurvePlot {
        points: vec![(1e-300, 1e-300), (1e300, 1e300)],
        curve: vec![(1e-300, 1e300), (1e300, 1e-300)],
        band: vec![
            (1e-300, -1.0, 1e308),
            (1e300, f64::NAN, 1.0),
            (1e10, 1e-308, 1e308),
        ],
        target: Some(1e300),
        regions: vec![(0.0, f64::INFINITY, "everything".into())],
        ..Default::default()
    };
    let flat = LearningCurvePlot {
        points: vec![(1e3, 0.1), (1e3, 0.1)],
        curve: vec![(1e3, 0.1)],
        band: vec![(1e3, 0.0, 0.2)],
        extrapolation: vec![(1e3, 0.1)],
        regions: vec![
            (1.0, 10.0, "far away".into()),
            (f64::NAN, 5.0, String::new()),
        ],
        ..Default::default()
    };
    let learning_cases = [
        ("rising", &rising),
        ("mirrored", &mirrored),
        ("both flipped", &both),
        ("errors", &errors),
        ("single point", &single),
        ("huge range", &huge),
        ("flat", &flat),
        ("empty", &LearningCurvePlot::default()),
    ];
    let model_cases = [
        ("flipped", &ms_flipped),
        ("plain", &ms_plain),
        ("empty", &ModelSizePlot::default()),
    ];
    for (name, theme) in &themes {
        for size in [(800, 500), (640, 400), (320, 240)] {
            for (plot_name, plot) in learning_cases {
                let tag = format!("learning curve {plot_name} {name} {size:?}");
                same_learning_curve(&tag, plot, theme, size);
                cases += 1;
            }
            for (plot_name, plot) in model_cases {
                let tag = format!("model size {plot_name} {name} {size:?}");
                same_model_size(&tag, plot, theme, size);
                cases += 1;
            }
        }
    }

    let bad = [
        f64::NAN,
        f64::INFINITY,
        -1.0,
        0.0,
        1e-320,
        1e300,
        f64::MAX,
        f64::MIN_POSITIVE,
    ];
    for &a in &bad {
        for &b in &bad {
            let plot = LearningCurvePlot {
                points: vec![(a, b), (b, a), (10.0, 0.5)],
                held_out: vec![(a, a)],
                curve: vec![(a, b), (100.0, 0.3), (b, a)],
                band: vec![(a, b, a), (100.0, a, b), (1e4, -1.0, b)],
                extrapolation: vec![(b, b), (a, 0.2)],
                target: Some(a),
                regions: vec![(a, b, "r".into())],
                ..Default::default()
            };
            same_learning_curve(&format!("bad {a} {b}"), &plot, &light, (500, 300));
            cases += 1;
        }
        let plot = ModelSizePlot {
            points: vec![(a, a), (1e3, 1e6)],
            curve: vec![(a, 1.0), (1e3, 1e6), (1e4, a)],
            band: vec![(a, a, a), (1e3, -5.0, 1e7)],
            projected: Some((a, 1e9)),
            ..Default::default()
        };
        same_model_size(&format!("bad model size {a}"), &plot, &dark, (500, 300));
        cases += 1;
    }
    assert!(cases > 250, "{cases} cases");
}

/// Every canvas primitive, including styles the plots don't use (transparent colours,
/// other rotations and font styles, named font families, markup in text), is written
/// exactly as `SVGBackend` writes it.
#[test]
fn svg_writer_primitives_match_plotters_svg_backend() {
    let colors = [
        RGBColor(0, 0, 0).to_rgba(),
        RGBColor(255, 10, 171).mix(0.5),
        RGBColor(1, 2, 3).mix(0.0),
        RGBColor(12, 34, 56).mix(1.0 / 3.0),
    ];
    let families = [
        FontFamily::SansSerif,
        FontFamily::Serif,
        FontFamily::Monospace,
        FontFamily::Name("Fancy <&> \"Font\""),
    ];
    let styles = [
        FontStyle::Normal,
        FontStyle::Bold,
        FontStyle::Italic,
        FontStyle::Oblique,
    ];
    let transforms = [
        FontTransform::None,
        FontTransform::Rotate90,
        FontTransform::Rotate180,
        FontTransform::Rotate270,
    ];
    let anchors = [
        Pos::new(HPos::Left, VPos::Top),
        Pos::new(HPos::Center, VPos::Center),
        Pos::new(HPos::Right, VPos::Bottom),
    ];
    let scene = |c: &mut dyn canvas::Canvas, area: canvas::Area| {
        for (i, &color) in colors.iter().enumerate() {
            let i = i as i32;
            for width in [0, 1, 3] {
                for filled in [false, true] {
                    let style = ShapeStyle {
                        color,
                        filled,
                        stroke_width: width,
                    };
                    c.line((i, -2), (area.x1 + i, 7 * i), &style)?;
                    c.rect((i, i), (area.x1 - i, 3), &style)?;
                    c.path(&[], &style)?;
                    c.path(&[(1, 2), (-3, 4), (i, i)], &style)?;
                    c.polygon(&[(i, 0), (5, -5), (9, 9)], &style)?;
                    c.circle((i, 2 * i), width, &style)?;
                }
            }
        }
        for (i, family) in families.iter().enumerate() {
            for (j, &style) in styles.iter().enumerate() {
                for (k, transform) in transforms.iter().enumerate() {
                    for (l, &pos) in anchors.iter().enumerate() {
                        let size = 8.0 + (i * 7 + j * 3 + k) as f64 * 0.75;
                        let text = FontDesc::new(*family, size, style)
                            .transform(transform.clone())
                            .color(&colors[l % colors.len()])
                            .pos(pos);
                        let at = (i as i32 * 10 - 5, (j * 16 + k * 4 + l) as i32);
                        c.text("a <b> & \"c\" 'd' é", &text, at)?;
                        c.text("", &text, at)?;
                        let (w, h) = c.text_size("Width & height", &text)?;
                        c.line((0, 0), (w as i32, h as i32), &colors[0].into())?;
                    }
                }
            }
        }
        Err(PlotError::NoData)
    };
    for size in [(320, 200), (1, 1), (0, 0)] {
        assert_same_svg(&format!("primitives {size:?}"), size, &scene);
    }
}
