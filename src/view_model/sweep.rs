//! The sweep view (SPEC section 6): when the data are read as the runs of a sweep,
//! the envelope (best run per data size), the joint law `L(N, D)` over every run, and
//! the compute a budget buys or a target costs; what the sweep card shows of them.
//! The numbers are the core's (`scalefit_core::sweep`), the calls the CLI makes.

use scalefit_core::parse::{Parsed, Point};
use scalefit_core::permalink::State;
use scalefit_core::session;
use scalefit_core::sweep::{
    analyze_sweep, envelope, envelope::envelope_points, is_sweep, JointLoss, RowsAs, Run, Sweep,
    SweepError, SweepOptions, SweepReport,
};

use crate::format::{interval, num, sentence};
use crate::markup::Html;

/// A sweep analysed for the page: its runs, the options, and the report (the joint
/// law's bootstrap added once it has run).
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPage {
    /// The runs.
    pub sweep: Sweep,
    /// The options, with the bootstrap count asked for.
    pub options: SweepOptions,
    /// The report: fitted with no bootstrap, completed by the page's runner.
    pub report: SweepReport,
    /// Why the budget was not allocated, if it was not (the rest still shows).
    pub budget_error: Option<String>,
    /// Distinct model sizes and data sizes among the runs.
    pub distinct: (usize, usize),
}

/// Whether the state's data are read as a sweep: they have a model-size column and
/// the rows setting says so (under `auto`: some data size holds several model sizes).
pub fn is_on(state: &State, parsed: &Parsed) -> bool {
    if !has_model_sizes(parsed) {
        return false;
    }
    match session::sweep_view(state).rows {
        RowsAs::Sweep => true,
        RowsAs::Best => false,
        RowsAs::Auto => is_sweep(&parsed.points),
    }
}

/// Whether any row has a model size (the sweep card offers its switch then).
pub fn has_model_sizes(parsed: &Parsed) -> bool {
    parsed.points.iter().any(|p| p.model_size.is_some())
}

/// The learning curve's points in sweep mode: the envelope of the runs that have a
/// model size (empty when no data size holds several model sizes).
pub fn envelope_fit_points(parsed: &Parsed) -> Vec<Point> {
    let runs: Vec<Run> = parsed
        .points
        .iter()
        .filter_map(|p| {
            p.model_size.map(|s| Run {
                line: Some(p.line),
                m: p.m,
                s,
                error: p.error,
            })
        })
        .collect();
    match Sweep::new(runs) {
        Ok(sweep) => envelope_points(&envelope(&sweep).points),
        Err(_) => Vec::new(),
    }
}

/// The sweep of the state's data, fitted at once (no bootstrap: the page's runner
/// adds it, up to `max_bootstrap` resamples), or why there is none. `None` when the
/// data are not read as a sweep.
pub fn sweep_page(
    state: &State,
    parsed: &Parsed,
    max_bootstrap: usize,
) -> Option<Result<SweepPage, String>> {
    if !is_on(state, parsed) {
        return None;
    }
    let sp = session::parse_sweep_state(state);
    Some(page_of(state, &sp, max_bootstrap))
}

fn page_of(state: &State, parsed: &Parsed, max_bootstrap: usize) -> Result<SweepPage, String> {
    let sweep = session::sweep_of(parsed).map_err(|e| error_text(&e))?;
    let mut options = session::sweep_options(state, parsed);
    let asked = options.joint.bootstrap.min(max_bootstrap);
    options.joint.bootstrap = 0;
    let (report, budget_error) = match analyze_sweep(&sweep, &options) {
        Ok(r) => (r, None),
        Err(
            e @ (SweepError::BudgetTooSmall { .. }
            | SweepError::BadOption {
                name: "compute", ..
            }),
        ) => {
            let without = SweepOptions {
                compute: None,
                ..options.clone()
            };
            let r = analyze_sweep(&sweep, &without).map_err(|e| error_text(&e))?;
            (r, Some(sentence(&format!("No allocation: {e}."))))
        }
        Err(e) => return Err(error_text(&e)),
    };
    options.joint.bootstrap = asked;
    let distinct = |f: fn(&Run) -> f64| {
        let mut v: Vec<f64> = sweep.runs().iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        v.len()
    };
    let distinct = (distinct(|r| r.s), distinct(|r| r.m));
    Ok(SweepPage {
        sweep,
        options,
        report,
        budget_error,
        distinct,
    })
}

