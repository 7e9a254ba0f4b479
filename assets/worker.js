// A bootstrap worker (src/worker.rs): loads the page's own wasm, then runs the chunks
// of resamples the page's pool (src/js/pool.js) sends, one at a time.
// The page's module and glue (their URLs) come in the first message; chunks that
// arrive before it wait for it.
let init;
const ready = new Promise((resolve) => { init = resolve; });
self.onmessage = (ev) => {
  const m = ev.data;
  if (m.init) {
    init(import(m.init.js).then(async (mod) => {
      await mod.default({ module_or_path: m.init.wasm });
      return mod;
    }));
    return;
  }
  ready
    .then((mod) => {
      const out = mod.worker_run(m.kind, m.state, m.start, m.end);
      self.postMessage({ start: m.start, end: m.end, out }, [out.buffer]);
    })
    .catch((e) => self.postMessage({ start: m.start, end: m.end, error: String((e && e.message) || e) }));
};
