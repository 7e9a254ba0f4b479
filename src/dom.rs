//! Thin, failure-tolerant wrappers over the browser APIs the app uses: clock, URL and
//! history, clipboard, downloads, files, colour scheme and canvas sizes. Every call
//! returns an `Option`/`Result` instead of throwing, so a missing API degrades a
//! feature, never the page.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::markup::Html;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The target of event `e` as a `T` (an input, an element), `None` when it is not one.
pub fn target<T: JsCast>(e: &web_sys::Event) -> Option<T> {
    e.target()?.dyn_into().ok()
}

/// Milliseconds from `performance.now()` (wasm has no `Instant`), 0 without it.
pub fn now_ms() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The page's URL without its fragment.
pub fn url_without_hash() -> Option<String> {
    let href = window()?.location().href().ok()?;
    Some(
        href.split_once('#')
            .map_or(href.clone(), |(b, _)| b.to_string()),
    )
}

/// The fragment, including `#`, or empty.
pub fn hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Replaces the address bar's URL without reloading or adding history.
pub fn replace_url(url: &str) -> bool {
    window().and_then(|w| w.history().ok()).is_some_and(|h| {
        h.replace_state_with_url(&JsValue::NULL, "", Some(url))
            .is_ok()
    })
}

/// Writes `text` to the clipboard; `done(true)` on success. A denied permission or a
/// missing API is reported as `false`, never as an uncaught rejection.
pub fn copy_text(text: &str, done: impl FnOnce(bool) + 'static) {
    let Some(w) = window() else {
        done(false);
        return;
    };
    let clip = w.navigator().clipboard();
    // `navigator.clipboard` is undefined on insecure origins.
    if JsValue::from(clip.clone()).is_undefined() {
        done(false);
        return;
    }
    let promise = clip.write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        done(JsFuture::from(promise).await.is_ok());
    });
}

/// Offers `content` as a file download.
pub fn download_text(filename: &str, mime: &str, content: &str) -> bool {
    let parts = js_sys::Array::of1(&JsValue::from_str(content));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let ok = download_url(filename, &url);
    // Revoke after the click has been handled.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 1000);
    }
    ok
}

/// Offers a URL (object or data URL) as a download named `filename`.
pub fn download_url(filename: &str, url: &str) -> bool {
    let Some(doc) = window().and_then(|w| w.document()) else {
        return false;
    };
    let Some(a) = doc
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return false;
    };
    a.set_href(url);
    a.set_download(filename);
    a.click();
    true
}

/// Reads a file's text; `done` gets the text or a sentence.
pub fn read_file(file: web_sys::File, done: impl FnOnce(Result<String, String>) + 'static) {
    let name = file.name();
    let promise = file.text();
    wasm_bindgen_futures::spawn_local(async move {
        let r = JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| format!("could not read \"{name}\" as text"));
        done(r);
    });
}

/// `window.devicePixelRatio`, 1 without it.
pub fn device_pixel_ratio() -> f64 {
    window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1.0)
}

fn dark_query() -> Option<web_sys::MediaQueryList> {
    window()?
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
}

/// Whether the system asks for a dark theme.
pub fn prefers_dark() -> bool {
    dark_query().is_some_and(|q| q.matches())
}

/// Calls `f` with the new preference whenever the system colour scheme changes.
pub fn on_scheme_change(f: impl Fn(bool) + 'static) {
    if let Some(q) = dark_query() {
        let cb = Closure::<dyn Fn()>::new(move || f(prefers_dark()));
        let _ = q.add_event_listener_with_callback("change", cb.as_ref().unchecked_ref());
        // The listener lives as long as the page.
        cb.forget();
    }
}

/// Sets an attribute on `<html>` (the theme).
pub fn set_root_attribute(name: &str, value: &str) {
    if let Some(root) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute(name, value);
    }
}

