"""Fixed cases around daylight-saving changes and unusual offsets, with hand-computed answers.

2026 changes used: the EU on 29 March (02:00 -> 03:00 local) and 25 October (03:00 -> 02:00);
the US on 8 March and 1 November (both at 02:00 local); Australia/Lord_Howe (30-minute DST)
on 5 April (02:00 -> 01:30) and 4 October (02:00 -> 02:30); Pacific/Chatham on 5 April
(03:45 -> 02:45) and 27 September (02:45 -> 03:45).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduling.slots import Availability, SlotQuery, SlotRules, availability_utc, check_slot, free_slots

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = (MON, TUE, WED, THU, FRI)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def hours(av: Availability, day: date) -> list[tuple[datetime, datetime]]:
    """``av``'s UTC intervals over one UTC day."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return list(availability_utc(av, start=start, end=start + timedelta(days=1)))


def starts(q: SlotQuery, now: datetime, until: datetime) -> list[datetime]:
    return [s.start for s in free_slots(q, now=now, before=until)]


def rules(length: int = 60, grid: int = 30, **kw: object) -> SlotRules:
    return SlotRules(length=timedelta(minutes=length), grid_minutes=grid, horizon=timedelta(days=60), **kw)


# --- a weekly rule keeps its wall-clock hours on both sides of a change -------------------


def test_berlin_monday_morning_is_nine_to_twelve_local_on_both_sides_of_the_spring_change() -> None:
    av = Availability("Europe/Berlin", weekly={MON: [(time(9), time(12))]})
    assert hours(av, date(2026, 3, 23)) == [(utc(2026, 3, 23, 8), utc(2026, 3, 23, 11))]  # CET, +01:00
    assert hours(av, date(2026, 3, 30)) == [(utc(2026, 3, 30, 7), utc(2026, 3, 30, 10))]  # CEST, +02:00


def test_berlin_monday_morning_is_nine_to_twelve_local_on_both_sides_of_the_autumn_change() -> None:
    av = Availability("Europe/Berlin", weekly={MON: [(time(9), time(12))]})
    assert hours(av, date(2026, 10, 19)) == [(utc(2026, 10, 19, 7), utc(2026, 10, 19, 10))]
    assert hours(av, date(2026, 10, 26)) == [(utc(2026, 10, 26, 8), utc(2026, 10, 26, 11))]


def test_new_york_monday_morning_follows_the_us_change_two_weeks_before_europe() -> None:
    av = Availability("America/New_York", weekly={MON: [(time(9), time(12))]})
    assert hours(av, date(2026, 3, 2)) == [(utc(2026, 3, 2, 14), utc(2026, 3, 2, 17))]  # EST
    assert hours(av, date(2026, 3, 9)) == [(utc(2026, 3, 9, 13), utc(2026, 3, 9, 16))]  # EDT
    assert hours(av, date(2026, 11, 2)) == [(utc(2026, 11, 2, 14), utc(2026, 11, 2, 17))]  # EST again


def test_berlin_mentor_and_new_york_mentee_share_less_time_while_only_the_us_is_on_summer_time() -> None:
    # Berlin 15:00-18:00 and New York 09:00-12:00 are the same three hours in winter and in
    # summer, but only two hours in the weeks when one side has changed and the other not.
    q = SlotQuery(
        mentor=Availability("Europe/Berlin", weekly={d: [(time(15), time(18))] for d in WEEKDAYS}),
        mentee=Availability("America/New_York", weekly={d: [(time(9), time(12))] for d in WEEKDAYS}),
        rules=rules(length=60, grid=30),
    )

    def per_day(day: date) -> int:
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        now = start - timedelta(days=7)
        return len(free_slots(q, now=now, after=start, before=start + timedelta(days=1)))

    assert per_day(date(2026, 3, 5)) == 5  # both standard: 14:00-17:00 UTC, starts 14:00 ... 16:00
    assert per_day(date(2026, 3, 10)) == 3  # US summer only: 14:00-16:00 UTC
    assert per_day(date(2026, 3, 31)) == 5  # both summer: 13:00-16:00 UTC
    assert per_day(date(2026, 10, 27)) == 3  # EU back on winter time, US not yet
    assert per_day(date(2026, 11, 3)) == 5  # both standard again


