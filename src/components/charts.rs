//! The two plots on canvases: crisp at any pixel ratio, redrawn on data, theme and size
//! changes, with hover tooltips read back through the plot's frame, and PNG/SVG
//! downloads.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use scalefit_plot::{draw_learning_curve, draw_model_size, PlotFrame, Theme};

use crate::dom;
use crate::plotting::{self, Hover, Plot};
use crate::state::Ctx;

/// Pixels around a marker that still count as hovering it (CSS pixels).
const HOVER_RADIUS: f64 = 10.0;
/// Size of the SVG downloads.
#[cfg(feature = "svg-export")]
const SVG_SIZE: (u32, u32) = (960, 600);

/// Both plots.
#[component]
pub fn Charts(ctx: Ctx) -> impl IntoView {
    let labels = move || {
        let metric = ctx.settled.with(|s| s.metric);
        (metric, ctx.parsed.with(|p| p.percent))
    };
    let learning = Memo::new(move |_| {
        let (metric, percent) = labels();
        let from_family = ctx.family.with(|f| match f {
            Some(Ok(f)) => {
                let (p, h) = plotting::family_curve(f, metric, percent);
                Some((Plot::LearningCurve(p), h))
            }
            _ => None,
        });
        if from_family.is_some() {
            return from_family;
        }
        let from_fit = ctx.analysis.with(|a| {
            a.as_ref()
                .map(|a| plotting::learning_curve(a, metric, percent))
        });
        // A sweep: its runs behind the envelope's curve (drawn even without one).
        let from_fit = ctx
            .sweep
            .with(|s| match s {
                Some(Ok(page)) => {
                    let (mut p, mut h) = from_fit.clone().unwrap_or_else(|| {
                        let p = scalefit_plot::LearningCurvePlot {
                            x_label: "training-set size m".into(),
                            y_label: plotting::error_label(metric, percent),
                            ..Default::default()
                        };
                        (p, Hover::default())
                    });
                    plotting::with_sweep_runs(&mut p, &mut h, page);
                    Some((p, h))
                }
                _ => None,
            })
            .or(from_fit)
            .map(|(p, h)| (Plot::LearningCurve(p), h));
        // Always a plot (an empty one says "No data to plot"); an `Option` like the
        // model-size plot's, so both are one memo type.
        Some(
            from_fit
                .or_else(|| {
                    ctx.relative.with(|r| {
                        r.as_ref().map(|r| {
                            let (p, h) = plotting::preset_curve(r);
                            (Plot::LearningCurve(p), h)
                        })
                    })
                })
                .unwrap_or_else(|| {
                    (
                        Plot::LearningCurve(scalefit_plot::LearningCurvePlot::default()),
                        Hover::default(),
                    )
                }),
        )
    });
    let model = Memo::new(move |_| {
        let from_fit = ctx.analysis.with(|a| a.as_ref().map(plotting::model_size));
        match from_fit {
            Some(m) => m,
            None => ctx
                .relative
                .with(|r| r.as_ref().and_then(plotting::preset_model_size)),
        }
        .map(|(p, h)| (Plot::ModelSize(p), h))
    });
    let joint = Memo::new(move |_| {
        ctx.sweep.with(|s| match s {
            Some(Ok(page)) => {
                let (p, h) = plotting::joint_plot(page);
                Some((Plot::Joint(p), h))
            }
            _ => None,
        })
    });
    view! {
        <section class="card chart-card" aria-labelledby="lc-heading">
            <ChartCanvas
                ctx=ctx
                id="learning-curve"
                heading_id="lc-heading"
                title="Learning curve"
                caption=Signal::derive(move || {
                    if ctx.family.with(|f| matches!(f, Some(Ok(_)))) {
                        "Log-log. Every series shown, each in its colour: its points, its own fit and, dashed, that fit extrapolated to the target; the legend under the plot hides and shows series. Hover for values."
                    } else if ctx.analysis.with(Option::is_some) || ctx.relative.with(Option::is_none) {
                        "Log-log. Filled: fitted points; hollow: held out; line: fit; band: 95% bootstrap interval; dashed: extrapolation to the target. Hover for values."
                    } else {
                        "Log-log. Line: the paper's trend; dot: your current point; dashed: the paper's exponent extrapolated from your point to the target."
                    }
                })
                plot=learning
            />
        </section>
        <section class="card chart-card" aria-labelledby="ms-heading" hidden=move || model.with(Option::is_none)>
            <ChartCanvas
                ctx=ctx
                id="model-size"
                heading_id="ms-heading"
                title="Model size"
                caption=Signal::stored("Best model size against training-set size, log-log; the diamond is the size projected for the target.")
                plot=model
            />
        </section>
        <section class="card chart-card" aria-labelledby="joint-heading" hidden=move || joint.with(Option::is_none)>
            <ChartCanvas
                ctx=ctx
                id="joint-contours"
                heading_id="joint-heading"
                title="Joint law L(N, D)"
                caption=Signal::stored("Model size N against data size D, log-log: faded dots are the runs; solid lines are iso-loss contours of the joint law (darkest: lowest loss); dashed lines are iso-FLOP lines k N D = C, one per decade; the frontier is the compute-optimal allocation; diamonds mark the budget's allocation and the least compute for the target. Hover for L(N, D) and C anywhere.")
                plot=joint
            />
        </section>
    }
}

fn theme(dark: bool, scale: f64) -> Theme {
    if dark { Theme::dark() } else { Theme::light() }.scaled(scale)
}

