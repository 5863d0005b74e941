"""The one rule that makes a closed program read-only.

Every service that changes a program's data (its settings, participants, imports,
invitations, questions, matching, mentorships, sessions, feedback, goals and notes) calls
``program_writable(program)`` first. A closed program keeps its history for the final
report; nothing in it changes any more, whoever asks and however (page, API, email link,
background job)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mentoring.models import Program
from turazo.core.errors import Conflict


class ProgramClosed(Conflict):
    """409: the program was closed, so its data is read-only."""

    code = "program_closed"


def program_writable(program: Program) -> None:
    """Refuse (409, code ``program_closed``) when ``program`` is closed."""
    if program.status == Program.Status.CLOSED:
        raise ProgramClosed(
            _("%(program)s is closed, so it is read-only: nothing in it can be changed any more.")
            % {"program": program.name}
        )
