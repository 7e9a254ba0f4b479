// Registers the service worker (sw.js, next to the page) once the page has loaded,
// so caching its files never competes with the first load.
if ("serviceWorker" in navigator) {
  addEventListener("load", () => {
    navigator.serviceWorker.register("sw.js").catch(() => {
      // Offline use is a convenience: a browser that refuses it (private mode,
      // file://) still runs the page.
    });
  });
}
