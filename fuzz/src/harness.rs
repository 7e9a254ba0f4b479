//! The checks every fuzz target runs on one input, shared with the core's
//! `tests/regressions.rs` (which includes this file with `#[path]`), so that a crash
//! input kept under `crates/scalefit-core/tests/data/fuzz-regressions/<target>/` is
//! replayed in the normal `cargo test` through the very code the fuzzer ran.
//!
//! A check that fails panics: libFuzzer records the input as a crash, the test fails.
//! Only `std` and the core's own dependencies are used here.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use scalefit_core::analysis::{analyze, Analysis, AnalysisOptions};
use scalefit_core::fit::{fit_form, Fit, FitOptions};
use scalefit_core::model::{Form, Loss, ModelChoice};
use scalefit_core::parse::{parse, Columns, Metric, ParseOptions, Parsed, Point, Scale};
use scalefit_core::permalink::{decode, encode, State};
use scalefit_core::sweep::{
    analyze_sweep, JointLoss, JointOptions, Sweep, SweepError, SweepOptions, SweepReport,
};

/// Parse options every parse input is read with: detection, log loss, accuracy, and
/// an explicit mapping with every optional column and a series that may be absent.
pub fn parse_option_sets() -> Vec<ParseOptions> {
    vec![
        ParseOptions::default(),
        ParseOptions {
            log_loss: true,
            ..ParseOptions::default()
        },
        ParseOptions {
            metric: Metric::Accuracy,
            scale: Scale::Auto,
            log_loss: true,
            ..ParseOptions::default()
        },
        ParseOptions {
            columns: Some(Columns {
                size: 1,
                error: 0,
                model_size: Some(2),
                group: Some(3),
                held_out: Some(4),
            }),
            group: Some("a".into()),
            metric: Metric::Accuracy,
            scale: Scale::Percent,
            log_loss: false,
        },
    ]
}

/// Parse target: lossy UTF-8, parsed with every option set, invariants checked.
pub fn parse_case(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for options in parse_option_sets() {
        let parsed = parse(&text, &options);
        check_parsed(&text, &options, &parsed);
    }
}

/// The parser's contract: problem lines are 0 or real lines and sorted; every point
/// (fitted or held out) has a real line, a finite size > 0, a finite error >= 0 (> 0
/// with log loss) and a finite model size > 0 if any.
pub fn check_parsed(text: &str, options: &ParseOptions, parsed: &Parsed) {
    let n_lines = text.lines().count();
    for p in &parsed.problems {
        assert!(
            p.line <= n_lines,
            "problem line {} beyond the {n_lines} lines: {p:?}",
            p.line
        );
    }
    assert!(
        parsed.problems.windows(2).all(|w| w[0].line <= w[1].line),
        "problems not in line order: {:?}",
        parsed.problems
    );
    for p in parsed.points.iter().chain(&parsed.held_out) {
        check_point(p, n_lines, options.log_loss);
    }
    // A row's line is where the row starts: never a blank or comment line (the csv
    // reader's own counter pointed at those, see RELIABILITY.md finding 2).
    let lines: Vec<&str> = text.lines().collect();
    let rows = parsed.points.iter().chain(&parsed.held_out).map(|p| p.line);
    for line in rows.chain(parsed.problems.iter().map(|p| p.line)) {
        if line == 0 {
            continue;
        }
        let l = lines.get(line - 1).copied().unwrap_or("");
        // (A lone CR ends a row for the csv reader but not for `lines`.)
        let ok = l.contains('\r') || (!l.trim().is_empty() && !l.starts_with('#'));
        assert!(ok, "line {line} is blank or a comment: {l:?}");
    }
}

