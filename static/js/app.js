// Stapstenen: the little behaviour htmx does not cover. No inline script anywhere (strict CSP).
(function () {
  "use strict";
  var lang = document.documentElement.lang.split("-")[0];
  var synth = window.speechSynthesis;
  var speechMeta = document.querySelector("meta[name=stap-speech]");

  // The session's CSRF token, from <meta name="csrf-token"> (base.html), and only from there: htmx
  // requests get it below, fetch() callers (push.js, speech.js, voice.js, sign-out) through StapCsrf.
  // A public page has none, so nothing is sent.
  function csrfToken() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  }
  self.StapCsrf = {
    token: csrfToken,
    headers: function (headers) {
      headers = headers || {};
      if (csrfToken()) headers["X-CSRFToken"] = csrfToken();
      return headers;
    }
  };
  document.addEventListener("htmx:configRequest", function (e) { StapCsrf.headers(e.detail.headers); });

  function voiceFor(code) {
    if (!synth) return null;
    var voices = synth.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang.toLowerCase().split(/[-_]/)[0] === code) return voices[i];
    }
    return null;
  }

  // Read-aloud (static/js/speech.js, loaded on first use): only with a voice on the server or the phone.
  var canSpeak = function () { return !!(speechMeta && speechMeta.getAttribute("data-voice")) || !!voiceFor(lang); };
  function load(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  var speech;
  function withSpeech(work) {
    speech = speech || load(speechMeta.content).then(function () { return self.StapSpeech; });
    return speech.then(work);
  }
  function say(text) {
    if (canSpeak()) withSpeech(function (s) { s.say(text); });
  }

  function setUpSpeech() {
    var buttons = document.querySelectorAll("[data-speak]");
    var show = function () {
      var has = canSpeak();
      buttons.forEach(function (b) { b.hidden = !has; });
    };
    show();
    if (synth && synth.addEventListener) synth.addEventListener("voiceschanged", show);
    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        withSpeech(function (s) { s.toggle(document.querySelector(b.getAttribute("data-speak")), b); });
      });
    });
    // A long press on a pictogram button says its name, and is not taken as a tap.
    var timer, pending, pressed;
    var fire = function () {
      clearTimeout(timer);
      pressed = pending; pending = null;
      withSpeech(function (s) { s.speak(pressed); });
    };
    var cancel = function () { clearTimeout(timer); pending = null; };
    document.addEventListener("pointerdown", function (e) {
      var el = e.target.closest("a, button");
      cancel(); pressed = null;
      if (!el || !el.querySelector("img.picto") || e.button || !canSpeak()) return;
      pending = el;
      timer = setTimeout(fire, 600);
    });
    document.addEventListener("pointerup", cancel);
    document.addEventListener("pointercancel", cancel);
    document.addEventListener("contextmenu", function (e) {
      if (pending) fire();  // the phone's own long press may come first
      if (pressed) e.preventDefault();
    }, true);
    document.addEventListener("click", function (e) {
      if (pressed && pressed.contains(e.target)) { e.preventDefault(); e.stopPropagation(); }
      pressed = null;
    }, true);
  }

  // The picture keypad: four taps fill the PIN and send it.
  function setUpKeypad(form) {
    var value = form.querySelector("[data-pin-value]");
    var dots = form.querySelectorAll("[data-pin-display] span");
    if (!value) return;
    value.disabled = false;
    value.value = "";
    var show = function () {
      dots.forEach(function (d, i) { d.classList.toggle("filled", i < value.value.length); });
    };
    form.addEventListener("click", function (e) {
      var key = e.target.closest("button");
      if (!key || !form.contains(key)) return;
      if (key.hasAttribute("data-erase")) {
        value.value = value.value.slice(0, -1);
      } else if (key.hasAttribute("data-digit") && value.value.length < dots.length) {
        value.value += key.getAttribute("data-digit");
        say(key.getAttribute("data-digit"));
      }
      show();
      if (value.value.length === dots.length) {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
        form.submit();
      }
    });
    show();
  }

  function setUpWinUuid() {
    // A fresh id made on the phone for each new win, so a retried post is recognised, never doubled.
    if (!(window.crypto && crypto.randomUUID)) return;
    document.querySelectorAll("[data-client-uuid]").forEach(function (input) {
      if (!input.dataset.kept) { input.value = crypto.randomUUID(); input.dataset.kept = "1"; }
    });
  }


  // --- the installed app: service worker, a calm update prompt, the offline queue ------------------
  var queueMeta = document.querySelector("meta[name=stap-queue]");
  var withQueue = function (work) {
    if (self.StapQueue) return work(self.StapQueue);
    return load(queueMeta.content).then(function () { return work(self.StapQueue); });
  };
  var waiting = function (count) {
    if (count === undefined) return +(localStorage.getItem("stap-waiting") || 0);
    if (count) localStorage.setItem("stap-waiting", count); else localStorage.removeItem("stap-waiting");
  };
  // After each send, the scripts that show the queue (offline.js, keep.js) hear what is left and what arrived.
  var flush = function () {
    return withQueue(function (q) { return q.flush(); }).then(function (counts) {
      waiting(counts.waiting);
      document.dispatchEvent(new CustomEvent("stap:flushed", {detail: counts}));
      return counts;
    });
  };
  self.StapKept = {queue: withQueue, flush: flush, waiting: waiting};

  // Signing out (static/js/signout.js, loaded at the tap): what waits is sent first, then nothing stays behind.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-sign-out") || form.dataset.cleared) return;
    event.preventDefault();
    load(queueMeta.getAttribute("data-clear")).then(function () { self.StapSignOut(form); }, function () {
      form.dataset.cleared = "1";
      form.submit();
    });
  });

  function setUpServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    var accepted = false, sw = document.querySelector("meta[name=stap-sw]");
    var options = {scope: sw.getAttribute("data-scope"), updateViaCache: "all"};
    navigator.serviceWorker.register(sw.content, options).then(function (reg) {
      var offer = function (worker) {
        var button = document.querySelector("[data-update]");
        if (!button || !worker || !navigator.serviceWorker.controller) return;
        button.hidden = false;
        button.addEventListener("click", function () { accepted = true; worker.postMessage({type: "skip-waiting"}); });
      };
      offer(reg.waiting);
      reg.addEventListener("updatefound", function () {
        var worker = reg.installing;
        worker.addEventListener("statechange", function () { if (worker.state === "installed") offer(worker); });
      });
    });
    // Only after the person's tap: a new version never swaps under a half-used page by itself.
    navigator.serviceWorker.addEventListener("controllerchange", function () { if (accepted) location.reload(); });
  }

  // The client chose "read each screen aloud when it opens" (settings): speech.js reads #main, and the
  // speaker button shows it is reading (a tap on it stops).
  function setUpAutoRead() {
    if (!speechMeta || speechMeta.getAttribute("data-auto") !== "1" || !canSpeak()) return;
    var main = document.querySelector("#main");
    withSpeech(function (s) { s.auto(main, document.querySelector('[data-speak="#main"]')); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpSpeech();
    setUpAutoRead();
    document.querySelectorAll("[data-pin-form]").forEach(setUpKeypad);
    setUpWinUuid();
    setUpServiceWorker();
    // A PIN lock also takes the kept week off the phone.
    document.querySelectorAll("[data-forget-week]").forEach(function (el) {
      var forget = function () { return withQueue(function (q) { return q.forgetWeek(); }).catch(function () {}); };
      if (el.tagName === "FORM") el.addEventListener("submit", forget); else forget();
    });
    // Something waits (kept over a lock, or offline): keep.js sends it and shows what arrived.
    if (waiting() && !self.StapKeep) load(queueMeta.getAttribute("data-keep"));
  });
  window.addEventListener("online", function () { if (waiting()) flush(); });
  // Back to a page kept in memory: the old id already belongs to a logged win.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    document.querySelectorAll("[data-client-uuid]").forEach(function (input) { delete input.dataset.kept; });
    setUpWinUuid();
  });
})();
