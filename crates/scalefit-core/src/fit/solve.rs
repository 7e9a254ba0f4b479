//! The linear solve at one profile-grid node (variable projection), and its row
//! kernels: every node of a grid row summed and solved in passes the compiler
//! vectorizes, to the bits of the node-by-node solve.

use crate::model::Form;

/// Linear least squares for the linear parameters at fixed nonlinear ones: minimises
/// `sum w_i^2 (y_i - sum_j (c_j + h_j) phi_ij)^2` over the free `c_j` of one or two
/// bases, `phi_i = [a_i, other(a_i)]` with `a` the node's `basis`, `h_j` the held
/// values (0 when free). `gamma >= 0` is enforced by dropping it when it comes out
/// negative. Returns the coefficients (NaN where not free) and the weighted SSR, which
/// for `log` loss approximates the objective to first order; it only ranks grid
/// nodes.
pub(super) struct NodeSolve<'a> {
    pub(super) form: Form,
    pub(super) y: &'a [f64],
    /// Squared weights.
    pub(super) w2: &'a [f64],
    pub(super) held: [f64; 2],
    pub(super) free: [bool; 2],
    pub(super) gamma_slot: Option<usize>,
}

/// The sums of one grid node's normal equations, from one pass over the points:
/// `s_jk = sum w2 phi_j phi_k`, `r_j = sum w2 phi_j t` and the target's own `tt =
/// sum w2 t^2` (see [`NodeSolve`]).
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    s00: f64,
    s01: f64,
    s11: f64,
    r0: f64,
    r1: f64,
    tt: f64,
}

impl Sums {
    /// The weighted SSR of coefficients `c` from the sums (the quadratic form, exact
    /// algebra), and the size of its terms (the sum of their magnitudes), which
    /// [`NodeSolve::finish`] compares it with.
    #[inline(always)]
    fn quadratic_form(&self, c: [f64; 2]) -> (f64, f64) {
        let terms = [
            self.tt,
            -2.0 * c[0] * self.r0,
            -2.0 * c[1] * self.r1,
            c[0] * c[0] * self.s00,
            2.0 * c[0] * c[1] * self.s01,
            c[1] * c[1] * self.s11,
        ];
        let q: f64 = terms.iter().sum();
        let size: f64 = terms.iter().map(|t| t.abs()).sum();
        (q, size)
    }
}

/// [`Sums`] of every node of a grid row, by field: `s00[j]` is column `j`'s.
#[derive(Debug, Clone)]
pub(super) struct RowSums {
    s00: Vec<f64>,
    s01: Vec<f64>,
    s11: Vec<f64>,
    r0: Vec<f64>,
    r1: Vec<f64>,
    tt: Vec<f64>,
}

impl RowSums {
    pub(super) fn new(cols: usize) -> RowSums {
        let z = vec![0.0; cols];
        RowSums {
            s00: z.clone(),
            s01: z.clone(),
            s11: z.clone(),
            r0: z.clone(),
            r1: z.clone(),
            tt: z,
        }
    }

    fn node(&self, j: usize) -> Sums {
        Sums {
            s00: self.s00[j],
            s01: self.s01[j],
            s11: self.s11[j],
            r0: self.r0[j],
            r1: self.r1[j],
            tt: self.tt[j],
        }
    }
}

/// Scratch of [`NodeSolve::finish_row`], per column: the determinant, the solution
/// with both coefficients free (`c0`, `c1`) and its quadratic form's value and size,
/// and the one with the floor dropped (`d0`; `q0`, `size0`).
#[derive(Debug, Clone)]
pub(super) struct RowSolve {
    det: Vec<f64>,
    c0: Vec<f64>,
    c1: Vec<f64>,
    q: Vec<f64>,
    size: Vec<f64>,
    d0: Vec<f64>,
    q0: Vec<f64>,
    size0: Vec<f64>,
}

impl RowSolve {
    pub(super) fn new(cols: usize) -> RowSolve {
        let z = vec![0.0; cols];
        RowSolve {
            det: z.clone(),
            c0: z.clone(),
            c1: z.clone(),
            q: z.clone(),
            size: z.clone(),
            d0: z.clone(),
            q0: z.clone(),
            size0: z,
        }
    }
}

