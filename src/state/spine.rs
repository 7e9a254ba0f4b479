//! The reactive spine, built once by [`Ctx::new`]: the workspace signal, its debounced
//! copy that is analysed, the parse, the point fit, the chunked bootstrap, the
//! messages, autosave, the theme, and the links pasted into the address bar.

use leptos::prelude::*;
use scalefit_core::analysis::{analyze_point, Analysis, AnalysisError};
use scalefit_core::permalink;
use scalefit_core::session;

use crate::dom;
use crate::runner::{Job, Offload, Progress, Runner};
use crate::state::ctx::{Ctx, Notice, Origin, ThemeChoice};
use crate::state::inputs::{fit_inputs, FitInputs};
use crate::state::limits::{AUTOSAVE, DEBOUNCE, MAX_BOOTSTRAP};
use crate::state::links::{decode_link, initial_workspace, open_link_in, LinkOutcome};
use crate::storage;
use crate::view_model::family::Family;
use crate::view_model::sweep::SweepPage;
use crate::view_model::{self, Level, Message};
use scalefit_core::family::{bootstrap_draws, Comparison, Draw, FamilyOptions, Series};
use scalefit_core::sweep::{JointOptions, JointParams, Sweep};

/// The point fit: `None` without data, else the analysis or why there is none.
type PointFit = Option<Result<Analysis, AnalysisError>>;

impl Ctx {
    /// Builds the reactive spine of the page. `link` is the permalink in the URL at
    /// load, already decoded (see [`crate::state::link_at_load`]; `None` without
    /// one). The view passes in its two writers: `show_progress` shows the bootstrap's
    /// progress (`None`: nothing running; it changes several times a second and no
    /// signal carries it), `messages_html` turns the messages of `#fit-message` into
    /// its HTML (they stay typed values until then).
    pub fn new(
        link: Option<LinkOutcome>,
        show_progress: fn(Option<Progress>),
        messages_html: fn(&[Message]) -> String,
    ) -> Ctx {
        let (initial, notices0, from_link) = initial_workspace(link);
        let ws = RwSignal::new(initial.clone());
        let settled = RwSignal::new(initial.state.clone());
        let notices = RwSignal::new(notices0);
        let url_has_state = StoredValue::new(from_link);
        let single_for = StoredValue::new(
            (from_link && initial.state.family.is_none()).then(|| initial.state.text.clone()),
        );
        // The state last seen by the debounce below: other workspace changes (the undo
        // buffer) do not count as edits.
        let seen = StoredValue::new(initial.state.clone());
        // Set when a link (not the user) changed the state, so that change keeps its
        // notice and its address.
        let from_link_now = StoredValue::new(false);
        // Counts the links pasted into the address bar: a link is decoded
        // asynchronously, and only the latest one's result is applied (an older one
        // decoding later loses).
        let latest_link = StoredValue::new(0u64);
        dom::on_hash_change(move || {
            let hash = dom::hash();
            let Some(payload) = permalink::payload_of(&hash).map(str::to_owned) else {
                return;
            };
            let Some(this) = latest_link.try_update_value(|n| {
                *n = n.wrapping_add(1);
                *n
            }) else {
                return;
            };
            wasm_bindgen_futures::spawn_local(async move {
                let decoded = decode_link(&payload).await;
                if latest_link.try_get_value() != Some(this) {
                    return;
                }
                url_has_state.try_set_value(true);
                let mut outcome = (None, false);
                ws.try_update(|w| outcome = open_link_in(w, decoded));
                let (note, changed) = outcome;
                if changed {
                    from_link_now.try_set_value(true);
                    if let Some(Some(text)) = ws.try_with_untracked(|w| {
                        w.state.family.is_none().then(|| w.state.text.clone())
                    }) {
                        single_for.try_set_value(Some(text));
                    }
                    notices.try_set(Vec::new());
                }
                if let Some(m) = note {
                    notices.try_update(|n| n.push(m));
                }
            });
        });

        // Debounce: the analysis follows the state 150 ms after the last keystroke, and
        // at once after a paste, a drop or a file (one change: nothing more is coming).
        let timer: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);
        let at_once = StoredValue::new(false);
        Effect::new(move |_| {
            if ws.with(|w| seen.with_value(|s| *s == w.state)) {
                return;
            }
            let s = ws.with(|w| w.state.clone());
            seen.set_value(s.clone());
            if let Some(h) = timer.get_value() {
                h.clear();
            }
            if at_once.get_value() {
                at_once.set_value(false);
                timer.set_value(None);
                settled.set(s);
            } else {
                let h = set_timeout_with_handle(move || settled.set(s), DEBOUNCE).ok();
                timer.set_value(h);
            }
            if from_link_now.get_value() {
                from_link_now.set_value(false);
                return;
            }
            // Notices speak about the state they were raised for; an edit retires them.
            notices.update(|n| n.retain(|m| m.origin == Origin::Autosave));
            if url_has_state.get_value() {
                if let Some(base) = dom::url_without_hash() {
                    dom::replace_url(&base);
                }
                url_has_state.set_value(false);
            }
        });

