"""Shared working hours are computed over the program's own weeks, so daylight saving counts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import InvalidInput, MatchInput, Period, Person, Rules, Weights, explain, run, score_pairs
from matching.engine.hours import UNKNOWN, shared_hours, signature

WEEKDAYS = (0, 1, 2, 3, 4)
HOURS_ONLY = Weights(goals=0, skills=0, hours=1, languages=0, seniority=0, department=0)

JANUARY = Period(dt.date(2025, 1, 6), dt.date(2025, 1, 31))
# US clocks went forward on 9 March 2025, European ones on 30 March
MARCH_GAP = Period(dt.date(2025, 3, 10), dt.date(2025, 3, 28))
# European clocks went back on 26 October 2025, US ones on 2 November
OCTOBER_GAP = Period(dt.date(2025, 10, 27), dt.date(2025, 10, 31))
# New Zealand and Australia are on standard time, the northern hemisphere on summer time
APRIL_TO_SEPTEMBER = Period(dt.date(2025, 4, 7), dt.date(2025, 9, 26))
# 3 March .. 6 April 2025: one week before the US change, three between, one after both
SPRING = Period(dt.date(2025, 3, 3), dt.date(2025, 4, 6))
YEAR = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def _pair(mentee_zone: str, mentor_zone: str, period: Period | None, *, rules: Rules | None = None, **mentee):
    a = Person(id=1, email="mentee@x.org", timezone=mentee_zone, **mentee)
    b = Person(id=100, email="mentor@x.org", timezone=mentor_zone)
    found = score_pairs(MatchInput([a], [b], HOURS_ONLY, rules or Rules(), period=period), 1)
    return found[0] if found else None


@pytest.mark.parametrize(
    ("period", "hours"),
    [(JANUARY, 3.0), (MARCH_GAP, 4.0), (APRIL_TO_SEPTEMBER, 3.0), (OCTOBER_GAP, 4.0), (None, 3.0)],
)
def test_new_york_and_london_share_3_hours_and_4_in_the_weeks_between_clock_changes(period, hours) -> None:
    p = _pair("America/New_York", "Europe/London", period)
    assert p is not None
    assert p.details["shared_hours"] == hours
    assert "shared_hours_range" not in p.details


@pytest.mark.parametrize(("period", "hours"), [(JANUARY, 4.0), (APRIL_TO_SEPTEMBER, 2.4), (None, 4.0)])
def test_auckland_and_los_angeles_share_4_hours_and_2_4_from_april_to_september(period, hours) -> None:
    p = _pair("Pacific/Auckland", "America/Los_Angeles", period)
    assert p is not None
    assert p.details["shared_hours"] == hours


@pytest.mark.parametrize(("period", "hours"), [(JANUARY, 5.0), (APRIL_TO_SEPTEMBER, 7.0), (None, 5.0)])
def test_sydney_evenings_and_berlin_share_5_hours_and_7_from_april_to_september(period, hours) -> None:
    # a Sydney mentee working 16:00-24:00 with a Berlin mentor working 9:00-17:00
    p = _pair("Australia/Sydney", "Europe/Berlin", period, work_start=960, work_end=0)
    assert p is not None
    assert p.details["shared_hours"] == hours


def test_a_program_across_a_clock_change_averages_its_weeks_and_says_it_changes() -> None:
    p = _pair("America/New_York", "Europe/London", SPRING)
    assert p is not None
    # weeks: 3 h, 4 h, 4 h, 4 h, 3 h
    assert p.details["shared_hours"] == 3.6
    assert p.details["shared_hours_range"] == [3.0, 4.0]
    assert p.components["hours"] == 0.9
    assert explain(p) == "3.6 h shared working hours (3–4 h: changes with daylight saving)"


def test_the_year_gives_mean_leanest_and_best_week() -> None:
    def year(mentee_zone: str, mentor_zone: str):
        return shared_hours(
            [signature(mentee_zone, 540, 1020, WEEKDAYS)], [signature(mentor_zone, 540, 1020, WEEKDAYS)], YEAR
        )

    london = year("America/New_York", "Europe/London")
    assert (london.low[0, 0], london.high[0, 0]) == (3.0, 4.0)
    # four whole Monday-Sunday weeks of 2025 have 4 h (10-30 March, 27 October-2 November): 28 of 365 days
    assert london.mean[0, 0] == pytest.approx((3 * (365 - 28) + 4 * 28) / 365, abs=1e-4)
    auckland = year("Pacific/Auckland", "America/Los_Angeles")
    assert (auckland.low[0, 0], auckland.high[0, 0]) == (2.4, 4.0)


def test_min_shared_hours_needs_the_minimum_in_every_week_of_the_program() -> None:
    rules = Rules(min_shared_hours=4)
    assert _pair("America/New_York", "Europe/London", MARCH_GAP, rules=rules) is not None
    assert _pair("America/New_York", "Europe/London", SPRING, rules=rules) is None
    mentee = Person(id=1, email="mentee@x.org", timezone="America/New_York")
    mentor = Person(id=100, email="mentor@x.org", timezone="Europe/London")
    res = run(MatchInput([mentee], [mentor], HOURS_ONLY, rules, period=SPRING), algorithm="optimal")
    (u,) = res.unmatched
    assert (
        u.reason == "no compatible mentor shares at least 4 h working hours in every week of the program (best 3.0 h)"
    )
    assert u.details == {"rule": "min_shared_hours", "minimum": 4.0, "best_hours": 3.0}


def test_a_pin_below_the_minimum_shared_hours_is_kept_and_says_so() -> None:
    mentee = Person(id=1, email="mentee@x.org", timezone="America/New_York")
    mentor = Person(id=100, email="mentor@x.org", timezone="Europe/London")
    inp = MatchInput(
        [mentee], [mentor], HOURS_ONLY, Rules(min_shared_hours=4), pinned=frozenset({(1, 100)}), period=SPRING
    )
    (p,) = run(inp, algorithm="optimal").proposals
    assert (p.pinned, p.score) == (True, 90.0)
    assert p.details["below_min_shared_hours"] == 4.0
    assert explain(p) == (
        "pinned by an organiser · below the minimum of 4 h shared working hours · "
        "3.6 h shared working hours (3–4 h: changes with daylight saving)"
    )
    # the same pair, looked up without thresholds, scores the same as the pin
    (free,) = score_pairs(inp, 1, [100], thresholds=False)
    assert free.score == p.score


@pytest.mark.parametrize(
    ("zone", "change"),
    [
        ("", {}),
        ("Mars/Olympus_Mons", {}),
        ("UTC", {"work_start": None}),
        ("UTC", {"work_end": None}),
        ("UTC", {"work_days": ()}),
    ],
)
def test_unknown_working_hours_share_nothing_and_say_what_is_missing(zone, change) -> None:
    p = _pair(zone, "UTC", JANUARY, **change)
    assert p is not None
    assert (p.details["shared_hours"], p.components["hours"], p.score) == (0.0, 0.0, 0.0)
    assert p.details["missing"] == ["mentee:hours"]
    assert explain(p) == "no shared working hours · mentee's working hours not given yet"


def test_a_mentee_without_working_hours_is_told_why_under_a_minimum() -> None:
    mentee = Person(id=1, email="mentee@x.org", work_start=None)
    res = run(
        MatchInput([mentee], [Person(id=100, email="m@x.org")], rules=Rules(min_shared_hours=2)), algorithm="stable"
    )
    (u,) = res.unmatched
    assert u.reason == (
        "the mentee's working hours are not given yet, and the program needs at least 2 h shared working hours"
    )


def test_a_program_that_ends_before_it_starts_is_refused() -> None:
    inp = MatchInput(
        [Person(id=1, email="a@x.org")],
        [Person(id=100, email="b@x.org")],
        period=Period(dt.date(2025, 2, 1), dt.date(2025, 1, 1)),
    )
    with pytest.raises(InvalidInput, match="ends"):
        run(inp, algorithm="optimal")


# ------------------------------------------------------------------ against an independent oracle
ZONES = ["UTC", "Europe/London", "America/New_York", "Pacific/Auckland", "Australia/Sydney", "Asia/Kolkata"]


def _oracle(a: tuple, b: tuple, period: Period) -> tuple[float, float, float]:
    """Per Monday-Sunday week touched by the program: real instants from aware datetimes.
    The mentor's week is repeated one week earlier and later (the documented wrap-around)."""

    def intervals(sig: tuple, monday: dt.date) -> list[tuple[float, float]]:
        tz, start, end, days = sig
        length = (end - start) % 1440 or 1440
        out = []
        for d in days:
            day = monday + dt.timedelta(days=d)
            t0 = (
                dt.datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)) + dt.timedelta(minutes=start)
            ).timestamp()
            out.append((t0, t0 + length * 60))
        return out

    first = period.start - dt.timedelta(days=period.start.weekday())
    values, weights = [], []
    monday = first
    while monday <= period.end:
        mine = intervals(a, monday)
        week = 7 * 86400
        theirs = [(s + k * week, e + k * week) for s, e in intervals(b, monday) for k in (-1, 0, 1)]
        seconds = sum(max(0.0, min(e1, e2) - max(s1, s2)) for s1, e1 in mine for s2, e2 in theirs)
        values.append(seconds / 3600 / len(a[3]))
        inside = (min(period.end, monday + dt.timedelta(days=6)) - max(period.start, monday)).days + 1
        weights.append(inside)
        monday += dt.timedelta(days=7)
    mean = sum(v * w for v, w in zip(values, weights, strict=True)) / sum(weights)
    return mean, min(values), max(values)


