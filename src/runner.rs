//! Runs the bootstrap in slices so typing never waits for it: each slice refits
//! resamples for about [`SLICE_MS`] and yields to the browser with `setTimeout(0)`.
//! The chunk size adapts to the measured cost per resample. Resample `i` has its own
//! random stream in the core, so the chunked result equals the one-shot one. A newer
//! fit bumps the generation, and a slice of an older generation stops.

use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::rc::Rc;
use std::time::Duration;

use scalefit_core::analysis::Analysis;
use wasm_bindgen::closure::Closure;

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

/// Work done in chunks of resamples: resample `i` depends on `i` only, so any chunking
/// gives the same result.
pub trait Job: 'static {
    /// What the finished job gives.
    type Done: 'static;
    /// Resamples to run.
    fn total(&self) -> usize;
    /// Runs resamples `range` (in order, each once).
    fn run(&mut self, range: Range<usize>);
    /// The result, once every resample ran.
    fn finish(self) -> Self::Done;
}

/// A job the worker pool can run (`crate::worker`): which bootstrap, of which state,
/// and how a chunk's encoded refits are taken in.
pub trait Offload: Job {
    /// [`crate::worker::CURVE`] or [`crate::worker::JOINT`].
    fn kind(&self) -> u32;
    /// The state whose point fit this job resamples, as JSON.
    fn state(&self) -> &str;
    /// Takes in resamples `range` from a worker's array; `false` when the array is not
    /// this job's (another point fit, or malformed).
    fn accept(&mut self, range: Range<usize>, out: &[f64]) -> bool;
}

/// The bootstrap of a point fit: the learning curve's and the model-size law's
/// resamples.
struct AnalysisJob {
    analysis: Analysis,
    state: String,
    samples: Vec<Option<Vec<f64>>>,
    sizes: Vec<Option<[f64; 2]>>,
}

impl Offload for AnalysisJob {
    fn kind(&self) -> u32 {
        crate::worker::CURVE
    }
    fn state(&self) -> &str {
        &self.state
    }
    fn accept(&mut self, _: Range<usize>, out: &[f64]) -> bool {
        match crate::worker::decode_curve(out, &self.analysis.fit.params) {
            Some((samples, sizes)) => {
                self.samples.extend(samples);
                self.sizes.extend(sizes);
                true
            }
            None => false,
        }
    }
}

impl Job for AnalysisJob {
    type Done = Analysis;
    fn total(&self) -> usize {
        self.analysis.options.bootstrap
    }
    fn run(&mut self, range: Range<usize>) {
        self.samples
            .extend(self.analysis.bootstrap_chunk(range.clone()));
        self.sizes.extend(self.analysis.size_bootstrap_chunk(range));
    }
    fn finish(self) -> Analysis {
        self.analysis.with_bootstrap(self.samples, self.sizes)
    }
}

/// A job with its place in the schedule.
struct Running<J> {
    job: J,
    total: usize,
    next: usize,
    chunk: usize,
}

/// The closures the worker pool calls back, kept while their job may still call.
type PoolCallbacks = (
    Closure<dyn FnMut(usize, usize, js_sys::Float64Array)>,
    Closure<dyn FnMut(String)>,
);