fn check_point(p: &Point, n_lines: usize, log_loss: bool) {
    assert!(
        (1..=n_lines).contains(&p.line),
        "point line {} not in 1..={n_lines}: {p:?}",
        p.line
    );
    assert!(p.m.is_finite() && p.m > 0.0, "bad size: {p:?}");
    assert!(p.error.is_finite() && p.error >= 0.0, "bad error: {p:?}");
    if log_loss {
        assert!(p.error > 0.0, "error 0 with log loss: {p:?}");
    }
    if let Some(s) = p.model_size {
        assert!(s.is_finite() && s > 0.0, "bad model size: {p:?}");
    }
}

/// Permalink target. The first byte picks what the rest is: 0 a payload as typed
/// (lossy UTF-8), 1 raw bytes behind base64url (version byte + deflate stream), 2 a
/// JSON document behind a valid version byte and deflate (the schema layer).
pub fn permalink_case(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        check_payload("");
        return;
    };
    match mode % 4 {
        0 => check_payload(&String::from_utf8_lossy(rest)),
        1 => check_payload(&URL_SAFE_NO_PAD.encode(rest)),
        2 => {
            // Version 1 (no checksum) reaches the JSON reader that version 2 shares.
            let mut bytes = vec![1u8];
            bytes.extend(miniz_oxide::deflate::compress_to_vec(rest, 6));
            check_payload(&URL_SAFE_NO_PAD.encode(bytes));
        }
        _ => {
            // The current version (4) with a valid CRC: the JSON reader with the
            // family view and the sweep settings (which versions 1 and 2 refuse).
            let deflated = miniz_oxide::deflate::compress_to_vec(rest, 6);
            check_payload(&scalefit_core::permalink::payload(&deflated));
        }
    }
}

/// Decodes `payload`; a state that decodes must encode and decode back to itself,
/// bit for bit.
pub fn check_payload(payload: &str) {
    let Ok(state) = decode(payload) else {
        return;
    };
    let again = encode(&state);
    match decode(&again) {
        Ok(back) => assert_same_state(&state, &back),
        Err(e) => panic!("a decoded state does not survive encode -> decode: {e}; {state:?}"),
    }
}

/// Equality with floats compared by their bits (`-0.0` differs from `0.0`).
pub fn assert_same_state(a: &State, b: &State) {
    assert_eq!(a, b);
    let bits = |s: &State| -> Vec<u64> {
        let mut v: Vec<u64> = s.fixed.iter().map(|(_, x)| x.to_bits()).collect();
        v.extend(s.target.map(f64::to_bits));
        if let Some(an) = &s.anchor {
            v.push(an.m.to_bits());
            v.push(an.error.to_bits());
            v.extend(an.model_size.map(f64::to_bits));
        }
        if let Some(w) = &s.sweep {
            for x in [
                w.huber_delta,
                w.flops_per_param,
                w.budget,
                w.flops_per_second,
                w.utilisation,
            ] {
                v.push(x.map_or(0, |x| x.to_bits() ^ 1));
            }
        }
        v
    };
    assert_eq!(bits(a), bits(b), "float bits differ: {a:?} vs {b:?}");
}

/// Reads fuzz bytes as numbers; past the end every read gives 0.
#[derive(Debug)]
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    /// Reader over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data, pos: 0 }
    }

    /// Next byte, 0 past the end.
    pub fn u8(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// Next little-endian u16.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    /// Next little-endian u64.
    pub fn u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        for x in &mut b {
            *x = self.u8();
        }
        u64::from_le_bytes(b)
    }

    /// A float from a wide distribution: raw bits (NaN, infinities, subnormals),
    /// special values, the previous value again (duplicates), or a log-uniform
    /// magnitude over 1e-300..1e300 (sometimes negative).
    pub fn f64(&mut self, previous: f64) -> f64 {
        let tag = self.u8();
        match tag % 8 {
            0 => f64::from_bits(self.u64()),
            1 => {
                const SPECIAL: [f64; 16] = [
                    0.0,
                    -0.0,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::NAN,
                    f64::MIN_POSITIVE,
                    5e-324,
                    f64::MAX,
                    1e-300,
                    1e300,
                    1.0,
                    0.5,
                    1e3,
                    1e6,
                    1e9,
                    -1.0,
                ];
                SPECIAL[usize::from(self.u8()) % SPECIAL.len()]
            }
            2 => previous,
            t => {
                let e = -300.0 + 600.0 * f64::from(self.u16()) / 65535.0;
                let v = 10f64.powf(e);
                if t == 7 && tag & 0x80 != 0 {
                    -v
                } else {
                    v
                }
            }
        }
    }

    /// A well-behaved float: log-uniform over 10^lo..10^hi, or the previous value.
    pub fn f64_in(&mut self, previous: f64, lo: f64, hi: f64) -> f64 {
        let tag = self.u8();
        if tag.is_multiple_of(8) {
            return previous;
        }
        10f64.powf(lo + (hi - lo) * f64::from(self.u16()) / 65535.0)
    }
}

