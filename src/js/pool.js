// The page's pool of bootstrap workers (see src/worker.rs). Each worker loads the
// page's own wasm (the module and its glue that index.html preloads) and runs
// chunks of resamples; the results are handed back in resample order, whatever
// order the workers finish in. Starting a job cancels the last: its busy workers are
// terminated (a chunk cannot be interrupted) and replaced.
let slots = null;
let current = null;
let disabled = false;

function sources() {
  const js = document.querySelector('link[rel="modulepreload"][href*="scalefit-web"]');
  const wasm = document.querySelector('link[rel="preload"][href$=".wasm"]');
  return js && wasm ? { js: js.href, wasm: wasm.href } : null;
}

function spawn(src) {
  const w = new Worker(new URL("worker.js", document.baseURI), { type: "module" });
  w.postMessage({ init: src });
  return { w, job: null };
}

export function pool_available() {
  return !disabled && typeof Worker === "function" && sources() !== null;
}

export function pool_size() {
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
}

export function pool_disable() {
  pool_cancel();
  disabled = true;
}

export function pool_cancel() {
  const job = current;
  current = null;
  if (!job || !slots) return;
  job.cancelled = true;
  const src = sources();
  slots = slots.map((s) => {
    if (s.job !== job) return s;
    s.w.terminate();
    return spawn(src);
  });
}

export function pool_run(kind, state, total, chunk, onChunk, onFail) {
  pool_cancel();
  const src = sources();
  if (!slots) slots = Array.from({ length: pool_size() }, () => spawn(src));
  const job = { cancelled: false, next: 0, emitted: 0, results: new Map() };
  current = job;
  const fail = (why) => {
    if (job.cancelled) return;
    pool_cancel();
    onFail(String(why));
  };
  const emit = () => {
    while (!job.cancelled && job.results.has(job.emitted)) {
      const start = job.emitted;
      const r = job.results.get(start);
      job.results.delete(start);
      job.emitted = r.end;
      if (job.emitted >= total && current === job) current = null;
      onChunk(start, r.end, r.out);
    }
  };
  const feed = (slot) => {
    if (job.cancelled || job.next >= total) {
      if (slot.job === job) slot.job = null;
      return;
    }
    const start = job.next;
    const end = Math.min(total, start + chunk);
    job.next = end;
    slot.job = job;
    slot.w.onmessage = (ev) => {
      if (job.cancelled) return;
      const d = ev.data;
      if (d.error !== undefined || !(d.out instanceof Float64Array)) return fail(d.error);
      job.results.set(d.start, { end: d.end, out: d.out });
      feed(slot);
      emit();
    };
    slot.w.onerror = (e) => fail(e.message || "a worker failed");
    slot.w.postMessage({ kind, state, start, end });
  };
  for (const s of slots) feed(s);
}