/// The bootstrap scheduler: one job at a time; starting one cancels the last. Jobs run
/// on the worker pool when the page has one, else (or should the pool fail) in slices
/// on the main thread. Several runners share the pool (each cancels only its own job).
#[derive(Clone, Default)]
pub struct Runner {
    generation: Rc<Cell<u64>>,
    callbacks: Rc<RefCell<Option<PoolCallbacks>>>,
    /// The pool's id of this runner's last job there.
    pool_job: Rc<Cell<u32>>,
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
        if self.callbacks.borrow().is_some() && pool::available() {
            pool::cancel(self.pool_job.get());
        }
    }

    /// Cancels whatever runs and starts the bootstrap of `analysis` (the point fit of
    /// `state`, as JSON): `progress` is called after each chunk, `done` with the
    /// finished analysis.
    pub fn start(
        &self,
        analysis: Analysis,
        state: String,
        progress: impl Fn(Progress) + 'static,
        done: impl FnOnce(Analysis) + 'static,
    ) {
        let job = AnalysisJob {
            analysis,
            state,
            samples: Vec::new(),
            sizes: Vec::new(),
        };
        self.start_offload(job, progress, done);
    }

    /// Cancels whatever runs and starts `job` on the worker pool (in slices on the main
    /// thread without one); should the pool fail or return another fit, the job goes on
    /// in slices from where the pool stopped.
    pub fn start_offload<J: Offload>(
        &self,
        job: J,
        progress: impl Fn(Progress) + 'static,
        done: impl FnOnce(J::Done) + 'static,
    ) {
        if !pool::available() {
            return self.start_job(job, progress, done);
        }
        let (kind, state, total) = (job.kind(), job.state().to_owned(), job.total());
        let Some(cell) = self.begin(job, &progress, "workers") else {
            return;
        };
        let generation = self.generation.get();
        let current = self.generation.clone();
        let progress: Rc<dyn Fn(Progress)> = Rc::new(progress);
        let done: Done<J::Done> = Rc::new(RefCell::new(Some(Box::new(done))));
        // Goes on in slices here, later (never inside the pool's callback).
        let fallback = {
            let (current, cell, progress, done) = (
                current.clone(),
                cell.clone(),
                progress.clone(),
                done.clone(),
            );
            move || {
                if current.get() == generation {
                    pool::disable();
                    crate::dom::set_root_attribute("data-bootstrap-on", "main-thread");
                    schedule(
                        current.clone(),
                        generation,
                        cell.clone(),
                        progress.clone(),
                        done.clone(),
                    );
                }
            }
        };
        let on_chunk = {
            let fallback = fallback.clone();
            let pool_job = self.pool_job.clone();
            move |start: usize, end: usize, out: js_sys::Float64Array| {
                if current.get() != generation {
                    return;
                }
                let (ok, next) = {
                    let mut guard = cell.borrow_mut();
                    let Some(r) = guard.as_mut() else { return };
                    let ok =
                        start == r.next && end > start && r.job.accept(start..end, &out.to_vec());
                    if ok {
                        r.next = end;
                    }
                    (ok, r.next)
                };
                if !ok {
                    pool::cancel(pool_job.get());
                    fallback();
                    return;
                }
                progress((next, total));
                if next >= total {
                    let (cell, done, current) = (cell.clone(), done.clone(), current.clone());
                    leptos::prelude::set_timeout(
                        move || {
                            if current.get() != generation {
                                return;
                            }
                            let finished = cell.borrow_mut().take();
                            if let (Some(r), Some(f)) = (finished, done.borrow_mut().take()) {
                                f(r.job.finish());
                            }
                        },
                        Duration::ZERO,
                    );
                }
            }
        };
        let on_fail = move |_why: String| fallback();
        let callbacks: PoolCallbacks = (Closure::new(on_chunk), Closure::new(on_fail));
        let id = pool::run(
            kind,
            &state,
            total,
            crate::worker::chunk_size(total, pool::size()),
            &callbacks.0,
            &callbacks.1,
        );
        self.pool_job.set(id);
        // The last job's callbacks go now: the pool was told to forget them.
        *self.callbacks.borrow_mut() = Some(callbacks);
    }

    /// Cancels whatever runs and sets `job` up at its first resample, reporting
    /// progress 0 and where it runs (`data-bootstrap-on`, for the tests and the
    /// benchmark); `None` for a job of no resamples.
    #[allow(clippy::type_complexity)]
    fn begin<J: Job>(
        &self,
        job: J,
        progress: &dyn Fn(Progress),
        on: &str,
    ) -> Option<Rc<RefCell<Option<Running<J>>>>> {
        self.cancel();
        let total = job.total();
        if total == 0 {
            return None;
        }
        crate::dom::set_root_attribute("data-bootstrap-on", on);
        progress((0, total));
        Some(Rc::new(RefCell::new(Some(Running {
            job,
            total,
            next: 0,
            chunk: FIRST_CHUNK,
        }))))
    }

    /// Cancels whatever runs and starts `job` in slices on the main thread: `progress`
    /// is called after each slice, `done` with its result. A job of no resamples does
    /// not start.
    pub fn start_job<J: Job>(
        &self,
        job: J,
        progress: impl Fn(Progress) + 'static,
        done: impl FnOnce(J::Done) + 'static,
    ) {
        let Some(state) = self.begin(job, &progress, "main-thread") else {
            return;
        };
        let generation = self.generation.get();
        let done: Done<J::Done> = Rc::new(RefCell::new(Some(Box::new(done))));
        schedule(
            self.generation.clone(),
            generation,
            state,
            Rc::new(progress),
            done,
        );
    }
}

