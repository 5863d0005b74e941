"""Programs and their participants, as HR admins manage them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Membership, Organization, User
from mentoring.models import Participant, Program
from mentoring.profiles import profile_completeness
from mentoring.services.writable import program_writable
from mentoring.signals import program_closing
from turazo.core.errors import Conflict, ValidationFailed
from turazo.core.models import lock_existing, save_existing

PROGRAM_FIELDS = (
    "name", "description", "start_date", "end_date", "default_capacity",
    "session_length_minutes", "cadence_days", "matching_mode",
    "max_pending_requests", "request_reminder_days", "request_expiry_days", "mentors_confirm_matches",
)  # fmt: skip
PROGRAM_GONE = gettext_lazy("This program was deleted meanwhile.")


def validate_program(data: dict[str, Any]) -> None:
    """Field rules of a program; forms call it too so errors sit next to their field."""
    errors: dict[str, list[str]] = {}
    if not str(data.get("name", "")).strip():
        errors["name"] = [_("Give the program a name.")]
    start, end = data.get("start_date"), data.get("end_date")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        errors["end_date"] = [
            _("The end date (%(end)s) is before the start date (%(start)s).")
            % {"end": end.isoformat(), "start": start.isoformat()}
        ]
    if data.get("default_capacity") is not None and int(data["default_capacity"]) < 1:
        errors["default_capacity"] = [_("A mentor takes at least one mentee.")]
    length = data.get("session_length_minutes")
    if length is not None and not 15 <= int(length) <= 240:
        errors["session_length_minutes"] = [_("Sessions last between 15 and 240 minutes.")]
    if data.get("cadence_days") is not None and int(data["cadence_days"]) < 1:
        errors["cadence_days"] = [_("The cadence is at least one day.")]
    pending = data.get("max_pending_requests")
    if pending is not None and not 1 <= int(pending) <= 10:
        errors["max_pending_requests"] = [_("A mentee may ask between 1 and 10 mentors at a time.")]
    remind, expire = data.get("request_reminder_days"), data.get("request_expiry_days")
    if remind is not None and int(remind) < 1:
        errors["request_reminder_days"] = [_("Remind mentors after one day at the earliest.")]
    if expire is not None and not 1 <= int(expire) <= 30:
        errors["request_expiry_days"] = [_("Requests expire after 1 to 30 days.")]
    elif remind is not None and expire is not None and int(expire) <= int(remind):
        errors["request_expiry_days"] = [
            ngettext(
                "Requests must expire after the reminder (%(days)s day); choose more than %(days)s day.",
                "Requests must expire after the reminder (%(days)s days); choose more than %(days)s days.",
                int(remind),
            )
            % {"days": int(remind)}
        ]
    if errors:
        raise ValidationFailed(
            _("The program has invalid fields: %(fields)s.") % {"fields": ", ".join(sorted(errors))}, fields=errors
        )


def program_create(*, organization: Organization, actor: User, **data: Any) -> Program:
    unknown = set(data) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown program fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    # Rules between fields (the expiry after the reminder) see the defaults of fields left out.
    defaults = {f: Program._meta.get_field(f).default for f in ("request_reminder_days", "request_expiry_days")}
    validate_program(defaults | data)
    data["name"] = data["name"].strip()
    return Program.objects.create(organization=organization, created_by=actor, **data)


def program_update(*, program: Program, **data: Any) -> Program:
    program_writable(program)
    unknown = set(data) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown program fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    merged = {f: getattr(program, f) for f in PROGRAM_FIELDS} | data
    validate_program(merged)
    for field, value in data.items():
        setattr(program, field, value.strip() if field == "name" else value)
    save_existing(program, update_fields=[*data, "updated_at"], gone=PROGRAM_GONE)
    return program


def program_transition(*, program: Program, status: str, actor: User | None = None) -> Program:
    """Move a program along draft → enrolling → matching → active → closed.

    The UPDATE is conditional on the status we read, so two admins clicking at
    once cannot both apply a move from the same state. Closing locks the program row
    and sends ``program_closing`` first (see mentoring/signals.py)."""
    if status not in Program.Status.values:
        raise ValidationFailed(
            _("Unknown status “%(status)s”.") % {"status": status}, fields={"status": [_("Not a program status.")]}
        )
    if status == Program.Status.CLOSED:
        return _program_close(program=program, actor=actor)
    if not program.can_move_to(status):
        allowed = ", ".join(str(Program.Status(s).label) for s in Program.TRANSITIONS[program.status]) or _("none")
        raise Conflict(
            _("A program that is %(current)s cannot become %(target)s. Possible next steps: %(allowed)s.")
            % {
                "current": program.get_status_display().lower(),
                "target": Program.Status(status).label.lower(),
                "allowed": allowed,
            }
        )
    changed = Program.objects.filter(pk=program.pk, status=program.status).update(status=status)
    if not changed:
        raise Conflict(_("Someone else changed this program's status just now; reload and try again."))
    program.refresh_from_db(fields=["status", "updated_at"])
    return program


def _program_close(*, program: Program, actor: User | None) -> Program:
    with transaction.atomic():
        locked = lock_existing(Program, pk=program.pk, gone=PROGRAM_GONE)
        if not locked.can_move_to(Program.Status.CLOSED):
            if locked.status == Program.Status.CLOSED:
                raise Conflict(_("A program that is closed cannot become closed. It was closed already."))
            raise Conflict(
                _("A program that is %(current)s cannot become closed.")
                % {"current": locked.get_status_display().lower()}
            )
        program_closing.send(sender=Program, program=locked, actor=actor)
        Program.objects.filter(pk=locked.pk).update(status=Program.Status.CLOSED, updated_at=timezone.now())
    program.refresh_from_db(fields=["status", "updated_at"])
    return program


PARTICIPANT_ADMIN_FIELDS = (
    "full_name", "job_title", "department", "manager_email", "seniority", "location", "timezone",
    "languages", "goals", "skills_wanted", "expertise", "skills_offered", "capacity",
)  # fmt: skip


@transaction.atomic
def participant_add(*, program: Program, actor: User, email: str, role: str, **profile: Any) -> Participant:
    """Add one person by hand. An existing account with that email is linked."""
    program_writable(program)
    email = email.strip().lower()
    if role not in Participant.Role.values:
        raise ValidationFailed(_("Role must be mentor or mentee."), fields={"role": [_("Choose mentor or mentee.")]})
    if Participant.objects.filter(program=program, email__iexact=email).exists():
        raise Conflict(
            _("%(email)s is already in %(program)s.") % {"email": email, "program": program.name}, code="duplicate"
        )
    participant = Participant(organization=program.organization, program=program, email=email, role=role, **profile)
    existing = User.objects.filter(email__iexact=email).first()
    if existing and Membership.objects.filter(user=existing, organization=program.organization).exists():
        participant.user = existing
    participant.completeness = profile_completeness(participant, questions=list(program.questions.all()))
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:
        raise Conflict(
            _("%(email)s is already in %(program)s.") % {"email": email, "program": program.name}, code="duplicate"
        )
    return participant


def participant_remove_bulk(*, program: Program, participant_ids: Sequence[int]) -> int:
    """Mark participants as removed (their history stays). Returns how many changed."""
    program_writable(program)
    return (
        Participant.objects.filter(program=program, pk__in=participant_ids)
        .exclude(status=Participant.Status.REMOVED)
        .update(status=Participant.Status.REMOVED)
    )