/// Sizes the canvas to its CSS box times the pixel ratio and draws.
fn draw(canvas: &web_sys::HtmlCanvasElement, plot: &Plot, dark: bool) -> Option<PlotFrame> {
    let (w, h) = (canvas.client_width(), canvas.client_height());
    if w <= 0 || h <= 0 {
        return None;
    }
    let dpr = dom::device_pixel_ratio();
    let (pw, ph) = (
        (f64::from(w) * dpr).round() as u32,
        (f64::from(h) * dpr).round() as u32,
    );
    if canvas.width() != pw {
        canvas.set_width(pw);
    }
    if canvas.height() != ph {
        canvas.set_height(ph);
    }
    let canvas = CanvasBackend::with_canvas_object(canvas.clone())?;
    let root = canvas.into_drawing_area();
    let theme = theme(dark, dpr);
    match plot {
        Plot::LearningCurve(p) => draw_learning_curve(&root, p, &theme),
        Plot::ModelSize(p) => draw_model_size(&root, p, &theme),
        Plot::Joint(p) => scalefit_plot::draw_joint(&root, p, &theme),
    }
    .ok()
}

/// The plot as an SVG document, written by scalefit-plot's own SVG writer: the drawing
/// code is shared with the canvas, and no second plotters backend is compiled in.
#[cfg(feature = "svg-export")]
fn svg_of(plot: &Plot) -> Option<String> {
    let (w, h) = SVG_SIZE;
    let theme = Theme::light();
    match plot {
        Plot::LearningCurve(p) => scalefit_plot::render_learning_curve_svg(p, &theme, w, h),
        Plot::ModelSize(p) => scalefit_plot::render_model_size_svg(p, &theme, w, h),
        Plot::Joint(p) => scalefit_plot::render_joint_svg(p, &theme, w, h),
    }
    .ok()
}

/// A canvas with its title, downloads and tooltip.
#[component]
fn ChartCanvas(
    ctx: Ctx,
    id: &'static str,
    heading_id: &'static str,
    title: &'static str,
    #[prop(into)] caption: Signal<&'static str>,
    plot: Memo<Option<(Plot, Hover)>>,
) -> impl IntoView {
    let canvas = NodeRef::<html::Canvas>::new();
    // Where the plot landed, for the tooltip (read on pointer moves only).
    let frame = StoredValue::new(None::<PlotFrame>);
    let resized = Trigger::new();
    dom::on_resize(move || resized.notify());
    Effect::new(move |_| {
        resized.track();
        let dark = ctx.dark();
        let Some(el) = canvas.get() else { return };
        let f = plot.with(|p| p.as_ref().and_then(|(p, _)| draw(&el, p, dark)));
        if f.is_some() && id == "learning-curve" {
            crate::perf::learning_curve_drawn();
        }
        frame.set_value(f);
    });
    let tip = NodeRef::<html::Div>::new();
    // The tooltip is written straight into its element: it changes with every pointer
    // move and nothing else reads it.
    let show_tip = move |at: Option<(f64, f64, String)>| {
        let Some(t) = tip.get_untracked() else { return };
        let Some((x, y, text)) = at else {
            let _ = t.set_attribute("hidden", "");
            return;
        };
        let cw = canvas.get_untracked().map_or(600, |c| c.client_width());
        let style = if x > f64::from(cw) * 0.6 {
            format!("right: {}px; top: {}px", f64::from(cw) - x + 14.0, y + 14.0)
        } else {
            format!("left: {}px; top: {}px", x + 14.0, y + 14.0)
        };
        let _ = t.set_attribute("style", &style);
        t.set_text_content(Some(&text));
        let _ = t.remove_attribute("hidden");
    };
    let on_move = move |e: ev::PointerEvent| {
        let (Some(el), Some(f)) = (canvas.get_untracked(), frame.get_value()) else {
            return;
        };
        let cw = f64::from(el.client_width().max(1));
        let ratio = f64::from(el.width()) / cw;
        let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
        let (px, py) = ((x * ratio).round() as i32, (y * ratio).round() as i32);
        let text = plot.with_untracked(|p| {
            p.as_ref()
                .and_then(|(_, h)| h.describe(&f, px, py, HOVER_RADIUS * ratio))
        });
        show_tip(text.map(|t| (x, y, t)));
    };
    let png = move |_| {
        if let Some(url) = canvas.get_untracked().and_then(|c| c.to_data_url().ok()) {
            dom::download_url(&format!("scalefit-{id}.png"), &url);
        }
    };
    #[cfg(feature = "svg-export")]
    let svg_button = {
        let svg = move |_| {
            if let Some(s) = plot.with_untracked(|p| p.as_ref().and_then(|(p, _)| svg_of(p))) {
                dom::download_text(&format!("scalefit-{id}.svg"), "image/svg+xml", &s);
            }
        };
        view! {
            <button type="button" class="btn btn-small" id=format!("{id}-svg") on:click=svg>
                "SVG"
            </button>
        }
    };
    #[cfg(not(feature = "svg-export"))]
    let svg_button = ();
    let caption_id = format!("{id}-caption");
    view! {
        <div class="card-head">
            <h2 id=heading_id>{title}</h2>
            <div class="button-row">
                <button type="button" class="btn btn-small" id=format!("{id}-png") on:click=png>
                    "PNG"
                </button>
                {svg_button}
            </div>
        </div>
        <div class=format!("chart-wrap chart-{id}") on:pointerleave=move |_| show_tip(None)>
            <canvas
                id=id
                node_ref=canvas
                role="img"
                aria-label=format!("{title} plot")
                aria-describedby=caption_id.clone()
                on:pointermove=on_move
            ></canvas>
            <div class="tooltip" role="tooltip" node_ref=tip hidden></div>
        </div>
        <p class="hint" id=caption_id>{move || caption.get()}</p>
    }
}
