// The bell on the week screen: reminders on this phone by web push. Loaded on that screen only.
(function () {
  "use strict";
  var box = document.querySelector("[data-push]");
  if (!box) return;
  var button = box.querySelector("[data-push-toggle]");

  function show(state) {
    box.querySelectorAll("[data-push-state]").forEach(function (p) {
      p.hidden = p.getAttribute("data-push-state") !== state;
    });
    button.setAttribute("aria-pressed", state === "on" ? "true" : "false");
    button.classList.toggle("chosen", state === "on");
  }

  if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window)) {
    show("unsupported");
    return;
  }

  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: StapCsrf.headers({"Content-Type": "application/json"}), body: JSON.stringify(body)})
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); });
  }

  function serverKey() {  // base64url -> bytes, as subscribe() wants it
    var s = box.getAttribute("data-key").replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(s + "====".slice(s.length % 4 || 4));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }

  var sw = document.querySelector("meta[name=stap-sw]");
  var ready = navigator.serviceWorker.register(sw.content, {scope: sw.getAttribute("data-scope")})
    .then(function () { return navigator.serviceWorker.ready; });

  ready.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
    button.hidden = false;
    if (sub && Notification.permission === "granted") {
      show("on");
      post(box.getAttribute("data-subscribe"), sub.toJSON()).catch(function () {});  // the server may have lost it
    } else {
      show(Notification.permission === "denied" ? "blocked" : "off");
    }
  }).catch(function () { show("unsupported"); });

  function turnOn(reg) {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { show("blocked"); return null; }
      return reg.pushManager.getSubscription()
        .then(function (old) { return old && old.unsubscribe(); })  // a fresh one, with today's key
        .then(function () {
          return reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: serverKey()});
        })
        .then(function (sub) { return post(box.getAttribute("data-subscribe"), sub.toJSON()); })
        .then(function () { show("on"); });
    });
  }

  function turnOff(reg) {
    return reg.pushManager.getSubscription().then(function (sub) {
      if (!sub) return null;
      return post(box.getAttribute("data-unsubscribe"), {endpoint: sub.endpoint})
        .then(function () { return sub.unsubscribe(); });
    }).then(function () { show("off"); });
  }

  button.addEventListener("click", function () {
    var on = button.getAttribute("aria-pressed") === "true";
    button.disabled = true;
    ready.then(on ? turnOff : turnOn)
      .catch(function () { show("failed"); })
      .then(function () { button.disabled = false; });
  });
})();
