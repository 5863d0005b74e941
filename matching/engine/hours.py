"""Shared working hours across time zones, over the program's own weeks.

A person's working time is laid on a week in UTC at minute resolution, using
the UTC offset their zone has on each working day of *that* week. The weeks
are the calendar weeks (Monday..Sunday) the program touches, so a
daylight-saving change inside the program counts: New York--London share 3 h
most of the year and 4 h in the weeks of March and October/November when
only one of them has changed its clocks (a program longer than ten years uses
its first ten: clock rules repeat yearly). Without program dates the engine
uses one fixed reference week (Monday 2025-01-06 .. Sunday 2025-01-12: the
northern hemisphere on standard time, the southern on summer time, and no
common zone changing its offset), so results never depend on the day a run
happens. A week wraps around (Sunday night in one zone may overlap Monday
morning in another); a working day's length is its wall-clock length.

``shared hours`` of a pair in one week = overlapping hours of that week /
number of the mentee's working days, i.e. the average overlap per mentee
working day. Over the program:

* ``mean``: the average over its weeks, each week weighted by its days inside
  the program -- the soft component is ``min(mean / FULL_HOURS, 1)``;
* ``low``: the leanest week -- the ``min_shared_hours`` rule needs
  ``low >= minimum``, i.e. enough shared time in *every* week;
* ``high``: the best week (``low != high`` means the overlap changes with
  daylight saving, and the explanation says so).

Unknown hours (no time zone, no start or end, no working day) share 0 h with
everyone: missing information never outranks a real overlap.

Cost. Work is done per *signature* ``(timezone, start, end, days)``; cohorts
have few distinct ones (about 500 per side at 50k people). A week is
summarised, per zone, by its UTC offset on each day; weeks with the same
offsets in every zone share one overlap matrix (one matrix product), weighted
by their days in the program -- a year in the usual zones has about a dozen
distinct weeks, a program without daylight-saving changes one. Masks are
cached per (start, end, days, offsets), i.e. per signature and distinct
week-offset pattern, and use slots as wide as the largest step dividing every
start, end and offset (30 or 60 minutes in practice), so they stay exact and
short.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from .translation import _
from .types import InvalidInput, Period

REFERENCE_MONDAY = date(2025, 1, 6)
WEEK_MINUTES = 7 * 24 * 60
FULL_HOURS = 4.0  # a 4 h daily overlap is "enough" for mentoring: score 1
MAX_WEEKS = 52 * 10  # longer programs use their first ten years: clock rules repeat yearly

Signature = tuple[str, int, int, tuple[int, ...]]
UNKNOWN: Signature = ("", -1, -1, ())  # hours not given: shares nothing with anyone


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # The Django side validates zones on input; a name this Python does not
        # know is treated like a missing zone rather than guessed as UTC.
        return None


def signature(timezone: str, start: int | None, end: int | None, days: tuple[int, ...]) -> Signature:
    """Canonical signature of a person's working hours, or ``UNKNOWN`` if incomplete."""
    valid_days = tuple(sorted({int(d) for d in days if 0 <= int(d) <= 6}))
    if start is None or end is None or not valid_days or _zone(timezone or "") is None:
        return UNKNOWN
    return (timezone, int(start) % 1440, int(end) % 1440, valid_days)


