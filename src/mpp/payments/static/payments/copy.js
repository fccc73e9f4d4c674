// The bill's copy button: shown only where the clipboard can be written; copies the code without its spaces.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    var said = button.parentElement.querySelector("[data-copied]");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.dataset.code).then(function () {
        if (said) said.hidden = false;
      });
    });
  });
})();
