//! The global search's first stage: the profile over the nonlinear parameters (the
//! exponent; the knee too, as rows) with the linear ones solved at every node
//! ([`NodeSolve`]), its lowest distinct local minima, and the starts they give the
//! polish. What is linear, the bases and the grid's extent are the form's table entry
//! ([`crate::model::Spec`]); nothing here names a form.

use super::solve::{NodeSolve, RowSolve, RowSums};
use super::{loglog_line, Search};
use crate::model::{Loss, EXPONENT_GRID, MAX_PARAMS};

/// One grid node of the profile: natural parameters and the (approximate) objective.
#[derive(Debug, Clone)]
struct Node {
    params: [f64; MAX_PARAMS],
    ssr: f64,
}

impl Search<'_> {
    /// Profile over the nonlinear parameters (`beta_g`; a knee `m0` too, as rows).
    /// Returns the grid as rows over `m0` (one row for a form without a knee) of
    /// columns over `beta_g`.
    fn profile_grid(&self) -> Vec<Vec<Node>> {
        self.profile_grid_over(None)
    }

    /// The approximate profile at each exponent of `betas` (equally spaced, ascending):
    /// the node objective with the linear parameters solved, least over the knee's
    /// rows. What [`super::exponent_profile`] returns.
    pub(super) fn exponent_profile(&self, betas: &[f64]) -> Vec<f64> {
        let grid = self.profile_grid_over(Some(betas));
        (0..betas.len())
            .map(|c| {
                grid.iter()
                    .filter_map(|row| row.get(c))
                    .map(|n| n.ssr)
                    .fold(f64::INFINITY, f64::min)
            })
            .collect()
    }

    /// [`Search::profile_grid`] over the exponents `betas` (equally spaced) instead of
    /// the form's grid, when given.
    fn profile_grid_over(&self, betas: Option<&[f64]>) -> Vec<Vec<Node>> {
        let Search {
            form,
            loss,
            data,
            holds,
        } = *self;
        let spec = form.spec();
        let n = data.len();
        let bi = spec.exponent;
        let betas: Vec<f64> = if let Some(b) = betas {
            b.to_vec()
        } else if holds.held[bi] {
            vec![holds.values[bi]]
        } else {
            let steps = spec.exponent_steps;
            let (lo, hi) = EXPONENT_GRID;
            (0..=steps)
                .map(|k| lo + (hi - lo) * k as f64 / steps as f64)
                .collect()
        };
        let (lo, hi) = data
            .ln_m
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        let ln_m0s: Vec<f64> = match spec.knee {
            Some(k) if holds.held[k.index] => vec![holds.values[k.index].ln()],
            Some(k) => {
                let (below, above) = k.grid_decades;
                let (a, b) = (
                    lo - below * std::f64::consts::LN_10,
                    hi + above * std::f64::consts::LN_10,
                );
                let steps = k.grid_steps;
                (0..=steps)
                    .map(|k| a + (b - a) * k as f64 / steps as f64)
                    .collect()
            }
            None => vec![0.0],
        };
        let lin_idx = spec.linear;
        let free = [
            lin_idx[0].is_some_and(|i| !holds.held[i]),
            lin_idx[1].is_some_and(|i| !holds.held[i]),
        ];
        // Weights: 1/y turns the linear residual into the relative one that log loss
        // squares; a form with a relative grid ([`Spec::relative_grid`]) is screened
        // on relative residuals under linear loss too.
        let w2: Vec<f64> = match loss {
            Loss::Linear if !spec.relative_grid => vec![1.0; n],
            _ => data.y.iter().map(|v| 1.0 / (v * v)).collect(),
        };
        let held_value = |slot: usize| {
            lin_idx[slot]
                .filter(|&j| holds.held[j])
                .map_or(0.0, |j| holds.values[j])
        };
        let solver = NodeSolve {
            form,
            y: &data.y,
            w2: &w2,
            held: [held_value(0), held_value(1)],
            free,
            gamma_slot: spec.floor_slot(),
        };
        let mut x_buf = Vec::with_capacity(n);
        let mut factor_buf = Vec::with_capacity(n);
        // A third nonlinear parameter repeats the rows at each of its values.
        let thirds: Vec<Option<f64>> = match spec.third {
            Some(t) if holds.held[t.index] => vec![Some(holds.values[t.index])],
            Some(t) => t.grid.iter().map(|&v| Some(v)).collect(),
            None => vec![None],
        };
        // A row's bases, point-major (see `NodeSolve::row_sums`), and its nodes' sums.
        let cols = betas.len();
        let mut bases = vec![0.0; n * cols];
        let mut sums = RowSums::new(cols);
        let mut pre = RowSolve::new(cols);
        let mut solved = Vec::with_capacity(cols);
        let mut grid = Vec::with_capacity(ln_m0s.len() * thirds.len());
        for &third in &thirds {
            for &u in &ln_m0s {
                let m0 = u.exp();
                // The basis is exp(b x_i) ([`Form::grid_x`]), times a factor for some
                // forms ([`Form::grid_factor`]); on the uniform beta grid each step
                // multiplies it by exp(db x_i): one product per point instead of one
                // exp.
                //
                // [`Form::grid_x`]: crate::model::Form::grid_x
                // [`Form::grid_factor`]: crate::model::Form::grid_factor
                let x = form.grid_x(m0, &data.m, &data.ln_m, &mut x_buf);
                let factor =
                    third.and_then(|t| form.grid_factor(m0, t, &data.ln_m, &mut factor_buf));
                let db = if betas.len() > 1 {
                    betas[1] - betas[0]
                } else {
                    0.0
                };
                let b0 = betas.first().copied().unwrap_or(0.0);
                let implicit = third.filter(|_| spec.implicit);
                for (i, (v, row)) in x.iter().zip(bases.chunks_exact_mut(cols)).enumerate() {
                    if let Some(t) = implicit {
                        // A basis solved per node ([`Form::implicit_basis`]), each
                        // solve started from the previous column's.
                        //
                        // [`Form::implicit_basis`]: crate::model::Form::implicit_basis
                        let mut state = f64::NAN;
                        for (f, &b) in row.iter_mut().zip(&betas) {
                            *f = form.implicit_basis(b * v, t, &mut state);
                        }
                        continue;
                    }
                    let step = (db * v).exp();
                    let mut a = (b0 * v).exp() * factor.map_or(1.0, |f| f[i]);
                    for (k, f) in row.iter_mut().enumerate() {
                        if k > 0 {
                            a *= step;
                        }
                        *f = a;
                    }
                }
                solver.row_sums(&bases, &mut sums);
                solver.finish_row(&bases, &sums, &mut pre, &mut solved);
                let mut row = Vec::with_capacity(cols);
                for (&b, &solved) in betas.iter().zip(&solved) {
                    let mut p = [0.0; MAX_PARAMS];
                    p[bi] = b;
                    if let Some(k) = spec.knee {
                        p[k.index] = m0;
                    }
                    if let (Some(t), Some(v)) = (spec.third, third) {
                        p[t.index] = v;
                    }
                    holds.apply(&mut p);
                    let node = match solved {
                        Some((c, approx_ssr)) => {
                            for (slot, idx) in lin_idx.iter().enumerate() {
                                if let Some(j) = idx {
                                    if !holds.held[*j] {
                                        p[*j] = c[slot];
                                    }
                                }
                            }
                            // A coefficient bounded below that solves negative: not a
                            // node of the bounded problem.
                            let outside = spec.positive.is_some_and(|a| p[a] < 0.0);
                            Node {
                                params: p,
                                ssr: if outside { f64::INFINITY } else { approx_ssr },
                            }
                        }
                        None => Node {
                            params: p,
                            ssr: f64::INFINITY,
                        },
                    };
                    row.push(node);
                }
                grid.push(row);
            }
        }
        grid
    }

    /// Starts for the polish: the best distinct minima of the profile grid, and the
    /// log-log line when the grid does not cover it.
    ///
    /// Within the grid's exponent range the log-log start (the fit with the floor at
    /// 0) is dominated by the profile, whose linear solve includes `gamma = 0`:
    /// polishing it only reached a grid minimum's optimum again (on every reference
    /// curve), at a third to a half of the fit's time. It is kept when its exponent
    /// lies outside the grid, when the exponent is held (the grid is then one column)
    /// and when the grid finds no minimum.
    pub(super) fn starts(&self) -> Vec<Vec<f64>> {
        let Search {
            form, data, holds, ..
        } = *self;
        let mut starts: Vec<Vec<f64>> = Vec::new();
        if !self.exact_line() {
            let grid = self.profile_grid();
            // Rows come in blocks of the knee's rows, one per value of a third
            // parameter: neighbours only within a block.
            let blocks = form
                .spec()
                .third
                .filter(|t| !holds.held[t.index])
                .map_or(1, |t| t.grid.len());
            for (p, _) in grid_minima(&grid, 3, (grid.len() / blocks).max(1)) {
                starts.push(p[..form.n_params()].to_vec());
            }
        }
        if let Some((a, b)) = loglog_line(data) {
            let covered = !starts.is_empty()
                && !holds.held[form.beta_index()]
                && (EXPONENT_GRID.0..=EXPONENT_GRID.1).contains(&b);
            if !covered {
                starts.push(form.line_start(a, b, data.m_min(), data.y_min()));
            }
        }
        starts
    }
}