/// A sweep error as the page says it.
pub fn error_text(e: &SweepError) -> String {
    sentence(&format!("No sweep analysis: {e}."))
}

/// Model sizes grouped for colouring the runs: each distinct size its own group up to
/// [`MAX_SIZE_GROUPS`], else that many bins of equal width in log size. Returns, per
/// group, its label and the indices of its runs, smallest sizes first.
pub fn size_groups(runs: &[Run]) -> Vec<(String, Vec<usize>)> {
    let mut sizes: Vec<f64> = runs.iter().map(|r| r.s).collect();
    sizes.sort_by(f64::total_cmp);
    sizes.dedup();
    if sizes.len() <= MAX_SIZE_GROUPS {
        return sizes
            .iter()
            .map(|&s| {
                let idx = (0..runs.len()).filter(|&i| runs[i].s == s).collect();
                (format!("N = {}", num(s)), idx)
            })
            .collect();
    }
    let (lo, hi) = match (sizes.first(), sizes.last()) {
        (Some(&lo), Some(&hi)) => (lo.ln(), hi.ln()),
        _ => return Vec::new(),
    };
    let width = (hi - lo) / MAX_SIZE_GROUPS as f64;
    let bin = |s: f64| (((s.ln() - lo) / width) as usize).min(MAX_SIZE_GROUPS - 1);
    (0..MAX_SIZE_GROUPS)
        .filter_map(|b| {
            let idx: Vec<usize> = (0..runs.len()).filter(|&i| bin(runs[i].s) == b).collect();
            if idx.is_empty() {
                return None;
            }
            let (from, to) = (
                (lo + b as f64 * width).exp(),
                (lo + (b + 1) as f64 * width).exp(),
            );
            Some((format!("N {} – {}", num(from), num(to)), idx))
        })
        .collect()
}

/// Most groups of model sizes the runs are coloured in.
pub const MAX_SIZE_GROUPS: usize = 6;

/// The loss choices of `#joint-loss`: the core's ids with the page's labels.
pub fn loss_options() -> Vec<(&'static str, &'static str)> {
    JointLoss::ALL
        .iter()
        .map(|l| {
            (
                l.id(),
                match l {
                    JointLoss::Log => "log (squared log residual)",
                    JointLoss::Huber => "huber (of the log residual)",
                    JointLoss::Linear => "linear",
                },
            )
        })
        .collect()
}

/// The rows choices of `#sweep-rows`.
pub fn rows_options() -> Vec<(&'static str, &'static str)> {
    RowsAs::ALL
        .iter()
        .map(|r| {
            (
                r.id(),
                match r {
                    RowsAs::Auto => "decided by the data",
                    RowsAs::Best => "the best run per data size",
                    RowsAs::Sweep => "all runs of a sweep",
                },
            )
        })
        .collect()
}

/// A number cell with its unrounded value.
fn cell(h: &mut Html, id: Option<&str>, v: f64) {
    h.tag("<td class=\"num\"")
        .attr("id", id)
        .attr("data-value", Some(&format!("{v}")))
        .tag(">")
        .text(&num(v))
        .tag("</td>");
}

/// An interval cell, `—` without one.
fn ci_cell(h: &mut Html, ci: Option<(f64, f64)>) {
    h.tag("<td class=\"num\">")
        .text(&ci.map_or("—".into(), |c| interval(c, num)))
        .tag("</td>");
}

/// The results of the sweep card: the summary, the envelope, the joint law, and the
/// compute; `progress` is the joint bootstrap's, while it runs.
pub fn results_html(page: &Result<SweepPage, String>) -> Html {
    let mut h = Html::new();
    let p = match page {
        Ok(p) => p,
        Err(e) => {
            h.el("<p class=\"msg msg-error\" id=\"sweep-error\">", e, "</p>");
            return h;
        }
    };
    let r = &p.report;
    let (ns, nm) = p.distinct;
    h.tag("<p id=\"sweep-summary\">").text(&format!(
        "Read as a sweep: {} runs, {ns} model sizes at {nm} data sizes. ",
        r.n_runs
    ));
    if r.envelope.is_empty() {
        h.text("No data size holds several model sizes, so there is no envelope (best run per data size) and no learning curve on it; the joint law below is fitted on every run.");
    } else {
        h.text("The learning curve above is fitted on the best run at each data size (the envelope); the joint law below on every run.");
    }
    h.tag("</p>");
    if !r.envelope.is_empty() {
        envelope_html(&mut h, p);
    }
    joint_html(&mut h, p);
    compute_html(&mut h, p);
    h
}

