// The visitor's ticket page on their phone: follows the ticket every few seconds (status.json, with an ETag so an
// unchanged line costs one small 304) and rewrites its sentence. When the number is called the page says so in
// an alert (read out by screen readers) and the phone vibrates, once per call (a recall buzzes again). It stops
// when the visit is over. Without JavaScript the page shows the state it was loaded with.
(function () {
  "use strict";

  var slip = document.querySelector("[data-ticket-status-url]");
  if (!slip) {
    return;
  }
  var url = slip.getAttribute("data-ticket-status-url");
  var etag = slip.getAttribute("data-ticket-etag");
  var every = parseInt(slip.getAttribute("data-poll-ms"), 10) || 3000;
  var status = slip.getAttribute("data-status");
  var calledAt = slip.getAttribute("data-called-at");
  var text = slip.querySelector("[data-ticket-text]");
  var alert = slip.querySelector("[data-ticket-alert]");
  var failures = 0;
  var FINAL = { done: true, no_show: true };

  function show(state) {
    slip.setAttribute("data-status", state.status);
    text.textContent = state.text;
    if (state.status === "called" && state.called_at && state.called_at !== calledAt) {
      var message = document.createElement("p");
      message.textContent = state.text;
      while (alert.firstChild) {
        alert.removeChild(alert.firstChild);
      }
      alert.appendChild(message);
      if (navigator.vibrate) {
        navigator.vibrate([400, 200, 400, 200, 800]);
      }
    } else if (state.status !== "called") {
      while (alert.firstChild) {
        alert.removeChild(alert.firstChild);
      }
    }
    calledAt = state.called_at || "";
    status = state.status;
  }

  function poll() {
    fetch(url, { headers: { "If-None-Match": etag, Accept: "application/json" }, cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (response.status === 304) {
          return null;
        }
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        etag = response.headers.get("ETag") || etag;
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        if (state) {
          show(state);
        }
      })
      .catch(function () {
        failures += 1;
      })
      .then(function () {
        if (!FINAL[status]) {
          window.setTimeout(poll, failures ? Math.min(every * Math.pow(2, failures), 60000) : every);
        }
      });
  }
  window.setTimeout(poll, every);
})();
