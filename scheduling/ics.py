"""Calendar objects for sessions (RFC 5545 iCalendar, RFC 5546 iTIP), built with ``icalendar``.

Pure functions over plain dataclasses, no Django, no clock: the caller passes ``stamp``
(the DTSTAMP, normally "now"). Public API::

    CalendarUser(email, name="")
    Attendee(email, name="", partstat="ACCEPTED", rsvp=False, role="REQ-PARTICIPANT")
    SessionEvent(uid, sequence, start, end, summary, organizer, attendees,
                 agenda="", link="", video_url="", cancelled=False)
    invite_request(event, stamp=) -> bytes      METHOD:REQUEST, STATUS:CONFIRMED
    invite_cancel(event, stamp=, reason="") -> bytes   METHOD:CANCEL, STATUS:CANCELLED
    feed(events, name=, stamp=, description="", refresh=1 h) -> bytes   subscription feed
    content_type(method) -> "text/calendar; charset=utf-8; method=REQUEST"
    InvalidEvent (a ValueError)

The rules
=========

* **UID** is stable for the life of a session (the caller derives it from the session, for
  example ``session-42@turazo.example``); the invite, every update, the cancellation and the
  feed carry the same UID, so calendar apps update one entry instead of adding another.
* **SEQUENCE** is the session's revision: 0 for the first invite, raised by the caller on
  every change (a new time, a new link, the cancellation). A CANCEL must carry a higher
  SEQUENCE than the last REQUEST the attendees received, or clients may ignore it.
* **Times** are written in UTC (``DTSTART:20260329T090000Z``), so no VTIMEZONE is needed and
  every calendar app shows them in its own zone; DTSTAMP is ``stamp`` in UTC.
* **People.** ORGANIZER is the sender (Turazo on behalf of the organization); each ATTENDEE
  carries CN (the display name), CUTYPE=INDIVIDUAL, ROLE, PARTSTAT and RSVP. Turazo books
  sessions into free time and does not read iTIP replies, so its attendees are
  ``PARTSTAT=ACCEPTED`` with ``RSVP=FALSE`` by default (no "reply" buttons whose answers
  would go nowhere); ``Attendee`` takes other values where a flow needs them. In a CANCEL the
  attendees are listed (RFC 5546 3.2.5) without PARTSTAT and RSVP.
* **Text.** SUMMARY, DESCRIPTION, LOCATION and COMMENT are escaped by icalendar (backslash,
  comma, semicolon, newline); names in CN are quoted when they hold ``,;:`` and a double
  quote is written as ``^'`` (RFC 6868). Control characters other than newline and tab are
  removed (RFC 5545 does not allow them in text), and CR/LF in names become spaces. Lines
  are folded at 75 octets without splitting a UTF-8 character and end in CRLF.
* **DESCRIPTION** is the agenda, then the video link and the link back to the session page,
  each on its own line. LOCATION and URL are the video link.
* **Feed** (a private subscription calendar): no METHOD (it is not a scheduling message),
  ``NAME``/``X-WR-CALNAME`` and optional ``X-WR-CALDESC``, ``REFRESH-INTERVAL`` and
  ``X-PUBLISHED-TTL`` (default one hour). Cancelled sessions are **omitted**: calendar apps
  remove an event that disappears from a subscribed feed, while several of them still show
  an event marked STATUS:CANCELLED. Feed events carry no ORGANIZER/ATTENDEE, so no app
  offers to reply to them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vDuration

from scheduling.slots.translation import _  # imports no Django, like this module

PRODID = "-//Turazo//Turazo mentoring sessions//EN"
METHODS = ("PUBLISH", "REQUEST", "REPLY", "ADD", "CANCEL", "REFRESH", "COUNTER", "DECLINECOUNTER")
PARTSTATS = ("NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED")
ROLES = ("CHAIR", "REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT")

# Control characters RFC 5545 forbids in TEXT values (all but HTAB and the newline we escape).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InvalidEvent(ValueError):
    """An event cannot be written as given; the message says what to change."""


def _text(value: str) -> str:
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _name(value: str) -> str:
    return " ".join(_text(value).split())


def _email(value: str, who: str) -> str:
    if not isinstance(value, str) or not value.strip() or any(c in value for c in "\r\n\t <>"):
        raise InvalidEvent(f"{who} needs a plain email address, got {value!r}.")
    return value.strip()


@dataclass(frozen=True)
class CalendarUser:
    """The organizer: an email address and a display name."""

    email: str
    name: str = ""


@dataclass(frozen=True)
class Attendee:
    """A participant. See the module docstring for why Turazo's defaults are ACCEPTED / no RSVP."""

    email: str
    name: str = ""
    partstat: str = "ACCEPTED"
    rsvp: bool = False
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True)
class SessionEvent:
    """One session as calendars see it. ``start``/``end`` are aware datetimes (any zone)."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    organizer: CalendarUser
    attendees: Sequence[Attendee] = ()
    agenda: str = ""
    link: str = ""  # the session page in Turazo
    video_url: str = ""
    cancelled: bool = False


def _check(event: SessionEvent) -> None:
    if not isinstance(event.uid, str) or not event.uid.strip() or any(c in event.uid for c in "\r\n"):
        raise InvalidEvent(f"The event needs a UID on one line, got {event.uid!r}.")
    if isinstance(event.sequence, bool) or not isinstance(event.sequence, int) or event.sequence < 0:
        raise InvalidEvent(f"SEQUENCE must be a whole number of at least 0, got {event.sequence!r}.")
    for name, value in (("start", event.start), ("end", event.end)):
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise InvalidEvent(f"The event {name} must be a time-zone-aware datetime, got {value!r}.")
    if event.end <= event.start:
        raise InvalidEvent(f"The event ends ({event.end}) before it starts ({event.start}).")
    _email(event.organizer.email, "The organizer")
    for a in event.attendees:
        _email(a.email, f"Attendee {a.name or a.email!r}")
        if a.partstat not in PARTSTATS:
            raise InvalidEvent(
                f"Attendee {a.email}: PARTSTAT must be one of {', '.join(PARTSTATS)}, got {a.partstat!r}."
            )
        if a.role not in ROLES:
            raise InvalidEvent(f"Attendee {a.email}: ROLE must be one of {', '.join(ROLES)}, got {a.role!r}.")
    for name, url in (("link", event.link), ("video_url", event.video_url)):
        if any(c in url for c in "\r\n\t "):
            raise InvalidEvent(f"The event {name} must be one URL without spaces or line breaks, got {url!r}.")


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)


def description(event: SessionEvent) -> str:
    """The DESCRIPTION text: agenda, then the video link and the session page, one per line."""
    parts = [_text(event.agenda).strip()] if event.agenda.strip() else []
    links = []
    if event.video_url:
        links.append(_("Video call: %(url)s") % {"url": event.video_url})
    if event.link:
        links.append(_("Session page: %(url)s") % {"url": event.link})
    if links:
        parts.append("\n".join(links))
    return "\n\n".join(parts)


def _organizer(user: CalendarUser) -> vCalAddress:
    return vCalAddress.new(_email(user.email, "The organizer"), cn=_name(user.name) or None)


def _attendee(a: Attendee, *, cancel: bool) -> vCalAddress:
    if cancel:
        return vCalAddress.new(a.email.strip(), cn=_name(a.name) or None, cutype="INDIVIDUAL", role=a.role)
    return vCalAddress.new(
        a.email.strip(), cn=_name(a.name) or None, cutype="INDIVIDUAL", role=a.role, partstat=a.partstat, rsvp=a.rsvp
    )


def _vevent(event: SessionEvent, *, stamp: datetime, status: str, people: str) -> Event:
    """``people``: "invite", "cancel" (attendees without PARTSTAT/RSVP) or "none" (feeds)."""
    _check(event)
    ev = Event.new(
        uid=event.uid.strip(),
        sequence=event.sequence,
        stamp=_utc(stamp),
        start=_utc(event.start),
        end=_utc(event.end),
        summary=_name(event.summary),
        description=description(event) or None,
        location=event.video_url or None,
        url=event.video_url or None,
        status=status,
        transparency="OPAQUE",
    )
    if people != "none":
        ev.organizer = _organizer(event.organizer)
        ev.attendees = [_attendee(a, cancel=people == "cancel") for a in event.attendees]
    return ev


def _calendar(method: str | None) -> Calendar:
    # Built by hand rather than with Calendar.new(), which adds a random UID: these functions
    # must return the same bytes for the same input.
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method is not None:
        cal.add("method", method)
    return cal


def _stamp(stamp: datetime) -> datetime:
    if not isinstance(stamp, datetime) or stamp.utcoffset() is None:
        raise InvalidEvent(f"stamp must be a time-zone-aware datetime, got {stamp!r}.")
    return stamp


def invite_request(event: SessionEvent, *, stamp: datetime) -> bytes:
    """A METHOD:REQUEST invitation (new session or an update with a raised SEQUENCE)."""
    if event.cancelled:
        raise InvalidEvent(f"Event {event.uid} is cancelled: send invite_cancel() instead of a REQUEST.")
    if not event.attendees:
        raise InvalidEvent(f"Event {event.uid}: an invitation needs at least one attendee.")
    cal = _calendar("REQUEST")
    cal.add_component(_vevent(event, stamp=_stamp(stamp), status="CONFIRMED", people="invite"))
    return cal.to_ical()


def invite_cancel(event: SessionEvent, *, stamp: datetime, reason: str = "") -> bytes:
    """A METHOD:CANCEL for the whole session: same UID, the caller's raised SEQUENCE, STATUS:CANCELLED."""
    if not event.attendees:
        raise InvalidEvent(f"Event {event.uid}: a cancellation must list the attendees it is sent to.")
    ev = _vevent(event, stamp=_stamp(stamp), status="CANCELLED", people="cancel")
    if reason.strip():
        ev.add("comment", _text(reason).strip())
    cal = _calendar("CANCEL")
    cal.add_component(ev)
    return cal.to_ical()


