// Forms sent back with errors (the GOV.UK Design System's error summary): focus moves to
// the summary when the page loads, so that it is read first, and each of its links moves
// focus to its field, with the field's label scrolled into view above it.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    var label = document.querySelector("label[for='" + CSS.escape(field.id) + "']");
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
}());
