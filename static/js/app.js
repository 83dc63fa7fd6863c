// Behaviour of the pages, from a static file: the Content-Security-Policy allows no inline script.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});

// The strategy map's branches: a toggle shows or hides the goals under a node (htmx loads them on the first click).
// The toggle is a link to the branch's own page (what it does without JavaScript) playing a button's part here, so
// it does not follow its link, and Space presses it as it would a button.
document.addEventListener("click", function (event) {
  var toggle = event.target.closest("[data-toggle]");
  if (!toggle) {
    return;
  }
  event.preventDefault();
  var target = document.getElementById(toggle.getAttribute("data-toggle"));
  var open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
  if (target) {
    target.hidden = !open;
  }
});

document.addEventListener("keydown", function (event) {
  var toggle = event.target.closest && event.target.closest("a[data-toggle]");
  if (toggle && (event.key === " " || event.key === "Spacebar")) {
    event.preventDefault();
    toggle.click();
  }
});

// "Show more" on the map replaces itself with the next goals of its list: the focus then goes to the first of them
// (the link that had it is gone), so a keyboard user reads on from where they were.
(function () {
  var more = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var link = event.detail.elt;
    var list = link && link.hasAttribute("data-more") && document.getElementById(link.getAttribute("data-more"));
    more = list ? { list: list.id, index: list.querySelectorAll(":scope > li.node").length } : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!more) {
      return;
    }
    var list = document.getElementById(more.list);
    var first = list && list.querySelectorAll(":scope > li.node")[more.index];
    var title = first && first.querySelector("a.title");
    more = null;
    if (title) {
      title.focus();
    }
  });
})();

// Focus stays where the person is after an in-place update (htmx): a swap that replaces the element holding the
// focus would otherwise drop it to <body>, and a screen reader or keyboard user would start again from the top.
// Before the request, remember the nearest element with an id around the focus and what had it; after the swap,
// if the focus was lost, put it on the first field marked invalid (an error), else on the same field or button in
// the new content, else on the new content itself.
(function () {
  var remembered = null;

  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    if (!active || active === document.body) {
      remembered = null;
      return;
    }
    var holder = active.closest("[id]");
    remembered = holder && {
      id: holder.id,
      name: active.getAttribute("name"),
      tag: active.tagName,
      type: active.getAttribute("type"),
    };
  });

  function focusable(element) {
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    return element;
  }

  document.addEventListener("htmx:afterSettle", function () {
    if (!remembered || (document.activeElement && document.activeElement !== document.body)) {
      return;
    }
    var holder = document.getElementById(remembered.id);
    if (!holder) {
      return;
    }
    var invalid = holder.querySelector('[aria-invalid="true"]');
    var error = holder.querySelector(".error, [role=alert]");
    var same = remembered.name
      ? holder.querySelector(remembered.tag.toLowerCase() + '[name="' + remembered.name + '"]')
      : holder.querySelector(remembered.tag.toLowerCase() + (remembered.type ? '[type="' + remembered.type + '"]' : ""));
    var firstField = holder.querySelector("input:not([type=hidden]), select, textarea");
    var target = invalid || (error && firstField) || same || holder;
    focusable(target).focus();
    remembered = null;
  });
})();