def feed(
    events: Iterable[SessionEvent],
    *,
    name: str,
    stamp: datetime,
    description: str = "",
    refresh: timedelta = timedelta(hours=1),
) -> bytes:
    """A subscription calendar of sessions (no METHOD). Cancelled sessions are left out."""
    _stamp(stamp)
    if refresh <= timedelta(0):
        raise InvalidEvent(f"refresh must be a positive duration, got {refresh}.")
    cal = _calendar(None)
    cal.calendar_name = _name(name) or _("Turazo sessions")
    if description.strip():
        cal.add("x-wr-caldesc", _text(description).strip())
    # RFC 7986 gives REFRESH-INTERVAL no default value type, so VALUE=DURATION is written out.
    cal.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(refresh))
    for event in sorted(events, key=lambda e: (e.start, e.uid)):
        if not event.cancelled:
            cal.add_component(_vevent(event, stamp=stamp, status="CONFIRMED", people="none"))
    return cal.to_ical()


def content_type(method: str | None) -> str:
    """The MIME type of a calendar part: with ``method=`` for iTIP messages, without for feeds."""
    if method is None:
        return "text/calendar; charset=utf-8"
    upper = method.upper()
    if upper not in METHODS:
        raise InvalidEvent(f"Unknown iTIP method {method!r}: use one of {', '.join(METHODS)}.")
    return f"text/calendar; charset=utf-8; method={upper}"
