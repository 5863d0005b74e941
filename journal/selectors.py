"""Reads of the journal app, for its pages, its API, and the program report (``dash``).

Who reads what:

* the mentor and the mentee of a pair: its goals, its shared notes, and their own private
  notes (``mentorship_for_member``, ``notes_visible``, ``note_for_author``);
* everybody else — HR admins included — gets 404 on a pair's goals and notes pages, and
  never a note body: admins read counts and goal progress (``program_goal_progress``,
  ``mentorship_journal_counts``) and the closing survey (``survey_summary``,
  ``survey_comments``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import Membership
from journal.models import Goal, Note, ProgramClosure, SurveyAnswer
from mentoring.models import Mentorship, Program

MENTORSHIP_JOINS = ("program", "organization", "mentor__user", "mentee__user")


def mentorships_of(user, membership: Membership | None) -> QuerySet[Mentorship]:
    """Mentorships of the current organization that ``user`` is part of (as mentor or mentee)."""
    if membership is None:
        return Mentorship.objects.none()
    return (
        Mentorship.objects.for_organization(membership.organization)
        .filter(Q(mentor__user=user) | Q(mentee__user=user))
        .select_related(*MENTORSHIP_JOINS)
    )


def mentorship_for_member(*, user, membership: Membership | None, pk: int) -> Mentorship:
    """One of ``user``'s own mentorships, else 404 (HR admins included: notes are the pair's)."""
    mentorship = mentorships_of(user, membership).filter(pk=pk).first()
    if mentorship is None:
        raise Http404("No such mentorship.")
    return mentorship


def goals_of(mentorship: Mentorship) -> QuerySet[Goal]:
    return Goal.objects.filter(mentorship=mentorship).order_by("created_at", "pk")


def notes_visible(*, mentorship: Mentorship, user) -> QuerySet[Note]:
    """The pair's shared notes and ``user``'s own private ones. Call only for a member."""
    return (
        Note.objects.filter(mentorship=mentorship)
        .filter(Q(visibility=Note.Visibility.SHARED) | Q(author=user))
        .select_related("author", "session")
    )


def note_for_viewer(*, user, membership: Membership | None, pk: int) -> Note:
    """A note ``user`` may read (shared in their pair, or their own), else 404."""
    if membership is None:
        raise Http404("No such note.")
    note = (
        Note.objects.for_organization(membership.organization)
        .filter(pk=pk)
        .filter(Q(mentorship__mentor__user=user) | Q(mentorship__mentee__user=user))
        .filter(Q(visibility=Note.Visibility.SHARED) | Q(author=user))
        .select_related("author", "session", *(f"mentorship__{j}" for j in MENTORSHIP_JOINS))
        .first()
    )
    if note is None:
        raise Http404("No such note.")
    return note


def goal_for_viewer(*, user, membership: Membership | None, pk: int) -> Goal:
    """A goal of one of ``user``'s mentorships, else 404."""
    if membership is None:
        raise Http404("No such goal.")
    goal = (
        Goal.objects.for_organization(membership.organization)
        .filter(pk=pk)
        .filter(Q(mentorship__mentor__user=user) | Q(mentorship__mentee__user=user))
        .select_related(*(f"mentorship__{j}" for j in MENTORSHIP_JOINS))
        .first()
    )
    if goal is None:
        raise Http404("No such goal.")
    return goal


# --- For HR admins and the program report -------------------------------------------------


@dataclass(frozen=True)
class GoalProgress:
    total: int
    open: int
    in_progress: int
    done: int
    mentorships_with_goals: int

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def program_goal_progress(*, program: Program) -> GoalProgress:
    """Goals of the program's mentorships by status (one query)."""
    row = Goal.objects.filter(mentorship__program=program).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=Goal.Status.OPEN)),
        in_progress=Count("pk", filter=Q(status=Goal.Status.IN_PROGRESS)),
        done=Count("pk", filter=Q(status=Goal.Status.DONE)),
        mentorships_with_goals=Count("mentorship", distinct=True),
    )
    return GoalProgress(**row)


def _count(qs: QuerySet) -> Coalesce:
    """A correlated COUNT per mentorship (no join fan-out between goals and notes)."""
    return Coalesce(
        Subquery(
            qs.filter(mentorship=OuterRef("pk")).order_by().values("mentorship").annotate(n=Count("pk")).values("n")
        ),
        0,
    )


def mentorship_journal_counts(*, program: Program) -> QuerySet[Mentorship]:
    """The program's mentorships with goal and shared-note counts (no note contents;
    private notes are not even counted). One query per page whatever the size."""
    return (
        Mentorship.objects.filter(program=program)
        .select_related("mentor__user", "mentee__user")
        .annotate(
            goals_total=_count(Goal.objects.all()),
            goals_done=_count(Goal.objects.filter(status=Goal.Status.DONE)),
            shared_notes=_count(Note.objects.filter(visibility=Note.Visibility.SHARED)),
        )
        .order_by("status", "mentee__full_name", "mentee__email", "pk")
    )


@dataclass(frozen=True)
class SurveySummary:
    sent: int
    answered: int
    average_rating: float | None
    #: rating -> how many gave it, 1..5
    distribution: dict[int, int]

    @property
    def response_percent(self) -> int:
        return round(100 * self.answered / self.sent) if self.sent else 0


def survey_summary(*, program: Program) -> SurveySummary:
    """The closing survey's figures (one query)."""
    answered = Q(answered_at__isnull=False)
    row = SurveyAnswer.objects.filter(program=program).aggregate(
        sent=Count("pk"),
        answered=Count("pk", filter=answered),
        average=Avg("rating", filter=answered),
        **{f"r{n}": Count("pk", filter=answered & Q(rating=n)) for n in range(1, 6)},
    )
    average = round(row["average"], 2) if row["average"] is not None else None
    return SurveySummary(
        sent=row["sent"],
        answered=row["answered"],
        average_rating=average,
        distribution={n: row[f"r{n}"] for n in range(1, 6)},
    )


def survey_comments(*, program: Program, limit: int | None = None) -> QuerySet[SurveyAnswer]:
    """Answers with a "what changed for you" text, newest first (HR admins read these)."""
    qs = (
        SurveyAnswer.objects.filter(program=program, answered_at__isnull=False)
        .exclude(what_changed="")
        .select_related("participant")
        .order_by("-answered_at", "-pk")
    )
    return qs[:limit] if limit else qs


def survey_answers_export(*, program: Program) -> QuerySet[SurveyAnswer]:
    return SurveyAnswer.objects.filter(program=program).select_related("participant").order_by("pk")


def program_closure(*, program: Program) -> ProgramClosure | None:
    return ProgramClosure.objects.filter(program=program).select_related("closed_by").first()


def pending_surveys_of(user, membership: Membership | None) -> QuerySet[SurveyAnswer]:
    """Closing surveys ``user`` has not answered yet (for a home page reminder)."""
    if membership is None:
        return SurveyAnswer.objects.none()
    return (
        SurveyAnswer.objects.for_organization(membership.organization)
        .filter(user=user, answered_at__isnull=True)
        .select_related("program")
    )


def survey_for_user(*, user, membership: Membership | None, pk: int) -> SurveyAnswer:
    if membership is None:
        raise Http404("No such survey.")
    answer = (
        SurveyAnswer.objects.for_organization(membership.organization)
        .filter(pk=pk, user=user)
        .select_related("program", "participant")
        .first()
    )
    if answer is None:
        raise Http404("No such survey.")
    return answer
