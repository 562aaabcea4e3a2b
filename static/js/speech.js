// Read-aloud, fetched by app.js on first use. Each piece of the screen is heard in the best voice there is:
// a person's recording of that phrase, else the server's generated clip; text that is no phrase of the app
// (a name, a time, a place) is spoken by the server on the fly and kept nowhere; else this phone's voice.
(function () {
  "use strict";
  var meta = document.querySelector("meta[name=stap-speech]");
  var code = meta.getAttribute("data-lang"), server = meta.getAttribute("data-voice");
  var lang = document.documentElement.lang.split("-")[0], synth = window.speechSynthesis;
  var audio = new Audio(), run = 0, index = null, blobs = [], button = null, finish = null;
  // The client's speed (settings): slow is three quarters of normal, for recorded, generated and phone voices.
  var rate = meta.getAttribute("data-rate") === "slow" ? 0.75 : 1;
  var blocked = false;  // the browser refused to play before the person's first tap (autoplay rules)
  var SKIP = {SCRIPT: 1, STYLE: 1, TEMPLATE: 1, NOSCRIPT: 1, SELECT: 1};
  var WORDS = /[\p{L}\p{N}]/u;

  // Text of a phrase -> its clip URL (phrases.json); without a server voice, none.
  function clips() {
    if (!server) return Promise.resolve({});
    index = index || fetch(meta.getAttribute("data-phrase-index"), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (d) { return d.clips || {}; }, function () { index = null; return {}; });
    return index;
  }

  function phoneVoice() {
    var voices = synth ? synth.getVoices() : [];
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang.toLowerCase().split(/[-_]/)[0] === lang) return voices[i];
    }
    return null;
  }

  // The words a sighted reader sees, piece by piece, each pictogram read by its name.
  function pieces(root) {
    var out = [], node;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        if (n.nodeType === 3) return NodeFilter.FILTER_ACCEPT;
        var hidden = SKIP[n.tagName] || n.hidden || n.getAttribute("aria-hidden") === "true" ||
          n.hasAttribute("data-speak") || (n.checkVisibility && !n.checkVisibility());
        return hidden ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    while ((node = walker.nextNode())) {
      var text = node.nodeType === 3 ? node.nodeValue : node.tagName === "IMG" ? node.alt : "";
      text = (text || "").replace(/\s+/g, " ").trim();
      if (WORDS.test(text)) out.push(text);
    }
    return out;
  }

  // Phrases play their clip; the pieces between them are joined and spoken as one.
  function plan(texts, known) {
    var steps = [];
    texts.forEach(function (text) {
      var last = steps[steps.length - 1];
      if (known[text]) steps.push({url: known[text]});
      else if (last && !last.url && last.text.length + text.length < 1500) last.text += ", " + text;
      else steps.push({text: text});
    });
    return steps;
  }

  function spoken(text) {
    return fetch(meta.getAttribute("data-say"), {method: "POST", credentials: "same-origin",
                             headers: StapCsrf.headers({"Content-Type": "application/json"}),
                             body: JSON.stringify({lang: code, text: text})})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.blob(); })
      .then(function (blob) { var url = URL.createObjectURL(blob); blobs.push(url); return url; })
      .catch(function () { return null; });
  }

  function play(url, mine) {
    return new Promise(function (resolve) {
      if (mine !== run) return resolve();
      finish = resolve;
      audio.onended = audio.onerror = function () { resolve(); };
      audio.src = url;
      audio.playbackRate = rate;
      audio.play().catch(function (e) {
        if (e && e.name === "NotAllowedError") blocked = true;
        resolve();
      });
    });
  }

  function utter(text, mine) {
    var voice = phoneVoice();
    return new Promise(function (resolve) {
      if (!voice || mine !== run) return resolve();
      finish = resolve;
      var u = new SpeechSynthesisUtterance(text);
      u.voice = voice; u.lang = voice.lang; u.rate = rate;
      u.onend = function () { resolve(); };
      u.onerror = function (e) {
        if (e && e.error === "not-allowed") blocked = true;
        resolve();
      };
      synth.speak(u);
    });
  }

  function stop() {
    run += 1;
    audio.pause();
    if (synth) synth.cancel();
    if (finish) finish();
    blobs.forEach(function (url) { URL.revokeObjectURL(url); });
    blobs = [];
    if (button) { button.removeAttribute("data-speaking"); button.setAttribute("aria-pressed", "false"); }
    button = null;
    return run;
  }

  function read(texts, by) {
    var mine = stop();
    if (!texts.length) return Promise.resolve();
    button = by || null;
    if (button) { button.setAttribute("data-speaking", ""); button.setAttribute("aria-pressed", "true"); }
    var online = server === "server" && !!StapCsrf.token();  // a public page cannot ask the server to speak
    return clips().then(function (known) {
      var steps = plan(texts, known);
      // Ask for every spoken piece at once, so each is ready when its turn comes.
      steps.forEach(function (s) { if (!s.url && online) s.audio = spoken(s.text); });
      return steps.reduce(function (chain, s) {
        return chain.then(function () {
          if (mine !== run || blocked) return;
          if (s.url) return play(s.url, mine);
          return (s.audio || Promise.resolve(null)).then(function (url) {
            return url ? play(url, mine) : utter(s.text, mine);
          });
        });
      }, Promise.resolve());
    }).then(function () { if (mine === run) stop(); });
  }

  self.StapSpeech = {
    // The speaker button: read the screen, or stop when it is reading.
    toggle: function (root, by) { return by && by === button ? stop() : read(root ? pieces(root) : [], by); },
    // A long-pressed button: its name.
    speak: function (el) {
      var label = el.getAttribute("aria-label");
      return read(label ? [label] : pieces(el));
    },
    say: function (text) { return read([text]); },
    // "Read each screen aloud when it opens" (settings): at once where the browser allows it, else on the
    // first tap on the screen itself. A first tap on a button or link is for that button: no reading then.
    auto: function (root, by) {
      blocked = false;
      return read(pieces(root), by).then(function () {
        if (!blocked) return;
        blocked = false;
        var first = function (e) {
          document.removeEventListener("click", first, true);
          document.removeEventListener("keydown", first, true);
          var control = e.target.closest && e.target.closest("a, button, input, select, textarea, label, summary");
          if (!control && !button) read(pieces(root), by);
        };
        document.addEventListener("click", first, true);
        document.addEventListener("keydown", first, true);
      });
    },
    stop: stop
  };
})();