# --- spring gap and autumn fold -------------------------------------------------------------


def test_spring_gap_wall_times_that_do_not_exist_are_not_available() -> None:
    av = Availability("Europe/Berlin", weekly={SUN: [(time(1, 30), time(3, 30))]})
    # 01:30-02:00 CET then 03:00-03:30 CEST: one real hour.
    assert hours(av, date(2026, 3, 29)) == [(utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30))]


def test_spring_gap_an_interval_entirely_inside_the_gap_is_empty() -> None:
    av = Availability("Europe/Berlin", weekly={SUN: [(time(2), time(3))]})
    assert hours(av, date(2026, 3, 29)) == []
    assert hours(av, date(2026, 3, 22)) == [(utc(2026, 3, 22, 1), utc(2026, 3, 22, 2))]  # a normal Sunday


def test_spring_gap_grid_times_inside_the_gap_are_not_offered() -> None:
    q = SlotQuery(mentor=Availability("Europe/Berlin", weekly={SUN: [(time(1, 30), time(3, 30))]}), rules=rules(30))
    # Local 01:30 CET and 03:00 CEST; there is no 02:00 or 02:30 that night.
    assert starts(q, utc(2026, 3, 28), utc(2026, 3, 30)) == [utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1)]


def test_spring_gap_a_session_is_elapsed_time_across_the_jump() -> None:
    q = SlotQuery(mentor=Availability("Europe/Berlin", weekly={SUN: [(time(1, 30), time(3, 30))]}), rules=rules(60))
    # 01:30 CET + 60 minutes = 03:30 CEST: the only one-hour slot that night.
    (slot,) = free_slots(q, now=utc(2026, 3, 28), before=utc(2026, 3, 30))
    assert slot.start == utc(2026, 3, 29, 0, 30)
    assert slot.end == utc(2026, 3, 29, 1, 30)
    assert slot.end.astimezone(ZoneInfo("Europe/Berlin")).time() == time(3, 30)


def test_autumn_fold_wall_times_that_occur_twice_are_available_both_times() -> None:
    av = Availability("Europe/Berlin", weekly={SUN: [(time(1), time(3))]})
    # 01:00 CEST to 03:00 CET: three real hours.
    assert hours(av, date(2026, 10, 24)) == [(utc(2026, 10, 24, 23), utc(2026, 10, 25, 0))]
    assert hours(av, date(2026, 10, 25)) == [(utc(2026, 10, 25, 0), utc(2026, 10, 25, 2))]


def test_autumn_fold_an_interval_starting_inside_the_fold_covers_only_wall_times_it_contains() -> None:
    av = Availability("Europe/Berlin", weekly={SUN: [(time(2, 30), time(4))]})
    # 02:30-03:00 CEST and 02:30-04:00 CET; 02:00-02:30 CET in between is outside the rule.
    assert hours(av, date(2026, 10, 25)) == [
        (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1)),
        (utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 3)),
    ]


def test_autumn_fold_an_interval_ending_inside_the_fold_covers_only_wall_times_it_contains() -> None:
    av = Availability("Europe/Berlin", weekly={SUN: [(time(0), time(2, 30))]})
    assert hours(av, date(2026, 10, 24)) == [(utc(2026, 10, 24, 22), utc(2026, 10, 25, 0))]
    assert hours(av, date(2026, 10, 25)) == [
        (utc(2026, 10, 25, 0), utc(2026, 10, 25, 0, 30)),  # 02:00-02:30 CEST
        (utc(2026, 10, 25, 1), utc(2026, 10, 25, 1, 30)),  # 02:00-02:30 CET
    ]


