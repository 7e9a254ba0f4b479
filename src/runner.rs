//! Runs the bootstrap in slices so typing never waits for it: each slice refits
//! resamples for about [`SLICE_MS`] and yields to the browser with `setTimeout(0)`.
//! The chunk size adapts to the measured cost per resample. Resample `i` has its own
//! random stream in the core, so the chunked result equals the one-shot one. A newer
//! fit bumps the generation, and a slice of an older generation stops.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use scalefit_core::analysis::Analysis;

use crate::dom::now_ms;

/// Time a slice may run before yielding, in ms: leaves room in a 16 ms frame for
/// input and painting.
pub const SLICE_MS: f64 = 10.0;
/// Target duration of one chunk inside a slice, in ms (the time check happens
/// between chunks).
pub const CHUNK_MS: f64 = 3.0;
/// Chunk size of the first chunk, before anything is measured.
pub const FIRST_CHUNK: usize = 1;
/// Largest chunk.
pub const MAX_CHUNK: usize = 250;

/// The next chunk size from the measured cost of the last one.
pub fn next_chunk(last_size: usize, last_ms: f64) -> usize {
    if last_size == 0 || !(last_ms.is_finite()) || last_ms <= 0.0 {
        return (last_size.max(1) * 2).min(MAX_CHUNK);
    }
    let per = last_ms / last_size as f64;
    let want = (CHUNK_MS / per).floor() as usize;
    // Grow at most 4x at a time: a fast first chunk may be a warm cache.
    want.clamp(1, (last_size * 4).min(MAX_CHUNK))
}

/// Progress of the running bootstrap: `(done, total)`.
pub type Progress = (usize, usize);

struct Job {
    analysis: Analysis,
    total: usize,
    next: usize,
    chunk: usize,
    samples: Vec<Option<Vec<f64>>>,
    sizes: Vec<Option<[f64; 2]>>,
}

/// The bootstrap scheduler.
#[derive(Clone, Default)]
pub struct Runner {
    generation: Rc<Cell<u64>>,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("generation", &self.generation.get())
            .finish()
    }
}

impl Runner {
    /// Cancels whatever runs.
    pub fn cancel(&self) {
        self.generation.set(self.generation.get().wrapping_add(1));
    }

    /// Cancels whatever runs and starts the bootstrap of `analysis` (a point fit):
    /// `progress` is called after each slice, `done` with the finished analysis.
    pub fn start(
        &self,
        analysis: Analysis,
        progress: impl Fn(Progress) + 'static,
        done: impl FnOnce(Analysis) + 'static,
    ) {
        self.cancel();
        let total = analysis.options.bootstrap;
        if total == 0 {
            return;
        }
        let job = Job {
            analysis,
            total,
            next: 0,
            chunk: FIRST_CHUNK,
            samples: Vec::new(),
            sizes: Vec::new(),
        };
        progress((0, total));
        let state = Rc::new(RefCell::new(Some(job)));
        let generation = self.generation.get();
        schedule(
            self.generation.clone(),
            generation,
            state,
            Rc::new(progress),
            Rc::new(RefCell::new(Some(
                Box::new(done) as Box<dyn FnOnce(Analysis)>
            ))),
        );
    }
}

type Done = Rc<RefCell<Option<Box<dyn FnOnce(Analysis)>>>>;

fn schedule(
    current: Rc<Cell<u64>>,
    generation: u64,
    job: Rc<RefCell<Option<Job>>>,
    progress: Rc<dyn Fn(Progress)>,
    done: Done,
) {
    leptos::prelude::set_timeout(
        move || slice(current, generation, job, progress, done),
        Duration::ZERO,
    );
}

fn slice(
    current: Rc<Cell<u64>>,
    generation: u64,
    job_cell: Rc<RefCell<Option<Job>>>,
    progress: Rc<dyn Fn(Progress)>,
    done: Done,
) {
    if current.get() != generation {
        return;
    }
    let finished = {
        let mut guard = job_cell.borrow_mut();
        let Some(job) = guard.as_mut() else { return };
        let start = now_ms();
        while job.next < job.total {
            let end = (job.next + job.chunk).min(job.total);
            let t0 = now_ms();
            job.samples
                .extend(job.analysis.bootstrap_chunk(job.next..end));
            job.sizes
                .extend(job.analysis.size_bootstrap_chunk(job.next..end));
            job.chunk = next_chunk(end - job.next, now_ms() - t0);
            job.next = end;
            if now_ms() - start >= SLICE_MS {
                break;
            }
        }
        progress((job.next, job.total));
        if job.next >= job.total {
            guard.take()
        } else {
            None
        }
    };
    match finished {
        Some(job) => {
            let full = job.analysis.with_bootstrap(job.samples, job.sizes);
            if let Some(f) = done.borrow_mut().take() {
                f(full);
            }
        }
        None => schedule(current, generation, job_cell, progress, done),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_adapt_to_cost() {
        // 0.1 ms per resample: 30 fit in 3 ms, but growth is capped at 4x.
        assert_eq!(next_chunk(4, 0.4), 16);
        assert_eq!(next_chunk(16, 1.6), 30);
        // Slow resamples: one at a time.
        assert_eq!(next_chunk(10, 100.0), 1);
        // A timer too coarse to measure: double.
        assert_eq!(next_chunk(8, 0.0), 16);
        assert_eq!(next_chunk(200, 0.0), MAX_CHUNK);
    }
}
