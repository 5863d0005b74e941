"""Availability: defaults from the profile, the weekly editor (htmx), dates with other hours,
zones, and what it does to the free slots, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.models import AvailabilityOverride, AvailabilityRule
from scheduling.services.availability import (
    availability_get_or_create,
    availability_set_date,
    availability_set_day,
    availability_update_settings,
    clean_intervals,
)
from scheduling.services.free_time import free_slots_between
from tests.accounts.factories import UserFactory
from tests.mentoring.factories import ParticipantFactory
from tests.scheduling.helpers import make_pair, participant_for, set_availability
from turazo.core.errors import ValidationFailed

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")


def rules(availability) -> list[tuple[int, str, str]]:
    return [
        (r.weekday, f"{r.start:%H:%M}", f"{r.end:%H:%M}")
        for r in AvailabilityRule.objects.filter(availability=availability)
    ]


def test_defaults_come_from_the_profiles_working_hours(program):
    night_nurse = ParticipantFactory(
        program=program, role="mentor", timezone="Asia/Kolkata", work_start=time(22), work_end=time(6), work_days=[0, 2]
    )
    availability = availability_get_or_create(participant=night_nurse)
    assert availability.timezone == "Asia/Kolkata"
    assert availability.applies is True
    assert rules(availability) == [(0, "22:00", "06:00"), (2, "22:00", "06:00")]


def test_without_working_hours_the_default_is_weekdays_nine_to_five_and_a_mentees_is_off(program):
    mentee = ParticipantFactory(program=program, role="mentee", timezone="", user=UserFactory(timezone="Asia/Tokyo"))
    availability = availability_get_or_create(participant=mentee)
    assert availability.timezone == "Asia/Tokyo"
    assert availability.applies is False
    assert rules(availability) == [(d, "09:00", "17:00") for d in range(5)]


def test_no_zone_anywhere_falls_back_to_the_viewers(program):
    p = ParticipantFactory(program=program, role="mentor", timezone="")
    assert availability_get_or_create(participant=p, fallback_zone="America/Sao_Paulo").timezone == "America/Sao_Paulo"


@pytest.mark.parametrize(
    ("intervals", "message"),
    [
        ([(time(9), time(12)), (time(11), time(13))], "09:00–12:00 and 11:00–13:00 overlap"),
        ([(time(9), time(9))], "starts and ends at the same time"),
        ([(time(9, 0, 30), time(10))], "whole minutes"),
        ([("9", "10")], "HH:MM"),
        ([(time(h), time(h, 30)) for h in range(9)], "at most 8 intervals"),
    ],
)
def test_bad_intervals_are_refused_naming_the_day(intervals, message):
    with pytest.raises(ValidationFailed, match="Monday") as caught:
        clean_intervals(intervals, "Monday")
    assert message in caught.value.message


def test_night_and_whole_day_intervals_are_fine():
    assert clean_intervals([(time(22), time(2)), (time(9), time(12))], "Friday") == [
        (time(9), time(12)),
        (time(22), time(2)),
    ]
    assert clean_intervals([(time(0), time(0))], "Sunday") == [(time(0), time(0))]


# --- The editor --------------------------------------------------------------------------------


@pytest.fixture
def own(program, mentor):
    participant = participant_for(mentor, program, "mentor")
    set_availability(participant, zone="Europe/Berlin")
    return participant


def test_the_editor_shows_each_day_and_the_hours_on_the_viewers_clock(client, mentor, own):
    client.force_login(mentor)
    client.cookies["turazo_tz"] = "America/New_York"
    response = client.get(f"/participations/{own.pk}/availability/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "In Europe/Berlin" in html
    assert 'value="09:00"' in html
    assert "your time (America/New_York)" in html
    assert "Not available" in html  # the weekend


def test_saving_a_day_with_htmx_returns_the_row(client, mentor, own):
    client.force_login(mentor)
    response = client.post(
        f"/participations/{own.pk}/availability/days/",
        {"weekday": "1", "start": ["08:00", "13:00"], "end": ["12:00", "18:30"], "action": "save"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith("<form")
    assert b"Saved." in response.content
    assert [r for r in rules(own.availability) if r[0] == 1] == [(1, "08:00", "12:00"), (1, "13:00", "18:30")]


def test_add_shows_an_empty_interval_without_saving(client, mentor, own):
    client.force_login(mentor)
    response = client.post(
        f"/participations/{own.pk}/availability/days/",
        {"weekday": "1", "start": ["09:00"], "end": ["17:00"], "action": "add"},
        HTTP_HX_REQUEST="true",
    )
    assert response.content.decode().count('type="time"') == 4
    assert b"Saved." not in response.content


def test_remove_saves_the_day_without_that_interval(client, mentor, own):
    client.force_login(mentor)
    client.post(
        f"/participations/{own.pk}/availability/days/",
        {"weekday": "2", "start": ["09:00", "14:00"], "end": ["12:00", "17:00"], "drop": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert [r for r in rules(own.availability) if r[0] == 2] == [(2, "14:00", "17:00")]


def test_a_bad_day_is_400_with_the_reason_and_nothing_changes(client, mentor, own):
    client.force_login(mentor)
    before = rules(own.availability)
    response = client.post(
        f"/participations/{own.pk}/availability/days/",
        {"weekday": "3", "start": ["09:00", "10:00"], "end": ["12:00", "11:00"], "action": "save"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "overlap" in response.content.decode()
    assert rules(own.availability) == before


def test_copy_to_weekdays(client, mentor, own):
    client.force_login(mentor)
    response = client.post(
        f"/participations/{own.pk}/availability/days/",
        {"weekday": "0", "start": ["07:00"], "end": ["11:00"], "action": "copy"},
    )
    assert response.status_code == 302
    assert rules(own.availability) == [(d, "07:00", "11:00") for d in range(5)]


def test_a_day_off_and_other_hours_on_a_date(client, mentor, own):
    client.force_login(mentor)
    day = date.today() + timedelta(days=10)
    client.post(f"/participations/{own.pk}/availability/dates/", {"date": day.isoformat(), "day_off": "on"})
    assert list(AvailabilityOverride.objects.values_list("date", "start")) == [(day, None)]
    client.post(
        f"/participations/{own.pk}/availability/dates/", {"date": day.isoformat(), "start": "10:00", "end": "11:00"}
    )
    client.post(
        f"/participations/{own.pk}/availability/dates/", {"date": day.isoformat(), "start": "15:00", "end": "16:00"}
    )
    assert sorted(AvailabilityOverride.objects.values_list("start", "end")) == [
        (time(10), time(11)),
        (time(15), time(16)),
    ]
    client.post(f"/participations/{own.pk}/availability/dates/reset/", {"date": day.isoformat()})
    assert not AvailabilityOverride.objects.exists()


def test_a_date_in_the_past_or_without_hours_is_refused(client, mentor, own):
    client.force_login(mentor)
    past = client.post(
        f"/participations/{own.pk}/availability/dates/", {"date": "2020-01-01", "day_off": "on"}, follow=True
    )
    assert b"is in the past" in past.content
    no_hours = client.post(f"/participations/{own.pk}/availability/dates/", {"date": "2099-01-01"}, follow=True)
    assert "Give the hours" in no_hours.content.decode()
    assert not AvailabilityOverride.objects.exists()


def test_settings_check_the_zone_and_the_room(client, mentor, own):
    client.force_login(mentor)
    bad = client.post(f"/participations/{own.pk}/availability/", {"timezone": "Mars/Olympus", "video_room_url": ""})
    assert bad.status_code == 400
    assert "not a time zone we know" in bad.content.decode()
    good = client.post(
        f"/participations/{own.pk}/availability/",
        {"timezone": "asia/kolkata", "video_room_url": "https://zoom.example/my-room"},
    )
    assert good.status_code == 302
    own.availability.refresh_from_db()
    assert (own.availability.timezone, own.availability.video_room_url) == (
        "Asia/Kolkata",
        "https://zoom.example/my-room",
    )


def test_others_cannot_open_someone_elses_availability(client, own, outsider, hr_admin, program):
    stranger = UserFactory()
    participant_for(stranger, program, "mentee")
    for user, expected in ((outsider, 404), (stranger, 404), (hr_admin, 200)):
        client.force_login(user)
        assert client.get(f"/participations/{own.pk}/availability/").status_code == expected
        post = client.post(
            f"/participations/{own.pk}/availability/days/", {"weekday": "0", "start": ["01:00"], "end": ["02:00"]}
        )
        assert post.status_code == (expected if expected == 404 else 302)


# --- What availability does to the slots (in the database) -------------------------------------


def starts(pair, after: datetime, before: datetime, now: datetime) -> list[datetime]:
    return [s.start for s in free_slots_between(mentorship=pair, after=after, before=before, now=now)[1]]


def test_a_berlin_monday_morning_stays_nine_to_twelve_across_the_spring_change(program):
    pair = make_pair(program, mentor_zone="Europe/Berlin", mentor_weekly={0: [(time(9), time(12))]})
    now = datetime(2027, 3, 15, 0, 0, tzinfo=UTC)
    before = starts(pair, datetime(2027, 3, 22, tzinfo=UTC), datetime(2027, 3, 23, tzinfo=UTC), now)
    after = starts(pair, datetime(2027, 3, 29, tzinfo=UTC), datetime(2027, 3, 30, tzinfo=UTC), now)
    assert [s.astimezone(BERLIN).strftime("%H:%M") for s in before] == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert [s.astimezone(BERLIN).strftime("%H:%M") for s in after] == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert before[0].hour == 8  # 09:00 CET
    assert after[0].hour == 7  # 09:00 CEST


def test_a_mentee_who_turns_on_her_availability_limits_the_slots(program):
    pair = make_pair(program, mentor_zone="Europe/Berlin", mentee_zone="America/New_York")
    now = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)
    window = (datetime(2027, 3, 3, tzinfo=UTC), datetime(2027, 3, 4, tzinfo=UTC))  # a Wednesday
    everything = starts(pair, *window, now)
    mentee_av = availability_get_or_create(participant=pair.mentee)
    availability_set_day(availability=mentee_av, weekday=2, intervals=[(time(8), time(10))])  # NY 08-10 = 13-15 UTC
    assert starts(pair, *window, now) == everything  # not applied yet
    availability_update_settings(availability=mentee_av, timezone="America/New_York", applies=True)
    limited = starts(pair, *window, now)
    assert [s.astimezone(NEW_YORK).strftime("%H:%M") for s in limited] == ["08:00", "08:30", "09:00"]


def test_a_day_off_leaves_no_slot_that_date(program):
    pair = make_pair(program, mentor_zone="Europe/Berlin")
    availability_set_date(availability=pair.mentor.availability, day=date(2027, 3, 3), intervals=[])
    now = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)
    assert starts(pair, datetime(2027, 3, 3, tzinfo=UTC), datetime(2027, 3, 4, tzinfo=UTC), now) == []
    assert starts(pair, datetime(2027, 3, 4, tzinfo=UTC), datetime(2027, 3, 5, tzinfo=UTC), now) != []


def test_a_day_without_a_weekday_is_400(client, mentor, own):
    client.force_login(mentor)
    response = client.post(f"/participations/{own.pk}/availability/days/", {"weekday": "9", "start": ["09:00"]})
    assert response.status_code == 400
    assert b"which weekday" in response.content