def test_autumn_fold_grid_times_that_occur_twice_are_offered_once_per_occurrence() -> None:
    q = SlotQuery(mentor=Availability("Europe/Berlin", weekly={SUN: [(time(1), time(3))]}), rules=rules(60))
    got = starts(q, utc(2026, 10, 20), utc(2026, 10, 26))
    assert got == [
        utc(2026, 10, 24, 23),  # 01:00 CEST
        utc(2026, 10, 24, 23, 30),  # 01:30 CEST
        utc(2026, 10, 25, 0),  # 02:00 CEST
        utc(2026, 10, 25, 0, 30),  # 02:30 CEST
        utc(2026, 10, 25, 1),  # 02:00 CET (the last start whose hour ends by 03:00 CET)
    ]
    berlin = ZoneInfo("Europe/Berlin")
    assert [s.astimezone(berlin).strftime("%H:%M %Z") for s in got] == [
        "01:00 CEST",
        "01:30 CEST",
        "02:00 CEST",
        "02:30 CEST",
        "02:00 CET",
    ]


def test_new_york_autumn_fold_the_repeated_hour_is_available_twice() -> None:
    av = Availability("America/New_York", weekly={SUN: [(time(0), time(4))]})
    # 00:00 EDT (04:00 UTC) to 04:00 EST (09:00 UTC): five real hours.
    assert hours(av, date(2026, 11, 1)) == [(utc(2026, 11, 1, 4), utc(2026, 11, 1, 9))]


# --- 30- and 45-minute offsets ------------------------------------------------------------


def test_lord_howe_thirty_minute_fold_lengthens_the_night_by_half_an_hour() -> None:
    av = Availability("Australia/Lord_Howe", weekly={SUN: [(time(1), time(3))]})
    # 5 April 2026: 02:00 (+11:00) falls back to 01:30 (+10:30). 01:00 +11 = 14:00 UTC; 03:00 +10:30 = 16:30 UTC.
    assert hours(av, date(2026, 4, 4)) == [(utc(2026, 4, 4, 14), utc(2026, 4, 4, 16, 30))]


def test_lord_howe_thirty_minute_gap_shortens_the_night_by_half_an_hour() -> None:
    av = Availability("Australia/Lord_Howe", weekly={SUN: [(time(1), time(3))]})
    # 4 October 2026: 02:00 (+10:30) jumps to 02:30 (+11:00). 01:00 +10:30 = 14:30 UTC; 03:00 +11 = 16:00 UTC.
    assert hours(av, date(2026, 10, 3)) == [(utc(2026, 10, 3, 14, 30), utc(2026, 10, 3, 16))]


def test_lord_howe_hourly_grid_moves_from_whole_to_half_utc_hours_in_winter() -> None:
    q = SlotQuery(mentor=Availability("Australia/Lord_Howe", weekly={MON: [(time(10), time(12))]}), rules=rules(60, 60))
    summer = starts(q, utc(2026, 3, 1), utc(2026, 3, 3))  # Mon 2 March, +11:00
    winter = starts(q, utc(2026, 6, 1) - timedelta(days=1), utc(2026, 6, 2))  # Mon 1 June, +10:30
    assert summer == [utc(2026, 3, 1, 23), utc(2026, 3, 2, 0)]
    assert winter == [utc(2026, 5, 31, 23, 30), utc(2026, 6, 1, 0, 30)]


