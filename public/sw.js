// Anyuan's service worker: the app shell works with no network at all.
//
// This file is a template. `cargo xtask build` (xtask/src/pwa.rs) writes the
// build's version and precache list into dist/sw.js, so every build whose
// files differ has a byte-different sw.js and the browser installs it.
//
// - install: precache the shell ("/" = index.html, hashed JS/wasm/CSS,
//   manifest, icons) into "anyuan-<version>". No skipWaiting here: the page
//   posts {type: "SKIP_WAITING"} when the user taps "update", then reloads
//   once on controllerchange, so old and new assets never mix.
// - activate: delete older anyuan-* caches, take control of open pages.
// - fetch: /api/ is never intercepted (never cached, never answered from the
//   cache). App navigations get the cached shell; precached files come from
//   the cache; anything else goes to the network.

const VERSION = "__ANYUAN_VERSION__";
const PRECACHE = /*__ANYUAN_PRECACHE__*/ [];
const CACHE = "anyuan-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      if (VERSION.startsWith("__")) {
        // Not stamped (a plain `trunk build`): refuse to install a worker
        // that would cache nothing.
        throw new Error("sw.js was not stamped by `cargo xtask build`");
      }
      const cache = await caches.open(CACHE);
      // "no-cache": revalidate with the server, never trust a stale HTTP cache.
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "no-cache" })));
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("anyuan-") && name !== CACHE) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })()
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") {
    self.skipWaiting();
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The API always goes to the network, as if there were no worker.
  if (url.pathname === "/api" || url.pathname.startsWith("/api/")) return;

  const last = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
  if (request.mode === "navigate" && !last.includes(".")) {
    // An app route: the precached shell, whether or not the network is up
    // (a flaky network must not stall a cold start); the router takes over.
    event.respondWith(fromCache("/", request));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(fromCache(url.pathname, request));
  }
});

// The cached copy of `key` from this version's cache, else the network.
async function fromCache(key, request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key);
  return hit || fetch(request);
}
