//! What the components read and call: [`Ctx`], every signal of the page as one `Copy`
//! value, the theme choice and the app's notices (built by `crate::state::spine`).

use leptos::prelude::*;
use scalefit_core::analysis::Analysis;
use scalefit_core::parse::Parsed;
use scalefit_core::permalink::State;

use crate::format::sentence;
use crate::view_model::{Level, Message, Relative};
use crate::workspace::Workspace;

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

    pub(crate) fn from_id(s: &str) -> ThemeChoice {
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

/// Where a notice came from, which decides how long it stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// An action (a link, a file, sharing): it speaks about the state it was raised
    /// for, so the next edit retires it.
    Action,
    /// A failed autosave: still true after an edit, so it stays.
    Autosave,
}

/// An app notice: a message and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// Where it came from.
    pub origin: Origin,
    /// What it says.
    pub message: Message,
}

impl Notice {
    /// A notice of an action.
    pub fn action(message: Message) -> Notice {
        Notice {
            origin: Origin::Action,
            message,
        }
    }
}

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
    /// The family view: every series with their comparison (`None`: off, or data
    /// without series; `Err(n)`: more series than the page draws together).
    pub family: Memo<Option<Result<crate::view_model::family::Family, usize>>>,
    /// The sweep view: the data read as the runs of a sweep (`None`: they are not;
    /// `Err`: why they cannot be analysed), the joint law's intervals once bootstrapped.
    pub sweep: Memo<Option<Result<crate::view_model::sweep::SweepPage, String>>>,
    /// The data (their text) for which a link of format 1 or 2, or the user, chose the
    /// one-series view: they do not switch to the family view by themselves.
    pub single_for: StoredValue<Option<String>>,
    /// A paper preset's relative projection.
    pub relative: Memo<Option<Relative>>,
    /// App notices (links, files, sharing, storage).
    pub notices: RwSignal<Vec<Notice>>,
    /// Everything `#fit-message` says, most serious first, as its HTML.
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

    /// Whether the page is dark: the chosen theme, or the system's under "auto".
    pub fn dark(&self) -> bool {
        match self.theme.get() {
            ThemeChoice::Auto => self.system_dark.get(),
            ThemeChoice::Light => false,
            ThemeChoice::Dark => true,
        }
    }

    /// Adds a notice of an action (replacing an identical one).
    pub fn notify(&self, level: Level, text: impl Into<String>) {
        let m = Message::new(level, sentence(&text.into()));
        self.notices.update(|n| {
            n.retain(|x| x.message.text != m.text);
            n.push(Notice::action(m));
        });
    }
}
