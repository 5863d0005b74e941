"""The closing survey: one email per participant of a closed program, answered once
(from the email link or in the app): a rating from 1 to 5 and what changed for them."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from journal.models import SurveyAnswer
from turazo.core.action_links import action_link_issue, action_links_expire_for
from turazo.core.errors import Conflict, PermissionDenied, ValidationFailed
from turazo.core.models import lock_existing
from turazo.core.notifications import absolute_url, notification_send

logger = logging.getLogger(__name__)

SURVEY_LINK = "journal.survey"
LINK_DAYS = 30
TEXT_MAX = 2000
SURVEY_GONE = gettext_lazy("This survey no longer exists (its program was deleted).")


def survey_answer(
    *, answer: SurveyAnswer, actor: User, rating: int | str | None, what_changed: str = ""
) -> SurveyAnswer:
    """Record ``actor``'s answer, once. A second answer is a Conflict saying when the first came."""
    if answer.user_id != actor.pk:
        raise PermissionDenied(_("Only the person this survey was sent to can answer it."))
    errors: dict[str, list[str]] = {}
    try:
        rating = int(rating)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        rating = None
    if rating is None or not 1 <= rating <= 5:
        errors["rating"] = [_("Pick a rating from 1 (poor) to 5 (excellent).")]
    what_changed = (what_changed or "").strip()
    if len(what_changed) > TEXT_MAX:
        errors["what_changed"] = [_("Keep it under %(max)d characters.") % {"max": TEXT_MAX}]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    with transaction.atomic():
        row = lock_existing(SurveyAnswer, pk=answer.pk, gone=SURVEY_GONE)
        if row.answered_at is not None:
            raise Conflict(
                _("You already answered this survey on %(date)s. Thank you!")
                % {"date": date_format(timezone.localtime(row.answered_at), "DATE_FORMAT")},
                code="already_answered",
            )
        row.rating, row.what_changed, row.answered_at = rating, what_changed, timezone.now()
        SurveyAnswer.objects.filter(pk=row.pk).update(
            rating=row.rating, what_changed=row.what_changed, answered_at=row.answered_at, updated_at=row.answered_at
        )
        action_links_expire_for(target=row, purposes=[SURVEY_LINK])
    return row


def surveys_send(*, program_id: int) -> int:
    """Email every survey of the program not emailed yet, each once: a row is claimed with
    a conditional UPDATE before its email goes out (a failed send gives the claim back)."""
    sent = 0
    pending = SurveyAnswer.objects.filter(program_id=program_id, emailed_at__isnull=True).select_related(
        "program__organization", "participant", "user"
    )
    for answer in pending.order_by("pk"):
        now = timezone.now()
        if not SurveyAnswer.objects.filter(pk=answer.pk, emailed_at__isnull=True).update(emailed_at=now):
            continue  # another run took it
        try:
            with transaction.atomic():
                link = action_link_issue(
                    purpose=SURVEY_LINK,
                    target=answer,
                    recipient=answer.user,
                    expires_at=now + timedelta(days=LINK_DAYS),
                )
            notification_send(
                template="journal/survey",
                to=answer.user.email,
                recipient=answer.user,
                context={
                    "person": answer.participant,
                    "program": answer.program,
                    "organization": answer.program.organization,
                    "answer_url": link.url,
                    "app_url": absolute_url(reverse("survey-answer", args=[answer.pk])),
                    "days": LINK_DAYS,
                },
            )
        except Exception:
            SurveyAnswer.objects.filter(pk=answer.pk, emailed_at=now).update(emailed_at=None)
            logger.exception("closing survey %s: email failed; will retry", answer.pk)
            raise
        sent += 1
    return sent
