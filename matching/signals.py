"""Profile, capacity and mentorship changes schedule a (debounced) suggestions refresh.

Signals because those writes live in the mentoring app's services, the CSV import and
the Django admin alike, and mentoring sits below matching (it never calls us): single
saves arrive through ``post_save``; bulk writes (``bulk_create``/``update()`` send no
``post_save``) send ``mentoring.signals.participants_changed``."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from matching.services import suggestions_schedule_refresh
from mentoring.models import Mentorship, Participant
from mentoring.signals import mentorship_ended, mentorships_started, participants_changed
from turazo.core.jobs import enqueue_on_commit


@receiver(post_save, sender=Participant, dispatch_uid="matching.participant_saved")
@receiver(post_save, sender=Mentorship, dispatch_uid="matching.mentorship_saved")
def _schedule_suggestions(sender: type, instance: Participant | Mentorship, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        suggestions_schedule_refresh(program_id=instance.program_id)


@receiver(mentorships_started, dispatch_uid="matching.mentorships_started")
@receiver(mentorship_ended, dispatch_uid="matching.mentorship_ended")
def _mentorships_changed(
    sender: type, mentorships: list[Mentorship] | None = None, mentorship: Mentorship | None = None, **kwargs: Any
) -> None:
    """Bulk-created or ended mentorships change mentors' free places: refresh suggestions."""
    for program_id in {m.program_id for m in (mentorships or [mentorship])}:
        suggestions_schedule_refresh(program_id=program_id)


# Bigger publishes are introduced in several jobs, so one slow SMTP server delays fewer pairs.
INTRODUCE_CHUNK = 200


@receiver(mentorships_started, dispatch_uid="matching.mentorships_introduce")
def _introduce(sender: type, mentorships: list[Mentorship], **kwargs: Any) -> None:
    """Every new mentorship (published, accepted, added by an admin) gets one introduction
    email to both people, after commit."""
    from matching.tasks import mentorships_introduce_task

    ids = [m.pk for m in mentorships]
    for i in range(0, len(ids), INTRODUCE_CHUNK):
        enqueue_on_commit(mentorships_introduce_task, ids[i : i + INTRODUCE_CHUNK])


@receiver(mentorship_ended, dispatch_uid="matching.mentorship_ended_notify")
def _tell_the_other(sender: type, mentorship: Mentorship, notify: bool = True, **kwargs: Any) -> None:
    from matching.tasks import mentorship_ended_notify_task

    if not notify:  # the caller tells them itself (closing a program: the closing email)
        return
    enqueue_on_commit(mentorship_ended_notify_task, mentorship.pk)


@receiver(participants_changed, dispatch_uid="matching.participants_changed")
def _participants_changed(sender: type, program_id: int, **kwargs: Any) -> None:
    suggestions_schedule_refresh(program_id=program_id)