/// Minima kept from each block of a grid with a third parameter: its best two. The
/// grid's objective only approximates the log loss, and at a coarse value of the
/// third parameter a break at the edge of the data can rank just above the basin
/// that holds the optimum (a property-test curve: 0.0256 at the edge against 0.0263
/// in the right basin).
const PER_BLOCK: usize = 2;

/// The lowest local minima of the profile grid (8-neighbourhood within each block of
/// `block` rows), best first.
fn grid_minima(
    grid: &[Vec<Node>],
    keep: usize,
    block: usize,
) -> Vec<([f64; MAX_PARAMS], (usize, usize))> {
    let mut minima: Vec<(&Node, (usize, usize))> = Vec::new();
    for (r, row) in grid.iter().enumerate() {
        let first = r - r % block;
        let end = (first + block).min(grid.len());
        for (c, node) in row.iter().enumerate() {
            if !node.ssr.is_finite() {
                continue;
            }
            // The 3 x 3 block around the node (the node itself is not below itself),
            // left at the first lower neighbour: most nodes have one (3 % more fits
            // per second than testing all eight with signed offsets).
            let is_min = !grid[r.saturating_sub(1).max(first)..(r + 2).min(end)]
                .iter()
                .any(|row| {
                    row[c.saturating_sub(1)..(c + 2).min(row.len())]
                        .iter()
                        .any(|other| other.ssr < node.ssr)
                });
            if is_min {
                minima.push((node, (r, c)));
            }
        }
    }
    minima.sort_by(|a, b| a.0.ssr.total_cmp(&b.0.ssr));
    // A basin whose best node is 100x worse than the best node does not hold the
    // global minimum in practice; its polish would only drift to a bound.
    let best = minima.first().map_or(f64::INFINITY, |m| m.0.ssr);
    minima.retain(|m| m.0.ssr <= 100.0 * best + 1e-300);
    // Minima within two nodes of a better one lie in the same basin: polishing both
    // would find the same optimum twice. With several blocks (a third parameter's
    // values), first the best minima of each block ([`PER_BLOCK`]): a basin at another value of the
    // third parameter can rank low on the grid and still hold the optimum (the
    // broken power law's change of exponent trading against its floor).
    let mut kept: Vec<([f64; MAX_PARAMS], (usize, usize))> = Vec::new();
    let blocks = grid.len().div_ceil(block);
    if blocks > 1 {
        for b in 0..blocks {
            let mut in_block = 0;
            for (node, (r, c)) in minima.iter().filter(|(_, (r, _))| r / block == b) {
                if kept.iter().any(|(_, (kr, kc))| {
                    r / block == *kr / block && r.abs_diff(*kr) <= 2 && c.abs_diff(*kc) <= 2
                }) {
                    continue;
                }
                kept.push((node.params, (*r, *c)));
                in_block += 1;
                if in_block == PER_BLOCK {
                    break;
                }
            }
        }
    }
    // Then the next best, to `keep` in all (`keep - 1` more beside the blocks').
    let limit = if blocks > 1 {
        kept.len() + keep - 1
    } else {
        keep
    };
    for (node, (r, c)) in minima {
        if kept.len() >= limit {
            break;
        }
        if kept.iter().any(|(_, (kr, kc))| {
            r / block == *kr / block && r.abs_diff(*kr) <= 2 && c.abs_diff(*kc) <= 2
        }) {
            continue;
        }
        kept.push((node.params, (r, c)));
    }
    // Best first (the polish gives the first start full patience).
    kept.sort_by(|a, b| {
        let ssr = |at: (usize, usize)| grid[at.0][at.1].ssr;
        ssr(a.1).total_cmp(&ssr(b.1))
    });
    kept
}
