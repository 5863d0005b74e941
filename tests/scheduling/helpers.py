"""Building blocks for scheduling tests: pairs with explicit availability, a fixed "now",
and parsing the invites that were sent."""

from __future__ import annotations

from datetime import UTC, datetime, time
from email import message_from_bytes, policy

from icalendar import Calendar

from accounts.models import Membership
from mentoring.models import Mentorship, Participant, Program
from scheduling.models import Availability
from scheduling.services.availability import (
    availability_get_or_create,
    availability_set_week,
    availability_update_settings,
)
from tests.accounts.factories import UserFactory
from tests.mentoring.factories import ParticipantFactory, ProgramFactory

# A Monday in the program's dates (2027-01-01 .. 2027-06-30), before the EU/US DST changes.
NOW = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
WORKDAYS = {d: [(time(9), time(17))] for d in range(5)}


def participant_for(user, program: Program, role: str, zone: str = "Europe/Lisbon") -> Participant:
    Membership.objects.get_or_create(user=user, organization=program.organization)
    participant = Participant.objects.filter(program=program, user=user).first()
    if participant is None:
        participant = ParticipantFactory(
            program=program, user=user, email=user.email, role=role, status="active", timezone=zone
        )
    return participant


def set_availability(participant: Participant, *, zone: str, weekly=None, applies: bool | None = None) -> Availability:
    availability = availability_get_or_create(participant=participant)
    availability_update_settings(availability=availability, timezone=zone, applies=applies)
    availability_set_week(availability=availability, weekly=WORKDAYS if weekly is None else weekly)
    return availability_get_or_create(participant=participant)


def make_pair(
    program: Program,
    *,
    mentor_user=None,
    mentee_user=None,
    mentor_zone: str = "Europe/Lisbon",
    mentee_zone: str = "Europe/Lisbon",
    mentor_weekly=None,
) -> Mentorship:
    """An active mentorship with users on both sides; the mentor's availability is
    ``mentor_weekly`` (default Mon-Fri 09:00-17:00) in ``mentor_zone``."""
    program.status = Program.Status.ACTIVE
    program.save(update_fields=["status"])
    mentor_user = mentor_user or UserFactory()
    mentee_user = mentee_user or UserFactory()
    mentor = participant_for(mentor_user, program, "mentor", mentor_zone)
    mentee = participant_for(mentee_user, program, "mentee", mentee_zone)
    set_availability(mentor, zone=mentor_zone, weekly=mentor_weekly)
    availability_update_settings(availability=availability_get_or_create(participant=mentee), timezone=mentee_zone)
    return Mentorship.objects.select_related("program", "organization", "mentor__user", "mentee__user").get(
        pk=Mentorship.objects.create(
            organization=program.organization, program=program, mentor=mentor, mentee=mentee, source="admin"
        ).pk
    )


def another_program(organization, **kw) -> Program:
    return ProgramFactory(organization=organization, status=Program.Status.ACTIVE, **kw)


def calendar_of(message) -> tuple[str, Calendar]:
    """(the method in the text/calendar part's Content-Type, the parsed calendar) of an email;
    checks that the .ics attachment carries the same bytes."""
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    parts = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in parsed.walk()]
    part = parts[0]
    method = part.get_param("method")
    body = part.get_content()
    attachments = [p for p in parsed.walk() if p.get_filename() == "invite.ics"]
    assert len(attachments) == 1
    assert attachments[0].get_content().decode().replace("\r\n", "\n").strip() == body.replace("\r\n", "\n").strip()
    return method, Calendar.from_ical(body)


def vevent(message):
    method, cal = calendar_of(message)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    return method, cal, events[0]


def text_of(message) -> str:
    return message.body
