//! Bootstraps off the main thread: the page's own wasm, loaded a second time in each
//! web worker of a pool (`assets/worker.js`, `src/js/pool.js`), runs resamples of a
//! state's bootstrap there. A worker is sent the state (its JSON, as a permalink
//! carries it) and a range of resamples; it refits the point fit exactly as the page
//! does (`crate::state::inputs`), once per state, and returns the refits flattened
//! into one `Float64Array` (bit for bit: no text in between), headed by its point
//! fit's parameters so the page can check that both fits are the same before it uses
//! a single resample. Resample `i` depends on `i` only, so the pool's chunks, put
//! back in order, equal the one-shot bootstrap.

use std::cell::RefCell;

use scalefit_core::analysis::{analyze_point, Analysis};
use scalefit_core::permalink::State;
use scalefit_core::session;
use scalefit_core::sweep::joint::joint_bootstrap_samples;
use scalefit_core::sweep::JointParams;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::state::inputs::fit_inputs;
use crate::state::MAX_BOOTSTRAP;
use crate::view_model::family::{family_after, Family};
use crate::view_model::sweep::{sweep_page, SweepPage};
use scalefit_core::family::{bootstrap_draws, Comparison, Draw, DrawValues};

/// The learning curve's bootstrap (and the model-size law's).
pub const CURVE: u32 = 0;
/// A sweep's joint-law bootstrap.
pub const JOINT: u32 = 1;
/// A family's bootstrap within series.
pub const FAMILY: u32 = 2;

thread_local! {
    static CURVE_FIT: RefCell<Option<(String, Analysis)>> = const { RefCell::new(None) };
    static JOINT_FIT: RefCell<Option<(String, SweepPage)>> = const { RefCell::new(None) };
    static FAMILY_FIT: RefCell<Option<(String, Family)>> = const { RefCell::new(None) };
}

/// Runs resamples `start..end` of job `kind` ([`CURVE`], [`JOINT`], [`FAMILY`]) of the state
/// `state` (JSON): the encoded refits ([`encode_curve`], [`encode_joint`]), or an
/// empty array when the state has no such bootstrap.
#[wasm_bindgen]
pub fn worker_run(kind: u32, state: &str, start: usize, end: usize) -> Vec<f64> {
    let range = start..end.max(start);
    match kind {
        CURVE => with_curve(state, |a| {
            encode_curve(
                &a.fit.params,
                &a.bootstrap_chunk(range.clone()),
                &a.size_bootstrap_chunk(range.clone()),
            )
        }),
        JOINT => with_joint(state, |p| {
            let samples =
                joint_bootstrap_samples(&p.sweep, &p.report.joint, &p.options.joint, range.clone());
            encode_joint(&p.report.joint.params, &samples)
        }),
        FAMILY => with_family(state, |f, c| {
            encode_family(
                c.shared_fit.beta_g,
                &bootstrap_draws(&f.members, c, &f.options, range.clone()),
            )
        }),
        _ => None,
    }
    .unwrap_or_default()
}

fn with_curve(state: &str, f: impl FnOnce(&Analysis) -> Vec<f64>) -> Option<Vec<f64>> {
    CURVE_FIT.with(|c| {
        let mut c = c.borrow_mut();
        if c.as_ref().map(|(s, _)| s.as_str()) != Some(state) {
            let s: State = serde_json::from_slice(state.as_bytes()).ok()?;
            let parsed = session::parse_state(&s);
            let fi = fit_inputs(&s, &parsed)?;
            let a = analyze_point(&fi.points, &fi.held_out, &fi.options).ok()?;
            *c = Some((state.to_owned(), a));
        }
        c.as_ref().map(|(_, a)| f(a))
    })
}

fn with_joint(state: &str, f: impl FnOnce(&SweepPage) -> Vec<f64>) -> Option<Vec<f64>> {
    JOINT_FIT.with(|c| {
        let mut c = c.borrow_mut();
        if c.as_ref().map(|(s, _)| s.as_str()) != Some(state) {
            let s: State = serde_json::from_slice(state.as_bytes()).ok()?;
            let parsed = session::parse_state(&s);
            let page = sweep_page(&s, &parsed, MAX_BOOTSTRAP)?.ok()?;
            *c = Some((state.to_owned(), page));
        }
        c.as_ref().map(|(_, p)| f(p))
    })
}

