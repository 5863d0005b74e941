"""Weeks start on Monday 00:00 on the viewer's clock, also across a daylight-saving change:
a session late on Sunday and one just after midnight on Monday fall in different weeks
whatever the UTC offset of that day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from insights import selectors
from mentoring.models import Mentorship, Program
from scheduling.models import Session
from tests.mentoring.factories import ParticipantFactory


@pytest.fixture
def pair(program):
    Program.objects.filter(pk=program.pk).update(status="active")
    mentor = ParticipantFactory(program=program, role="mentor", status="active")
    mentee = ParticipantFactory(program=program, role="mentee", status="active")
    return Mentorship.objects.create(
        organization=program.organization, program=program, mentor=mentor, mentee=mentee, source="admin"
    )


def _session(pair, start: datetime, status: str = "completed") -> Session:
    return Session.objects.create(
        organization=pair.organization, program=pair.program, mentorship=pair, mentor=pair.mentor,
        mentee=pair.mentee, start=start, end=start + timedelta(minutes=30), status=status,
        video_url="https://meet.jit.si/x", video_room="x", calendar_uid=f"{start.isoformat()}@dst",
    )  # fmt: skip


def _weeks(pair, zone: str, start: date, end: date) -> dict[date, int]:
    period = selectors.Period(start=start, end=end, zone=ZoneInfo(zone))
    return {row.week: row.held for row in selectors.sessions_per_week(pair.program, period)}


def test_new_york_spring_forward_week_boundaries(pair):
    # New York moves from EST (-5) to EDT (-4) on Sunday 14 March 2027 at 02:00.
    _session(pair, datetime(2027, 3, 8, 4, 30, tzinfo=UTC))  # Sun 7 Mar 23:30 EST: week of 1 Mar
    _session(pair, datetime(2027, 3, 8, 5, 30, tzinfo=UTC))  # Mon 8 Mar 00:30 EST: week of 8 Mar
    _session(pair, datetime(2027, 3, 15, 3, 30, tzinfo=UTC))  # Sun 14 Mar 23:30 EDT: week of 8 Mar
    _session(pair, datetime(2027, 3, 15, 4, 30, tzinfo=UTC))  # Mon 15 Mar 00:30 EDT: week of 15 Mar

    weeks = _weeks(pair, "America/New_York", date(2027, 3, 1), date(2027, 3, 21))

    assert weeks == {date(2027, 3, 1): 1, date(2027, 3, 8): 2, date(2027, 3, 15): 1}


def test_berlin_autumn_back_week_boundaries(pair):
    # Berlin moves from CEST (+2) to CET (+1) on Sunday 31 October 2027 at 03:00.
    _session(pair, datetime(2027, 10, 31, 22, 30, tzinfo=UTC))  # Sun 31 Oct 23:30 CET: week of 25 Oct
    _session(pair, datetime(2027, 10, 31, 23, 30, tzinfo=UTC))  # Mon 1 Nov 00:30 CET: week of 1 Nov
    _session(pair, datetime(2027, 10, 24, 22, 30, tzinfo=UTC))  # Mon 25 Oct 00:30 CEST: week of 25 Oct

    weeks = _weeks(pair, "Europe/Berlin", date(2027, 10, 25), date(2027, 11, 7))

    assert weeks == {date(2027, 10, 25): 2, date(2027, 11, 1): 1}


def test_the_same_sessions_bucket_by_each_viewers_own_clock(pair):
    _session(pair, datetime(2027, 3, 15, 3, 30, tzinfo=UTC))  # Sunday night in New York, Monday in Tokyo

    new_york = _weeks(pair, "America/New_York", date(2027, 3, 8), date(2027, 3, 21))
    tokyo = _weeks(pair, "Asia/Tokyo", date(2027, 3, 8), date(2027, 3, 21))

    assert new_york == {date(2027, 3, 8): 1, date(2027, 3, 15): 0}
    assert tokyo == {date(2027, 3, 8): 0, date(2027, 3, 15): 1}


def test_the_period_ends_at_midnight_after_its_last_day_on_the_viewers_clock(pair):
    _session(pair, datetime(2027, 3, 22, 3, 30, tzinfo=UTC))  # Sun 21 Mar 23:30 EDT: inside
    _session(pair, datetime(2027, 3, 22, 4, 30, tzinfo=UTC))  # Mon 22 Mar 00:30 EDT: after the period

    weeks = _weeks(pair, "America/New_York", date(2027, 3, 15), date(2027, 3, 21))

    assert weeks == {date(2027, 3, 15): 1}
