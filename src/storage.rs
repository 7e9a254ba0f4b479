//! Autosave in `localStorage`: the workspace (the state as JSON, plus the data kept
//! aside) and the theme. Reading is tolerant: a save from another version that no
//! longer matches still gives back its text, so typed data are never lost.

use serde::Deserialize;

use crate::workspace::Workspace;

/// Only the texts of a save, whatever else it holds.
#[derive(Deserialize)]
struct Texts {
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
struct Rescue {
    state: Option<Texts>,
    custom: Option<Texts>,
}

/// Key of the autosaved workspace.
pub const WORKSPACE_KEY: &str = "scalefit:workspace:v1";
/// Key of the theme choice.
pub const THEME_KEY: &str = "scalefit:theme";

/// The JSON saved for a workspace.
pub fn encode(ws: &Workspace) -> String {
    serde_json::to_string(ws).unwrap_or_default()
}

/// A saved workspace; when it no longer matches the schema, whatever texts it holds
/// are rescued into a fresh one.
pub fn decode(json: &str) -> Option<Workspace> {
    // `from_slice`, like the permalink decoder, so serde_json is instantiated once.
    if let Ok(ws) = serde_json::from_slice::<Workspace>(json.as_bytes()) {
        return Some(ws);
    }
    let r: Rescue = serde_json::from_slice(json.as_bytes()).ok()?;
    let mut ws = Workspace::default();
    let state_text = r.state.map(|t| t.text).unwrap_or_default();
    let custom_text = r.custom.map(|t| t.text).unwrap_or_default();
    let text = if state_text.trim().is_empty() {
        custom_text
    } else {
        state_text
    };
    if text.trim().is_empty() {
        return None;
    }
    ws.edit_text(text);
    Some(ws)
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads the saved workspace, if any.
pub fn load() -> Option<Workspace> {
    let json = local_storage()?.get_item(WORKSPACE_KEY).ok().flatten()?;
    decode(&json)
}

/// Saves the workspace.
///
/// # Errors
/// A sentence when storage is unavailable or full.
pub fn save(ws: &Workspace) -> Result<(), String> {
    let s = local_storage()
        .ok_or("local storage is unavailable: your work is not saved in this browser")?;
    s.set_item(WORKSPACE_KEY, &encode(ws)).map_err(|_| {
        "your data are too large to autosave in this browser (local storage is full): export them to keep them".to_string()
    })
}

/// The saved theme choice (`auto`, `light`, `dark`).
pub fn load_theme() -> Option<String> {
    local_storage()?.get_item(THEME_KEY).ok().flatten()
}

/// Saves the theme choice; failures only lose the choice.
pub fn save_theme(v: &str) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(THEME_KEY, v);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rescue() {
        let mut ws = Workspace::default();
        ws.edit_text("1000,0.5\n2000,0.4".into());
        ws.state.target = Some(0.1 + 0.2);
        let back = decode(&encode(&ws)).unwrap();
        assert_eq!(back, ws);
        assert_eq!(
            back.state.target.unwrap().to_bits(),
            (0.1f64 + 0.2).to_bits()
        );
        let future = r#"{"state": {"text": "1,2", "newfield": 3}, "custom": {}}"#;
        assert_eq!(decode(future).unwrap().state.text, "1,2");
        assert!(decode("not json").is_none());
        assert!(decode(r#"{"state": {"text": " ", "x": 1}}"#).is_none());
    }
}