/// Calls `f` on `pagehide` and when the page becomes hidden: the last chance to save.
pub fn on_page_hide(f: impl Fn() + 'static) {
    let Some(w) = window() else { return };
    let f = std::rc::Rc::new(f);
    let g = f.clone();
    let hide = Closure::<dyn Fn()>::new(move || g());
    let _ = w.add_event_listener_with_callback("pagehide", hide.as_ref().unchecked_ref());
    hide.forget();
    if let Some(doc) = w.document() {
        let d = doc.clone();
        let vis = Closure::<dyn Fn()>::new(move || {
            if d.visibility_state() == web_sys::VisibilityState::Hidden {
                f();
            }
        });
        let _ =
            doc.add_event_listener_with_callback("visibilitychange", vis.as_ref().unchecked_ref());
        vis.forget();
    }
}

/// Calls `f` when the fragment changes without a reload (a link pasted into the
/// address bar of a tab already showing the page).
pub fn on_hash_change(f: impl Fn() + 'static) {
    let Some(w) = window() else { return };
    let cb = Closure::<dyn Fn()>::new(f);
    let _ = w.add_event_listener_with_callback("hashchange", cb.as_ref().unchecked_ref());
    cb.forget();
}

/// Calls `f` when the window is resized (and so when the pixel ratio changes by zoom).
pub fn on_resize(f: impl Fn() + 'static) {
    let Some(w) = window() else { return };
    let cb = Closure::<dyn Fn()>::new(f);
    let _ = w.add_event_listener_with_callback("resize", cb.as_ref().unchecked_ref());
    cb.forget();
}

/// A new `name(format)` stream (`CompressionStream`, `DecompressionStream`), `None`
/// where the browser lacks it or the format. web-sys lists both as unstable, so they
/// are looked up and constructed by name.
fn codec_stream(name: &str, format: &str) -> Option<JsValue> {
    let ctor: js_sys::Function = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()?;
    js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(&JsValue::from_str(format))).ok()
}

