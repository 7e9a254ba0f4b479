//! The root component and the reactive spine of the page: the workspace signal, its
//! debounced copy that is analysed, the parse, the point fit, the chunked bootstrap,
//! autosave, the theme, and permalinks (decoded with the browser's inflater, before the
//! app mounts for the link in the URL at load, and on later fragment changes).

use std::time::Duration;

use leptos::prelude::*;
use scalefit_core::analysis::{analyze_point, Analysis, AnalysisOptions};
use scalefit_core::parse::{Parsed, Point};
use scalefit_core::permalink::{self, LinkError, State};
use scalefit_core::session;

use crate::components::charts::Charts;
use crate::components::header::Header;
use crate::components::input::InputPanel;
use crate::components::results::{messages_html, FitDetails, ResultsPanel};
use crate::components::share::SharePanel;
use crate::format::sentence;
use crate::runner::{Progress, Runner};
use crate::view_model::{self, Level, Message, Relative};
use crate::workspace::Workspace;
use crate::{dom, storage};

/// Delay between the last keystroke and the refit.
const DEBOUNCE: Duration = Duration::from_millis(150);
/// Most bootstrap resamples the page runs (a link may ask for more; the work and
/// memory grow with the count).
pub const MAX_BOOTSTRAP: usize = 20_000;
/// Delay between the last change and the autosave.
const AUTOSAVE: Duration = Duration::from_millis(300);

/// The theme the user chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeChoice {
    /// Follow the system.
    Auto,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl ThemeChoice {
    /// Stored id.
    pub fn id(self) -> &'static str {
        match self {
            ThemeChoice::Auto => "auto",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }

    fn from_id(s: &str) -> ThemeChoice {
        match s {
            "light" => ThemeChoice::Light,
            "dark" => ThemeChoice::Dark,
            _ => ThemeChoice::Auto,
        }
    }

    /// The next choice of the toggle.
    pub fn next(self) -> ThemeChoice {
        match self {
            ThemeChoice::Auto => ThemeChoice::Light,
            ThemeChoice::Light => ThemeChoice::Dark,
            ThemeChoice::Dark => ThemeChoice::Auto,
        }
    }
}

/// What the point fit needs: a change here refits, a target change does not.
#[derive(Debug, Clone, PartialEq)]
struct FitInputs {
    points: Vec<Point>,
    held_out: Vec<Point>,
    options: AnalysisOptions,
}

/// The point fit: `None` without data, else the analysis or why there is none.
pub type PointFit = Option<Result<Analysis, String>>;

/// Every signal the components read, passed down as one `Copy` value.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// The workspace (what the controls edit).
    pub ws: RwSignal<Workspace>,
    /// The state analysed: the workspace's state, debounced.
    pub settled: RwSignal<State>,
    /// Its parse.
    pub parsed: Memo<Parsed>,
    /// The shown analysis: the bootstrapped one once ready, with the current target.
    pub analysis: Memo<Option<Analysis>>,
    /// A paper preset's relative projection.
    pub relative: Memo<Option<Relative>>,
    /// App notices (links, files, sharing, storage).
    pub notices: RwSignal<Vec<Message>>,
    /// Everything `#fit-message` says, as its HTML.
    pub messages: Memo<String>,
    /// The chosen theme.
    pub theme: RwSignal<ThemeChoice>,
    /// Whether the system prefers a dark page (followed live).
    pub system_dark: RwSignal<bool>,
    /// Whether the address bar holds a state link that edits would make stale.
    pub url_has_state: StoredValue<bool>,
    /// Set by a change made in one go (a paste, a drop, a file): the next state is
    /// analysed at once instead of after the typing debounce.
    pub at_once: StoredValue<bool>,
}

impl Ctx {
    /// Marks the next workspace change as made in one go (see [`Ctx::at_once`]) or as
    /// typing.
    pub fn next_change_at_once(&self, yes: bool) {
        self.at_once.set_value(yes);
    }
}

impl Ctx {
    /// Whether the page is dark: the chosen theme, or the system's under "auto".
    pub fn dark(&self) -> bool {
        match self.theme.get() {
            ThemeChoice::Auto => self.system_dark.get(),
            ThemeChoice::Light => false,
            ThemeChoice::Dark => true,
        }
    }

    /// Adds a notice (replacing an identical one).
    pub fn notify(&self, level: Level, text: impl Into<String>) {
        let m = Message::new(level, sentence(&text.into()));
        self.notices.update(|n| {
            n.retain(|x| x.text != m.text);
            n.push(m);
        });
    }
}

/// A permalink's payload decoded, or why it could not be.
pub type LinkOutcome = Result<State, LinkError>;

/// Decodes a payload (what follows `#s=`) as `permalink::decode` does, but with the
/// browser's `DecompressionStream` as the inflater, so the page ships none.
pub async fn decode_link(payload: &str) -> LinkOutcome {
    let unpacked = permalink::unpack(payload)?;
    let json = dom::inflate_raw(&unpacked.deflated, permalink::MAX_INFLATED).await;
    permalink::finish(unpacked.version, unpacked.checksum, json)
}

/// The link in the URL at load, decoded (`None` without one). Should the fragment
/// change while it is decoded, the new one is decoded instead: the app mounts with
/// what the address bar shows.
pub async fn link_at_load() -> Option<LinkOutcome> {
    loop {
        let hash = dom::hash();
        let decoded = decode_link(permalink::payload_of(&hash)?).await;
        if dom::hash() == hash {
            return Some(decoded);
        }
    }
}

