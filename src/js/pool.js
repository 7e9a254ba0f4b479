// The page's pool of bootstrap workers (see src/worker.rs). Each worker loads the
// page's own wasm (the module and its glue that index.html preloads) and runs
// chunks of resamples; each job's results are handed back in resample order,
// whatever order the workers finish in. Several jobs may run at once (the learning
// curve's and a family's): the workers take their chunks in turn. Cancelling a job
// terminates the workers busy with it (a chunk cannot be interrupted); they are
// replaced when there is work again, and a new job's workers start after the task
// that asked for it (not while the page fits and draws an edit). The other jobs go on.
let slots = null;
const jobs = new Map(); // id -> job, in start order
let nextId = 1;
let turn = 0;
let disabled = false;

function sources() {
  const js = document.querySelector('link[rel="modulepreload"][href*="scalefit-web"]');
  const wasm = document.querySelector('link[rel="preload"][href$=".wasm"]');
  return js && wasm ? { js: js.href, wasm: wasm.href } : null;
}

function spawn(src) {
  const w = new Worker(new URL("worker.js", document.baseURI), { type: "module" });
  w.postMessage({ init: src });
  return w;
}

export function pool_available() {
  return !disabled && typeof Worker === "function" && sources() !== null;
}

export function pool_size() {
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
}

// No more jobs on the pool: every running job is cancelled and told so (later, never
// inside the caller), so it can go on elsewhere.
// (A job its owner cancels before then is not told: its callbacks may be gone.)
const toTell = new Set();
export function pool_disable() {
  const running = [...jobs.values()];
  pool_cancel(0);
  disabled = true;
  for (const job of running) {
    toTell.add(job.id);
    setTimeout(() => {
      if (toTell.delete(job.id)) job.onFail("the worker pool is off");
    }, 0);
  }
}

// Cancels job `id` (0: every job).
export function pool_cancel(id) {
  if (id !== 0) toTell.delete(id);
  const gone = [...jobs.values()].filter((j) => id === 0 || j.id === id);
  for (const job of gone) {
    job.cancelled = true;
    jobs.delete(job.id);
  }
  if (!slots || gone.length === 0) return;
  for (const s of slots) {
    if (s.job && s.job.cancelled) {
      s.w.terminate();
      s.w = null;
      s.job = null;
    }
  }
  for (const s of slots) if (!s.job) feed(s);
}

// The next job with resamples to hand out, the jobs taking turns.
function pick() {
  const live = [...jobs.values()].filter((j) => !j.cancelled && j.next < j.total);
  if (live.length === 0) return null;
  turn = (turn + 1) % live.length;
  return live[turn];
}

function feed(slot) {
  const job = pick();
  slot.job = job;
  if (!job) return;
  if (!slot.w) slot.w = spawn(sources());
  const start = job.next;
  const end = Math.min(job.total, start + job.chunk);
  job.next = end;
  slot.w.onmessage = (ev) => {
    if (job.cancelled) return;
    const d = ev.data;
    if (d.error !== undefined || !(d.out instanceof Float64Array)) return job.fail(d.error);
    job.results.set(d.start, { end: d.end, out: d.out });
    feed(slot);
    job.emit();
  };
  slot.w.onerror = (e) => job.fail(e.message || "a worker failed");
  slot.w.postMessage({ kind: job.kind, state: job.state, start, end });
}

// Starts a job; returns its id (for `pool_cancel`).
export function pool_run(kind, state, total, chunk, onChunk, onFail) {
  if (!slots) slots = Array.from({ length: pool_size() }, () => ({ w: null, job: null }));
  const job = { id: nextId++, kind, state, total, chunk, cancelled: false, next: 0, emitted: 0,
    results: new Map(), onFail };
  job.fail = (why) => {
    if (job.cancelled) return;
    pool_cancel(job.id);
    onFail(String(why));
  };
  job.emit = () => {
    while (!job.cancelled && job.results.has(job.emitted)) {
      const start = job.emitted;
      const r = job.results.get(start);
      job.results.delete(start);
      job.emitted = r.end;
      if (job.emitted >= total) jobs.delete(job.id);
      onChunk(start, r.end, r.out);
    }
  };
  jobs.set(job.id, job);
  setTimeout(() => {
    for (const s of slots) if (!s.job) feed(s);
  }, 0);
  return job.id;
}
