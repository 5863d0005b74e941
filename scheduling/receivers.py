"""Scheduling listens to the mentoring app's domain signals."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from mentoring.models import Mentorship
from mentoring.signals import mentorship_ended
from scheduling.services.sessions import sessions_cancel_for_ended_mentorship


@receiver(mentorship_ended, dispatch_uid="scheduling.mentorship_ended")
def _cancel_future_sessions(sender: type, mentorship: Mentorship, actor: Any = None, **kwargs: Any) -> None:
    """An ended mentorship keeps no booked session: each future one is cancelled (inside the
    ending transaction), and both calendars get a cancellation."""
    sessions_cancel_for_ended_mentorship(mentorship=mentorship, actor=actor)
