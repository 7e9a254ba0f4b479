// Trunk's one post-build hook: runs the three steps in order (Trunk may run the hooks
// of one stage at the same time, and each step needs the one before it): move the
// inline loader out and set the CSP (csp.mjs), minify the wasm-bindgen JavaScript
// (minify-js.mjs), then list every built file, the loader included, in the service
// worker (offline.mjs).
await import("./csp.mjs");
await import("./minify-js.mjs");
await import("./offline.mjs");
