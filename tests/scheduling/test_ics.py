"""Calendar invites, cancellations and feeds: everything is re-parsed with icalendar and checked
property by property, with names and agendas full of commas, semicolons, quotes, newlines and
non-Latin text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from scheduling.ics import (
    Attendee,
    CalendarUser,
    InvalidEvent,
    SessionEvent,
    content_type,
    description,
    feed,
    invite_cancel,
    invite_request,
)

STAMP = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
AGENDA = 'Goals, plans; next\\steps\n2. Feedback on "the draft"\n3. 日本語のメモ — ünïcödé ✓'
VIDEO = "https://meet.jit.si/turazo-3f9a?config=a,b;c"


def event(**kw: object) -> SessionEvent:
    base: dict[str, object] = {
        "uid": "session-42@turazo.example",
        "sequence": 0,
        "start": datetime(2026, 3, 30, 11, 0, tzinfo=BERLIN),  # 09:00 UTC (CEST)
        "end": datetime(2026, 3, 30, 12, 0, tzinfo=BERLIN),
        "summary": 'Mentoring: Zoë Ångström ↔ Robert "Bob" O\'Brien; kick-off, part 1',
        "organizer": CalendarUser("sessions@turazo.example", "Acme, Inc.: mentoring via Turazo"),
        "attendees": (
            Attendee("zoe@example.org", "Zoë Ångström; PhD"),
            Attendee("bob@example.org", 'Robert "Bob" O\'Brien, Jr.'),
        ),
        "agenda": AGENDA,
        "link": "https://turazo.example/sessions/42/",
        "video_url": VIDEO,
    }
    return SessionEvent(**(base | kw))


def parse(data: bytes) -> tuple[Calendar, list]:
    cal = Calendar.from_ical(data)
    return cal, list(cal.walk("VEVENT"))


def only_event(data: bytes):
    _, events = parse(data)
    assert len(events) == 1
    return events[0]


# --- METHOD:REQUEST ----------------------------------------------------------------------


def test_request_has_method_version_and_prodid() -> None:
    cal, _ = parse(invite_request(event(), stamp=STAMP))
    assert cal["METHOD"] == "REQUEST"
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"] == "-//Turazo//Turazo mentoring sessions//EN"


def test_request_event_identity_and_times_in_utc() -> None:
    data = invite_request(event(sequence=3), stamp=STAMP)
    ev = only_event(data)
    assert ev["UID"] == "session-42@turazo.example"
    assert ev["SEQUENCE"] == 3
    assert ev.stamp == STAMP
    assert ev.start == datetime(2026, 3, 30, 9, tzinfo=UTC)
    assert ev.end == datetime(2026, 3, 30, 10, tzinfo=UTC)
    assert b"\r\nDTSTART:20260330T090000Z\r\n" in data
    assert b"\r\nDTEND:20260330T100000Z\r\n" in data
    assert b"\r\nDTSTAMP:20260301T083000Z\r\n" in data
    assert b"VTIMEZONE" not in data
    assert ev["STATUS"] == "CONFIRMED"


def test_request_organizer_and_attendees_carry_names_and_participation() -> None:
    ev = only_event(invite_request(event(), stamp=STAMP))
    assert str(ev["ORGANIZER"]) == "mailto:sessions@turazo.example"
    assert ev["ORGANIZER"].params["CN"] == "Acme, Inc.: mentoring via Turazo"
    zoe, bob = ev["ATTENDEE"]
    assert str(zoe) == "mailto:zoe@example.org"
    assert zoe.params["CN"] == "Zoë Ångström; PhD"
    assert str(bob) == "mailto:bob@example.org"
    assert bob.params["CN"] == 'Robert "Bob" O\'Brien, Jr.'
    for person in (zoe, bob):
        assert person.params["PARTSTAT"] == "ACCEPTED"
        assert person.params["RSVP"] == "FALSE"
        assert person.params["ROLE"] == "REQ-PARTICIPANT"
        assert person.params["CUTYPE"] == "INDIVIDUAL"


def test_request_attendee_can_be_asked_to_reply() -> None:
    ev = only_event(
        invite_request(
            event(attendees=(Attendee("zoe@example.org", "Zoë", partstat="NEEDS-ACTION", rsvp=True),)), stamp=STAMP
        )
    )
    assert ev["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    assert ev["ATTENDEE"].params["RSVP"] == "TRUE"


def test_request_text_survives_commas_semicolons_quotes_newlines_and_unicode() -> None:
    ev = only_event(invite_request(event(), stamp=STAMP))
    assert str(ev["SUMMARY"]) == 'Mentoring: Zoë Ångström ↔ Robert "Bob" O\'Brien; kick-off, part 1'
    assert str(ev["DESCRIPTION"]) == (
        f"{AGENDA}\n\nVideo call: {VIDEO}\nSession page: https://turazo.example/sessions/42/"
    )
    assert str(ev["LOCATION"]) == VIDEO
    assert str(ev["URL"]) == VIDEO


def test_request_escapes_text_on_the_wire() -> None:
    data = invite_request(event(summary="a,b;c\\d"), stamp=STAMP)
    assert b"\r\nSUMMARY:a\\,b\\;c\\\\d\r\n" in data


def test_description_has_the_agenda_then_the_links() -> None:
    assert description(event(agenda="", link="")) == f"Video call: {VIDEO}"
    assert description(event(agenda="  Talk.  ", video_url="", link="")) == "Talk."
    assert description(event(agenda="", video_url="", link="")) == ""


def test_request_without_agenda_or_video_leaves_the_properties_out() -> None:
    ev = only_event(invite_request(event(agenda="", link="", video_url=""), stamp=STAMP))
    assert "DESCRIPTION" not in ev
    assert "LOCATION" not in ev
    assert "URL" not in ev


def test_control_characters_are_removed_and_names_stay_on_one_line() -> None:
    ev = only_event(
        invite_request(
            event(agenda="bell\x07 here\r\nnext", attendees=(Attendee("zoe@example.org", "Zoë\r\nÅngström\t"),)),
            stamp=STAMP,
        )
    )
    assert str(ev["DESCRIPTION"]).startswith("bell here\nnext\n\n")
    assert ev["ATTENDEE"].params["CN"] == "Zoë Ångström"


def test_lines_are_folded_at_75_octets_without_splitting_characters() -> None:
    long_agenda = "Ünïcödé agenda, with; everything " * 20 + "日本語" * 40
    data = invite_request(event(agenda=long_agenda), stamp=STAMP)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    for line in lines:
        line.decode("utf-8")  # no UTF-8 sequence is cut in two
    assert b"\n" not in data.replace(b"\r\n", b"")  # no bare line feeds
    assert str(only_event(data)["DESCRIPTION"]).startswith(long_agenda)


def test_same_input_gives_the_same_bytes() -> None:
    assert invite_request(event(), stamp=STAMP) == invite_request(event(), stamp=STAMP)


# --- METHOD:CANCEL -----------------------------------------------------------------------


def test_cancel_has_the_same_uid_a_higher_sequence_and_status_cancelled() -> None:
    request = only_event(invite_request(event(sequence=1), stamp=STAMP))
    cal, (cancel,) = parse(invite_cancel(event(sequence=2), stamp=STAMP + timedelta(hours=1)))
    assert cal["METHOD"] == "CANCEL"
    assert cancel["UID"] == request["UID"]
    assert cancel["SEQUENCE"] == 2
    assert cancel["SEQUENCE"] > request["SEQUENCE"]
    assert cancel["STATUS"] == "CANCELLED"
    assert cancel.stamp == STAMP + timedelta(hours=1)
    assert cancel.start == request.start


def test_cancel_lists_the_attendees_without_asking_for_replies() -> None:
    ev = only_event(invite_cancel(event(sequence=1), stamp=STAMP))
    assert [str(a) for a in ev["ATTENDEE"]] == ["mailto:zoe@example.org", "mailto:bob@example.org"]
    for person in ev["ATTENDEE"]:
        assert "PARTSTAT" not in person.params
        assert "RSVP" not in person.params
    assert ev["ATTENDEE"][1].params["CN"] == 'Robert "Bob" O\'Brien, Jr.'
    assert str(ev["ORGANIZER"]) == "mailto:sessions@turazo.example"


def test_cancel_reason_is_a_comment() -> None:
    ev = only_event(invite_cancel(event(sequence=1), stamp=STAMP, reason="Ill, sorry; next week?\nZoë"))
    assert str(ev["COMMENT"]) == "Ill, sorry; next week?\nZoë"
    assert "COMMENT" not in only_event(invite_cancel(event(sequence=1), stamp=STAMP))


def test_a_cancelled_event_cannot_be_sent_as_a_request() -> None:
    with pytest.raises(InvalidEvent, match="is cancelled: send invite_cancel"):
        invite_request(event(cancelled=True), stamp=STAMP)


# --- subscription feed -------------------------------------------------------------------


def test_feed_is_a_named_calendar_without_method() -> None:
    cal, events = parse(feed([event()], name="Zoë's sessions, Turazo", stamp=STAMP, description="Private; keep it"))
    assert "METHOD" not in cal
    assert str(cal["X-WR-CALNAME"]) == "Zoë's sessions, Turazo"
    assert cal.calendar_name == "Zoë's sessions, Turazo"
    assert str(cal["X-WR-CALDESC"]) == "Private; keep it"
    assert cal.refresh_interval == timedelta(hours=1)
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert len(events) == 1


def test_feed_writes_every_live_session_in_order_and_omits_cancelled_ones() -> None:
    later = event(
        uid="session-43@turazo.example",
        start=datetime(2026, 4, 2, 9, tzinfo=UTC),
        end=datetime(2026, 4, 2, 10, tzinfo=UTC),
    )
    gone = event(uid="session-41@turazo.example", sequence=4, cancelled=True)
    data = feed([later, gone, event()], name="Sessions", stamp=STAMP)
    _, events = parse(data)
    assert [str(e["UID"]) for e in events] == ["session-42@turazo.example", "session-43@turazo.example"]
    assert b"session-41" not in data
    for e in events:
        assert e["STATUS"] == "CONFIRMED"
        assert "ORGANIZER" not in e
        assert "ATTENDEE" not in e
        assert str(e["URL"]) == VIDEO


def test_feed_events_keep_uid_sequence_and_text_of_the_invites() -> None:
    invite = only_event(invite_request(event(sequence=5), stamp=STAMP))
    (in_feed,) = parse(feed([event(sequence=5)], name="Sessions", stamp=STAMP))[1]
    for prop in ("UID", "SEQUENCE", "SUMMARY", "DESCRIPTION", "LOCATION", "DTSTART", "DTEND"):
        assert in_feed[prop] == invite[prop], prop


def test_empty_feed_is_still_a_valid_calendar() -> None:
    cal, events = parse(feed([], name="", stamp=STAMP))
    assert events == []
    assert cal.calendar_name == "Turazo sessions"


# --- content type and errors ------------------------------------------------------------


def test_content_type_names_the_method() -> None:
    assert content_type("REQUEST") == "text/calendar; charset=utf-8; method=REQUEST"
    assert content_type("cancel") == "text/calendar; charset=utf-8; method=CANCEL"
    assert content_type(None) == "text/calendar; charset=utf-8"
    with pytest.raises(InvalidEvent, match="Unknown iTIP method 'INVITE'"):
        content_type("INVITE")


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"start": datetime(2026, 3, 30, 9)}, "The event start must be a time-zone-aware datetime"),
        ({"end": datetime(2026, 3, 30, 8, tzinfo=UTC)}, "ends (2026-03-30 08:00:00+00:00) before it starts"),
        ({"uid": ""}, "The event needs a UID on one line"),
        ({"uid": "a\r\nX-EVIL:1"}, "The event needs a UID on one line"),
        ({"sequence": -1}, "SEQUENCE must be a whole number of at least 0"),
        ({"organizer": CalendarUser("")}, "The organizer needs a plain email address"),
        ({"attendees": (Attendee("bob@example.org\r\nX: y"),)}, "needs a plain email address"),
        ({"attendees": (Attendee("bob@example.org", partstat="MAYBE"),)}, "PARTSTAT must be one of"),
        ({"attendees": (Attendee("bob@example.org", role="HOST"),)}, "ROLE must be one of"),
        ({"attendees": ()}, "an invitation needs at least one attendee"),
        ({"video_url": "https://x.example/a b"}, "video_url must be one URL"),
    ],
)
def test_invalid_events_are_rejected_with_a_message(kw: dict, message: str) -> None:
    with pytest.raises(InvalidEvent) as err:
        invite_request(event(**kw), stamp=STAMP)
    assert message in str(err.value)


def test_naive_stamp_is_rejected() -> None:
    with pytest.raises(InvalidEvent, match="stamp must be a time-zone-aware datetime"):
        invite_request(event(), stamp=datetime(2026, 3, 1))
