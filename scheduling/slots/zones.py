"""Time-zone arithmetic in integer seconds since 1970-01-01 UTC ("epoch seconds").

A zone's UTC offset is piecewise constant. ``segments(zone, lo, hi)`` cuts a UTC window
into pieces of constant offset; inside one piece the wall clock is ``utc + offset``, so the
instants whose wall-clock time lies in a local interval are found piece by piece
(``wall_preimage``). That one rule yields the whole gap/fold behaviour of the calculator:
wall times skipped by a spring gap have no instant, wall times repeated by an autumn fold
have two.

"Local seconds" are wall-clock times counted like epoch seconds (local midnight of a date is
a multiple of 86,400), so a local date is ``local // 86400`` and its weekday
``(day + 3) % 7`` (1970-01-01 was a Thursday).
"""

from __future__ import annotations

import bisect
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InvalidInput

DAY = 86_400
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)
# Offsets are sampled this far apart and each change is then located to the second.
# No zone in the tz database changes its offset twice within 3 hours.
_SAMPLE = 3 * 3600

Segment = tuple[int, int, int]  # (utc start, utc end, offset seconds), half-open


@lru_cache(maxsize=1024)
def get_zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; ``InvalidInput`` (a ValueError) if there is none."""
    if not isinstance(name, str) or not name:
        raise InvalidInput(f"A time zone name is required (for example 'Europe/Berlin'), got {name!r}.")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"Unknown time zone {name!r}: use an IANA name such as 'Europe/Berlin'.")


def to_epoch_floor(dt: datetime) -> int:
    return (dt - EPOCH) // _SECOND


def to_epoch_ceil(dt: datetime) -> int:
    return -((EPOCH - dt) // _SECOND)


def from_epoch(t: int) -> datetime:
    return EPOCH + timedelta(seconds=t)


def _offset(tz: ZoneInfo, t: int) -> int:
    off = datetime.fromtimestamp(t, tz).utcoffset()
    return off // _SECOND if off is not None else 0


@lru_cache(maxsize=4096)
def _year_changes(name: str, year: int) -> tuple[tuple[int, int], ...]:
    """``(instant, offset from then on)``: the offset on 1 January 00:00 UTC of ``year``, then every change that year."""
    tz = get_zone(name)
    lo = to_epoch_floor(datetime(year, 1, 1, tzinfo=UTC))
    hi = to_epoch_floor(datetime(year + 1, 1, 1, tzinfo=UTC))
    cur = _offset(tz, lo)
    out = [(lo, cur)]
    t = lo
    while t < hi:
        nxt = min(t + _SAMPLE, hi)
        if _offset(tz, nxt) == cur:
            t = nxt
            continue
        a, b = t, nxt  # offset(a) == cur != offset(b): find the first second with another offset
        while b - a > 1:
            mid = (a + b) // 2
            if _offset(tz, mid) == cur:
                a = mid
            else:
                b = mid
        cur = _offset(tz, b)
        out.append((b, cur))
        t = b
    return tuple(out)


def _year_of(t: int) -> int:
    return from_epoch(t).year


def segments(name: str, lo: int, hi: int) -> list[Segment]:
    """Pieces of constant UTC offset covering ``[lo, hi)`` in order (at least one if lo < hi)."""
    if hi <= lo:
        return []
    changes: list[tuple[int, int]] = []
    for year in range(_year_of(lo), _year_of(hi - 1) + 1):
        for t, off in _year_changes(name, year):
            if not changes or changes[-1][1] != off:
                changes.append((t, off))
    out: list[Segment] = []
    for i, (t, off) in enumerate(changes):
        end = changes[i + 1][0] if i + 1 < len(changes) else hi
        a, b = max(t, lo), min(end, hi)
        if a < b:
            out.append((a, b, off))
    return out


def wall_preimage(local_lo: int, local_hi: int, segs: list[Segment]) -> list[tuple[int, int]]:
    """UTC intervals of the instants whose wall-clock time lies in ``[local_lo, local_hi)``.

    Within a segment the wall clock is ``utc + offset`` (monotonic), so each segment
    contributes at most one interval: empty where a spring gap skipped the wall times,
    twice over (in two segments) where an autumn fold repeats them.
    """
    out = []
    for a, b, off in segs:
        lo = local_lo - off
        hi = local_hi - off
        if lo < a:
            lo = a
        if hi > b:
            hi = b
        if lo < hi:
            out.append((lo, hi))
    return out


class OffsetLookup:
    """UTC offset at an instant inside a fixed list of segments (binary search)."""

    __slots__ = ("_segs", "_starts")

    def __init__(self, segs: list[Segment]) -> None:
        self._segs = segs
        self._starts = [a for a, _, _ in segs]

    def __call__(self, t: int) -> int:
        i = bisect.bisect_right(self._starts, t) - 1
        return self._segs[max(i, 0)][2]