        // Autosave, debounced, and flushed when the page goes away.
        let save_timer: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);
        let save_now = move || {
            if let Err(e) = ws.with_untracked(storage::save) {
                notices.update(|n| {
                    let m = Notice {
                        origin: Origin::Autosave,
                        message: Message::new(Level::Warning, format!("Autosave failed: {e}.")),
                    };
                    if !n.contains(&m) {
                        n.push(m);
                    }
                });
            }
        };
        Effect::new(move |first: Option<()>| {
            ws.track();
            if first.is_none() {
                return;
            }
            if let Some(h) = save_timer.get_value() {
                h.clear();
            }
            save_timer.set_value(set_timeout_with_handle(save_now, AUTOSAVE).ok());
        });
        dom::on_page_hide(save_now);

        let parsed = Memo::new(move |_| {
            crate::perf::fit_start();
            settled.with(session::parse_state)
        });
        // What the last point fit was made from: a change elsewhere in the state (the
        // target) keeps the fit, and its bootstrap, as they are.
        let fitted_from = StoredValue::new(None::<FitInputs>);
        let point: Memo<PointFit> = Memo::new(move |prev: Option<&PointFit>| {
            let inputs = settled.with(|s| parsed.with(|p| fit_inputs(s, p)));
            if let Some(prev) = prev {
                if fitted_from.with_value(|f| *f == inputs) {
                    return prev.clone();
                }
            }
            let fit = inputs.as_ref().map(|fi| {
                let a = analyze_point(&fi.points, &fi.held_out, &fi.options);
                crate::perf::point_fit_done();
                a
            });
            fitted_from.set_value(inputs);
            fit
        });

        // The bootstrap follows every new point fit, in slices.
        // The finished bootstrap, and a trigger telling the analysis it arrived.
        let booted = StoredValue::new(None::<Analysis>);
        let booted_now = Trigger::new();
        let runner = Runner::default();
        Effect::new(move |_| {
            let p = point.get();
            booted.set_value(None);
            booted_now.notify();
            show_progress(None);
            match p {
                Some(Ok(a)) if a.options.bootstrap > 0 => runner.start(
                    a,
                    settled.with_untracked(crate::export::state_json),
                    move |pr| show_progress(Some(pr)),
                    move |full| {
                        crate::perf::bootstrap_done();
                        booted.set_value(Some(full));
                        booted_now.notify();
                        show_progress(None);
                    },
                ),
                _ => runner.cancel(),
            }
        });
        let analysis = Memo::new(move |_| {
            let base = point.with(|p| match p {
                Some(Ok(a)) => Some(a.clone()),
                _ => None,
            })?;
            // Only a bootstrap of this very point fit counts (an older one may linger
            // for a moment after an edit).
            booted_now.track();
            let full = booted
                .with_value(|b| {
                    b.as_ref()
                        .filter(|b| {
                            b.fit == base.fit
                                && b.m == base.m
                                && b.y == base.y
                                && b.held_out == base.held_out
                                && b.options == base.options
                        })
                        .cloned()
                })
                .unwrap_or(base);
            // The target, unlike the fit's inputs, only moves the projection.
            let target =
                settled.with(|s| parsed.with(|p| session::analysis_options(s, p).target_error));
            Some(full.with_target(target))
        });
        let relative = Memo::new(move |_| settled.with(view_model::relative));
        let sweep = sweep_spine(settled, parsed);
        let family = family_spine(settled, parsed);
        // Data with several series open in the family view, unless a link (of format 1
        // or 2) or the user chose the one-series view for these very data.
        Effect::new(move |_| {
            let several = parsed.with(|p| p.groups.len() >= 2);
            let (off, text) = settled.with(|s| (s.family.is_none(), s.text.clone()));
            if several && off && single_for.with_value(|t| t.as_deref() != Some(text.as_str())) {
                ws.update(|w| {
                    if w.state.text == text {
                        w.state.family = Some(Default::default());
                    }
                });
            }
        });
        let messages = Memo::new(move |_| {
            let fit_error = point.with(|p| match p {
                Some(Err(e)) => Some(view_model::fit_error_text(e)),
                _ => None,
            });
            notices.with(|n| {
                let notices: Vec<Message> = n.iter().map(|x| x.message.clone()).collect();
                settled.with(|s| {
                    parsed.with(|p| {
                        analysis.with(|a| {
                            relative.with(|r| {
                                sweep.with(|sw| {
                                    messages_html(&view_model::messages(
                                        view_model::MessageInputs {
                                            notices: &notices,
                                            state: s,
                                            parsed: Some(p),
                                            fit_error: fit_error.as_deref(),
                                            analysis: a.as_ref(),
                                            relative: r.as_ref(),
                                            sweep: sw.as_ref(),
                                        },
                                    ))
                                })
                            })
                        })
                    })
                })
            })
        });

        // Theme: the choice is saved; "auto" follows the system, live.
        let theme = RwSignal::new(ThemeChoice::from_id(
            &storage::load_theme().unwrap_or_default(),
        ));
        let system_dark = RwSignal::new(dom::prefers_dark());
        dom::on_scheme_change(move |d| system_dark.set(d));

        let ctx = Ctx {
            ws,
            settled,
            parsed,
            analysis,
            family,
            sweep,
            single_for,
            relative,
            notices,
            messages,
            theme,
            system_dark,
            url_has_state,
            at_once,
        };
        Effect::new(move |_| {
            dom::set_root_attribute("data-theme", if ctx.dark() { "dark" } else { "light" });
        });
        ctx
    }
}

