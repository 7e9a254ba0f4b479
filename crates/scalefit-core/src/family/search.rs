//! The shared fit's search: the profile `S(beta_g) = sum_i min SSR_i(beta_g)` over a
//! grid of shared values, every series solved globally at each, refined by Brent's
//! method between the best node's neighbours.

use super::*;

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

/// The restricted fit's global optimum over the shared values: `grid` scanned for
/// `beta_g`, the best node refined by Brent between its neighbours; with a shared
/// floor, the floor is profiled the same way inside every `beta_g` evaluation.
pub(super) fn shared_search(
    members: &[&Series],
    form: Form,
    loss: Loss,
    shared: Shared,
    grid: &[f64],
) -> Option<SharedFit> {
    let mut grid: Vec<f64> = grid.iter().copied().filter(|b| b.is_finite()).collect();
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    let y_min = members
        .iter()
        .flat_map(|s| s.y.iter().copied())
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    // The objective at one exponent, its floor (when shared) profiled out.
    let at = |b: f64| -> Option<(f64, Option<f64>)> {
        match shared {
            Shared::BetaG => profile(members, form, loss, b, None).map(|(s, _)| (s, None)),
            Shared::BetaGGamma => {
                if !(y_min > 0.0 && y_min.is_finite()) {
                    return None;
                }
                let gs = beta_grid(13, 0.0, 0.96 * y_min);
                let (g, s) = minimise_1d(&gs, |g| {
                    profile(members, form, loss, b, Some(g)).map(|(s, _)| s)
                })?;
                Some((s, Some(g)))
            }
        }
    };
    let (beta, _) = minimise_1d(&grid, |b| at(b).map(|(s, _)| s))?;
    let (_, gamma) = at(beta)?;
    let (ssr, fits) = profile(members, form, loss, beta, gamma)?;
    let k = fits.iter().map(|f| f.k).sum::<usize>() + shared.names().len();
    Some(SharedFit {
        beta_g: beta,
        gamma,
        fits,
        ssr,
        k,
    })
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
