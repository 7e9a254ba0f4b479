//! The shared fit's search: the profile `S(beta_g) = sum_i min SSR_i(beta_g)`, every
//! series solved globally at each shared value; screened on a grid by the members'
//! approximate profiles, evaluated exactly where the screen and the members' own
//! exponents point, refined by Brent's method.

use std::cell::RefCell;

use super::*;
use crate::fit::exponent_profile;
use crate::model::EXPONENT_GRID;

pub(super) fn beta_grid(n: usize, lo: f64, hi: f64) -> Vec<f64> {
    (0..n)
        .map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
        .collect()
}

/// Every member fitted with `beta_g` (and `gamma`) held: the summed SSR and the fits.
pub(super) fn profile(
    members: &[&Series],
    form: Form,
    loss: Loss,
    beta: f64,
    gamma: Option<f64>,
) -> Option<(f64, Vec<Fit>)> {
    let mut fixed = vec![("beta_g".to_string(), beta)];
    if let Some(g) = gamma {
        fixed.push(("gamma".to_string(), g));
    }
    let opts = FitOptions { loss, fixed };
    let mut total = 0.0;
    let mut fits = Vec::with_capacity(members.len());
    for s in members {
        let f = fit_form(&s.m, &s.y, form, &opts).ok()?;
        if !f.ssr.is_finite() {
            return None;
        }
        total += f.ssr;
        fits.push(f);
    }
    Some((total, fits))
}

/// Exponents the screen spans: [`EXPONENT_GRID`] in this many equal steps.
const SCREEN_STEPS: usize = 72;
/// Distinct minima of the screen evaluated exactly.
const SCREEN_MINIMA: usize = 3;
/// Floors tried when the floor is shared: this many nodes on `[0, 0.96 min y]`.
const FLOOR_NODES: usize = 13;

/// The restricted fit's global optimum over the shared values, in three stages.
///
/// 1. A screen: each member's approximate profile ([`exponent_profile`]: the fit's
///    own first stage, linear parameters in closed form and the knee on its grid
///    rows, no polish) at every exponent of [`EXPONENT_GRID`] in 72 steps, summed;
///    with a shared floor, least over the floor's grid. It costs about one fit per
///    member, where the exact profile costs one per member and exponent.
/// 2. The exact profile (every member fitted globally with the shared values held) at
///    the screen's three best distinct minima and at `seeds` (each member's own
///    exponent; a bootstrap adds the point estimate).
/// 3. Around the best of those, a bracket one screen step either side (walked
///    downhill while an end is lower) refined by Brent's method.
///
/// With a shared floor, the floor is profiled inside every exponent's evaluation (its
/// grid, then Brent). The result is the best exact evaluation of all stages.
pub(super) fn shared_search(
    members: &[&Series],
    form: Form,
    loss: Loss,
    shared: Shared,
    seeds: &[f64],
) -> Option<SharedFit> {
    let (lo, hi) = EXPONENT_GRID;
    let grid = beta_grid(SCREEN_STEPS + 1, lo, hi);
    let y_min = members
        .iter()
        .flat_map(|s| s.y.iter().copied())
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    let floors: Vec<Option<f64>> = match shared {
        Shared::BetaG => vec![None],
        Shared::BetaGGamma => {
            if !(y_min > 0.0 && y_min.is_finite()) {
                return None;
            }
            beta_grid(FLOOR_NODES, 0.0, 0.96 * y_min)
                .into_iter()
                .map(Some)
                .collect()
        }
    };
    // Stage 1: the screen.
    let mut screen = vec![f64::INFINITY; grid.len()];
    for g in &floors {
        let fixed: Vec<(String, f64)> = g.iter().map(|&g| ("gamma".to_string(), g)).collect();
        let mut total = vec![0.0; grid.len()];
        for s in members {
            let p = exponent_profile(&s.m, &s.y, form, loss, &fixed, &grid)?;
            for (t, v) in total.iter_mut().zip(p) {
                *t += v;
            }
        }
        for (best, t) in screen.iter_mut().zip(total) {
            if t < *best {
                *best = t;
            }
        }
    }
    // The best exact evaluation seen, with its fits: the answer.
    let best: RefCell<Option<Evaluation>> = RefCell::new(None);
    let eval = |b: f64, g: Option<f64>| -> Option<f64> {
        let (s, fits) = profile(members, form, loss, b, g)?;
        let mut keep = best.borrow_mut();
        if keep.as_ref().is_none_or(|k| s < k.0) {
            *keep = Some((s, b, g, fits));
        }
        Some(s)
    };
    // The objective at one exponent, its floor (when shared) profiled out.
    let at = |b: f64| -> f64 {
        let value = match shared {
            Shared::BetaG => eval(b, None),
            Shared::BetaGGamma => {
                let gs = beta_grid(FLOOR_NODES, 0.0, 0.96 * y_min);
                minimise_1d(&gs, |g| eval(b, Some(g))).map(|(_, s)| s)
            }
        };
        value.unwrap_or(f64::INFINITY)
    };
    // Stage 2: exact at the screen's minima and the seeds.
    let (x, fx) = screen_minima(&screen, SCREEN_MINIMA)
        .into_iter()
        .map(|c| grid[c])
        .chain(seeds.iter().copied().filter(|b| b.is_finite()))
        .map(|b| (b, at(b)))
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    if !fx.is_finite() {
        return None;
    }
    // Stage 3: bracket and Brent.
    let (a, x, b, fx) = bracket(x, fx, grid[1] - grid[0], &at);
    brent(a, x, b, fx, at);
    let (ssr, beta, gamma, fits) = best.into_inner()?;
    let k = fits.iter().map(|f| f.k).sum::<usize>() + shared.names().len();
    Some(SharedFit {
        beta_g: beta,
        gamma,
        fits,
        ssr,
        k,
    })
}

