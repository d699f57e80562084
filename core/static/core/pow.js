// Solves the sign-up form's proof-of-work challenge (ALTCHA v1, SHA-256) in the browser,
// so bots pay a cost and people see nothing. Without JavaScript the form still works,
// under a stricter per-address limit.
(function () {
  "use strict";
  var form = document.querySelector("form[data-pow]");
  if (!form || !window.crypto || !window.crypto.subtle) { return; }
  var ch = JSON.parse(form.getAttribute("data-pow"));
  var field = form.querySelector("input[name=altcha]");
  var status = form.querySelector(".pow-status");
  var enc = new TextEncoder();

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  async function solve() {
    for (var n = 0; n <= ch.maxnumber; n++) {
      var digest = await crypto.subtle.digest("SHA-256", enc.encode(ch.salt + n));
      if (hex(digest) === ch.challenge) { return n; }
    }
    return null;
  }

  solve().then(function (number) {
    if (number === null) { return; }
    field.value = btoa(JSON.stringify({
      algorithm: ch.algorithm, challenge: ch.challenge, number: number, salt: ch.salt, signature: ch.signature
    }));
    if (status) { status.textContent = ""; }
  });
}());
