"""Template helpers for profiles: the signed-in person's programs on the dashboard."""

from __future__ import annotations

from django import template
from django.db.models import Prefetch

from mentoring.models import Mentorship, Participant

register = template.Library()


@register.simple_tag(takes_context=True)
def my_participations(context: template.Context, role: str) -> list[Participant]:
    """The current user's live participations as ``role`` in the current organization, each
    with its ``active_mentorships`` and, on each of those, the ``partner`` (the other
    person). Two queries."""
    request = context.get("request")
    organization = getattr(request, "organization", None)
    if request is None or organization is None or not request.user.is_authenticated:
        return []
    participations = list(
        Participant.objects.for_organization(organization)
        .filter(user=request.user, role=role, status__in=[Participant.Status.INVITED, Participant.Status.ACTIVE])
        .select_related("program")
        .prefetch_related(
            Prefetch(
                "mentorships_as_mentee" if role == "mentee" else "mentorships_as_mentor",
                queryset=Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).select_related(
                    "mentor__user", "mentee__user"
                ),
                to_attr="active_mentorships",
            )
        )
        .order_by("-program__start_date", "program__name")
    )
    for participation in participations:
        for mentorship in participation.active_mentorships:
            mentorship.partner = mentorship.mentor if role == "mentee" else mentorship.mentee
    return participations
