//! The numerics under the joint law's fit: its residuals and objectives, the 3 x 3
//! non-negative least squares of the grid, a small dense solver, and the projected
//! Levenberg-Marquardt / IRLS polish (why it is hand-written: see [`super::joint`]).

use super::joint::JointLoss;

/// Runs prepared for the objective: logs of the sizes, the errors.
#[derive(Debug, Clone)]
pub(super) struct Obs {
    pub(super) ln_n: Vec<f64>,
    pub(super) ln_d: Vec<f64>,
    pub(super) y: Vec<f64>,
    pub(super) ln_y: Vec<f64>,
}

impl Obs {
    pub(super) fn new(ln_n: Vec<f64>, ln_d: Vec<f64>, y: Vec<f64>) -> Obs {
        let ln_y = y.iter().map(|v| v.ln()).collect();
        Obs {
            ln_n,
            ln_d,
            y,
            ln_y,
        }
    }

    pub(super) fn subset(&self, idx: &[usize]) -> Obs {
        Obs::new(
            idx.iter().map(|&i| self.ln_n[i]).collect(),
            idx.iter().map(|&i| self.ln_d[i]).collect(),
            idx.iter().map(|&i| self.y[i]).collect(),
        )
    }
}

fn huber(r: f64, delta: f64) -> f64 {
    let a = r.abs();
    if a <= delta {
        0.5 * r * r
    } else {
        delta * (a - 0.5 * delta)
    }
}

/// The loss of one residual.
fn loss_of(loss: JointLoss, delta: f64, r: f64) -> f64 {
    match loss {
        JointLoss::Huber => huber(r, delta),
        JointLoss::Log | JointLoss::Linear => r * r,
    }
}

/// Residual of run `i` at `p = [E, A, alpha, B, beta]`, with the model's terms.
#[inline]
fn residual(o: &Obs, loss: JointLoss, p: &[f64; 5], i: usize) -> (f64, f64, f64, f64) {
    let x = (-p[2] * o.ln_n[i]).exp();
    let z = (-p[4] * o.ln_d[i]).exp();
    let mu = p[0] + p[1] * x + p[3] * z;
    let r = match loss {
        JointLoss::Linear => mu - o.y[i],
        JointLoss::Log | JointLoss::Huber => mu.ln() - o.ln_y[i],
    };
    (r, mu, x, z)
}

pub(super) fn objective_obs(o: &Obs, loss: JointLoss, delta: f64, p: &[f64; 5]) -> f64 {
    let mut f = 0.0;
    for i in 0..o.y.len() {
        let r = residual(o, loss, p, i).0;
        f += loss_of(loss, delta, r);
    }
    if f.is_nan() {
        f64::INFINITY
    } else {
        f
    }
}

/// A polished optimum.
#[derive(Debug, Clone, Copy)]
pub(super) struct Local {
    pub(super) p: [f64; 5],
    pub(super) f: f64,
    pub(super) converged: bool,
}

/// Non-negative least squares of the 3 x 3 normal equations `m c = v` (with `yy` the
/// weighted sum of squared observations): the best of the unconstrained solutions on
/// each support that are non-negative, which is the constrained optimum (KKT).
pub(super) fn nnls3(m: &[[f64; 3]; 3], v: &[f64; 3], yy: f64) -> Option<[f64; 3]> {
    let mut best: Option<([f64; 3], f64)> = Some(([0.0; 3], yy));
    for mask in 1u8..8 {
        let idx: Vec<usize> = (0..3).filter(|k| mask & (1 << k) != 0).collect();
        let k = idx.len();
        let mut a = [0.0; 25];
        let mut b = [0.0; 5];
        for (r, &i) in idx.iter().enumerate() {
            for (c, &j) in idx.iter().enumerate() {
                a[r * k + c] = m[i][j];
            }
            b[r] = v[i];
        }
        if !solve(&mut a, &mut b, k) {
            continue;
        }
        if b[..k]
            .iter()
            .any(|c| c.is_nan() || *c < 0.0 || c.is_infinite())
        {
            continue;
        }
        let mut c = [0.0; 3];
        let mut cv = 0.0;
        for (r, &i) in idx.iter().enumerate() {
            c[i] = b[r];
            cv += b[r] * v[i];
        }
        let val = yy - cv;
        if best.is_none_or(|(_, bv)| val < bv) {
            best = Some((c, val));
        }
    }
    best.map(|(c, _)| c)
}

/// Solves the `n x n` system `a x = b` (row-major, `n <= 5`) in place by Gaussian
/// elimination with partial pivoting on the Jacobi-scaled system; `false` when it is
/// singular to working precision. The solution is left in `b`.
fn solve(a: &mut [f64; 25], b: &mut [f64; 5], n: usize) -> bool {
    // Jacobi scaling: the columns of the law differ by many orders of magnitude.
    let mut d = [1.0; 5];
    for i in 0..n {
        let v = a[i * n + i];
        if !(v > 0.0 && v.is_finite()) {
            return false;
        }
        d[i] = 1.0 / v.sqrt();
    }
    for i in 0..n {
        for j in 0..n {
            a[i * n + j] *= d[i] * d[j];
        }
        b[i] *= d[i];
    }
    for col in 0..n {
        let mut piv = col;
        for r in col + 1..n {
            if a[r * n + col].abs() > a[piv * n + col].abs() {
                piv = r;
            }
        }
        if a[piv * n + col].abs().is_nan() || a[piv * n + col].abs() <= 1e-13 {
            return false;
        }
        if piv != col {
            for j in 0..n {
                a.swap(col * n + j, piv * n + j);
            }
            b.swap(col, piv);
        }
        for r in col + 1..n {
            let f = a[r * n + col] / a[col * n + col];
            for j in col..n {
                a[r * n + j] -= f * a[col * n + j];
            }
            b[r] -= f * b[col];
        }
    }
    for col in (0..n).rev() {
        let mut s = b[col];
        for j in col + 1..n {
            s -= a[col * n + j] * b[j];
        }
        b[col] = s / a[col * n + col];
    }
    for i in 0..n {
        b[i] *= d[i];
    }
    b[..n].iter().all(|v| v.is_finite())
}

