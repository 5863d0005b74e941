"""Shared model bases (timestamps, tenant scoping) and the worker heartbeat."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from django.db import models, transaction

from turazo.core.errors import NotFound

if TYPE_CHECKING:
    from mentoring.models import Organization

M = TypeVar("M", bound=models.Model)


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


# --- Rows that may be deleted meanwhile ------------------------------------------------------
# A view reads a row, then a service writes it; a DELETE may commit in between. Django then
# raises a bare DatabaseError ("Save with update_fields did not affect any rows") for a save
# with update_fields, or DoesNotExist for a locking re-read: a 500 either way. Services go
# through these two instead, so a row deleted meanwhile is a 404 saying what happened.
# tests/core/test_concurrent_deletes.py races each one; a scan there keeps raw
# ``save(update_fields=...)`` out of the apps.


def lock_existing(
    queryset: models.QuerySet[M] | type[M], *, pk: int, gone: str, of: tuple[str, ...] = ()
) -> M:
    """The row ``pk``, locked (SELECT ... FOR UPDATE, ``of`` as there) until the transaction
    ends; NotFound(gone) when it no longer exists. Call inside ``transaction.atomic``."""
    qs = queryset._base_manager.all() if isinstance(queryset, type) else queryset
    row = qs.select_for_update(of=of).filter(pk=pk).first()
    if row is None:
        raise NotFound(gone)
    return row


def save_existing(instance: models.Model, *, update_fields: Sequence[str], gone: str) -> None:
    """Save ``update_fields`` of a row read earlier; NotFound(gone) when it was deleted since.

    The row is locked first, so it cannot disappear between the check and the UPDATE."""
    with transaction.atomic():
        lock_existing(instance._meta.model, pk=instance.pk, gone=gone)
        instance.save(update_fields=list(update_fields))


class Heartbeat(models.Model):
    """Last time a periodic task ran through the worker; /health/ reads it."""

    name = models.CharField(max_length=50, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
