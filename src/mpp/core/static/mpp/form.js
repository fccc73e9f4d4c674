// Conditional fields: a field with data-shown-when="other=value" shows only while that choice is made.
// Without JavaScript every field shows, and the server ignores the ones that do not apply.
document.querySelectorAll("form[data-conditional]").forEach(function (form) {
  var update = function () {
    form.querySelectorAll("[data-shown-when]").forEach(function (box) {
      var rule = box.getAttribute("data-shown-when").split("=");
      var chosen = form.querySelector('[name="' + rule[0] + '"]:checked') || form.querySelector('select[name="' + rule[0] + '"]');
      box.hidden = !(chosen && rule[1].split("|").indexOf(chosen.value) !== -1);
    });
  };
  form.addEventListener("change", update);
  update();
});

// Address fields: pick the village through province → regency → district → village lists read from the
// public regions API. Without JavaScript the village code box stays (the server checks it either way).
document.querySelectorAll("[data-region-cascade]").forEach(function (box) {
  var code = box.querySelector("input[data-village-code]");
  var levels = JSON.parse(box.getAttribute("data-region-labels"));
  var api = box.getAttribute("data-region-api");
  var selects = [];
  var anchor = code.previousElementSibling; // the code box's label: the lists go before it
  var load = function (parent) {
    var url = api + "?page_size=200" + (parent ? "&parent=" + encodeURIComponent(parent) : "&level=1");
    var items = [];
    var page = function (n) {
      return fetch(url + "&page=" + n).then(function (r) { return r.json(); }).then(function (body) {
        items = items.concat(body.items || []);
        return items.length < (body.count || 0) ? page(n + 1) : items;
      });
    };
    return page(1);
  };
  var fill = function (level, parent, chosen) {
    var select = selects[level];
    select.innerHTML = "";
    select.appendChild(new Option(levels.choose, ""));
    for (var l = level + 1; l < selects.length; l++) { selects[l].innerHTML = ""; selects[l].disabled = true; }
    select.disabled = true;
    return load(parent).then(function (items) {
      items.forEach(function (item) { select.appendChild(new Option(item.name, item.code, false, item.code === chosen)); });
      select.disabled = false;
    });
  };
  levels.names.forEach(function (name, level) {
    var id = code.id + "__level" + (level + 1);
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = name;
    var select = document.createElement("select");
    select.id = id;
    select.addEventListener("change", function () {
      code.value = level === 3 ? select.value : "";
      if (level < 3 && select.value) fill(level + 1, select.value, "");
    });
    box.insertBefore(label, anchor);
    box.insertBefore(select, anchor);
    selects.push(select);
  });
  anchor.hidden = true;
  code.type = "hidden";
  // Start from the village already chosen, or else from the service's regency.
  var start = code.value || box.getAttribute("data-region-start") || "";
  var parts = start.split(".");
  var chain = [parts.slice(0, 1), parts.slice(0, 2), parts.slice(0, 3), parts.slice(0, 4)].map(function (p) { return p.join("."); });
  var step = function (level) {
    if (level > 3) return;
    var chosen = chain[level] && chain[level].split(".").length === level + 1 ? chain[level] : "";
    fill(level, level ? chain[level - 1] : "", chosen).then(function () { if (chosen) step(level + 1); });
  };
  step(0);
});
