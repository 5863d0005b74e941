"""Property tests: the calculator agrees with the minute-by-minute reference on random inputs.

Random weekly rules (some crossing midnight, some touching DST gaps and folds), overrides,
sessions of both people (some with seconds), buffers, notice, horizons, grids and weekly caps,
in zones with whole-hour, 30-minute and 45-minute offsets and DST changes; ``now`` is drawn
close to an offset change of the mentor's or the mentee's zone most of the time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.slots import (
    Availability,
    SlotQuery,
    SlotRules,
    availability_utc,
    check_slot,
    free_slots,
    next_free_slots,
)
from tests.scheduling.reference import MINUTE, available_minutes, reference_free_starts

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/Santiago",  # changes at local midnight
    "America/St_Johns",  # -03:30 with DST
    "Africa/Casablanca",  # leaves +01 for Ramadan
    "Pacific/Auckland",
]
TRICKY_TIMES = [time(0), time(1, 30), time(2), time(2, 30), time(2, 45), time(3), time(3, 45), time(23), time(23, 30)]


@cache
def offset_changes(zone: str) -> tuple[datetime, ...]:
    """Instants (to the hour) near which ``zone`` changed its offset in 2026, found by hourly scan."""
    tz = ZoneInfo(zone)
    t = datetime(2026, 1, 1, tzinfo=UTC)
    prev = t.astimezone(tz).utcoffset()
    out = []
    while t.year == 2026:
        t += timedelta(hours=1)
        off = t.astimezone(tz).utcoffset()
        if off != prev:
            out.append(t)
            prev = off
    return tuple(out)


times = st.one_of(
    st.sampled_from(TRICKY_TIMES),
    st.builds(time, hour=st.integers(0, 23), minute=st.sampled_from([0, 10, 15, 30, 45])),
)


def _later(start: time, minutes: int) -> time:
    total = (start.hour * 60 + start.minute + minutes) % 1440
    return time(total // 60, total % 60)


# Mostly a start and a length of 1-14 h (which may cross midnight), sometimes two arbitrary times.
interval = st.one_of(
    st.tuples(times, st.integers(60, 14 * 60)).map(lambda p: (p[0], _later(*p))),
    st.tuples(times, times),
)
intervals = st.lists(interval, max_size=2)
weekday_intervals = st.lists(interval, min_size=1, max_size=2)


@st.composite
def nows(draw: st.DrawFn, zones: tuple[str, ...]) -> datetime:
    changes = [c for z in zones for c in offset_changes(z)]
    if changes and draw(st.integers(0, 4)):
        base = draw(st.sampled_from(changes))
        base -= timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
    else:
        base = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 364 * 24 * 60)))
    if draw(st.booleans()):
        base += timedelta(seconds=draw(st.integers(0, 59)), microseconds=draw(st.integers(0, 999_999)))
    return base


@st.composite
def availabilities(draw: st.DrawFn, zone: str, now: datetime) -> Availability:
    weekly = {
        d: draw(weekday_intervals) for d in draw(st.lists(st.integers(0, 6), unique=True, min_size=4, max_size=7))
    }
    local_today = now.astimezone(ZoneInfo(zone)).date()
    days = draw(st.lists(st.integers(-1, 5), unique=True, max_size=3))
    overrides = {local_today + timedelta(days=d): draw(intervals) for d in days}
    return Availability(zone, weekly=weekly, overrides=overrides)


@st.composite
def sessions(draw: st.DrawFn, now: datetime, span_minutes: int) -> list[tuple[datetime, datetime]]:
    out = []
    for _ in range(draw(st.integers(0, 6))):
        start = now.replace(second=0, microsecond=0) + timedelta(minutes=draw(st.integers(-180, span_minutes + 60)))
        if draw(st.booleans()):
            start += timedelta(seconds=draw(st.integers(1, 59)))
        out.append((start, start + timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90, 120])))))
    return out


@st.composite
def cases(draw: st.DrawFn) -> tuple[SlotQuery, datetime]:
    mentor_zone = draw(st.sampled_from(ZONES))
    mentee_zone = draw(st.sampled_from(ZONES))
    now = draw(nows((mentor_zone, mentee_zone)))
    rules = SlotRules(
        length=timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90]))),
        buffer_before=timedelta(minutes=draw(st.sampled_from([0, 5, 15, 30]))),
        buffer_after=timedelta(minutes=draw(st.sampled_from([0, 10, 15]))),
        min_notice=timedelta(minutes=draw(st.sampled_from([0, 30, 120, 720]))),
        horizon=timedelta(hours=draw(st.sampled_from([1, 12, 36, 60]))) + timedelta(minutes=draw(st.integers(0, 720))),
        grid_minutes=draw(st.sampled_from([5, 15, 20, 30, 60, 90])),
        max_per_week=draw(st.one_of(st.none(), st.integers(1, 3))),
    )
    span = rules.horizon // MINUTE
    mentee = draw(st.one_of(st.none(), availabilities(mentee_zone, now)))
    mentor_busy = draw(sessions(now, span))
    cap_sessions = draw(st.one_of(st.none(), st.just([s for s, _ in mentor_busy[:2]])))
    q = SlotQuery(
        mentor=draw(availabilities(mentor_zone, now)),
        mentee=mentee,
        rules=rules,
        mentor_busy=mentor_busy,
        mentee_busy=draw(sessions(now, span)),
        cap_sessions=cap_sessions,
    )
    return q, now


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(SETTINGS, max_examples=300)
@given(cases())
def test_free_slots_are_exactly_the_free_grid_slots_of_the_reference(case: tuple[SlotQuery, datetime]) -> None:
    q, now = case
    got = free_slots(q, now=now)
    assert [s.start for s in got] == reference_free_starts(q, now)
    assert all(s.end - s.start == q.rules.length for s in got)
    assert all(s.start.tzinfo is UTC for s in got)


@SETTINGS
@given(cases(), st.data())
def test_check_slot_accepts_exactly_the_free_slots(case: tuple[SlotQuery, datetime], data: st.DataObject) -> None:
    q, now = case
    free = {s.start for s in free_slots(q, now=now)}
    t = now.replace(second=0, microsecond=0) - timedelta(hours=1)
    end = now + q.rules.horizon + timedelta(hours=1)
    while t < end:  # every whole minute around the window, on the grid or not
        assert (check_slot(q, now=now, start=t) is None) == (t in free), t
        t += timedelta(minutes=5)
    for s in free:
        assert check_slot(q, now=now, start=s) is None
        off = s + timedelta(seconds=data.draw(st.integers(1, 59)))
        assert check_slot(q, now=now, start=off) is not None


@SETTINGS
@given(cases(), st.integers(0, 3 * 24 * 60), st.integers(1, 6))
def test_next_free_slots_are_the_first_free_slots_at_or_after(
    case: tuple[SlotQuery, datetime], minutes: int, count: int
) -> None:
    q, now = case
    after = now + timedelta(minutes=minutes)
    expected = [s for s in free_slots(q, now=now) if s.start >= after][:count]
    assert list(next_free_slots(q, now=now, after=after, count=count)) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(ZONES).flatmap(lambda z: nows((z,)).flatmap(lambda n: st.tuples(availabilities(z, n), st.just(n))))
)
def test_availability_utc_is_the_set_of_minutes_the_wall_clock_covers(case: tuple[Availability, datetime]) -> None:
    av, now = case
    start = now.replace(second=0, microsecond=0)
    end = start + timedelta(days=3)
    spans = availability_utc(av, start=start, end=end)
    minutes = []
    for a, b in spans:
        assert start <= a < b <= end
        m = a
        while m < b:
            minutes.append(m)
            m += MINUTE
    assert minutes == available_minutes(av, start, end)
    # merged: no two spans touch or overlap
    assert all(spans[i][1] < spans[i + 1][0] for i in range(len(spans) - 1))


def test_offset_changes_helper_finds_both_berlin_changes() -> None:
    assert [c.date() for c in offset_changes("Europe/Berlin")] == [date(2026, 3, 29), date(2026, 10, 25)]
