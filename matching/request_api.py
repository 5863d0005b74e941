"""Mentorship requests for HRIS integrations and apps: create, list mine, withdraw (the
mentee), accept and decline (the mentor). Same rules and messages as the pages
(matching/services/requests.py): 400 for bad input, 403 for the wrong person, 409 when the
request or the people moved on (already answered, no free place, limit reached)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from matching import request_selectors as rs
from matching.models import MentorshipRequest
from matching.serializers import PersonSerializer
from matching.services import requests as services
from mentoring.models import Participant, Program
from turazo.core.api import TenantViewSetMixin
from turazo.core.errors import PermissionDenied


class MentorshipRequestSerializer(serializers.ModelSerializer):
    mentee = PersonSerializer(read_only=True)
    mentor = PersonSerializer(read_only=True)
    answered_by = serializers.EmailField(source="answered_by.email", default=None, read_only=True, allow_null=True)

    class Meta:
        model = MentorshipRequest
        fields = [
            "id", "program", "kind", "status", "mentee", "mentor", "message", "score", "explanation",
            "created_at", "expires_at", "reminded_at", "answered_at", "answered_by", "decline_reason",
            "closed_note", "mentorship",
        ]  # fmt: skip
        read_only_fields = fields


class RequestCreateSerializer(serializers.Serializer):
    program = serializers.IntegerField(help_text="The program in which you are a mentee.")
    mentor = serializers.IntegerField(help_text="The mentor's participant id in that program.")
    message = serializers.CharField(
        required=False, allow_blank=True, max_length=MentorshipRequest.MESSAGE_MAX, default=""
    )


class RequestDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=MentorshipRequest.REASON_MAX, default="",
        help_text="Optional; the mentee reads it.",
    )  # fmt: skip


ROLE_PARAM = OpenApiParameter(
    "role", str, enum=["mentee", "mentor"], required=False,
    description="Only the requests you made (mentee) or received (mentor). HR admins see the whole organization's.",
)  # fmt: skip
STATUS_PARAM = OpenApiParameter("status", str, enum=MentorshipRequest.Status.values, required=False)


class MentorshipRequestViewSet(
    TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Requests you made or received (HR admins: all of the organization's), newest first."""

    queryset = rs.requests_queryset()
    serializer_class = MentorshipRequestSerializer

    def get_tenant_queryset(self):
        return rs.requests_visible_to(self.request.user, self.request.membership)

    def get_queryset(self):
        qs = super().get_queryset().order_by("-created_at", "-pk")
        role = self.request.query_params.get("role")
        if role == "mentee":
            qs = qs.filter(mentee__user=self.request.user)
        elif role == "mentor":
            qs = qs.filter(mentor__user=self.request.user)
        wanted = self.request.query_params.get("status")
        if wanted in MentorshipRequest.Status.values:
            qs = qs.filter(status=wanted)
        return qs

    @extend_schema(parameters=[ROLE_PARAM, STATUS_PARAM])
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RequestCreateSerializer, responses={201: MentorshipRequestSerializer})
    def create(self, request: Request) -> Response:
        """Ask a mentor (you must be an active mentee of the program); the mentor gets an email."""
        body = RequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        program = get_object_or_404(
            Program.objects.for_organization(request.organization), pk=body.validated_data["program"]
        )
        mentee = (
            Participant.objects.for_organization(request.organization)
            .select_related("program")
            .filter(program=program, user=request.user, role=Participant.Role.MENTEE)
            .first()
        )
        if mentee is None:
            raise PermissionDenied(
                _("You are not a mentee of %(program)s, so you cannot ask for a mentor there.")
                % {"program": program.name}
            )
        req = services.request_create(
            mentee=mentee,
            mentor_id=body.validated_data["mentor"],
            message=body.validated_data["message"],
            actor=request.user,
        )
        return Response(self.get_serializer(rs.requests_queryset().get(pk=req.pk)).data, status=status.HTTP_201_CREATED)

    def _answer(self, req: MentorshipRequest) -> Response:
        return Response(self.get_serializer(rs.requests_queryset().get(pk=req.pk)).data)

    @extend_schema(request=None, responses=MentorshipRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: int | None = None) -> Response:
        """The mentee takes the request back (409 once it was answered)."""
        return self._answer(services.request_withdraw(request=self.get_object(), actor=request.user))

    @extend_schema(request=None, responses=MentorshipRequestSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: int | None = None) -> Response:
        """The mentor accepts: the mentorship starts (409 when it is no longer open or the mentor is full)."""
        return self._answer(services.request_accept(request=self.get_object(), actor=request.user))

    @extend_schema(request=RequestDeclineSerializer, responses=MentorshipRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: int | None = None) -> Response:
        """The mentor declines, with an optional reason the mentee reads."""
        body = RequestDeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        req = services.request_decline(
            request=self.get_object(), actor=request.user, reason=body.validated_data["reason"]
        )
        return self._answer(req)
