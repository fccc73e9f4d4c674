// The kiosk's thank-you: after a few seconds the screen starts again for the next person (the page already
// offers the code box, so without JavaScript nothing is lost: the message simply stays until someone types).
document.querySelectorAll("[data-kiosk-reset]").forEach(function (box) {
  var seconds = parseInt(box.getAttribute("data-kiosk-reset"), 10) || 15;
  window.setTimeout(function () {
    window.location.replace(box.getAttribute("data-kiosk-start"));
  }, seconds * 1000);
});
