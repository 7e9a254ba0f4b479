//! The results: `#fit-message`, the four key figures, the fitted formula with its
//! intervals, the projection, the model comparison, the backtest, the regions of a
//! three-region fit and the fit-health list.

use leptos::prelude::*;

use crate::app::Ctx;
use crate::format::prettify;
use crate::view_model::{self, Figure, Part};

/// Everything under the results heading, above the plots.
#[component]
pub fn ResultsPanel(ctx: Ctx) -> impl IntoView {
    view! {
        <section class="card results-card" aria-labelledby="results-heading">
            <div class="card-head">
                <h2 id="results-heading">"Results"</h2>
                <BootstrapProgress ctx=ctx/>
            </div>
            <Summary ctx=ctx/>
            <StatusMessages ctx=ctx/>
            <QuickStart ctx=ctx/>
            <KeyFigures ctx=ctx/>
            <ProjectionSentence ctx=ctx/>
        </section>
    }
}

/// `#fit-message`: every error and warning, read out by screen readers.
#[component]
fn StatusMessages(ctx: Ctx) -> impl IntoView {
    view! {
        <div id="fit-message" class="messages" role="status" aria-live="polite">
            {move || {
                let msgs = ctx.messages.get();
                (!msgs.is_empty())
                    .then(|| {
                        view! {
                            <ul>
                                {msgs
                                    .into_iter()
                                    .map(|m| {
                                        view! {
                                            <li class=format!("msg msg-{}", m.level.class())>{m.text}</li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })
            }}
        </div>
    }
}

/// Shortcuts for a first visit: shown while the user has no data.
#[component]
fn QuickStart(ctx: Ctx) -> impl IntoView {
    let empty = move || {
        ctx.ws.with(|w| {
            w.source() == crate::workspace::Source::Custom && w.state.text.trim().is_empty()
        })
    };
    let pick = move |id: &'static str| move |_| ctx.ws.update(|w| w.select_source(id));
    view! {
        <Show when=empty>
            <div class="quick-start">
                <span>"Try it:"</span>
                <button type="button" class="btn btn-small" on:click=pick("nmt-real")>
                    "Real NMT learning curves"
                </button>
                <button type="button" class="btn btn-small" on:click=pick("imagenet-top1")>
                    "ImageNet (paper exponents)"
                </button>
                <button type="button" class="btn btn-small" on:click=pick("word-lm")>
                    "Word language model"
                </button>
            </div>
        </Show>
    }
}

/// One line on what was fitted.
#[component]
fn Summary(ctx: Ctx) -> impl IntoView {
    let text = move || {
        ctx.analysis.with(|a| match a {
            Some(a) => Some(view_model::summary(a)),
            None => ctx.relative.with(|r| {
                r.as_ref().map(|r| {
                    format!(
                        "{}: the paper's exponents, anchored at your current point.",
                        r.preset.domain
                    )
                })
            }),
        })
    };
    view! { <p class="summary">{text}</p> }
}

/// The bootstrap's progress while it runs.
#[component]
fn BootstrapProgress(ctx: Ctx) -> impl IntoView {
    view! {
        {move || {
            ctx.progress
                .get()
                .map(|(done, total)| {
                    view! {
                        <div class="progress" id="bootstrap-progress">
                            <label for="bootstrap-meter">"Bootstrap"</label>
                            <progress id="bootstrap-meter" max=total value=done>
                                {format!("{done} of {total}")}
                            </progress>
                            <span class="num">{format!("{done}/{total}")}</span>
                        </div>
                    }
                })
        }}
    }
}

/// A key figure card: label, rounded value (with `data-value`), note.
#[component]
fn FigureCard(
    id: &'static str,
    label: &'static str,
    sub: &'static str,
    #[prop(into)] figure: Signal<Figure>,
) -> impl IntoView {
    view! {
        <div class="figure">
            <div class="figure-label">
                {symbol(label)}
                <span class="figure-sub">{sub}</span>
            </div>
            <div
                class="figure-value num"
                id=id
                data-value=move || figure.with(|f| f.value.clone())
                data-kind=move || figure.with(|f| f.kind)
            >
                {move || figure.with(|f| f.text.clone())}
            </div>
            <div class="figure-note">{move || figure.with(|f| f.note.clone())}</div>
        </div>
    }
}

/// `#beta-g`, `#beta-p`, `#proj-data`, `#proj-model`.
#[component]
fn KeyFigures(ctx: Ctx) -> impl IntoView {
    let preset = move || {
        ctx.settled
            .with(|s| crate::workspace::Source::of(s).paper())
    };
    let bg = Signal::derive(move || {
        ctx.analysis
            .with(|a| view_model::beta_g(a.as_ref(), preset()))
    });
    let bp = Signal::derive(move || {
        ctx.analysis
            .with(|a| view_model::beta_p(a.as_ref(), preset()))
    });
    let pd = Signal::derive(move || {
        ctx.analysis.with(|a| {
            ctx.relative
                .with(|r| view_model::proj_data(a.as_ref(), r.as_ref()))
        })
    });
    let pm = Signal::derive(move || {
        ctx.analysis.with(|a| {
            ctx.relative
                .with(|r| view_model::proj_model(a.as_ref(), r.as_ref()))
        })
    });
    view! {
        <div class="figures">
            <FigureCard id="beta-g" label="β_g" sub="learning-curve exponent" figure=bg/>
            <FigureCard id="beta-p" label="β_p" sub="model-size exponent" figure=bp/>
            <FigureCard id="proj-data" label="Data for target" sub="training-set size m*" figure=pd/>
            <FigureCard id="proj-model" label="Model for target" sub="parameters at m*" figure=pm/>
        </div>
    }
}

/// The projection as a sentence.
#[component]
fn ProjectionSentence(ctx: Ctx) -> impl IntoView {
    let text = move || {
        ctx.analysis
            .with(|a| {
                a.as_ref()
                    .and_then(|a| a.projection.as_ref())
                    .map(|p| prettify(&p.sentence))
            })
            .or_else(|| ctx.relative.with(|r| r.as_ref().and_then(|r| r.sentence())))
    };
    view! {
        {move || text().map(|t| view! { <p class="projection-sentence" id="projection-sentence">{t}</p> })}
    }
}

/// `β_g` as β with a subscript g.
pub fn symbol(s: &str) -> impl IntoView + use<> {
    match s.split_once('_') {
        Some((base, sub)) => {
            let (base, sub) = (base.to_string(), sub.to_string());
            view! { <span class="sym">{base}<sub>{sub}</sub></span> }.into_any()
        }
        None => view! { <span class="sym">{s.to_string()}</span> }.into_any(),
    }
}

fn render_parts(parts: Vec<Part>) -> impl IntoView {
    parts
        .into_iter()
        .map(|p| match p {
            Part::Text(t) => view! { <span>{t}</span> }.into_any(),
            Part::Sup(t) => view! { <sup>{symbol(&t)}</sup> }.into_any(),
        })
        .collect_view()
}

/// The fitted formula, parameters, comparison, backtest, regions.
#[component]
pub fn FitDetails(ctx: Ctx) -> impl IntoView {
    view! {
        {move || {
            ctx.analysis
                .get()
                .map(|a| {
                    let rows = view_model::param_rows(&a);
                    let comparison = view_model::comparison_rows(&a);
                    let show_comparison = comparison.len() > 1;
                    let backtest = view_model::backtest(&a);
                    let regions = view_model::regions(&a);
                    let warnings = a.warnings.clone();
                    let loss = a.fit.loss.id();
                    view! {
                        <section class="card" aria-labelledby="fit-heading">
                            <h2 id="fit-heading">"Fit"</h2>
                            <p class="formula" id="formula">
                                {render_parts(view_model::formula_fitted(&a))}
                            </p>
                            <p class="hint">
                                {render_parts(view_model::formula_symbolic(a.fit.form))}
                                {format!(" · {loss} loss · SSR {}", crate::format::sig(a.fit.ssr, 4))}
                            </p>
                            <div class="table-scroll">
                                <table class="data" id="params">
                                    <caption class="visually-hidden">"Fitted parameters with 95% bootstrap intervals"</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"Parameter"</th>
                                            <th scope="col" class="num">"Value"</th>
                                            <th scope="col" class="num">"95% interval"</th>
                                            <th scope="col" class="meaning-head">"Meaning"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows
                                            .into_iter()
                                            .map(|r| {
                                                view! {
                                                    <tr>
                                                        <th scope="row" title=r.meaning>
                                                            {symbol(r.symbol)}
                                                            <span class="param-name">{r.name}</span>
                                                        </th>
                                                        <td class="num" data-value=r.raw>{r.value}</td>
                                                        <td class="num">{r.ci}</td>
                                                        <td class="meaning">{r.meaning}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {regions
                                .map(|rs| {
                                    view! {
                                        <h3>"Regions"</h3>
                                        <dl class="facts" id="regions">
                                            {rs
                                                .into_iter()
                                                .map(|(name, range)| {
                                                    view! {
                                                        <dt>{name}</dt>
                                                        <dd class="num">{range}</dd>
                                                    }
                                                })
                                                .collect_view()}
                                        </dl>
                                    }
                                })}
                            <h3>"Fit health"</h3>
                            {if warnings.is_empty() {
                                view! { <p class="ok" id="health">"✓ No warnings: enough points, a wide enough range, well-separated parameters."</p> }
                                    .into_any()
                            } else {
                                view! {
                                    <ul class="health" id="health">
                                        {warnings
                                            .into_iter()
                                            .map(|w| {
                                                view! {
                                                    <li>
                                                        <code>{w.code}</code>
                                                        " "
                                                        {crate::format::sentence(&prettify(&w.message))}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }}
                        </section>
                        {show_comparison
                            .then(|| {
                                view! {
                                    <section class="card" aria-labelledby="comparison-heading">
                                        <h2 id="comparison-heading">"Model comparison"</h2>
                                        <p class="hint">
                                            "Every form the points allow, ranked by AICc (lower is better; ΔAICc above 2 is a meaningful difference, above 10 a decisive one)."
                                        </p>
                                        <div class="table-scroll">
                                            <table class="data" id="comparison">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">"Form"</th>
                                                        <th scope="col" class="num">"k"</th>
                                                        <th scope="col" class="num">"SSR"</th>
                                                        <th scope="col" class="num">"AICc"</th>
                                                        <th scope="col" class="num">"ΔAICc"</th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {comparison
                                                        .into_iter()
                                                        .map(|c| {
                                                            let note = (!c.note.is_empty()).then(|| c.note.clone());
                                                            view! {
                                                                <tr class:chosen=c.chosen>
                                                                    <th scope="row">
                                                                        {c.form}
                                                                        {c.chosen.then(|| view! { <span class="badge">"chosen"</span> })}
                                                                        {note.map(|n| view! { <div class="hint">{n}</div> })}
                                                                    </th>
                                                                    <td class="num">{c.k}</td>
                                                                    <td class="num">{c.ssr}</td>
                                                                    <td class="num">{c.aicc}</td>
                                                                    <td class="num">{c.delta}</td>
                                                                </tr>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    </section>
                                }
                            })}
                        {backtest
                            .map(|b| {
                                view! {
                                    <section class="card" aria-labelledby="backtest-heading">
                                        <h2 id="backtest-heading">"Backtest"</h2>
                                        <p class="hint">{b.caption}</p>
                                        <div class="table-scroll">
                                            <table class="data" id="backtest">
                                                <thead>
                                                    <tr>
                                                        <th scope="col" class="num">"Held-out m"</th>
                                                        <th scope="col" class="num">"Observed"</th>
                                                        <th scope="col" class="num">"Predicted"</th>
                                                        <th scope="col" class="num">"Relative error"</th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {b
                                                        .rows
                                                        .into_iter()
                                                        .map(|[m, o, p, r]| {
                                                            view! {
                                                                <tr>
                                                                    <td class="num">{m}</td>
                                                                    <td class="num">{o}</td>
                                                                    <td class="num">{p}</td>
                                                                    <td class="num">{r}</td>
                                                                </tr>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                        <p>
                                            "Mean absolute relative error: "
                                            <strong class="num" id="backtest-mare" data-value=b.mean_raw>
                                                {b.mean}
                                            </strong>
                                        </p>
                                    </section>
                                }
                            })}
                    }
                })
        }}
    }
}
