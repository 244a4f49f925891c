// Gongzhi: an inspection carried out on a phone (gongzhi/inspections, visit.html). The answers are
// kept in this browser (localStorage) as they are typed, with the submission key made here once per
// visit: a reload or a lost signal loses nothing, and a form sent twice is taken once by the server.
// Photos cannot be kept in localStorage: they are attached again after a reload (the page says so).
// Without a signal, sending waits and goes when the phone is back online.
(function () {
  "use strict";
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  if (!store) { return; }
  var done = document.querySelector("[data-draft-done]");
  if (done) { store.removeItem("gongzhi:" + done.getAttribute("data-draft-done")); }
  var form = document.getElementById("inspection-form");
  if (!form) { return; }
  var storeKey = "gongzhi:" + form.getAttribute("data-draft");
  var keyInput = form.querySelector("[data-submission-key]");
  var status = form.querySelector("[data-draft-status]");
  var slots = form.querySelectorAll("[data-finding]");

  function show(text) {
    if (status) { status.textContent = text || ""; status.hidden = !text; }
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function fields() {
    return form.querySelectorAll("input:not([type=file]):not([type=hidden]), select, textarea");
  }
  function shownSlots() {
    var n = 0;
    slots.forEach(function (slot, i) { if (!slot.classList.contains("d-none")) { n = i + 1; } });
    return n;
  }
  function revealSlots(n) {
    slots.forEach(function (slot, i) { if (i < n) { slot.classList.remove("d-none"); } });
  }
  function save() {
    var data = { key: keyInput.value, findings: shownSlots(), values: {} };
    fields().forEach(function (el) {
      if (!el.name) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { data.values[el.name] = el.value; }
      } else if (el.value) {
        data.values[el.name] = el.value;
      }
    });
    try { store.setItem(storeKey, JSON.stringify(data)); } catch (e) { /* storage full: the form still works */ }
  }
  function restore() {
    var data;
    try { data = JSON.parse(store.getItem(storeKey) || "null"); } catch (e) { data = null; }
    if (!data || !data.values) { return false; }
    if (data.key) { keyInput.value = data.key; }
    revealSlots(data.findings || 1);
    fields().forEach(function (el) {
      if (!el.name || !(el.name in data.values)) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = data.values[el.name] === el.value;
      } else {
        el.value = data.values[el.name];
      }
    });
    return Object.keys(data.values).length > 0;
  }

  if (restore()) {
    show(form.getAttribute("data-msg-restored"));
  } else {
    keyInput.value = newKey();
    save();
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  var add = form.querySelector("[data-add-finding]");
  if (add) {
    add.addEventListener("click", function () {
      revealSlots(shownSlots() + 1);
      if (shownSlots() >= slots.length) { add.hidden = true; }
      save();
    });
  }
  var sending = false;
  form.addEventListener("submit", function (event) {
    save();
    if (sending) { event.preventDefault(); return; }
    if (navigator.onLine === false) {
      event.preventDefault();
      show(form.getAttribute("data-msg-offline"));
      window.addEventListener("online", function again() {
        window.removeEventListener("online", again);
        sending = true;
        form.submit();
      });
      return;
    }
    sending = true;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });
})();
