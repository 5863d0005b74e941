"""Availability, sessions, reminders, feedback and calendar feeds.

Dependencies point one way: scheduling → mentoring (programs, participants,
mentorships). Users are referenced through ``settings.AUTH_USER_MODEL``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from turazo.core.constraints import PostgresExclusionConstraint, TsTzRange
from turazo.core.models import TenantModel, TenantQuerySet

GRID_CHOICES = [(15, _("15 minutes")), (30, _("30 minutes")), (60, _("1 hour"))]


class SchedulingPolicy(TenantModel):
    """A program's booking rules; created with these defaults the first time they are read."""

    program = models.OneToOneField("mentoring.Program", on_delete=models.CASCADE, related_name="scheduling_policy")
    buffer_before_minutes = models.PositiveSmallIntegerField(
        default=10, help_text=_("Free minutes kept before a session, after the person's previous one.")
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        default=10, help_text=_("Free minutes kept after a session, before the person's next one.")
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        default=12, help_text=_("Sessions start at least this many hours after they are booked.")
    )
    horizon_days = models.PositiveSmallIntegerField(default=60, help_text=_("How far ahead sessions can be booked."))
    grid_minutes = models.PositiveSmallIntegerField(
        default=30, choices=GRID_CHOICES, help_text=_("Start times offered, on the mentor's clock.")
    )
    max_sessions_per_week = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Most sessions a mentor holds in one week of this program. Empty: no limit.")
    )
    remind_24h = models.BooleanField(_("Reminder 24 hours before"), default=True)
    remind_1h = models.BooleanField(_("Reminder 1 hour before"), default=True)
    feedback_requests = models.BooleanField(_("Ask both people for feedback after each session"), default=True)

    class Meta:
        verbose_name_plural = _("scheduling policies")
        constraints = [
            models.CheckConstraint(condition=Q(buffer_before_minutes__lte=240), name="policy_buffer_before_range"),
            models.CheckConstraint(condition=Q(buffer_after_minutes__lte=240), name="policy_buffer_after_range"),
            models.CheckConstraint(condition=Q(min_notice_hours__lte=24 * 14), name="policy_notice_range"),
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1, horizon_days__lte=365), name="policy_horizon_range"
            ),
            models.CheckConstraint(condition=Q(grid_minutes__in=[15, 30, 60]), name="policy_grid_choices"),
            models.CheckConstraint(
                condition=Q(max_sessions_per_week__isnull=True) | Q(max_sessions_per_week__gte=1),
                name="policy_cap_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Scheduling rules of {self.program}"


class Availability(TenantModel):
    """A participant's weekly availability (rules) and date overrides, in ``timezone``.

    Mentors' availability always limits the slots offered to their mentees. A mentee's
    applies only when ``applies`` is on (they chose to limit bookings to it).
    ``video_room_url``: the mentor's own video room (Zoom/Teams personal room), used for
    their sessions instead of the organization's template or a Jitsi room.
    """

    participant = models.OneToOneField("mentoring.Participant", on_delete=models.CASCADE, related_name="availability")
    timezone = models.CharField(max_length=64)
    applies = models.BooleanField(default=True, help_text=_("Only offer times inside this availability."))
    video_room_url = models.URLField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = _("availabilities")

    def __str__(self) -> str:
        return f"Availability of {self.participant}"


class AvailabilityRule(TenantModel):
    """One weekly interval: ``weekday`` (0 = Monday) from ``start`` to ``end`` on the wall
    clock; an ``end`` not after ``start`` runs past midnight (22:00-02:00)."""

    availability = models.ForeignKey(Availability, on_delete=models.CASCADE, related_name="rules")
    weekday = models.PositiveSmallIntegerField()
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_rule_weekday"),
            models.UniqueConstraint(fields=["availability", "weekday", "start"], name="availability_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.start:%H:%M}-{self.end:%H:%M}"


class AvailabilityOverride(TenantModel):
    """Different hours on one local date. A row without times marks the date as a day off;
    otherwise the date's rows replace that weekday's rules."""

    availability = models.ForeignKey(Availability, on_delete=models.CASCADE, related_name="overrides")
    date = models.DateField()
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True) | Q(start__isnull=False, end__isnull=False),
                name="availability_override_both_or_neither",
            ),
            models.UniqueConstraint(
                fields=["availability", "date", "start"],
                nulls_distinct=False,
                name="availability_override_unique",
            ),
        ]

    def __str__(self) -> str:
        if self.start is None:
            return f"{self.date}: day off"
        return f"{self.date} {self.start:%H:%M}-{self.end:%H:%M}"


# --- Sessions --------------------------------------------------------------------------------


