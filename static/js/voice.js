// The staff page for recording the app's phrases (/staff/voice): record, listen back, then save.
// The browser records what it can (WebM or Ogg Opus); anything but Ogg is sent as a short mono WAV,
// which the server encodes as Ogg/Opus. The record buttons show only where a microphone can be used.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var list = document.querySelector("[data-phrases]");
    if (!list) return;
    var error = document.querySelector("[data-voice-error]");
    var player = new Audio(), current = null;
    var can = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
    list.querySelectorAll("[data-record]").forEach(function (b) { b.hidden = !can; });

    var fail = function (message) { error.textContent = message; error.hidden = false; };
    var show = function (row, step) {
      row.querySelector("[data-record]").hidden = step === "recording";
      row.querySelector("[data-stop]").hidden = step !== "recording";
      row.querySelector("[data-preview]").hidden = step !== "listen";
      row.querySelector("[data-save]").hidden = step !== "listen";
    };

    function record(row) {
      if (current && current.recorder.state === "recording") current.recorder.stop();
      navigator.mediaDevices.getUserMedia({audio: true}).then(function (stream) {
        var recorder = new MediaRecorder(stream), chunks = [], take = {row: row, recorder: recorder};
        current = take;
        recorder.ondataavailable = function (e) { chunks.push(e.data); };
        recorder.onstop = function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          take.blob = new Blob(chunks, {type: recorder.mimeType});
          row.querySelector("[data-preview]").src = URL.createObjectURL(take.blob);
          show(row, "listen");
        };
        recorder.start();
        error.hidden = true;
        show(row, "recording");
      }, function () { fail(list.getAttribute("data-text-mic")); });
    }

    // 16-bit mono WAV at 24 kHz: small enough for a few seconds of speech, and any browser can make it.
    function wav(blob) {
      var Context = window.AudioContext || window.webkitAudioContext, context = new Context();
      return blob.arrayBuffer().then(function (data) { return context.decodeAudioData(data); }).then(function (sound) {
        context.close();
        var rate = 24000, offline = new OfflineAudioContext(1, Math.ceil(sound.duration * rate), rate);
        var source = offline.createBufferSource();
        source.buffer = sound; source.connect(offline.destination); source.start();
        return offline.startRendering();
      }).then(function (mono) {
        var samples = mono.getChannelData(0), n = samples.length, view = new DataView(new ArrayBuffer(44 + n * 2));
        var put = function (at, text) {
          for (var i = 0; i < text.length; i++) view.setUint8(at + i, text.charCodeAt(i));
        };
        put(0, "RIFF"); view.setUint32(4, 36 + n * 2, true); put(8, "WAVEfmt ");
        view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
        view.setUint32(24, 24000, true); view.setUint32(28, 48000, true); view.setUint16(32, 2, true);
        view.setUint16(34, 16, true); put(36, "data"); view.setUint32(40, n * 2, true);
        for (var i = 0; i < n; i++) {
          var s = Math.max(-1, Math.min(1, samples[i]));
          view.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
        }
        return new Blob([view], {type: "audio/wav"});
      });
    }

    function save(row) {
      if (!current || current.row !== row || !current.blob) return;
      var blob = current.blob;
      (/ogg/.test(blob.type) ? Promise.resolve(blob) : wav(blob)).then(function (file) {
        var form = new FormData();
        form.append("csrf_token", StapCsrf.token());
        form.append("audio", file, "clip");
        return fetch(row.getAttribute("data-upload"), {method: "POST", body: form, credentials: "same-origin"});
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (d) { if (!r.ok) throw d; return d; });
      }).then(function (d) {
        var listen = row.querySelector("[data-listen]"), state = row.querySelector("[data-state]");
        listen.setAttribute("data-listen", d.url);
        listen.hidden = false;
        state.textContent = list.getAttribute("data-text-recorded");
        state.className = "state state-recorded";
        show(row, "saved");
        error.hidden = true;
      }).catch(function (d) { fail((d && d.error) || list.getAttribute("data-text-failed")); });
    }

    list.addEventListener("click", function (e) {
      var button = e.target.closest("button"), row = button && button.closest("[data-upload]");
      if (!row) return;
      if (button.hasAttribute("data-listen")) { player.src = button.getAttribute("data-listen"); player.play(); }
      if (button.hasAttribute("data-record")) record(row);
      if (button.hasAttribute("data-stop") && current) current.recorder.stop();
      if (button.hasAttribute("data-save")) save(row);
    });
  });
})();
