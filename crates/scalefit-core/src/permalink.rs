//! The permalink format, and the only module that knows it (SPEC section 3):
//! `#s=` + base64url (no padding) of a version byte followed by the raw-deflate
//! compressed JSON of [`State`]. Decoding is defensive: the payload and the inflated
//! bytes are capped, and every failure is a [`LinkError`] with a sentence for the
//! user, never a panic and never a partial state.
//!
//! Versions:
//! * 1: `[1] ++ deflate(json)`.
//! * 2 (written since 0.2): `[2] ++ deflate(json) ++ adler32(json)` (4 bytes, big
//!   endian, as in zlib's trailer). Without the checksum, a character changed in
//!   transit could inflate to another valid state (one digit of the data changed);
//!   with it such a link is refused. A reader that ignores bytes after the deflate
//!   stream (Python's `zlib.decompress(b, -15)`, Node's `inflateRawSync`) still reads
//!   the JSON of a version-2 link.
//! * 3 (written since the family view): the layout of version 2; the state may hold
//!   `family` and `sweep`. A version-1 or -2 link with either field is refused (a
//!   [`LinkError::Schema`]): no Scalefit wrote them, so such a link was made by hand
//!   or altered, and reading it would show a view its version cannot describe.
//! * 4 (written since 2026-12-04): `[4] ++ deflate(json) ++ crc32([4] ++
//!   deflate(json))` (4 bytes, big endian; the CRC-32 of zlib and gzip), checked before
//!   inflating. Adler-32 of the JSON let some changes through: a changed character
//!   can make the deflate stream copy other digits of the same sums (a version-3 link
//!   whose sweep budget changed in four digits decoded with a matching Adler-32). A
//!   CRC of the bytes the link carries catches every change of one character (6
//!   bits) and every burst of up to 32 bits, and any other change but for 1 in 2^32.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::model::{Loss, ModelChoice};
use crate::parse::{Columns, Metric, Scale};

/// Current format version (the first byte of the decoded payload).
pub const VERSION: u8 = 4;
/// Longest payload accepted, in base64 characters (about 48 KB of compressed state).
pub const MAX_PAYLOAD: usize = 65_536;
/// Largest inflated state accepted (a deflate bomb stops here).
pub const MAX_INFLATED: usize = 1 << 20;
/// Links longer than this are cut by some chat tools and mail clients; the app warns
/// and offers a file export instead.
pub const SHAREABLE_LEN: usize = 2_000;

/// The user's current work anchored for a preset's relative projection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    /// Current training-set size.
    #[serde(deserialize_with = "exact::f64")]
    pub m: f64,
    /// Current error (in the metric's units, as the user typed it).
    #[serde(deserialize_with = "exact::f64")]
    pub error: f64,
    /// Current model size, if known.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "exact::option"
    )]
    pub model_size: Option<f64>,
}

/// Everything a permalink carries: the data as typed and every setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// The text in the data box, verbatim.
    #[serde(default)]
    pub text: String,
    /// Column mapping; `None` detects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Columns>,
    /// Series kept when the data hold several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Error or accuracy.
    #[serde(default)]
    pub metric: Metric,
    /// Fraction or percent.
    #[serde(default)]
    pub scale: Scale,
    /// Form or auto.
    #[serde(default)]
    pub model: ModelChoice,
    /// Loss.
    #[serde(default)]
    pub loss: Loss,
    /// Target, in the metric's units (an accuracy when the metric is accuracy).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "exact::option"
    )]
    pub target: Option<f64>,
    /// Bootstrap resamples.
    #[serde(default = "default_bootstrap")]
    pub bootstrap: u32,
    /// Bootstrap seed.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Preset id, or `None` for the user's own data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Parameters held by the user.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "exact::pairs"
    )]
    pub fixed: Vec<(String, f64)>,
    /// Anchor of the relative projection of a preset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
    /// Several series drawn and compared together (version 3). `None` in links of
    /// versions 1 and 2, which show the one series `group` names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<crate::family::FamilyView>,
    /// Settings of a sweep's joint law and compute (version 3); `None`: defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<crate::sweep::SweepView>,
}

