"""Shared model bases (timestamps, tenant scoping), the worker heartbeat and the job outbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from turazo.core.errors import NotFound

M = TypeVar("M", bound=models.Model)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TenantQuerySet(models.QuerySet):
    def for_organization(self, organization: models.Model | None) -> TenantQuerySet:
        """Rows of ``organization`` (an ``accounts.Organization``); none without one."""
        if organization is None:
            return self.none()
        return self.filter(organization=organization)


class TenantModel(TimeStampedModel):
    # Named by label, never imported: core sits below accounts (docs/architecture.md).
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")

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


class Job(models.Model):
    """A Celery task recorded in the database before it goes to the broker: the
    transactional outbox behind ``turazo.core.jobs.enqueue_on_commit`` (read that
    module's docstring). The row is written in the caller's transaction, published
    after commit, and published again by a periodic sweep while the broker was down."""

    task = models.CharField(max_length=200, help_text="The Celery task's registered name.")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(
        max_length=200, blank=True, help_text="Enqueues with the same key coalesce until the task starts."
    )
    created_at = models.DateTimeField(default=timezone.now)
    not_before = models.DateTimeField(default=timezone.now, help_text="The task must not start earlier.")
    dispatched_at = models.DateTimeField(null=True, blank=True, help_text="Handed to the broker.")
    started_at = models.DateTimeField(null=True, blank=True, help_text="A worker began running it.")
    attempts = models.PositiveIntegerField(default=0, help_text="Times it was handed to the broker or tried to be.")
    last_error = models.CharField(max_length=300, blank=True, help_text="Why the last hand-over failed.")

    class Meta:
        ordering = ["pk"]
        indexes = [
            # What the sweep reads: rows still to hand to the broker.
            models.Index(
                fields=["created_at"], condition=models.Q(dispatched_at__isnull=True), name="job_undispatched"
            ),
            # What a deduplicated enqueue looks for: rows with its key whose task has not started.
            models.Index(
                fields=["dedupe_key"],
                condition=models.Q(started_at__isnull=True) & ~models.Q(dedupe_key=""),
                name="job_dedupe_waiting",
            ),
            models.Index(fields=["dispatched_at"], name="job_dispatched_at"),
        ]
        constraints = [models.CheckConstraint(condition=~models.Q(task=""), name="job_task_named")]

    def __str__(self) -> str:
        state = "started" if self.started_at else "dispatched" if self.dispatched_at else "waiting"
        return f"Job #{self.pk} {self.task} ({state})"


class ActionLink(models.Model):
    """A single-use, expiring link in an email that lets its recipient act on one object
    (cancel a session, accept a request...). See turazo/core/action_links.py.

    Only the SHA-256 of the token is stored: the raw token exists only in the email.
    ``outcome`` records what the link did, so a second click can say so.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=60, help_text="Which handler acts on the link, e.g. session.cancel.")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True, help_text="What the link did, shown on a second click.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id"], name="actionlink_target")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(used_at__isnull=True) | ~models.Q(outcome=""), name="actionlink_used_has_outcome"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} link for {self.target_type_id}:{self.target_id}"

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
