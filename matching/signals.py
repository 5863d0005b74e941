"""Profile, capacity and mentorship changes schedule a (debounced) suggestions refresh.

Signals because those writes live in the mentoring app's services, the CSV
import and the Django admin alike; ``bulk_create``/``update()`` bypass them, so
bulk writers call ``matching.services.suggestions_schedule_refresh`` themselves."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from matching.services import suggestions_schedule_refresh
from mentoring.models import Mentorship, Participant


@receiver(post_save, sender=Participant, dispatch_uid="matching.participant_saved")
@receiver(post_save, sender=Mentorship, dispatch_uid="matching.mentorship_saved")
def _schedule_suggestions(sender: type, instance: Participant | Mentorship, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        suggestions_schedule_refresh(program_id=instance.program_id)
