// Registers the service worker (sw.js, next to the page) a few seconds after the page
// has loaded: caching its files re-downloads them, which must not compete with the
// wasm's compile and the first plot.
if ("serviceWorker" in navigator) {
  addEventListener("load", () => {
    setTimeout(() => {
      navigator.serviceWorker.register("sw.js").catch(() => {
        // Offline use is a convenience: a browser that refuses it (private mode,
        // file://) still runs the page.
      });
    }, 3000);
  });
}
