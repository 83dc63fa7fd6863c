// Behaviour of the pages, from a static file: the Content-Security-Policy allows no inline script.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});

// The strategy map's branches: a button shows or hides the goals under a node (htmx loads them on the first click).
document.addEventListener("click", function (event) {
  var toggle = event.target.closest("[data-toggle]");
  if (!toggle) {
    return;
  }
  var target = document.getElementById(toggle.getAttribute("data-toggle"));
  var open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
  if (target) {
    target.hidden = !open;
  }
});
