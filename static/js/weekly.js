// The weekly check-in page, keyboard first: Enter keeps a row and moves to the next one. From a static file: the
// Content-Security-Policy allows no inline script. Without it the page still works: Enter then submits the form.
(function () {
  function changed(row) {
    var fields = row.querySelectorAll("input:not([type=checkbox]), select");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.tagName === "SELECT") {
        for (var j = 0; j < field.options.length; j++) {
          if (field.options[j].selected !== field.options[j].defaultSelected) return true;
        }
      } else if (field.value !== field.defaultValue) {
        return true;
      }
    }
    return false;
  }

  function focusField(field) {
    field.focus();
    if (field.select && field.tagName === "INPUT") field.select();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
    var field = event.target;
    var row = field.closest ? field.closest("[data-weekly-row]") : null;
    if (!row || field.tagName === "BUTTON" || field.tagName === "TEXTAREA") return;
    event.preventDefault();
    var same = row.querySelector("[data-same]");
    if (same && !changed(row)) same.checked = true;
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-weekly-row]"));
    var next = rows[rows.indexOf(row) + 1];
    focusField(next ? next.querySelector("[data-first]") : document.getElementById("weekly-submit"));
  });

  // Typing over last week's value replaces it.
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field.matches && field.matches("input[data-first]")) field.select();
  });
  // The browser may autofocus the first row before this deferred script runs: select it now as well.
  var focused = document.activeElement;
  if (focused && focused.matches && focused.matches("input[data-first]")) focused.select();
})();
