"""Profiles, program questions and the skill list for HRIS integrations.

The serializers only describe and type-check; the services in
mentoring/services/{profiles,questions,skills}.py validate and write, exactly as
the pages do, so both give the same messages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentoring.models import Participant, Program, Question, Skill
from mentoring.profiles import (
    ANSWER_MAX,
    CAPACITY_MAX,
    CAPACITY_MIN,
    LANGUAGE_LENGTH_MAX,
    TAG_LENGTH_MAX,
    TAGS_MAX,
    TEXT_LIMITS,
)
from mentoring.services import profiles as profile_services
from mentoring.services import questions as question_services
from mentoring.services import skills as skill_services
from turazo.core.api import IsOrganizationAdmin, IsOrganizationMember, LocalTimeField, TenantViewSetMixin
from turazo.core.errors import ValidationFailed
from turazo.core.tenancy import get_for_org

# --- Serializers -------------------------------------------------------------------------


class ProfileSerializer(serializers.ModelSerializer):
    """A participant's profile. ``answers`` maps question keys to lists of values."""

    program_name = serializers.CharField(source="program.name", read_only=True)
    works_overnight = serializers.SerializerMethodField()
    work_start = LocalTimeField(allow_null=True)
    work_end = LocalTimeField(allow_null=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "program",
            "program_name",
            "role",
            "status",
            "email",
            "full_name",
            "job_title",
            "department",
            "manager_email",
            "seniority",
            "location",
            "timezone",
            "languages",
            "work_start",
            "work_end",
            "works_overnight",
            "work_days",
            "goals",
            "skills_wanted",
            "expertise",
            "skills_offered",
            "capacity",
            "answers",
            "completeness",
        ]
        read_only_fields = ["id", "program", "role", "status", "email", "completeness"]

    def get_works_overnight(self, obj: Participant) -> bool:
        return bool(obj.work_start and obj.work_end and obj.work_end < obj.work_start)


class ProfileUpdateSerializer(serializers.Serializer):
    """The writable profile fields (all optional: send only what changes). Lists may also
    be sent as one comma-separated text. Mentor-only: expertise, skills_offered,
    capacity; mentee-only: goals, skills_wanted."""

    full_name = serializers.CharField(required=False, max_length=TEXT_LIMITS["full_name"])
    job_title = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMITS["job_title"])
    department = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMITS["department"])
    manager_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    seniority = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=6)
    location = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMITS["location"])
    timezone = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text="IANA name, e.g. Europe/Lisbon."
    )
    languages = serializers.ListField(child=serializers.CharField(max_length=LANGUAGE_LENGTH_MAX), required=False)
    work_start = LocalTimeField(required=False, allow_null=True)
    work_end = LocalTimeField(required=False, allow_null=True)
    works_overnight = serializers.BooleanField(
        required=False, help_text="Must be true when work_end is before work_start (a night shift)."
    )
    work_days = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=6), required=False)
    goals = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMITS["goals"])
    skills_wanted = serializers.ListField(
        child=serializers.CharField(max_length=TAG_LENGTH_MAX), max_length=TAGS_MAX, required=False
    )
    expertise = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMITS["expertise"])
    skills_offered = serializers.ListField(
        child=serializers.CharField(max_length=TAG_LENGTH_MAX), max_length=TAGS_MAX, required=False
    )
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=CAPACITY_MIN, max_value=CAPACITY_MAX)
    answers = serializers.DictField(
        required=False,
        help_text="{question key: answer}; an answer is a text (at most "
        f"{ANSWER_MAX} characters) or a list of texts (multiple choice).",
    )


class QuestionSerializer(serializers.ModelSerializer):
    key = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=question_services.KEY_MAX,
        help_text="Defaults to a slug of the label; cannot change later.",
    )
    label = serializers.CharField(
        allow_blank=True,
        max_length=question_services.LABEL_MAX,
        error_messages={"max_length": gettext_lazy("Keep the question to {max_length} characters.")},
    )
    choices = serializers.ListField(
        child=serializers.CharField(
            allow_blank=True,
            max_length=question_services.CHOICE_MAX,
            error_messages={"max_length": gettext_lazy("Keep each choice to {max_length} characters.")},
        ),
        max_length=question_services.CHOICES_MAX,
        error_messages={"max_length": gettext_lazy("Offer at most {max_length} choices.")},
        required=False,
    )

    class Meta:
        model = Question
        fields = ["id", "key", "label", "kind", "choices", "audience", "required", "position"]
        read_only_fields = ["id", "position"]


