"""Which organization a request works in: the membership lookup."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts.models import Membership

SESSION_KEY = "turazo_organization_id"


def current_membership(request: HttpRequest) -> Membership | None:
    """The signed-in person's membership for this request: the organization an
    ``X-Organization`` header (API) or the session (the switcher) names, else their
    first organization by name; None when signed out or without any."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = (
        Membership.objects.filter(user=user).select_related("organization").order_by("organization__name", "pk")
    )
    wanted = request.headers.get("X-Organization") or request.session.get(SESSION_KEY)
    if wanted:
        chosen = next((m for m in memberships if str(m.organization_id) == str(wanted)), None)
        if chosen is not None:
            return chosen
    return next(iter(memberships), None)


class OrganizationMiddleware:
    """Sets request.membership and request.organization (both None without one).

    The API may choose with an ``X-Organization`` header; pages use the session,
    which the organization switcher sets. One query, whatever the page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = current_membership(request)
        request.organization = request.membership.organization if request.membership else None
        return self.get_response(request)
