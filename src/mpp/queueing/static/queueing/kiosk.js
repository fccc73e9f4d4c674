// The entrance kiosk and its ticket page. Back to the start after a quiet while, so the next visitor finds the
// first screen (each touch or key starts the wait again: someone typing their phone number is never cut off);
// a meta refresh would be simpler but fails WCAG 2.2.1. And the ticket's Print button (shown only with
// JavaScript): a kiosk browser started with --kiosk-printing prints straight to the receipt printer.
(function () {
  "use strict";

  document.querySelectorAll("[data-kiosk-reset]").forEach(function (box) {
    var seconds = parseInt(box.getAttribute("data-kiosk-reset"), 10) || 30;
    var start = box.getAttribute("data-kiosk-start");
    var timer = null;
    function wait() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        window.location.replace(start);
      }, seconds * 1000);
    }
    ["pointerdown", "keydown", "input", "scroll"].forEach(function (kind) {
      document.addEventListener(kind, wait, { passive: true });
    });
    wait();
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
