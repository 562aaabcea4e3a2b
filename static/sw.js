// Stapstenen service worker. For now it does one thing: reminders. It shows a pushed reminder and sends
// the answer from its buttons. It has no fetch handler and caches nothing, so no private page is kept.
"use strict";

var ANSWERS = ["coming", "cannot_come"];

self.addEventListener("push", function (event) {
  var d = {};
  try { d = event.data ? event.data.json() : {}; } catch (e) { d = {}; }
  var options = {
    body: d.body || "",
    icon: d.icon,
    lang: d.lang,
    dir: d.dir || "auto",
    data: {id: d.id, url: d.url || "/week", reply: d.reply || null},
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
  event.waitUntil(openApp(data.url || "/week"));
});
