// Markwell's service worker. Its one job: when a page can't be reached for
// want of a connection, show a friendly offline page instead of the
// browser's error. Markwell's pages hold children's marks and reports, so
// it caches nothing but that page's own files: never a page, an /api/ call
// or a server function's answer, which might then outlive a sign-out or be
// read by the next person on a shared phone.

// Bump the version when any of these files changes, so phones fetch them anew.
const CACHE = "markwell-offline-v1";
const OFFLINE = "/offline.html";
const FILES = [
  OFFLINE,
  "/offline.css",
  "/favicon.svg",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-192.png",
  "/icons/icon-maskable-512.png",
  "/icons/apple-touch-icon.png",
];

self.addEventListener("install", (event) => {
  // "reload" skips the HTTP cache, so an update can't store a stale copy.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // Drops earlier versions' caches, and takes charge of tabs that are
  // already open, so they too get the offline page without a reload.
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  // The offline page's own files come from the cache, so it is styled
  // even with no connection. Nothing personal is among them.
  const url = new URL(request.url);
  if (url.origin === self.location.origin && FILES.includes(url.pathname) && !url.search) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
    return;
  }
  // Otherwise only page loads. Everything else (the app's files, /api/
  // calls, server functions) goes to the network as if there were no worker.
  if (request.mode !== "navigate") return;
  event.respondWith(
    (async () => {
      try {
        // The answer goes to the page and nowhere else: it is not cached.
        return await fetch(request);
      } catch {
        // fetch fails only when the server can't be reached; an error page
        // from the server (a 404, a 500) still reaches the page as it is.
        return (await caches.match(OFFLINE)) || Response.error();
      }
    })(),
  );
});
