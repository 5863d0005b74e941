"""Mentorships in the API: a program's mentorships (HR admins: list, add a pair), your own
(list, read, end). Rules are the services'; errors are the API's usual 400/404/409."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from matching.serializers import PersonSerializer
from matching.services import mentorships as services
from mentoring.models import Mentorship, Program
from mentoring.services.mentorships import END_REASON_MAX
from turazo.core.api import IsOrganizationAdmin, TenantViewSetMixin


class MentorshipSerializer(serializers.ModelSerializer):
    mentor = PersonSerializer(read_only=True)
    mentee = PersonSerializer(read_only=True)
    ended_by = serializers.EmailField(source="ended_by.email", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Mentorship
        fields = [
            "id", "program", "mentor", "mentee", "source", "status", "score", "explanation", "created_at",
            "ended_at", "ended_by", "end_reason",
        ]  # fmt: skip
        read_only_fields = fields


class MentorshipCreateSerializer(serializers.Serializer):
    mentor = serializers.IntegerField(help_text="Participant id of an active mentor of the program.")
    mentee = serializers.IntegerField(help_text="Participant id of an active mentee without a mentor.")


class MentorshipEndSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=END_REASON_MAX, help_text="Told to the other person (optional)."
    )


_JOINS = ("mentor", "mentee", "ended_by", "program")
_STATUS_PARAM = OpenApiParameter(
    "status", OpenApiTypes.STR, enum=["active", "ended"], description="Only active or only ended mentorships."
)


class ProgramMentorshipsView(TenantViewSetMixin, generics.ListCreateAPIView):
    """HR admins: a program's mentorships (newest first); POST adds a pair by hand with the
    matching rules (400: not active / a hard rule; 409: program not open, mentee already
    matched, mentor full)."""

    permission_classes = [IsOrganizationAdmin]
    queryset = Mentorship.objects.select_related(*_JOINS)
    serializer_class = MentorshipSerializer

    def get_program(self) -> Program:
        return get_object_or_404(
            Program.objects.for_organization(self.request.organization), pk=self.kwargs["program_id"]
        )

    def check_parent_objects(self) -> None:
        if self.request.organization is not None and self.request.membership.is_admin:
            self.get_program()

    def get_tenant_queryset(self):
        qs = self.queryset.filter(program=self.get_program())
        wanted = self.request.query_params.get("status")
        if wanted in Mentorship.Status.values:
            qs = qs.filter(status=wanted)
        return qs.order_by("-created_at", "-pk")

    @extend_schema(parameters=[_STATUS_PARAM])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=MentorshipCreateSerializer, responses={201: MentorshipSerializer})
    def post(self, request: Request, program_id: int) -> Response:
        body = MentorshipCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        mentorship = services.mentorship_add_pair(
            program=self.get_program(),
            mentor_id=body.validated_data["mentor"],
            mentee_id=body.validated_data["mentee"],
            actor=request.user,
        )
        mentorship = self.queryset.get(pk=mentorship.pk)
        return Response(MentorshipSerializer(mentorship).data, status=status.HTTP_201_CREATED)


class MentorshipViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your mentorships, as mentor or mentee (an HR admin may also read and end any of the
    organization's by id; their list is per program). End one with POST .../end/."""

    queryset = Mentorship.objects.select_related(*_JOINS)
    serializer_class = MentorshipSerializer

    def get_tenant_queryset(self):
        user = self.request.user
        qs = self.queryset.all()
        mine = Q(mentor__user=user) | Q(mentee__user=user)
        if self.action == "list" or not self.request.membership.is_admin:
            qs = qs.filter(mine)
        wanted = self.request.query_params.get("status")
        if wanted in Mentorship.Status.values:
            qs = qs.filter(status=wanted)
        return qs.order_by("-created_at", "-pk")

    @extend_schema(parameters=[_STATUS_PARAM])
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MentorshipEndSerializer, responses=MentorshipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: int) -> Response:
        mentorship = self.get_object()
        body = MentorshipEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.mentorship_end_by(
            mentorship=mentorship,
            actor=request.user,
            admin=request.membership.is_admin,
            reason=body.validated_data.get("reason", ""),
        )
        return Response(MentorshipSerializer(self.get_queryset().get(pk=mentorship.pk)).data)
