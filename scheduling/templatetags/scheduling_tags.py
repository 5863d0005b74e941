"""Template helpers of the scheduling app: the sessions block on a person's home."""

from __future__ import annotations

from django import template

from scheduling.selectors import Home
from scheduling.selectors import home_sessions as select_home

register = template.Library()


@register.simple_tag(takes_context=True)
def home_sessions(context: template.Context) -> Home | None:
    """The signed-in person's sessions in the current organization (a fixed number of
    queries), or None for someone who is neither a mentor nor a mentee there."""
    request = context.get("request")
    organization = getattr(request, "organization", None)
    roles = context.get("roles") or ()
    if request is None or organization is None or not ({"mentor", "mentee"} & set(roles)):
        return None
    return select_home(user=request.user, organization=organization)
