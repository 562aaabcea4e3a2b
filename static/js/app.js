// Stapstenen: the little behaviour htmx does not cover. No inline script anywhere (strict CSP).
(function () {
  "use strict";
  var lang = document.documentElement.lang;
  var synth = window.speechSynthesis;

  function voiceFor(code) {
    if (!synth) return null;
    var voices = synth.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang.toLowerCase().split(/[-_]/)[0] === code) return voices[i];
    }
    return null;
  }

  // Read-aloud: only offered when this phone has a voice for the language, never pretending.
  function say(text) {
    var voice = voiceFor(lang);
    if (!voice || !text) return;
    synth.cancel();
    var u = new SpeechSynthesisUtterance(text);
    u.voice = voice; u.lang = voice.lang;
    synth.speak(u);
  }

  // The words a sighted reader sees, with each pictogram read by its name.
  function spokenText(root) {
    var parts = [];
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (var node = walker.currentNode; node; node = walker.nextNode()) {
      if (node.nodeType === 3) { parts.push(node.nodeValue); continue; }
      if (node.hidden || node.getAttribute("aria-hidden") === "true") { continue; }
      if (node.tagName === "IMG" && node.alt) parts.push(" " + node.alt + ". ");
      if (node.tagName === "BUTTON" || node.tagName === "A") parts.push(". ");
    }
    return parts.join(" ").replace(/\s+/g, " ").trim();
  }

  function setUpSpeech() {
    var buttons = document.querySelectorAll("[data-speak]");
    var show = function () {
      var has = !!voiceFor(lang);
      buttons.forEach(function (b) { b.hidden = !has; });
    };
    show();
    if (synth && synth.addEventListener) synth.addEventListener("voiceschanged", show);
    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        if (synth.speaking) { synth.cancel(); return; }
        say(spokenText(document.querySelector(b.getAttribute("data-speak"))));
      });
    });
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

  document.addEventListener("DOMContentLoaded", function () {
    setUpSpeech();
    document.querySelectorAll("[data-pin-form]").forEach(setUpKeypad);
    setUpWinUuid();
  });
  // Back to a page kept in memory: the old id already belongs to a logged win.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    document.querySelectorAll("[data-client-uuid]").forEach(function (input) { delete input.dataset.kept; });
    setUpWinUuid();
  });
})();
