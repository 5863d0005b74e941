"""Reads of mentorship requests shared by pages, the API and emails."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from matching.models import MentorshipRequest
from matching.services.requests import fits_for_mentee, proposal_reasons, self_selection_problem
from mentoring.models import Participant
from mentoring.services.mentorships import mentor_loads

# mentee__user, mentor__user: their avatars show the account's photo without a query each.
REQUEST_JOINS = ("program", "mentee__user", "mentor__user", "answered_by", "mentorship")


def requests_queryset() -> QuerySet[MentorshipRequest]:
    return MentorshipRequest.objects.select_related(*REQUEST_JOINS)


def requests_visible_to(user, membership) -> QuerySet[MentorshipRequest]:
    """Requests this person made or received; an HR admin sees all of the organization's."""
    qs = requests_queryset().for_organization(membership.organization if membership else None)
    if membership is not None and membership.is_admin:
        return qs
    return qs.filter(Q(mentee__user=user) | Q(mentor__user=user))


def requests_made_by(user, organization) -> QuerySet[MentorshipRequest]:
    return (
        requests_queryset()
        .for_organization(organization)
        .filter(mentee__user=user, kind=MentorshipRequest.Kind.REQUEST)
        .order_by("-created_at", "-pk")
    )


def requests_received_by(user, organization) -> QuerySet[MentorshipRequest]:
    return requests_queryset().for_organization(organization).filter(mentor__user=user).order_by("-created_at", "-pk")


def pending_received_count(user, organization) -> int:
    return (
        MentorshipRequest.objects.for_organization(organization)
        .filter(mentor__user=user, status=MentorshipRequest.Status.PENDING)
        .count()
    )


@dataclass
class RequestState:
    """What a mentee can do about requests in one program (the suggestions page and directory)."""

    problem: str | None
    pending: dict[int, MentorshipRequest] = field(default_factory=dict)  # mentor id -> open request
    limit: int = 0

    @property
    def can_request(self) -> bool:
        return self.problem is None and len(self.pending) < self.limit

    @property
    def at_limit(self) -> bool:
        return self.problem is None and len(self.pending) >= self.limit


def request_states(participants: list[Participant]) -> dict[int, RequestState]:
    """Per mentee participant: whether they may ask, and their open requests by mentor."""
    states = {
        p.pk: RequestState(self_selection_problem(p.program), limit=p.program.max_pending_requests)
        for p in participants
    }
    for req in MentorshipRequest.objects.filter(
        mentee__in=participants, status=MentorshipRequest.Status.PENDING
    ).select_related("mentor"):
        states[req.mentee_id].pending[req.mentor_id] = req
    return states


@dataclass(frozen=True)
class DirectoryEntry:
    mentor: Participant
    score: float | None
    explanation: str
    shared_hours: float | None
    free: int


def mentor_directory(
    program, *, mentee: Participant | None, q: str = "", skill: str = "", language: str = "",
    min_hours: float | None = None, free_only: bool = False,
) -> list[DirectoryEntry]:  # fmt: skip
    """The program's active mentors, filtered; for a mentee, only those the hard rules allow,
    with the score and the reasons (best first), as suggestions show them."""
    mentors = list(
        Participant.objects.filter(program=program, role=Participant.Role.MENTOR, status=Participant.Status.ACTIVE)
        .select_related("program", "user")
        .order_by("full_name", "pk")
    )
    loads = mentor_loads([m.pk for m in mentors])
    fits = fits_for_mentee(mentee, [m.pk for m in mentors]) if mentee is not None else None
    q, skill, language = q.strip().casefold(), skill.strip().casefold(), language.strip().casefold()
    entries = []
    for m in mentors:
        free = max(m.effective_capacity - loads.get(m.pk, 0), 0)
        fit = fits.get(m.pk) if fits is not None else None
        if fits is not None and fit is None:
            continue  # a hard rule excludes the pair: they cannot be requested
        if free_only and free <= 0:
            continue
        if q and q not in " ".join([m.full_name, m.job_title, m.department, m.expertise]).casefold():
            continue
        if skill and not any(skill in s.casefold() for s in m.skills_offered or []):
            continue
        if language and not any(language == x.casefold() for x in m.languages or []):
            continue
        hours = float(fit.details["shared_hours"]) if fit is not None and "shared_hours" in fit.details else None
        if min_hours is not None and (hours is None or hours < min_hours):
            continue
        entries.append(
            DirectoryEntry(
                mentor=m,
                score=fit.score if fit else None,
                explanation=proposal_reasons(fit) if fit else "",
                shared_hours=hours,
                free=free,
            )
        )
    if fits is not None:
        entries.sort(key=lambda e: (-(e.score or 0), e.mentor.pk))
    return entries


def directory_choices(program) -> tuple[list[str], list[str]]:
    """Skills and languages the program's mentors list, for the directory's filters."""
    skills: set[str] = set()
    languages: set[str] = set()
    for offered, langs in Participant.objects.filter(
        program=program, role=Participant.Role.MENTOR, status=Participant.Status.ACTIVE
    ).values_list("skills_offered", "languages"):
        skills.update(s for s in offered or [] if s)
        languages.update(x for x in langs or [] if x)
    return sorted(skills, key=str.casefold), sorted(languages, key=str.casefold)
