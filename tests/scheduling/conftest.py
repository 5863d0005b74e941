"""Every calendar invitation any scheduling test sends is re-parsed and checked (RFC 5545/5546):
the method in the MIME type matches METHOD, one VEVENT with a UID, an integer SEQUENCE, DTSTAMP,
DTSTART/DTEND in UTC, ORGANIZER and ATTENDEEs, LOCATION and URL equal to the video link, and a
CANCEL carries STATUS:CANCELLED. Within a test, one UID's SEQUENCE never goes down."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.core import mail
from icalendar import Calendar


def check_invite(message) -> tuple[str, str, int] | None:
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    parts = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    if not parts:
        return None
    assert len(parts) == 1, message.subject
    method = parts[0].get_param("method")
    cal = Calendar.from_ical(parts[0].get_content())
    assert method in ("REQUEST", "CANCEL"), message.subject
    assert str(cal["METHOD"]) == method, message.subject
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1, message.subject
    ev = events[0]
    uid, sequence = str(ev["UID"]), int(ev["SEQUENCE"])
    assert uid.strip()
    assert sequence >= 0
    for prop in ("DTSTAMP", "DTSTART", "DTEND"):
        assert ev.decoded(prop).utcoffset() == timedelta(0), (prop, message.subject)
    assert ev.decoded("DTEND") > ev.decoded("DTSTART")
    assert str(ev["ORGANIZER"]).lower().startswith("mailto:")
    attendees = ev.get("ATTENDEE")
    assert isinstance(attendees, list)
    assert len(attendees) == 2
    assert str(ev["LOCATION"]) == str(ev["URL"])
    assert str(ev["URL"]).startswith("https://")
    if method == "CANCEL":
        assert str(ev["STATUS"]) == "CANCELLED"
    else:
        assert str(ev["STATUS"]) == "CONFIRMED"
    recipient = message.to[0].lower()
    assert f"mailto:{recipient}" in [str(a).lower() for a in attendees], "the recipient is an attendee"
    return method, uid, sequence


@pytest.fixture(autouse=True)
def _every_invite_is_valid(request):
    yield
    if "db" not in request.fixturenames and "transactional_db" not in request.fixturenames:
        return
    highest: dict[str, int] = {}
    for message in mail.outbox:
        checked = check_invite(message)
        if checked is None:
            continue
        _, uid, sequence = checked
        assert sequence >= highest.get(uid, 0), f"SEQUENCE went down for {uid}"
        highest[uid] = sequence
