"""Programs, participants, invitations, imports and mentorships."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from mentoring.csv_import import report_problem_count
from turazo.core.models import TenantModel

# --- Programs ------------------------------------------------------------------


class Program(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ENROLLING = "enrolling", _("Enrolling")
        MATCHING = "matching", _("Matching")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class MatchingMode(models.TextChoices):
        ADMIN = "admin", _("Admin matches")
        MENTEE_CHOOSES = "mentee", _("Mentees choose")
        BOTH = "both", _("Both")

    # Allowed moves; program_transition() enforces them.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        "draft": ("enrolling", "closed"),
        "enrolling": ("matching", "active", "draft", "closed"),
        "matching": ("active", "enrolling", "closed"),
        "active": ("closed", "matching"),
        "closed": (),
    }

    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    default_capacity = models.PositiveSmallIntegerField(
        default=2, help_text=_("How many mentees a mentor takes unless their profile says otherwise.")
    )
    session_length_minutes = models.PositiveSmallIntegerField(default=45)
    cadence_days = models.PositiveSmallIntegerField(default=14, help_text=_("Target days between sessions."))
    matching_mode = models.CharField(max_length=10, choices=MatchingMode.choices, default=MatchingMode.BOTH)
    weights = models.JSONField(default=dict, blank=True)
    rules = models.JSONField(default=dict, blank=True)
    max_pending_requests = models.PositiveSmallIntegerField(
        default=3, help_text=_("How many mentors a mentee may have asked at the same time (1–10).")
    )
    request_reminder_days = models.PositiveSmallIntegerField(
        default=3, help_text=_("Days without an answer after which the mentor is reminded once.")
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        default=7, help_text=_("Days without an answer after which a request expires and the mentee is told.")
    )
    mentors_confirm_matches = models.BooleanField(
        default=False,
        help_text=_("Published matches become offers each mentor accepts or declines, instead of starting at once."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="program_dates_ordered"
            ),
            models.CheckConstraint(condition=models.Q(default_capacity__gte=1), name="program_capacity_positive"),
            models.CheckConstraint(
                condition=models.Q(session_length_minutes__gte=15, session_length_minutes__lte=240),
                name="program_session_length_range",
            ),
            models.CheckConstraint(
                condition=models.Q(max_pending_requests__gte=1, max_pending_requests__lte=10),
                name="program_max_pending_requests_range",
            ),
            models.CheckConstraint(
                condition=models.Q(request_reminder_days__gte=1)
                & models.Q(request_expiry_days__gt=models.F("request_reminder_days"))
                & models.Q(request_expiry_days__lte=30),
                name="program_request_days_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, ())


class Skill(TenantModel):
    """An organization's list of skill tags; people may also type new ones."""

    name = models.CharField(max_length=60)
    slug = models.CharField(max_length=60, help_text=_("Case- and space-folded form used for matching."))

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "slug"], name="skill_unique_per_org")]

    def __str__(self) -> str:
        return self.name


class Question(TenantModel):
    """A program-specific question participants answer; matching may use it."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Short text")

    class Audience(models.TextChoices):
        BOTH = "both", _("Mentors and mentees")
        MENTOR = "mentor", _("Mentors")
        MENTEE = "mentee", _("Mentees")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=40, help_text=_("Short identifier, also the CSV column q:<key>."))
    label = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    choices = models.JSONField(default=list, blank=True)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.BOTH)
    required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["program", "key"], name="question_key_unique")]

    def __str__(self) -> str:
        return self.label

    def applies_to(self, role: str) -> bool:
        return self.audience in (self.Audience.BOTH, role)


def effective_capacity(own: int | None, program_default: int) -> int:
    """How many mentees a mentor takes: their own capacity, else the program's default.
    The one rule; publishing, requests, admin-added pairs and the engine's input use it."""
    return own if own is not None else program_default


