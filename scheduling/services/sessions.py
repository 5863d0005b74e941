"""Booking, rescheduling, cancelling and closing sessions.

Double booking
--------------
Each session has one ``SessionAttendance`` row per person, and PostgreSQL refuses two
active rows of the same user whose times overlap (an exclusion constraint over
``tstzrange``): whatever the code does, a person is never in two sessions at once, in any
role, program or organization.

The services also take a lock per person (``SELECT ... FOR NO KEY UPDATE`` on both users,
in id order, so two bookings never deadlock) and then re-check the slot with the
calculator, inside the transaction. That serialises bookings of the same person, which is
what makes the rules the constraint cannot express (buffers between sessions, the weekly
cap, availability) hold under concurrent requests too. The loser of a race therefore gets
a clear 409 with the next free times, from the re-check or, failing that, from the
constraint. On SQLite (the embedded default) ``FOR UPDATE`` does nothing, but writers are
serialised at BEGIN (``transaction_mode=IMMEDIATE``), so the re-check is still race-free
there; the constraint-level guarantee is PostgreSQL's.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.models import Mentorship, Participant, Program
from mentoring.services.writable import program_writable
from scheduling import slots
from scheduling.models import Availability, Reminder, Session, SessionAttendance
from scheduling.services.free_time import PairSchedule, next_slots, pair_query
from scheduling.services.reminders import reminders_sync
from turazo.core.errors import Conflict, PermissionDenied, ValidationFailed
from turazo.core.jobs import enqueue_on_commit
from turazo.core.models import lock_existing, save_existing

MAX_AGENDA = 2000
MAX_NOTE = 500
NO_SHOW_WINDOW = timedelta(days=7)

# Problems that mean "someone else got there first" (409 with the next free times);
# the others are a bad request for a time that was never offered (400).
_TAKEN = {
    slots.SlotProblem.MENTOR_BUSY,
    slots.SlotProblem.MENTEE_BUSY,
    slots.SlotProblem.WEEK_FULL,
    slots.SlotProblem.MENTOR_UNAVAILABLE,
    slots.SlotProblem.MENTEE_UNAVAILABLE,
}


class SlotUnavailable(Conflict):
    """The chosen time cannot be booked; ``next_slots`` are the next free ones (maybe none)."""

    code = "slot_taken"

    def __init__(self, message: str, *, next_slots: tuple[slots.Slot, ...] = (), code: str | None = None):
        super().__init__(message, fields={"start": [message]}, code=code)
        self.next_slots = next_slots
        self.extra = {"next_slots": [{"start": s.start.isoformat(), "end": s.end.isoformat()} for s in next_slots]}


# --- Helpers ---------------------------------------------------------------------------------


def _aware_utc(value: datetime, field: str = "start") -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValidationFailed(
            _("Give the start as a date and time with its time zone, e.g. 2027-03-01T09:00:00Z."),
            fields={field: [_("A date and time with a time zone is required.")]},
        )
    return value.astimezone(UTC)


_TOO_LONG = {
    "agenda": gettext_lazy("The agenda is %(count)s characters long; keep it under %(max)s."),
    "note": gettext_lazy("The note is %(count)s characters long; keep it under %(max)s."),
    "reason": gettext_lazy("The reason is %(count)s characters long; keep it under %(max)s."),
}


def _clean_text(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationFailed(
            _TOO_LONG[field] % {"count": len(value), "max": limit},
            fields={field: [_("At most %(max)s characters.") % {"max": limit}]},
        )
    return value


def _lock_people(user_ids: list[int]) -> None:
    User = get_user_model()
    list(
        User.objects.select_for_update(no_key=True)
        .filter(pk__in=sorted(set(user_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _role(session_or_mentorship: Session | Mentorship, user) -> str | None:
    if session_or_mentorship.mentor.user_id == user.pk:
        return "mentor"
    if session_or_mentorship.mentee.user_id == user.pk:
        return "mentee"
    return None


def _calendar_uid() -> str:
    host = urlsplit(settings.SITE_URL).hostname or "turazo.localhost"
    return f"session-{secrets.token_hex(16)}@{host}"


def _room_name() -> str:
    return "Turazo-" + secrets.token_hex(12)


def video_url_for(*, room: str, organization, mentor_availability: Availability | None) -> str:
    """The mentor's own room if they set one, else the organization's template with the
    session's room name, else a Jitsi Meet room with that (unguessable) name."""
    if mentor_availability is not None and mentor_availability.video_room_url:
        return mentor_availability.video_room_url
    template = (organization.video_url_template or "").strip()
    if template:
        return template.replace("{room}", room).replace("{session}", room)
    return f"{settings.VIDEO_JITSI_URL.rstrip('/')}/{room}"


