"""The session emails: invites (REQUEST / CANCEL with an .ics), reminders and feedback requests.

Every email is personal: times in the recipient's zone (and the other person's), and
links only the recipient can use (reschedule and cancel, as single-use action links that
expire when the session starts). Built with turazo/core/notifications.py.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling import ics
from scheduling.models import Reminder, Session, SessionAttendance
from scheduling.services.availability import participant_zone
from turazo.core.action_links import action_links_issue
from turazo.core.notifications import CalendarPart, absolute_url, notification_build

RESCHEDULE, CANCEL = "session.reschedule", "session.cancel"


def _person_email(participant) -> str:
    return participant.user.email if participant.user_id else participant.email


def organizer(session: Session) -> ics.CalendarUser:
    """Turazo sends the invites on behalf of the organization, from DEFAULT_FROM_EMAIL."""
    address = sanitize_address(settings.DEFAULT_FROM_EMAIL, "utf-8")
    email = address.rsplit("<", 1)[-1].rstrip(">").strip()
    return ics.CalendarUser(
        email=email, name=_("%(organization)s via Turazo") % {"organization": session.organization.name}
    )


def session_event(session: Session) -> ics.SessionEvent:
    """The session as calendars see it: same UID for life, SEQUENCE from the session."""
    return ics.SessionEvent(
        uid=session.calendar_uid,
        sequence=session.sequence,
        start=session.start,
        end=session.end,
        summary=_("Mentoring: %(mentor)s & %(mentee)s")
        % {"mentor": session.mentor.display_name, "mentee": session.mentee.display_name},
        organizer=organizer(session),
        attendees=[
            ics.Attendee(email=_person_email(session.mentor), name=session.mentor.display_name),
            ics.Attendee(email=_person_email(session.mentee), name=session.mentee.display_name),
        ],
        agenda=session.agenda,
        link=absolute_url(reverse("session-detail", args=[session.pk])),
        video_url=session.video_url,
        cancelled=session.status == Session.Status.CANCELLED,
    )


def _context(session: Session, participant, *, links: bool, now: datetime) -> dict:
    other = session.mentee if participant.pk == session.mentor_id else session.mentor
    user = participant.user
    context = {
        "session": session,
        "organization": session.organization,
        "program": session.program,
        "person": participant,
        "other": other,
        "role": "mentor" if participant.pk == session.mentor_id else "mentee",
        "zone": participant_zone(participant),
        "other_zone": participant_zone(other),
        "session_url": absolute_url(reverse("session-detail", args=[session.pk])),
        "dashboard_url": absolute_url(reverse("dashboard")),
        "settings_url": absolute_url(reverse("session-settings")),
    }
    if links and session.status == Session.Status.SCHEDULED and session.start > now:
        reschedule, cancel = action_links_issue(
            purposes=[RESCHEDULE, CANCEL], target=session, recipient=user, expires_at=session.start
        )
        context["reschedule_url"], context["cancel_url"] = reschedule.url, cancel.url
    return context


def _mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "turazo.invalid"


def _build(
    template: str, context: dict, to: str, calendar: CalendarPart | None, connection, headers: dict | None = None
) -> EmailMultiAlternatives:
    with timezone.override(ZoneInfo(context["zone"])):
        return notification_build(
            template=template,
            context=context,
            to=to,
            recipient=context["person"],
            calendar=calendar,
            connection=connection,
            headers=headers,
        )


def invite_message(
    session: Session, attendance: SessionAttendance, *, first: bool, connection=None, now: datetime | None = None
) -> EmailMultiAlternatives:
    """The invite for one person: new (``first``), moved, or cancelled, with the calendar part."""
    now = now or timezone.now()
    participant = attendance.participant
    context = _context(session, participant, links=True, now=now)
    context["first"] = first
    context["changed_by_you"] = session.last_changed_by_id == participant.user_id
    context["changed_by"] = session.last_changed_by
    event = session_event(session)
    if session.status == Session.Status.CANCELLED:
        calendar = CalendarPart("CANCEL", ics.invite_cancel(event, stamp=now, reason=session.cancel_reason))
        template = "session_cancelled"
    else:
        calendar = CalendarPart("REQUEST", ics.invite_request(event, stamp=now))
        template = "session_booked" if first else "session_moved"
    headers = {"X-Turazo-Session": f"{session.pk}/{session.sequence}"}
    return _build(template, context, _person_email(participant), calendar, connection, headers)


def reminder_message(reminder: Reminder, *, connection=None, now: datetime | None = None) -> EmailMultiAlternatives:
    """A 24 h / 1 h reminder or the feedback request, for the reminder's recipient."""
    now = now or timezone.now()
    session = reminder.session
    participant = session.mentor if session.mentor.user_id == reminder.recipient_id else session.mentee
    feedback = reminder.kind == Reminder.Kind.FEEDBACK
    context = _context(session, participant, links=not feedback, now=now)
    context["kind"] = reminder.kind
    if feedback:
        context["feedback_url"] = absolute_url(reverse("session-feedback", args=[session.pk]))
    template = "session_feedback_request" if feedback else "session_reminder"
    # The header names the row, so a duplicate could be traced (tests count them). The
    # Message-ID is the same every time this reminder (for this due time) is sent, so a copy
    # resent after a worker crash is recognised as the same message by mail clients.
    headers = {
        "X-Turazo-Reminder": str(reminder.pk),
        "Message-ID": f"<reminder-{reminder.pk}-{int(reminder.due_at.timestamp())}@{_mail_domain()}>",
    }
    return _build(template, context, reminder.recipient.email, None, connection, headers)
