// Gongzhi: an inspection carried out on a phone (gongzhi/inspections, visit.html). The answers are
// kept in this browser (localStorage) as they are typed, with the submission key made here once per
// visit: a reload or a lost signal loses nothing, and a form sent twice is taken once by the server.
// The photos chosen are kept too, in IndexedDB (localStorage holds text only), and put back into
// their fields after a reload; where the browser cannot do that, the page asks for them again.
// Without a signal, sending waits and goes when the phone is back online.
(function () {
  "use strict";
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  if (!store) { return; }

  // The draft's photos: one IndexedDB record per file field, {files: [{name, type, blob}]}.
  var photos = (function () {
    var opening = null;
    function db() {
      if (!opening) {
        opening = new Promise(function (resolve, reject) {
          if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
          var request = window.indexedDB.open("gongzhi-drafts", 1);
          request.onupgradeneeded = function () { request.result.createObjectStore("photos"); };
          request.onsuccess = function () { resolve(request.result); };
          request.onerror = function () { reject(request.error); };
        });
      }
      return opening;
    }
    function run(mode, work) {
      return db().then(function (database) {
        return new Promise(function (resolve, reject) {
          var tx = database.transaction("photos", mode);
          var result = work(tx.objectStore("photos"));
          tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
          tx.onerror = function () { reject(tx.error); };
        });
      });
    }
    return {
      put: function (key, files) {
        var list = Array.prototype.map.call(files, function (f) { return { name: f.name, type: f.type, blob: f }; });
        return run("readwrite", function (os) { return list.length ? os.put({ files: list }, key) : os.delete(key); });
      },
      get: function (key) { return run("readonly", function (os) { return os.get(key); }); },
      clear: function (prefix) {
        return run("readwrite", function (os) {
          os.delete(window.IDBKeyRange.bound(prefix + ":", prefix + ":\uffff"));
        }).catch(function () {});
      },
    };
  })();
  var canRefill = typeof window.DataTransfer === "function" && typeof window.File === "function";
  var done = document.querySelector("[data-draft-done]");
  if (done) {
    store.removeItem("gongzhi:" + done.getAttribute("data-draft-done"));
    photos.clear("gongzhi:" + done.getAttribute("data-draft-done"));
  }
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

  var fileInputs = form.querySelectorAll("input[type=file]");
  function photoKey(input) { return storeKey + ":" + input.name; }
  function savePhotos(input) {
    photos.put(photoKey(input), input.files).catch(function () { canRefill = false; });
  }
  function restorePhotos() {
    // Put the kept photos back into their fields; resolves to how many came back.
    var back = 0;
    return Promise.all(Array.prototype.map.call(fileInputs, function (input) {
      return photos.get(photoKey(input)).then(function (record) {
        if (!record || !record.files || !record.files.length) { return; }
        var transfer = new window.DataTransfer();
        record.files.forEach(function (f) { transfer.items.add(new window.File([f.blob], f.name, { type: f.type })); });
        input.files = transfer.files;
        back += record.files.length;
      });
    })).then(function () { return back; });
  }

  var restored = restore();
  if (restored) {
    show(form.getAttribute(canRefill ? "data-msg-restored-all" : "data-msg-restored"));
  } else {
    keyInput.value = newKey();
    save();
    photos.clear(storeKey);
  }
  if (canRefill && restored) {
    restorePhotos().then(function (n) {
      if (n) {
        form.setAttribute("data-photos-restored", String(n));
        show(form.getAttribute("data-msg-restored-all"));
      }
    }).catch(function () {
      canRefill = false;
      if (restored) { show(form.getAttribute("data-msg-restored")); }
    });
  }
  form.addEventListener("input", save);
  form.addEventListener("change", function (event) {
    save();
    if (event.target && event.target.type === "file" && canRefill) { savePhotos(event.target); }
  });
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
