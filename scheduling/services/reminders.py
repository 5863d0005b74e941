"""Reminders and feedback requests: rows in the database, sent exactly once by a periodic task.

Lifecycle
---------
``reminders_sync`` runs in the same transaction as every booking, reschedule and
cancellation. For a live session it makes sure each person has one row per kind the
program sends (24 h before, 1 h before, feedback after the end), due at the right time;
rows whose time has already passed (a session booked 5 hours ahead gets no 24-hour
reminder) are recorded as skipped. A reschedule moves the rows and makes them pending
again; a cancellation cancels the pending ones. One row per session, kind and recipient
(a unique constraint), so nothing can queue a reminder twice.

Dispatch
--------
``reminders_dispatch`` is run every minute by Celery beat (never by broker ETAs or
countdowns, which are lost or duplicated when workers restart). It claims due rows with
``SELECT ... FOR UPDATE SKIP LOCKED``, one row per transaction: two workers running it at
once take different rows, and a row is marked sent in the same transaction that locked it,
so each reminder goes out once. A reminder whose session has already started is skipped and
recorded ("not sent late"); so is one the recipient or the program turned off. A failed
send is retried by the next run (the row stays pending) and marked failed after
``MAX_ATTEMPTS``. If a worker is killed between the mail server accepting a reminder and
its transaction committing, that one row rolls back and the next run sends it again: at
most one duplicate per crash (the email has a stable ``Message-ID``, so most mail clients
show it once), never a silent loss. Committing each row at once is what keeps that window
to a single email; a batch per transaction would resend the whole batch.
"""

from __future__ import annotations

import logging
import time as clock
from dataclasses import dataclass, field
from datetime import datetime

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling.models import NotificationPreference, Reminder, SchedulingPolicy, Session
from scheduling.services.activity import sessions_complete_due

logger = logging.getLogger(__name__)

BATCH_SIZE = 1  # rows per transaction: a crash can resend at most this many (see above)
MAX_ATTEMPTS = 5
Kind, Status = Reminder.Kind, Reminder.Status


def _kinds(policy: SchedulingPolicy) -> dict[str, bool]:
    return {
        Kind.BEFORE_24H: policy.remind_24h,
        Kind.BEFORE_1H: policy.remind_1h,
        Kind.FEEDBACK: policy.feedback_requests,
    }


def _due(session: Session, kind: str) -> datetime:
    return session.end if kind == Kind.FEEDBACK else session.start + Reminder.OFFSETS[kind]


def reminders_sync(*, session: Session, policy: SchedulingPolicy, now: datetime | None = None) -> None:
    """Make the session's reminder rows match its current state (see the module docstring)."""
    now = now or timezone.now()
    existing = {(r.kind, r.recipient_id): r for r in Reminder.objects.filter(session=session)}
    if session.status == Session.Status.CANCELLED:
        Reminder.objects.filter(session=session, status=Status.PENDING).update(
            status=Status.CANCELLED, processed_at=now, note=_("The session was cancelled.")
        )
        return
    recipients = [session.mentor.user_id, session.mentee.user_id]
    create, update = [], []
    for kind, enabled in _kinds(policy).items():
        for user_id in recipients:
            row = existing.get((kind, user_id))
            if not enabled:
                if row is not None and row.status == Status.PENDING:
                    row.status, row.processed_at, row.note = Status.CANCELLED, now, _("Turned off for the program.")
                    update.append(row)
                continue
            due = _due(session, kind)
            late = due <= now and kind != Kind.FEEDBACK
            status = Status.SKIPPED if late else Status.PENDING
            note = _("Booked or moved after this reminder would have gone out.") if late else ""
            if row is None:
                create.append(
                    Reminder(
                        organization_id=session.organization_id,
                        session=session,
                        recipient_id=user_id,
                        kind=kind,
                        due_at=due,
                        status=status,
                        processed_at=now if late else None,
                        note=note,
                    )
                )
            elif row.due_at != due or (row.status == Status.CANCELLED and status == Status.PENDING):
                row.due_at, row.status, row.note, row.attempts = due, status, note, 0
                row.processed_at = now if late else None
                update.append(row)
    if create:
        Reminder.objects.bulk_create(create)
    if update:
        Reminder.objects.bulk_update(update, ["due_at", "status", "note", "attempts", "processed_at", "updated_at"])


