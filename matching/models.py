"""Match runs, their proposals, admin pair rules and self-selection suggestions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from turazo.core.models import TenantModel


class MatchRun(TenantModel):
    """One execution of the matching engine over a program, with the settings it used."""

    class Algorithm(models.TextChoices):
        OPTIMAL = "optimal", _("Optimal (highest total score)")
        STABLE = "stable", _("Stable (nobody would rather swap)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Stage(models.TextChoices):
        QUEUED = "", _("Waiting for a worker")
        LOADING = "loading", _("Loading participants")
        SCORING = "scoring", _("Scoring pairs")
        ASSIGNING = "assigning", _("Assigning mentors")
        SAVING = "saving", _("Saving proposals")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    program = models.ForeignKey("mentoring.Program", on_delete=models.CASCADE, related_name="match_runs")
    algorithm = models.CharField(max_length=10, choices=Algorithm.choices, default=Algorithm.OPTIMAL)
    weights = models.JSONField(default=dict, blank=True, help_text=_("Snapshot of the program's weights."))
    rules = models.JSONField(default=dict, blank=True, help_text=_("Snapshot of the program's rules."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.QUEUED, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    timings = models.JSONField(default=dict, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    queued_at = models.DateTimeField(null=True, blank=True, help_text=_("Queued (or retried) for the worker."))
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Renewed by the worker while the run executes (its lease).")
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="matchrun_progress_pct"),
            # One run at a time per program: a second click cannot start a parallel run.
            models.UniqueConstraint(
                fields=["program"],
                condition=models.Q(status__in=["queued", "running"]),
                name="matchrun_one_active_per_program",
            ),
        ]

    def __str__(self) -> str:
        return f"Run #{self.pk} of {self.program_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def can_retry(self) -> bool:
        """A failed run saved nothing, so it can be queued again as it is."""
        return self.status == self.Status.FAILED

    @property
    def is_editable(self) -> bool:
        """Proposals can be pinned, forbidden and swapped until the run is published."""
        return self.status == self.Status.DONE and self.published_at is None

    @property
    def histogram_rows(self) -> list[tuple[str, int, int]]:
        """(label, count, percent of the largest bar) per 10-point bucket, for the bar list."""
        hist = list(self.stats.get("histogram") or [0] * 10)
        top = max(hist) or 1
        return [(f"{10 * i}–{10 * i + 10}", n, round(100 * n / top)) for i, n in enumerate(hist)]


class MatchProposal(TenantModel):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey("mentoring.Participant", on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey("mentoring.Participant", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    components = models.JSONField(default=dict, blank=True)
    details = models.JSONField(default=dict, blank=True)
    explanation = models.TextField(blank=True)
    pinned = models.BooleanField(default=False)
    mentorship = models.ForeignKey(
        "mentoring.Mentorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "mentee"], name="matchproposal_one_per_mentee")]
        indexes = [models.Index(fields=["run", "score"])]

    def __str__(self) -> str:
        return f"{self.mentee_id} → {self.mentor_id} ({self.score:g})"


class UnmatchedMentee(TenantModel):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    mentee = models.ForeignKey("mentoring.Participant", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=30)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["run", "mentee"], name="unmatched_one_per_mentee")]

    def __str__(self) -> str:
        return f"{self.mentee_id}: {self.reason}"


class PairRule(TenantModel):
    """An admin's decision about one pair, honoured by every later run of the program."""

    class Kind(models.TextChoices):
        PIN = "pin", _("Pinned")
        FORBID = "forbid", _("Forbidden")

    program = models.ForeignKey("mentoring.Program", on_delete=models.CASCADE, related_name="pair_rules")
    mentee = models.ForeignKey("mentoring.Participant", on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey("mentoring.Participant", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "mentee", "mentor"], name="pairrule_unique_pair"),
            # A mentee is pinned to at most one mentor.
            models.UniqueConstraint(
                fields=["program", "mentee"], condition=models.Q(kind="pin"), name="pairrule_one_pin_per_mentee"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.mentee_id} → {self.mentor_id}"


class Suggestion(TenantModel):
    """One of a mentee's top mentors for self-selection, recomputed in the background."""

    program = models.ForeignKey("mentoring.Program", on_delete=models.CASCADE, related_name="suggestions")
    mentee = models.ForeignKey("mentoring.Participant", on_delete=models.CASCADE, related_name="suggestions")
    mentor = models.ForeignKey("mentoring.Participant", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    explanation = models.TextField(blank=True)
    components = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["mentee", "rank"]
        constraints = [models.UniqueConstraint(fields=["mentee", "rank"], name="suggestion_unique_rank")]

    def __str__(self) -> str:
        return f"#{self.rank} for {self.mentee_id}: {self.mentor_id}"


class MentorshipRequest(TenantModel):
    """A mentee asking a mentor to mentor them (kind *request*), or a published match waiting
    for the mentor's yes when the program has "mentors confirm matches" on (kind *offer*).

    pending → accepted (a ``Mentorship`` starts) | declined (by the mentor, or automatically
    when the mentor became full) | expired (nobody answered in time) | withdrawn (by the
    mentee, or automatically when another mentor accepted them) | cancelled (the program or
    a person left). Only ``matching.services.requests`` changes the status, under row locks;
    ``closed_note`` says why when the change was automatic."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("Mentee request")
        OFFER = "offer", _("Match offer")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CANCELLED = "cancelled", _("Cancelled")

    MESSAGE_MAX = 1000
    REASON_MAX = 300

    program = models.ForeignKey("mentoring.Program", on_delete=models.CASCADE, related_name="mentorship_requests")
    mentee = models.ForeignKey("mentoring.Participant", on_delete=models.CASCADE, related_name="requests_made")
    mentor = models.ForeignKey("mentoring.Participant", on_delete=models.CASCADE, related_name="requests_received")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.REQUEST)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(blank=True, max_length=MESSAGE_MAX, help_text=_("The mentee's note to the mentor."))
    score = models.FloatField(null=True, blank=True, help_text=_("Match score 0–100 when the request was made."))
    explanation = models.TextField(blank=True, help_text=_("Why they fit, as suggestions and proposals say it."))
    proposal = models.ForeignKey(
        MatchProposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="offers",
        help_text=_("The published proposal an offer comes from."),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True, help_text=_("When it stopped being pending."))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField(max_length=REASON_MAX, blank=True)
    closed_note = models.CharField(max_length=REASON_MAX, blank=True, help_text=_("Why it closed by itself."))
    mentorship = models.ForeignKey(
        "mentoring.Mentorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"], condition=models.Q(status="pending"), name="request_one_pending_per_pair"
            ),
            models.CheckConstraint(condition=~models.Q(mentor=models.F("mentee")), name="request_not_self"),
            models.CheckConstraint(
                condition=models.Q(status="pending", answered_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(answered_at__isnull=False)),
                name="request_closed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status"], name="request_program_status"),
            models.Index(fields=["mentor", "status"], name="request_mentor_status"),
            models.Index(fields=["mentee", "status"], name="request_mentee_status"),
            models.Index(fields=["status", "expires_at"], name="request_status_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.mentee_id} → {self.mentor_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING
