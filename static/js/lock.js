// A locked app stays locked on a shared phone. On every private page (templates/client/base.html); the
// padlock form gives the idle time (data-idle, seconds) and where to say "still here".
(function () {
  "use strict";
  var form = document.querySelector("form[data-lock]");
  if (!form) return;
  var idle = 1000 * form.getAttribute("data-idle");
  var every = Math.min(120000, idle / 4);  // the server hears of activity at most this often
  var last = Date.now(), told = last, timer, locking;

  function blank() {
    var main = document.getElementById("main");
    if (main) main.textContent = "";
    document.body.hidden = true;
  }

  // Work in progress is kept on the phone first (keep.js, where a form can be kept), then the lock.
  function lock() {
    if (locking) return;
    locking = true;
    clearTimeout(timer);
    var go = function () { blank(); form.submit(); };
    Promise.resolve(self.StapKeep && StapKeep.keepOpen()).then(go, go);
  }

  function check() {
    clearTimeout(timer);
    var left = last + idle - Date.now();
    if (left <= 0) return lock();
    timer = setTimeout(check, Math.min(left, 30000));  // timers sleep in the background
  }

  // Busy on one page is not idle: the server hears so. If it counts the phone idle already, lock now.
  function stillHere() {
    fetch(form.getAttribute("data-still-here"), {method: "POST", credentials: "same-origin", redirect: "manual",
      headers: StapCsrf.headers()}).then(function (r) {
      if (r.type === "opaqueredirect" || r.status === 401) lock();
    }, function () {});
  }

  function active() {
    var now = Date.now();
    if (locking) return;
    if (now - last >= idle) return lock();  // back after the idle time, before the sleeping timer woke
    last = now;
    if (now - told >= every) { told = now; stillHere(); }
  }

  form.addEventListener("submit", function (e) { if (!locking) { e.preventDefault(); lock(); } });  // the padlock
  ["pointerdown", "keydown", "input", "scroll"].forEach(function (type) {
    document.addEventListener(type, active, {capture: true, passive: true});
  });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) check(); });
  // Kept in the back/forward cache blank; back from it, the server decides what shows (the PIN, after a lock).
  addEventListener("pagehide", function (e) { if (e.persisted) blank(); });
  addEventListener("pageshow", function (e) { if (e.persisted) location.reload(); });
  check();
})();