fn envelope_html(h: &mut Html, p: &SweepPage) {
    let r = &p.report;
    h.tag("<h3>Best model per data size</h3><div class=\"table-wrap\"><table class=\"params\" id=\"envelope-table\"><thead><tr><th scope=\"col\">data size m</th><th scope=\"col\">best model size</th><th scope=\"col\">error</th><th scope=\"col\">how</th></tr></thead><tbody>");
    for e in &r.envelope {
        h.tag("<tr");
        if !e.bracketed {
            h.tag(" class=\"unbracketed\"");
        }
        h.tag(">");
        cell(h, None, e.m);
        cell(h, None, e.best_model_size);
        cell(h, None, e.error);
        h.tag("<td>").text(match (e.interpolated, e.bracketed) {
            (true, _) => "interpolated (parabola in ln s)",
            (false, true) => "best run",
            (false, false) => "best run at the edge of the sizes tried",
        });
        h.tag("</td></tr>");
    }
    h.tag("</tbody></table></div>");
    if let Some(sf) = &r.size_fit {
        h.tag("<p id=\"sweep-size-law\">Best model size s(m) = σ m")
            .tag("<sup>β<sub>p</sub></sup>: β<sub>p</sub> = <span id=\"sweep-beta-p\"")
            .attr("data-value", Some(&format!("{}", sf.beta_p)))
            .tag(">")
            .text(&crate::format::exponent(sf.beta_p))
            .tag("</span>");
        if let Some(ci) = sf.ci95 {
            h.text(&format!(
                " (95% CI {})",
                interval(ci.beta_p, crate::format::exponent)
            ));
        }
        h.text(&format!(", σ = {}.", num(sf.sigma))).tag("</p>");
    }
}

fn joint_html(h: &mut Html, p: &SweepPage) {
    let j = &p.report.joint;
    h.tag("<div class=\"joint-law\" id=\"joint-law\"><h3>Joint law L(N, D) = E + A N<sup>−α</sup> + B D<sup>−β</sup></h3><div class=\"table-wrap\"><table class=\"params\"><thead><tr><th scope=\"col\">parameter</th><th scope=\"col\">value</th><th scope=\"col\">95% CI</th></tr></thead><tbody>");
    let ci = j.ci95;
    let rows = [
        ("E", "joint-E", j.params.e, ci.map(|c| c.e)),
        ("A", "joint-A", j.params.a, ci.map(|c| c.a)),
        ("α", "joint-alpha", j.params.alpha, ci.map(|c| c.alpha)),
        ("B", "joint-B", j.params.b, ci.map(|c| c.b)),
        ("β", "joint-beta", j.params.beta, ci.map(|c| c.beta)),
    ];
    for (name, id, v, ci) in rows {
        h.tag("<tr><th scope=\"row\">").text(name).tag("</th>");
        cell(h, Some(id), v);
        ci_cell(h, ci);
        h.tag("</tr>");
    }
    h.tag("</tbody></table></div><p class=\"hint\">");
    let loss = match j.huber_delta {
        Some(d) => format!("Huber loss of the log residual (δ = {})", num(d)),
        None if j.loss == JointLoss::Linear => "squared residual".into(),
        None => "squared log residual".into(),
    };
    h.text(&format!(
        "{} runs; objective ({loss}) {} at the global optimum of a grid over the exponents with E, A and B solved, then polished.",
        j.n_runs,
        num(j.objective)
    ));
    if ci.is_none() && p.options.joint.bootstrap > 0 {
        h.tag(" <span id=\"joint-progress\">Intervals: resampling runs…</span>");
    }
    h.tag("</p></div>");
}

