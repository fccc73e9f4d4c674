// Face verification: capture a short burst of frames from the camera while the citizen
// follows the challenge, and send them with the form. Without a camera (or JavaScript)
// the file input still works.
(function () {
  "use strict";
  var form = document.getElementById("face-form");
  if (!form || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var box = document.getElementById("camera");
  var video = document.getElementById("camera-video");
  var status = document.getElementById("camera-status");
  var start = document.getElementById("camera-start");
  var FRAMES = 6, INTERVAL_MS = 450;
  box.hidden = false;

  function grab() {
    var canvas = document.createElement("canvas");
    var scale = Math.min(1, 640 / (video.videoWidth || 640));
    canvas.width = Math.round((video.videoWidth || 640) * scale);
    canvas.height = Math.round((video.videoHeight || 480) * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
  }

  start.addEventListener("click", function () {
    start.disabled = true;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false }).then(function (stream) {
      video.hidden = false;
      video.srcObject = stream;
      status.textContent = status.dataset.ready || "…";
      var frames = [];
      var taken = 0;
      setTimeout(function tick() {
        grab().then(function (blob) {
          frames.push(blob);
          taken += 1;
          status.textContent = taken + " / " + FRAMES;
          if (taken < FRAMES) { setTimeout(tick, INTERVAL_MS); return; }
          stream.getTracks().forEach(function (t) { t.stop(); });
          var data = new FormData(form);
          data.delete("frames");
          frames.forEach(function (b, i) { data.append("frames", b, "frame" + i + ".jpg"); });
          fetch(form.action || window.location.href, { method: "POST", body: data, credentials: "same-origin" })
            .then(function (response) {
              if (response.redirected) { window.location.href = response.url; return; }
              return response.text().then(function (html) { document.open(); document.write(html); document.close(); });
            });
        });
      }, 800);
    }).catch(function () {
      start.disabled = false;
      box.hidden = true;  // no camera or no permission: the upload field remains
    });
  });
})();
