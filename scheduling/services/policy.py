"""A program's scheduling rules (SchedulingPolicy), read with defaults, edited by HR admins."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization
from mentoring.models import Program
from mentoring.services.writable import program_writable
from scheduling import slots
from scheduling.models import GRID_CHOICES, SchedulingPolicy
from turazo.core.errors import ValidationFailed
from turazo.core.models import save_existing

LIMITS = {
    "buffer_before_minutes": (0, 240, gettext_lazy("Buffer before")),
    "buffer_after_minutes": (0, 240, gettext_lazy("Buffer after")),
    "min_notice_hours": (0, 24 * 14, gettext_lazy("Minimum notice")),
    "horizon_days": (1, 365, gettext_lazy("Booking horizon")),
}
FLAGS = ("remind_24h", "remind_1h", "feedback_requests")
VIDEO_PLACEHOLDERS = ("{room}", "{session}")


def policy_for(program: Program) -> SchedulingPolicy:
    """The program's policy, created with the defaults the first time (cached on ``program``)."""
    try:
        return program.scheduling_policy
    except SchedulingPolicy.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            policy = SchedulingPolicy.objects.create(program=program, organization_id=program.organization_id)
    except IntegrityError:
        policy = SchedulingPolicy.objects.get(program=program)
    program.scheduling_policy = policy
    return policy


def policy_rules(policy: SchedulingPolicy, program: Program) -> slots.SlotRules:
    return slots.SlotRules(
        length=timedelta(minutes=program.session_length_minutes),
        buffer_before=timedelta(minutes=policy.buffer_before_minutes),
        buffer_after=timedelta(minutes=policy.buffer_after_minutes),
        min_notice=timedelta(hours=policy.min_notice_hours),
        horizon=timedelta(days=policy.horizon_days),
        grid_minutes=policy.grid_minutes,
        max_per_week=policy.max_sessions_per_week,
    )


def policy_update(*, policy: SchedulingPolicy, data: dict[str, Any]) -> SchedulingPolicy:
    """Change the rules given in ``data``; every problem is reported at once, nothing half-saved."""
    program_writable(policy.program)
    errors: dict[str, list[str]] = {}
    changes: dict[str, Any] = {}
    for field, (lo, hi, label) in LIMITS.items():
        if field not in data:
            continue
        value = data[field]
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            errors[field] = [
                _("%(label)s must be a whole number from %(min)s to %(max)s.") % {"label": label, "min": lo, "max": hi}
            ]
        else:
            changes[field] = value
    if "grid_minutes" in data:
        allowed = [value for value, _label in GRID_CHOICES]
        if data["grid_minutes"] not in allowed:
            errors["grid_minutes"] = [
                _("Start times are every %(minutes)s minutes; pick one.") % {"minutes": ", ".join(map(str, allowed))}
            ]
        else:
            changes["grid_minutes"] = data["grid_minutes"]
    if "max_sessions_per_week" in data:
        cap = data["max_sessions_per_week"]
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or not 1 <= cap <= 50):
            errors["max_sessions_per_week"] = [_("The weekly limit is a whole number from 1 to 50, or empty for none.")]
        else:
            changes["max_sessions_per_week"] = cap
    for flag in FLAGS:
        if flag in data:
            if not isinstance(data[flag], bool):
                errors[flag] = [_("Choose on or off.")]
            else:
                changes[flag] = data[flag]
    if errors:
        raise ValidationFailed(
            _("Some scheduling rules are invalid: %(fields)s.") % {"fields": ", ".join(sorted(errors))}, fields=errors
        )
    for field, value in changes.items():
        setattr(policy, field, value)
    save_existing(policy, update_fields=[*changes, "updated_at"], gone=_("This program no longer exists."))
    return policy


def clean_video_template(value: str) -> str:
    """An organization's video link template: empty (Jitsi), or an https:// URL that may
    contain {room} (a random room name per session)."""
    value = (value or "").strip()
    if not value:
        return ""
    if not value.startswith("https://") or any(c.isspace() for c in value):
        raise ValidationFailed(
            _("The video link must be one https:// address without spaces."),
            fields={"video_url_template": [_("Give an https:// address, e.g. https://zoom.us/j/1234567890 .")]},
        )
    leftover = value
    for placeholder in VIDEO_PLACEHOLDERS:
        leftover = leftover.replace(placeholder, "")
    if "{" in leftover or "}" in leftover:
        raise ValidationFailed(
            _("The video link may only use the placeholders {room} and {session}."),
            fields={"video_url_template": [_("Use {room} for the session's room name, or no placeholder at all.")]},
        )
    return value


def organization_set_video_template(*, organization: Organization, value: str) -> Organization:
    organization.video_url_template = clean_video_template(value)
    save_existing(
        organization, update_fields=["video_url_template", "updated_at"], gone=_("This organization no longer exists.")
    )
    return organization