/// Calls method `name` of `this` with `args`; `None` when it is missing or throws.
fn call(this: &JsValue, name: &str, args: &[&JsValue]) -> Option<JsValue> {
    let f: js_sys::Function = js_sys::Reflect::get(this, &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()?;
    let args: js_sys::Array = args.iter().copied().collect();
    js_sys::Reflect::apply(&f, this, &args).ok()
}

/// Awaits the promise method `name` of `this` returns: its value, `None` when it is
/// missing, throws or rejects. Every promise the streams code makes is awaited here,
/// so none can reject unhandled (a console error).
async fn call_await(this: &JsValue, name: &str, args: &[&JsValue]) -> Option<JsValue> {
    let promise: js_sys::Promise = call(this, name, args)?.dyn_into().ok()?;
    JsFuture::from(promise).await.ok()
}

/// Raw deflate (RFC 1951) of `bytes` by the browser's `CompressionStream("deflate-raw")`
/// (every current browser has it), so the page ships no compressor of its own; `None`
/// where it is missing or fails.
pub async fn deflate_raw(bytes: &[u8]) -> Option<Vec<u8>> {
    let compressor = codec_stream("CompressionStream", "deflate-raw")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
    // A CompressionStream is a {readable, writable} pair.
    let deflated = blob
        .stream()
        .pipe_through(compressor.unchecked_ref::<web_sys::ReadableWritablePair>());
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&deflated)).ok()?;
    let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Why [`inflate_raw`] gave nothing (the permalink's own type, so the decoder's
/// messages apply).
pub use scalefit_core::permalink::InflateError;

/// Input fed to the inflater at a time: deflate expands at most about 1032 times, so
/// one piece makes at most about 1 MB, however the browser buffers its output.
const INFLATE_FEED: usize = 1024;

/// Inflates the raw deflate stream `bytes` with the browser's
/// `DecompressionStream("deflate-raw")`, so the page ships no inflater of its own.
/// The output is read chunk by chunk and the read stops (the stream is cancelled) as
/// soon as more than `limit` bytes came out: a deflate bomb costs about `limit`, not
/// what it would expand to.
///
/// # Errors
/// [`InflateError::TooLarge`] past `limit`; [`InflateError::Corrupt`] for a broken,
/// truncated or trailing-junk stream, and where the browser has no such stream.
pub async fn inflate_raw(bytes: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
    let inflater =
        codec_stream("DecompressionStream", "deflate-raw").ok_or(InflateError::Corrupt)?;
    let get = |name: &str| js_sys::Reflect::get(&inflater, &JsValue::from_str(name)).ok();
    let writable = get("writable").ok_or(InflateError::Corrupt)?;
    let readable: web_sys::ReadableStream = get("readable")
        .and_then(|r| r.dyn_into().ok())
        .ok_or(InflateError::Corrupt)?;
    let writer = call(&writable, "getWriter", &[]).ok_or(InflateError::Corrupt)?;
    let reader: JsValue = readable.get_reader().into();

    // The input goes in by pieces, each written once the stream has taken the one
    // before (it takes them as the output is read), then the stream is closed. A
    // write fails once the reader below cancels or the stream errors: then it stops.
    let pieces: Vec<JsValue> = bytes
        .chunks(INFLATE_FEED)
        .map(|piece| js_sys::Uint8Array::from(piece).into())
        .collect();
    wasm_bindgen_futures::spawn_local(async move {
        for piece in pieces {
            if call_await(&writer, "write", &[&piece]).await.is_none() {
                return;
            }
        }
        let _ = call_await(&writer, "close", &[]).await;
    });

    let mut out = Vec::new();
    loop {
        // A read rejects when the stream errors: broken or truncated data.
        let Some(step) = call_await(&reader, "read", &[]).await else {
            return Err(InflateError::Corrupt);
        };
        let field = |name: &str| js_sys::Reflect::get(&step, &JsValue::from_str(name)).ok();
        let chunk = match field("done").and_then(|d| d.as_bool()) {
            Some(true) => return Ok(out),
            Some(false) => field("value").and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok()),
            None => None,
        };
        let error = match chunk {
            Some(c) if out.len().saturating_add(c.length() as usize) <= limit => {
                out.extend_from_slice(&c.to_vec());
                continue;
            }
            Some(_) => InflateError::TooLarge,
            None => InflateError::Corrupt,
        };
        let _ = call_await(&reader, "cancel", &[]).await;
        return Err(error);
    }
}

fn element(id: &str) -> Option<web_sys::Element> {
    window()?.document()?.get_element_by_id(id)
}

/// The `value` of form control `id` (input, select, textarea), if it exists.
pub fn value(id: &str) -> Option<String> {
    let el = element(id)?;
    js_sys::Reflect::get(&el, &"value".into()).ok()?.as_string()
}

/// Sets the `value` of form control `id`.
pub fn set_value(id: &str, v: &str) {
    if let Some(el) = element(id) {
        let _ = js_sys::Reflect::set(&el, &"value".into(), &v.into());
    }
}

/// Sets the HTML inside element `id`: only an [`Html`], so its text was escaped.
pub fn set_html(id: &str, html: &Html) {
    if let Some(el) = element(id) {
        el.set_inner_html(html.as_str());
    }
}

/// Sets the text of element `id` (if it differs: no needless DOM writes).
pub fn set_text(id: &str, text: &str) {
    if let Some(el) = element(id) {
        if el.text_content().as_deref() != Some(text) {
            el.set_text_content(Some(text));
        }
    }
}

/// Adds or removes a class of element `id`.
pub fn set_class(id: &str, class: &str, on: bool) {
    if let Some(el) = element(id) {
        let _ = el.class_list().toggle_with_force(class, on);
    }
}

/// Sets (or with `None` removes) an attribute of element `id`.
pub fn set_attr(id: &str, name: &str, value: Option<&str>) {
    if let Some(el) = element(id) {
        let _ = match value {
            Some(v) => el.set_attribute(name, v),
            None => el.remove_attribute(name),
        };
    }
}