def _enqueue_notify(session_id: int) -> None:
    """Email both people after commit, through the job outbox. Quick successive changes
    coalesce into one job: the task sends each person the session's latest state."""
    from scheduling.tasks import session_notify_task

    enqueue_on_commit(session_notify_task, session_id, dedupe_key=f"session-notify:{session_id}")


def _unavailable(problem: slots.SlotProblem, *, mentorship: Mentorship, start: datetime, exclude: int | None, now):
    if problem in _TAKEN:
        upcoming = next_slots(mentorship=mentorship, after=start, count=3, exclude_session_id=exclude, now=now)
        return SlotUnavailable(
            _("That time was just taken or is no longer free: %(problem)s") % {"problem": problem.message},
            next_slots=upcoming,
            code="slot_taken",
        )
    return ValidationFailed(problem.message, fields={"start": [problem.message]}, code=problem.value)


def _check_within_program(pair: PairSchedule, end: datetime) -> None:
    if end > pair.program_ends_at:
        program = pair.mentorship.program
        message = _("%(program)s ends on %(date)s: pick a time that ends by then.") % {
            "program": program.name,
            "date": date_format(program.end_date),
        }
        raise ValidationFailed(message, fields={"start": [message]}, code="after_program_end")


def _check_pair(mentorship: Mentorship, actor) -> str:
    role = _role(mentorship, actor)
    if role is None:
        raise PermissionDenied(_("Only the mentor and the mentee of this pair can book its sessions."))
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise Conflict(_("This mentorship has ended, so no new sessions can be booked."), code="mentorship_ended")
    program_writable(mentorship.program)
    for person in (mentorship.mentor, mentorship.mentee):
        if person.user_id is None or person.status == Participant.Status.REMOVED:
            raise Conflict(
                _("%(name)s has not joined the program yet (or left it), so sessions cannot be booked.")
                % {"name": person.display_name},
                code="participant_missing",
            )
    return role


# --- Booking ---------------------------------------------------------------------------------


