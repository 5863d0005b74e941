"""Programs and participants for HRIS integrations (HR admins only)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentoring import selectors
from mentoring.models import Participant, Program
from mentoring.serializers import (
    ParticipantCreateSerializer,
    ParticipantSerializer,
    ProgramSerializer,
    ProgramTransitionSerializer,
)
from mentoring.services import programs as program_services
from turazo.core.api import IsOrganizationAdmin, TenantViewSetMixin


class ProgramViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Programs of the current organization, with their participant counts."""

    queryset = Program.objects.all()
    serializer_class = ProgramSerializer
    permission_classes = [IsOrganizationAdmin]

    def get_queryset(self):
        return selectors.programs_with_counts(self.request.organization)

    def perform_create(self, serializer: ProgramSerializer) -> None:
        serializer.instance = program_services.program_create(
            organization=self.request.organization, actor=self.request.user, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer: ProgramSerializer) -> None:
        program_services.program_update(program=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @extend_schema(request=ProgramTransitionSerializer, responses=ProgramSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: int | None = None) -> Response:
        """Move the program to another status (409 when that move is not allowed)."""
        program = self.get_object()
        body = ProgramTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        program_services.program_transition(program=program, status=body.validated_data["status"], actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=program.pk)).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Search name, email, department, job title"),
            OpenApiParameter("role", OpenApiTypes.STR, enum=Participant.Role.values),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=sorted({*Participant.InvitationStatus.values, *Participant.Status.values, "all"}),
                description="An invitation_status, or the record's own status (invited, active), or all. "
                "Default: everyone but removed participants.",
            ),
            OpenApiParameter("completeness", OpenApiTypes.STR, enum=["complete", "partial", "empty"]),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(selectors.SORTS)),
        ]
    ),
    create=extend_schema(request=ParticipantCreateSerializer, responses={201: ParticipantSerializer}),
)
class ParticipantViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Participants of one program. Profiles are edited through the profile endpoint."""

    queryset = Participant.objects.all()
    serializer_class = ParticipantSerializer
    permission_classes = [IsOrganizationAdmin]

    def check_parent_objects(self) -> None:
        if not getattr(self, "swagger_fake_view", False):
            self.program()

    def program(self) -> Program:
        if not hasattr(self, "_program"):
            self._program = get_object_or_404(
                Program.objects.for_organization(self.request.organization), pk=self.kwargs["program_id"]
            )
        return self._program

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Participant.objects.none()
        p = self.request.query_params
        return selectors.participants_table(
            self.program(),
            search=p.get("q", ""),
            role=p.get("role", ""),
            status=p.get("status", ""),
            completeness=p.get("completeness", ""),
            sort=p.get("sort", "name"),
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        body = ParticipantCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        send = data.pop("send_invitation")
        participant = program_services.participant_add(program=self.program(), actor=request.user, **data)
        if send:
            from mentoring.services.invitations import invitation_issue_bulk

            invitation_issue_bulk(participants=[participant], invited_by=request.user)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=participant.pk)).data, status=status.HTTP_201_CREATED
        )
