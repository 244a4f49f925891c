// Gongzhi: small behaviours, no inline scripts anywhere (see the Content-Security-Policy).
(function () {
  "use strict";
  // Forms and buttons with data-confirm ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);
  // A form with data-once disables its submit buttons after the first submission.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-once") && !event.defaultPrevented) {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    }
  });
  // Countdown on "send code again" buttons: data-wait="seconds".
  document.querySelectorAll("[data-wait]").forEach(function (button) {
    var left = parseInt(button.getAttribute("data-wait"), 10) || 0;
    if (left <= 0) { return; }
    var label = button.textContent;
    button.disabled = true;
    var timer = window.setInterval(function () {
      left -= 1;
      if (left <= 0) { window.clearInterval(timer); button.disabled = false; button.textContent = label; }
      else { button.textContent = label + " (" + left + ")"; }
    }, 1000);
    button.textContent = label + " (" + left + ")";
  });
  // A table box that scrolls sideways (a wide table on a phone) can be focused, so that it can be
  // scrolled with the keyboard too (WCAG 2.1.1); one that fits is left out of the tab order.
  function focusableScrollers(root) {
    (root || document).querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        if (!box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); box.setAttribute("data-gz-scroller", ""); }
      } else if (box.hasAttribute("data-gz-scroller")) {
        box.removeAttribute("tabindex"); box.removeAttribute("data-gz-scroller");
      }
    });
  }
  focusableScrollers();
  var resized = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resized);
    resized = window.setTimeout(function () { focusableScrollers(); }, 150);
  });
  document.addEventListener("htmx:afterSettle", function (event) { focusableScrollers(event.target); });
})();
