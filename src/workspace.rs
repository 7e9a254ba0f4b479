//! The user's workspace: the state being analysed plus the work kept aside while a
//! preset is shown, and the transitions between them. Pure data, so the rule "the text
//! the user typed is never lost" is tested natively.

use scalefit_core::parse::{Metric, Scale};
use scalefit_core::permalink::{Anchor, State};
use scalefit_core::presets::{preset, Preset, NMT_REAL_CSV, NMT_REAL_ID};
use scalefit_core::session::DataSettings;
use serde::{Deserialize, Serialize};

/// Option value of `#preset` for the user's own data.
pub const CUSTOM_ID: &str = "custom";

/// What the `#preset` select shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    /// The user's own data.
    Custom,
    /// The real NMT learning curves shipped with the app.
    RealNmt,
    /// A domain of the paper (relative projection, or the user's data against it).
    Paper(&'static Preset),
}

impl Source {
    /// The source a state describes (an unknown preset id counts as custom).
    pub fn of(state: &State) -> Source {
        match state.preset.as_deref() {
            Some(NMT_REAL_ID) => Source::RealNmt,
            Some(id) => preset(id).map_or(Source::Custom, Source::Paper),
            None => Source::Custom,
        }
    }

    /// The `#preset` option value.
    pub fn id(self) -> &'static str {
        match self {
            Source::Custom => CUSTOM_ID,
            Source::RealNmt => NMT_REAL_ID,
            Source::Paper(p) => p.id,
        }
    }

    /// The paper preset, if any.
    pub fn paper(self) -> Option<&'static Preset> {
        match self {
            Source::Paper(p) => Some(p),
            _ => None,
        }
    }
}

/// Everything autosaved: the analysed state, the user's own data while a preset is
/// shown, and the text set aside by Clear (or displaced by a link), restorable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Workspace {
    /// What is analysed and shared.
    pub state: State,
    /// The user's own data while a preset is shown (unused in custom mode, where the
    /// state itself is the user's data).
    #[serde(default)]
    pub custom: DataSettings,
    /// Text removed by Clear or set aside by a link or a preset switch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo_text: Option<String>,
}

/// Whether `text` is the user's own (not empty and not the shipped example).
fn is_user_text(text: &str) -> bool {
    !text.trim().is_empty() && text != NMT_REAL_CSV
}

impl Workspace {
    /// The current source.
    pub fn source(&self) -> Source {
        Source::of(&self.state)
    }

    /// Keeps text that is about to be replaced: the older one goes to the undo slot.
    fn set_aside(&mut self, text: String) {
        if is_user_text(&text) && self.undo_text.as_deref() != Some(text.as_str()) {
            self.undo_text = Some(text);
        }
    }

    /// Saves the visible data as the user's own when it is theirs.
    fn stash_visible(&mut self) {
        match self.source() {
            Source::Custom => self.custom = DataSettings::of(&self.state),
            Source::RealNmt | Source::Paper(_) => {
                if is_user_text(&self.state.text) && self.state.text != self.custom.text {
                    let older = std::mem::take(&mut self.custom.text);
                    self.set_aside(older);
                    self.custom = DataSettings::of(&self.state);
                }
            }
        }
    }

    /// Switches `#preset` to `id` (`custom`, `nmt-real` or a paper preset id). The
    /// user's own data are kept aside and come back with `custom`; an unknown id is
    /// ignored.
    pub fn select_source(&mut self, id: &str) {
        let to = if id == CUSTOM_ID {
            Source::Custom
        } else if id == NMT_REAL_ID {
            Source::RealNmt
        } else if let Some(p) = preset(id) {
            Source::Paper(p)
        } else {
            return;
        };
        if to == self.source() {
            return;
        }
        self.stash_visible();
        let s = &mut self.state;
        s.anchor = None;
        match to {
            Source::Custom => {
                s.preset = None;
                self.custom.clone().restore_into(s);
            }
            Source::RealNmt => {
                s.preset = Some(NMT_REAL_ID.into());
                s.text = NMT_REAL_CSV.into();
                s.columns = None;
                s.group = None;
                s.metric = Metric::Error;
                s.scale = Scale::Auto;
            }
            Source::Paper(p) => {
                s.preset = Some(p.id.into());
                s.text = String::new();
                s.columns = None;
                s.group = None;
            }
        }
    }

    /// The user typed in the data box (or edited the table).
    pub fn edit_text(&mut self, text: String) {
        self.state.text = text;
    }

    /// Loads a file's text as the user's own data (switching to custom); whatever was
    /// in the box is kept in the undo slot.
    pub fn load_text(&mut self, text: String) {
        if self.source() != Source::Custom {
            self.select_source(CUSTOM_ID);
        }
        let old = std::mem::replace(&mut self.state.text, text);
        self.set_aside(old);
        self.state.columns = None;
        self.state.group = None;
    }

    /// Empties the data box; [`Workspace::undo_clear`] brings the text back.
    pub fn clear(&mut self) {
        let old = std::mem::take(&mut self.state.text);
        self.set_aside(old);
        self.state.columns = None;
        self.state.group = None;
    }

    /// Whether there is text to restore.
    pub fn can_undo(&self) -> bool {
        self.undo_text.is_some()
    }

