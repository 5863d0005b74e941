// Turazo front end: small, progressive enhancements only.
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
})();
