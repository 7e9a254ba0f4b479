// Shows a notice when the page's WebAssembly stops. The release build aborts on a
// panic without a message (`panic = immediate-abort`, ARCHITECTURE.md "Builds"), so a
// trap would otherwise leave a page that silently stops answering. A classic script,
// loaded before the module that starts the wasm, so it is listening from the start.
(() => {
  const TEXT = "Scalefit stopped: its WebAssembly program hit an internal error and can no " +
    "longer respond. Your data is saved in this browser; reload the page to continue.";
  const isWasmError = (e) => typeof WebAssembly === "object" &&
    (e instanceof WebAssembly.RuntimeError || e instanceof WebAssembly.CompileError ||
      e instanceof WebAssembly.LinkError);
  function notice() {
    if (document.getElementById("wasm-trap")) return;
    const box = document.createElement("div");
    box.id = "wasm-trap";
    box.className = "trap-notice";
    box.setAttribute("role", "alert");
    box.textContent = TEXT;
    (document.body || document.documentElement).append(box);
  }
  addEventListener("error", (ev) => { if (isWasmError(ev.error)) notice(); });
  addEventListener("unhandledrejection", (ev) => { if (isWasmError(ev.reason)) notice(); });
})();