/// Reading the state's numbers back bit for bit. serde_json writes the shortest decimal
/// that parses back to the same `f64`, but its reader is exact only with its
/// `float_roundtrip` feature, whose tables cost about 9 KB of the page's gzip; these
/// take each number's text and parse it with the correctly rounded [`crate::num::parse_f64`]
/// instead (the data parser's).
pub(crate) mod exact {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer};
    use serde_json::value::RawValue;

    fn parse<E: Error>(raw: &RawValue) -> Result<f64, E> {
        match crate::num::parse_f64(raw.get()) {
            Some(v) if v.is_finite() => Ok(v),
            Some(_) => Err(E::custom(format_args!(
                "number out of range: {}",
                raw.get()
            ))),
            None => Err(E::custom(format_args!(
                "invalid type: {}, expected a number",
                raw.get()
            ))),
        }
    }

    pub(crate) fn f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        parse(&Box::<RawValue>::deserialize(d)?)
    }

    pub(crate) fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        if raw.get() == "null" {
            return Ok(None);
        }
        parse(&raw).map(Some)
    }

    pub(super) fn pairs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, f64)>, D::Error> {
        #[derive(Deserialize)]
        struct Pair(String, #[serde(deserialize_with = "f64")] f64);
        let pairs = Vec::<Pair>::deserialize(d)?;
        Ok(pairs.into_iter().map(|Pair(name, v)| (name, v)).collect())
    }
}

fn default_bootstrap() -> u32 {
    1000
}

fn default_seed() -> u64 {
    1
}

impl Default for State {
    fn default() -> Self {
        State {
            text: String::new(),
            columns: None,
            group: None,
            metric: Metric::Error,
            scale: Scale::Auto,
            model: ModelChoice::Auto,
            loss: Loss::Log,
            target: None,
            bootstrap: default_bootstrap(),
            seed: default_seed(),
            preset: None,
            fixed: Vec::new(),
            anchor: None,
            family: None,
            sweep: None,
        }
    }
}

/// Why a link could not be opened. Messages say what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Nothing after `#s=`.
    #[error("the link holds no data (nothing after #s=)")]
    Empty,
    /// Payload over [`MAX_PAYLOAD`].
    #[error("the link is too long ({len} characters, at most {max}); it was not opened")]
    TooLong {
        /// Payload length.
        len: usize,
        /// Cap.
        max: usize,
    },
    /// Not base64url.
    #[error("the link is damaged (not valid base64url): copy it again in full")]
    Base64,
    /// Made by a newer Scalefit.
    #[error("the link was made by a newer Scalefit (format version {0}; this page reads up to {VERSION}): reload the page")]
    FutureVersion(u8),
    /// Version byte 0 or otherwise never issued.
    #[error("the link has an unknown format version ({0})")]
    UnknownVersion(u8),
    /// Deflate stream broken or truncated.
    #[error("the link is truncated or corrupted: copy it again in full")]
    Corrupt,
    /// The checksum does not match: characters were changed, or (version 4, whose
    /// bytes are checked before they are inflated) cut off.
    #[error("the link is corrupted (its checksum does not match: characters were changed or cut off): copy it again in full")]
    Checksum,
    /// Inflated state over [`MAX_INFLATED`].
    #[error("the link expands to more than {} KB; it was not opened", MAX_INFLATED / 1024)]
    TooLarge,
    /// Inflated bytes are not a valid state.
    #[error("the link's contents are not a Scalefit state ({0})")]
    Schema(String),
}

/// Encodes a state as the payload that follows `#s=`.
pub fn encode(state: &State) -> String {
    let json = json_of(state);
    payload(&miniz_oxide::deflate::compress_to_vec(&json, 9))
}

/// The JSON of a state, as a payload carries it (deflated).
pub fn json_of(state: &State) -> Vec<u8> {
    // Serializing a plain struct of strings and numbers cannot fail; fall back to an
    // empty object rather than panic if it ever did.
    serde_json::to_vec(state).unwrap_or_else(|_| b"{}".to_vec())
}