class QuestionOrderSerializer(serializers.Serializer):
    order = serializers.ListField(child=serializers.IntegerField(), help_text="Every question id, in the new order.")


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "name", "slug"]
        read_only_fields = ["id", "slug"]


# --- Views ----------------------------------------------------------------------------------


class ProfileView(TenantViewSetMixin, generics.GenericAPIView):
    """A participant's profile: the participant themself or an HR admin of the organization
    (404 for anyone else)."""

    queryset = Participant.objects.select_related("program", "user")
    serializer_class = ProfileSerializer

    def get_object(self) -> Participant:
        return profile_services.get_participant_for_profile(membership=self.request.membership, pk=self.kwargs["pk"])

    def get(self, request: Request, pk: int) -> Response:
        return Response(ProfileSerializer(self.get_object()).data)

    @extend_schema(request=ProfileUpdateSerializer, responses=ProfileSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        participant = self.get_object()
        if not isinstance(request.data, dict):
            raise ValidationFailed(_("Send the profile as a JSON object of fields."))
        participant = profile_services.participant_update_profile(
            participant=participant, actor=request.user, data=dict(request.data)
        )
        return Response(ProfileSerializer(participant).data)


class QuestionViewSet(TenantViewSetMixin, viewsets.ModelViewSet):
    """A program's intake questions (HR admins). Deleting a question deletes its answers."""

    queryset = Question.objects.all()
    serializer_class = QuestionSerializer
    permission_classes = [IsOrganizationAdmin]
    pagination_class = None

    @property
    def program(self) -> Program:
        if not hasattr(self, "_program"):
            self._program = get_for_org(Program, self.request.organization, pk=self.kwargs["program_id"])
        return self._program

    def check_parent_objects(self) -> None:
        if not getattr(self, "swagger_fake_view", False):
            self.program  # noqa: B018 - fetched for its 404

    def get_tenant_queryset(self):
        return Question.objects.filter(program=self.program).select_related("program")

    def perform_create(self, serializer: QuestionSerializer) -> None:
        serializer.instance = question_services.question_create(program=self.program, **serializer.validated_data)

    def perform_update(self, serializer: QuestionSerializer) -> None:
        question: Question = serializer.instance
        data: dict[str, Any] = {
            "label": question.label,
            "kind": question.kind,
            "choices": question.choices,
            "audience": question.audience,
            "required": question.required,
            **serializer.validated_data,
        }
        key = data.pop("key", question.key)
        if key != question.key:
            raise ValidationFailed(
                _("A question's key cannot change."),
                fields={
                    "key": [
                        _("The key stays “%(key)s”: it names the stored answers and the CSV column.")
                        % {"key": question.key}
                    ]
                },
            )
        question_services.question_update(question=question, **data)

    def perform_destroy(self, instance: Question) -> None:
        question_services.question_delete(question=instance)

    @extend_schema(request=QuestionOrderSerializer, responses=QuestionSerializer(many=True))
    @action(detail=False, methods=["post"])
    def reorder(self, request: Request, program_id: int) -> Response:
        """Put the questions in a new order."""
        body = QuestionOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ordered = question_services.question_reorder(program=self.program, order=body.validated_data["order"])
        return Response(QuestionSerializer(ordered, many=True).data)


class IsMemberReadsAdminWrites(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return IsOrganizationMember().has_permission(request, view)
        return IsOrganizationAdmin().has_permission(request, view)


@extend_schema_view(
    create=extend_schema(responses={status.HTTP_201_CREATED: SkillSerializer}),
    update=extend_schema(description="Rename a skill; profiles with the old spelling take the new one."),
    partial_update=extend_schema(description="Rename a skill; profiles with the old spelling take the new one."),
    destroy=extend_schema(description="Remove a skill from the suggestions; profiles keep it."),
)
class SkillViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The organization's skill list: members read it, HR admins change it. Names are
    unique regardless of case and spacing."""

    queryset = Skill.objects.all()
    serializer_class = SkillSerializer
    permission_classes = [permissions.IsAuthenticated, IsMemberReadsAdminWrites]

    def perform_create(self, serializer: SkillSerializer) -> None:
        serializer.instance = skill_services.skill_create(
            organization=self.request.organization, name=serializer.validated_data["name"]
        )

    def perform_update(self, serializer: SkillSerializer) -> None:
        skill_services.skill_rename(
            skill=serializer.instance, name=serializer.validated_data.get("name", serializer.instance.name)
        )

    def perform_destroy(self, instance: Skill) -> None:
        skill_services.skill_delete(skill=instance)