fn with_family(state: &str, f: impl FnOnce(&Family, &Comparison) -> Vec<f64>) -> Option<Vec<f64>> {
    FAMILY_FIT.with(|c| {
        let mut c = c.borrow_mut();
        if c.as_ref().map(|(s, _)| s.as_str()) != Some(state) {
            let s: State = serde_json::from_slice(state.as_bytes()).ok()?;
            let parsed = session::parse_state(&s);
            let fam = family_after(&s, &parsed, None)?.ok()?;
            *c = Some((state.to_owned(), fam));
        }
        let (_, fam) = c.as_ref()?;
        let comparison = fam.comparison.as_ref().ok()?;
        Some(f(fam, comparison))
    })
}

/// `[shared beta_g of the point comparison, n, per draw: flag (0 = failed); for a draw,
/// beta_g, S, own exponents (S), per series P and its parameters (P), R, per ratio
/// flag (0 = none) and value]`.
pub fn encode_family(point: f64, draws: &[Draw]) -> Vec<f64> {
    let mut out = vec![point, draws.len() as f64];
    for d in draws {
        let Some(d) = d else {
            out.push(0.0);
            continue;
        };
        out.extend_from_slice(&[1.0, d.beta_g, d.own.len() as f64]);
        out.extend_from_slice(&d.own);
        for p in &d.params {
            out.push(p.len() as f64);
            out.extend_from_slice(p);
        }
        out.push(d.ratios.len() as f64);
        for r in &d.ratios {
            out.extend_from_slice(&[f64::from(u8::from(r.is_some())), r.unwrap_or(0.0)]);
        }
    }
    out
}

/// Reads [`encode_family`]'s array back, `None` unless well formed and its point
/// comparison's shared exponent is `point`, bit for bit.
pub fn decode_family(out: &[f64], point: f64) -> Option<Vec<Draw>> {
    let mut r = Reader(out);
    if r.take(1)?.first()?.to_bits() != point.to_bits() {
        return None;
    }
    let n = r.count()?;
    let mut draws = Vec::with_capacity(n);
    for _ in 0..n {
        if *r.take(1)?.first()? != 1.0 {
            draws.push(None);
            continue;
        }
        let beta_g = *r.take(1)?.first()?;
        let s = r.count()?;
        let own = r.take(s)?.to_vec();
        let mut params = Vec::with_capacity(s);
        for _ in 0..s {
            let p = r.count()?;
            params.push(r.take(p)?.to_vec());
        }
        let k = r.count()?;
        let mut ratios = Vec::with_capacity(k);
        for _ in 0..k {
            let v = r.take(2)?;
            ratios.push((v[0] == 1.0).then_some(v[1]));
        }
        draws.push(Some(DrawValues {
            beta_g,
            own,
            params,
            ratios,
        }));
    }
    r.0.is_empty().then_some(draws)
}

/// `[P, fit params (P), n, per sample: len (0 = failed) and values, m, per size sample:
/// flag (0 = failed) and sigma, beta_p]`.
pub fn encode_curve(
    fit: &[f64],
    samples: &[Option<Vec<f64>>],
    sizes: &[Option<[f64; 2]>],
) -> Vec<f64> {
    let mut out = Vec::with_capacity(3 + fit.len() + samples.len() * (1 + fit.len()));
    out.push(fit.len() as f64);
    out.extend_from_slice(fit);
    out.push(samples.len() as f64);
    for s in samples {
        match s {
            Some(v) => {
                out.push(v.len() as f64);
                out.extend_from_slice(v);
            }
            None => out.push(0.0),
        }
    }
    out.push(sizes.len() as f64);
    for s in sizes {
        match s {
            Some([a, b]) => out.extend_from_slice(&[1.0, *a, *b]),
            None => out.extend_from_slice(&[0.0, 0.0, 0.0]),
        }
    }
    out
}

/// Refits of the learning curve's bootstrap.
pub type CurveChunk = (Vec<Option<Vec<f64>>>, Vec<Option<[f64; 2]>>);

