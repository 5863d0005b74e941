"""Program health: nudges sent to people who are stuck, and each program's health settings.

insights is the top layer: it reads mentoring, matching and scheduling; nothing imports it
except the URLs."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from turazo.core.models import TenantModel


def iso_week(moment: datetime) -> str:
    """The ISO week of ``moment`` in UTC, e.g. "2026-W49": the unit of the nudge limit."""
    year, week, _ = moment.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


class ProgramHealthSettings(TenantModel):
    """A program's dashboard settings; created with these defaults the first time they are read."""

    program = models.OneToOneField("mentoring.Program", on_delete=models.CASCADE, related_name="health_settings")
    auto_nudge_quiet_pairs = models.BooleanField(
        _("Nudge quiet pairs automatically"),
        default=False,
        help_text=_("Once a day, both people of every quiet pair get the quiet-pair email (at most once a week)."),
    )
    quiet_pair_message = models.TextField(
        blank=True, help_text=_("The message of automatic quiet-pair nudges. Empty: the standard one.")
    )

    class Meta:
        verbose_name_plural = _("program health settings")

    def __str__(self) -> str:
        return f"Health settings of {self.program_id}"


class Nudge(TenantModel):
    """One friendly email to one person about their next step, sent by an HR admin
    (``sent_by``) or by the automatic quiet-pair sweep (``sent_by`` empty).

    The database allows one nudge per person, kind and ISO week (UTC): two admins clicking
    at once, a double submit, or the sweep running twice can never send a second one."""

    class Kind(models.TextChoices):
        PROFILE_INCOMPLETE = "profile", _("Complete your profile")
        NO_SESSION = "no_session", _("Book your first session")
        QUIET_PAIR = "quiet_pair", _("Book your next session")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    program = models.ForeignKey("mentoring.Program", on_delete=models.CASCADE, related_name="nudges")
    participant = models.ForeignKey("mentoring.Participant", on_delete=models.CASCADE, related_name="nudges")
    mentorship = models.ForeignKey(
        "mentoring.Mentorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    week = models.CharField(max_length=8, help_text=_("ISO week (UTC) it was sent in, e.g. 2026-W49."))
    message = models.TextField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    automatic = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "kind", "week"], name="nudge_one_per_person_kind_week"),
            models.CheckConstraint(
                condition=Q(automatic=False) | Q(sent_by__isnull=True), name="nudge_automatic_no_sender"
            ),
        ]
        indexes = [models.Index(fields=["program", "created_at"], name="nudge_program_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.participant_id} ({self.week})"