/// The payload of a state given the raw deflate stream of its JSON (RFC 1951) made by
/// any compressor: [`encode`] uses miniz_oxide, the web page the browser's own
/// `CompressionStream` (so the page ships no compressor). Links of the same state may
/// differ in bytes between compressors; they decode to the same state.
/// The checksum is of the link's own bytes (version 4), so the JSON is not needed.
pub fn payload(deflated: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(deflated.len() + 5);
    bytes.push(VERSION);
    bytes.extend_from_slice(deflated);
    let sum = crc32(&bytes);
    bytes.extend(sum.to_be_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes a payload (what follows `#s=`). See [`LinkError`] for failures.
///
/// This is [`unpack`], then miniz_oxide's inflater, then [`finish`]; the web page runs
/// the same two steps around the browser's `DecompressionStream` instead, so it ships
/// no inflater of its own.
///
/// # Errors
/// [`LinkError`] for an empty, too long, non-base64, unknown-version, corrupted,
/// oversize or schema-mismatched payload.
pub fn decode(payload: &str) -> Result<State, LinkError> {
    let unpacked = unpack(payload)?;
    finish(
        unpacked.version,
        unpacked.checksum,
        inflate(&unpacked.deflated),
    )
}

/// A payload taken apart (see [`unpack`]): what is left to inflate, and what to check
/// the inflated JSON against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpacked {
    /// The format version (the payload's first byte).
    pub version: u8,
    /// The raw deflate stream (RFC 1951) of the state's JSON.
    pub deflated: Vec<u8>,
    /// The Adler-32 of the JSON that a version-2 or -3 link carries; `None` for
    /// version 1, and for version 4, whose CRC-32 [`unpack`] has checked.
    pub checksum: Option<u32>,
}

/// Why a raw deflate stream gave no JSON, whoever inflated it (miniz_oxide in
/// [`decode`], the browser in the page). [`finish`] turns it into a [`LinkError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InflateError {
    /// The stream is broken or truncated ([`LinkError::Corrupt`]).
    Corrupt,
    /// It expands to more than [`MAX_INFLATED`] bytes ([`LinkError::TooLarge`]).
    TooLarge,
}

impl From<InflateError> for LinkError {
    fn from(e: InflateError) -> Self {
        match e {
            InflateError::Corrupt => LinkError::Corrupt,
            InflateError::TooLarge => LinkError::TooLarge,
        }
    }
}

/// The first step of [`decode`], everything before inflating: the caps, base64, the
/// version byte, the checksum at the end (versions 2 to 4) and version 4's check of it.
///
/// # Errors
/// [`LinkError::Empty`], [`LinkError::TooLong`], [`LinkError::Base64`],
/// [`LinkError::FutureVersion`], [`LinkError::UnknownVersion`],
/// [`LinkError::Corrupt`] when no deflate stream can be there, or
/// [`LinkError::Checksum`] for a version-4 link whose bytes were changed.
pub fn unpack(payload: &str) -> Result<Unpacked, LinkError> {
    let payload = payload.trim();
    if payload.is_empty() {
        return Err(LinkError::Empty);
    }
    if payload.len() > MAX_PAYLOAD {
        return Err(LinkError::TooLong {
            len: payload.len(),
            max: MAX_PAYLOAD,
        });
    }
    // Tolerate the padding some tools add back.
    let mut bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| LinkError::Base64)?;
    let &version = bytes.first().ok_or(LinkError::Corrupt)?;
    match version {
        1 => {
            bytes.remove(0);
            Ok(Unpacked {
                version,
                deflated: bytes,
                checksum: None,
            })
        }
        2..=4 => {
            // The version byte, then at least nothing, then the four checksum bytes.
            let split = bytes
                .len()
                .checked_sub(4)
                .filter(|&at| at >= 1)
                .ok_or(LinkError::Corrupt)?;
            let sum = bytes.split_off(split);
            let checksum = <[u8; 4]>::try_from(sum.as_slice())
                .map(u32::from_be_bytes)
                .map_err(|_| LinkError::Corrupt)?;
            let checksum = if version == 4 {
                if checksum != crc32(&bytes) {
                    return Err(LinkError::Checksum);
                }
                None
            } else {
                Some(checksum)
            };
            bytes.remove(0);
            Ok(Unpacked {
                version,
                deflated: bytes,
                checksum,
            })
        }
        v if v > VERSION => Err(LinkError::FutureVersion(v)),
        v => Err(LinkError::UnknownVersion(v)),
    }
}

