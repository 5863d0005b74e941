"""The free-slot calculation on sorted lists of half-open UTC intervals in epoch seconds.

free = (mentor availability ∩ mentee availability) − (every session of either person,
widened by the buffers); a start ``s`` is offered when ``[s, s + length)`` lies inside one
free interval, ``s`` is on the mentor's wall-clock grid, inside notice and horizon, and its
mentor-local week is under the cap. Linear in the number of days, rules and sessions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from .errors import InvalidInput
from .types import Availability, Slot, SlotProblem, SlotQuery
from .zones import (
    DAY,
    OffsetLookup,
    Segment,
    from_epoch,
    segments,
    to_epoch_ceil,
    to_epoch_floor,
    wall_preimage,
)

Spans = list[tuple[int, int]]
_S = timedelta(seconds=1)


def _aware(value: object, name: str) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidInput(f"{name} must be a time-zone-aware datetime (use UTC), got {value!r}.")
    return value


def _merge(spans: Iterable[tuple[int, int]]) -> Spans:
    """Sorted, disjoint, non-touching union of the spans."""
    out: Spans = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _intersect(x: Spans, y: Spans) -> Spans:
    out: Spans = []
    i = j = 0
    while i < len(x) and j < len(y):
        a = max(x[i][0], y[j][0])
        b = min(x[i][1], y[j][1])
        if a < b:
            out.append((a, b))
        if x[i][1] < y[j][1]:
            i += 1
        else:
            j += 1
    return out


def _subtract(x: Spans, y: Spans) -> Spans:
    """``x`` minus ``y``; both sorted and merged."""
    out: Spans = []
    j = 0
    for a, b in x:
        while j < len(y) and y[j][1] <= a:
            j += 1
        k = j
        while a < b and k < len(y) and y[k][0] < b:
            if y[k][0] > a:
                out.append((a, y[k][0]))
            a = max(a, y[k][1])
            k += 1
        if a < b:
            out.append((a, b))
    return out


def _expand(av: Availability, lo: int, hi: int, segs: list[Segment] | None = None) -> Spans:
    """Instants in ``[lo, hi)`` at which ``av``'s wall clock shows a time one of its intervals covers."""
    if hi <= lo:
        return []
    if segs is None:
        segs = segments(av.zone, lo, hi)
    offs = [off for _, _, off in segs]
    # Local days whose intervals can reach the window; one more day back for intervals crossing midnight.
    first_day = (lo + min(offs)) // DAY - 1
    last_day = (hi - 1 + max(offs)) // DAY
    spans: Spans = []
    for day in range(first_day, last_day + 1):
        base = day * DAY
        for s, e in av.day_intervals(day):
            spans.extend(wall_preimage(base + s, base + e, segs))
    return _merge(spans)


def _widened(busy: Iterable[tuple[int, int]], before: int, after: int) -> Spans:
    # A session [bs, be) keeps ``after`` free before it (the new session's buffer after) and
    # ``before`` free after it (the new session's buffer before).
    return _merge((bs - after, be + before) for bs, be in busy)


