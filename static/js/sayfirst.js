// The language picker (templates/auth/language.html, its only page): a tap first says the language's own
// name, then chooses it.
(function () {
  "use strict";
  function setUpSayFirst(button) {
    button.addEventListener("click", function (event) {
      if (button.dataset.said) return;
      event.preventDefault();
      var audio = new Audio(button.getAttribute("data-say-first"));
      var go = function () {
        if (button.dataset.said) return;
        button.dataset.said = "1";
        button.click();
      };
      audio.addEventListener("ended", go);
      audio.addEventListener("error", go);
      audio.play().catch(go);
      setTimeout(go, 2500);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-say-first]").forEach(setUpSayFirst);
  });
})();