class Participant(TenantModel):
    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")

    class Status(models.TextChoices):
        """The record's own state. Pages, exports and the API show ``InvitationStatus``."""

        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        REMOVED = "removed", _("Removed")

    class InvitationStatus(models.TextChoices):
        """Where a participant is between being added and taking part: the one status the
        invitations page, the participants table, the program's counts, the CSV export and
        the API all show. Derived, never stored: ``mentoring.selectors.invitation_status``
        computes it from the participant's status and their latest invitation."""

        NOT_INVITED = "not_invited", _("Not invited")
        PENDING = "pending", _("Pending")  # invitation created, email queued
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed to send")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        JOINED = "joined", _("Joined")
        DECLINED = "declined", _("Declined")
        REMOVED = "removed", _("Removed")

    # Statuses in which an invitation is out and the person may still accept.
    WAITING = (InvitationStatus.PENDING, InvitationStatus.SENT)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="participations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=6, choices=Role.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    full_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    department = models.CharField(max_length=100, blank=True)
    manager_email = models.EmailField(blank=True)
    seniority = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("1 (junior) to 6 (executive)."))
    location = models.CharField(max_length=100, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    languages = models.JSONField(default=list, blank=True)
    work_start = models.TimeField(null=True, blank=True)
    work_end = models.TimeField(null=True, blank=True)
    work_days = models.JSONField(default=list, blank=True, help_text=_("Weekdays, Monday=0."))
    goals = models.TextField(blank=True)
    skills_wanted = models.JSONField(default=list, blank=True)
    expertise = models.TextField(blank=True)
    skills_offered = models.JSONField(default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    completeness = models.PositiveSmallIntegerField(default=0, help_text=_("Percent of the profile filled in."))

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), "program", name="participant_email_unique_in_program"),
            models.CheckConstraint(condition=models.Q(completeness__lte=100), name="participant_completeness_pct"),
            models.CheckConstraint(
                condition=models.Q(seniority__isnull=True) | models.Q(seniority__gte=1, seniority__lte=6),
                name="participant_seniority_range",
            ),
        ]
        indexes = [models.Index(fields=["program", "role", "status"])]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def photo_url(self) -> str:
        """The account's avatar photo, or "". Only when the page loaded the account along
        (``select_related("user")``): an avatar never costs a query per person, and a list
        that forgot the join shows initials (tests/mentoring/test_photos.py walks the pages)."""
        if self.user_id is None or not Participant.user.is_cached(self):
            return ""
        return self.user.photo_url

    @property
    def effective_capacity(self) -> int:
        return effective_capacity(self.capacity, self.program.default_capacity)

    @property
    def invitation_status_label(self) -> str:
        """The label of ``invitation_status``, which querysets annotate through
        ``mentoring.selectors.with_invitation_status``."""
        return self.InvitationStatus(self.invitation_status).label


class Invitation(TenantModel):
    """An emailed link that lets a participant join. Only the token's SHA-256 is stored."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")  # created, email queued
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed to send")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    LIVE = (Status.PENDING, Status.SENT, Status.FAILED)

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # At most one live invitation per participant: resending replaces it.
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(status__in=["pending", "sent", "failed"]),
                name="invitation_one_live_per_participant",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.participant.email} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return self.status in self.LIVE and self.expires_at <= dj_timezone.now()

    @property
    def effective_status(self) -> str:
        return self.Status.EXPIRED if self.is_expired else self.status


class ImportJob(TenantModel):
    """One CSV upload: validated into a preview, then applied all-or-nothing.

    checking -> previewed -> queued -> running -> done, or failed. A large file starts
    *checking* (a worker builds the preview); ``updated_at`` is set on every change of
    status, so a job stuck in a status can be found by its age."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        PREVIEWED = "previewed", _("Previewed")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255)
    content = models.TextField(help_text=_("The decoded CSV, kept until the import is applied."))
    content_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    send_invitations = models.BooleanField(default=True)
    apply_when_valid = models.BooleanField(
        default=False, help_text=_("Confirm as soon as the background check finds no problem (API uploads).")
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True, help_text=_("Preview: problems, columns, creates/updates."))
    summary = models.JSONField(default=dict, blank=True, help_text=_("Outcome: created, updated, invited."))
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(null=True, blank=True, help_text=_("Confirmed (or retried) for the worker."))
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Renewed by the worker while it applies the import (its lease).")
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def progress_percent(self) -> int:
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def can_retry(self) -> bool:
        """A failed import can be queued again unless its file no longer fits the
        program (the file is kept until an import is applied; a failed one applied nothing).
        Only one that was confirmed: a file the background check refused never was."""
        return self.status == self.Status.FAILED and self.queued_at is not None and not self.problem_count

    @property
    def problem_count(self) -> int:
        """Every problem of the preview; ``report["problems"]`` lists the first few."""
        return report_problem_count(self.report)

    @property
    def problems_unlisted(self) -> int:
        return self.problem_count - len(self.report.get("problems", ()))


class Mentorship(TenantModel):
    """A mentor and a mentee working together in a program."""

    class Source(models.TextChoices):
        MATCHING = "matching", _("Matching")
        REQUEST = "request", _("Mentee request")
        ADMIN = "admin", _("Added by an admin")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="mentorships_as_mentor")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="mentorships_as_mentee")
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    score = models.FloatField(null=True, blank=True, help_text=_("Match score 0–100 when it came from matching."))
    explanation = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    end_reason = models.CharField(max_length=300, blank=True)
    # Claimed (conditional UPDATE) before the introduction / the "it ended" email goes out, so
    # a task run twice never mails anyone twice.
    introduced_at = models.DateTimeField(null=True, blank=True, editable=False)
    end_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A mentee has one active mentor per program; publishing twice cannot duplicate.
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=models.Q(status="active"),
                name="mentorship_one_active_per_mentee",
            ),
            models.CheckConstraint(condition=~models.Q(mentor=models.F("mentee")), name="mentorship_not_self"),
            models.CheckConstraint(
                condition=models.Q(status="active", ended_at__isnull=True)
                | models.Q(status="ended", ended_at__isnull=False),
                name="mentorship_ended_has_date",
            ),
        ]
        indexes = [models.Index(fields=["mentor", "status"], name="mentorship_mentor_status")]

    def __str__(self) -> str:
        return f"{self.mentor.display_name} → {self.mentee.display_name}"
