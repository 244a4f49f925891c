// Gongzhi: a search box over long lists of organisations (selects and checkbox lists marked
// data-filterable="placeholder"). Typing hides what does not match; nothing is ever deselected.
(function () {
  "use strict";
  function normal(text) { return (text || "").replace(/\s+/g, "").toLowerCase(); }
  function rows(control) {
    if (control.tagName === "SELECT") {
      return Array.prototype.slice.call(control.options).filter(function (o) { return o.value !== ""; })
        .map(function (o) { return { node: o, text: o.textContent }; });
    }
    return Array.prototype.slice.call(control.querySelectorAll("input[type=checkbox], input[type=radio]"))
      .map(function (input) {
        var row = input.closest(".form-check") || input.closest("label") || input.parentNode;
        return { node: row, text: row.textContent };
      });
  }
  function groups(control) {
    return control.tagName === "SELECT" ? Array.prototype.slice.call(control.querySelectorAll("optgroup")) : [];
  }
  // A checkbox list carries the mark on each box: the list is the element whose id they share.
  var controls = [];
  document.querySelectorAll("[data-filterable]").forEach(function (el) {
    var control = el;
    if (el.tagName === "INPUT") {
      control = document.getElementById(el.id.replace(/(_\d+)+$/, "")) || el.parentNode;
      if (!control.hasAttribute("data-filterable")) {
        control.setAttribute("data-filterable", el.getAttribute("data-filterable"));
      }
    }
    if (controls.indexOf(control) < 0) { controls.push(control); }
  });
  controls.forEach(function (control, index) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = control.getAttribute("data-filterable");
    box.setAttribute("aria-label", control.getAttribute("data-filterable"));
    box.id = "gz-filter-" + index;
    if (control.id) { box.setAttribute("aria-controls", control.id); }
    control.parentNode.insertBefore(box, control);
    var items = rows(control);
    box.addEventListener("input", function () {
      var wanted = normal(box.value);
      items.forEach(function (item) { item.node.hidden = wanted !== "" && normal(item.text).indexOf(wanted) < 0; });
      groups(control).forEach(function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
      });
    });
  });
})();
