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
