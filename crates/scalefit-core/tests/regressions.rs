#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use scalefit_core::permalink::*;

#[test]
fn scratch_boundary() {
    for extra in [-1i64, 0, 1] {
        let base = serde_json::to_vec(&State::default()).unwrap().len() as i64;
        // text field: {"text":"xxx",...}; grow text until json len == MAX_INFLATED + extra
        let mut s = State::default();
        let need = MAX_INFLATED as i64 + extra - base;
        s.text = "x".repeat(need as usize);
        let json = serde_json::to_vec(&s).unwrap();
        let mut bytes = vec![1u8];
        bytes.extend(miniz_oxide::deflate::compress_to_vec(&json, 9));
        use base64::Engine;
        let p = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        eprintln!("json len {} (max {}), payload {} -> {:?}", json.len(), MAX_INFLATED, p.len(), decode(&p).map(|s| s.text.len()));
    }
}
