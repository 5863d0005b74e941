"""Shared working hours across time zones.

Every person's working time is laid on a *reference week* in UTC at minute
resolution. The reference week is fixed (Monday 2025-01-06 .. Sunday
2025-01-12) so results never depend on the day a run happens; in January the
northern hemisphere is on standard time and the southern one on summer time,
and no common zone changes its offset during that week. The week wraps
around (Sunday night in one zone may overlap Monday morning in another).

``shared hours`` of a pair = weekly overlapping hours / number of the mentee's
working days, i.e. the average overlap per mentee working day. The soft
component is ``min(shared_hours / FULL_HOURS, 1)``.

Work is done per *signature* ``(timezone, start, end, days)``: cohorts have
few distinct signatures, so the overlap matrix is tiny.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

REFERENCE_MONDAY = date(2025, 1, 6)
WEEK_MINUTES = 7 * 24 * 60
FULL_HOURS = 4.0  # a 4 h daily overlap is "enough" for mentoring: score 1

Signature = tuple[str, int, int, tuple[int, ...]]


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # Unknown zones are treated as UTC rather than failing the whole run;
        # the Django side validates time zones on input.
        return ZoneInfo("UTC")


def _offset_minutes(tz: ZoneInfo, day: date, minute: int) -> int:
    local = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(minutes=minute)
    off = local.utcoffset()
    return int(off.total_seconds() // 60) if off is not None else 0


@lru_cache(maxsize=4096)
def week_mask(sig: Signature) -> np.ndarray:
    """Boolean mask over the UTC reference week (minutes) for one signature (cached: read-only)."""
    tz_name, start, end, days = sig
    tz = _zone(tz_name)
    mask = np.zeros(WEEK_MINUTES, dtype=bool)
    start = int(start) % 1440
    end = int(end) % 1440
    length = end - start if end > start else end + 1440 - start
    for d in sorted(set(days)):
        if not 0 <= d <= 6:
            continue
        day = REFERENCE_MONDAY + timedelta(days=d)
        utc_start = d * 1440 + start - _offset_minutes(tz, day, start)
        idx = (np.arange(utc_start, utc_start + length)) % WEEK_MINUTES
        mask[idx] = True
    mask.setflags(write=False)
    return mask


def overlap_hours(mentee_sigs: list[Signature], mentor_sigs: list[Signature]) -> np.ndarray:
    """Matrix (len(mentee_sigs) x len(mentor_sigs)) of shared hours per mentee working day."""
    a = (
        np.stack([week_mask(s) for s in mentee_sigs]).astype(np.float32)
        if mentee_sigs
        else np.zeros((0, WEEK_MINUTES), np.float32)
    )
    b = (
        np.stack([week_mask(s) for s in mentor_sigs]).astype(np.float32)
        if mentor_sigs
        else np.zeros((0, WEEK_MINUTES), np.float32)
    )
    minutes = a @ b.T  # exact: integer counts far below 2**24
    ndays = np.array([max(len({d for d in s[3] if 0 <= d <= 6}), 1) for s in mentee_sigs], dtype=np.float64)
    hours = minutes.astype(np.float64) / 60.0 / ndays[:, None]
    return np.round(hours, 4)


def hours_score(hours: np.ndarray) -> np.ndarray:
    return np.minimum(hours / FULL_HOURS, 1.0)
