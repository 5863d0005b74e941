from __future__ import annotations

from rest_framework import generics, mixins, permissions, viewsets

from accounts.models import Membership, Organization
from accounts.services import user_update_preferences
from mentoring.serializers import MeSerializer, OrganizationSerializer
from turazo.core.api import TenantViewSetMixin


class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in person. Not tenant data: every user sees only themself."""

    serializer_class = MeSerializer
    permission_classes = [permissions.IsAuthenticated]
    tenant_exempt = "the caller's own account"
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer: MeSerializer) -> None:
        user = serializer.instance
        data = serializer.validated_data
        serializer.instance = user_update_preferences(
            user=user, full_name=data.get("full_name", user.full_name), timezone=data.get("timezone", user.timezone)
        )


class OrganizationViewSet(
    TenantViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Organizations the caller belongs to; ``is_current`` marks the one requests act in."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return Organization.objects.filter(memberships__user=self.request.user).order_by("name", "pk")

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        context["memberships"] = {m.organization_id: m for m in Membership.objects.filter(user=self.request.user)}
        return context