# --- Dispatch --------------------------------------------------------------------------------


@dataclass
class DispatchResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retrying: list[int] = field(default_factory=list)


def _skip_reason(
    reminder: Reminder, now: datetime, prefs: dict[tuple[int, int], NotificationPreference]
) -> tuple[str, str] | None:
    """(status, why) when the reminder must not be sent, else None."""
    session = reminder.session
    if session.status == Session.Status.CANCELLED:
        return Status.CANCELLED, _("The session was cancelled.")
    if reminder.kind == Kind.FEEDBACK:
        if session.status == Session.Status.NO_SHOW:
            return Status.CANCELLED, _("A no-show was reported.")
    elif session.status != Session.Status.SCHEDULED or session.start <= now:
        return Status.SKIPPED, _("The session had already started; reminders are never sent late.")
    policy = getattr(session.program, "scheduling_policy", None)
    if policy is not None and not _kinds(policy).get(reminder.kind, True):
        return Status.SKIPPED, _("Turned off for the program.")
    pref = prefs.get((session.organization_id, reminder.recipient_id))
    if pref is not None and not pref.wants(reminder.kind):
        return Status.SKIPPED, _("Turned off by the recipient.")
    return None


def _claim_batch(now: datetime, exclude: list[int]) -> list[Reminder]:
    return list(
        Reminder.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related(
            "recipient",
            "session__program__scheduling_policy",
            "session__organization",
            "session__mentor__user",
            "session__mentee__user",
            "session__mentor__availability",
            "session__mentee__availability",
        )
        .filter(status=Status.PENDING, due_at__lte=now)
        .exclude(pk__in=exclude)
        .order_by("due_at", "pk")[:BATCH_SIZE]
    )


def reminders_dispatch(*, now: datetime | None = None, time_budget: float = 50.0) -> DispatchResult:
    """Send every due reminder (see the module docstring); returns what happened."""
    result = DispatchResult()
    started = clock.monotonic()
    connection = get_connection()
    try:
        while clock.monotonic() - started < time_budget:
            moment = now or timezone.now()
            with transaction.atomic():
                batch = _claim_batch(moment, result.retrying)
                if not batch:
                    break
                prefs = {
                    (p.organization_id, p.user_id): p
                    for p in NotificationPreference.objects.filter(
                        user_id__in={r.recipient_id for r in batch},
                        organization_id__in={r.organization_id for r in batch},
                    )
                }
                completed = [r.session_id for r in batch if r.kind == Kind.FEEDBACK]
                if completed:
                    sessions_complete_due(now=moment, among=completed)
                sent = [r.pk for r in batch if _dispatch_one(r, moment, prefs, connection, result)]
                # Marked in the transaction that locked them: committed together, once.
                Reminder.objects.filter(pk__in=sent).update(
                    status=Status.SENT, processed_at=moment, attempts=F("attempts") + 1, note="", updated_at=moment
                )
    finally:
        connection.close()
    return result


def _dispatch_one(reminder: Reminder, now: datetime, prefs, connection, result: DispatchResult) -> bool:
    """Send one claimed reminder (True), or record why not (False)."""
    from scheduling.emails import reminder_message

    skip = _skip_reason(reminder, now, prefs)
    if skip is not None:
        status, reason = skip
        Reminder.objects.filter(pk=reminder.pk).update(status=status, processed_at=now, note=reason, updated_at=now)
        result.skipped += 1
        return False
    try:
        reminder_message(reminder, connection=connection).send()
    except Exception as e:  # any transport error: retry next run, give up after MAX_ATTEMPTS
        attempts = reminder.attempts + 1
        failed = attempts >= MAX_ATTEMPTS
        logger.warning("reminder %s: send failed (attempt %s): %s", reminder.pk, attempts, e)
        Reminder.objects.filter(pk=reminder.pk).update(
            attempts=attempts,
            status=Status.FAILED if failed else Status.PENDING,
            processed_at=now if failed else None,
            note=f"{type(e).__name__}: {e}"[:300],
            updated_at=now,
        )
        if failed:
            result.failed += 1
        else:
            result.retrying.append(reminder.pk)
        return False
    result.sent += 1
    return True
