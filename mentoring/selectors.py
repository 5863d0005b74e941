"""Reads shared by pages, the API and tasks; joins and counts applied here so
callers keep a fixed number of queries whatever the cohort size."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from mentoring.models import Invitation, Organization, Participant, Program, Question

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


@dataclass(frozen=True)
class SetupProgress:
    """How far a new organization has come on its first-run path, from its own data:
    create a program → its questions → import or add people → invite them."""

    program: Program | None  # the most recently created program: where the next steps happen
    has_program: bool
    has_questions: bool
    has_people: bool
    has_invitations: bool

    @property
    def complete(self) -> bool:
        return self.has_program and self.has_questions and self.has_people and self.has_invitations


def organization_setup_progress(organization: Organization) -> SetupProgress:
    """At most five small queries, whatever the organization's size."""
    program = Program.objects.for_organization(organization).order_by("-created_at", "-pk").first()
    return SetupProgress(
        program=program,
        has_program=program is not None,
        has_questions=Question.objects.for_organization(organization).exists(),
        has_people=Participant.objects.for_organization(organization).exists(),
        # People who joined without an invitation (added as active) count as invited.
        has_invitations=Invitation.objects.for_organization(organization).exists()
        or Participant.objects.for_organization(organization).filter(status=Participant.Status.ACTIVE).exists(),
    )
