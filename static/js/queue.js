// Stapstenen's offline queue of small wins, shared by the pages (app.js) and the service worker (sw.js).
// Each win keeps the uuid made on the phone, so sending it twice never makes two wins.
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

  var Queue = {
    // Where wins are sent: set by whoever loads this file (app.js from the page's data-sync, sw.js from
    // the URLs the server writes into it), so no path is written here.
    syncUrl: null,
    add: function (win) {
      win.state = "waiting";
      win.queued_at = new Date().toISOString();
      return run(WINS, "readwrite", function (s) { return request(s.put(win)); });
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
    // Send what waits, one by one. Resolves with the counts left; stops (keeping everything) when the
    // phone is offline or nobody is signed in, and goes on past a win the server refuses for good.
    flush: function () {
      return Queue.all().then(function (items) {
        var waiting = items.filter(function (i) { return i.state !== "aside"; });
        var step = function (index) {
          if (index >= waiting.length) return Queue.counts();
          var win = waiting[index];
          return fetch(Queue.syncUrl, {
            method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-Stapstenen-Queue": "1"},
            body: JSON.stringify({client_uuid: win.client_uuid, pick: win.pick, text: win.text || null,
                                  mood: win.mood || null})
          }).then(function (response) {
            if (response.ok) {
              return run(WINS, "readwrite", function (s) { return request(s.delete(win.client_uuid)); })
                .then(function () { return step(index + 1); });
            }
            if (response.status === 401 || response.status >= 500) return Queue.counts();
            win.state = "aside";
            win.reason = response.status;
            return run(WINS, "readwrite", function (s) { return request(s.put(win)); })
              .then(function () { return step(index + 1); });
          }, function () { return Queue.counts(); });
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
  scope.StapQueue = Queue;
})(self);
