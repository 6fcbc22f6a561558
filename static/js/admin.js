// The admin's own small behaviours, kept out of the pages so the CSP allows no inline script.
(function () {
  "use strict";
  var language = document.getElementById("admin-language");
  if (language) {
    language.addEventListener("change", function () {
      language.form.submit();
    });
  }
})();
