"""Naive minute-by-minute reference for the slot calculator (tests and the benchmark baseline).

It restates the rules of ``scheduling.slots`` as literally as possible and shares no code
with it: every UTC minute is converted to each person's wall clock with ``zoneinfo`` and
looked up in their rules; every candidate start is checked against every session. Slow and
obviously right, for whole-minute rules in zones whose offsets are whole minutes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduling.slots import Availability, SlotQuery

MINUTE = timedelta(minutes=1)


def _rules_of(av: Availability, day: date) -> Sequence[tuple[time, time]]:
    if day in av.overrides:
        return av.overrides[day]
    return av.weekly.get(day.weekday(), ())


def wall_covered(av: Availability, local: datetime) -> bool:
    """Does ``av`` cover the wall-clock date and time ``local`` (aware, in av's zone) shows?"""
    day, t = local.date(), local.time()
    for start, end in _rules_of(av, day):
        if start < end and start <= t < end:
            return True
        if end <= start and t >= start:  # crosses midnight: the evening part
            return True
    # Crossed midnight from the day before: the morning part.
    return any(end <= start and t < end for start, end in _rules_of(av, day - timedelta(days=1)))


def available_minutes(av: Availability, start: datetime, end: datetime) -> list[datetime]:
    """UTC minute starts in [start, end) (start on a whole minute) at which ``av`` is available."""
    tz = ZoneInfo(av.zone)
    out = []
    m = start
    while m < end:
        if wall_covered(av, m.astimezone(tz)):
            out.append(m)
        m += MINUTE
    return out


def _ceil_minute(dt: datetime) -> datetime:
    dt = dt.astimezone(UTC)
    floor = dt.replace(second=0, microsecond=0)
    return floor if floor == dt else floor + MINUTE


def reference_free_starts(q: SlotQuery, now: datetime) -> list[datetime]:
    r = q.rules
    mentor_tz = ZoneInfo(q.mentor.zone)
    mentee_tz = ZoneInfo(q.mentee.zone) if q.mentee is not None else None
    length_min = r.length // MINUTE
    busy = list(q.mentor_busy) + list(q.mentee_busy)
    counted = [s for s, _ in q.mentor_busy] if q.cap_sessions is None else list(q.cap_sessions)
    per_week = Counter(s.astimezone(mentor_tz).date().isocalendar()[:2] for s in counted)
    free_minute: dict[datetime, bool] = {}

    def minute_free(m: datetime) -> bool:
        if m not in free_minute:
            ok = wall_covered(q.mentor, m.astimezone(mentor_tz))
            if ok and q.mentee is not None:
                ok = wall_covered(q.mentee, m.astimezone(mentee_tz))
            free_minute[m] = ok
        return free_minute[m]

    out = []
    s = _ceil_minute(now + r.min_notice)
    latest = now + r.horizon
    while s < latest:
        local = s.astimezone(mentor_tz)
        on_grid = (local.hour * 60 + local.minute) % r.grid_minutes == 0 and local.second == 0
        if (
            on_grid
            and all(minute_free(s + k * MINUTE) for k in range(length_min))
            and not any(s < be + r.buffer_before and s + r.length + r.buffer_after > bs for bs, be in busy)
            and (r.max_per_week is None or per_week[local.date().isocalendar()[:2]] < r.max_per_week)
        ):
            out.append(s)
        s += MINUTE
    return out
