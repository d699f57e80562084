/* Upload progress for the documents upload form.
   Without JavaScript the form posts normally; with it, the same form is sent with
   XMLHttpRequest so the upload's progress events can fill the <progress> bar. */
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("upload-form");
    if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
    var box = form.querySelector(".upload-progress");
    var bar = form.querySelector("progress");
    var percent = form.querySelector(".upload-percent");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var value = Math.round((e.loaded / e.total) * 100);
        bar.value = value;
        percent.textContent = value + " %";
      });
      xhr.addEventListener("load", function () {
        if (xhr.status === 200 && xhr.responseURL && xhr.responseURL.indexOf("/documents/upload") === -1) {
          window.location.assign(xhr.responseURL);
          return;
        }
        /* the form came back with errors: show the returned page's main content */
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = doc.getElementById("main");
        if (main) {
          document.getElementById("main").innerHTML = main.innerHTML;
          init();
          document.getElementById("main").focus();
        } else {
          form.submit();
        }
      });
      xhr.addEventListener("error", function () { form.submit(); });
      box.hidden = false;
      form.querySelector("button[type=submit]").disabled = true;
      xhr.send(new FormData(form));
    });
  }

  init();
}());
