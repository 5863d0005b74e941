"""Goals and notes of a mentorship, and what closing a program leaves behind.

Privacy is part of the data model: a note is either *shared* (the mentor and the mentee
read it) or *private* (only its author reads it). HR admins never read note bodies; they
see counts and goal progress (journal/selectors.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from turazo.core.models import TenantModel


class Goal(TenantModel):
    """Something the mentee wants from the mentorship. The mentee writes goals; the mentor reads them."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    mentorship = models.ForeignKey("mentoring.Mentorship", on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    target_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="goal_title_not_empty"),
            models.CheckConstraint(condition=Q(status__in=["open", "in_progress", "done"]), name="goal_status_valid"),
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False) | (~Q(status="done") & Q(done_at__isnull=True)),
                name="goal_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Note(TenantModel):
    """A note on a mentorship, or on one of its sessions: shared with the pair, or private to its author."""

    class Visibility(models.TextChoices):
        SHARED = "shared", _("Shared with the pair")
        PRIVATE = "private", _("Private (only me)")

    mentorship = models.ForeignKey("mentoring.Mentorship", on_delete=models.CASCADE, related_name="notes")
    session = models.ForeignKey(
        "scheduling.Session", null=True, blank=True, on_delete=models.CASCADE, related_name="journal_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.SHARED)
    body = models.TextField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(visibility__in=["shared", "private"]), name="note_visibility_valid"),
            models.CheckConstraint(condition=~Q(body=""), name="note_body_not_empty"),
        ]
        indexes = [models.Index(fields=["mentorship", "visibility"], name="note_mentorship_visibility")]

    def __str__(self) -> str:
        return f"{self.get_visibility_display()} note #{self.pk}"

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    @property
    def was_edited(self) -> bool:
        return (self.updated_at - self.created_at).total_seconds() > 1


class ProgramClosure(TenantModel):
    """That a program was closed, by whom, and what closing did (one row per program)."""

    program = models.OneToOneField("mentoring.Program", on_delete=models.CASCADE, related_name="closure")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    mentorships_ended = models.PositiveIntegerField(default=0)
    sessions_cancelled = models.PositiveIntegerField(default=0)
    reminders_stopped = models.PositiveIntegerField(default=0)
    surveys_sent = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.program} closed"


class SurveyAnswer(TenantModel):
    """The closing survey of one participant: created (and emailed) once when the program
    closes, answered once (rating 1–5 and what changed for them)."""

    program = models.ForeignKey("mentoring.Program", on_delete=models.CASCADE, related_name="survey_answers")
    participant = models.OneToOneField("mentoring.Participant", on_delete=models.CASCADE, related_name="survey_answer")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    what_changed = models.TextField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="survey_rating_range"
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, rating__isnull=True)
                | Q(answered_at__isnull=False, rating__isnull=False),
                name="survey_answered_has_rating",
            ),
        ]
        indexes = [models.Index(fields=["program", "answered_at"], name="survey_program_answered")]

    def __str__(self) -> str:
        return f"Closing survey of {self.participant_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
