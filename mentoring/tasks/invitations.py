"""Sending invitation emails (with retries) and expiring old invitations."""

from __future__ import annotations

import logging
import random
import smtplib

from celery import shared_task
from django.core.mail import get_connection

from mentoring.services import invitations as services
from mentoring.services.notifications import invitation_email
from turazo.core.jobs import enqueue_on_commit

logger = logging.getLogger(__name__)

MAX_RETRIES = 5
# Errors worth retrying: the mail server or the network said no, this time.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


def _backoff(retries: int) -> int:
    """Seconds before the next try: 1, 2, 4, 8, 16 minutes, with jitter so a mail
    server outage does not end in a thundering herd."""
    return 60 * 2**retries + random.randint(0, 30)


# acks_late + reject_on_worker_lost: a batch whose worker died is delivered again; every
# invitation is claimed with a conditional UPDATE (and a lease for one being sent right
# now), so the redelivery sends only what the dead worker had not.
@shared_task(name="mentoring.invitations_send", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def invitations_send(invitation_ids: list[int], attempt: int = 0) -> dict[str, int]:
    """Email each live, unsent invitation in ``invitation_ids``. Safe to run twice: each
    attempt is claimed with a conditional UPDATE, so a sent invitation is never mailed
    again. Failed sends are recorded on the row (status failed, last_error) and only
    those are tried again, as a new outbox job after an exponential backoff (``attempt``
    counts the tries); after the last one they stay failed for the admin to see and resend."""
    sent, failed = 0, []
    # One mail-server connection for the whole batch, not one per email.
    connection = get_connection()
    for invitation in services.invitations_to_send(invitation_ids=invitation_ids):
        invitation_id = invitation.pk
        claim = services.invitation_claim_for_sending(invitation=invitation)
        if claim is None:
            continue
        try:
            connection.open()  # no-op once open; a failure here counts for this email
            connection.send_messages([invitation_email(invitation=claim.invitation, token=claim.token)])
        except TRANSIENT_ERRORS as e:
            error = f"{type(e).__name__}: {e}"
            logger.warning(
                "Invitation %s could not be sent (attempt %s): %s", invitation_id, claim.invitation.attempts, error
            )
            services.invitation_mark_failed(invitation=claim.invitation, error=error)
            failed.append(invitation_id)
        else:
            services.invitation_mark_sent(invitation=claim.invitation)
            sent += 1
    connection.close()
    if failed:
        if attempt >= MAX_RETRIES:
            logger.error("Giving up on invitations %s after %s tries", failed, attempt + 1)
        else:
            enqueue_on_commit(invitations_send, failed, attempt=attempt + 1, countdown=_backoff(attempt))
    return {"sent": sent, "failed": len(failed)}


@shared_task(name="mentoring.invitations_expire", ignore_result=True)
def invitations_expire() -> int:
    """Periodic: mark live invitations past their expiry as expired."""
    return services.invitation_expire_overdue()
