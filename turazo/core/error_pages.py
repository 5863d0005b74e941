"""Error pages that keep the app's navigation and offer a way forward.

Django's own handlers render ``403.html``, ``404.html`` and ``500.html`` (templates/);
the 403 shows the reason the view gave (e.g. "Only HR admins of this organization can open
this page.") instead of leaving it in the log. A failed CSRF check gets its own page, which
explains the usual cause (a page left open too long) and how to carry on."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the form's security token was missing or stale."""
    return render(request, "403_csrf.html", status=403)
