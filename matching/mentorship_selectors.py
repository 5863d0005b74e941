"""Reads for the Mentorships and Requests pages of a program, and the homes' mentorship
cards. Each returns a queryset with its joins, or plain numbers computed in SQL, so a page
runs the same number of queries however big the program grows.

(To move into ``matching/selectors/`` with the rest when that package exists.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet

from matching.models import MentorshipRequest
from mentoring.models import Mentorship, Participant, Program

SHOW_CHOICES = ("matched", "unmatched", "ended")


def mentorships_for_program(program: Program, *, show: str = "matched", search: str = "") -> QuerySet[Mentorship]:
    """Active ("matched") or ended mentorships of a program, newest first."""
    status = Mentorship.Status.ENDED if show == "ended" else Mentorship.Status.ACTIVE
    qs = (
        Mentorship.objects.filter(program=program, status=status)
        .select_related("mentor__user", "mentee__user", "created_by", "ended_by")
        .order_by("-ended_at" if show == "ended" else "-created_at", "-pk")
    )
    if search:
        qs = qs.filter(
            Q(mentor__full_name__icontains=search)
            | Q(mentor__email__icontains=search)
            | Q(mentee__full_name__icontains=search)
            | Q(mentee__email__icontains=search)
        )
    return qs


def _has_mentor() -> Exists:
    return Exists(
        Mentorship.objects.filter(mentee=OuterRef("pk"), program=OuterRef("program"), status=Mentorship.Status.ACTIVE)
    )


def unmatched_mentees(program: Program, *, search: str = "") -> QuerySet[Participant]:
    """Active mentees of the program without an active mentorship, by name."""
    qs = (
        Participant.objects.filter(program=program, role=Participant.Role.MENTEE, status=Participant.Status.ACTIVE)
        .filter(~_has_mentor())
        .order_by("full_name", "email", "pk")
    )
    if search:
        qs = qs.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return qs


@dataclass(frozen=True)
class MentorshipCounts:
    matched: int
    unmatched: int
    ended: int


def mentorship_counts(program: Program) -> MentorshipCounts:
    """Two queries, whatever the program's size."""
    by_status = Mentorship.objects.filter(program=program).aggregate(
        matched=Count("pk", filter=Q(status=Mentorship.Status.ACTIVE)),
        ended=Count("pk", filter=Q(status=Mentorship.Status.ENDED)),
    )
    return MentorshipCounts(
        matched=by_status["matched"], unmatched=unmatched_mentees(program).count(), ended=by_status["ended"]
    )


def active_mentors(program: Program) -> QuerySet[Participant]:
    return Participant.objects.filter(
        program=program, role=Participant.Role.MENTOR, status=Participant.Status.ACTIVE
    ).order_by("full_name", "email", "pk")


# --- requests (read only: the requests themselves are another module's) -----------------


_ANSWER_TIME = ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField())
#: Answered by a person (the mentor), not closed by itself.
_ANSWERED = Q(
    status__in=[MentorshipRequest.Status.ACCEPTED, MentorshipRequest.Status.DECLINED], answered_by__isnull=False
)


@dataclass(frozen=True)
class RequestStats:
    pending: int
    accepted: int
    declined: int
    expired: int
    withdrawn: int
    accepted_by_mentor: int
    declined_by_mentor: int
    answered: int
    median_answer: dt.timedelta | None

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted share of the requests a mentor answered, 0–100 (None before any answer)."""
        answered = self.accepted_by_mentor + self.declined_by_mentor
        return round(100 * self.accepted_by_mentor / answered, 1) if answered else None


def request_stats(program: Program) -> RequestStats:
    """Counts, acceptance rate and the median time a mentor took to answer, in SQL: one
    aggregate, then the median read by position from the ordered answer times (one or two
    rows), which works on PostgreSQL and SQLite alike."""
    qs = MentorshipRequest.objects.filter(program=program)
    S = MentorshipRequest.Status
    counts = qs.aggregate(
        pending=Count("pk", filter=Q(status=S.PENDING)),
        accepted=Count("pk", filter=Q(status=S.ACCEPTED)),
        declined=Count("pk", filter=Q(status=S.DECLINED)),
        expired=Count("pk", filter=Q(status=S.EXPIRED)),
        withdrawn=Count("pk", filter=Q(status=S.WITHDRAWN)),
        accepted_by_mentor=Count("pk", filter=_ANSWERED & Q(status=S.ACCEPTED)),
        declined_by_mentor=Count("pk", filter=_ANSWERED & Q(status=S.DECLINED)),
    )
    answered = counts["accepted_by_mentor"] + counts["declined_by_mentor"]
    median = None
    if answered:
        middle = (answered - 1) // 2
        times = list(
            qs.filter(_ANSWERED)
            .annotate(took=_ANSWER_TIME)
            .order_by("took", "pk")
            .values_list("took", flat=True)[middle : middle + (1 if answered % 2 else 2)]
        )
        median = sum(times, dt.timedelta()) / len(times)
    return RequestStats(answered=answered, median_answer=median, **counts)


def pending_requests(program: Program) -> QuerySet[MentorshipRequest]:
    """The program's pending requests and offers, oldest first (the ones waiting longest)."""
    return (
        MentorshipRequest.objects.filter(program=program, status=MentorshipRequest.Status.PENDING)
        .select_related("mentee__user", "mentor__user")
        .order_by("created_at", "pk")
    )


def pending_requests_for(participant_ids: list[int]) -> QuerySet[MentorshipRequest]:
    """Pending requests made or received by these participations (a person's home)."""
    return (
        MentorshipRequest.objects.filter(status=MentorshipRequest.Status.PENDING)
        .filter(Q(mentee_id__in=participant_ids) | Q(mentor_id__in=participant_ids))
        .select_related("mentee__user", "mentor__user", "program")
        .order_by("created_at", "pk")
    )
