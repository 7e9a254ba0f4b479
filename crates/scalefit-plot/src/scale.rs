//! Log-scale axis ranges, tick placement and compact tick labels shared by both plots.

/// Data outside 1e±300 is dropped: padding such a range would overflow `f64` and pixels
/// are mapped through `ln` of the axis ends (`PlotFrame`), which must stay finite.
const DATA_LIMIT: f64 = 300.0;
/// Axis ends never go past this, even after padding (f64::MAX is ~1.8e308).
const AXIS_LIMIT: f64 = 306.0;
/// A single value or a flat series still gets half a decade, so ticks have room.
const MIN_SPAN: f64 = 0.5;
/// Fraction of the span added at each end so markers don't sit on the frame.
const PAD: f64 = 0.08;
/// More major ticks than this and labels start colliding on a small canvas.
const MAX_TICKS: usize = 8;

/// `log10(v)` for values a log axis can show: finite, positive and within 1e±300.
pub(crate) fn log10_of(v: f64) -> Option<f64> {
    if !(v.is_finite() && v > 0.0) {
        return None;
    }
    let l = v.log10();
    (-DATA_LIMIT..=DATA_LIMIT).contains(&l).then_some(l)
}

/// An interval in log10 space, `lo <= hi`, both finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LogRange {
    pub lo: f64,
    pub hi: f64,
}

impl LogRange {
    /// The smallest range holding every usable value; `None` if there are none.
    pub fn covering(values: impl IntoIterator<Item = f64>) -> Option<Self> {
        values
            .into_iter()
            .filter_map(log10_of)
            .fold(None, |acc: Option<Self>, l| match acc {
                None => Some(Self { lo: l, hi: l }),
                Some(r) => Some(Self {
                    lo: r.lo.min(l),
                    hi: r.hi.max(l),
                }),
            })
    }

    /// Widens degenerate ranges and pads both ends, giving the range the axis shows.
    pub fn padded(self) -> Self {
        let (mut lo, mut hi) = (self.lo, self.hi);
        if hi - lo < MIN_SPAN {
            let mid = 0.5 * (lo + hi);
            lo = mid - 0.5 * MIN_SPAN;
            hi = mid + 0.5 * MIN_SPAN;
        }
        let pad = PAD * (hi - lo);
        Self {
            lo: (lo - pad).max(-AXIS_LIMIT),
            hi: (hi + pad).min(AXIS_LIMIT),
        }
    }

    pub fn span(&self) -> f64 {
        self.hi - self.lo
    }

    pub fn min_value(&self) -> f64 {
        10f64.powf(self.lo)
    }

    pub fn max_value(&self) -> f64 {
        10f64.powf(self.hi)
    }

    /// Clamps a data value onto the axis so clipped shapes keep their outline inside the
    /// frame (the drawing only pins stray pixels onto the frame's edge).
    pub fn clamp(&self, v: f64) -> f64 {
        v.clamp(self.min_value(), self.max_value())
    }

    fn contains(&self, v: f64) -> bool {
        let l = v.log10();
        l >= self.lo - 1e-9 && l <= self.hi + 1e-9
    }
}

/// Major (labelled) and minor (grid only) tick values for a log axis.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Ticks {
    pub major: Vec<f64>,
    pub minor: Vec<f64>,
}

/// Picks ticks the way a reader expects on a log axis: whole decades when the axis spans
/// several, otherwise the roundest values (1, then 2 and 5, then 3, ...) that keep labels
/// evenly spread. plotters' own log key points leave sub-decade axes, typical for error
/// rates, nearly unlabelled and crowded at one end.
pub(crate) fn ticks(r: LogRange) -> Ticks {
    let first = r.lo.ceil() as i32;
    let last = r.hi.floor() as i32;
    if last - first >= 2 {
        let count = (last - first + 1) as usize;
        let step = count.div_ceil(MAX_TICKS) as i32;
        let (major, skipped): (Vec<i32>, Vec<i32>) =
            (first..=last).partition(|k| k.rem_euclid(step) == 0);
        let minor = if step == 1 && r.span() <= 6.0 {
            multiples(r, &[2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
        } else {
            skipped.into_iter().map(pow10).collect()
        };
        return Ticks {
            major: major.into_iter().map(pow10).collect(),
            minor,
        };
    }
    const ROUNDNESS: [&[f64]; 5] = [
        &[1.0],
        &[2.0, 5.0],
        &[3.0],
        &[1.5, 4.0, 6.0, 8.0],
        &[1.2, 2.5, 7.0, 9.0],
    ];
    let min_gap = r.span() / (MAX_TICKS as f64 - 1.0);
    let mut major: Vec<f64> = Vec::new();
    for mantissas in ROUNDNESS {
        // Enough labels already: finer mantissas would only add odd values like 0.025.
        if major.len() >= 4 {
            break;
        }
        for v in multiples(r, mantissas) {
            let l = v.log10();
            if major.iter().all(|m| (m.log10() - l).abs() >= min_gap) {
                major.push(v);
            }
        }
    }
    major.sort_by(f64::total_cmp);
    let minor = multiples(r, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
        .into_iter()
        .filter(|v| !major.iter().any(|m| (m / v - 1.0).abs() < 1e-9))
        .collect();
    Ticks { major, minor }
}

fn pow10(k: i32) -> f64 {
    10f64.powi(k)
}

/// `mantissa × 10^k` for every decade touching the range, kept if inside it.
fn multiples(r: LogRange, mantissas: &[f64]) -> Vec<f64> {
    let (k0, k1) = (r.lo.floor() as i32, r.hi.floor() as i32);
    (k0..=k1)
        .flat_map(|k| mantissas.iter().map(move |m| m * pow10(k)))
        .filter(|&v| r.contains(v))
        .collect()
}

/// Compact label for a tick or tooltip value, 3 significant digits at most:
/// `0.05`, `0.123`, `20`, `1k`, `2.5M`, `1.2B`, `1e-5`, `3e15`.
/// Large values use k/M/B/T (thousand, million, billion, trillion) as in ML papers.
pub fn format_tick(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let r = round_sig(v, 3);
    let a = r.abs();
    if !(1e-3..1e15).contains(&a) {
        let e = a.log10().floor() as i32;
        return format!("{}e{e}", decimal(r / pow10(e)));
    }
    for (scale, suffix) in [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")] {
        if a >= scale {
            return format!("{}{suffix}", decimal(r / scale));
        }
    }
    decimal(r)
}

fn round_sig(v: f64, digits: i32) -> f64 {
    let e = v.abs().log10().floor() as i32;
    let f = pow10(digits - 1 - e);
    let r = (v * f).round() / f;
    if r.is_finite() {
        r
    } else {
        v
    }
}

/// Up to 3 significant digits without trailing zeros (`1.50` → `1.5`, `2.00` → `2`).
fn decimal(v: f64) -> String {
    let e = v.abs().log10().floor() as i32;
    let decimals = (2 - e).clamp(0, 17) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}
