from __future__ import annotations

from django.http import HttpRequest

from turazo.core.outbox import outbox_allowed
from turazo.core.roles import roles_for


def shell(request: HttpRequest) -> dict:
    """What the base template needs: the organization, the person's roles, other organizations."""
    organization = getattr(request, "organization", None)
    user = request.user
    return {
        "current_organization": organization,
        "current_membership": getattr(request, "membership", None),
        "roles": roles_for(getattr(request, "membership", None)),
        "organization_choices": (
            [m.organization for m in user.memberships.select_related("organization").order_by("organization__name")]
            if user.is_authenticated
            else []
        ),
        "timezone_name": getattr(request, "timezone_name", "UTC"),
        "outbox_enabled": outbox_allowed(request),
    }