/// What a sweep's joint-law bootstrap depends on: the runs, the joint options (loss,
/// delta, count, seed) and the point fit they give. The target, the budget, `k` and
/// the throughput only change what is read off the refits.
type JointKey = (Sweep, JointOptions, JointParams);

fn joint_key(page: &SweepPage) -> JointKey {
    (
        page.sweep.clone(),
        page.options.joint,
        page.report.joint.params,
    )
}

/// A sweep's memo: the point report at once, then the joint law's bootstrap in
/// slices (its progress in `#joint-progress`). A change of the runs or the joint
/// options restarts the bootstrap; a new target, budget, `k` or throughput reuses its
/// refits.
fn sweep_spine(
    settled: RwSignal<scalefit_core::permalink::State>,
    parsed: Memo<scalefit_core::parse::Parsed>,
) -> Memo<Option<Result<SweepPage, String>>> {
    let point = Memo::new(move |_| {
        settled.with(|s| parsed.with(|p| view_model::sweep::sweep_page(s, p, MAX_BOOTSTRAP)))
    });
    let booted = StoredValue::new(None::<(JointKey, Vec<Option<JointParams>>)>);
    let booted_now = Trigger::new();
    let runner = Runner::default();
    // The key of the bootstrap last started: an edit that keeps it keeps the run.
    let started = StoredValue::new(None::<JointKey>);
    Effect::new(move |_| {
        let page = point.get().and_then(Result::ok);
        let k = page.as_ref().map(joint_key);
        if started.with_value(|s| *s == k) {
            return;
        }
        started.set_value(k);
        booted.set_value(None);
        booted_now.notify();
        let page = page.filter(|page| page.options.joint.bootstrap > 0);
        match page {
            Some(page) => runner.start_offload(
                JointJob {
                    page,
                    state: settled.with_untracked(crate::export::state_json),
                    samples: Vec::new(),
                },
                |(done, total)| {
                    dom::set_text(
                        "joint-progress",
                        &format!("Intervals: {done} of {total} resamples of the runs…"),
                    );
                },
                move |(k, samples)| {
                    crate::perf::sweep_bootstrap_done();
                    booted.set_value(Some((k, samples)));
                    booted_now.notify();
                },
            ),
            None => runner.cancel(),
        }
    });
    Memo::new(move |_| {
        let base = point.get()?;
        booted_now.track();
        Some(base.map(|b| {
            let samples = booted.with_value(|f| {
                f.as_ref()
                    .filter(|(k, _)| {
                        k.0 == b.sweep && k.1 == b.options.joint && k.2 == b.report.joint.params
                    })
                    .map(|(_, s)| s.clone())
            });
            match samples {
                Some(s) => SweepPage {
                    report: b.report.clone().with_joint_bootstrap(s, &b.options),
                    ..b
                },
                None => b,
            }
        }))
    })
}

