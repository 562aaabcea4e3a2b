// Stapstenen's offline queue, shared by the pages (app.js, keep.js) and the service worker (sw.js): small wins
// logged offline, and what the client did just as the app locked (a win, a reply, a goal, own words: keep.js).
// Each item keeps the uuid made on the phone, so sending it twice never makes two.
// An item is "waiting" until the server takes it, or "aside" when the server refuses it for good:
// both stay visible, neither expires silently, and an item set aside never blocks the others.
(function (scope) {
  "use strict";
  var DB = "stapstenen", WINS = "wins", KEPT = "kept";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(WINS, {keyPath: "client_uuid"});
        request.result.createObjectStore(KEPT);
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode), result;
        Promise.resolve(work(tx.objectStore(store))).then(function (r) { result = r; });
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  var OWN = ["kind", "state", "queued_at", "reason"];  // kept on the phone, not sent

  var Queue = {
    // Where each kind of item is sent ({win: url, reply: url, ...}): from the page's meta (below) or, in the
    // service worker, from the URLs the server writes into sw.js, so no path is written here.
    syncUrl: null,
    // item: {kind: "win" (the default) | "reply" | "goal" | "strength", client_uuid, ...what its door reads}.
    add: function (item) {
      item.state = "waiting";
      item.queued_at = new Date().toISOString();
      return run(WINS, "readwrite", function (s) { return request(s.put(item)); });
    },
    remove: function (uuid) {
      return run(WINS, "readwrite", function (s) { return request(s.delete(uuid)); });
    },
    all: function () {
      return run(WINS, "readonly", function (s) { return request(s.getAll()); });
    },
    counts: function () {
      return Queue.all().then(function (items) {
        var waiting = 0, aside = 0;
        items.forEach(function (i) { if (i.state === "aside") aside++; else waiting++; });
        return {waiting: waiting, aside: aside};
      });
    },
    // The kinds of the items the last flush sent that the server had not had yet (["win", "reply"]).
    arrived: [],
    // Send what waits, one by one, oldest first. Resolves with the counts left; stops (keeping everything)
    // when the phone is offline or nobody is signed in, and goes on past an item the server refuses for good.
    flush: function () {
      var arrived = Queue.arrived = [];
      var done = function () { return Queue.counts(); };
      return Queue.all().then(function (items) {
        var waiting = items.filter(function (i) { return i.state !== "aside"; }).sort(function (a, b) {
          return a.queued_at < b.queued_at ? -1 : 1;
        });
        var step = function (index) {
          if (index >= waiting.length) return done();
          var item = waiting[index], kind = item.kind || "win", body = {};
          Object.keys(item).forEach(function (k) { if (OWN.indexOf(k) < 0) body[k] = item[k]; });
          return fetch(Queue.syncUrl[kind], {
            method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-Stapstenen-Queue": "1"},
            body: JSON.stringify(body)
          }).then(function (response) {
            if (response.ok) {
              if (response.status === 201) arrived.push(kind);
              return Queue.remove(item.client_uuid).then(function () { return step(index + 1); });
            }
            if (response.status === 401 || response.status >= 500) return done();
            item.state = "aside";
            item.reason = response.status;
            return run(WINS, "readwrite", function (s) { return request(s.put(item)); })
              .then(function () { return step(index + 1); });
          }, done);
        };
        return step(0);
      });
    },
    keepWeek: function (data) {
      return run(KEPT, "readwrite", function (s) { return request(s.put(data, "week")); });
    },
    keptWeek: function () {
      return run(KEPT, "readonly", function (s) { return request(s.get("week")); });
    },
    forgetWeek: function () {
      return run(KEPT, "readwrite", function (s) { return request(s.delete("week")); });
    },
    // Everything off the phone (sign-out): first the caller sends what waits, then this.
    wipe: function () {
      return new Promise(function (resolve) {
        var r = indexedDB.deleteDatabase(DB);
        r.onsuccess = r.onerror = r.onblocked = function () { resolve(); };
      });
    }
  };
  var meta = scope.document && document.querySelector("meta[name=stap-queue]");
  if (meta) Queue.syncUrl = JSON.parse(meta.getAttribute("data-sync"));
  scope.StapQueue = Queue;
})(self);
