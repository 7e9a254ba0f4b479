// Scalefit's service worker: keeps the built page's own files (the list and the
// version below are written by scripts/offline.mjs after each build) so a reload
// without network opens the page and its permalinks. It answers only requests for
// those files (and the page's own address); anything else goes to the network
// untouched. A new deployment has a new version: its files are cached whole before
// it takes over, and the older caches are deleted.
const VERSION = "__SCALEFIT_VERSION__";
const FILES = ["__SCALEFIT_FILES__"];
const CACHE = `scalefit-${VERSION}`;
const scope = new URL(self.registration.scope);
const own = new Set(FILES.map((f) => new URL(f, scope).href));
own.add(scope.href);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((c) => c.addAll(FILES.map((f) => new Request(new URL(f, scope), { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("scalefit-") && k !== CACHE).map((k) => caches.delete(k)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  url.hash = "";
  url.search = "";
  // The page's address (a permalink is that address plus a fragment) is index.html.
  const key = url.href === scope.href ? new URL("index.html", scope).href : url.href;
  if (!own.has(url.href) && !own.has(key)) return;
  event.respondWith(
    caches.open(CACHE)
      .then((c) => c.match(key))
      .then((hit) => hit || fetch(req)),
  );
});
