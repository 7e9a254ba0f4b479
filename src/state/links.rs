//! Permalinks into the workspace: decoded with the browser's inflater (before the app
//! mounts for the link in the URL at load, and on later fragment changes), then opened
//! with the notice that says what happened.

use scalefit_core::permalink::{self, LinkError, State};

use crate::dom;
use crate::state::ctx::Notice;
use crate::storage;
use crate::view_model::{Level, Message};
use crate::workspace::Workspace;

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
pub(crate) fn open_link_in(ws: &mut Workspace, decoded: LinkOutcome) -> (Option<Notice>, bool) {
    match decoded {
        Ok(state) => {
            if ws.state == state {
                return (None, false);
            }
            let note = ws.open_link(state).then(|| {
                Notice::action(Message::new(
                    Level::Info,
                    "Opened a shared link. Your own data were set aside: \"Undo clear\" brings them back.",
                ))
            });
            (note, true)
        }
        Err(e) => (
            Some(Notice::action(Message::new(
                Level::Error,
                format!(
                    "This link could not be opened: {}. Your saved work is unchanged.",
                    e.to_string().trim_end_matches('.')
                ),
            ))),
            false,
        ),
    }
}

/// Loads the autosaved workspace and opens the permalink the URL had at load, if any
/// (`link`, decoded before the app mounted).
pub(crate) fn initial_workspace(link: Option<LinkOutcome>) -> (Workspace, Vec<Notice>, bool) {
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