/// Reads [`encode_curve`]'s array back, `None` unless it is well formed and its point
/// fit is `fit`, bit for bit.
pub fn decode_curve(out: &[f64], fit: &[f64]) -> Option<CurveChunk> {
    let mut r = Reader(out);
    let p = r.count()?;
    let head = r.take(p)?;
    if head.len() != fit.len()
        || head
            .iter()
            .zip(fit)
            .any(|(a, b)| a.to_bits() != b.to_bits())
    {
        return None;
    }
    let n = r.count()?;
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.count()?;
        samples.push(
            (len > 0)
                .then(|| r.take(len).map(<[f64]>::to_vec))
                .flatten(),
        );
        if len > 0 && samples.last().is_some_and(Option::is_none) {
            return None;
        }
    }
    let m = r.count()?;
    let mut sizes = Vec::with_capacity(m);
    for _ in 0..m {
        let v = r.take(3)?;
        sizes.push((v[0] == 1.0).then_some([v[1], v[2]]));
    }
    r.0.is_empty().then_some((samples, sizes))
}

/// `[E, A, alpha, B, beta of the point fit, n, per sample: flag (0 = failed) and its
/// five parameters]`.
pub fn encode_joint(fit: &JointParams, samples: &[Option<JointParams>]) -> Vec<f64> {
    let mut out = Vec::with_capacity(6 + samples.len() * 6);
    out.extend_from_slice(&fit.to_array());
    out.push(samples.len() as f64);
    for s in samples {
        match s {
            Some(p) => {
                out.push(1.0);
                out.extend_from_slice(&p.to_array());
            }
            None => out.extend_from_slice(&[0.0; 6]),
        }
    }
    out
}

/// Reads [`encode_joint`]'s array back, `None` unless well formed and its point fit
/// is `fit`, bit for bit.
pub fn decode_joint(out: &[f64], fit: &JointParams) -> Option<Vec<Option<JointParams>>> {
    let mut r = Reader(out);
    let head = r.take(5)?;
    if head
        .iter()
        .zip(fit.to_array())
        .any(|(a, b)| a.to_bits() != b.to_bits())
    {
        return None;
    }
    let n = r.count()?;
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let v = r.take(6)?;
        samples
            .push((v[0] == 1.0).then(|| JointParams::from_array([v[1], v[2], v[3], v[4], v[5]])));
    }
    r.0.is_empty().then_some(samples)
}

/// Reads an encoded array front to back.
struct Reader<'a>(&'a [f64]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [f64]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn count(&mut self) -> Option<usize> {
        let v = *self.take(1)?.first()?;
        (v >= 0.0 && v.fract() == 0.0 && v <= self.0.len() as f64 * 1e3 + 1e3).then_some(v as usize)
    }
}