def test_kolkata_mentor_and_los_angeles_mentee_slots_follow_the_us_change_on_the_mentor_grid() -> None:
    # Mentor 18:00-21:00 IST (+05:30) = 12:30-15:30 UTC all year. Mentee 06:00-09:00 in Los Angeles:
    # 14:00-17:00 UTC in PST, 13:00-16:00 UTC in PDT (from 8 March 2026).
    q = SlotQuery(
        mentor=Availability("Asia/Kolkata", weekly={d: [(time(18), time(21))] for d in WEEKDAYS}),
        mentee=Availability("America/Los_Angeles", weekly={d: [(time(6), time(9))] for d in WEEKDAYS}),
        rules=rules(60, 30),
    )
    now = utc(2026, 3, 1)
    # Mon 2 - Thu 5 March (PST): shared 14:00-15:30 UTC, so one-hour starts at 14:00 and 14:30 UTC.
    assert starts(q, now, utc(2026, 3, 6)) == [
        s for d in (2, 3, 4, 5) for s in (utc(2026, 3, d, 14), utc(2026, 3, d, 14, 30))
    ]
    tuesday_after = [s for s in starts(q, now, utc(2026, 3, 11)) if s.date() == date(2026, 3, 10)]
    assert tuesday_after == [
        utc(2026, 3, 10, 13),
        utc(2026, 3, 10, 13, 30),
        utc(2026, 3, 10, 14),
        utc(2026, 3, 10, 14, 30),
    ]
    # An hourly grid on the mentor's clock: IST :00 is UTC :30, whatever the mentee sees.
    hourly = SlotQuery(mentor=q.mentor, mentee=q.mentee, rules=rules(60, 60))
    assert [s for s in starts(hourly, now, utc(2026, 3, 11)) if s.date() == date(2026, 3, 10)] == [
        utc(2026, 3, 10, 13, 30),
        utc(2026, 3, 10, 14, 30),
    ]
    la = ZoneInfo("America/Los_Angeles")
    assert [s.astimezone(la).time() for s in tuesday_after] == [time(6), time(6, 30), time(7), time(7, 30)]


def test_kathmandu_grid_is_on_the_local_quarter_to_hour_offset() -> None:
    q = SlotQuery(mentor=Availability("Asia/Kathmandu", weekly={WED: [(time(9), time(11))]}), rules=rules(30, 30))
    # +05:45: local 09:00 is 03:15 UTC.
    assert starts(q, utc(2026, 7, 1) - timedelta(days=1), utc(2026, 7, 2)) == [
        utc(2026, 7, 1, 3, 15),
        utc(2026, 7, 1, 3, 45),
        utc(2026, 7, 1, 4, 15),
        utc(2026, 7, 1, 4, 45),
    ]


def test_chatham_plus_twelve_forty_five_and_its_spring_gap() -> None:
    q = SlotQuery(mentor=Availability("Pacific/Chatham", weekly={SUN: [(time(2), time(5))]}), rules=rules(60, 60))
    # An ordinary winter Sunday (+12:45): 02:00, 03:00 and 04:00 local are 13:15, 14:15, 15:15 UTC on Saturday.
    assert starts(q, utc(2026, 7, 1), utc(2026, 7, 6)) == [
        utc(2026, 7, 4, 13, 15),
        utc(2026, 7, 4, 14, 15),
        utc(2026, 7, 4, 15, 15),
    ]
    # 27 September 2026: 02:45 (+12:45) jumps to 03:45 (+13:45). Available 13:15-15:15 UTC;
    # local 03:00 does not exist, so the hourly starts are 02:00 and 04:00 local.
    assert starts(q, utc(2026, 9, 25), utc(2026, 9, 28)) == [utc(2026, 9, 26, 13, 15), utc(2026, 9, 26, 14, 15)]


# --- rules crossing midnight and overrides -------------------------------------------------


def test_a_rule_crossing_midnight_continues_into_the_next_day() -> None:
    av = Availability("Asia/Tokyo", weekly={FRI: [(time(22), time(2))]})  # +09:00, no DST
    assert hours(av, date(2026, 6, 5)) == [(utc(2026, 6, 5, 13), utc(2026, 6, 5, 17))]  # Fri 22:00 - Sat 02:00


def test_a_slot_may_span_midnight_where_two_rules_touch() -> None:
    q = SlotQuery(
        mentor=Availability("UTC", weekly={MON: [(time(23), time(0))], TUE: [(time(0), time(1))]}),
        rules=rules(120, 60),
    )
    assert starts(q, utc(2026, 6, 1), utc(2026, 6, 3)) == [utc(2026, 6, 1, 23)]