def session_book(
    *, mentorship: Mentorship, start: datetime, actor, agenda: str = "", now: datetime | None = None
) -> Session:
    """Book a session of ``mentorship`` at ``start`` for the mentor or the mentee ``actor``.

    Raises PermissionDenied (not one of the pair), Conflict (mentorship ended...),
    ValidationFailed (a time that is never offered: too soon, too far, off the grid) or
    SlotUnavailable (409: taken, outside availability, week full) with the next free times.
    Both people get a calendar invite after the commit."""
    now = now or timezone.now()
    start = _aware_utc(start)
    agenda = _clean_text(agenda, "agenda", MAX_AGENDA)
    _check_pair(mentorship, actor)
    program = mentorship.program
    end = start + timedelta(minutes=program.session_length_minutes)
    try:
        with transaction.atomic():
            _lock_people([mentorship.mentor.user_id, mentorship.mentee.user_id])
            pair = pair_query(mentorship=mentorship, lo=start, hi=end)
            problem = slots.check_slot(pair.query, now=now, start=start)
            if problem is not None:
                raise _unavailable(problem, mentorship=mentorship, start=start, exclude=None, now=now)
            _check_within_program(pair, end)
            room = _room_name()
            session = Session.objects.create(
                organization_id=mentorship.organization_id,
                mentorship=mentorship,
                program=program,
                mentor=mentorship.mentor,
                mentee=mentorship.mentee,
                start=start,
                end=end,
                agenda=agenda,
                video_room=room,
                video_url=video_url_for(
                    room=room, organization=mentorship.organization, mentor_availability=pair.mentor_availability
                ),
                calendar_uid=_calendar_uid(),
                booked_by=actor,
                last_changed_by=actor,
            )
            SessionAttendance.objects.bulk_create(
                SessionAttendance(
                    organization_id=mentorship.organization_id,
                    session=session,
                    user_id=person.user_id,
                    participant=person,
                    role=role,
                    starts_at=start,
                    ends_at=end,
                )
                for person, role in ((mentorship.mentor, "mentor"), (mentorship.mentee, "mentee"))
            )
            reminders_sync(session=session, policy=pair.policy, now=now)
            _enqueue_notify(session.pk)
    except IntegrityError:
        # The exclusion constraint: another booking of one of the two people committed first.
        upcoming = next_slots(mentorship=mentorship, after=start, count=3, now=now)
        raise SlotUnavailable(
            _("That time was just taken: one of you already has a session then. Pick another time."),
            next_slots=upcoming,
        )
    return session


GONE = gettext_lazy("This session no longer exists (its program or pair was deleted).")


def _lock_session(session: Session) -> Session:
    """The session row, locked until the transaction ends; NotFound (404) if it was deleted."""
    return lock_existing(
        Session.objects.select_related(
            "mentorship__program", "mentorship__organization", "mentor__user", "mentee__user", "program"
        ),
        pk=session.pk,
        gone=GONE,
        of=("self",),
    )


_ONLY_THE_PAIR_CAN = {
    "reschedule": gettext_lazy("Only the mentor and the mentee can reschedule this session."),
    "cancel": gettext_lazy("Only the mentor and the mentee can cancel this session."),
}


def _check_changeable(session: Session, actor, now: datetime, verb: str) -> str:
    role = session.role_of(actor)
    if role is None:
        raise PermissionDenied(_ONLY_THE_PAIR_CAN[verb])
    program_writable(session.program)
    if session.status == Session.Status.CANCELLED:
        raise Conflict(
            _by(
                session.cancelled_by,
                actor,
                _("This session was already cancelled."),
                _("This session was already cancelled by you."),
                _("This session was already cancelled by %(name)s."),
            ),
            code="cancelled",
        )
    if session.status != Session.Status.SCHEDULED or session.has_started(now):
        started = {
            "reschedule": _("This session has already started, so it can no longer be rescheduled."),
            "cancel": _("This session has already started, so it can no longer be cancelled."),
        }
        raise Conflict(started[verb], code="started")
    return role


def _by(user, actor, nobody: str, you: str, someone: str) -> str:
    """One of three whole sentences: nobody named, ``actor`` did it, or someone else did
    (``someone`` has a %(name)s)."""
    if user is None:
        return nobody
    return you if actor is not None and user.pk == actor.pk else someone % {"name": user.get_full_name()}


