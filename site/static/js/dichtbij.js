// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Skip link: move focus to <main> so keyboard and screen-reader users land in the content.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.utrecht-skip-link");
    if (!link) return;
    var target = document.getElementById("main");
    if (target) {
      event.preventDefault();
      target.focus();
      target.scrollIntoView();
    }
  });
  // Print buttons (rendered with data-print) open the browser's print dialog.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
