"""Shared model bases (timestamps, tenant scoping) and the worker heartbeat."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from mentoring.models import Organization


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TenantQuerySet(models.QuerySet):
    def for_organization(self, organization: Organization | None) -> TenantQuerySet:
        if organization is None:
            return self.none()
        return self.filter(organization=organization)


class TenantModel(TimeStampedModel):
    organization = models.ForeignKey("mentoring.Organization", on_delete=models.CASCADE, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class Heartbeat(models.Model):
    """Last time a periodic task ran through the worker; /health/ reads it."""

    name = models.CharField(max_length=50, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