/// One exact evaluation of the profile: the summed SSR, the shared exponent and floor,
/// the members' fits.
type Evaluation = (f64, f64, Option<f64>, Vec<Fit>);

/// The lowest distinct local minima of `v` (no neighbour lower), best first: at most
/// `keep`, none within two nodes of a better one, none 100x above the best (the rule
/// of the fit's own grid).
fn screen_minima(v: &[f64], keep: usize) -> Vec<usize> {
    let lower = |j: Option<&f64>, x: f64| j.is_some_and(|&w| w < x);
    let mut minima: Vec<usize> = (0..v.len())
        .filter(|&i| {
            v[i].is_finite()
                && !lower(i.checked_sub(1).and_then(|j| v.get(j)), v[i])
                && !lower(v.get(i + 1), v[i])
        })
        .collect();
    minima.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let best = minima.first().map_or(f64::INFINITY, |&i| v[i]);
    let mut kept: Vec<usize> = Vec::new();
    for i in minima {
        if v[i] > 100.0 * best + 1e-300 || kept.iter().any(|&k| k.abs_diff(i) <= 2) {
            continue;
        }
        kept.push(i);
        if kept.len() == keep {
            break;
        }
    }
    kept
}

/// A bracket around `x` (value `fx`): its neighbours `h` either side, the middle moved
/// to a lower end while there is one (at most 32 steps). Returns `(a, x, b, f(x))`.
fn bracket(x: f64, fx: f64, h: f64, f: &impl Fn(f64) -> f64) -> (f64, f64, f64, f64) {
    let (mut x, mut fx) = (x, fx);
    let mut left = (x - h, f(x - h));
    let mut right = (x + h, f(x + h));
    for _ in 0..32 {
        if left.1 < fx && left.1 <= right.1 {
            right = (x, fx);
            (x, fx) = left;
            left = (x - h, f(x - h));
        } else if right.1 < fx {
            left = (x, fx);
            (x, fx) = right;
            right = (x + h, f(x + h));
        } else {
            break;
        }
    }
    (left.0, x, right.0, fx)
}

/// The minimum of `f` over a sorted grid, refined by Brent's method between the best
/// node's neighbours. `None` when `f` is undefined on every node.
pub(super) fn minimise_1d(grid: &[f64], f: impl Fn(f64) -> Option<f64>) -> Option<(f64, f64)> {
    let values: Vec<f64> = grid
        .iter()
        .map(|&x| f(x).unwrap_or(f64::INFINITY))
        .collect();
    let (best, &fbest) = values
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))?;
    if !fbest.is_finite() {
        return None;
    }
    let lo = grid[best.saturating_sub(1)];
    let hi = grid[(best + 1).min(grid.len() - 1)];
    let g = |x: f64| f(x).unwrap_or(f64::INFINITY);
    let (x, fx) = brent(lo, grid[best], hi, fbest, g);
    Some(if fx <= fbest {
        (x, fx)
    } else {
        (grid[best], fbest)
    })
}

/// Brent's minimisation on `[a, b]` from an interior point `x` with value `fx`: golden
/// sections with parabolic steps, to a relative tolerance of 1e-10 in `x`.
pub(super) fn brent(
    mut a: f64,
    x0: f64,
    mut b: f64,
    fx0: f64,
    f: impl Fn(f64) -> f64,
) -> (f64, f64) {
    const GOLD: f64 = 0.381_966_011_250_105_1;
    const TOL: f64 = 1e-10;
    let (mut x, mut w, mut v) = (x0, x0, x0);
    let (mut fx, mut fw, mut fv) = (fx0, fx0, fx0);
    let (mut d, mut e) = (0.0_f64, 0.0_f64);
    for _ in 0..100 {
        let mid = 0.5 * (a + b);
        let tol1 = TOL * x.abs() + 1e-12;
        let tol2 = 2.0 * tol1;
        if (x - mid).abs() <= tol2 - 0.5 * (b - a) {
            break;
        }
        let mut golden = true;
        if e.abs() > tol1 {
            let r = (x - w) * (fx - fv);
            let mut q = (x - v) * (fx - fw);
            let mut p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            }
            q = q.abs();
            if p.abs() < (0.5 * q * e).abs() && p > q * (a - x) && p < q * (b - x) {
                e = d;
                d = p / q;
                let u = x + d;
                if u - a < tol2 || b - u < tol2 {
                    d = if mid >= x { tol1 } else { -tol1 };
                }
                golden = false;
            }
        }
        if golden {
            e = if x >= mid { a - x } else { b - x };
            d = GOLD * e;
        }
        let u = if d.abs() >= tol1 {
            x + d
        } else {
            x + tol1.copysign(d)
        };
        let fu = f(u);
        if fu <= fx {
            if u >= x {
                a = x;
            } else {
                b = x;
            }
            (v, fv, w, fw, x, fx) = (w, fw, x, fx, u, fu);
        } else {
            if u < x {
                a = u;
            } else {
                b = u;
            }
            if fu <= fw || w == x {
                (v, fv, w, fw) = (w, fw, u, fu);
            } else if fu <= fv || v == x || v == w {
                (v, fv) = (u, fu);
            }
        }
    }
    (x, fx)
}
