// A phone number on the picture keypad: each key adds its digit (or +) to the number field, the arrow
// takes the last one away. The field stays a real one: the phone's own keypad works in it too.
(function () {
  "use strict";
  document.querySelectorAll("[data-dial]").forEach(function (box) {
    var input = box.querySelector("[data-dial-input]");
    box.addEventListener("click", function (e) {
      var key = e.target.closest("button");
      if (!key || !box.contains(key)) return;
      if (key.hasAttribute("data-erase")) input.value = input.value.slice(0, -1);
      else if (key.hasAttribute("data-digit") && input.value.length < 20) {
        var digit = key.getAttribute("data-digit");
        if (digit !== "+" || !input.value) input.value += digit;  // + only in front
      }
    });
  });
})();