def test_a_rule_crossing_midnight_across_the_spring_gap_loses_the_missing_hour() -> None:
    av = Availability("Europe/Berlin", weekly={SAT: [(time(22), time(4))]})
    # Sat 28 March 22:00 CET (21:00 UTC) to Sun 04:00 CEST (02:00 UTC): five real hours.
    assert list(availability_utc(av, start=utc(2026, 3, 28), end=utc(2026, 3, 30))) == [
        (utc(2026, 3, 28, 21), utc(2026, 3, 29, 2))
    ]


def test_override_day_off_removes_the_weekly_hours_of_that_date_only() -> None:
    av = Availability(
        "Europe/Berlin",
        weekly={d: [(time(9), time(12))] for d in WEEKDAYS},
        overrides={date(2026, 6, 2): []},
    )
    assert hours(av, date(2026, 6, 1)) == [(utc(2026, 6, 1, 7), utc(2026, 6, 1, 10))]
    assert hours(av, date(2026, 6, 2)) == []
    assert hours(av, date(2026, 6, 3)) == [(utc(2026, 6, 3, 7), utc(2026, 6, 3, 10))]


def test_override_with_other_hours_replaces_that_dates_weekly_hours() -> None:
    av = Availability(
        "Europe/Berlin",
        weekly={TUE: [(time(9), time(12))]},
        overrides={
            date(2026, 6, 2): [(time(14), time(15)), (time(20), time(21))],
            date(2026, 6, 6): [(time(10), time(11))],
        },
    )
    assert hours(av, date(2026, 6, 2)) == [
        (utc(2026, 6, 2, 12), utc(2026, 6, 2, 13)),
        (utc(2026, 6, 2, 18), utc(2026, 6, 2, 19)),
    ]
    assert hours(av, date(2026, 6, 6)) == [(utc(2026, 6, 6, 8), utc(2026, 6, 6, 9))]  # a Saturday with no weekly rule


def test_override_of_the_next_day_keeps_a_night_that_started_the_evening_before() -> None:
    night = {FRI: [(time(22), time(2))]}
    kept = Availability("UTC", weekly=night, overrides={date(2026, 6, 6): []})  # Saturday off
    freed = Availability("UTC", weekly=night, overrides={date(2026, 6, 5): []})  # Friday off
    window = {"start": utc(2026, 6, 5), "end": utc(2026, 6, 7)}
    assert availability_utc(kept, **window) == ((utc(2026, 6, 5, 22), utc(2026, 6, 6, 2)),)
    assert availability_utc(freed, **window) == ()


def test_overrides_are_read_on_the_persons_local_date() -> None:
    # 2 June in Auckland (+12:00) starts at 12:00 UTC on 1 June.
    av = Availability("Pacific/Auckland", weekly={}, overrides={date(2026, 6, 2): [(time(0), time(1))]})
    assert list(availability_utc(av, start=utc(2026, 6, 1), end=utc(2026, 6, 3))) == [
        (utc(2026, 6, 1, 12), utc(2026, 6, 1, 13))
    ]


# --- the weekly cap counts weeks of the mentor's wall clock -------------------------------


def test_weekly_cap_is_counted_in_the_mentors_local_week() -> None:
    # Sunday 7 June 2026 22:00 UTC is Monday 8 June 10:00 in Auckland: it counts for the week of 8 June.
    q = SlotQuery(
        mentor=Availability("Pacific/Auckland", weekly={d: [(time(9), time(17))] for d in WEEKDAYS}),
        rules=rules(60, 60, max_per_week=1),
        mentor_busy=[(utc(2026, 6, 7, 22), utc(2026, 6, 7, 23))],
    )
    got = starts(q, utc(2026, 6, 1), utc(2026, 6, 21))
    auckland = ZoneInfo("Pacific/Auckland")
    local_days = {s.astimezone(auckland).date() for s in got}
    assert date(2026, 6, 5) in local_days  # the week before is open
    assert not any(date(2026, 6, 8) <= d <= date(2026, 6, 14) for d in local_days)  # the full week offers nothing
    assert date(2026, 6, 15) in local_days  # the week after is open
    assert check_slot(q, now=utc(2026, 6, 1), start=utc(2026, 6, 9, 0)).name == "WEEK_FULL"  # Tue 12:00 local