/// Names `fixed` can use, including one no form has.
pub const PARAM_NAMES: [&str; 10] = [
    "alpha", "beta_g", "gamma", "eps0", "m0", "m1", "mb", "delta_g", "beta_p", "delta",
];

/// Decodes fuzz bytes into points, held-out points and options (bootstrap of at most
/// 3 resamples).
pub fn fit_input(data: &[u8]) -> (Vec<Point>, Vec<Point>, AnalysisOptions) {
    let mut b = Bytes::new(data);
    let flags = b.u8();
    // Bits 0-1 choose auto or a form, bit 7 turns three-region into smooth-floor,
    // bit 6 into broken-power, both into sigmoid.
    let model = match flags % 4 {
        0 => ModelChoice::Auto,
        1 => ModelChoice::Form(Form::Power),
        2 => ModelChoice::Form(Form::PowerFloor),
        _ if flags & 0xC0 == 0xC0 => ModelChoice::Form(Form::Sigmoid),
        _ if flags & 0x80 != 0 => ModelChoice::Form(Form::SmoothFloor),
        _ if flags & 0x40 != 0 => ModelChoice::Form(Form::BrokenPower),
        _ => ModelChoice::Form(Form::ThreeRegion),
    };
    let loss = if flags & 4 == 0 {
        Loss::Log
    } else {
        Loss::Linear
    };
    // Bit 3: well-behaved values (positive, moderate) so the fitter itself is
    // exercised, not only input validation; otherwise anything goes.
    let tame = flags & 8 != 0;
    let bootstrap = usize::from((flags >> 4) % 4);
    let seed = u64::from(b.u8());
    let n = usize::from(b.u8() % 24);
    let n_held = usize::from(b.u8() % 3);
    let mut points = Vec::with_capacity(n + n_held);
    let (mut pm, mut pe) = (1.0, 1.0);
    for i in 0..n + n_held {
        let (m, e) = if tame {
            (b.f64_in(pm, 0.0, 9.0), b.f64_in(pe, -4.0, 1.0))
        } else {
            (b.f64(pm), b.f64(pe))
        };
        let with_size = b.u8();
        let model_size = with_size.is_multiple_of(4).then(|| {
            if tame {
                b.f64_in(1e6, 3.0, 10.0)
            } else {
                b.f64(1e6)
            }
        });
        points.push(Point {
            line: i + 1,
            m,
            error: e,
            model_size,
        });
        (pm, pe) = (m, e);
    }
    let held_out = points.split_off(n);
    let opt = b.u8();
    let target_error = (opt % 2 == 1).then(|| b.f64(0.1));
    let backtest_k = usize::from((opt >> 1) % 3);
    let fixed = if (opt >> 3).is_multiple_of(4) {
        let name = PARAM_NAMES[usize::from(b.u8()) % PARAM_NAMES.len()];
        vec![(name.to_string(), b.f64(0.0))]
    } else {
        Vec::new()
    };
    let preset_beta_p = ((opt >> 5) % 2 == 1).then(|| {
        let beta = b.f64(0.5);
        let s = ((opt >> 6) % 2 == 1).then(|| b.f64(1e6));
        (beta, s)
    });
    let options = AnalysisOptions {
        model,
        fit: FitOptions { loss, fixed },
        bootstrap,
        seed,
        target_error,
        backtest_k,
        preset_beta_p,
    };
    (points, held_out, options)
}

