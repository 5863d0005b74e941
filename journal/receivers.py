"""The journal app listens to mentoring's signals (mentoring never imports journal)."""

from __future__ import annotations

from django.dispatch import receiver

from journal.services.closing import on_program_closing
from mentoring.models import Program
from mentoring.signals import program_closing


@receiver(program_closing, sender=Program, dispatch_uid="journal.program_closing")
def _program_closing(sender, *, program: Program, actor=None, **kwargs) -> None:
    on_program_closing(program=program, actor=actor)