def _week(local: int) -> int:
    """Monday-based week number of a local time (local seconds)."""
    return (local // DAY + 3) // 7


def _full_weeks(q: SlotQuery) -> set[int]:
    cap = q.rules.max_per_week
    if cap is None or not q._cap_starts:
        return set()
    lo, hi = min(q._cap_starts), max(q._cap_starts) + 1
    offset = OffsetLookup(segments(q.mentor.zone, lo, hi))
    counts = Counter(_week(t + offset(t)) for t in q._cap_starts)
    return {w for w, n in counts.items() if n >= cap}


def _window(q: SlotQuery, now: datetime, after: datetime | None, before: datetime | None) -> tuple[int, int]:
    """``[first, stop)``: integer starts allowed by notice, horizon and the caller's window."""
    now = _aware(now, "now")
    first = to_epoch_ceil(now + q.rules.min_notice)
    stop = to_epoch_ceil(now + q.rules.horizon)
    if after is not None:
        first = max(first, to_epoch_ceil(_aware(after, "after")))
    if before is not None:
        stop = min(stop, to_epoch_ceil(_aware(before, "before")))
    return first, stop


def _starts(q: SlotQuery, first: int, stop: int, limit: int | None) -> list[int]:
    if stop <= first:
        return []
    rules = q.rules
    length, grid = rules.length_s, rules.grid_s
    lo, hi = first, stop - 1 + length  # availability needed from the first start to the last end
    mentor_segs = segments(q.mentor.zone, lo, hi)
    free = _expand(q.mentor, lo, hi, mentor_segs)
    if q.mentee is not None and free:
        free = _intersect(free, _expand(q.mentee, lo, hi))
    busy = _widened(q._mentor_busy + q._mentee_busy, rules.buffer_before // _S, rules.buffer_after // _S)
    free = _subtract(free, busy)
    full = _full_weeks(q)
    out: list[int] = []
    for a, b in free:
        x0 = max(a, first)
        y0 = min(b - length, stop - 1)  # latest start, inclusive
        if x0 > y0:
            continue
        for sa, sb, off in mentor_segs:
            x = max(x0, sa)
            y = min(y0, sb - 1)
            if x > y:
                continue
            # Grid times of the mentor's wall clock; ``grid`` divides a day, so local midnights are on it.
            t = -(-(x + off) // grid) * grid
            end = y + off
            while t <= end:
                if not full or _week(t) not in full:
                    out.append(t - off)
                    if limit is not None and len(out) >= limit:
                        return out
                t += grid
    return out


def free_slots(
    q: SlotQuery,
    *,
    now: datetime,
    after: datetime | None = None,
    before: datetime | None = None,
    limit: int | None = None,
) -> tuple[Slot, ...]:
    """Every bookable slot, earliest first.

    Starts are within ``[now + min_notice, now + horizon)`` and, when given, at or after
    ``after`` and before ``before``; at most ``limit`` slots.
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise InvalidInput(f"limit must be a whole number of at least 0, got {limit!r}.")
    if limit == 0:
        return ()
    first, stop = _window(q, now, after, before)
    length = q.rules.length_s
    return tuple(Slot(from_epoch(s), from_epoch(s + length)) for s in _starts(q, first, stop, limit))


def next_free_slots(q: SlotQuery, *, now: datetime, after: datetime, count: int) -> tuple[Slot, ...]:
    """The first ``count`` bookable slots starting at or after ``after`` ("that time was just taken")."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InvalidInput(f"count must be a whole number of at least 1, got {count!r}.")
    return free_slots(q, now=now, after=after, limit=count)


def _covers(spans: Spans, a: int, b: int) -> bool:
    return any(x <= a and b <= y for x, y in spans)


def check_slot(q: SlotQuery, *, now: datetime, start: datetime) -> SlotProblem | None:
    """None when a session starting at ``start`` is bookable now, else the first problem found.

    Agrees with ``free_slots``: ``check_slot(q, now=now, start=s) is None`` exactly when a slot
    starting at ``s`` is in ``free_slots(q, now=now)``.
    """
    start = _aware(start, "start")
    first, stop = _window(q, now, None, None)
    rules = q.rules
    s = to_epoch_floor(start)
    if s != to_epoch_ceil(start):
        return SlotProblem.OFF_GRID
    if s < first:
        return SlotProblem.TOO_SOON
    if s >= stop:
        return SlotProblem.TOO_FAR
    e = s + rules.length_s
    off = segments(q.mentor.zone, s, s + 1)[0][2]
    if (s + off) % rules.grid_s:
        return SlotProblem.OFF_GRID
    if not _covers(_expand(q.mentor, s, e), s, e):
        return SlotProblem.MENTOR_UNAVAILABLE
    if q.mentee is not None and not _covers(_expand(q.mentee, s, e), s, e):
        return SlotProblem.MENTEE_UNAVAILABLE
    before, after = rules.buffer_before // _S, rules.buffer_after // _S
    for problem, busy in ((SlotProblem.MENTOR_BUSY, q._mentor_busy), (SlotProblem.MENTEE_BUSY, q._mentee_busy)):
        if any(s < be + before and e + after > bs for bs, be in busy):
            return problem
    if _week(s + off) in _full_weeks(q):
        return SlotProblem.WEEK_FULL
    return None


def is_bookable(q: SlotQuery, *, now: datetime, start: datetime) -> bool:
    return check_slot(q, now=now, start=start) is None


def availability_utc(av: Availability, *, start: datetime, end: datetime) -> tuple[tuple[datetime, datetime], ...]:
    """``av`` as merged UTC intervals clipped to ``[start, end)`` (for display and tests)."""
    lo = to_epoch_floor(_aware(start, "start"))
    hi = to_epoch_ceil(_aware(end, "end"))
    return tuple((from_epoch(a), from_epoch(b)) for a, b in _expand(av, lo, hi))