/// How long a family's bootstrap waits after its point comparison before it starts:
/// longer than the gap between quick edits, short beside the bootstrap itself.
const FAMILY_BOOT_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

/// What a family's bootstrap depends on: the series compared, the options (count,
/// seed, target: the data ratios are read per resample) and the point comparison's
/// shared exponent.
type FamilyKey = (Vec<Series>, FamilyOptions, u64);

fn family_key(f: &Family) -> Option<FamilyKey> {
    let c = f.comparison.as_ref().ok()?;
    Some((
        f.members.clone(),
        f.options.clone(),
        c.shared_fit.beta_g.to_bits(),
    ))
}

/// A family's memo: the point comparison at once, then its bootstrap within series on
/// the worker pool (in slices on the main thread without one; progress in
/// `#family-progress`). An edit that keeps the
/// key keeps the run; the intervals join the comparison when every resample is in.
fn family_spine(
    settled: RwSignal<scalefit_core::permalink::State>,
    parsed: Memo<scalefit_core::parse::Parsed>,
) -> Memo<Option<Result<Family, usize>>> {
    let runner = StoredValue::new_local(Runner::default());
    let started = StoredValue::new(None::<FamilyKey>);
    let point = Memo::new(move |prev: Option<&Option<Result<Family, usize>>>| {
        let t0 = dom::now_ms();
        let prev = prev.and_then(|p| p.as_ref()).and_then(|p| p.as_ref().ok());
        // A bootstrap of other inputs stops before the fits, not after them: its
        // workers would take the cores the fits run on.
        let stale = |members: &[Series], options: &FamilyOptions| {
            let same = started.with_value(|k| {
                k.as_ref()
                    .is_some_and(|k| k.0.as_slice() == members && &k.1 == options)
            });
            if !same {
                runner.with_value(Runner::cancel);
            }
        };
        let f =
            settled.with(|s| parsed.with(|p| view_model::family::family_with(s, p, prev, stale)));
        if matches!(f, Some(Ok(_))) {
            crate::perf::family_fit_done(dom::now_ms() - t0);
        }
        f
    });
    let booted = StoredValue::new(None::<(FamilyKey, Vec<Draw>)>);
    let booted_now = Trigger::new();
    Effect::new(move |_| {
        let job = point.with(|f| match f {
            Some(Ok(f)) if f.options.bootstrap > 0 => {
                let key = family_key(f)?;
                let c = f.comparison.as_ref().ok()?.clone();
                Some(FamilyJob {
                    key,
                    comparison: c,
                    state: settled.with_untracked(crate::export::state_json),
                    draws: Vec::new(),
                })
            }
            _ => None,
        });
        let k = job.as_ref().map(|j| j.key.clone());
        if started.with_value(|s| *s == k) {
            return;
        }
        started.set_value(k);
        booted.set_value(None);
        booted_now.notify();
        runner.with_value(Runner::cancel);
        let Some(job) = job else { return };
        // The resamples start once the edits pause (`FAMILY_BOOT_DELAY`): edits in
        // quick succession are fitted with the cores to themselves.
        let key = Some(job.key.clone());
        set_timeout(
            move || {
                if !started.with_value(|s| *s == key) {
                    return;
                }
                runner.get_value().start_offload(
                    job,
                    |(done, total)| {
                        dom::set_text(
                            "family-progress",
                            &format!("Intervals: {done} of {total} resamples within series…"),
                        );
                    },
                    move |done| {
                        crate::perf::family_bootstrap_done();
                        booted.set_value(Some(done));
                        booted_now.notify();
                    },
                );
            },
            FAMILY_BOOT_DELAY,
        );
    });
    Memo::new(move |_| {
        let mut f = point.get()?;
        booted_now.track();
        if let Ok(fam) = &mut f {
            let key = family_key(fam);
            let draws = booted.with_value(|b| {
                b.as_ref()
                    .filter(|(k, _)| Some(k) == key.as_ref())
                    .map(|(_, d)| d.clone())
            });
            if let (Some(d), Ok(c)) = (draws, &mut fam.comparison) {
                *c = c.clone().with_bootstrap(d, fam.options.bootstrap);
            }
        }
        Some(f)
    })
}