fn compute_html(h: &mut Html, p: &SweepPage) {
    let r = &p.report;
    let co = &r.compute_optimal;
    h.tag("<div class=\"compute\" id=\"compute\"><h3>Compute</h3>");
    if co.is_defined() {
        h.tag("<p id=\"compute-optimal\">Compute-optimal allocation for C = k N D (k = ")
            .text(&num(co.flops_per_param))
            .tag("): N<sub>opt</sub> ∝ C<sup>a</sup>, D<sub>opt</sub> ∝ C<sup>b</sup> with a = <span id=\"compute-a\"")
            .attr("data-value", Some(&format!("{}", co.a)))
            .tag(">")
            .text(&crate::format::exponent(co.a))
            .tag("</span>, b = ")
            .text(&crate::format::exponent(co.b))
            .tag(", G = ")
            .text(&num(co.g))
            .tag(".</p>");
    } else {
        h.tag("<p id=\"compute-optimal\">The joint law has no compute-optimal frontier: A, B, α and β must all be positive.</p>");
    }
    if let Some(e) = &p.budget_error {
        h.el(
            "<p class=\"msg msg-warning\" id=\"budget-error\">",
            e,
            "</p>",
        );
    }
    if let Some(a) = &r.allocation {
        h.tag("<div class=\"table-wrap\"><table class=\"params\" id=\"allocation\"><caption>The budget of ")
            .text(&num(a.compute))
            .tag(" FLOPs, spent compute-optimally</caption><tbody><tr><th scope=\"row\">model size N</th>");
        cell(h, Some("alloc-model"), a.model_size);
        h.tag("</tr><tr><th scope=\"row\">data size D</th>");
        cell(h, Some("alloc-data"), a.data_size);
        h.tag("</tr><tr><th scope=\"row\">examples (tokens) per parameter</th>");
        cell(h, Some("alloc-tpp"), a.tokens_per_param);
        h.tag("</tr><tr><th scope=\"row\">predicted loss</th>");
        cell(h, Some("alloc-loss"), a.loss);
        h.tag("</tr>");
        if let Some(t) = &p.options.throughput {
            if let Ok(hours) = scalefit_core::sweep::accelerator_hours(a.compute, t) {
                h.tag("<tr><th scope=\"row\">accelerator-hours</th>");
                cell(h, Some("alloc-hours"), hours);
                h.tag("</tr>");
            }
        }
        h.tag("</tbody></table></div>");
    }
    if let Some(t) = &r.target {
        target_html(h, t);
    }
    if let Some(c) = r.envelope_compute {
        h.tag("<p id=\"envelope-compute\">The envelope's projection for the target (its m* and s*) costs k s* m* = <span")
            .attr("data-value", Some(&format!("{c}")))
            .tag(">")
            .text(&num(c))
            .tag("</span> FLOPs.</p>");
    }
    h.tag("</div>");
}