type Done<T> = Rc<RefCell<Option<Box<dyn FnOnce(T)>>>>;

fn schedule<J: Job>(
    current: Rc<Cell<u64>>,
    generation: u64,
    job: Rc<RefCell<Option<Running<J>>>>,
    progress: Rc<dyn Fn(Progress)>,
    done: Done<J::Done>,
) {
    leptos::prelude::set_timeout(
        move || slice(current, generation, job, progress, done),
        Duration::ZERO,
    );
}

fn slice<J: Job>(
    current: Rc<Cell<u64>>,
    generation: u64,
    job_cell: Rc<RefCell<Option<Running<J>>>>,
    progress: Rc<dyn Fn(Progress)>,
    done: Done<J::Done>,
) {
    if current.get() != generation {
        return;
    }
    let finished = {
        let mut guard = job_cell.borrow_mut();
        let Some(r) = guard.as_mut() else { return };
        let start = now_ms();
        while r.next < r.total {
            let end = (r.next + r.chunk).min(r.total);
            let t0 = now_ms();
            r.job.run(r.next..end);
            r.chunk = next_chunk(end - r.next, now_ms() - t0);
            r.next = end;
            if now_ms() - start >= SLICE_MS {
                break;
            }
        }
        progress((r.next, r.total));
        if r.next >= r.total {
            guard.take()
        } else {
            None
        }
    };
    match finished {
        Some(r) => {
            let full = r.job.finish();
            if let Some(f) = done.borrow_mut().take() {
                f(full);
            }
        }
        None => schedule(current, generation, job_cell, progress, done),
    }
}

/// The worker pool of `src/js/pool.js`.
mod pool {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/js/pool.js")]
    extern "C" {
        #[wasm_bindgen(js_name = pool_available)]
        fn js_available() -> bool;
        #[wasm_bindgen(js_name = pool_size)]
        fn js_size() -> usize;
        #[wasm_bindgen(js_name = pool_disable)]
        fn js_disable();
        #[wasm_bindgen(js_name = pool_cancel)]
        fn js_cancel(id: u32);
        #[wasm_bindgen(js_name = pool_run)]
        fn js_run(
            kind: u32,
            state: &str,
            total: usize,
            chunk: usize,
            on_chunk: &Closure<dyn FnMut(usize, usize, js_sys::Float64Array)>,
            on_fail: &Closure<dyn FnMut(String)>,
        ) -> u32;
    }

    /// Whether the page has a pool (a browser with workers, a built page); never in
    /// native tests.
    pub fn available() -> bool {
        cfg!(target_arch = "wasm32") && js_available()
    }

    pub fn size() -> usize {
        js_size()
    }

    /// No more jobs on the pool (one failed): the page goes on in slices.
    pub fn disable() {
        js_disable();
    }

    /// Cancels the pool's job `id`; the others go on.
    pub fn cancel(id: u32) {
        js_cancel(id);
    }

    pub fn run(
        kind: u32,
        state: &str,
        total: usize,
        chunk: usize,
        on_chunk: &Closure<dyn FnMut(usize, usize, js_sys::Float64Array)>,
        on_fail: &Closure<dyn FnMut(String)>,
    ) -> u32 {
        js_run(kind, state, total, chunk, on_chunk, on_fail)
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