    /// Restores the text of the undo slot; the current text (if any) takes its place,
    /// so a second undo swaps back.
    pub fn undo_clear(&mut self) {
        if let Some(text) = self.undo_text.take() {
            let current = std::mem::replace(&mut self.state.text, text);
            if is_user_text(&current) {
                self.undo_text = Some(current);
            }
            self.state.columns = None;
            self.state.group = None;
        }
    }

    /// Opens a shared state. The user's own text, if the link replaces it, is kept in
    /// the undo slot; returns whether something was set aside.
    pub fn open_link(&mut self, linked: State) -> bool {
        let before = self.undo_text.clone();
        match Source::of(&linked) {
            Source::Custom => {
                // The link's data become the custom data; the user's go to the undo slot.
                let mine = match self.source() {
                    Source::Custom => self.state.text.clone(),
                    _ => self.custom.text.clone(),
                };
                if mine != linked.text {
                    self.set_aside(mine);
                }
                self.custom = DataSettings::of(&linked);
            }
            Source::RealNmt | Source::Paper(_) => {
                // The user's custom data stay in the custom slot, reachable via Custom.
                self.stash_visible();
            }
        }
        self.state = linked;
        self.undo_text != before
    }

    /// The anchor the relative projection uses: the user's, else the preset's.
    pub fn anchor(&self) -> Option<Anchor> {
        anchor_of(&self.state)
    }
}

/// The anchor of a state: the one it carries, else its paper preset's default.
pub fn anchor_of(state: &State) -> Option<Anchor> {
    let p = Source::of(state).paper()?;
    Some(scalefit_core::rules::anchor_of(state, p))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn custom(text: &str) -> Workspace {
        let mut w = Workspace::default();
        w.edit_text(text.into());
        w
    }

    #[test]
    fn presets_never_lose_custom_text() {
        let mut w = custom("1000,0.5\n2000,0.4\n");
        w.state.metric = Metric::Accuracy;
        w.select_source("imagenet-top1");
        assert_eq!(w.state.text, "");
        assert_eq!(w.state.preset.as_deref(), Some("imagenet-top1"));
        w.select_source("nmt-real");
        assert_eq!(w.state.text, NMT_REAL_CSV);
        assert_eq!(w.state.metric, Metric::Error);
        w.select_source("custom");
        assert_eq!(w.state.text, "1000,0.5\n2000,0.4\n");
        assert_eq!(w.state.metric, Metric::Accuracy);
        assert_eq!(w.state.preset, None);
        assert_eq!(w.undo_text, None);
    }

    #[test]
    fn text_typed_under_a_preset_is_kept() {
        let mut w = custom("old");
        w.select_source("word-lm");
        w.edit_text("new".into());
        w.select_source("nmt-real");
        w.select_source("custom");
        assert_eq!(w.state.text, "new");
        assert_eq!(w.undo_text.as_deref(), Some("old"));
        w.undo_clear();
        assert_eq!(w.state.text, "old");
        assert_eq!(w.undo_text.as_deref(), Some("new"));
    }

    #[test]
    fn edited_example_becomes_own_data() {
        let mut w = custom("");
        w.select_source("nmt-real");
        let edited = NMT_REAL_CSV.replace("Training", "train");
        w.edit_text(edited.clone());
        w.select_source("custom");
        assert_eq!(w.state.text, edited);
    }

    #[test]
    fn clear_and_undo() {
        let mut w = custom("a,b\n1,2\n");
        assert!(!w.can_undo());
        w.clear();
        assert_eq!(w.state.text, "");
        assert!(w.can_undo());
        w.undo_clear();
        assert_eq!(w.state.text, "a,b\n1,2\n");
        assert!(!w.can_undo());
    }

    #[test]
    fn link_keeps_the_users_text_aside() {
        let mut w = custom("mine");
        let linked = State {
            text: "theirs".into(),
            ..State::default()
        };
        assert!(w.open_link(linked.clone()));
        assert_eq!(w.state, linked);
        assert_eq!(w.undo_text.as_deref(), Some("mine"));
        // A preset link leaves the custom data where Custom finds them.
        let mut w = custom("mine");
        let linked = State {
            preset: Some("nmt".into()),
            ..State::default()
        };
        assert!(!w.open_link(linked));
        w.select_source("custom");
        assert_eq!(w.state.text, "mine");
    }

    #[test]
    fn load_text_switches_to_custom() {
        let mut w = custom("mine");
        w.select_source("nmt");
        w.load_text("file".into());
        assert_eq!(w.source(), Source::Custom);
        assert_eq!(w.state.text, "file");
        assert_eq!(w.undo_text.as_deref(), Some("mine"));
    }

    #[test]
    fn anchors() {
        let mut w = custom("");
        assert!(w.anchor().is_none());
        w.select_source("imagenet-top1");
        let a = w.anchor().unwrap();
        assert_eq!((a.m, a.error), (1_281_167.0, 0.24));
        w.select_source("bogus");
        assert_eq!(w.source().id(), "imagenet-top1");
    }

    #[test]
    fn serde_round_trip() {
        let mut w = custom("x");
        w.select_source("char-lm");
        let json = serde_json::to_string(&w).unwrap();
        let back: Workspace = serde_json::from_str(&json).unwrap();
        assert_eq!(back, w);
    }
}
