"""Slot calculator behaviour: sessions and buffers, notice and horizon, re-validation of one
slot, "next free slots", and the error messages for bad input. No database."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from scheduling.slots import (
    Availability,
    InvalidInput,
    SlotProblem,
    SlotQuery,
    SlotRules,
    check_slot,
    free_slots,
    is_bookable,
    next_free_slots,
)

MON, TUE = 0, 1
NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)  # a Monday, 06:00 UTC


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def office(zone: str = "UTC", start: int = 9, end: int = 17) -> Availability:
    return Availability(zone, weekly={d: [(time(start), time(end))] for d in range(5)})


def monday(q: SlotQuery, now: datetime = NOW) -> list[datetime]:
    return [s.start for s in free_slots(q, now=now, before=utc(2026, 6, 2))]


def rules(**kw: object) -> SlotRules:
    base: dict[str, object] = {"length": timedelta(hours=1), "grid_minutes": 60}
    return SlotRules(**(base | kw))


# --- sessions and buffers ----------------------------------------------------------------


def test_free_slots_without_sessions_fill_the_availability_on_the_grid() -> None:
    q = SlotQuery(mentor=office(), rules=rules())
    assert monday(q) == [utc(2026, 6, 1, h) for h in range(9, 17)]


def test_every_slot_lasts_the_session_length() -> None:
    q = SlotQuery(mentor=office(), rules=rules(length=timedelta(minutes=45), grid_minutes=15))
    slots = free_slots(q, now=NOW, before=utc(2026, 6, 2))
    assert all(s.end - s.start == timedelta(minutes=45) for s in slots)
    assert slots[-1].end == utc(2026, 6, 1, 17)


def test_mentor_session_blocks_overlapping_slots_and_touching_ones_are_free() -> None:
    q = SlotQuery(mentor=office(), rules=rules(), mentor_busy=[(utc(2026, 6, 1, 11), utc(2026, 6, 1, 12))])
    got = monday(q)
    assert utc(2026, 6, 1, 11) not in got
    assert utc(2026, 6, 1, 10) in got  # ends when the session starts
    assert utc(2026, 6, 1, 12) in got  # starts when the session ends


def test_mentee_session_in_another_organization_blocks_the_slot_too() -> None:
    q = SlotQuery(mentor=office(), rules=rules(), mentee_busy=[(utc(2026, 6, 1, 13, 30), utc(2026, 6, 1, 14))])
    got = monday(q)
    assert utc(2026, 6, 1, 13) not in got
    assert utc(2026, 6, 1, 14) in got


def test_buffers_keep_free_time_before_and_after_the_new_session() -> None:
    busy = [(utc(2026, 6, 1, 12), utc(2026, 6, 1, 13))]
    q = SlotQuery(
        mentor=office(),
        rules=rules(grid_minutes=15, buffer_before=timedelta(minutes=15), buffer_after=timedelta(minutes=30)),
        mentor_busy=busy,
    )
    got = monday(q)
    # The new session needs 30 free minutes after it: it must end by 11:30.
    assert utc(2026, 6, 1, 10, 30) in got
    assert utc(2026, 6, 1, 10, 45) not in got
    # ... and 15 free minutes before it: it may start at 13:15.
    assert utc(2026, 6, 1, 13) not in got
    assert utc(2026, 6, 1, 13, 15) in got


def test_buffers_need_not_lie_inside_availability() -> None:
    q = SlotQuery(
        mentor=office(),
        rules=rules(buffer_before=timedelta(minutes=30), buffer_after=timedelta(minutes=30)),
    )
    assert monday(q)[0] == utc(2026, 6, 1, 9)
    assert monday(q)[-1] == utc(2026, 6, 1, 16)


def test_a_session_given_to_the_microsecond_still_blocks_the_slot_it_reaches_into() -> None:
    busy = [(utc(2026, 6, 1, 9, 59, 59) + timedelta(microseconds=999_999), utc(2026, 6, 1, 10, 0, 0, 1))]
    q = SlotQuery(mentor=office(), rules=rules(), mentor_busy=busy)
    got = monday(q)
    assert utc(2026, 6, 1, 9) not in got
    assert utc(2026, 6, 1, 10) not in got
    assert utc(2026, 6, 1, 11) in got


def test_mentee_availability_narrows_the_slots_when_given() -> None:
    q = SlotQuery(mentor=office(), mentee=office("UTC", 13, 20), rules=rules())
    assert monday(q) == [utc(2026, 6, 1, h) for h in range(13, 17)]


def test_busy_times_in_other_zones_are_compared_as_instants() -> None:
    plus2 = timezone(timedelta(hours=2))
    busy = [(datetime(2026, 6, 1, 12, tzinfo=plus2), datetime(2026, 6, 1, 13, tzinfo=plus2))]  # 10:00-11:00 UTC
    q = SlotQuery(mentor=office(), rules=rules(), mentor_busy=busy)
    assert utc(2026, 6, 1, 10) not in monday(q)


# --- notice, horizon and window ----------------------------------------------------------


def test_minimum_notice_is_inclusive() -> None:
    q = SlotQuery(mentor=office(), rules=rules(min_notice=timedelta(hours=12)))
    now = utc(2026, 5, 31, 22)
    got = [s.start for s in free_slots(q, now=now, before=utc(2026, 6, 2))]
    assert got[0] == utc(2026, 6, 1, 10)


def test_horizon_excludes_starts_at_or_beyond_it() -> None:
    q = SlotQuery(mentor=office(), rules=rules(horizon=timedelta(hours=7)))  # until 13:00 UTC
    assert monday(q) == [utc(2026, 6, 1, h) for h in range(9, 13)]


def test_the_horizon_default_is_sixty_days() -> None:
    q = SlotQuery(mentor=office(), rules=rules())
    last = free_slots(q, now=NOW)[-1].start
    assert last == utc(2026, 7, 30, 16)  # 31 July 06:00 is 60 days on; 30 July is the last weekday before


def test_limit_and_window() -> None:
    q = SlotQuery(mentor=office(), rules=rules())
    assert [s.start for s in free_slots(q, now=NOW, limit=2)] == [utc(2026, 6, 1, 9), utc(2026, 6, 1, 10)]
    assert free_slots(q, now=NOW, limit=0) == ()
    window = free_slots(q, now=NOW, after=utc(2026, 6, 2, 15), before=utc(2026, 6, 3, 10))
    assert [s.start for s in window] == [utc(2026, 6, 2, 15), utc(2026, 6, 2, 16), utc(2026, 6, 3, 9)]


# --- next free slots and one-slot checks -------------------------------------------------


def test_next_free_slots_after_a_taken_time() -> None:
    q = SlotQuery(mentor=office(), rules=rules(), mentor_busy=[(utc(2026, 6, 1, 14), utc(2026, 6, 1, 15))])
    got = next_free_slots(q, now=NOW, after=utc(2026, 6, 1, 14), count=3)
    assert [s.start for s in got] == [utc(2026, 6, 1, 15), utc(2026, 6, 1, 16), utc(2026, 6, 2, 9)]


def test_check_slot_accepts_a_free_slot() -> None:
    q = SlotQuery(mentor=office(), rules=rules())
    assert check_slot(q, now=NOW, start=utc(2026, 6, 1, 9)) is None
    assert is_bookable(q, now=NOW, start=utc(2026, 6, 1, 9))


@pytest.mark.parametrize(
    ("start", "problem"),
    [
        (utc(2026, 6, 1, 9, 30), SlotProblem.OFF_GRID),
        (utc(2026, 6, 1, 9, 0, 0, 1), SlotProblem.OFF_GRID),
        (utc(2026, 6, 1, 7), SlotProblem.TOO_SOON),
        (utc(2026, 6, 1, 7, 30), SlotProblem.TOO_SOON),
        (utc(1, 1, 1), SlotProblem.TOO_SOON),
        (utc(9999, 12, 31), SlotProblem.TOO_FAR),
        (utc(2026, 8, 3, 9), SlotProblem.TOO_FAR),
        (utc(2026, 6, 1, 17), SlotProblem.MENTOR_UNAVAILABLE),
        (utc(2026, 6, 1, 16), SlotProblem.WEEK_FULL),
        (utc(2026, 6, 1, 9), SlotProblem.MENTEE_UNAVAILABLE),
        (utc(2026, 6, 1, 12), SlotProblem.MENTOR_BUSY),
        (utc(2026, 6, 1, 13), SlotProblem.MENTEE_BUSY),
        (utc(2026, 6, 2, 15), SlotProblem.WEEK_FULL),
        (utc(2026, 6, 8, 15), None),
    ],
)
def test_check_slot_names_the_first_problem(start: datetime, problem: SlotProblem | None) -> None:
    q = SlotQuery(
        mentor=office(),
        mentee=office("UTC", 10, 20),
        rules=rules(min_notice=timedelta(hours=2), max_per_week=3),
        mentor_busy=[(utc(2026, 6, 1, 12), utc(2026, 6, 1, 13)), (utc(2026, 6, 1, 14), utc(2026, 6, 1, 15))],
        mentee_busy=[(utc(2026, 6, 1, 13, 30), utc(2026, 6, 1, 14))],
        cap_sessions=[utc(2026, 6, 1, 12), utc(2026, 6, 1, 14), utc(2026, 6, 3, 9)],
    )
    assert check_slot(q, now=NOW, start=start) == problem


def test_every_problem_has_a_message_saying_what_to_do() -> None:
    for problem in SlotProblem:
        assert problem.message.endswith(".")
        assert "Pick" in problem.message


def test_cap_counts_only_cap_sessions_when_given() -> None:
    busy = [(utc(2026, 6, 1, 9), utc(2026, 6, 1, 10))]
    counted = SlotQuery(mentor=office(), rules=rules(max_per_week=1), mentor_busy=busy)
    other_program = SlotQuery(mentor=office(), rules=rules(max_per_week=1), mentor_busy=busy, cap_sessions=[])
    assert monday(counted) == []
    assert monday(other_program) == [utc(2026, 6, 1, h) for h in range(10, 17)]


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Availability("Mars/Olympus"), "Unknown time zone 'Mars/Olympus'"),
        (lambda: Availability(""), "A time zone name is required"),
        (lambda: Availability("UTC", weekly={7: []}), "weekdays 0 (Monday) to 6 (Sunday), got 7"),
        (lambda: Availability("UTC", weekly={0: [(time(9), "12:00")]}), "Availability on Monday must be (start, end)"),
        (lambda: Availability("UTC", weekly={0: "09-12"}), "Availability on Monday must be a list"),
        (
            lambda: Availability("UTC", weekly={1: [(time(9, tzinfo=UTC), time(12))]}),
            "Availability on Tuesday: 09:00:00+00:00 carries a time zone",
        ),
        (lambda: Availability("UTC", overrides={"2026-06-01": []}), "overrides are keyed by date"),
        (lambda: Availability("UTC", overrides={datetime(2026, 6, 1): []}), "overrides are keyed by date"),
        (
            lambda: Availability("UTC", overrides={date(2026, 6, 1): [(time(9), time(9, 0, 0, 5))]}),
            "Availability on 2026-06-01: 09:00:00.000005 must be whole seconds",
        ),
        (lambda: SlotRules(length=timedelta(0)), "SlotRules.length must be longer than zero"),
        (lambda: SlotRules(length=60), "SlotRules.length must be a timedelta"),
        (
            lambda: SlotRules(length=timedelta(hours=1), buffer_before=timedelta(minutes=-5)),
            "buffer_before cannot be negative",
        ),
        (lambda: SlotRules(length=timedelta(hours=1), grid_minutes=7), "grid_minutes must divide 24 hours"),
        (
            lambda: SlotRules(length=timedelta(hours=1), max_per_week=0),
            "max_per_week must be a whole number of at least 1",
        ),
        (
            lambda: SlotQuery(
                mentor=office(), rules=rules(), mentor_busy=[(datetime(2026, 6, 1, 9), datetime(2026, 6, 1, 10))]
            ),
            "Mentor session 2026-06-01 09:00:00 - 2026-06-01 10:00:00 needs time-zone-aware datetimes",
        ),
        (
            lambda: SlotQuery(mentor=office(), rules=rules(), mentee_busy=[(utc(2026, 6, 1, 10), utc(2026, 6, 1, 9))]),
            "ends before it starts",
        ),
        (
            lambda: SlotQuery(mentor=office(), rules=rules(), cap_sessions=[datetime(2026, 6, 1)]),
            "cap_sessions must be aware",
        ),
        (lambda: SlotQuery(mentor="Europe/Berlin", rules=rules()), "SlotQuery.mentor must be an Availability"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_the_problem(build, message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        build()
    assert message in str(err.value)


def test_naive_now_is_rejected() -> None:
    q = SlotQuery(mentor=office(), rules=rules())
    with pytest.raises(InvalidInput, match="now must be a time-zone-aware datetime"):
        free_slots(q, now=datetime(2026, 6, 1))
    with pytest.raises(InvalidInput, match="start must be a time-zone-aware datetime"):
        check_slot(q, now=NOW, start=datetime(2026, 6, 1, 9))
    with pytest.raises(InvalidInput, match="count must be a whole number of at least 1"):
        next_free_slots(q, now=NOW, after=NOW, count=0)


def test_the_slot_modules_do_not_import_django() -> None:
    code = "import sys, scheduling.slots, scheduling.ics; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"
