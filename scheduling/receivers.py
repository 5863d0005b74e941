"""Scheduling listens to the mentoring app's domain signals."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from mentoring.models import Mentorship
from mentoring.signals import mentorship_ended
from scheduling.models import Session
from scheduling.services.activity import pair_activity_refresh
from scheduling.services.sessions import sessions_cancel_for_ended_mentorship


@receiver(mentorship_ended, dispatch_uid="scheduling.mentorship_ended")
def _cancel_future_sessions(sender: type, mentorship: Mentorship, actor: Any = None, **kwargs: Any) -> None:
    """An ended mentorship keeps no booked session: each future one is cancelled (inside the
    ending transaction), and both calendars get a cancellation."""
    sessions_cancel_for_ended_mentorship(mentorship=mentorship, actor=actor)


@receiver(post_save, sender=Session, dispatch_uid="scheduling.session_saved")
def _refresh_pair_activity(sender: type, instance: Session, raw: bool = False, **kwargs: Any) -> None:
    """A session was booked or changed: its pair's activity follows, in the same transaction."""
    if not raw:  # fixtures load activity rows as they are
        pair_activity_refresh([instance.mentorship_id])
