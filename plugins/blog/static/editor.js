// Live preview for the blog editor (progressive: without JS, the Preview button does the same).
// Sends only the text and the CSRF token to /blog/preview, at most every 0.8 s while typing.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  if (!form || !window.fetch) return;
  var body = form.querySelector("#f-body");
  var token = form.querySelector('input[name="' + form.dataset.csrfField + '"]');
  var out = document.getElementById("live-preview");
  if (!body || !token || !out) return;
  var timer = null;
  var sent = null;
  function refresh() {
    if (body.value === sent) return;
    sent = body.value;
    var data = new FormData();
    data.append(form.dataset.csrfField, token.value);
    data.append("body", body.value);
    fetch(form.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { out.innerHTML = html; out.hidden = false; })
      .catch(function () { /* the Preview button still works */ });
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 800);
  });
})();
