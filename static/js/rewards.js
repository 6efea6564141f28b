// Support Rewards: small helpers on top of pages that work without JavaScript.
(function () {
  "use strict";
  // Show the code the way the email prints it (ABCD-EFGH-…); the server ignores separators and case.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input.rewards-code")) return;
    var raw = input.value.toUpperCase().replace(/[^A-Z0-9]/g, "").slice(0, 32);
    var grouped = raw.match(/.{1,4}/g);
    input.value = grouped ? grouped.join("-") : "";
  });
  // One click is enough: the server would ignore a second confirmation anyway (one-time token).
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector && event.target.querySelector("button[data-once]");
    if (!button) return;
    if (button.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
      return;
    }
    window.setTimeout(function () { button.setAttribute("aria-disabled", "true"); }, 0);
  });
})();
