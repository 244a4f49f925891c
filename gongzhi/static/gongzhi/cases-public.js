// The resident's report form: previews of the chosen photos, and a warning beyond the limit.
// (No inline scripts anywhere: see the Content-Security-Policy.)
(function () {
  "use strict";
  var box = document.querySelector("[data-photo-previews]");
  if (!box) { return; }
  var input = document.getElementById("id_photos");
  if (!input) { return; }
  var max = parseInt(box.getAttribute("data-max"), 10) || 4;
  var urls = [];
  input.addEventListener("change", function () {
    urls.forEach(function (url) { URL.revokeObjectURL(url); });
    urls = [];
    box.textContent = "";
    var files = Array.prototype.slice.call(input.files || []);
    files.slice(0, max).forEach(function (file) {
      if (!/^image\//.test(file.type)) { return; }
      var img = document.createElement("img");
      var url = URL.createObjectURL(file);
      urls.push(url);
      img.src = url;
      img.alt = file.name;
      box.appendChild(img);
    });
    if (files.length > max) {
      var warning = document.createElement("div");
      warning.className = "gz-too-many small";
      warning.setAttribute("role", "alert");
      warning.textContent = box.getAttribute("data-too-many");
      box.appendChild(warning);
    }
  });
})();
