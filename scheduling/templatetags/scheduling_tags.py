"""Template helpers of the scheduling app: the sessions block on a person's home."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.db.models import Count
from django.utils import formats

from scheduling.models import Session
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


@register.simple_tag
def pairs_booked(participations) -> str:
    """Attach ``booked`` (sessions booked or held, not cancelled) to each active mentorship of
    the participations a home shows. One query whatever the number of programs."""
    mentorships = [m for p in participations for m in getattr(p, "active_mentorships", ())]
    booked = (
        dict(
            Session.objects.filter(mentorship__in=[m.pk for m in mentorships])
            .exclude(status=Session.Status.CANCELLED)
            .values("mentorship_id")
            .annotate(n=Count("pk"))
            .values_list("mentorship_id", "n")
        )
        if mentorships
        else {}
    )
    for m in mentorships:
        m.booked = booked.get(m.pk, 0)
    return ""


@register.filter
def partner_of(session, user):
    """The other participant of ``session`` for ``user`` (the mentee for its mentor)."""
    return session.mentee if session.mentor.user_id == getattr(user, "pk", None) else session.mentor


# --- Times of sessions, always with the weekday -----------------------------------------------------
# Built from the shared named formats (turazo/formats/) plus the weekday, which a session's
# time needs and the shared formats leave out. Aware datetimes arrive in the active zone
# (expects_localtime), like Django's own |date.


def _fmt(value: datetime | date | None, *parts: str) -> str:
    if value in (None, ""):
        return ""
    return " ".join(formats.date_format(value, p) for p in parts)


@register.filter(expects_localtime=True)
def weekday(value: datetime | date | None) -> str:
    """ "Tue 1 Dec"."""
    return _fmt(value, "D", "MONTH_DAY_FORMAT")


@register.filter(expects_localtime=True)
def weekday_long(value: datetime | date | None) -> str:
    """ "Tuesday 1 Dec 2026"."""
    return _fmt(value, "l", "DATE_FORMAT")


@register.filter(expects_localtime=True)
def weekday_time(value: datetime | None) -> str:
    """ "Tue 1 Dec, 09:00"."""
    return f"{weekday(value)}, {formats.date_format(value, 'TIME_FORMAT')}" if value else ""


@register.filter(expects_localtime=True)
def weekday_datetime(value: datetime | None) -> str:
    """ "Tuesday 1 Dec 2026, 09:00"."""
    return _fmt(value, "l", "DATETIME_FORMAT")


@register.filter(expects_localtime=True)
def day_time(value: datetime | None) -> str:
    """ "Tue 09:00" (a time within a known week)."""
    return _fmt(value, "D", "TIME_FORMAT")
