// Nothing the client did is lost to a lock. A form marked data-keep (a win, a reply, a goal, a strength in own
// words) is copied into the phone's queue (queue.js) before it goes, and the copy is dropped only when a
// private page proves the post landed: the htmx answer that swaps in the result, or the queue's own door
// answering "there already" when it is sent. A post the lock stopped (the server answered with the PIN
// screen) is sent after the PIN, and the client sees and hears it arrive (data-arrived in client/base.html).
// Loaded by the pages with such forms, and by app.js wherever something waits.
(function () {
  "use strict";
  if (self.StapKeep || !(self.crypto && crypto.randomUUID)) return;
  var kept = self.StapKept, SENT = "stap-sent";

  // What the form sends, as a queue item; null when there is nothing to keep. `open`: the idle lock is
  // keeping a form nobody sent (words typed for a win without a picture become an "other" win).
  function itemOf(form, submitter, open) {
    var data = new FormData(form, submitter), kind = form.getAttribute("data-keep");
    var words = function (name) { return (data.get(name) || "").trim() || null; };
    var item = {kind: kind, client_uuid: kind === "win" ? data.get("client_uuid") : crypto.randomUUID()};
    if (kind === "win") {
      item.text = words("text");
      item.pick = data.get("pick") || (open && item.text ? "win:other" : null);
      return item.pick && item.client_uuid ? item : null;
    }
    if (kind === "goal") {
      item.template = data.get("template");
      item.title = words("title");
      return item.template ? item : null;
    }
    if (kind === "strength") {
      item.key = data.get("key") || null;
      item.own_words = words("own_words");
      return item.key || item.own_words ? item : null;
    }
    item.appointment = +form.getAttribute("data-appointment");
    item.answer = data.get("answer");
    return open || !item.answer ? null : item;
  }

  function keep(item) {
    return kept.queue(function (q) { return q.add(item); }).then(function () { kept.waiting(kept.waiting() + 1); });
  }

  function drop(uuid) {
    return kept.queue(function (q) {
      return q.remove(uuid).then(function () { return q.counts(); });
    }).then(function (counts) { kept.waiting(counts.waiting); });
  }

  // Before a kept form goes: the copy first, under the uuid the post carries too, then the post itself.
  document.addEventListener("submit", function (event) {
    var form = event.target, submitter = event.submitter;
    if (!form.hasAttribute("data-keep") || form.dataset.keeping) return;
    var item = itemOf(form, submitter);
    if (!item) return;
    event.preventDefault();
    event.stopImmediatePropagation();  // htmx waits for the copy too
    var field = form.querySelector("[name=client_uuid]");
    if (field) field.value = item.client_uuid;
    form.dataset.keptUuid = item.client_uuid;
    if (!form.hasAttribute("hx-post")) sessionStorage.setItem(SENT, item.client_uuid);
    var go = function () {
      form.dataset.keeping = "1";
      form.requestSubmit(submitter);
      delete form.dataset.keeping;
    };
    keep(item).then(go, go);
  }, true);

  // An htmx answer that swaps in the result (or the form again, to fix) is the proof; a redirect to the PIN
  // (204 with HX-Redirect) or no answer at all is not.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt, status = event.detail.xhr.status;
    if (form.dataset && form.dataset.keptUuid && (status === 200 || status === 422)) drop(form.dataset.keptUuid);
  });

  function say(box) {
    var meta = document.querySelector("meta[name=stap-speech]");
    if (!meta || !(meta.getAttribute("data-voice") || self.speechSynthesis)) return;
    var speak = function () { StapSpeech.speak(box); };
    if (self.StapSpeech) return speak();
    var script = document.createElement("script");
    script.src = meta.content;
    script.onload = speak;
    document.head.appendChild(script);
  }

  // What arrived just now, at the top of the screen: one line per kind, with its pictogram, also read aloud.
  // The box becomes a live region first and is filled a moment later, so screen readers say it too.
  document.addEventListener("stap:flushed", function () {
    var box = document.querySelector("[data-arrived]"), arrived = StapQueue.arrived, counts = {};
    if (!box || !arrived.length) return;
    arrived.forEach(function (kind) { counts[kind] = (counts[kind] || 0) + 1; });
    box.setAttribute("role", "status");
    box.hidden = false;
    setTimeout(function () {
      Object.keys(counts).forEach(function (kind) {
        var line = document.querySelector('template[data-arrived-line="' + kind + '"]');
        if (!line) return;
        var shown = line.content.firstElementChild.cloneNode(true), text = shown.querySelector("[data-text]");
        text.textContent = text.getAttribute("data-text").replace("{n}", counts[kind]);
        box.appendChild(shown);
      });
      say(box);
    }, 100);
  });

  self.StapKeep = {
    // The idle lock (lock.js) keeps what is typed in the forms on screen before it locks.
    keepOpen: function () {
      var items = [];
      document.querySelectorAll("form[data-keep]").forEach(function (form) {
        var item = itemOf(form, null, true);
        if (item) items.push(item);
      });
      return Promise.all(items.map(keep));
    }
  };

  // A page that names a post as landed (data-landed) proves it: its copy goes. A form shown again to fix
  // (422) did not land, and its words are on screen again: no copy is sent either.
  var sent = sessionStorage.getItem(SENT), page = performance.getEntriesByType("navigation")[0];
  var landed = document.querySelector("[data-landed]");
  sessionStorage.removeItem(SENT);
  if (sent && page && page.responseStatus === 422) landed = {dataset: {landed: sent}};
  Promise.resolve(landed && drop(landed.dataset.landed)).then(function () {
    if (kept.waiting() && navigator.onLine) kept.flush();
  });
})();