/// Fit target: the whole analysis (point fit, small bootstrap, projection, backtest,
/// warnings) of a decoded input; an `Ok` result must hold only finite fit numbers.
pub fn fit_case(data: &[u8]) {
    let (points, held_out, options) = fit_input(data);
    if let Ok(a) = analyze(&points, &held_out, &options) {
        check_analysis(&a);
    }
}

/// Fit-form target: one global fit (`fit::fit_form`, the fitter's own entry point,
/// without the bootstrap, backtest and projection around it) of a decoded input, so
/// that the search, variable projection and Levenberg-Marquardt polish get tens of
/// millions of inputs; `auto` in the decoded options picks the form from the seed.
pub fn fit_form_case(data: &[u8]) {
    let (points, _, options) = fit_input(data);
    let form = match options.model {
        ModelChoice::Form(f) => f,
        ModelChoice::Auto => {
            let k = usize::try_from(options.seed).unwrap_or(0) % Form::ALL.len();
            Form::ALL[k]
        }
    };
    let m: Vec<f64> = points.iter().map(|p| p.m).collect();
    let y: Vec<f64> = points.iter().map(|p| p.error).collect();
    if let Ok(f) = fit_form(&m, &y, form, &options.fit) {
        check_fit(&f, &m);
    }
}

/// What an `Ok` fit guarantees: finite parameters, SSR and correlations, an AICc that
/// is a number, and a curve defined at every fitted size.
pub fn check_fit(f: &Fit, m: &[f64]) {
    assert_eq!(f.params.len(), f.form.n_params(), "{f:?}");
    assert!(
        f.params.iter().all(|v| v.is_finite()),
        "non-finite params: {f:?}"
    );
    assert!(f.ssr.is_finite() && f.ssr >= 0.0, "bad ssr: {f:?}");
    assert!(!f.aicc.is_nan(), "NaN aicc: {f:?}");
    assert!(
        f.correlation.iter().flatten().all(|v| v.is_finite()),
        "non-finite correlation: {f:?}"
    );
    for &x in m {
        let v = f.eval(x);
        let ok = v.is_finite() && (f.loss == Loss::Linear || v > 0.0);
        assert!(ok, "fitted value {v} at m = {x} outside the domain: {f:?}");
    }
}

/// What an `Ok` analysis guarantees: finite parameters, SSR and correlations, an AICc
/// that is a number (`+inf` when undefined), finite bootstrap refits.
pub fn check_analysis(a: &Analysis) {
    check_fit(&a.fit, &a.m);
    for c in &a.comparison {
        assert!(
            c.ssr.is_none_or(f64::is_finite),
            "bad comparison ssr: {c:?}"
        );
    }
    if let Some(b) = &a.bootstrap {
        assert!(
            b.samples.iter().flatten().all(|v| v.is_finite()),
            "non-finite bootstrap refit"
        );
    }
}

