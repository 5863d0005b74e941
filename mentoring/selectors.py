"""Reads shared by pages, the API and tasks; joins and counts applied here so
callers keep a fixed number of queries whatever the cohort size."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from accounts.models import Membership, Organization, User
from mentoring.models import Invitation, Mentorship, Participant, Program, Question

IS = Participant.InvitationStatus


def latest_invitations() -> QuerySet[Invitation]:
    """The invitations of the outer participant row (``OuterRef("pk")``), latest first: slice
    ``[:1]`` inside a ``Subquery`` for a participant's latest invitation. The one definition
    of "latest" (newest created, then highest id) every status, list and resend uses."""
    return Invitation.objects.filter(participant=OuterRef("pk")).order_by("-created_at", "-pk")


def latest_invitation_id() -> Subquery:
    """The id of each participant row's latest invitation, to annotate as ``latest_invitation_id``."""
    return Subquery(latest_invitations().values("pk")[:1])


def invitation_status() -> Case:
    """A participant's invitation status (``Participant.InvitationStatus``), as an SQL
    expression over the participant row: the one derivation every page, count, export and
    API response uses, so they can never disagree.

    The participant's own status decides first: removed, declined, or active (joined, however
    they got there: an accepted invitation, or linked by an admin or the demo seed). Otherwise
    their latest invitation does: none yet is "not invited"; a live one past its expiry is
    "expired" even before the periodic sweep marks it so."""
    latest_status = latest_invitations().annotate(
        participant_status=Case(
            When(status=Invitation.Status.ACCEPTED, then=Value(IS.JOINED)),
            When(status__in=Invitation.LIVE, expires_at__lte=timezone.now(), then=Value(IS.EXPIRED)),
            default=F("status"),
            output_field=CharField(),
        )
    ).values("participant_status")[:1]
    return Case(
        When(status=Participant.Status.REMOVED, then=Value(IS.REMOVED)),
        When(status=Participant.Status.DECLINED, then=Value(IS.DECLINED)),
        When(status=Participant.Status.ACTIVE, then=Value(IS.JOINED)),
        default=Coalesce(Subquery(latest_status), Value(IS.NOT_INVITED)),
        output_field=CharField(),
    )