fn target_html(h: &mut Html, t: &scalefit_core::sweep::TargetCompute) {
    if !t.reachable {
        let why = t
            .why
            .as_ref()
            .map_or("no finite compute reaches it".into(), |e| e.to_string());
        h.el(
            "<p class=\"msg msg-warning\" id=\"target-compute-unreachable\">",
            &sentence(&format!("{why}.")),
            "</p>",
        );
        return;
    }
    let (Some(c), Some(n), Some(d)) = (t.compute, t.model_size, t.data_size) else {
        return;
    };
    h.tag("<div class=\"table-wrap\"><table class=\"params\" id=\"target-compute-table\"><caption>The least compute that reaches a loss of ")
        .text(&num(t.target_error))
        .tag("</caption><thead><tr><th scope=\"col\"></th><th scope=\"col\">value</th><th scope=\"col\">95% CI</th></tr></thead><tbody><tr><th scope=\"row\">compute (FLOPs)</th>");
    cell(h, Some("target-compute"), c);
    ci_cell(h, t.ci95.compute);
    h.tag("</tr><tr><th scope=\"row\">model size N</th>");
    cell(h, Some("target-compute-model"), n);
    ci_cell(h, t.ci95.model_size);
    h.tag("</tr><tr><th scope=\"row\">data size D</th>");
    cell(h, Some("target-compute-data"), d);
    ci_cell(h, t.ci95.data_size);
    h.tag("</tr>");
    if let Some(hours) = t.accelerator_hours {
        h.tag("<tr><th scope=\"row\">accelerator-hours</th>");
        cell(h, Some("target-hours"), hours);
        h.tag("<td></td></tr>");
    }
    h.tag("</tbody></table></div>");
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use scalefit_core::sweep::SweepView;

    /// Three model sizes at each of four data sizes, from a known joint law.
    fn sweep_text() -> String {
        let mut t = String::from("data,params,loss\n");
        for d in [1e8, 3e8, 1e9, 3e9] {
            for n in [1e7, 3e7, 1e8, 3e8] {
                let l: f64 = 1.8 + 400.0 * f64::powf(n, -0.34) + 410.0 * f64::powf(d, -0.28);
                t.push_str(&format!("{d},{n},{l}\n"));
            }
        }
        t
    }

    fn state(text: &str) -> State {
        State {
            text: text.into(),
            bootstrap: 20,
            ..State::default()
        }
    }

    #[test]
    fn a_sweep_is_detected_and_the_page_agrees_with_the_session() {
        let s = state(&sweep_text());
        let parsed = session::parse_state(&s);
        assert!(is_on(&s, &parsed));
        let page = sweep_page(&s, &parsed, 1000).unwrap().unwrap();
        assert_eq!(page.distinct, (4, 4));
        assert_eq!(page.options.joint.bootstrap, 20);
        // The point report is the session's with no bootstrap.
        let mut point = s.clone();
        point.bootstrap = 0;
        let direct =
            session::analyze_sweep_state(&point, &session::parse_sweep_state(&point)).unwrap();
        assert_eq!(page.report.joint, direct.joint);
        assert!((page.report.joint.params.alpha - 0.34).abs() < 1e-6);
        // The envelope is what the learning curve is fitted on.
        assert_eq!(envelope_fit_points(&parsed).len(), 4);
        let html = results_html(&Ok(page)).finish();
        assert!(html.contains("id=\"joint-alpha\""), "{html}");
        assert!(html.contains("Intervals: resampling runs"), "{html}");
    }

    #[test]
    fn the_switch_reads_rows_as_best_runs_or_as_a_sweep() {
        let mut s = state(&sweep_text());
        s.sweep = Some(SweepView {
            rows: RowsAs::Best,
            ..SweepView::default()
        });
        let parsed = session::parse_state(&s);
        assert!(!is_on(&s, &parsed));
        assert!(sweep_page(&s, &parsed, 10).is_none());
        // One model size per data size: not a sweep by default, one when asked.
        let best = state("m,params,err\n1000,1e6,0.5\n2000,2e6,0.4\n4000,4e6,0.3\n");
        let parsed = session::parse_state(&best);
        assert!(!is_on(&best, &parsed));
        let mut asked = best.clone();
        asked.sweep = Some(SweepView {
            rows: RowsAs::Sweep,
            ..SweepView::default()
        });
        assert!(is_on(&asked, &parsed));
        // Too few runs for the joint law: a message that says how many it needs.
        let e = sweep_page(&asked, &parsed, 10).unwrap().unwrap_err();
        assert!(e.contains("at least 6 runs"), "{e}");
        // No model-size column: no sweep, whatever the switch says.
        let plain = State {
            sweep: asked.sweep.clone(),
            ..state("m,err\n1000,0.5\n2000,0.4\n4000,0.3\n")
        };
        assert!(!is_on(&plain, &session::parse_state(&plain)));
    }

    #[test]
    fn a_budget_too_small_is_a_message_and_the_rest_still_shows() {
        let mut s = state(&sweep_text());
        s.sweep = Some(SweepView {
            budget: Some(10.0),
            ..SweepView::default()
        });
        let parsed = session::parse_state(&s);
        let page = sweep_page(&s, &parsed, 10).unwrap().unwrap();
        let e = page.budget_error.clone().unwrap();
        assert!(e.contains("below the cheapest run"), "{e}");
        assert!(page.report.allocation.is_none());
        // A budget that fits allocates.
        s.sweep = Some(SweepView {
            budget: Some(1e21),
            ..SweepView::default()
        });
        let page = sweep_page(&s, &parsed, 10).unwrap().unwrap();
        let a = page.report.allocation.unwrap();
        assert!((a.compute - 1e21).abs() < 1.0);
        assert!(
            (6.0 * a.model_size * a.data_size / 1e21 - 1.0).abs() < 1e-9,
            "C = 6 N D"
        );
    }

    #[test]
    fn a_run_without_its_model_size_names_its_line() {
        let mut t = sweep_text();
        t.push_str("1e10,,2.5\n");
        let s = state(&t);
        let parsed = session::parse_state(&s);
        let e = sweep_page(&s, &parsed, 10).unwrap().unwrap_err();
        assert!(e.contains("line 18"), "{e}");
    }

    #[test]
    fn model_sizes_group_by_value_or_in_log_bins() {
        let runs: Vec<Run> = (0..40)
            .map(|i| Run::new(1e6, 1e6 * 1.3f64.powi(i), 1.0))
            .collect();
        let g = size_groups(&runs);
        assert_eq!(g.len(), MAX_SIZE_GROUPS);
        assert_eq!(g.iter().map(|x| x.1.len()).sum::<usize>(), 40);
        let few: Vec<Run> = [1e6, 1e7, 1e6]
            .iter()
            .map(|&s| Run::new(1.0, s, 1.0))
            .collect();
        let g = size_groups(&few);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].1, vec![0, 2]);
    }
}
