//! The points of one fit, prepared once (logs, validation), their binned copy for the
//! search on large data, the held parameters, and the log-log line through the points.

use super::FitError;
use crate::model::{Form, Loss, MAX_PARAMS};

/// Points prepared once per fit: logs computed, validated.
#[derive(Debug, Clone)]
pub(crate) struct Data {
    pub m: Vec<f64>,
    pub y: Vec<f64>,
    pub ln_m: Vec<f64>,
    pub ln_y: Vec<f64>,
    pub ln_m_min: f64,
    pub ln_m_max: f64,
}

impl Data {
    pub(crate) fn new(m: &[f64], y: &[f64], loss: Loss) -> Result<Data, FitError> {
        if m.len() != y.len() {
            return Err(FitError::LengthMismatch {
                m: m.len(),
                y: y.len(),
            });
        }
        for (index, (&mi, &yi)) in m.iter().zip(y).enumerate() {
            let why = if !mi.is_finite() || !yi.is_finite() {
                Some("not finite")
            } else if mi <= 0.0 {
                Some("size must be > 0")
            } else if loss == Loss::Log && yi <= 0.0 {
                Some("error must be > 0 with log loss")
            } else {
                None
            };
            if let Some(why) = why {
                return Err(FitError::BadPoint {
                    index,
                    m: mi,
                    y: yi,
                    why,
                });
            }
        }
        let ln_y = if loss == Loss::Log {
            y.iter().map(|v| v.ln()).collect()
        } else {
            Vec::new()
        };
        let ln_m: Vec<f64> = m.iter().map(|v| v.ln()).collect();
        let ln_m_min = ln_m.iter().copied().fold(f64::INFINITY, f64::min);
        let ln_m_max = ln_m.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Ok(Data {
            m: m.to_vec(),
            y: y.to_vec(),
            ln_m,
            ln_y,
            ln_m_min,
            ln_m_max,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.m.len()
    }

    /// The smallest size.
    pub(crate) fn m_min(&self) -> f64 {
        self.m.iter().fold(f64::INFINITY, |s, &v| s.min(v))
    }

    /// The smallest error.
    pub(crate) fn y_min(&self) -> f64 {
        self.y.iter().fold(f64::INFINITY, |s, &v| s.min(v))
    }

    pub(crate) fn distinct_sizes(&self) -> usize {
        let mut s = self.m.clone();
        s.sort_by(f64::total_cmp);
        s.dedup();
        s.len()
    }
}

/// Which parameters are held and at what (natural) value.
#[derive(Debug, Clone)]
pub(crate) struct Holds {
    pub held: [bool; MAX_PARAMS],
    pub values: [f64; MAX_PARAMS],
}

impl Holds {
    pub(crate) fn from_options(form: Form, fixed: &[(String, f64)]) -> Result<Holds, FitError> {
        let mut h = Holds {
            held: [false; MAX_PARAMS],
            values: [0.0; MAX_PARAMS],
        };
        for (name, value) in fixed {
            let Some(i) = form.param_index(name) else {
                return Err(FitError::BadFixed {
                    name: name.clone(),
                    value: *value,
                    why: format!(
                        "{} has parameters {}",
                        form.id(),
                        form.param_names().join(", ")
                    ),
                });
            };
            // The bounds of the form's table: a knee (searched in `ln`) is positive,
            // the floor non-negative.
            let spec = form.spec();
            let bad = if !value.is_finite() {
                Some("the value is not finite".to_string())
            } else if spec.knee.is_some_and(|k| k.index == i) && *value <= 0.0 {
                Some(format!("{name} must be > 0"))
            } else if (spec.floor == Some(i) || spec.positive == Some(i)) && *value < 0.0 {
                Some(format!("{name} must be >= 0"))
            } else {
                None
            };
            if let Some(why) = bad {
                return Err(FitError::BadFixed {
                    name: name.clone(),
                    value: *value,
                    why,
                });
            }
            h.held[i] = true;
            h.values[i] = *value;
        }
        Ok(h)
    }

    /// These holds and parameter `i` held at `value`.
    pub(crate) fn with(&self, i: usize, value: f64) -> Holds {
        let mut h = self.clone();
        h.held[i] = true;
        h.values[i] = value;
        h
    }

    pub(crate) fn free(&self, form: Form) -> Vec<usize> {
        (0..form.n_params()).filter(|&i| !self.held[i]).collect()
    }

    pub(crate) fn apply(&self, p: &mut [f64]) {
        for (i, v) in p.iter_mut().enumerate() {
            if self.held.get(i).copied().unwrap_or(false) {
                *v = self.values[i];
            }
        }
    }
}

/// Straight line through `(ln m, ln y)`: the exact `log`-loss power fit, and the
/// classic start for every other form. Returns `(alpha, beta_g)`.
pub(crate) fn loglog_line(data: &Data) -> Option<(f64, f64)> {
    let n = data.len() as f64;
    let ly: Vec<f64> = data
        .y
        .iter()
        .map(|v| v.abs().max(f64::MIN_POSITIVE).ln())
        .collect();
    let mx = data.ln_m.iter().sum::<f64>() / n;
    let my = ly.iter().sum::<f64>() / n;
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for (x, y) in data.ln_m.iter().zip(&ly) {
        sxx += (x - mx) * (x - mx);
        sxy += (x - mx) * (y - my);
    }
    if sxx <= 0.0 {
        return None;
    }
    let b = sxy / sxx;
    let a = (my - b * mx).exp();
    (a.is_finite() && b.is_finite()).then_some((a, b))
}

/// Above this many points the global search runs on [`bin`]ned data.
pub(crate) const BIN_ABOVE: usize = 400;
/// Number of bins of that search.
const BINS: usize = 128;

/// Consecutive points in size order grouped into [`BINS`] bins of equal count, each
/// replaced by its geometric mean size and its mean error (geometric for `log` loss).
pub(crate) fn bin(data: &Data, loss: Loss) -> Option<Data> {
    let mut order: Vec<usize> = (0..data.len()).collect();
    order.sort_by(|&a, &b| data.m[a].total_cmp(&data.m[b]));
    let per = data.len().div_ceil(BINS);
    let (mut m, mut y) = (Vec::new(), Vec::new());
    for chunk in order.chunks(per) {
        let n = chunk.len() as f64;
        m.push((chunk.iter().map(|&i| data.ln_m[i]).sum::<f64>() / n).exp());
        y.push(match loss {
            Loss::Log => (chunk.iter().map(|&i| data.ln_y[i]).sum::<f64>() / n).exp(),
            Loss::Linear => chunk.iter().map(|&i| data.y[i]).sum::<f64>() / n,
        });
    }
    Data::new(&m, &y, loss).ok()
}
