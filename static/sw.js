// Stapstenen's service worker: the app shell offline, small wins queued offline, and reminders.
// Private pages are never cached: navigations go to the network and fall back to the offline page,
// which holds no one's data. The shell (CSS, JS, pictograms, icons) is precached under a versioned
// cache, so a repeat visit fetches only the HTML document.
"use strict";

// Filled in by the server (webapp/pwa/views.py) when it serves this file.
var VERSION = "__VERSION__";
var SHELL = __SHELL__;
var QUEUE_SCRIPT = "__QUEUE__";
// The app's URLs this worker needs (it cannot read a page's data- attributes): offline, manifest, did_it,
// static (the prefix of the shell's files), week (where a notification opens) and sync (the queue's doors,
// one per kind of item).
var URLS = __URLS__;
var PUBLIC_PAGES = [URLS.offline, URLS.manifest];
var CACHE = "stapstenen-" + VERSION;

importScripts(QUEUE_SCRIPT);
StapQueue.syncUrl = URLS.sync;

self.addEventListener("install", function (event) {
  // No skipWaiting: a new version waits until the person taps "new version — tap to refresh".
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL.concat(PUBLIC_PAGES)); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("stapstenen-") === 0 && key !== CACHE;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  var type = event.data && event.data.type;
  if (type === "skip-waiting") self.skipWaiting();
  // The language changed: the offline page and manifest are kept again in the new one.
  if (type === "refresh-public") {
    event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(PUBLIC_PAGES); }));
  }
  if (type === "flush") event.waitUntil(StapQueue.flush());
});

function offlinePage() {
  return caches.match(URLS.offline).then(function (page) {
    return page || new Response("", {status: 503, statusText: "Offline"});
  });
}

// "I did it!" posted without a connection: the win goes into the queue and the offline page shows it.
function postWinOrQueue(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return copy.formData().then(function (form) {
      var uuid = form.get("client_uuid"), pick = form.get("pick");
      if (!uuid || !pick) return offlinePage();
      return StapQueue.add({client_uuid: uuid, pick: pick, text: form.get("text") || null}).then(function () {
        if (self.registration.sync) self.registration.sync.register("wins").catch(function () {});
        return offlinePage();
      });
    }, offlinePage);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate" && url.pathname === URLS.did_it) {
    event.respondWith(postWinOrQueue(request));
    return;
  }
  if (request.method === "POST" && request.mode === "navigate") {
    // The padlock (or the idle lock) without a connection, or any other form: the offline page, which
    // holds no one's data, rather than the browser's error page over a private screen.
    event.respondWith(fetch(request).catch(offlinePage));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));  // network first, and never stored
    return;
  }
  if (url.pathname.indexOf(URLS.static) === 0 || url.pathname === URLS.manifest) {
    event.respondWith(caches.match(request).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (response) {
        // Versioned files never change, so one fetched outside the shell is kept as well.
        if (response.ok && url.searchParams.has("v")) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    }));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "wins") event.waitUntil(StapQueue.flush());
});


var ANSWERS = ["coming", "cannot_come"];

self.addEventListener("push", function (event) {
  var d = {};
  try { d = event.data ? event.data.json() : {}; } catch (e) { d = {}; }
  var options = {
    body: d.body || "",
    icon: d.icon,
    lang: d.lang,
    dir: d.dir || "auto",
    data: {id: d.id, url: d.url || URLS.week, reply: d.reply || null},
    actions: d.reply && Array.isArray(d.actions) ? d.actions.slice(0, 2) : []
  };
  var show = function (old) {
    if (d.tag) {
      options.tag = d.tag;  // one notification per appointment: a newer reminder replaces the older one
      // A new reminder rings again; the same reminder pushed twice (a retried send) replaces it silently.
      options.renotify = old.length > 0 && !old.some(function (n) { return n.data && n.data.id === d.id; });
    }
    return self.registration.showNotification(d.title || "Stapstenen", options);
  };
  event.waitUntil(self.registration.getNotifications(d.tag ? {tag: d.tag} : {}).then(show, function () { return show([]); }));
});

function openApp(url) {
  var target = new URL(url, self.location.origin);
  return self.clients.matchAll({type: "window", includeUncontrolled: true}).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (new URL(windows[i].url).pathname === target.pathname && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(target.href);
  });
}

self.addEventListener("notificationclick", function (event) {
  var data = event.notification.data || {};
  event.notification.close();
  if (ANSWERS.indexOf(event.action) >= 0 && data.reply) {
    // The answer goes straight to the server; if it cannot (offline, moved), the app opens instead.
    event.waitUntil(fetch(data.reply.url, {
      method: "POST", credentials: "omit", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({token: data.reply.token, answer: event.action})
    }).then(function (r) { if (!r.ok) return openApp(data.url); }, function () { return openApp(data.url); }));
    return;
  }
  event.waitUntil(openApp(data.url || URLS.week));
});
