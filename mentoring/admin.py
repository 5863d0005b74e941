from django.contrib import admin

from mentoring.models import Invitation, Mentorship, Participant, Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "status", "start_date", "end_date"]
    list_filter = ["status", "organization"]
    search_fields = ["name"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "role", "status", "program", "completeness"]
    list_filter = ["role", "status", "program__organization"]
    search_fields = ["email", "full_name"]
    raw_id_fields = ["user", "program"]
    list_select_related = ["program"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["participant", "status", "sent_at", "expires_at", "attempts"]
    list_filter = ["status"]
    raw_id_fields = ["participant", "invited_by"]
    readonly_fields = ["token_hash"]
    list_select_related = ["participant"]


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "program", "source", "status", "created_at"]
    list_filter = ["source", "status"]
    raw_id_fields = ["mentor", "mentee", "program", "created_by"]
    list_select_related = ["mentor", "mentee", "program"]
