"""Reads shared by pages, the API, emails and tasks, with their joins applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from mentoring.models import Mentorship, Participant
from scheduling.models import Feedback, Session

SESSION_JOINS = (
    "program",
    "organization",
    "mentorship",
    "mentor__user",
    "mentee__user",
    "mentor__availability",
    "mentee__availability",
    "cancelled_by",
    "booked_by",
    "last_changed_by",
    "no_show_reported_by",
)


def sessions_visible(user, membership: Membership | None) -> QuerySet[Session]:
    """Sessions ``user`` may open in their current organization (their own; all for HR admins)."""
    return Session.objects.visible_to(user, membership).select_related(*SESSION_JOINS)


def session_for_viewer(*, user, membership: Membership | None, pk: int) -> Session:
    """One session the person may see, else 404 (outsiders never learn that it exists)."""
    session = sessions_visible(user, membership).filter(pk=pk).prefetch_related("feedback__author").first()
    if session is None:
        raise Http404("No such session.")
    return session


#: Why an HR admin who only oversees a session cannot act on it, by what they tried (``verb``).
ONLY_THE_PAIR_CAN = {
    "reschedule": gettext_lazy("Only the mentor and the mentee can reschedule this session."),
    "cancel": gettext_lazy("Only the mentor and the mentee can cancel this session."),
    "give feedback on": gettext_lazy("Only the mentor and the mentee can give feedback on this session."),
    "report a no-show for": gettext_lazy("Only the mentor and the mentee can report a no-show for this session."),
    "download": gettext_lazy("Only the mentor and the mentee can download this session."),
}


def session_for_participant(*, user, membership: Membership | None, pk: int, verb: str) -> Session:
    """A session the person takes part in; an HR admin who only oversees it gets 403.
    ``verb`` is a key of ``ONLY_THE_PAIR_CAN``."""
    session = session_for_viewer(user=user, membership=membership, pk=pk)
    if session.role_of(user) is None:
        raise PermissionDenied(ONLY_THE_PAIR_CAN[verb])
    return session


def mentorship_for_booking(*, user, membership: Membership | None, pk: int) -> Mentorship:
    """A mentorship of the current organization that ``user`` is part of. HR admins who are
    not part of it get 403; everyone else 404."""
    if membership is None:
        raise Http404("No such mentorship.")
    mentorship = (
        Mentorship.objects.for_organization(membership.organization)
        .select_related("program", "organization", "mentor__user", "mentee__user")
        .filter(pk=pk)
        .first()
    )
    if mentorship is None:
        raise Http404("No such mentorship.")
    if user.pk not in (mentorship.mentor.user_id, mentorship.mentee.user_id):
        if membership.is_admin:
            raise PermissionDenied(_("Only the mentor and the mentee of this pair can book its sessions."))
        raise Http404("No such mentorship.")
    return mentorship


@dataclass
class Home:
    """What a mentor's or mentee's home shows about sessions."""

    upcoming: list[Session]
    past: list[Session]
    mentorships: list[Mentorship]
    feedback_due: set[int]


def home_sessions(*, user, organization, now: datetime | None = None, limit: int = 5) -> Home:
    """Upcoming and recent sessions of ``user`` in ``organization`` and the pairs they can
    book for; a fixed number of queries."""
    now = now or timezone.now()
    mine = Session.objects.for_organization(organization).involving(user).select_related(*SESSION_JOINS)
    upcoming = list(mine.filter(status=Session.Status.SCHEDULED, end__gt=now).order_by("start")[:limit])
    past = list(
        mine.filter(Q(end__lte=now) | Q(status__in=[Session.Status.CANCELLED, Session.Status.NO_SHOW]))
        .exclude(status=Session.Status.SCHEDULED, end__gt=now)
        .prefetch_related(Prefetch("feedback", queryset=Feedback.objects.filter(author=user), to_attr="my_feedback"))
        .order_by("-start")[:limit]
    )
    feedback_due = {
        s.pk for s in past if s.status in (Session.Status.SCHEDULED, Session.Status.COMPLETED) and not s.my_feedback
    }
    mentorships = list(
        Mentorship.objects.for_organization(organization)
        .filter(Q(mentor__user=user) | Q(mentee__user=user), status=Mentorship.Status.ACTIVE)
        .exclude(program__status="closed")
        .select_related("program", "mentor__user", "mentee__user")
        .order_by("program__name", "pk")
    )
    for m in mentorships:
        m.partner = m.mentee if m.mentor.user_id == user.pk else m.mentor
    return Home(upcoming=upcoming, past=past, mentorships=mentorships, feedback_due=feedback_due)


def participations_for_availability(*, user, organization) -> QuerySet[Participant]:
    return (
        Participant.objects.for_organization(organization)
        .filter(user=user, status__in=[Participant.Status.INVITED, Participant.Status.ACTIVE])
        .select_related("program")
        .order_by("-program__start_date", "program__name")
    )


def program_sessions(*, program, status: str = "", since: datetime | None = None) -> QuerySet[Session]:
    """An HR admin's view of a program's sessions, with the feedback, newest first."""
    qs = (
        Session.objects.filter(program=program)
        .select_related(*SESSION_JOINS)
        .prefetch_related("feedback")
        .order_by("-start", "-pk")
    )
    if status == "late":
        qs = qs.filter(late_cancellation=True)
    elif status in Session.Status.values:
        qs = qs.filter(status=status)
    if since is not None:
        qs = qs.filter(start__gte=since)
    return qs


def recent_window(days: int = 90) -> datetime:
    return timezone.now() - timedelta(days=days)
