// The wait screen after too many wrong PINs: when the wait is over, the keypad comes back by itself,
// so a wait is never a dead end. The server says how long and where (data-wait-seconds, data-wait-next).
(function () {
  "use strict";
  var box = document.querySelector("[data-wait-seconds]");
  if (!box) return;
  var seconds = parseInt(box.getAttribute("data-wait-seconds"), 10);
  if (!(seconds > 0)) return;
  window.setTimeout(function () {
    window.location.replace(box.getAttribute("data-wait-next"));
  }, seconds * 1000 + 500);
})();
