// Invoices page: "Pay selected" stays disabled until an invoice is ticked. The page works without this file.
(function () {
  "use strict";
  function sync() {
    var button = document.querySelector("[data-pay-selected]");
    if (!button) { return; }
    var ticked = document.querySelectorAll('input[name="invoice"][form="pay-form"]:checked').length;
    button.disabled = ticked === 0;
    button.setAttribute("aria-disabled", ticked === 0 ? "true" : "false");
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches('input[name="invoice"]')) { sync(); }
  });
  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("htmx:afterSwap", sync);
})();
