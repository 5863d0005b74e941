"""Background work of scheduling: invites after each change, reminders every minute."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from scheduling.emails import invite_message
from scheduling.models import Session, SessionAttendance
from scheduling.services.activity import sessions_complete_due
from scheduling.services.reminders import reminders_dispatch

logger = logging.getLogger(__name__)


@shared_task(
    name="scheduling.session_notify",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 6},
)
def session_notify_task(session_id: int) -> int:
    """Email each person of the session its current state, once per change.

    Each person's ``notified_sequence`` is claimed with a conditional UPDATE before
    sending, so running this twice (or once per change, in any order) sends every person
    the latest state exactly once; a failed send gives the claim back and retries. Someone
    who was never invited to a session that is now cancelled gets nothing."""
    session = (
        Session.objects.select_related(
            "organization", "program", "mentor__user", "mentee__user", "last_changed_by",
            "mentor__availability", "mentee__availability",
        )
        .filter(pk=session_id)
        .first()
    )  # fmt: skip
    if session is None:
        return 0
    sent = 0
    for attendance in SessionAttendance.objects.filter(session=session).select_related("participant__user"):
        previous = attendance.notified_sequence
        if previous >= session.sequence:
            continue
        claimed = SessionAttendance.objects.filter(pk=attendance.pk, notified_sequence=previous).update(
            notified_sequence=session.sequence
        )
        if not claimed:
            continue  # another run took it
        if session.status == Session.Status.CANCELLED and previous < 0:
            continue  # never invited: nothing to take back
        try:
            invite_message(session, attendance, first=previous < 0, now=timezone.now()).send()
        except Exception:
            SessionAttendance.objects.filter(pk=attendance.pk, notified_sequence=session.sequence).update(
                notified_sequence=previous
            )
            logger.exception("session %s: invite to %s failed; will retry", session_id, attendance.user_id)
            raise
        sent += 1
    return sent


@shared_task(name="scheduling.reminders_dispatch", ignore_result=True)
def reminders_dispatch_task() -> dict:
    """Run by beat every minute: send every due reminder once (see services/reminders.py),
    and mark ended sessions completed (also where the program sends no feedback request)."""
    result = reminders_dispatch()
    completed = sessions_complete_due()
    return {"sent": result.sent, "skipped": result.skipped, "failed": result.failed, "completed": completed}