/// The range of a job's resamples as the pool hands them out.
pub fn chunk_size(total: usize, workers: usize) -> usize {
    total.div_ceil(workers.max(1) * 8).clamp(1, 100)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn curve_chunks_round_trip_bit_for_bit_and_check_the_fit() {
        let fit = [0.5, -0.3, 1e-300];
        let samples = vec![
            Some(vec![0.1, -0.0, f64::MIN_POSITIVE]),
            None,
            Some(vec![1.0, 2.0, 3.0]),
        ];
        let sizes = vec![Some([2.0, 0.7]), None, Some([f64::MAX, -1.5])];
        let out = encode_curve(&fit, &samples, &sizes);
        let (s, z) = decode_curve(&out, &fit).unwrap();
        assert_eq!(s, samples);
        assert_eq!(z, sizes);
        assert_eq!(s[0].as_ref().unwrap()[1].to_bits(), (-0.0f64).to_bits());
        // Another point fit, a cut array, trailing data: refused.
        assert!(decode_curve(&out, &[0.5, -0.3, 2e-300]).is_none());
        assert!(decode_curve(&out[..out.len() - 1], &fit).is_none());
        let mut more = out.clone();
        more.push(0.0);
        assert!(decode_curve(&more, &fit).is_none());
        assert!(decode_curve(&[], &fit).is_none());
        assert!(decode_curve(&[f64::NAN], &fit).is_none());
        // No size law: no size samples.
        let out = encode_curve(&fit, &samples, &[]);
        assert_eq!(decode_curve(&out, &fit).unwrap().1, vec![]);
    }

    #[test]
    fn joint_chunks_round_trip_bit_for_bit_and_check_the_fit() {
        let p = JointParams::from_array([1.8, 400.0, 0.34, 410.0, 0.28]);
        let q = JointParams::from_array([1.7, 380.0, 0.33, 420.0, 0.29]);
        let samples = vec![Some(q), None, Some(p)];
        let out = encode_joint(&p, &samples);
        assert_eq!(decode_joint(&out, &p).unwrap(), samples);
        assert!(decode_joint(&out, &q).is_none());
        assert!(decode_joint(&out[..7], &p).is_none());
    }

    #[test]
    fn family_chunks_round_trip_bit_for_bit_and_check_the_point() {
        let d = DrawValues {
            beta_g: -0.31,
            own: vec![-0.3, -0.0],
            params: vec![vec![2.0, -0.3, 0.1], vec![f64::MIN_POSITIVE, -0.0, 0.0]],
            ratios: vec![Some(1.0), None],
        };
        let draws = vec![
            Some(d.clone()),
            None,
            Some(DrawValues {
                ratios: vec![],
                ..d
            }),
        ];
        let out = encode_family(-0.3, &draws);
        assert_eq!(decode_family(&out, -0.3).unwrap(), draws);
        assert!(decode_family(&out, -0.30000000000000004).is_none());
        assert!(decode_family(&out[..out.len() - 1], -0.3).is_none());
        let mut more = out.clone();
        more.push(0.0);
        assert!(decode_family(&more, -0.3).is_none());
        assert!(decode_family(&[], -0.3).is_none());
    }

    #[test]
    fn a_worker_resamples_the_page_family() {
        let state = State {
            text: "m,error,model\n1000,0.50,a\n2000,0.41,a\n4000,0.335,a\n8000,0.275,a\n\
                   16000,0.226,a\n1000,0.40,b\n2000,0.33,b\n4000,0.27,b\n8000,0.222,b\n\
                   16000,0.18,b\n"
                .into(),
            bootstrap: 9,
            target: Some(0.1),
            family: Some(Default::default()),
            ..State::default()
        };
        let json = crate::export::state_json(&state);
        let parsed = session::parse_state(&state);
        let f = family_after(&state, &parsed, None).unwrap().unwrap();
        let c = f.comparison.as_ref().unwrap();
        let mut draws = Vec::new();
        for (s, e) in [(0, 4), (4, 9)] {
            let out = worker_run(FAMILY, &json, s, e);
            draws.extend(decode_family(&out, c.shared_fit.beta_g).unwrap());
        }
        assert_eq!(draws, bootstrap_draws(&f.members, c, &f.options, 0..9));
        assert!(draws.iter().all(Option::is_some));
    }

    #[test]
    fn a_worker_refits_the_page_fit_and_its_resamples() {
        let state = State {
            text: "m,err\n1000,0.5\n2000,0.41\n4000,0.335\n8000,0.27\n16000,0.226\n32000,0.19\n"
                .into(),
            bootstrap: 12,
            ..State::default()
        };
        let json = crate::export::state_json(&state);
        let parsed = session::parse_state(&state);
        let fi = fit_inputs(&state, &parsed).unwrap();
        let a = analyze_point(&fi.points, &fi.held_out, &fi.options).unwrap();
        let mut samples = Vec::new();
        let mut sizes = Vec::new();
        for (s, e) in [(0, 5), (5, 12)] {
            let (x, y) = decode_curve(&worker_run(CURVE, &json, s, e), &a.fit.params).unwrap();
            samples.extend(x);
            sizes.extend(y);
        }
        assert_eq!(samples, a.bootstrap_chunk(0..12));
        // An unknown job or a bad state: nothing.
        assert!(worker_run(7, &json, 0, 3).is_empty());
        assert!(worker_run(CURVE, "{", 0, 3).is_empty());
        assert_eq!(chunk_size(1000, 2), 63);
        assert_eq!(chunk_size(3, 8), 1);
    }
}