class SessionQuerySet(TenantQuerySet):
    def involving(self, user) -> SessionQuerySet:
        """Sessions where ``user`` is the mentor or the mentee."""
        return self.filter(Q(mentor__user=user) | Q(mentee__user=user))

    def visible_to(self, user, membership) -> SessionQuerySet:
        """What a person may open in their current organization: their own sessions, or
        every session when they are an HR admin of it. Everything else is 404."""
        if membership is None:
            return self.none()
        qs = self.for_organization(membership.organization)
        return qs if membership.is_admin else qs.involving(user)

    def live(self) -> SessionQuerySet:
        return self.exclude(status=Session.Status.CANCELLED)


class Session(TenantModel):
    """A video session of a mentorship: ``start``/``end`` in UTC.

    ``calendar_uid`` is stable for the session's life; ``sequence`` is raised on every change
    calendar apps must see (new time, cancellation), so invites update the same entry.
    Double booking is prevented per person by ``SessionAttendance``.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    JOIN_EARLY = timedelta(minutes=10)

    mentorship = models.ForeignKey("mentoring.Mentorship", on_delete=models.CASCADE, related_name="sessions")
    program = models.ForeignKey("mentoring.Program", on_delete=models.CASCADE, related_name="sessions")
    mentor = models.ForeignKey("mentoring.Participant", on_delete=models.CASCADE, related_name="sessions_as_mentor")
    mentee = models.ForeignKey("mentoring.Participant", on_delete=models.CASCADE, related_name="sessions_as_mentee")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    agenda = models.TextField(blank=True)
    video_url = models.CharField(max_length=500)
    video_room = models.CharField(max_length=64, help_text=_("Random room name used in the video link."))
    calendar_uid = models.CharField(max_length=255, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    change_note = models.CharField(max_length=500, blank=True, help_text=_("The note given with the last reschedule."))
    last_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(max_length=500, blank=True)
    late_cancellation = models.BooleanField(default=False, help_text=_("Cancelled inside the minimum notice."))
    completed_at = models.DateTimeField(null=True, blank=True)
    no_show_role = models.CharField(
        max_length=6, blank=True, help_text=_("Who did not come (mentor or mentee), as reported by the other.")
    )
    no_show_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="session_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False), name="session_cancelled_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="no_show") | Q(no_show_role__in=["mentor", "mentee"]),
                name="session_no_show_has_role",
            ),
            models.CheckConstraint(condition=~Q(mentor=models.F("mentee")), name="session_not_self"),
        ]
        indexes = [
            # Covering (PostgreSQL): the dashboard's weeks and ratings read only the index.
            models.Index(fields=["program", "start"], include=["status", "id"], name="session_program_start"),
            models.Index(fields=["mentor", "start"], name="session_mentor_start"),
            models.Index(fields=["mentee", "start"], name="session_mentee_start"),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk}: {self.mentor.display_name} & {self.mentee.display_name} at {self.start:%Y-%m-%d %H:%M}Z"

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def role_of(self, user) -> str | None:
        """ "mentor", "mentee" or None for ``user`` (participants' users must be loaded)."""
        if user is None or not getattr(user, "pk", None):
            return None
        if self.mentor.user_id == user.pk:
            return "mentor"
        if self.mentee.user_id == user.pk:
            return "mentee"
        return None

    def other(self, user):
        """The other participant, for the mentor or the mentee."""
        return self.mentee if self.role_of(user) == "mentor" else self.mentor

    def is_upcoming(self, now: datetime | None = None) -> bool:
        return self.status == self.Status.SCHEDULED and self.end > (now or timezone.now())

    def has_started(self, now: datetime | None = None) -> bool:
        return self.start <= (now or timezone.now())

    def join_state(self, now: datetime | None = None) -> str:
        """ "soon" until 10 minutes before the start, "open" from then until the end, "over" after."""
        now = now or timezone.now()
        if self.status != self.Status.SCHEDULED or self.end <= now:
            return "over"
        return "open" if now >= self.start - self.JOIN_EARLY else "soon"

    def can_change(self, user, now: datetime | None = None) -> bool:
        """The mentor or the mentee may reschedule or cancel until the session starts."""
        return self.role_of(user) is not None and self.status == self.Status.SCHEDULED and not self.has_started(now)

    def can_give_feedback(self, user, now: datetime | None = None) -> bool:
        return (
            self.role_of(user) is not None
            and self.status in (self.Status.SCHEDULED, self.Status.COMPLETED)
            and self.end <= (now or timezone.now())
        )

    def can_report_no_show(self, user, now: datetime | None = None) -> bool:
        return (
            self.role_of(user) is not None
            and self.status in (self.Status.SCHEDULED, self.Status.COMPLETED)
            and self.has_started(now)
        )


class SessionAttendance(TenantModel):
    """One person's time in one session: the row the database uses to forbid double booking.

    The exclusion constraint says no two *active* rows of the same user overlap in time,
    whichever role, program or organization they belong to: a mentor cannot be booked twice,
    a mentee with two mentors cannot be either, nor a person who mentors in one program and
    is mentored in another. Sessions touching end-to-start do not overlap (``[)`` ranges).
    ``notified_sequence`` is the last session sequence this person was emailed about, so
    the invite task sends each change once.
    """

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey("mentoring.Participant", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=6, choices=Role.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    active = models.BooleanField(default=True)
    notified_sequence = models.IntegerField(default=-1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_one_per_person"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="attendance_ends_after_start"),
            PostgresExclusionConstraint(
                name="attendance_no_overlap_per_person",
                expressions=[
                    ("user", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(active=True),
                violation_error_message="This person already has a session at that time.",
            ),
        ]
        indexes = [models.Index(fields=["user", "starts_at"], name="attendance_user_start")]

    def __str__(self) -> str:
        return f"{self.role} {self.user_id} in session {self.session_id}"


class Reminder(TenantModel):
    """An email due at ``due_at`` about a session, sent exactly once by the periodic
    dispatcher (never by a broker ETA): a 24 h or 1 h reminder before it, or the feedback
    request after it. Created at booking, moved on reschedule, cancelled on cancel."""

    class Kind(models.TextChoices):
        BEFORE_24H = "24h", _("24 hours before")
        BEFORE_1H = "1h", _("1 hour before")
        FEEDBACK = "feedback", _("Feedback request")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    OFFSETS = {Kind.BEFORE_24H: timedelta(hours=-24), Kind.BEFORE_1H: timedelta(hours=-1)}

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True, help_text=_("Why it was skipped, cancelled or failed."))

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind", "recipient"], name="reminder_unique_per_session_kind")
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status="pending"), name="reminder_pending_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for session {self.session_id} to {self.recipient_id} ({self.status})"


class Feedback(TenantModel):
    """One person's view of one session. ``rating`` and ``comment`` go to the program's HR
    admins, and to the other person only when ``shared``; ``private_note`` only to the admins."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=6, choices=SessionAttendance.Role.choices)
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(_("What helped"), blank=True)
    private_note = models.TextField(_("Private note to the program admin"), blank=True)
    shared = models.BooleanField(_("Share my rating and comment with the other person"), default=False)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="feedback_one_per_person"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_range"),
        ]
        indexes = [
            # The dashboard's latest comments: walk the newest first, stop after a page.
            models.Index(
                "organization",
                models.F("created_at").desc(),
                models.F("id").desc(),
                condition=~Q(comment=""),
                name="feedback_latest_comments",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 on session {self.session_id} by {self.role}"


class PairActivity(TenantModel):
    """What a mentorship's sessions add up to, kept by ``scheduling.services.activity`` in the
    transaction that changes a session: the dashboard's quiet pairs and funnel read these
    5,000 narrow rows instead of re-aggregating 60,000 sessions on every request
    (docs/performance.md). A pair without a row has no sessions."""

    mentorship = models.OneToOneField("mentoring.Mentorship", on_delete=models.CASCADE, related_name="activity")
    held_count = models.PositiveIntegerField(default=0, help_text=_("Completed sessions."))
    last_held_start = models.DateTimeField(null=True, blank=True, help_text=_("Start of the latest completed session."))
    last_booked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the latest session not cancelled was booked.")
    )
    upcoming_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("End of the latest scheduled session: one is still to come while in the future."),
    )

    def __str__(self) -> str:
        return f"Activity of mentorship {self.mentorship_id}: {self.held_count} held"


# --- Per-person settings ------------------------------------------------------------------------


class CalendarFeed(TenantModel):
    """A person's private subscription feed (.ics) of their sessions in one organization.
    Only the token's SHA-256 is stored; regenerating replaces it, revoking deletes the row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="calendar_feed_one_per_person")]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id} in {self.organization_id}"


class NotificationPreference(TenantModel):
    """Which session emails a person wants in one organization (all on by default)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    remind_24h = models.BooleanField(_("Reminder 24 hours before a session"), default=True)
    remind_1h = models.BooleanField(_("Reminder 1 hour before a session"), default=True)
    feedback_requests = models.BooleanField(_("Feedback request after a session"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="notification_preference_one_per_person")
        ]

    def __str__(self) -> str:
        return f"Session emails of {self.user_id} in {self.organization_id}"

    def wants(self, kind: str) -> bool:
        return {
            Reminder.Kind.BEFORE_24H: self.remind_24h,
            Reminder.Kind.BEFORE_1H: self.remind_1h,
            Reminder.Kind.FEEDBACK: self.feedback_requests,
        }.get(kind, True)
