"""Feedback after a session: a rating, what helped, an optional private note to the admin."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.services.writable import program_writable
from scheduling.models import Feedback, Reminder, Session
from turazo.core.errors import Conflict, PermissionDenied, ValidationFailed

MAX_TEXT = 2000


def feedback_submit(
    *,
    session: Session,
    actor,
    rating: int,
    comment: str = "",
    private_note: str = "",
    shared: bool = False,
    now: datetime | None = None,
) -> Feedback:
    """Save (or change) ``actor``'s feedback on a session that has ended and was held.

    One row per person and session (a unique constraint); submitting again updates it.
    Their pending feedback request is withdrawn: they answered."""
    now = now or timezone.now()
    role = session.role_of(actor)
    if role is None:
        raise PermissionDenied(_("Only the mentor and the mentee can give feedback on this session."))
    program_writable(session.program)
    if session.status == Session.Status.CANCELLED:
        raise Conflict(_("This session was cancelled, so there is nothing to give feedback on."), code="cancelled")
    if session.status == Session.Status.NO_SHOW:
        raise Conflict(_("A no-show was reported for this session, so it takes no feedback."), code="no_show")
    if session.end > now:
        raise Conflict(_("Feedback opens when the session has ended."), code="not_ended")
    errors: dict[str, list[str]] = {}
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = [_("Pick a rating from 1 (not useful) to 5 (very useful).")]
    comment, private_note = (comment or "").strip(), (private_note or "").strip()
    for name, value in (("comment", comment), ("private_note", private_note)):
        if len(value) > MAX_TEXT:
            errors[name] = [_("At most %(max)s characters.") % {"max": MAX_TEXT}]
    if errors:
        raise ValidationFailed(
            _("Some answers are invalid: %(fields)s.") % {"fields": ", ".join(sorted(errors))}, fields=errors
        )
    with transaction.atomic():
        feedback, _created = Feedback.objects.update_or_create(
            session=session,
            author=actor,
            defaults={
                "organization_id": session.organization_id,
                "role": role,
                "rating": rating,
                "comment": comment,
                "private_note": private_note,
                "shared": bool(shared),
            },
        )
        Reminder.objects.filter(
            session=session, recipient=actor, kind=Reminder.Kind.FEEDBACK, status=Reminder.Status.PENDING
        ).update(status=Reminder.Status.CANCELLED, processed_at=now, note=_("Feedback already given."))
    return feedback
