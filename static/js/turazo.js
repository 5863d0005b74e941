// Turazo front end: small, progressive enhancements only. No inline scripts anywhere: pages
// opt in with data attributes, so a strict Content-Security-Policy holds.
//   data-confirm="Question?"      on a form: ask before submitting (replaces onsubmit=confirm)
//   data-select-all="name"        on a checkbox: ticks every checkbox called `name` in its form
//   data-add-skill + data-target  on a button: appends data-skill to a comma-separated field
//   data-autosubmit               on a select: submits its form when the choice changes
//   data-dismiss-toast            on a button inside .tz-toast: closes it
//   data-history-back             on a button: goes back one page (error pages)
(function () {
  "use strict";

  // Respect the browser's time zone: the server reads this cookie when the user
  // has not chosen a zone. Reload once when it changes so times render right.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var current = (document.cookie.match(/(?:^|; )turazo_tz=([^;]*)/) || [])[1];
    if (zone && decodeURIComponent(current || "") !== zone) {
      document.cookie = "turazo_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
      if (!current && document.body.dataset.timezone !== zone && !document.body.dataset.noTzReload) {
        window.location.reload();
      }
    }
  } catch (e) { /* very old browsers: times stay in UTC */ }

  // --- Toasts: confirmations fade after a while (not while hovered or focused); errors stay.
  var TOAST_MS = 8000;
  function closeToast(toast) {
    toast.classList.add("is-leaving");
    window.setTimeout(function () { toast.remove(); }, 300);
  }
  function initToasts(root) {
    (root || document).querySelectorAll(".tz-toast[data-autohide]:not([data-armed])").forEach(function (toast) {
      toast.setAttribute("data-armed", "");
      var timer = null;
      var arm = function () { timer = window.setTimeout(function () { closeToast(toast); }, TOAST_MS); };
      var hold = function () { window.clearTimeout(timer); };
      toast.addEventListener("mouseenter", hold);
      toast.addEventListener("focusin", hold);
      toast.addEventListener("mouseleave", arm);
      toast.addEventListener("focusout", arm);
      arm();
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss-toast]");
    if (button) closeToast(button.closest(".tz-toast"));
  });

  // --- Forms: confirmation, busy state, no double submit.
  function isHtmxForm(form) {
    return form.hasAttribute("hx-post") || form.hasAttribute("hx-get") || form.hasAttribute("data-hx-post");
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    if (isHtmxForm(form) || form.method.toLowerCase() === "get") return;
    if (form.hasAttribute("data-submitting")) {
      event.preventDefault();  // a second click while the first is on its way
      return;
    }
    form.setAttribute("data-submitting", "");
    var button = event.submitter || form.querySelector("button:not([type=button]), [type=submit]");
    if (button && button.classList.contains("btn")) {
      // Not disabled: a disabled button would drop its name=value from the request.
      button.classList.add("is-busy");
      button.setAttribute("aria-busy", "true");
    }
  }, true);
  window.addEventListener("pageshow", function () {
    // Coming back with the browser's back button: the page may be restored as it was left.
    document.querySelectorAll("form[data-submitting]").forEach(function (form) { form.removeAttribute("data-submitting"); });
    document.querySelectorAll(".is-busy").forEach(function (b) { b.classList.remove("is-busy"); b.removeAttribute("aria-busy"); });
  });

  // htmx requests: mark the form busy and keep its buttons from firing twice.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    elt.setAttribute("aria-busy", "true");
    if (elt.tagName === "FORM") {
      elt.querySelectorAll("button").forEach(function (b) { b.setAttribute("data-was-enabled", b.disabled ? "0" : "1"); b.disabled = true; });
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    elt.removeAttribute("aria-busy");
    if (elt.tagName === "FORM") {
      elt.querySelectorAll("button[data-was-enabled]").forEach(function (b) {
        if (b.getAttribute("data-was-enabled") === "1") b.disabled = false;
        b.removeAttribute("data-was-enabled");
      });
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    var group = target.getAttribute && target.getAttribute("data-select-all");
    if (group) {
      var scope = target.form || document;
      scope.querySelectorAll('input[type=checkbox][name="' + group + '"]').forEach(function (box) { box.checked = target.checked; });
    }
    if (target.hasAttribute && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.requestSubmit();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-history-back]")) window.history.back();
  });

  // Profile: suggestion buttons append a listed skill to the comma-separated field.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-skill]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-target"));
    if (!input) return;
    var items = input.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    var wanted = button.getAttribute("data-add-skill");
    if (!items.some(function (s) { return s.toLowerCase() === wanted.toLowerCase(); })) items.push(wanted);
    input.value = items.join(", ");
    input.focus();
  });

  document.addEventListener("DOMContentLoaded", function () { initToasts(document); });
  document.addEventListener("htmx:load", function (event) { initToasts(event.detail.elt); });
  document.addEventListener("htmx:oobAfterSwap", function (event) { initToasts(event.detail.target); });
})();
