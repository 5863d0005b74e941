"""Invitations for HRIS integrations (HR admins only): list, resend, revoke."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentoring.models import Invitation, Participant, Program
from mentoring.services import invitations as services
from turazo.core.api import IsOrganizationAdmin, TenantViewSetMixin
from turazo.core.errors import NotFound, ValidationFailed


class InvitationParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "email", "full_name", "role", "status"]


class InvitationSerializer(serializers.ModelSerializer):
    participant = InvitationParticipantSerializer(read_only=True)
    program = serializers.IntegerField(source="participant.program_id", read_only=True)
    status = serializers.ChoiceField(
        source="effective_status",
        choices=Invitation.Status.choices,
        read_only=True,
        help_text="Effective status: a live invitation past its expiry reads as expired.",
    )
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "program",
            "participant",
            "status",
            "invited_by",
            "created_at",
            "sent_at",
            "expires_at",
            "responded_at",
            "attempts",
            "last_error",
        ]
        read_only_fields = fields


ERRORS = {
    404: OpenApiResponse(description="No such invitation in your organization."),
    409: OpenApiResponse(description="The invitation's state forbids this (e.g. already accepted)."),
}


@extend_schema_view(
    list=extend_schema(
        summary="List invitations",
        description="Every invitation of the current organization, newest first (resending keeps the old ones "
        "as revoked, so this is the full history).",
        parameters=[
            OpenApiParameter(
                "program", OpenApiTypes.INT, description="Only this program's invitations (404 if unknown)."
            ),
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=services.EFFECTIVE_STATUSES, description="Effective status."
            ),
        ],
    ),
    retrieve=extend_schema(summary="One invitation", responses={200: InvitationSerializer, 404: ERRORS[404]}),
)
class InvitationViewSet(TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Invitations are created by adding or importing participants; here admins follow,
    resend and revoke them. The raw link token is never exposed: only the email has it."""

    queryset = Invitation.objects.select_related("participant", "invited_by")
    serializer_class = InvitationSerializer
    permission_classes = [IsOrganizationAdmin]

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset()
        params = self.request.query_params
        program = None
        if params.get("program"):
            if not params["program"].isdigit():
                raise ValidationFailed(
                    _("program must be a program id."), fields={"program": [_("Enter a whole number.")]}
                )
            program = Program.objects.for_organization(self.request.organization).filter(pk=params["program"]).first()
            if program is None:
                raise NotFound(_("No such program in your organization."))
        status_filter = params.get("status") or None
        if status_filter and status_filter not in services.EFFECTIVE_STATUSES:
            raise ValidationFailed(
                _("Unknown status %(status)s.") % {"status": repr(status_filter)},
                fields={"status": [_("Choose one of: %(items)s.") % {"items": ", ".join(services.EFFECTIVE_STATUSES)}]},
            )
        return services.invitation_list(organization=self.request.organization, program=program, status=status_filter)

    @extend_schema(
        summary="Resend an invitation",
        description="Revokes this invitation (its link dies) and emails a new one with a fresh link and expiry. "
        "409 when the participant already joined, declined or was removed.",
        request=None,
        responses={201: InvitationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, pk: int | None = None) -> Response:
        invitation = self.get_object()
        new = services.invitation_resend(invitation=invitation, actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=new.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revoke an invitation",
        description="Its link stops working. 409 unless the invitation is live (pending, sent or failed).",
        request=None,
        responses={200: InvitationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: int | None = None) -> Response:
        invitation = services.invitation_revoke(invitation=self.get_object(), actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=invitation.pk)).data)