def with_invitation_status(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """``participants``, each annotated with ``invitation_status`` (see ``invitation_status``)."""
    return participants.annotate(invitation_status=invitation_status())


def _count(participants: QuerySet[Participant]) -> Coalesce:
    """How many of ``participants`` belong to the program of the outer row."""
    counted = (
        participants.filter(program=OuterRef("pk")).order_by().values("program").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def programs_with_counts(organization: Organization | None) -> QuerySet[Program]:
    """The organization's programs, each with its funnel counts, in one query. The
    invitation counts go through the same ``invitation_status`` as every other page.

    Every count is its own correlated subquery, none a JOIN + GROUP BY: a grouped query
    would evaluate the per-participant invitation subquery once per joined row."""
    current = Participant.objects.exclude(status=Participant.Status.REMOVED)
    derived = with_invitation_status(Participant.objects.all())
    return Program.objects.for_organization(organization).annotate(
        mentor_count=_count(current.filter(role=Participant.Role.MENTOR)),
        mentee_count=_count(current.filter(role=Participant.Role.MENTEE)),
        not_invited_count=_count(derived.filter(invitation_status=IS.NOT_INVITED)),
        waiting_count=_count(derived.filter(invitation_status__in=Participant.WAITING)),
        joined_count=_count(derived.filter(invitation_status=IS.JOINED)),
        complete_count=_count(current.filter(completeness=100)),
    ).order_by("-start_date", "name", "pk")


SORTS = {
    "name": ("full_name", "email"),
    "-name": ("-full_name", "-email"),
    "email": ("email",),
    "-email": ("-email",),
    "role": ("role", "full_name"),
    "completeness": ("completeness", "full_name"),
    "-completeness": ("-completeness", "full_name"),
    "status": ("invitation_status", "full_name"),
    "updated": ("-updated_at",),
}

COMPLETENESS_FILTERS = {
    "complete": Q(completeness=100),
    "partial": Q(completeness__gt=0, completeness__lt=100),
    "empty": Q(completeness=0),
}


def with_current_mentor(qs: QuerySet[Participant]) -> QuerySet[Participant]:
    """Each participant with ``current_mentor`` (the name, or email, of a mentee's active
    mentor; None for mentors and unmatched mentees), as a correlated subquery."""
    active = Mentorship.objects.filter(mentee=OuterRef("pk"), status=Mentorship.Status.ACTIVE)
    return qs.annotate(
        current_mentor=Subquery(
            active.annotate(
                name=Coalesce(NullIf("mentor__full_name", Value("")), "mentor__email", output_field=CharField())
            ).values("name")[:1]
        )
    )


def participants_table(
    program: Program,
    *,
    search: str = "",
    role: str = "",
    status: str = "",
    completeness: str = "",
    sort: str = "name",
    matched: str = "",
) -> QuerySet[Participant]:
    """Participants of a program for the admin table, the CSV export and the API: filtered,
    sorted, each with its ``invitation_status`` (a correlated subquery, not a query per row).

    ``status`` is an invitation status ("joined", "not_invited", ...), or one of the record's
    own statuses ("invited", "active"), or "all"; by default removed people are left out."""
    qs = with_invitation_status(Participant.objects.filter(program=program).select_related("user"))
    qs = with_current_mentor(qs)
    if matched in ("matched", "unmatched"):
        has = Exists(Mentorship.objects.filter(mentee=OuterRef("pk"), status=Mentorship.Status.ACTIVE)) | Exists(
            Mentorship.objects.filter(mentor=OuterRef("pk"), status=Mentorship.Status.ACTIVE)
        )
        qs = qs.filter(has if matched == "matched" else ~has)
    if search:
        qs = qs.filter(
            Q(full_name__icontains=search)
            | Q(email__icontains=search)
            | Q(department__icontains=search)
            | Q(job_title__icontains=search)
        )
    if role in Participant.Role.values:
        qs = qs.filter(role=role)
    if status in IS.values:
        qs = qs.filter(invitation_status=status)
    elif status in Participant.Status.values:
        qs = qs.filter(status=status)
    elif status != "all":
        qs = qs.exclude(status=Participant.Status.REMOVED)
    if completeness in COMPLETENESS_FILTERS:
        qs = qs.filter(COMPLETENESS_FILTERS[completeness])
    return qs.order_by(*SORTS.get(sort, SORTS["name"]), "pk")


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


# Who may see a person's photo: whoever can see the person on a page. Statuses of a
# participation that still shows the program's people.
PHOTO_VISIBLE_STATUSES = (Participant.Status.INVITED, Participant.Status.ACTIVE)


def photo_visible(*, viewer: User, membership: Membership | None, user_id: int) -> bool:
    """Whether ``viewer``, working in ``membership``'s organization, may see the photo of the
    account ``user_id``: their own; anyone of the organization when they are its HR admin; and
    otherwise the mentors and mentees of a program they are in (a mentee browses the program's
    mentors, a mentor reads requests from its mentees). Everyone else, not even a colleague of
    the same organization, and no-one from another organization."""
    if viewer.pk == user_id:
        return True
    if membership is None:
        return False
    organization = membership.organization_id
    if membership.is_admin:
        return Membership.objects.filter(organization_id=organization, user_id=user_id).exists()
    participations = Participant.objects.filter(organization_id=organization, status__in=PHOTO_VISIBLE_STATUSES)
    mine = participations.filter(user=viewer, program=OuterRef("program")).exclude(role=OuterRef("role"))
    return participations.filter(user_id=user_id).filter(Exists(mine)).exists()
