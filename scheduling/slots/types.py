"""Plain data types of the slot calculator (no Django, no I/O).

Every input is validated when it is built, so a bad value fails with a message
that says what was wrong and where, before any computation starts.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from .errors import InvalidInput
from .translation import _, gettext_noop
from .zones import DAY, get_zone, to_epoch_ceil, to_epoch_floor

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Interval = tuple[time, time]
Busy = tuple[datetime, datetime]


class Slot(NamedTuple):
    """A bookable session: ``start`` and ``end`` are aware datetimes in UTC."""

    start: datetime
    end: datetime


class SlotProblem(enum.Enum):
    """Why one given start is not bookable (see ``check_slot``), in the order they are checked
    (a start that is not a whole second is OFF_GRID before anything else)."""

    TOO_SOON = "too_soon"
    TOO_FAR = "too_far"
    OFF_GRID = "off_grid"
    MENTOR_UNAVAILABLE = "mentor_unavailable"
    MENTEE_UNAVAILABLE = "mentee_unavailable"
    MENTOR_BUSY = "mentor_busy"
    MENTEE_BUSY = "mentee_busy"
    WEEK_FULL = "week_full"

    @property
    def message(self) -> str:
        """What to tell the person, in the active language (see ``slots/translation.py``)."""
        return _(_PROBLEM_MESSAGES[self])


_PROBLEM_MESSAGES = {
    SlotProblem.TOO_SOON: gettext_noop("This time is too soon: sessions need more notice. Pick a later time."),
    SlotProblem.TOO_FAR: gettext_noop(
        "This time is too far ahead: it is beyond the booking horizon. Pick an earlier time."
    ),
    SlotProblem.OFF_GRID: gettext_noop(
        "This start time is not one of the offered times. Pick a time from the list of free slots."
    ),
    SlotProblem.MENTOR_UNAVAILABLE: gettext_noop("The mentor is not available at this time. Pick another free slot."),
    SlotProblem.MENTEE_UNAVAILABLE: gettext_noop("The mentee is not available at this time. Pick another free slot."),
    SlotProblem.MENTOR_BUSY: gettext_noop(
        "The mentor already has a session at or near this time. Pick another free slot."
    ),
    SlotProblem.MENTEE_BUSY: gettext_noop(
        "The mentee already has a session at or near this time. Pick another free slot."
    ),
    SlotProblem.WEEK_FULL: gettext_noop(
        "The mentor's week is full (weekly session limit reached). Pick a time in another week."
    ),
}


def _seconds(value: timedelta, name: str, *, positive: bool) -> int:
    if not isinstance(value, timedelta):
        raise InvalidInput(f"SlotRules.{name} must be a timedelta, got {value!r}.")
    if value % timedelta(seconds=1):
        raise InvalidInput(f"SlotRules.{name} must be a whole number of seconds, got {value}.")
    secs = value // timedelta(seconds=1)
    if positive and secs <= 0:
        raise InvalidInput(f"SlotRules.{name} must be longer than zero, got {value}.")
    if secs < 0:
        raise InvalidInput(f"SlotRules.{name} cannot be negative, got {value}.")
    return secs


@dataclass(frozen=True)
class SlotRules:
    """Per-program booking rules.

    ``length``: session length (elapsed time). ``buffer_before``/``buffer_after``: free time
    kept between an existing session and the new one (before it / after it).
    ``min_notice``: earliest start is ``now + min_notice``. ``horizon``: starts are before
    ``now + horizon``. ``grid_minutes``: starts sit on this grid of the mentor's wall clock;
    it must divide 24 hours. ``max_per_week``: at most this many counted sessions per week of
    the mentor's wall clock (None: no cap).
    """

    length: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    min_notice: timedelta = timedelta(0)
    horizon: timedelta = timedelta(days=60)
    grid_minutes: int = 30
    max_per_week: int | None = None

    def __post_init__(self) -> None:
        _seconds(self.length, "length", positive=True)
        _seconds(self.buffer_before, "buffer_before", positive=False)
        _seconds(self.buffer_after, "buffer_after", positive=False)
        _seconds(self.min_notice, "min_notice", positive=False)
        _seconds(self.horizon, "horizon", positive=True)
        grid = self.grid_minutes
        if isinstance(grid, bool) or not isinstance(grid, int) or grid <= 0 or 1440 % grid:
            raise InvalidInput(
                f"SlotRules.grid_minutes must divide 24 hours (for example 5, 10, 15, 20, 30, 60), got {grid!r}."
            )
        cap = self.max_per_week
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
            raise InvalidInput(
                f"SlotRules.max_per_week must be a whole number of at least 1 (or None for no limit), got {cap!r}."
            )

    # Integer seconds, used by the calculator (cheap to recompute; frozen dataclass).
    @property
    def length_s(self) -> int:
        return self.length // timedelta(seconds=1)

    @property
    def grid_s(self) -> int:
        return self.grid_minutes * 60


def _compile_intervals(value: object, where: str) -> tuple[tuple[int, int], ...]:
    """(start, end) wall-clock times -> seconds after local midnight of the day they start on.

    ``end <= start`` crosses midnight: the end is on the next day (end + 24 h).
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidInput(f"Availability on {where} must be a list of (start, end) time pairs, got {value!r}.")
    out = []
    for iv in value:
        if not (isinstance(iv, (tuple, list)) and len(iv) == 2 and all(isinstance(t, time) for t in iv)):
            raise InvalidInput(f"Availability on {where} must be (start, end) pairs of datetime.time, got {iv!r}.")
        start, end = iv
        for t in (start, end):
            if t.tzinfo is not None:
                raise InvalidInput(
                    f"Availability on {where}: {t} carries a time zone; give wall-clock times "
                    "(the zone is Availability.zone)."
                )
            if t.microsecond:
                raise InvalidInput(f"Availability on {where}: {t} must be whole seconds.")
        s = start.hour * 3600 + start.minute * 60 + start.second
        e = end.hour * 3600 + end.minute * 60 + end.second
        if e <= s:
            e += DAY
        out.append((s, e))
    return tuple(sorted(out))


