"""What a mentor's or mentee's home adds to each participation: pending requests with their
age, and per active mentorship whether a session is booked and the working hours both share."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from matching.mentorship_selectors import pending_requests_for
from mentoring.models import Participant

register = template.Library()


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _day_window(p: Participant, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    zone = _zone(p.timezone)
    if zone is None or p.work_start is None or p.work_end is None or p.work_end <= p.work_start:
        return None
    return (
        dt.datetime.combine(day, p.work_start, tzinfo=zone).astimezone(dt.UTC),
        dt.datetime.combine(day, p.work_end, tzinfo=zone).astimezone(dt.UTC),
    )


def shared_hours(me: Participant, other: Participant, *, today: dt.date | None = None) -> str:
    """The working hours both share on a working day, in both people's zones:
    "10:00–12:00 your time (Europe/Paris) · 09:00–11:00 theirs (Europe/London)"; "" when either
    has no working hours or days (or a day across midnight) and a sentence when they do not overlap."""
    today = today or timezone.localdate()
    if not me.work_days or not other.work_days:
        return ""  # unknown working days, as matching treats them
    best = None
    for delta in (-1, 0, 1):  # zones far apart overlap with the neighbouring day
        a, b = _day_window(me, today), _day_window(other, today + dt.timedelta(days=delta))
        if a is None or b is None:
            return ""
        start, end = max(a[0], b[0]), min(a[1], b[1])
        if end > start and (best is None or end - start > best[1] - best[0]):
            best = (start, end)
    if best is None:
        return _("Your working hours do not overlap: one of you will meet outside working hours.")
    fmt = "TIME_FORMAT"

    def span(zone_name: str) -> str:
        zone = _zone(zone_name)
        return (
            f"{formats.time_format(best[0].astimezone(zone).time(), fmt)}–"
            f"{formats.time_format(best[1].astimezone(zone).time(), fmt)}"
        )

    return _("%(mine)s your time (%(my_zone)s) · %(theirs)s theirs (%(their_zone)s)") % {
        "mine": span(me.timezone),
        "my_zone": me.timezone,
        "theirs": span(other.timezone),
        "their_zone": other.timezone,
    }


@register.simple_tag(takes_context=True)
def home_next(context: template.Context, participations: list[Participant], role: str) -> str:
    """Attach to each participation ``pending`` (its pending requests, oldest first) and to
    each active mentorship ``shared_hours``. One query whatever the number of programs.
    (``booked`` comes from scheduling's ``pairs_booked`` tag: matching does not read sessions.)"""
    if not participations:
        return ""
    ids = [p.pk for p in participations]
    pending: dict[int, list] = {pk: [] for pk in ids}
    for r in pending_requests_for(ids):
        for pk in (r.mentee_id, r.mentor_id):
            if pk in pending:
                pending[pk].append(r)
    for p in participations:
        p.pending = pending[p.pk]
        for m in p.active_mentorships:
            m.shared_hours = shared_hours(p, m.partner)
    return ""