/// Sweep target. The first byte picks the joint loss, the bootstrap count (0 to 3), a
/// budget and a target; the rest is text read with a model-size column (columns 0, 1,
/// 2: size, error, model size), validated into a [`Sweep`] and analysed whole. Any
/// error is fine; a report must hold finite numbers where the law was fitted, and an
/// allocation must spend its budget.
pub fn sweep_case(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let loss = JointLoss::ALL[usize::from(flags % 3)];
    let text = String::from_utf8_lossy(rest);
    let options = ParseOptions {
        columns: Some(Columns {
            size: 0,
            error: 1,
            model_size: Some(2),
            group: None,
            held_out: None,
        }),
        log_loss: loss != JointLoss::Linear,
        ..ParseOptions::default()
    };
    let parsed = parse(&text, &options);
    check_parsed(&text, &options, &parsed);
    let Ok(sweep) = Sweep::from_points(&parsed.points) else {
        return;
    };
    let options = SweepOptions {
        joint: JointOptions {
            loss,
            huber_delta: 1e-3,
            bootstrap: usize::from((flags >> 2) % 4),
            seed: u64::from(flags),
        },
        compute: (flags & 0x10 != 0).then_some(1e12),
        target_error: (flags & 0x20 != 0).then(|| parsed.points.first().map_or(1.0, |p| p.error)),
        ..SweepOptions::default()
    };
    match analyze_sweep(&sweep, &options) {
        Ok(r) => check_sweep(&r, &options),
        Err(SweepError::NoConvergence)
        | Err(SweepError::TooFewRuns { .. })
        | Err(SweepError::TooFewDistinct { .. })
        | Err(SweepError::BadRun { .. })
        | Err(SweepError::BudgetTooSmall { .. }) => {}
        Err(e) => panic!("unexpected sweep error {e:?} for options {options:?}"),
    }
}

/// What a sweep report promises: the joint law's parameters finite with E, A, B >= 0,
/// an envelope of finite positive points, an allocation that spends its budget, a
/// reachable target above E.
pub fn check_sweep(r: &SweepReport, options: &SweepOptions) {
    let p = r.joint.params;
    for v in p.to_array() {
        assert!(v.is_finite(), "joint parameter not finite: {p:?}");
    }
    assert!(
        p.e >= 0.0 && p.a >= 0.0 && p.b >= 0.0,
        "negative coefficient: {p:?}"
    );
    for e in &r.envelope {
        assert!(
            e.m > 0.0 && e.best_model_size > 0.0 && e.best_model_size.is_finite(),
            "{e:?}"
        );
        assert!(e.error.is_finite(), "{e:?}");
    }
    if let (Some(a), Some(c)) = (&r.allocation, options.compute) {
        let spent = options.flops_per_param * a.model_size * a.data_size;
        assert!(
            (spent / c - 1.0).abs() < 1e-6,
            "allocation spends {spent}, not {c}: {a:?}"
        );
    }
    if let Some(t) = &r.target {
        if t.reachable {
            assert!(t.target_error > p.e, "reachable below E: {t:?} {p:?}");
            assert!(t.compute.is_some_and(|c| c.is_finite() && c > 0.0), "{t:?}");
        }
    }
}

/// The text of a table target: `rest` (lossy UTF-8, cut at `max` bytes) behind the
/// header line `header` when bit 7 of `flags` is clear, else as it is with the explicit
/// mapping `columns`.
fn table_text(
    flags: u8,
    rest: &[u8],
    max: usize,
    header: &str,
    columns: Columns,
) -> (String, Option<Columns>) {
    let body = String::from_utf8_lossy(&rest[..rest.len().min(max)]);
    if flags & 0x80 == 0 {
        (format!("{header}\n{body}"), None)
    } else {
        (body.into_owned(), Some(columns))
    }
}

/// The mapping of the family targets: group 0, size 1, error 2.
fn group_columns() -> Columns {
    Columns {
        size: 1,
        error: 2,
        model_size: None,
        group: Some(0),
        held_out: None,
    }
}

