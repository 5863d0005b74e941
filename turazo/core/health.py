"""/health/: database, broker, worker (Celery ping), beat (heartbeat age) and the job outbox backlog."""

from __future__ import annotations

import dataclasses
import datetime

import celery
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView

from turazo.celery import app as celery_app
from turazo.core.jobs import jobs_backlog
from turazo.core.models import Heartbeat


@dataclasses.dataclass
class Broker(HealthCheck):
    """Can we open a connection to the Celery broker (Redis or the filesystem transport)?"""

    def run(self) -> None:
        try:
            with celery_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception as e:  # any transport error means the broker is unusable
            raise ServiceUnavailable(f"Broker unreachable: {type(e).__name__}") from e


@dataclasses.dataclass
class Beat(HealthCheck):
    """The beat scheduler enqueues a heartbeat every minute and a worker records it."""

    max_age: datetime.timedelta = dataclasses.field(default=datetime.timedelta(minutes=5), repr=False)

    def run(self) -> None:
        beat = Heartbeat.objects.filter(name="beat").first()
        if beat is None:
            raise ServiceWarning("No heartbeat yet: is celery beat running?")
        if timezone.now() - beat.seen_at > self.max_age:
            raise ServiceUnavailable(f"Last heartbeat {beat.seen_at:%Y-%m-%d %H:%M} UTC: beat or workers are down.")


@dataclasses.dataclass
class Workers(Ping):
    """At least one Celery worker answers a ping on the task queue. Answers as soon as
    the first worker replies (the filesystem transport of the embedded default polls slowly)."""

    app: celery.Celery = dataclasses.field(default_factory=lambda: celery_app, repr=False)
    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=6), repr=False)
    limit: int | None = dataclasses.field(default=1, repr=False)


@dataclasses.dataclass
class JobBacklog(HealthCheck):
    """Background jobs saved over a minute ago that the broker has not taken yet
    (turazo/core/jobs.py). Nothing is lost, but nothing runs until the broker answers."""

    def run(self) -> None:
        backlog = jobs_backlog()
        if backlog.count:
            raise ServiceWarning(
                f"{backlog.count} background job(s) waiting for the broker since "
                f"{backlog.oldest:%Y-%m-%d %H:%M} UTC: is the broker reachable? They are sent once it is."
            )


class TurazoHealthView(HealthCheckView):
    tenant_exempt = "service status only"
    checks = (
        "health_check.checks.Database",
        Broker,
        Workers,
        Beat,
        JobBacklog,
    )
