// The phone without a connection: the offline page (log a win, see what waits to be sent, the kept week)
// and "keep my week on this phone" on the week screen. Loaded by those two pages only; the queue itself is
// static/js/queue.js, reached through app.js (StapKept).
(function () {
  "use strict";
  var kept = self.StapKept;

  function showWaiting(counts) {
    var box = document.querySelector("[data-waiting]");
    if (!box) return;
    box.hidden = !(counts.waiting || counts.aside);
    var stones = box.querySelector("[data-waiting-stones]"), stone = document.querySelector("template[data-stone]");
    stones.textContent = "";
    for (var i = 0; i < Math.min(counts.waiting, 30); i++) stones.appendChild(stone.content.cloneNode(true));
    var say = function (el, n) { el.textContent = el.getAttribute("data-text").replace("{n}", n); };
    say(box.querySelector("[data-waiting-count]"), counts.waiting);
    box.querySelector("[data-set-aside]").hidden = !counts.aside;
    say(box.querySelector("[data-set-aside-text]"), counts.aside);
  }

  function newUuid() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ crypto.getRandomValues(new Uint8Array(1))[0] & 15 >> c / 4).toString(16);
    });
  }

  function setUpOfflinePage(page) {
    kept.queue(function (q) { return q.counts(); }).then(showWaiting);
    document.querySelectorAll("[data-offline-win]").forEach(function (button) {
      button.addEventListener("click", function () {
        kept.queue(function (q) {
          return q.add({client_uuid: newUuid(), pick: button.getAttribute("data-offline-win")});
        }).then(function () {
          document.querySelector("[data-offline-celebrate]").hidden = false;
          kept.waiting(kept.waiting() + 1);
          if (navigator.serviceWorker && navigator.serviceWorker.ready) {
            navigator.serviceWorker.ready.then(function (reg) { if (reg.sync) reg.sync.register("wins"); });
          }
          return navigator.onLine ? kept.flush() : kept.queue(function (q) { return q.counts(); }).then(showWaiting);
        });
      });
    });
    kept.queue(function (q) { return q.keptWeek(); }).then(function (week) {
      var box = page.parentNode.querySelector("[data-kept-week]");
      if (!week || !week.appointments || !week.appointments.length || !box) return;
      var list = box.querySelector("[data-kept-list]");
      week.appointments.forEach(function (a) {
        var item = document.createElement("li"), img = document.createElement("img");
        img.src = a.pictogram; img.alt = ""; img.className = "picto picto-m"; img.width = img.height = 72;
        item.appendChild(img);
        item.appendChild(document.createTextNode(" " + a.kind + " · " + a.day + " " + a.time +
                                                 (a.place ? " · " + a.place : "")));
        list.appendChild(item);
      });
      box.hidden = false;
    });
  }

  // "Keep my week on this phone": only the next 7 days' time, kind and place, and only when asked.
  function setUpKeepWeek(button) {
    var on = localStorage.getItem("stap-keep-week") === "1";
    var show = function () { button.setAttribute("aria-pressed", on ? "true" : "false"); };
    var refresh = function () {
      return fetch(button.getAttribute("data-url"), {credentials: "same-origin"}).then(function (r) {
        return r.ok ? r.json().then(function (week) { return kept.queue(function (q) { return q.keepWeek(week); }); })
          : null;
      });
    };
    button.hidden = false;
    show();
    if (on && navigator.onLine) refresh();
    button.addEventListener("click", function () {
      on = !on;
      if (on) { localStorage.setItem("stap-keep-week", "1"); refresh(); } else {
        localStorage.removeItem("stap-keep-week");
        kept.queue(function (q) { return q.forgetWeek(); });
      }
      show();
    });
  }

  document.addEventListener("stap:flushed", function (e) { showWaiting(e.detail); });
  document.addEventListener("DOMContentLoaded", function () {
    var offline = document.querySelector("[data-offline-page]");
    if (offline) setUpOfflinePage(offline);
    document.querySelectorAll("[data-keep-week]").forEach(setUpKeepWeek);
  });
})();
