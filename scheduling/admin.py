"""Django admin for the operators who run the install (not HR admins: they use the pages)."""

from django.contrib import admin

from scheduling.models import Availability, Feedback, Reminder, SchedulingPolicy, Session


@admin.register(SchedulingPolicy)
class SchedulingPolicyAdmin(admin.ModelAdmin):
    list_display = ("program", "min_notice_hours", "horizon_days", "grid_minutes", "max_sessions_per_week")
    raw_id_fields = ("program", "organization")


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = ("participant", "timezone", "applies")
    raw_id_fields = ("participant", "organization")


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("pk", "program", "mentor", "mentee", "start", "status", "sequence", "late_cancellation")
    list_filter = ("status", "late_cancellation")
    raw_id_fields = ("organization", "program", "mentorship", "mentor", "mentee")
    readonly_fields = (
        "calendar_uid",
        "sequence",
        "booked_by",
        "cancelled_by",
        "last_changed_by",
        "no_show_reported_by",
    )


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("pk", "session", "kind", "recipient", "due_at", "status", "attempts", "note")
    list_filter = ("status", "kind")
    raw_id_fields = ("organization", "session", "recipient")


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("pk", "session", "role", "rating", "shared")
    raw_id_fields = ("organization", "session", "author")
