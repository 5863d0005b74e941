"""Request plumbing with no domain in it: time zone, Permissions-Policy.
(Which organization a request works in: accounts/middleware.py.)"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

TZ_COOKIE = "turazo_tz"


def valid_timezone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return name


class TimezoneMiddleware:
    """Activate the user's chosen zone, else the browser's (cookie set by base.js), else UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = getattr(request.user, "timezone", "") if request.user.is_authenticated else ""
        name = valid_timezone(chosen) or valid_timezone(unquote(request.COOKIES.get(TZ_COOKIE, ""))) or "UTC"
        request.timezone_name = name
        timezone.activate(zoneinfo.ZoneInfo(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` built from ``settings.PERMISSIONS_POLICY``
    (feature -> allowed origins; an empty list denies the feature everywhere)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