/// What opening a link did: the notice to show, and whether the workspace changed.
fn open_link_in(ws: &mut Workspace, decoded: LinkOutcome) -> (Option<Message>, bool) {
    match decoded {
        Ok(state) => {
            if ws.state == state {
                return (None, false);
            }
            let note = ws.open_link(state).then(|| {
                Message::new(
                    Level::Info,
                    "Opened a shared link. Your own data were set aside: \"Undo clear\" brings them back.",
                )
            });
            (note, true)
        }
        Err(e) => (
            Some(Message::new(
                Level::Error,
                format!(
                    "This link could not be opened: {}. Your saved work is unchanged.",
                    e.to_string().trim_end_matches('.')
                ),
            )),
            false,
        ),
    }
}

/// Loads the autosaved workspace and opens the permalink the URL had at load, if any
/// (`link`, decoded before the app mounted).
fn initial_workspace(link: Option<LinkOutcome>) -> (Workspace, Vec<Message>, bool) {
    let mut ws = storage::load().unwrap_or_default();
    match link {
        // Good or bad, the link leaves the address bar at the first edit.
        Some(decoded) => {
            let (note, _) = open_link_in(&mut ws, decoded);
            (ws, note.into_iter().collect(), true)
        }
        None => (ws, Vec::new(), false),
    }
}

/// Shows the bootstrap's progress (`None`: nothing running) in its slot of the results
/// panel; it changes several times a second and nothing else reads it.
fn show_progress(progress: Option<Progress>) {
    dom::set_html(
        "bootstrap-slot",
        &crate::components::results::progress_html(progress),
    );
}

/// The page. `link` is the permalink in the URL at load, already decoded (see
/// [`link_at_load`]); `None` without one.
#[component]
pub fn App(link: Option<LinkOutcome>) -> impl IntoView {
    let (initial, notices0, from_link) = initial_workspace(link);
    let ws = RwSignal::new(initial.clone());
    let settled = RwSignal::new(initial.state.clone());
    let notices = RwSignal::new(notices0);
    let url_has_state = StoredValue::new(from_link);
    // The state last seen by the debounce below: other workspace changes (the undo
    // buffer) do not count as edits.
    let seen = StoredValue::new(initial.state.clone());
    // Set when a link (not the user) changed the state, so that change keeps its notice
    // and its address.
    let from_link_now = StoredValue::new(false);
    // Counts the links pasted into the address bar: a link is decoded asynchronously,
    // and only the latest one's result is applied (an older one decoding later loses).
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
                notices.try_set(Vec::new());
            }
            if let Some(m) = note {
                notices.try_update(|n| n.push(m));
            }
        });
    });

    // Debounce: the analysis follows the state 150 ms after the last keystroke, and at
    // once after a paste, a drop or a file (one change: nothing more is coming).
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
        notices
            .update(|n| n.retain(|m| m.level == Level::Warning && m.text.starts_with("Autosave")));
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
                let m = Message::new(Level::Warning, format!("Autosave failed: {e}."));
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
        let inputs = settled.with(|s| {
            parsed.with(|p| {
                if s.text.trim().is_empty() || p.points.is_empty() {
                    return None;
                }
                let mut options = session::analysis_options(s, p);
                options.target_error = None;
                options.bootstrap = options.bootstrap.min(MAX_BOOTSTRAP);
                Some(FitInputs {
                    points: p.points.clone(),
                    held_out: p.held_out.clone(),
                    options,
                })
            })
        });
        if let Some(prev) = prev {
            if fitted_from.with_value(|f| *f == inputs) {
                return prev.clone();
            }
        }
        let fit = inputs.as_ref().map(|fi| {
            let a = analyze_point(&fi.points, &fi.held_out, &fi.options)
                .map_err(|e| view_model::fit_error_text(&e.to_string()));
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
    let messages = Memo::new(move |_| {
        let fit_error = point.with(|p| match p {
            Some(Err(e)) => Some(e.clone()),
            _ => None,
        });
        notices.with(|n| {
            settled.with(|s| {
                parsed.with(|p| {
                    analysis.with(|a| {
                        relative.with(|r| {
                            messages_html(&view_model::messages(view_model::MessageInputs {
                                notices: n,
                                state: s,
                                parsed: Some(p),
                                fit_error: fit_error.as_deref(),
                                analysis: a.as_ref(),
                                relative: r.as_ref(),
                            }))
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

    view! {
        <a class="skip-link" href="#results">"Skip to results"</a>
        <Header ctx=ctx/>
        <main class="layout">
            <InputPanel ctx=ctx/>
            <section id="results" class="results" aria-label="Results">
                <ResultsPanel ctx=ctx/>
                <Charts ctx=ctx/>
                <FitDetails ctx=ctx/>
                <SharePanel ctx=ctx/>
            </section>
        </main>
        <footer class="site-footer">
            <p>
                "Scalefit fits learning curves after Hestness et al. 2017, "
                <cite>"Deep Learning Scaling is Predictable, Empirically"</cite>
                " (arXiv:1712.00409). Everything runs in this page: your data never leave your browser."
            </p>
        </footer>
    }
}