def session_reschedule(
    *, session: Session, start: datetime, actor, note: str = "", now: datetime | None = None
) -> Session:
    """Move a session to a new free time; same UID, higher SEQUENCE, reminders moved,
    both people get an updated invite."""
    now = now or timezone.now()
    start = _aware_utc(start)
    note = _clean_text(note, "note", MAX_NOTE)
    mentorship = session.mentorship
    try:
        with transaction.atomic():
            _lock_people([session.mentor.user_id, session.mentee.user_id])
            session = _lock_session(session)
            _check_changeable(session, actor, now, "reschedule")
            if start == session.start:
                raise ValidationFailed(
                    _("The session is already at that time. Pick a different time."),
                    fields={"start": [_("Pick a different time.")]},
                    code="same_time",
                )
            end = start + (session.end - session.start)
            pair = pair_query(mentorship=mentorship, lo=start, hi=end, exclude_session_id=session.pk)
            problem = slots.check_slot(pair.query, now=now, start=start)
            if problem is not None:
                raise _unavailable(problem, mentorship=mentorship, start=start, exclude=session.pk, now=now)
            _check_within_program(pair, end)
            session.start, session.end = start, end
            session.sequence += 1
            session.reschedule_count += 1
            session.change_note = note
            session.last_changed_by = actor
            save_existing(
                session,
                gone=GONE,
                update_fields=[
                    "start",
                    "end",
                    "sequence",
                    "reschedule_count",
                    "change_note",
                    "last_changed_by",
                    "updated_at",
                ],
            )
            SessionAttendance.objects.filter(session=session).update(starts_at=start, ends_at=end)
            reminders_sync(session=session, policy=pair.policy, now=now)
            _enqueue_notify(session.pk)
    except IntegrityError:
        upcoming = next_slots(mentorship=mentorship, after=start, count=3, exclude_session_id=session.pk, now=now)
        raise SlotUnavailable(
            _("That time was just taken: one of you already has a session then. Pick another time."),
            next_slots=upcoming,
        )
    return session


def session_cancel(*, session: Session, actor, reason: str = "", now: datetime | None = None) -> Session:
    """Cancel before the start. Inside the program's minimum notice it is marked late (the
    admin sees it). Reminders stop; both calendars get METHOD:CANCEL."""
    now = now or timezone.now()
    reason = _clean_text(reason, "reason", MAX_NOTE)
    with transaction.atomic():
        session = _lock_session(session)
        _check_changeable(session, actor, now, "cancel")
        _cancel(session, actor=actor, reason=reason, now=now)
    return session


def _cancel(session: Session, *, actor, reason: str, now: datetime) -> None:
    """Cancel a locked, scheduled session (the callers checked who may)."""
    from scheduling.services.policy import policy_for

    policy = policy_for(session.program)
    session.status = Session.Status.CANCELLED
    session.cancelled_at = now
    session.cancelled_by = actor
    session.cancel_reason = reason
    session.late_cancellation = session.start - now < timedelta(hours=policy.min_notice_hours)
    session.sequence += 1
    session.last_changed_by = actor
    save_existing(
        session,
        gone=GONE,
        update_fields=[
            "status", "cancelled_at", "cancelled_by", "cancel_reason", "late_cancellation",
            "sequence", "last_changed_by", "updated_at",
        ]
    )  # fmt: skip
    SessionAttendance.objects.filter(session=session).update(active=False)
    reminders_sync(session=session, policy=policy, now=now)
    _enqueue_notify(session.pk)


def sessions_cancel_for_ended_mentorship(*, mentorship: Mentorship, actor, now: datetime | None = None) -> int:
    """Cancel the pair's sessions that have not started yet (the mentorship just ended, in
    the caller's transaction): each is cancelled as ``session_cancel`` would, so both
    calendars get METHOD:CANCEL and reminders stop. Returns how many."""
    now = now or timezone.now()
    reason = _("The mentorship ended.") + (f" {mentorship.end_reason}" if mentorship.end_reason else "")
    reason = reason[:MAX_NOTE]
    cancelled = 0
    with transaction.atomic():
        ids = list(
            Session.objects.filter(mentorship=mentorship, status=Session.Status.SCHEDULED, start__gt=now)
            .order_by("start", "pk")
            .values_list("pk", flat=True)
        )
        for pk in ids:
            session = lock_existing(
                Session.objects.select_related("program", "mentorship", "mentor__user", "mentee__user"),
                pk=pk,
                gone=GONE,
                of=("self",),
            )
            if session.status != Session.Status.SCHEDULED or session.has_started(now):
                continue
            _cancel(session, actor=actor, reason=reason, now=now)
            cancelled += 1
    return cancelled


