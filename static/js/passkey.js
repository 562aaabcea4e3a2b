// Finger or face (a WebAuthn passkey of this phone): say after the PIN whether the phone can, make one
// (the offer after the PIN, the settings page), and open the app with it on the unlock screen.
// Every address comes from data- attributes; the CSRF token from StapCsrf (app.js).
(function () {
  "use strict";
  var PKC = window.PublicKeyCredential;
  var supported = !!(PKC && PKC.isUserVerifyingPlatformAuthenticatorAvailable &&
    PKC.parseCreationOptionsFromJSON && PKC.parseRequestOptionsFromJSON && navigator.credentials);
  // A platform authenticator that checks the person (finger, face or the phone's own lock): else nothing to offer.
  var available = supported
    ? PKC.isUserVerifyingPlatformAuthenticatorAvailable().catch(function () { return false; })
    : Promise.resolve(false);

  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: StapCsrf.headers({"Content-Type": "application/json", "Accept": "application/json"}),
      body: JSON.stringify(body || {})})
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (!r.ok) { var e = new Error(data.code || "HTTP " + r.status); e.status = r.status; throw e; }
          return data;
        });
      });
  }

  // Show the parts of a box that belong to a state (data-passkey-state="on failed": either).
  function show(box, state) {
    box.querySelectorAll("[data-passkey-state]").forEach(function (el) {
      el.hidden = el.getAttribute("data-passkey-state").split(" ").indexOf(state) < 0;
    });
    var shown = box.querySelector("[data-passkey-state~='" + state + "'][role]");
    if (shown) shown.scrollIntoView({block: "nearest"});
  }

  // 1. Choosing the PIN: passkey=1 asks the server to offer the finger next.
  document.querySelectorAll("[data-passkey-capable]").forEach(function (form) {
    available.then(function (yes) {
      if (!yes || form.querySelector("input[name=passkey]")) return;
      var field = document.createElement("input");
      field.type = "hidden"; field.name = "passkey"; field.value = "1";
      form.appendChild(field);
    });
  });

  // 2. Making the passkey: one tap on Yes (or Turn on), then the phone asks for the finger or face.
  document.querySelectorAll("[data-passkey-create]").forEach(function (button) {
    var box = button.closest("[data-passkey]");
    available.then(function (yes) {
      if (yes) { button.hidden = false; return; }
      if (box.hasAttribute("data-skip")) location.replace(box.getAttribute("data-skip"));
      else show(box, "unsupported");
    });
    button.addEventListener("click", function () {
      button.disabled = true;
      post(box.getAttribute("data-options")).then(function (options) {
        return navigator.credentials.create({publicKey: PKC.parseCreationOptionsFromJSON(options)});
      }).then(function (credential) {
        return post(box.getAttribute("data-verify"), credential.toJSON());
      }).then(function () {
        show(box, "on");
      }, function (e) {
        if (e.status === 401) { location.reload(); return; }  // locked meanwhile: the page asks for the PIN
        button.disabled = false;
        show(box, "failed");
      });
    });
  });

  // 3. Unlocking: one tap on the finger. A refusal leaves the keypad below as it was.
  document.querySelectorAll("[data-passkey-get]").forEach(function (button) {
    var box = button.closest("[data-passkey]");
    available.then(function (yes) { button.hidden = !yes; });
    button.addEventListener("click", function () {
      button.disabled = true;
      show(box, "");
      post(box.getAttribute("data-options")).then(function (options) {
        return navigator.credentials.get({publicKey: PKC.parseRequestOptionsFromJSON(options)});
      }).then(function (credential) {
        return post(box.getAttribute("data-verify"), credential.toJSON());
      }).then(function () {
        location.replace(box.getAttribute("data-next"));
      }, function (e) {
        // Ended meanwhile (a new invitation), opened in another tab, or locked for good: the page says which.
        if (e.status === 401 || e.status === 409) { location.reload(); return; }
        button.disabled = false;
        show(box, "failed");
      });
    });
  });
})();