impl NodeSolve<'_> {
    /// The second basis function of the form ([`crate::model::Second`]).
    fn other(&self, a: f64) -> f64 {
        self.form.spec().second.of(a)
    }

    /// One node's sums, node by node: the reference that [`NodeSolve::row_sums`]
    /// matches bit for bit (tested).
    #[cfg(test)]
    fn sums(&self, basis: &[f64]) -> Sums {
        let mut s = Sums::default();
        for ((&a, &y), &w2) in basis.iter().zip(self.y).zip(self.w2) {
            let b = self.other(a);
            let t = y - self.held[0] * a - self.held[1] * b;
            let (wa, wb) = (w2 * a, w2 * b);
            s.s00 += wa * a;
            s.s01 += wa * b;
            s.s11 += wb * b;
            s.r0 += wa * t;
            s.r1 += wb * t;
            s.tt += w2 * t * t;
        }
        s
    }

    /// The sums of every node of a grid row, `sums.s00[j]` for column `j` and so on.
    /// `bases` holds the row's bases point-major: `bases[i * cols + j]` for point `i`
    /// and column `j`, `cols` the length of `sums`' vectors.
    ///
    /// Each node's sums are the same operations in the same order as a loop over the
    /// points node by node (so the same bits; `NodeSolve::sums` in the tests), but the
    /// loop over the points is the outer one: the inner loop runs over the columns,
    /// independent of each other, which the compiler vectorizes (two nodes per SIMD
    /// instruction). Node by node, the six running sums are serial chains the compiler
    /// could only run as scalar code, with spills; they were 14 % of a three-region
    /// fit (BENCHMARKS.md, "Search budget"), and this loop order gave about 6 % more
    /// fits per second (`tr_prof`). Accumulating blocks of two or four columns in
    /// registers instead, the points inside, measured the same (within 1 %).
    pub(super) fn row_sums(&self, bases: &[f64], sums: &mut RowSums) {
        let [h0, h1] = self.held;
        // `other` as a select on loop invariants ([`crate::model::Second::select`]),
        // which the vectorized loop takes in its stride: with `other`'s match inside the
        // loop, it was not vectorized (12 % fewer fits per second), and a closure per
        // form, as fast, cost three copies of the loop in the page's wasm.
        let (one_minus, constant) = self.form.spec().second.select();
        let cols = sums.s00.len();
        for v in [
            &mut sums.s00,
            &mut sums.s01,
            &mut sums.s11,
            &mut sums.r0,
            &mut sums.r1,
            &mut sums.tt,
        ] {
            v.fill(0.0);
        }
        let RowSums {
            s00,
            s01,
            s11,
            r0,
            r1,
            tt,
        } = sums;
        for ((row, &y), &w2) in bases.chunks_exact(cols).zip(self.y).zip(self.w2) {
            let cols = row
                .iter()
                .zip(s00.iter_mut())
                .zip(s01.iter_mut())
                .zip(s11.iter_mut())
                .zip(r0.iter_mut())
                .zip(r1.iter_mut())
                .zip(tt.iter_mut());
            for ((((((&a, s00), s01), s11), r0), r1), tt) in cols {
                let b = if one_minus { 1.0 - a } else { constant };
                let t = y - h0 * a - h1 * b;
                let (wa, wb) = (w2 * a, w2 * b);
                *s00 += wa * a;
                *s01 += wa * b;
                *s11 += wb * b;
                *r0 += wa * t;
                *r1 += wb * t;
                *tt += w2 * t * t;
            }
        }
    }

    /// [`NodeSolve::finish`] of every node of a grid row, into `out` (cleared first);
    /// `bases` and `sums` as for [`NodeSolve::row_sums`].
    ///
    /// In the common case, both linear parameters free with the floor in slot 1
    /// (three-region and power-floor without holds), the arithmetic of both of a
    /// node's candidate solutions (the floor free, and dropped at 0) runs for the
    /// whole row in one loop over the columns, which the compiler vectorizes (two
    /// nodes per instruction, the divisions included); node by node only the
    /// decisions remain. The operations are [`NodeSolve::finish`]'s, so the results
    /// are its bits; a node it would treat otherwise (singular, not a number, under
    /// the cancellation guard) goes through it. Node by node, `finish` was 7 % of a
    /// three-region fit's time; this gave 9 % more fits per second (`tr_prof`).
    pub(super) fn finish_row(
        &self,
        bases: &[f64],
        sums: &RowSums,
        pre: &mut RowSolve,
        out: &mut Vec<Option<([f64; 2], f64)>>,
    ) {
        out.clear();
        let cols = sums.s00.len();
        if self.free != [true, true] || self.gamma_slot != Some(1) {
            out.extend((0..cols).map(|j| self.finish(&bases[j..], cols, sums.node(j))));
            return;
        }
        let (s00, s01, s11) = (&sums.s00[..cols], &sums.s01[..cols], &sums.s11[..cols]);
        let (r0, r1, tt) = (&sums.r0[..cols], &sums.r1[..cols], &sums.tt[..cols]);
        let RowSolve {
            det,
            c0,
            c1,
            q,
            size,
            d0,
            q0,
            size0,
        } = pre;
        let (det, c0, c1, q) = (
            &mut det[..cols],
            &mut c0[..cols],
            &mut c1[..cols],
            &mut q[..cols],
        );
        let (size, d0, q0, size0) = (
            &mut size[..cols],
            &mut d0[..cols],
            &mut q0[..cols],
            &mut size0[..cols],
        );
        for j in 0..cols {
            let node = Sums {
                s00: s00[j],
                s01: s01[j],
                s11: s11[j],
                r0: r0[j],
                r1: r1[j],
                tt: tt[j],
            };
            let d = node.s00 * node.s11 - node.s01 * node.s01;
            det[j] = d;
            let c = [
                (node.r0 * node.s11 - node.r1 * node.s01) / d,
                (node.s00 * node.r1 - node.s01 * node.r0) / d,
            ];
            (c0[j], c1[j]) = (c[0], c[1]);
            (q[j], size[j]) = node.quadratic_form(c);
            d0[j] = node.r0 / node.s00;
            (q0[j], size0[j]) = node.quadratic_form([d0[j], 0.0]);
        }
        for j in 0..cols {
            // `Some(result)` where the precomputed arithmetic settles the node.
            let settled = || -> Option<Option<([f64; 2], f64)>> {
                if det[j].abs() <= 1e-300 || !det[j].is_finite() {
                    return Some(None);
                }
                let c = [c0[j], c1[j]];
                // `finish` takes the quadratic form only above its cancellation guard.
                let form_holds = q[j] > 1e-8 * size[j];
                if c[0].is_nan() || c[1].is_nan() || !form_holds {
                    return None;
                }
                if !q[j].is_finite() || c.iter().any(|v| v.is_infinite()) {
                    return Some(None);
                }
                if c[1] >= 0.0 {
                    return Some(Some((c, q[j])));
                }
                // The floor came out negative: dropped, at 0.
                let form_holds = q0[j] > 1e-8 * size0[j];
                if d0[j].is_nan() || !form_holds {
                    return None;
                }
                Some((q0[j].is_finite() && !d0[j].is_infinite()).then_some(([d0[j], 0.0], q0[j])))
            };
            out.push(match settled() {
                Some(result) => result,
                None => self.finish(&bases[j..], cols, sums.node(j)),
            });
        }
    }

    /// The node's coefficients and SSR from its sums. Its basis, for the direct sum of
    /// the cancellation guard, is every `stride`-th entry of `basis`.
    fn finish(&self, basis: &[f64], stride: usize, sums: Sums) -> Option<([f64; 2], f64)> {
        let Sums {
            s00,
            s01,
            s11,
            r0,
            r1,
            ..
        } = sums;
        let ssr_of = |c: [f64; 2]| -> f64 {
            // The quadratic form is exact algebra but cancels when the fit is nearly
            // perfect or the bases nearly collinear (beta_g near 0 against the
            // floor's constant, with huge coefficients of opposite signs): when it
            // comes out below 1e-8 of the size of its terms (its rounding error could
            // then exceed about 1e-7 of it), the residuals are summed directly.
            let (q, size) = sums.quadratic_form(c);
            if q > 1e-8 * size {
                return q;
            }
            let mut ssr = 0.0;
            for ((&a, &y), &w2) in basis.iter().step_by(stride).zip(self.y).zip(self.w2) {
                let b = self.other(a);
                let r = y - (self.held[0] + c[0]) * a - (self.held[1] + c[1]) * b;
                ssr += w2 * r * r;
            }
            ssr
        };
        let solve = |free: [bool; 2]| -> Option<([f64; 2], f64)> {
            let c = match free {
                [true, true] => {
                    let det = s00 * s11 - s01 * s01;
                    if det.abs() <= 1e-300 || !det.is_finite() {
                        return None;
                    }
                    [(r0 * s11 - r1 * s01) / det, (s00 * r1 - s01 * r0) / det]
                }
                [true, false] => [r0 / s00, f64::NAN],
                [false, true] => [f64::NAN, r1 / s11],
                [false, false] => [f64::NAN, f64::NAN],
            };
            let used = [
                if c[0].is_nan() { 0.0 } else { c[0] },
                if c[1].is_nan() { 0.0 } else { c[1] },
            ];
            let ssr = ssr_of(used);
            (ssr.is_finite() && c.iter().all(|v| !v.is_infinite())).then_some((c, ssr))
        };
        let (c, ssr) = solve(self.free)?;
        if let Some(g) = self.gamma_slot {
            if self.free[g] && c[g] < 0.0 {
                let mut f = self.free;
                f[g] = false;
                let (mut c2, ssr2) = solve(f)?;
                c2[g] = 0.0;
                return Some((c2, ssr2));
            }
        }
        Some((c, ssr))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::Loss;

    fn sizes(n: usize, lo: f64, hi: f64) -> Vec<f64> {
        (0..n)
            .map(|i| (lo.ln() + (hi.ln() - lo.ln()) * i as f64 / (n - 1) as f64).exp())
            .collect()
    }

    #[test]
    fn node_ssr_is_the_residuals() {
        // A grid node's SSR is computed from the normal equations' sums; it must be
        // the SSR of the residuals of its own coefficients, summed directly, over
        // the grid's whole range: nearly collinear bases (beta_g near 0, huge
        // coefficients of opposite signs) and bases spanning many decades.
        let m = sizes(25, 10.0, 1e7);
        let flat: Vec<f64> = (0..m.len())
            .map(|i| 0.5 + 0.004 * ((i * 7 % 5) as f64 - 2.0))
            .collect();
        let falling: Vec<f64> = m
            .iter()
            .enumerate()
            .map(|(i, &v)| 0.1 + 3.0 * v.powf(-0.4) * (1.0 + 0.01 * ((i * 3 % 4) as f64 - 1.5)))
            .collect();
        let w2 = vec![1.0; m.len()];
        let mut checked = 0;
        for y in [&flat, &falling] {
            for form in [Form::PowerFloor, Form::ThreeRegion] {
                let solver = NodeSolve {
                    form,
                    y,
                    w2: &w2,
                    held: [0.0, 0.0],
                    free: [true, true],
                    gamma_slot: None,
                };
                let betas: Vec<f64> = (0..=60)
                    .map(|k| -3.0 + 4.5 * f64::from(k) / 60.0 + 1e-7)
                    .collect();
                let cols = betas.len();
                for m0 in [1e-1, 1e1, 1e3, 1e5, 1e8] {
                    // The row's bases point-major, as the grid lays them out.
                    let mut bases = vec![0.0; m.len() * cols];
                    for (&v, row) in m.iter().zip(bases.chunks_exact_mut(cols)) {
                        for (f, &beta) in row.iter_mut().zip(&betas) {
                            *f = match form {
                                Form::ThreeRegion => (beta * (v / m0).ln_1p()).exp(),
                                _ => v.powf(beta),
                            };
                        }
                    }
                    let mut sums = RowSums::new(cols);
                    solver.row_sums(&bases, &mut sums);
                    for (j, beta) in betas.iter().enumerate() {
                        let basis: Vec<f64> = bases.iter().skip(j).step_by(cols).copied().collect();
                        // The row's sums are the node-by-node sums, to the bit.
                        let (row, node) = (sums.node(j), solver.sums(&basis));
                        assert_eq!(
                            [row.s00, row.s01, row.s11, row.r0, row.r1, row.tt].map(f64::to_bits),
                            [node.s00, node.s01, node.s11, node.r0, node.r1, node.tt]
                                .map(f64::to_bits)
                        );
                        let Some((c, ssr)) = solver.finish(&bases[j..], cols, row) else {
                            continue;
                        };
                        let direct: f64 = basis
                            .iter()
                            .zip(y.iter())
                            .map(|(&a, &y)| (y - c[0] * a - c[1] * solver.other(a)).powi(2))
                            .sum();
                        assert!(
                            (ssr - direct).abs() <= 1e-6 * direct,
                            "{form:?} beta {beta} m0 {m0}: node {ssr} vs residuals {direct} (c = {c:?})"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 500, "{checked} nodes checked");
    }

    #[test]
    fn row_finish_matches_node_by_node() {
        // `finish_row`'s precomputed path must give `finish`'s results to the bit,
        // over rows whose nodes take every branch: a negative floor dropped, the
        // cancellation guard (exact data at its own exponent), singular and
        // overflowing bases (the power law's m^1.5 up to m = 1e250).
        let m = sizes(25, 10.0, 1e7);
        let exact: Vec<f64> = m.iter().map(|&v| 0.1 + 3.0 * v.powf(-0.4)).collect();
        let below: Vec<f64> = m.iter().map(|&v| 3.0 * v.powf(-0.4) - 0.02).collect();
        let noisy: Vec<f64> = exact
            .iter()
            .enumerate()
            .map(|(i, &v)| v * (1.0 + 0.01 * ((i * 3 % 4) as f64 - 1.5)))
            .collect();
        let huge = sizes(25, 10.0, 1e250);
        let betas: Vec<f64> = (0..=72).map(|k| -3.0 + 4.5 * f64::from(k) / 72.0).collect();
        let cols = betas.len();
        let (mut branches, mut checked) = ([0usize; 3], 0);
        for (m, y) in [(&m, &exact), (&m, &below), (&m, &noisy), (&huge, &exact)] {
            for loss in Loss::ALL {
                let w2: Vec<f64> = match loss {
                    Loss::Log => y.iter().map(|v| 1.0 / (v * v)).collect(),
                    Loss::Linear => vec![1.0; y.len()],
                };
                for form in [Form::PowerFloor, Form::ThreeRegion] {
                    let solver = NodeSolve {
                        form,
                        y,
                        w2: &w2,
                        held: [0.0, 0.0],
                        free: [true, true],
                        gamma_slot: Some(1),
                    };
                    for m0 in [1e-1, 1e3, 1e8] {
                        let mut bases = vec![0.0; m.len() * cols];
                        for (&v, row) in m.iter().zip(bases.chunks_exact_mut(cols)) {
                            for (f, &beta) in row.iter_mut().zip(&betas) {
                                *f = match form {
                                    Form::ThreeRegion => (beta * (v / m0).ln_1p()).exp(),
                                    _ => v.powf(beta),
                                };
                            }
                        }
                        let mut sums = RowSums::new(cols);
                        solver.row_sums(&bases, &mut sums);
                        let (mut pre, mut out) = (RowSolve::new(cols), Vec::new());
                        solver.finish_row(&bases, &sums, &mut pre, &mut out);
                        for (j, row) in out.iter().enumerate() {
                            let node = solver.finish(&bases[j..], cols, sums.node(j));
                            let bits = |r: &Option<([f64; 2], f64)>| {
                                r.map(|(c, s)| [c[0], c[1], s].map(f64::to_bits))
                            };
                            assert_eq!(bits(row), bits(&node), "{form:?} {loss:?} m0 {m0} col {j}");
                            let (sums, c) = (sums.node(j), [pre.c0[j], pre.c1[j]]);
                            let (q, size) = sums.quadratic_form(c);
                            branches[0] += usize::from(node.is_none());
                            branches[1] += usize::from(pre.c1[j] < 0.0);
                            branches[2] += usize::from(q <= 1e-8 * size);
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(
            branches.iter().all(|&b| b > 0),
            "{branches:?} of {checked}: none, floor dropped, guard"
        );
    }
}