def session_report_no_show(*, session: Session, actor, now: datetime | None = None) -> Session:
    """The mentor or the mentee says the other did not come. Allowed from the start until a
    week after the end; the admin sees it, and the feedback requests are withdrawn."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock_session(session)
        role = session.role_of(actor)
        if role is None:
            raise PermissionDenied(_("Only the mentor and the mentee can report a no-show."))
        program_writable(session.program)
        if session.status == Session.Status.CANCELLED:
            raise Conflict(_("This session was cancelled; there is nothing to report."), code="cancelled")
        if session.status == Session.Status.NO_SHOW:
            raise Conflict(
                _by(
                    session.no_show_reported_by,
                    actor,
                    _("A no-show was already reported for this session."),
                    _("A no-show was already reported for this session by you."),
                    _("A no-show was already reported for this session by %(name)s."),
                ),
                code="already_reported",
            )
        if not session.has_started(now):
            raise Conflict(
                _("The session has not started yet. You can report a no-show once it has."), code="not_started"
            )
        if now > session.end + NO_SHOW_WINDOW:
            raise Conflict(_("No-shows can be reported up to a week after the session."), code="too_late")
        session.status = Session.Status.NO_SHOW
        session.no_show_role = "mentee" if role == "mentor" else "mentor"
        session.no_show_reported_by = actor
        save_existing(session, update_fields=["status", "no_show_role", "no_show_reported_by", "updated_at"], gone=GONE)
        Reminder.objects.filter(session=session, status=Reminder.Status.PENDING).update(
            status=Reminder.Status.CANCELLED, processed_at=now, note=_("A no-show was reported.")
        )
    return session


# --- Closing a program -----------------------------------------------------------------------


def program_sessions_stop(*, program: Program, actor, reason: str, now: datetime | None = None) -> tuple[int, int]:
    """Stop everything still to come in ``program`` (closing it): cancel each scheduled
    session that has not started (reminders cancelled, both people get METHOD:CANCEL, as
    for a cancellation by one of them, but never marked late), and cancel every reminder
    or feedback request still pending. Returns (sessions cancelled, reminders stopped).
    Safe to run twice: a second run finds nothing left to stop."""
    from scheduling.services.policy import policy_for

    now = now or timezone.now()
    reason = _clean_text(reason, "reason", MAX_NOTE)
    cancelled = 0
    with transaction.atomic():
        policy = policy_for(program)
        ids = list(
            Session.objects.filter(program=program, status=Session.Status.SCHEDULED, start__gt=now)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for session in Session.objects.filter(pk__in=ids).order_by("pk"):
            session = _lock_session(session)
            if session.status != Session.Status.SCHEDULED or session.has_started(now):
                continue
            session.status = Session.Status.CANCELLED
            session.cancelled_at = now
            session.cancelled_by = actor
            session.cancel_reason = reason
            session.late_cancellation = False
            session.sequence += 1
            session.last_changed_by = actor
            save_existing(
                session,
                gone=GONE,
                update_fields=[
                    "status", "cancelled_at", "cancelled_by", "cancel_reason", "late_cancellation",
                    "sequence", "last_changed_by", "updated_at",
                ]
            )  # fmt: skip
            SessionAttendance.objects.filter(session=session).update(active=False)
            reminders_sync(session=session, policy=policy, now=now)
            _enqueue_notify(session.pk)
            cancelled += 1
        stopped = Reminder.objects.filter(session__program=program, status=Reminder.Status.PENDING).update(
            status=Reminder.Status.CANCELLED, processed_at=now, note=reason[:200] or _("The program was closed.")
        )
    return cancelled, stopped
