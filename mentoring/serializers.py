from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Membership, Organization, User
from mentoring.models import Participant, Program
from mentoring.services.profiles import clean_timezone
from turazo.core.api import LocalTimeField


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "timezone"]
        read_only_fields = ["id", "email"]
        extra_kwargs = {"timezone": {"help_text": "IANA name, e.g. Europe/Lisbon; empty follows the browser."}}

    def validate_timezone(self, value: str) -> str:
        try:
            return clean_timezone(value)
        except ValueError as e:
            raise serializers.ValidationError(str(e))


class OrganizationSerializer(serializers.ModelSerializer):
    is_admin = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "is_admin", "is_current"]

    def _membership(self, obj: Organization) -> Membership | None:
        return self.context["memberships"].get(obj.pk)

    def get_is_admin(self, obj: Organization) -> bool:
        membership = self._membership(obj)
        return bool(membership and membership.is_admin)

    def get_is_current(self, obj: Organization) -> bool:
        current = self.context["request"].organization
        return current is not None and current.pk == obj.pk


class ProgramSerializer(serializers.ModelSerializer):
    mentor_count = serializers.IntegerField(read_only=True)
    mentee_count = serializers.IntegerField(read_only=True)
    not_invited_count = serializers.IntegerField(read_only=True, help_text="Participants with invitation_status not_invited.")
    waiting_count = serializers.IntegerField(
        read_only=True, help_text="Participants waiting to accept: invitation_status pending or sent."
    )
    joined_count = serializers.IntegerField(read_only=True, help_text="Participants with invitation_status joined.")
    complete_count = serializers.IntegerField(read_only=True, help_text="Participants (not removed) at 100 %.")

    class Meta:
        model = Program
        fields = [
            "id", "name", "description", "start_date", "end_date", "status", "default_capacity",
            "session_length_minutes", "cadence_days", "matching_mode", "max_pending_requests",
            "request_reminder_days", "request_expiry_days", "mentors_confirm_matches", "created_at", "mentor_count", "mentee_count", "not_invited_count", "waiting_count", "joined_count", "complete_count",
        ]  # fmt: skip
        read_only_fields = ["status", "created_at"]
        # The limits program_create/program_update enforce, with their messages.
        extra_kwargs = {
            "default_capacity": {
                "min_value": 1,
                "error_messages": {"min_value": _("A mentor takes at least one mentee.")},
            },
            "session_length_minutes": {
                "min_value": 15,
                "max_value": 240,
                "error_messages": {
                    "min_value": _("Sessions last between 15 and 240 minutes."),
                    "max_value": _("Sessions last between 15 and 240 minutes."),
                },
            },
            "cadence_days": {"min_value": 1, "error_messages": {"min_value": _("The cadence is at least one day.")}},
            "max_pending_requests": {
                "min_value": 1,
                "max_value": 10,
                "help_text": "How many mentors a mentee may ask at the same time.",
                "error_messages": {
                    "min_value": _("A mentee may ask between 1 and 10 mentors at a time."),
                    "max_value": _("A mentee may ask between 1 and 10 mentors at a time."),
                },
            },
            "request_reminder_days": {
                "min_value": 1,
                "max_value": 29,
                "help_text": "Days without an answer after which the mentor is reminded once.",
                "error_messages": {"min_value": _("Remind mentors after one day at the earliest.")},
            },
            "request_expiry_days": {
                "min_value": 1,
                "max_value": 30,
                "help_text": "Days without an answer after which a request expires (more than the reminder days).",
                "error_messages": {
                    "min_value": _("Requests expire after 1 to 30 days."),
                    "max_value": _("Requests expire after 1 to 30 days."),
                },
            },
            "mentors_confirm_matches": {
                "help_text": "Publishing a run sends offers each mentor accepts or declines, instead of starting "
                "mentorships at once."
            },
        }


class ProgramTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Program.Status.choices)


class ParticipantSerializer(serializers.ModelSerializer):
    invitation_status = serializers.ChoiceField(
        choices=Participant.InvitationStatus.choices,
        read_only=True,
        help_text="Where the participant is between being added and taking part; the same status every page shows.",
    )
    work_start = LocalTimeField(read_only=True, allow_null=True)
    work_end = LocalTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Participant
        fields = [
            "id", "email", "role", "status", "full_name", "job_title", "department", "manager_email",
            "seniority", "location", "timezone", "languages", "work_start", "work_end", "work_days", "goals",
            "skills_wanted", "expertise", "skills_offered", "capacity", "answers", "completeness",
            "invitation_status", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["status", "completeness", "answers", "created_at", "updated_at"]


class ParticipantCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Participant.Role.choices)
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    department = serializers.CharField(max_length=100, required=False, allow_blank=True)
    job_title = serializers.CharField(max_length=150, required=False, allow_blank=True)
    send_invitation = serializers.BooleanField(default=False)