/// Bounded parameters (`E`, `A`, `B`), by index.
const BOUNDED: [bool; 5] = [true, true, false, true, false];

/// Projected Levenberg-Marquardt from `start` on the exact objective (IRLS weights for
/// `huber`; see the docs of [`super::joint`]). `None` when the start's objective is not
/// finite.
pub(super) fn polish(o: &Obs, loss: JointLoss, delta: f64, start: [f64; 5]) -> Option<Local> {
    let mut p = start;
    for k in 0..5 {
        if BOUNDED[k] {
            p[k] = p[k].max(0.0);
        }
    }
    let mut f = objective_obs(o, loss, delta, &p);
    if !f.is_finite() {
        return None;
    }
    let max_iter = match loss {
        JointLoss::Huber => 3000,
        JointLoss::Log | JointLoss::Linear => 500,
    };
    let mut lambda = 1e-3;
    let mut tiny = 0;
    let mut converged = false;
    for _ in 0..max_iter {
        if f == 0.0 {
            converged = true;
            break;
        }
        // Gradient g and (weighted) Gauss-Newton matrix h of the objective / 2.
        let mut g = [0.0; 5];
        let mut h = [[0.0; 5]; 5];
        for i in 0..o.y.len() {
            let (r, mu, x, z) = residual(o, loss, &p, i);
            let mut j = [1.0, x, -p[1] * x * o.ln_n[i], z, -p[3] * z * o.ln_d[i]];
            if loss != JointLoss::Linear {
                for v in &mut j {
                    *v /= mu;
                }
            }
            let (w, wr) = match loss {
                JointLoss::Huber => {
                    let a = r.abs();
                    if a <= delta {
                        (1.0, r)
                    } else {
                        (delta / a, delta * r.signum())
                    }
                }
                JointLoss::Log | JointLoss::Linear => (1.0, r),
            };
            for a in 0..5 {
                g[a] += wr * j[a];
                for b in a..5 {
                    h[a][b] += w * j[a] * j[b];
                }
            }
        }
        for a in 0..5 {
            for b in 0..a {
                h[a][b] = h[b][a];
            }
        }
        // Active set: a bounded parameter at 0 whose descent direction leaves the
        // feasible region is held.
        let free: Vec<usize> = (0..5)
            .filter(|&k| !(BOUNDED[k] && p[k] <= 0.0 && g[k] >= 0.0))
            .collect();
        let nf = free.len();
        if nf == 0 {
            converged = true;
            break;
        }
        let mut accepted = false;
        while lambda < 1e16 {
            let mut a = [0.0; 25];
            let mut b = [0.0; 5];
            for (r, &i) in free.iter().enumerate() {
                for (c, &j) in free.iter().enumerate() {
                    a[r * nf + c] = h[i][j];
                }
                a[r * nf + r] += lambda * h[i][i].max(1e-300);
                b[r] = -g[i];
            }
            if solve(&mut a, &mut b, nf) {
                let mut q = p;
                for (r, &i) in free.iter().enumerate() {
                    q[i] += b[r];
                    if BOUNDED[i] {
                        q[i] = q[i].max(0.0);
                    }
                }
                let fq = objective_obs(o, loss, delta, &q);
                if fq < f {
                    let gain = (f - fq) / f;
                    let step = free
                        .iter()
                        .map(|&i| ((q[i] - p[i]) / p[i].abs().max(1e-12)).abs())
                        .fold(0.0, f64::max);
                    p = q;
                    f = fq;
                    lambda = (lambda / 3.0).max(1e-12);
                    accepted = true;
                    if gain < 1e-15 || step < 1e-13 {
                        tiny += 1;
                    } else {
                        tiny = 0;
                    }
                    break;
                }
            }
            lambda *= 4.0;
        }
        if !accepted {
            // No step lowers the objective: a (local) minimum to working precision.
            converged = true;
            break;
        }
        if tiny >= 3 {
            converged = true;
            break;
        }
    }
    Some(Local { p, f, converged })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn small_solver_and_nnls() {
        let mut a = [0.0; 25];
        a[..4].copy_from_slice(&[2.0, 1.0, 1.0, 3.0]);
        let mut b = [3.0, 5.0, 0.0, 0.0, 0.0];
        assert!(solve(&mut a, &mut b, 2));
        assert!((b[0] - 0.8).abs() < 1e-12 && (b[1] - 1.4).abs() < 1e-12);
        // Unconstrained optimum has c1 < 0: NNLS drops it.
        let m = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        let c = nnls3(&m, &[1.0, -2.0, 3.0], 14.0).unwrap();
        assert_eq!(c, [1.0, 0.0, 3.0]);
    }
}
