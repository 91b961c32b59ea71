// Throughline's service worker: keeps the app shell available with no network.
//
// `cargo xtask build` (xtask/src/post_build.rs) replaces the two placeholders below
// with the build's id and the list of its files. A new build is a new worker with a new
// cache; it waits until the page asks it to take over ("Update available — reload"), so
// one page never mixes files of two builds.
"use strict";

const BUILD = "__THROUGHLINE_BUILD__";
const PRECACHE = __THROUGHLINE_PRECACHE__;
const CACHE = "throughline-" + BUILD;
const SCOPE = self.registration.scope;
const INDEX = new URL("index.html", SCOPE).href;

// A build's hashed files (`name-<hex hash>.ext`, as Trunk names them, and everything in
// the wasm's `app-<hex hash>/` folder; the relay serves both as immutable) never change
// under their name: the worker takes them from the HTTP
// cache the page has just filled, so a first visit downloads each of them once. Any other
// file (index.html, the manifest, icons) is checked with the server first, so the worker
// never keeps a stale copy.
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.[a-z0-9]+$|(^|\/)app-[0-9a-f]{16}\//;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll(
        PRECACHE.map((path) => new Request(new URL(path, SCOPE).href, { cache: HASHED.test(path) ? "default" : "no-cache" })),
      ),
    ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((name) => name.startsWith("throughline-") && name !== CACHE).map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") {
    self.skipWaiting();
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE)) {
    return;
  }
  if (request.mode === "navigate") {
    // Every page of the app is index.html; the router inside shows the right one.
    event.respondWith(
      caches.open(CACHE).then((cache) =>
        cache.match(INDEX).then((cached) => cached || fetch(request)),
      ),
    );
    return;
  }
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(request).then((cached) => cached || fetch(request)),
    ),
  );
});