/// Sweep-input target: the first byte picks the joint loss (which decides whether an
/// error of 0 is a problem), the rows setting and the reading (a `N,error,params`
/// header put in front, or the mapping size 0, error 1, model size 2); the rest is
/// text, cut at 4 KB. The state's own path is followed as the front ends follow it
/// (`session::parse_sweep_state`, `session::sweep_of`, `sweep::is_sweep`,
/// `sweep::envelope`) and every promise checked: the parse's contract, a refused
/// sweep names a real line, and the envelope is exactly the best run per training-set
/// size with its bracketing flags. The joint law's fit on the runs is the `sweep`
/// target's (much slower per input).
pub fn sweep_input_case(data: &[u8]) {
    use scalefit_core::session::{parse_sweep_state, sweep_of};
    use scalefit_core::sweep::envelope::envelope_points;
    use scalefit_core::sweep::{envelope, is_sweep, RowsAs, SweepView};
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let mapping = Columns {
        size: 0,
        error: 1,
        model_size: Some(2),
        group: None,
        held_out: None,
    };
    let (text, columns) = table_text(flags, rest, 4096, "N,error,params", mapping);
    let view = SweepView {
        loss: JointLoss::ALL[usize::from(flags % 3)],
        rows: RowsAs::ALL[usize::from((flags >> 2) % 3)],
        ..SweepView::default()
    };
    let state = State {
        text,
        columns,
        sweep: Some(view),
        ..State::default()
    };
    let parsed = parse_sweep_state(&state);
    let options = scalefit_core::session::sweep_parse_options(&state);
    check_parsed(&state.text, &options, &parsed);
    let n_lines = state.text.lines().count();
    let sweep = match sweep_of(&parsed) {
        Ok(s) => s,
        Err(SweepError::Empty) => {
            assert!(parsed.points.is_empty());
            return;
        }
        Err(e @ SweepError::MissingModelSize { line, .. }) => {
            let line = line.unwrap_or(0);
            assert!((1..=n_lines).contains(&line), "{e:?}");
            assert!(e.to_string().contains(&format!("line {line}")), "{e}");
            return;
        }
        // The parser already refuses non-finite or non-positive values.
        Err(e) => panic!("parsed points refused as runs: {e:?}"),
    };
    let env = envelope(&sweep);
    assert_eq!(
        is_sweep(&parsed.points),
        !env.points.is_empty(),
        "sweep detection and envelope disagree: {env:?}"
    );
    assert!(
        env.points.windows(2).all(|w| w[0].m < w[1].m),
        "envelope not by strictly increasing m: {env:?}"
    );
    let unbracketed = env.points.iter().filter(|p| !p.bracketed).count();
    let notes = env
        .warnings
        .iter()
        .filter(|w| w.code == "sweep-unbracketed")
        .count();
    assert_eq!(unbracketed, notes, "{env:?}");
    for p in &env.points {
        let mut at: Vec<(f64, f64)> = sweep
            .runs()
            .iter()
            .filter(|r| r.m == p.m)
            .map(|r| (r.s, r.error))
            .collect();
        at.sort_by(|a, b| a.0.total_cmp(&b.0));
        let lo = at.first().map_or(f64::NAN, |r| r.0);
        let hi = at.last().map_or(f64::NAN, |r| r.0);
        let best = at.iter().fold(f64::INFINITY, |a, r| a.min(r.1));
        assert!(lo < hi, "an envelope point needs two model sizes: {p:?}");
        assert!(
            p.best_model_size.is_finite() && p.best_model_size > 0.0,
            "{p:?}"
        );
        assert!(p.error.is_finite(), "{p:?}");
        if p.interpolated {
            assert!(p.bracketed, "{p:?}");
            assert!(
                lo * (1.0 - 1e-12) <= p.best_model_size
                    && p.best_model_size <= hi * (1.0 + 1e-12)
                    && p.error <= best,
                "vertex outside its bracket: {p:?} {at:?}"
            );
        } else {
            assert_eq!(p.error, best, "{p:?} {at:?}");
            // The best run: the smallest model size with the lowest error.
            let first = at.iter().find(|r| r.1 == best).map(|r| r.0);
            assert_eq!(first, Some(p.best_model_size), "{p:?} {at:?}");
            assert_eq!(
                p.bracketed,
                lo < p.best_model_size && p.best_model_size < hi,
                "bracketing flag wrong: {p:?} {at:?}"
            );
        }
    }
    assert_eq!(envelope_points(&env.points).len(), env.points.len());
}

