// Team page: highlight the chosen role and its abilities. The page works without this file.
(function () {
  "use strict";
  function mark(fieldset) {
    fieldset.querySelectorAll(".role-choice").forEach(function (label) {
      var input = label.querySelector("input");
      label.classList.toggle("role-choice--selected", !!(input && input.checked));
    });
  }
  document.querySelectorAll("[data-role-choices]").forEach(function (fieldset) {
    mark(fieldset);
    fieldset.addEventListener("change", function () { mark(fieldset); });
  });
})();