@st.composite
def _sig(draw: st.DrawFn) -> tuple:
    start = draw(st.sampled_from([0, 420, 540, 570, 1320]))
    end = draw(st.sampled_from([360, 1020, 1050, 1380]))
    days = tuple(sorted(draw(st.sets(st.integers(0, 6), min_size=1, max_size=7))))
    return signature(draw(st.sampled_from(ZONES)), start, end, days)


@st.composite
def _period(draw: st.DrawFn) -> Period:
    start = dt.date(2025, 1, 1) + dt.timedelta(days=draw(st.integers(0, 400)))
    return Period(start, start + dt.timedelta(days=draw(st.integers(0, 120))))


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(_sig(), min_size=1, max_size=3), st.lists(_sig(), min_size=1, max_size=3), _period())
def test_shared_hours_match_real_instants_week_by_week(mentees, mentors, period) -> None:
    got = shared_hours(mentees, mentors, period)
    for i, a in enumerate(mentees):
        for j, b in enumerate(mentors):
            mean, low, high = _oracle(a, b, period)
            assert got.mean[i, j] == pytest.approx(mean, abs=1e-3)
            assert got.low[i, j] == pytest.approx(low, abs=1e-3)
            assert got.high[i, j] == pytest.approx(high, abs=1e-3)


def test_unknown_signatures_share_nothing() -> None:
    got = shared_hours([UNKNOWN], [signature("UTC", 540, 1020, WEEKDAYS)], YEAR)
    assert (got.mean[0, 0], got.low[0, 0], got.high[0, 0]) == (0.0, 0.0, 0.0)