/// Series-input target: the first byte picks the reading (a `model,m,err` header put
/// in front, or the mapping group 0, size 1, error 2), the loss, and which series are
/// hidden (by the bits of the second byte, by order of appearance); the rest is text,
/// cut at 4 KB. The front ends' path is followed (`session::parse_state`,
/// `session::family_members`, `session::family_series`, `session::family_options`) and
/// checked: the series are the distinct names in order of first appearance, each
/// member is the parse of its own series with the same series list and its rows only,
/// no row belongs to two series, and hiding marks exactly the series named (up to
/// 12 series, the most the page draws). The comparison's fits are the `family` target's (much slower per input).
pub fn series_input_case(data: &[u8]) {
    use scalefit_core::family::{FamilyView, Shared};
    use scalefit_core::session::{family_members, family_options, family_series, parse_state};
    let mut b = Bytes::new(data);
    let flags = b.u8();
    let hide_bits = b.u8();
    let rest = data.get(2..).unwrap_or(&[]);
    let (text, columns) = table_text(flags, rest, 4096, "model,m,err", group_columns());
    let mut state = State {
        text,
        columns,
        loss: if flags & 1 == 0 {
            Loss::Log
        } else {
            Loss::Linear
        },
        target: (flags & 2 != 0).then_some(0.1),
        ..State::default()
    };
    let parsed = parse_state(&state);
    let hidden: Vec<String> = parsed
        .groups
        .iter()
        .take(8)
        .enumerate()
        .filter(|(i, _)| hide_bits & (1 << i) != 0)
        .map(|(_, g)| g.clone())
        .collect();
    state.family = Some(FamilyView {
        hidden: hidden.clone(),
        shared: if flags & 4 == 0 {
            Shared::BetaG
        } else {
            Shared::BetaGGamma
        },
    });
    // (The family view changes no parse option: the first parse stands.)
    let options = scalefit_core::session::parse_options(&state);
    check_parsed(&state.text, &options, &parsed);
    let groups = &parsed.groups;
    for (i, g) in groups.iter().enumerate() {
        assert!(
            !groups[..i].contains(g),
            "series {g:?} listed twice: {groups:?}"
        );
    }
    // Each member is a parse of its own: past the 12 series the page draws (it shows
    // a picker instead), one input would take as many parses as it has names.
    if groups.len() > 12 {
        return;
    }
    let members = family_members(&state, &parsed);
    assert_eq!(members.len(), groups.len());
    let mut lines: Vec<usize> = Vec::new();
    for (m, g) in members.iter().zip(groups) {
        assert_eq!(&m.name, g);
        assert_eq!(m.parsed.group.as_deref(), Some(g.as_str()), "{m:?}");
        assert_eq!(&m.parsed.groups, groups, "a member lists other series");
        assert_eq!(m.hidden, hidden.contains(g));
        let mut opts = options.clone();
        opts.group = Some(g.clone());
        check_parsed(&state.text, &opts, &m.parsed);
        lines.extend(
            m.parsed
                .points
                .iter()
                .chain(&m.parsed.held_out)
                .map(|p| p.line),
        );
    }
    // Rows are numbered by the line they start on; a lone CR ends a row for the csv
    // reader but not for `lines`, so only lines without one hold a single row.
    let text_lines: Vec<&str> = state.text.lines().collect();
    lines.retain(|&l| text_lines.get(l - 1).is_some_and(|t| !t.contains('\r')));
    let n = lines.len();
    lines.sort_unstable();
    lines.dedup();
    assert_eq!(lines.len(), n, "a row belongs to two series");
    if let Some(g) = &parsed.group {
        assert!(groups.contains(g), "kept series {g:?} not among {groups:?}");
    }
    let series = family_series(&state, &parsed);
    assert_eq!(series.len(), members.len());
    for (s, m) in series.iter().zip(&members) {
        assert_eq!(s.m.len(), m.parsed.points.len());
        assert_eq!(s.m.len(), s.y.len());
        assert!(s.m.iter().all(|v| v.is_finite() && *v > 0.0), "{s:?}");
        assert!(s.y.iter().all(|v| v.is_finite()), "{s:?}");
    }
    let o = family_options(&state, parsed.percent);
    if let Some(t) = o.target_error {
        assert!(t.is_finite(), "{o:?}");
    }
}

