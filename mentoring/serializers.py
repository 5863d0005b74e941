from __future__ import annotations

from rest_framework import serializers

from mentoring.models import Membership, Organization, User


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "timezone"]
        read_only_fields = ["id", "email"]


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
