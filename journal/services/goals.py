"""Goals of a mentorship. The mentee keeps them (add, rename, move along, delete); the
mentor reads them; HR admins see how many are done."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from journal.models import Goal
from mentoring.models import Mentorship
from mentoring.services.writable import program_writable
from turazo.core.errors import Conflict, PermissionDenied, ValidationFailed
from turazo.core.models import lock_existing, save_existing

MAX_GOALS = 10
TITLE_MAX = 200
GOAL_GONE = gettext_lazy("This goal was deleted meanwhile.")


def _check_mentee(mentorship: Mentorship, actor: User) -> None:
    if mentorship.mentee.user_id != actor.pk:
        raise PermissionDenied(_("Only the mentee sets the goals of this mentorship; the mentor can read them."))


def _clean(title: str | None, status: str | None, target_date: dt.date | None | str) -> dict:
    errors: dict[str, list[str]] = {}
    values: dict = {}
    if title is not None:
        title = " ".join(str(title).split())
        if not title:
            errors["title"] = [_("Give the goal a title, e.g. “Lead a team meeting”.")]
        elif len(title) > TITLE_MAX:
            errors["title"] = [_("Keep the title under %(max)d characters.") % {"max": TITLE_MAX}]
        values["title"] = title
    if status is not None:
        if status not in Goal.Status.values:
            errors["status"] = [_("Choose open, in progress or done.")]
        values["status"] = status
    if target_date != "keep":
        if target_date is not None and not isinstance(target_date, dt.date):
            errors["target_date"] = [_("Give a date, or leave it empty.")]
        values["target_date"] = target_date
    if errors:
        raise ValidationFailed(_("Some fields are invalid: %(f)s.") % {"f": ", ".join(sorted(errors))}, fields=errors)
    return values


def goal_create(
    *,
    mentorship: Mentorship,
    actor: User,
    title: str,
    status: str = Goal.Status.OPEN,
    target_date: dt.date | None = None,
) -> Goal:
    """Add a goal (the mentee only; at most MAX_GOALS per mentorship)."""
    _check_mentee(mentorship, actor)
    program_writable(mentorship.program)
    values = _clean(title, status, target_date)
    with transaction.atomic():
        lock_existing(Mentorship, pk=mentorship.pk, gone=_("This mentorship was deleted meanwhile."))
        if Goal.objects.filter(mentorship=mentorship).count() >= MAX_GOALS:
            raise Conflict(
                _("A mentorship keeps at most %(max)d goals: mark one done or delete one first.") % {"max": MAX_GOALS},
                code="too_many_goals",
            )
        return Goal.objects.create(
            organization_id=mentorship.organization_id,
            mentorship=mentorship,
            created_by=actor,
            done_at=timezone.now() if values["status"] == Goal.Status.DONE else None,
            **values,
        )


def goal_update(
    *,
    goal: Goal,
    actor: User,
    title: str | None = None,
    status: str | None = None,
    target_date: dt.date | None | str = "keep",
) -> Goal:
    """Change what is given (``target_date=None`` clears the date)."""
    _check_mentee(goal.mentorship, actor)
    program_writable(goal.mentorship.program)
    values = _clean(title, status, target_date)
    for field, value in values.items():
        setattr(goal, field, value)
    if "status" in values:
        goal.done_at = (goal.done_at or timezone.now()) if goal.status == Goal.Status.DONE else None
    save_existing(goal, update_fields=[*values, "done_at", "updated_at"], gone=GOAL_GONE)
    return goal


def goal_delete(*, goal: Goal, actor: User) -> None:
    _check_mentee(goal.mentorship, actor)
    program_writable(goal.mentorship.program)
    Goal.objects.filter(pk=goal.pk).delete()