/// Family target: the first byte picks the settings (form, shared values, loss, up to
/// 3 resamples, a target), the rest is text read with a group column (a `model`
/// header put in front, or the mapping group 0, size 1, error 2). The text is cut at
/// 2 KB and families of more than 6 series are skipped, so one input stays quick. The
/// whole session path runs (each series' analysis, the comparison); an `Ok`
/// comparison must be coherent.
pub fn family_case(data: &[u8]) {
    use scalefit_core::family::{sentence, Shared};
    use scalefit_core::session::{analyze_family, parse_state};
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let (text, columns) = table_text(flags, rest, 2048, "model,m,err", group_columns());
    let state = State {
        text,
        columns,
        // Every flag bit has a use; the text's length modulo 4 splits the fourth
        // choice among the four forms with a knee.
        model: match flags & 3 {
            0 => ModelChoice::Auto,
            1 => ModelChoice::Form(Form::Power),
            2 => ModelChoice::Form(Form::PowerFloor),
            _ if rest.len() % 4 == 1 => ModelChoice::Form(Form::SmoothFloor),
            _ if rest.len() % 4 == 2 => ModelChoice::Form(Form::BrokenPower),
            _ if rest.len() % 4 == 3 => ModelChoice::Form(Form::Sigmoid),
            _ => ModelChoice::Form(Form::ThreeRegion),
        },
        family: Some(scalefit_core::family::FamilyView {
            hidden: Vec::new(),
            shared: if flags & 4 == 0 {
                Shared::BetaG
            } else {
                Shared::BetaGGamma
            },
        }),
        loss: if flags & 8 == 0 {
            Loss::Log
        } else {
            Loss::Linear
        },
        bootstrap: u32::from((flags >> 4) & 3),
        target: (flags & 0x40 != 0).then_some(0.1),
        seed: u64::from(flags),
        ..State::default()
    };
    let parsed = parse_state(&state);
    if parsed.groups.len() > 6 {
        return;
    }
    let f = analyze_family(&state, &parsed);
    assert_eq!(f.analyses.len(), f.members.len());
    for a in f.analyses.iter().flatten() {
        check_analysis(a);
    }
    let Ok(c) = &f.comparison else {
        return;
    };
    let n = f.compared.len();
    assert!(c.included.len() >= 2, "{c:?}");
    assert_eq!(c.included.len() + c.excluded.len(), n, "{c:?}");
    assert!(c.included.windows(2).all(|w| w[0] < w[1]) && c.included.iter().all(|&i| i < n));
    assert_eq!(c.separate.len(), c.included.len());
    assert_eq!(c.shared_fit.fits.len(), c.included.len());
    assert!(c.shared_fit.beta_g.is_finite(), "{c:?}");
    for fit in &c.shared_fit.fits {
        assert_eq!(fit.params[c.form.beta_index()], c.shared_fit.beta_g);
        if let Some(g) = c.shared_fit.gamma {
            assert!(g.is_finite());
            assert_eq!(c.form.gamma_index().map(|i| fit.params[i]), Some(g));
        }
    }
    for fit in &c.separate {
        check_fit(fit, &[]);
    }
    assert!(
        c.ssr_separate.is_finite() && c.ssr_shared.is_finite(),
        "{c:?}"
    );
    assert!(
        c.p_value.is_nan() || (0.0..=1.0).contains(&c.p_value),
        "p = {}",
        c.p_value
    );
    assert_eq!(c.consistent, c.p_value >= 0.05);
    assert_eq!(
        c.needs.len(),
        if state.target.is_some() {
            c.included.len()
        } else {
            0
        }
    );
    for (lo, hi) in c
        .bootstrap
        .beta_g
        .iter()
        .chain(c.bootstrap.series_beta_g.iter().flatten())
    {
        assert!(lo <= hi, "{lo} > {hi}");
    }
    let _ = sentence(c, &f.compared_names(), Some("a target error of 0.1"));
}
