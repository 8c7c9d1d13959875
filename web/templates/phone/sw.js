// Ruhu service worker. Served by server/webapp.py from a route with Cache-Control: no-cache;
// VERSION is a hash of everything precached, so any change to the shell installs a new worker.
// ASSETS: files of the phone and the shared modules they import, filled in as a string (linted).
// Never intercepts non-GET requests, nor /api/ except GET /api/forms (network first).
const VERSION = '{{ version }}';
const CACHE = `ruhu-shell-${VERSION}`;
const DATA = 'ruhu-data';
const ASSETS = '{{ assets | join(" ") }}'.split(' ');

// Each file is revalidated with the server (never taken from the HTTP cache unasked, so no stale
// mix), and the files the page has just loaded come back as 304s without their bodies.
self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(ASSETS.map((u) => new Request(u, { cache: 'no-cache' })));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key !== CACHE && key !== DATA) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
});

async function networkFirst(request) {
  const cache = await caches.open(DATA);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(request, res.clone());
    return res;
  } catch (e) {
    const hit = await cache.match(request);
    if (hit) return hit;
    throw e;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  return hit || fetch(request);
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) {
    if (url.pathname === '/api/forms' || url.pathname.startsWith('/api/forms/')) {
      event.respondWith(networkFirst(req));
    }
    return;
  }
  if (req.mode === 'navigate') {
    if (url.pathname === '/' || url.pathname === '/index.html') {
      event.respondWith(caches.open(CACHE).then((c) => c.match('/')).then((hit) => hit || fetch(req)));
    }
    return;
  }
  // Icons and the manifest are fetched by the browser itself (favicon, install checks): answered
  // from the cache only offline, so that no unread response keeps this worker busy and delays the
  // activation of a new version.
  const browserFetched = url.pathname.startsWith('/static/phone/icons/') || url.pathname === '/manifest.webmanifest';
  if (browserFetched && self.navigator.onLine) return;
  if (ASSETS.includes(url.pathname)) event.respondWith(cacheFirst(req));
});