/// The last step of [`decode`]: the state in `inflated`, the JSON that the deflate
/// stream of an [`Unpacked`] link inflated to (or why it did not), checked against
/// the link's `checksum` if it has one, and held to what its `version` can carry.
///
/// # Errors
/// [`LinkError::Corrupt`] or [`LinkError::TooLarge`] from the inflater,
/// [`LinkError::Checksum`], or [`LinkError::Schema`] (also for `family` or `sweep`
/// in a link older than version 3).
pub fn finish(
    version: u8,
    checksum: Option<u32>,
    inflated: Result<Vec<u8>, InflateError>,
) -> Result<State, LinkError> {
    let json = inflated?;
    if checksum.is_some_and(|sum| sum != adler32(&json)) {
        return Err(LinkError::Checksum);
    }
    let state = state_of(&json)?;
    if version < 3 {
        for (field, present) in [
            ("family", state.family.is_some()),
            ("sweep", state.sweep.is_some()),
        ] {
            if present {
                return Err(LinkError::Schema(format!(
                    "`{field}` is a version-3 field, in a version-{version} link"
                )));
            }
        }
    }
    Ok(state)
}

/// CRC-32 (IEEE 802.3, reflected, as zlib's `crc32` and gzip's trailer), bit by bit:
/// a link is at most 48 KB, and a table-driven crate would add its 1 to 16 KB of
/// tables to the page for speed it does not need.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let mut a = adler2::Adler32::new();
    a.write_slice(bytes);
    a.checksum()
}

/// Inflates at most [`MAX_INFLATED`] bytes of a raw deflate stream.
fn inflate(deflated: &[u8]) -> Result<Vec<u8>, InflateError> {
    miniz_oxide::inflate::decompress_to_vec_with_limit(deflated, MAX_INFLATED).map_err(|e| match e
        .status
    {
        miniz_oxide::inflate::TINFLStatus::HasMoreOutput => InflateError::TooLarge,
        _ => InflateError::Corrupt,
    })
}

/// The state in a JSON document, which must be an object (serde would also take a
/// struct from an array of its fields in order).
fn state_of(json: &[u8]) -> Result<State, LinkError> {
    if json.trim_ascii_start().first() != Some(&b'{') {
        return Err(LinkError::Schema("expected a JSON object".into()));
    }
    serde_json::from_slice(json).map_err(|e| LinkError::Schema(e.to_string()))
}

/// The payload of a full URL or fragment: what follows `#s=` (or `s=` in a fragment
/// with other keys), `None` when there is none.
pub fn payload_of(url: &str) -> Option<&str> {
    let frag = url.split_once('#').map_or(url, |(_, f)| f);
    frag.split('&').find_map(|kv| kv.strip_prefix("s="))
}

/// A full permalink: `base` without its fragment, then `#s=` and the payload.
pub fn link(base: &str, state: &State) -> String {
    link_to(base, &encode(state))
}

