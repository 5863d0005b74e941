from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from mentoring.models import Invitation, Membership, Mentorship, Organization, Participant, Program, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name", "timezone"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


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