/// A family's bootstrap as a runner job: the draws, with the key they belong to.
struct FamilyJob {
    key: FamilyKey,
    comparison: Comparison,
    /// The state, as JSON, for the worker pool.
    state: String,
    draws: Vec<Draw>,
}

impl Offload for FamilyJob {
    fn kind(&self) -> u32 {
        crate::worker::FAMILY
    }
    fn state(&self) -> &str {
        &self.state
    }
    fn accept(&mut self, _: std::ops::Range<usize>, out: &[f64]) -> bool {
        match crate::worker::decode_family(out, self.comparison.shared_fit.beta_g) {
            Some(d) => {
                self.draws.extend(d);
                true
            }
            None => false,
        }
    }
}

impl Job for FamilyJob {
    type Done = (FamilyKey, Vec<Draw>);
    fn total(&self) -> usize {
        self.key.1.bootstrap
    }
    fn run(&mut self, range: std::ops::Range<usize>) {
        self.draws.extend(bootstrap_draws(
            &self.key.0,
            &self.comparison,
            &self.key.1,
            range,
        ));
    }
    fn finish(self) -> Self::Done {
        (self.key, self.draws)
    }
}

/// The joint law's bootstrap as a runner job: the refits, with the key they belong to.
struct JointJob {
    page: SweepPage,
    /// The state, as JSON, for the worker pool.
    state: String,
    samples: Vec<Option<JointParams>>,
}

impl Offload for JointJob {
    fn kind(&self) -> u32 {
        crate::worker::JOINT
    }
    fn state(&self) -> &str {
        &self.state
    }
    fn accept(&mut self, _: std::ops::Range<usize>, out: &[f64]) -> bool {
        match crate::worker::decode_joint(out, &self.page.report.joint.params) {
            Some(s) => {
                self.samples.extend(s);
                true
            }
            None => false,
        }
    }
}

impl Job for JointJob {
    type Done = (JointKey, Vec<Option<JointParams>>);
    fn total(&self) -> usize {
        self.page.options.joint.bootstrap
    }
    fn run(&mut self, range: std::ops::Range<usize>) {
        let p = &self.page;
        self.samples
            .extend(scalefit_core::sweep::joint::joint_bootstrap_samples(
                &p.sweep,
                &p.report.joint,
                &p.options.joint,
                range,
            ));
    }
    fn finish(self) -> Self::Done {
        (joint_key(&self.page), self.samples)
    }
}

#[cfg(test)]
mod tests {
    use scalefit_core::analysis::{analyze_point, AnalysisOptions};
    use scalefit_core::parse::Point;

    use crate::view_model::fit_error_text;

    #[test]
    fn no_fit_reads_as_the_core_says_it() {
        let points = [Point {
            line: 1,
            m: 1000.0,
            error: 0.5,
            model_size: None,
        }];
        // One point cannot be fitted.
        let e = analyze_point(&points, &[], &AnalysisOptions::default()).err();
        assert!(e.is_some());
        let Some(e) = e else { return };
        // The rule this replaced: the core's text without its "no fit: " prefix.
        let core = e.to_string();
        let rest = core.strip_prefix("no fit: ").unwrap_or_default();
        assert!(!rest.is_empty(), "{core}");
        assert_eq!(
            fit_error_text(&e),
            crate::format::sentence(&format!("No model could be fitted: {rest}"))
        );
    }
}
