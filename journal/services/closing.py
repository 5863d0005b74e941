"""Closing a program: what happens, once, whichever way it is closed.

``program_close`` is what the "Close program" page and the API call. It moves the program
to *closed* through ``mentoring.services.programs.program_transition``, which locks the
program row and sends ``program_closing`` while the program is still writable; the
receiver here (``on_program_closing``) then, in the same transaction:

1. cancels every future session and every pending reminder (scheduling's
   ``program_sessions_stop``: both calendars get a CANCEL);
2. ends every active mentorship with the reason "Program closed" (``mentorship_end``);
3. creates one closing-survey row per active participant (a unique row per participant)
   and queues the emails after commit.

Closing twice is harmless: the second call finds the program closed under the row lock and
changes nothing, so nobody gets a second survey email — also when two admins press
"Close" at the same moment (the second waits for the first's lock, then reads "closed").
Afterwards the program is read-only (``mentoring.services.writable.program_writable``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from journal.models import ProgramClosure, SurveyAnswer
from journal.tasks import surveys_send_task
from mentoring.models import Mentorship, Participant, Program
from mentoring.services.mentorships import mentorship_end
from mentoring.services.programs import PROGRAM_GONE, program_transition
from scheduling.models import Reminder, Session
from scheduling.services.sessions import program_sessions_stop
from turazo.core.jobs import enqueue_on_commit
from turazo.core.models import lock_existing

CLOSE_REASON = gettext_lazy("Program closed")


@dataclass(frozen=True)
class ClosePreview:
    """What closing would do now (the confirmation page shows it)."""

    active_mentorships: int
    future_sessions: int
    pending_reminders: int
    survey_recipients: int


def close_preview(*, program: Program) -> ClosePreview:
    now = timezone.now()
    return ClosePreview(
        active_mentorships=Mentorship.objects.filter(program=program, status=Mentorship.Status.ACTIVE).count(),
        future_sessions=Session.objects.filter(program=program, status=Session.Status.SCHEDULED, start__gt=now).count(),
        pending_reminders=Reminder.objects.filter(session__program=program, status=Reminder.Status.PENDING).count(),
        survey_recipients=_survey_recipients(program).count(),
    )


def _survey_recipients(program: Program):
    return Participant.objects.filter(program=program, status=Participant.Status.ACTIVE, user__isnull=False)


@dataclass(frozen=True)
class CloseResult:
    closure: ProgramClosure
    #: True when the program was closed already (nothing was done this time).
    already_closed: bool


def program_close(*, program: Program, actor: User | None) -> CloseResult:
    """Close ``program`` (see the module docstring). Idempotent."""
    with transaction.atomic():
        locked = lock_existing(Program, pk=program.pk, gone=PROGRAM_GONE)
        if locked.status == Program.Status.CLOSED:
            closure = ProgramClosure.objects.filter(program=locked).first()
            if closure is None:  # closed before this app existed: record it without acting
                closure = ProgramClosure.objects.create(organization_id=locked.organization_id, program=locked)
            return CloseResult(closure=closure, already_closed=True)
        program_transition(program=locked, status=Program.Status.CLOSED, actor=actor)
    program.refresh_from_db(fields=["status", "updated_at"])
    return CloseResult(closure=ProgramClosure.objects.get(program=program), already_closed=False)


def on_program_closing(*, program: Program, actor: User | None) -> ProgramClosure:
    """The work of closing, inside the closing transaction (see the module docstring)."""
    reason = _("Program closed")
    cancelled, stopped = program_sessions_stop(program=program, actor=actor, reason=reason)
    ended = 0
    for mentorship in Mentorship.objects.filter(program=program, status=Mentorship.Status.ACTIVE).order_by("pk"):
        mentorship_end(mentorship=mentorship, actor=actor, reason=CLOSE_REASON, notify=False)
        ended += 1
    rows = SurveyAnswer.objects.bulk_create(
        [
            SurveyAnswer(organization_id=program.organization_id, program=program, participant=p, user_id=p.user_id)
            for p in _survey_recipients(program).exclude(survey_answer__isnull=False).order_by("pk")
        ],
        batch_size=1000,
    )
    closure, _created = ProgramClosure.objects.update_or_create(
        program=program,
        defaults={
            "organization_id": program.organization_id,
            "closed_by": actor,
            "mentorships_ended": ended,
            "sessions_cancelled": cancelled,
            "reminders_stopped": stopped,
            "surveys_sent": len(rows),
        },
    )
    if rows:
        enqueue_on_commit(surveys_send_task, program.pk)
    return closure