/// The permalink of `payload` (see [`payload`]) on the page at `base` (its fragment
/// dropped).
pub fn link_to(base: &str, payload: &str) -> String {
    let base = base.split_once('#').map_or(base, |(b, _)| b);
    format!("{base}#s={payload}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn sample() -> State {
        State {
            text: "m,err\n1000,0.5\n2000,0.4\n".into(),
            target: Some(0.1 + 0.2),
            seed: u64::MAX,
            fixed: vec![("gamma".into(), 1e-300)],
            ..State::default()
        }
    }

    #[test]
    fn round_trip_is_exact() {
        let s = sample();
        let back = decode(&encode(&s)).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.target.unwrap().to_bits(), (0.1f64 + 0.2).to_bits());
    }

    #[test]
    fn any_deflate_stream_makes_the_same_link_state() {
        // The page deflates with the browser's compressor, not miniz at level 9: what
        // matters is that any valid raw deflate stream of the JSON decodes exactly.
        let s = sample();
        let json = json_of(&s);
        for level in [0, 1, 6] {
            let p = payload(&miniz_oxide::deflate::compress_to_vec(&json, level));
            assert_eq!(decode(&p).unwrap(), s, "level {level}");
            assert_eq!(
                link_to("https://h/p/#old", &p),
                format!("https://h/p/#s={p}")
            );
        }
        assert_eq!(
            link("https://h/p/", &s),
            format!("https://h/p/#s={}", encode(&s))
        );
    }

    /// Version 4's CRC-32 is of the bytes the link carries: every single bit flipped
    /// after the version byte (in the deflate stream or the checksum) is refused as a
    /// changed link, before anything is inflated.
    #[test]
    fn every_flipped_bit_is_a_checksum_error() {
        let bytes = URL_SAFE_NO_PAD.decode(encode(&sample())).unwrap();
        assert_eq!(bytes[0], 4);
        for bit in 8..bytes.len() * 8 {
            let mut b = bytes.clone();
            b[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(
                decode(&URL_SAFE_NO_PAD.encode(&b)),
                Err(LinkError::Checksum),
                "bit {bit}"
            );
        }
    }

    /// The CRC-32 of zlib, gzip and PNG (the standard check value, and an empty input).
    #[test]
    fn crc32_is_the_standard_one() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    #[test]
    fn failures_are_typed() {
        let good = encode(&sample());
        let cases: Vec<(String, LinkError)> = vec![
            (String::new(), LinkError::Empty),
            ("!!!!".into(), LinkError::Base64),
            // Cut: version 4 checks its CRC before inflating.
            (
                good[..4 * (good.len() / 8)].to_string(),
                LinkError::Checksum,
            ),
            (
                URL_SAFE_NO_PAD.encode([9u8, 1, 2]),
                LinkError::FutureVersion(9),
            ),
            (
                URL_SAFE_NO_PAD.encode([0u8, 1, 2]),
                LinkError::UnknownVersion(0),
            ),
            (
                "A".repeat(MAX_PAYLOAD + 1),
                LinkError::TooLong {
                    len: MAX_PAYLOAD + 1,
                    max: MAX_PAYLOAD,
                },
            ),
        ];
        for (payload, want) in cases {
            assert_eq!(decode(&payload).unwrap_err(), want, "{payload:.40}");
        }
        let mut bomb = vec![1u8];
        bomb.extend(miniz_oxide::deflate::compress_to_vec(
            &vec![b' '; 4 << 20],
            9,
        ));
        assert_eq!(
            decode(&URL_SAFE_NO_PAD.encode(bomb)).unwrap_err(),
            LinkError::TooLarge
        );
        let mut wrong = vec![1u8];
        wrong.extend(miniz_oxide::deflate::compress_to_vec(br#"{"text": 5}"#, 9));
        assert!(matches!(
            decode(&URL_SAFE_NO_PAD.encode(wrong)),
            Err(LinkError::Schema(_))
        ));
    }

    /// A version-2 link whose deflate stream still inflates after a change (here: the
    /// stored block of an uncompressed state, one digit altered) is refused by its
    /// checksum; the same bytes without a checksum (version 1) open as another state.
    #[test]
    fn checksum_catches_changed_data() {
        let json = br#"{"text":"1000,0.5"}"#;
        let stored = miniz_oxide::deflate::compress_to_vec(json, 0);
        let mut v2 = vec![2u8];
        v2.extend(&stored);
        v2.extend(adler32(json).to_be_bytes());
        assert_eq!(
            decode(&URL_SAFE_NO_PAD.encode(&v2)).unwrap().text,
            "1000,0.5"
        );
        let at = v2.iter().position(|&b| b == b'5').unwrap();
        v2[at] = b'7';
        assert_eq!(
            decode(&URL_SAFE_NO_PAD.encode(&v2)).unwrap_err(),
            LinkError::Checksum
        );
        let mut v1 = vec![1u8];
        v1.extend(&v2[1..v2.len() - 4]);
        assert_eq!(
            decode(&URL_SAFE_NO_PAD.encode(&v1)).unwrap().text,
            "1000,0.7"
        );
    }

    #[test]
    fn a_json_array_is_not_a_state() {
        let json = br#"["1000,0.5"]"#;
        let mut v2 = vec![2u8];
        v2.extend(miniz_oxide::deflate::compress_to_vec(json, 9));
        v2.extend(adler32(json).to_be_bytes());
        assert!(matches!(
            decode(&URL_SAFE_NO_PAD.encode(&v2)),
            Err(LinkError::Schema(_))
        ));
    }

    /// The two steps the page runs around the browser's inflater give what [`decode`]
    /// gives, for every version, good links and bad.
    #[test]
    fn unpack_then_finish_is_decode() {
        let s = sample();
        let json = json_of(&s);
        let deflated = miniz_oxide::deflate::compress_to_vec(&json, 9);
        let mut v1 = vec![1u8];
        v1.extend(&deflated);
        let v1 = URL_SAFE_NO_PAD.encode(v1);
        let mut v2 = vec![2u8];
        v2.extend(&deflated);
        v2.extend(adler32(&json).to_be_bytes());
        let v2 = URL_SAFE_NO_PAD.encode(v2);
        let v4 = encode(&s);

        let u = unpack(&v1).unwrap();
        assert_eq!(u.deflated, deflated);
        assert_eq!(u.checksum, None);
        let u = unpack(&v2).unwrap();
        assert_eq!(u.deflated, deflated);
        assert_eq!(u.checksum, Some(adler32(&json)));
        let u = unpack(&v4).unwrap();
        assert_eq!((u.version, u.checksum), (4, None));
        assert_eq!(u.deflated, deflated);

        let mut bomb = vec![1u8];
        bomb.extend(miniz_oxide::deflate::compress_to_vec(
            &vec![b' '; 4 << 20],
            9,
        ));
        let good = encode(&sample());
        let payloads = [
            v1.clone(),
            v2.clone(),
            v4.clone(),
            format!("  {v2}==\n"),
            format!("  {v4}==\n"),
            format!("{}A", &v4[..v4.len() - 1]),
            String::new(),
            "!!!!".into(),
            good[..4 * (good.len() / 8)].to_string(),
            URL_SAFE_NO_PAD.encode([2u8]),
            URL_SAFE_NO_PAD.encode([2u8, 1, 2, 3]),
            URL_SAFE_NO_PAD.encode([2u8, 1, 2, 3, 4]),
            URL_SAFE_NO_PAD.encode([4u8, 1, 2, 3, 4]),
            URL_SAFE_NO_PAD.encode([1u8]),
            URL_SAFE_NO_PAD.encode([9u8, 1, 2]),
            URL_SAFE_NO_PAD.encode([0u8, 1, 2]),
            URL_SAFE_NO_PAD.encode(bomb),
            "A".repeat(MAX_PAYLOAD + 1),
        ];
        for p in payloads {
            let split =
                unpack(&p).and_then(|u| finish(u.version, u.checksum, inflate(&u.deflated)));
            assert_eq!(split, decode(&p), "{p:.40}");
        }
        assert_eq!(decode(&v1).unwrap(), s);
    }

    #[test]
    fn finish_checks_what_the_inflater_gave() {
        let json = json_of(&sample());
        let sum = adler32(&json);
        assert_eq!(finish(3, Some(sum), Ok(json.clone())).unwrap(), sample());
        assert_eq!(finish(1, None, Ok(json.clone())).unwrap(), sample());
        assert_eq!(
            finish(3, Some(sum ^ 1), Ok(json.clone())),
            Err(LinkError::Checksum)
        );
        assert_eq!(
            finish(3, Some(sum), Err(InflateError::Corrupt)),
            Err(LinkError::Corrupt)
        );
        assert_eq!(
            finish(1, None, Err(InflateError::TooLarge)),
            Err(LinkError::TooLarge)
        );
        // The checksum is checked before the schema, as in `decode`.
        let array = b"[1]".to_vec();
        assert_eq!(
            finish(3, Some(sum), Ok(array.clone())),
            Err(LinkError::Checksum)
        );
        assert!(matches!(
            finish(3, Some(adler32(&array)), Ok(array)),
            Err(LinkError::Schema(_))
        ));
    }

    /// `family` and `sweep` open from version 3 on; older links with them are refused.
    #[test]
    fn version_3_fields_need_version_3() {
        let s = State {
            family: Some(crate::family::FamilyView {
                hidden: vec!["Dec-only".into()],
                shared: crate::family::Shared::BetaGGamma,
            }),
            ..sample()
        };
        let json = json_of(&s);
        let deflated = miniz_oxide::deflate::compress_to_vec(&json, 9);
        assert_eq!(decode(&encode(&s)).unwrap(), s);
        assert_eq!(URL_SAFE_NO_PAD.decode(encode(&s)).unwrap()[0], VERSION);
        for version in [1u8, 2] {
            let mut bytes = vec![version];
            bytes.extend(&deflated);
            if version == 2 {
                bytes.extend(adler32(&json).to_be_bytes());
            }
            let e = decode(&URL_SAFE_NO_PAD.encode(bytes)).unwrap_err();
            assert_eq!(
                e,
                LinkError::Schema(format!(
                    "`family` is a version-3 field, in a version-{version} link"
                ))
            );
        }
    }

    #[test]
    fn urls() {
        let s = sample();
        let l = link("https://x.org/app/?q=1#old", &s);
        assert!(l.starts_with("https://x.org/app/?q=1#s="));
        assert_eq!(decode(payload_of(&l).unwrap()).unwrap(), s);
        assert_eq!(payload_of("https://x.org/"), None);
    }
}
