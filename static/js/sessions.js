// Sessions: progressive enhancements for the scheduling pages (no inline scripts: CSP).
(function () {
  "use strict";

  // Join buttons become prominent 10 minutes before the start (data-join-at, data-join-early seconds).
  // The words they switch to come translated from the page (data-open-label, data-open-text).
  function armJoinButtons(root) {
    root.querySelectorAll("[data-join-at]").forEach(function (button) {
      if (button.dataset.armed) { return; }
      button.dataset.armed = "1";
      var start = Date.parse(button.dataset.joinAt);
      var early = parseInt(button.dataset.joinEarly || "600", 10) * 1000;
      if (isNaN(start)) { return; }
      var wait = start - early - Date.now();
      function open() {
        button.classList.remove("btn-outline-secondary");
        button.classList.add("btn-success", "join-open");
        if (button.dataset.openLabel) { button.textContent = button.dataset.openLabel; }
        var hint = button.parentElement && button.parentElement.querySelector(".join-hint");
        if (hint && hint.dataset.openText) { hint.textContent = hint.dataset.openText; }
      }
      if (wait <= 0) { open(); } else if (wait < 2147483647) { window.setTimeout(open, wait); }
    });
  }

  // <select data-autosubmit>: submit its form when the choice changes (a button stays for keyboards).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });

  // A read-only field to copy (the calendar feed address): select it all on focus.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) { event.target.select(); }
  });

  // Buttons marked data-busy are disabled once their form submits, so a double click books once.
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button[data-busy]");
    if (button) {
      window.setTimeout(function () { button.disabled = true; button.setAttribute("aria-busy", "true"); }, 0);
    }
  });

  document.addEventListener("DOMContentLoaded", function () { armJoinButtons(document); });
  document.addEventListener("htmx:afterSwap", function (event) { armJoinButtons(event.target); });
})();