@dataclass(frozen=True)
class Availability:
    """A person's availability in their own time zone.

    ``weekly``: weekday (0 = Monday ... 6 = Sunday) -> list of ``(start, end)`` wall-clock
    times; ``end <= start`` crosses midnight into the next day. ``overrides``: local date ->
    list of intervals that replaces that date's weekly intervals (an empty list is a day off).
    """

    zone: str
    weekly: Mapping[int, Sequence[Interval]] = field(default_factory=dict)
    overrides: Mapping[date, Sequence[Interval]] = field(default_factory=dict)
    # Compiled form: weekly as 7 tuples, overrides by day number since 1970-01-01 (seconds).
    _week: tuple[tuple[tuple[int, int], ...], ...] = field(init=False, repr=False, compare=False)
    _days: Mapping[int, tuple[tuple[int, int], ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        get_zone(self.zone)  # raises InvalidInput for an unknown zone
        if not isinstance(self.weekly, Mapping):
            raise InvalidInput(f"Availability.weekly must map weekdays 0-6 to intervals, got {self.weekly!r}.")
        if not isinstance(self.overrides, Mapping):
            raise InvalidInput(f"Availability.overrides must map dates to intervals, got {self.overrides!r}.")
        week: list[tuple[tuple[int, int], ...]] = [()] * 7
        for key, ivs in self.weekly.items():
            if isinstance(key, bool) or not isinstance(key, int) or not 0 <= key <= 6:
                raise InvalidInput(f"Weekly availability uses weekdays 0 (Monday) to 6 (Sunday), got {key!r}.")
            week[key] = _compile_intervals(ivs, WEEKDAYS[key])
        days = {}
        for key, ivs in self.overrides.items():
            if isinstance(key, datetime) or not isinstance(key, date):
                raise InvalidInput(f"Availability overrides are keyed by date, got {key!r}.")
            days[key.toordinal() - _EPOCH_ORDINAL] = _compile_intervals(ivs, key.isoformat())
        object.__setattr__(self, "_week", tuple(week))
        object.__setattr__(self, "_days", days)

    def day_intervals(self, day: int) -> tuple[tuple[int, int], ...]:
        """Intervals starting on local day ``day`` (days since 1970-01-01), in seconds after its midnight."""
        ivs = self._days.get(day)
        if ivs is None:
            ivs = self._week[(day + 3) % 7]  # 1970-01-01 was a Thursday (weekday 3)
        return ivs


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _busy_seconds(items: Iterable[Busy], who: str) -> tuple[tuple[int, int], ...]:
    out = []
    for item in items:
        try:
            start, end = item
        except (TypeError, ValueError):
            start = end = None
        if not (isinstance(start, datetime) and isinstance(end, datetime)):
            raise InvalidInput(f"{who} sessions must be (start, end) datetime pairs, got {item!r}.")
        if start.utcoffset() is None or end.utcoffset() is None:
            raise InvalidInput(f"{who} session {start} - {end} needs time-zone-aware datetimes (use UTC).")
        if end <= start:
            raise InvalidInput(f"{who} session {start} - {end} ends before it starts.")
        # Widening to whole seconds never hides an overlap: slot starts are whole seconds.
        out.append((to_epoch_floor(start), to_epoch_ceil(end)))
    return tuple(sorted(out))


@dataclass(frozen=True)
class SlotQuery:
    """Everything the calculator needs about one mentor-mentee pair, apart from ``now``.

    ``mentor_busy``/``mentee_busy``: each person's existing sessions (in any program and any
    organization), aware datetimes. ``cap_sessions``: starts of the mentor's sessions that count
    toward ``rules.max_per_week``; None counts every ``mentor_busy`` session.
    ``mentee`` None: only the mentor's availability limits the slots.
    """

    mentor: Availability
    rules: SlotRules
    mentee: Availability | None = None
    mentor_busy: Sequence[Busy] = ()
    mentee_busy: Sequence[Busy] = ()
    cap_sessions: Sequence[datetime] | None = None
    _mentor_busy: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)
    _mentee_busy: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)
    _cap_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.mentor, Availability):
            raise InvalidInput(f"SlotQuery.mentor must be an Availability, got {self.mentor!r}.")
        if self.mentee is not None and not isinstance(self.mentee, Availability):
            raise InvalidInput(f"SlotQuery.mentee must be an Availability or None, got {self.mentee!r}.")
        if not isinstance(self.rules, SlotRules):
            raise InvalidInput(f"SlotQuery.rules must be SlotRules, got {self.rules!r}.")
        mentor_busy = _busy_seconds(self.mentor_busy, "Mentor")
        object.__setattr__(self, "_mentor_busy", mentor_busy)
        object.__setattr__(self, "_mentee_busy", _busy_seconds(self.mentee_busy, "Mentee"))
        if self.cap_sessions is None:
            caps = tuple(s for s, _ in mentor_busy)
        else:
            starts = []
            for s in self.cap_sessions:
                if not isinstance(s, datetime) or s.utcoffset() is None:
                    raise InvalidInput(f"SlotQuery.cap_sessions must be aware datetimes, got {s!r}.")
                starts.append(to_epoch_floor(s))
            caps = tuple(starts)
        object.__setattr__(self, "_cap_starts", caps)
