"""Reads shared by pages, the API and tasks; joins and counts applied here so
callers keep a fixed number of queries whatever the cohort size."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from mentoring.models import Invitation, Organization, Participant, Program

_LIVE = ~Q(participants__status=Participant.Status.REMOVED)


def programs_with_counts(organization: Organization | None) -> QuerySet[Program]:
    """The organization's programs, each with its funnel counts, in one query."""
    return Program.objects.for_organization(organization).annotate(
        mentor_count=Count("participants", filter=_LIVE & Q(participants__role="mentor")),
        mentee_count=Count("participants", filter=_LIVE & Q(participants__role="mentee")),
        invited_count=Count("participants", filter=Q(participants__status=Participant.Status.INVITED)),
        active_count=Count("participants", filter=Q(participants__status=Participant.Status.ACTIVE)),
        complete_count=Count("participants", filter=_LIVE & Q(participants__completeness=100)),
    ).order_by("-start_date", "name", "pk")


def latest_invitation_status() -> Subquery:
    return Subquery(
        Invitation.objects.filter(participant=OuterRef("pk")).order_by("-created_at", "-pk").values("status")[:1]
    )


SORTS = {
    "name": ("full_name", "email"),
    "-name": ("-full_name", "-email"),
    "email": ("email",),
    "-email": ("-email",),
    "role": ("role", "full_name"),
    "completeness": ("completeness", "full_name"),
    "-completeness": ("-completeness", "full_name"),
    "status": ("status", "full_name"),
    "updated": ("-updated_at",),
}

COMPLETENESS_FILTERS = {
    "complete": Q(completeness=100),
    "partial": Q(completeness__gt=0, completeness__lt=100),
    "empty": Q(completeness=0),
}


def participants_table(
    program: Program,
    *,
    search: str = "",
    role: str = "",
    status: str = "",
    completeness: str = "",
    sort: str = "name",
) -> QuerySet[Participant]:
    """Participants of a program for the admin table: filtered, sorted, with the
    latest invitation status annotated (a correlated subquery, not one query per row)."""
    qs = Participant.objects.filter(program=program).select_related("user")
    if search:
        qs = qs.filter(
            Q(full_name__icontains=search)
            | Q(email__icontains=search)
            | Q(department__icontains=search)
            | Q(job_title__icontains=search)
        )
    if role in Participant.Role.values:
        qs = qs.filter(role=role)
    if status in Participant.Status.values:
        qs = qs.filter(status=status)
    elif status != "all":
        qs = qs.exclude(status=Participant.Status.REMOVED)
    if completeness in COMPLETENESS_FILTERS:
        qs = qs.filter(COMPLETENESS_FILTERS[completeness])
    return qs.annotate(invitation_status=latest_invitation_status()).order_by(*SORTS.get(sort, SORTS["name"]), "pk")
