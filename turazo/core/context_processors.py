from __future__ import annotations

from django.http import HttpRequest

from turazo.core.outbox import outbox_allowed


def shell(request: HttpRequest) -> dict:
    """What the base template needs beyond the organization (accounts.context_processors.organization)."""
    return {
        "timezone_name": getattr(request, "timezone_name", "UTC"),
        "outbox_enabled": outbox_allowed(request),
    }