def program_weeks(period: Period | None) -> tuple[date, np.ndarray]:
    """First Monday and, per week, the number of its days inside the program."""
    if period is None:
        return REFERENCE_MONDAY, np.array([7.0])
    start, end = period.start, period.end
    if end < start:
        raise InvalidInput(_("the program ends (%(end)s) before it starts (%(start)s)") % {"end": end, "start": start})
    first = start - timedelta(days=start.weekday())
    n = min((end - first).days // 7 + 1, MAX_WEEKS)
    days = np.empty(n)
    for w in range(n):
        monday = first + timedelta(days=7 * w)
        days[w] = (min(end, monday + timedelta(days=6)) - max(start, monday)).days + 1
    return first, days


def _offset(tz: ZoneInfo, day: date, minute: int) -> int:
    """UTC offset (minutes) at local wall time ``day`` + ``minute``."""
    local = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(minutes=minute)
    off = local.utcoffset()
    return int(off.total_seconds() // 60) if off is not None else 0


class _ZoneDays:
    """UTC offsets of one zone on every day of the program's weeks.

    A day whose offset at 00:00 equals the one at 23:59 has that offset all day
    (no zone changes twice a day); only the rare change days are computed per
    start minute.
    """

    def __init__(self, name: str, first: date, ndays: int, starts: list[int]) -> None:
        tz = _zone(name)
        assert tz is not None
        self.tz, self.first = tz, first
        self.start0 = np.empty(ndays, dtype=np.int64)
        self.changes: dict[int, dict[int, int]] = {}  # day index -> start minute -> offset
        for k in range(ndays):
            day = first + timedelta(days=k)
            a, b = _offset(tz, day, 0), _offset(tz, day, 1439)
            self.start0[k] = a
            if a != b:
                self.changes[k] = {s: _offset(tz, day, s) for s in starts}

    def offset(self, k: int, start: int) -> int:
        change = self.changes.get(k)
        return int(self.start0[k]) if change is None else change[start]

    def week_key(self, w: int) -> tuple:
        """Everything the week's masks depend on: the offset of each day (per start on change days)."""
        return tuple(
            int(self.start0[k]) if k not in self.changes else tuple(sorted(self.changes[k].items()))
            for k in range(7 * w, 7 * w + 7)
        )


@lru_cache(maxsize=1 << 14)
def week_mask(start: int, end: int, days: tuple[int, ...], offsets: tuple[int, ...], step: int = 1) -> np.ndarray:
    """Boolean mask over one UTC week in ``step``-minute slots: working on ``days`` with those
    UTC offsets. Exact when ``step`` divides every start, end and offset (cached: read-only)."""
    slots = WEEK_MINUTES // step
    mask = np.zeros(slots, dtype=bool)
    length = (end - start if end > start else end + 1440 - start) // step
    for d, off in zip(days, offsets, strict=True):
        utc_start = (d * 1440 + start - off) // step
        mask[np.arange(utc_start, utc_start + length) % slots] = True
    mask.setflags(write=False)
    return mask


@dataclass
class SharedHours:
    """Shared hours per mentee working day, mentee signatures x mentor signatures."""

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


def shared_hours(mentee_sigs: list[Signature], mentor_sigs: list[Signature], period: Period | None) -> SharedHours:
    """Mean, leanest and best week of shared hours for every pair of signatures (see module doc)."""
    s1, s2 = len(mentee_sigs), len(mentor_sigs)
    zero = SharedHours(np.zeros((s1, s2)), np.zeros((s1, s2)), np.zeros((s1, s2)))
    first, week_days = program_weeks(period)
    nweeks = len(week_days)
    zones = sorted({s[0] for s in mentee_sigs + mentor_sigs if s != UNKNOWN})
    if not zones or not s1 or not s2:
        return zero
    starts: dict[str, set[int]] = {z: set() for z in zones}
    for s in mentee_sigs + mentor_sigs:
        if s != UNKNOWN:
            starts[s[0]].add(s[1])
    zone_days = {z: _ZoneDays(z, first, 7 * nweeks, sorted(starts[z])) for z in zones}

    # Slot width: the largest step dividing every boundary (starts, ends, offsets), so
    # the masks are exact and usually 30-60x shorter than minute masks.
    step = 1440
    for s in mentee_sigs + mentor_sigs:
        if s != UNKNOWN:
            step = math.gcd(step, s[1], s[2])
    for zd in zone_days.values():
        for off in set(zd.start0.tolist()) | {o for ch in zd.changes.values() for o in ch.values()}:
            step = math.gcd(step, off)

    # Per zone, an id per week (same id = same offsets); weeks with the same ids in
    # every zone share one overlap matrix, weighted by their days in the program.
    kid = np.empty((len(zones), nweeks), dtype=np.int64)
    for z, name in enumerate(zones):
        ids: dict[tuple, int] = {}
        kid[z] = [ids.setdefault(zone_days[name].week_key(w), len(ids)) for w in range(nweeks)]
    patterns, first_week, inverse = np.unique(kid.T, axis=0, return_index=True, return_inverse=True)
    weight = np.bincount(inverse.ravel(), weights=week_days, minlength=len(patterns))

    empty = np.zeros(WEEK_MINUTES // step, dtype=bool)
    zone_index = {name: z for z, name in enumerate(zones)}
    cache: dict[tuple[int, int, int], np.ndarray] = {}  # (side, signature, its zone's week id) -> mask

    def masks(side: int, sigs: list[Signature], w: int) -> np.ndarray:
        out = []
        for i, (tz, start, end, days) in enumerate(sigs):
            if not days:  # UNKNOWN
                out.append(empty)
                continue
            key = (side, i, int(kid[zone_index[tz], w]))
            m = cache.get(key)
            if m is None:
                zd = zone_days[tz]
                offsets = tuple(zd.offset(7 * w + d, start) for d in days)
                m = cache[key] = week_mask(start, end, days, offsets, step)
            out.append(m)
        return np.stack(out).astype(np.float32)

    ndays = np.array([max(len(s[3]), 1) for s in mentee_sigs], dtype=np.float64)[:, None]
    mean = np.zeros((s1, s2))
    low = np.full((s1, s2), np.inf)
    high = np.zeros((s1, s2))
    for w, wt in zip(first_week.tolist(), weight.tolist(), strict=True):
        slots = masks(0, mentee_sigs, w) @ masks(1, mentor_sigs, w).T  # exact: integer counts far below 2**24
        h = slots.astype(np.float64) * (step / 60.0) / ndays
        mean += wt * h
        np.minimum(low, h, out=low)
        np.maximum(high, h, out=high)
    mean /= float(week_days.sum())
    return SharedHours(np.round(mean, 4), np.round(low, 4), np.round(high, 4))


def overlap_hours(mentee_sigs: list[Signature], mentor_sigs: list[Signature]) -> np.ndarray:
    """Shared hours per mentee working day in the reference week (no program dates)."""
    return shared_hours(mentee_sigs, mentor_sigs, None).mean


def hours_score(hours: np.ndarray) -> np.ndarray:
    return np.minimum(hours / FULL_HOURS, 1.0)
