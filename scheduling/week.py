"""The week of free slots the booking pages show, in the viewer's zone.

A week runs Monday 00:00 to the next Monday 00:00 on the *viewer's* clock (which may not be
the mentor's), so the days on screen are the viewer's days; each slot also carries its time
for the other person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.utils import dateformat, timezone

from mentoring.models import Mentorship
from scheduling import slots
from scheduling.services.free_time import free_slots_between, next_slots
from scheduling.services.policy import policy_for
from turazo.core.middleware import valid_timezone


@dataclass
class SlotView:
    start: datetime
    end: datetime
    iso: str
    local: datetime
    other_local: datetime


@dataclass
class DayView:
    day: date
    slots: list[SlotView] = field(default_factory=list)
    is_today: bool = False


@dataclass
class WeekView:
    zone: str
    other_zone: str
    start: date
    days: list[DayView]
    prev_query: str | None
    next_query: str | None
    next_free: SlotView | None
    next_free_query: str | None
    horizon_end: datetime
    count: int


def human(moment: datetime, zone: str | None = None) -> str:
    """ "Tuesday 8 December 2026, 10:00" in ``zone`` (or as given), day and month named in the active language."""
    local = moment.astimezone(ZoneInfo(zone)) if zone else moment
    return dateformat.format(local, "l j F Y, H:i")


def viewer_zone(request, param: str = "tz") -> str:
    """The zone chosen with the switcher (``?tz=``), else the person's zone."""
    return valid_timezone(request.GET.get(param) or request.POST.get(param)) or getattr(request, "timezone_name", "UTC")


def parse_week(value: str | None, zone: ZoneInfo, now: datetime) -> date:
    """The Monday of the week given as YYYY-MM-DD (any day of it), else of this week."""
    today = now.astimezone(zone).date()
    try:
        day = date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return day - timedelta(days=day.weekday())


def parse_start(value: str | None) -> datetime | None:
    """An ISO datetime with its zone (as the slot buttons send), else None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.utcoffset() is not None else None


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    # fold=0 and a gap at midnight (America/Santiago) both resolve to the first instant of the day
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _query(base: dict[str, str], **more: str) -> str:
    return "?" + urlencode({**base, **more})


def slot_view(slot: slots.Slot, zone: ZoneInfo, other: ZoneInfo) -> SlotView:
    return SlotView(
        slot.start, slot.end, slot.start.isoformat(), slot.start.astimezone(zone), slot.start.astimezone(other)
    )


def build_week(
    *,
    mentorship: Mentorship,
    zone_name: str,
    other_zone_name: str,
    week: str | None,
    base_query: dict[str, str] | None = None,
    exclude_session_id: int | None = None,
    now: datetime | None = None,
) -> WeekView:
    now = now or timezone.now()
    zone, other = ZoneInfo(zone_name), ZoneInfo(other_zone_name)
    policy = policy_for(mentorship.program)
    horizon_end = now + timedelta(days=policy.horizon_days)
    first_monday = parse_week(None, zone, now)
    last_monday = parse_week(horizon_end.astimezone(zone).date().isoformat(), zone, now)
    monday = min(max(parse_week(week, zone, now), first_monday), last_monday)
    after, before = _local_midnight(monday, zone), _local_midnight(monday + timedelta(days=7), zone)
    _, found = free_slots_between(
        mentorship=mentorship, after=after, before=before, exclude_session_id=exclude_session_id, now=now
    )
    today = now.astimezone(zone).date()
    days = [DayView(day=monday + timedelta(days=i), is_today=monday + timedelta(days=i) == today) for i in range(7)]
    for slot in found:
        view = slot_view(slot, zone, other)
        index = (view.local.date() - monday).days
        if 0 <= index < 7:
            days[index].slots.append(view)
    base = {k: v for k, v in (base_query or {}).items() if v}
    base["tz"] = zone_name
    next_free = next_free_query = None
    if not found:
        upcoming = next_slots(
            mentorship=mentorship, after=max(before, now), count=1, exclude_session_id=exclude_session_id, now=now
        )
        if upcoming:
            next_free = slot_view(upcoming[0], zone, other)
            next_free_query = _query(base, week=next_free.local.date().isoformat())
    return WeekView(
        zone=zone_name,
        other_zone=other_zone_name,
        start=monday,
        days=days,
        prev_query=_query(base, week=(monday - timedelta(days=7)).isoformat()) if monday > first_monday else None,
        next_query=_query(base, week=(monday + timedelta(days=7)).isoformat()) if monday < last_monday else None,
        next_free=next_free,
        next_free_query=next_free_query,
        horizon_end=horizon_end,
        count=len(found),
    )
