// The MPP's display board: follows the snapshot (layar.json) every second with its version as ETag (a 304 costs
// the server a cache read), redraws the calls, the lines and the announcement, and announces each new call: a
// chime (Web Audio, nothing to download) and the call spoken in Indonesian (speech synthesis, lang id-ID), also
// written in a live region so everyone can read it. Browsers keep audio silent until someone touches the page,
// so the operator presses "Aktifkan suara" once when setting up the TV. Without JavaScript the page shows the
// board as it was rendered.
(function () {
  "use strict";

  var main = document.querySelector("[data-status-url]");
  if (!main) {
    return;
  }

  // --- Numbers in Indonesian words: 12 → "dua belas", 123 → "seratus dua puluh tiga", 1000 → "seribu". ---
  var UNITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas"];

  function spell(n) {
    n = Math.floor(Math.abs(n));
    if (n < 12) {
      return UNITS[n];
    }
    if (n < 20) {
      return UNITS[n - 10] + " belas";
    }
    if (n < 100) {
      return UNITS[Math.floor(n / 10)] + " puluh" + (n % 10 ? " " + UNITS[n % 10] : "");
    }
    if (n < 1000) {
      var hundreds = Math.floor(n / 100);
      return (hundreds === 1 ? "seratus" : UNITS[hundreds] + " ratus") + (n % 100 ? " " + spell(n % 100) : "");
    }
    if (n < 1000000) {
      var thousands = Math.floor(n / 1000);
      return (thousands === 1 ? "seribu" : spell(thousands) + " ribu") + (n % 1000 ? " " + spell(n % 1000) : "");
    }
    return String(n);
  }

  // "A-012" → "A dua belas"; two-letter lines are spelt letter by letter ("A B tiga").
  function spokenTicket(label) {
    var parts = String(label).split("-");
    var letters = parts[0].split("").join(" ");
    var number = parseInt(parts[1], 10);
    return isNaN(number) ? letters : letters + " " + spell(number);
  }

  // --- Sound: a two-note chime, then the words. Calls are announced one after another, never over each other. ---
  var audio = null;
  var soundOn = false;
  var queue = [];
  var speaking = false;

  function chime() {
    if (!audio) {
      return 0;
    }
    var start = audio.currentTime + 0.05;
    [880, 659.25].forEach(function (frequency, i) {
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      var at = start + i * 0.45;
      tone.type = "sine";
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.5, at + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.8);
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start(at);
      tone.stop(at + 0.85);
    });
    return 1400;
  }

  function indonesianVoice() {
    var voices = window.speechSynthesis.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (/^id([-_]|$)/i.test(voices[i].lang)) {
        return voices[i];
      }
    }
    return null;
  }

  function speak(words, done) {
    if (!("speechSynthesis" in window)) {
      done();
      return;
    }
    var utterance = new SpeechSynthesisUtterance(words);
    var finished = false;
    function finish() {
      if (!finished) {
        finished = true;
        done();
      }
    }
    utterance.lang = "id-ID";
    utterance.rate = 0.9;
    var voice = indonesianVoice();
    if (voice) {
      utterance.voice = voice;
    }
    utterance.onend = finish;
    utterance.onerror = finish;
    window.setTimeout(finish, 10000); // some engines never report the end
    window.speechSynthesis.speak(utterance);
  }

  function next() {
    if (speaking || !queue.length) {
      return;
    }
    speaking = true;
    var words = queue.shift();
    window.setTimeout(function () {
      speak(words, function () {
        window.setTimeout(function () {
          speaking = false;
          next();
        }, 600);
      });
    }, chime());
  }

  function written(call) {
    var counter = call.counter === null || call.counter === undefined ? "–" : String(call.counter);
    return main.getAttribute("data-call-text").replace("%(ticket)s", call.ticket).replace("%(counter)s", counter);
  }

  function say(call) {
    if (!soundOn) {
      return;
    }
    var words = main.getAttribute("data-speech-number") + " " + spokenTicket(call.ticket);
    if (call.counter !== null && call.counter !== undefined) {
      words += ", " + main.getAttribute("data-speech-counter") + " " + spell(call.counter);
    }
    queue.push(words);
    next();
  }

  var button = document.querySelector("[data-sound]");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context && !audio) {
        audio = new Context();
      }
      if (audio && audio.resume) {
        audio.resume();
      }
      soundOn = true;
      button.textContent = button.getAttribute("data-sound-on");
      button.disabled = true;
      queue.push(main.getAttribute("data-speech-test")); // the operator hears that the sound works
      next();
    });
  }
  if ("speechSynthesis" in window && window.speechSynthesis.onvoiceschanged !== undefined) {
    window.speechSynthesis.onvoiceschanged = function () {}; // makes Chrome load its voices early
  }

  // --- Drawing the board from the JSON (text only: never markup from the server's data). ---
  var counterWord = main.getAttribute("data-counter-word");
  var waitingWord = main.getAttribute("data-waiting-word");

  function item(className, parts) {
    var li = document.createElement("li");
    if (className) {
      li.className = className;
    }
    parts.forEach(function (part, i) {
      if (i) {
        li.appendChild(document.createTextNode(" "));
      }
      var span = document.createElement("span");
      span.className = part[0];
      span.textContent = part[1];
      li.appendChild(span);
    });
    return li;
  }

  function counterText(call) {
    return counterWord + " " + (call.counter === null || call.counter === undefined ? "–" : call.counter);
  }

  function fill(list, items) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    items.forEach(function (li) {
      list.appendChild(li);
    });
  }

  // Calls already announced, by ticket and moment: a recall has a new moment and is announced again.
  var announced = {};
  document.querySelectorAll("[data-current] [data-at]").forEach(function (li) {
    announced[li.getAttribute("data-ticket") + "@" + li.getAttribute("data-at")] = true;
  });

  function draw(board) {
    var current = board.current || [];
    var shown = {};
    var fresh = [];
    var still = {};
    var calls = current.map(function (call) {
      var key = call.ticket + "@" + call.at;
      var isNew = !announced[key];
      shown[call.ticket] = true;
      still[key] = true;
      if (isNew) {
        fresh.push(call);
      }
      return item(isNew ? "display-call is-new" : "display-call", [
        ["call-ticket", call.ticket],
        ["call-counter", counterText(call)],
      ]);
    });
    if (!calls.length) {
      var empty = document.createElement("li");
      empty.className = "display-empty";
      empty.textContent = main.getAttribute("data-empty-text");
      calls.push(empty);
    }
    announced = still; // a call that left the board never comes back with the same moment
    fill(document.querySelector("[data-current]"), calls);
    fill(
      document.querySelector("[data-recent]"),
      (board.recent || [])
        .filter(function (call) {
          return !shown[call.ticket];
        })
        .map(function (call) {
          return item("", [
            ["call-ticket", call.ticket],
            ["call-counter", counterText(call)],
          ]);
        })
    );
    fill(
      document.querySelector("[data-lines]"),
      (board.lines || []).map(function (line) {
        var li = item("", [
          ["line-letter", line.letter],
          ["line-agency", line.agency],
          ["line-waiting", String(line.waiting)],
        ]);
        var word = document.createElement("span");
        word.className = "visually-hidden";
        word.textContent = " " + waitingWord; // the column's heading says it on screen
        li.lastChild.appendChild(word);
        return li;
      })
    );
    var announcement = document.querySelector("[data-announcement]");
    announcement.textContent = board.announcement || "";
    announcement.hidden = !board.announcement;
    if (fresh.length) {
      // The newest call comes first in the list: announce the oldest first, in the order they were called.
      // The live region gets them all at once, so a screen reader reads each of them.
      fresh.reverse();
      var said = document.querySelector("[data-said]");
      var text = fresh.map(written).join(" ");
      said.textContent = "";
      // Emptied first and written a moment later: a recall's same words are read out again.
      window.setTimeout(function () {
        said.textContent = text;
      }, 100);
      fresh.forEach(say);
    }
  }

  // --- Polling: every second with If-None-Match; slower after failures, and the page says it lost the server. ---
  var url = main.getAttribute("data-status-url");
  var etag = '"' + main.getAttribute("data-version") + '"';
  var every = parseInt(main.getAttribute("data-poll-ms"), 10) || 1000;
  var failures = 0;
  var connection = document.querySelector("[data-connection]");

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
      .then(function (board) {
        failures = 0;
        connection.hidden = true;
        if (board) {
          draw(board);
        }
      })
      .catch(function () {
        failures += 1;
        connection.hidden = failures < 3;
      })
      .then(function () {
        window.setTimeout(poll, failures ? Math.min(every * Math.pow(2, failures), 15000) : every);
      });
  }
  window.setTimeout(poll, every);

  // --- The clock, in the MPP's own zone (WIB, WITA or WIT), as the server wrote it: 09.05. ---
  var clock = document.querySelector("[data-clock]");
  if (clock) {
    var zone = clock.getAttribute("data-zone");
    var label = clock.textContent.replace(/^[\d.:]+\s*/, "");
    var format;
    try {
      format = new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: zone });
    } catch (error) {
      format = null;
    }
    var tick = function () {
      if (format) {
        clock.textContent = format.format(new Date()).replace(":", ".") + (label ? " " + label : "");
      }
    };
    tick();
    window.setInterval(tick, 5000);
  }
})();
