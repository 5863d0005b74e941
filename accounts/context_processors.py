from __future__ import annotations

from django.http import HttpRequest

from accounts.roles import roles_for


def organization(request: HttpRequest) -> dict:
    """What the base template needs about the organization: the current one, the person's
    roles in it, and their other organizations (the switcher)."""
    user = request.user
    membership = getattr(request, "membership", None)
    return {
        "current_organization": getattr(request, "organization", None),
        "current_membership": membership,
        "roles": roles_for(membership),
        "organization_choices": (
            [m.organization for m in user.memberships.select_related("organization").order_by("organization__name")]
            if user.is_authenticated
            else []
        ),
    }
