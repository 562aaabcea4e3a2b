// Signing out of a shared phone: what waits in the queue is sent first (4 seconds at most), then nothing
// stays behind: the queue, caches, storage, the service worker and this phone's reminders (the server's
// Clear-Site-Data does the same). app.js loads this file when a sign-out form (data-sign-out) is sent.
(function () {
  "use strict";
  var kept = self.StapKept;

  self.StapSignOut = function (form) {
    var timeout = new Promise(function (resolve) { setTimeout(resolve, 4000); });
    Promise.race([kept.flush().catch(function () {}), timeout]).then(function () {
      var jobs = [kept.queue(function (q) { return q.wipe(); }).catch(function () {})];
      if (self.caches) jobs.push(caches.keys().then(function (keys) {
        return Promise.all(keys.map(function (key) { return caches.delete(key); }));
      }));
      if (navigator.serviceWorker) jobs.push(navigator.serviceWorker.getRegistrations().then(function (regs) {
        return Promise.all(regs.map(function (reg) {
          return reg.pushManager ? reg.pushManager.getSubscription().then(function (sub) {
            if (!sub) return null;
            // The server forgets this phone's reminders too; the next person on it gets none.
            return fetch(form.getAttribute("data-push-unsubscribe"), {method: "POST", credentials: "same-origin",
              headers: StapCsrf.headers({"Content-Type": "application/json"}),
              body: JSON.stringify({endpoint: sub.endpoint})}).catch(function () {}).then(function () {
              return sub.unsubscribe();
            });
          }).then(function () { return reg.unregister(); }, function () { return reg.unregister(); })
            : reg.unregister();
        }));
      }));
      try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* private mode */ }
      return Promise.all(jobs.map(function (job) { return job.catch(function () {}); }));
    }).then(function () { form.dataset.cleared = "1"; form.submit(); });
  };
})();
