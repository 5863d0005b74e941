"""/health/: database, broker, worker (Celery ping), beat (heartbeat age) and the job outbox backlog.

The checks run in parallel (django-health-check runs each in a thread), each with a
short budget, so the page answers in well under a second when all is well and in
about two when a worker does not answer. Each check is named plainly (``database``,
``broker``, ``workers``, ``beat``, ``jobs``): those are the keys of ``?format=json``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from concurrent.futures import ThreadPoolExecutor

import celery
from csp.constants import UNSAFE_INLINE
from django.db import connections
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Database as _Database
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView

from turazo.celery import app as celery_app
from turazo.core.jobs import jobs_backlog
from turazo.core.models import Heartbeat


class _Named:
    """The check's key in every format of the page (the library uses ``repr``)."""

    name: str

    def __repr__(self) -> str:
        return self.name


@dataclasses.dataclass(repr=False)
class Database(_Named, _Database):
    name = "database"
    timeout = datetime.timedelta(seconds=3)


@dataclasses.dataclass(repr=False)
class Broker(_Named, HealthCheck):
    """Can we open a connection to the Celery broker (Redis or the filesystem transport)?"""

    name = "broker"
    timeout = datetime.timedelta(seconds=2)

    def run(self) -> None:
        try:
            with celery_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except Exception as e:  # any transport error means the broker is unusable
            raise ServiceUnavailable(f"Broker unreachable: {type(e).__name__}") from e


@dataclasses.dataclass(repr=False)
class Beat(_Named, HealthCheck):
    """The beat scheduler enqueues a heartbeat every minute and a worker records it."""

    name = "beat"
    timeout = datetime.timedelta(seconds=3)
    max_age: datetime.timedelta = datetime.timedelta(minutes=5)

    def run(self) -> None:
        beat = Heartbeat.objects.filter(name="beat").first()
        if beat is None:
            raise ServiceWarning("No heartbeat yet: is celery beat running?")
        if timezone.now() - beat.seen_at > self.max_age:
            raise ServiceUnavailable(f"Last heartbeat {beat.seen_at:%Y-%m-%d %H:%M} UTC: beat or workers are down.")


@dataclasses.dataclass(repr=False)
class Workers(_Named, Ping):
    """At least one Celery worker answers a ping on the task queue: answers as soon as
    the first worker replies, and waits at most two seconds for one."""

    name = "workers"
    app: celery.Celery = dataclasses.field(default_factory=lambda: celery_app)
    timeout: datetime.timedelta = datetime.timedelta(seconds=2)
    limit: int | None = 1


@dataclasses.dataclass(repr=False)
class JobBacklog(_Named, HealthCheck):
    """Background jobs saved over a minute ago that the broker has not taken yet
    (turazo/core/jobs.py). Nothing is lost, but nothing runs until the broker answers."""

    name = "jobs"
    timeout = datetime.timedelta(seconds=3)

    def run(self) -> None:
        backlog = jobs_backlog()
        if backlog.count:
            raise ServiceWarning(
                f"{backlog.count} background job(s) waiting for the broker since "
                f"{backlog.oldest:%Y-%m-%d %H:%M} UTC: is the broker reachable? They are sent once it is."
            )


class _ClosingExecutor(ThreadPoolExecutor):
    """Runs each check in a thread of its own and closes that thread's database
    connection when the check is done, so the page leaves no connection behind."""

    def submit(self, fn, /, *args, **kwargs):
        def run():
            try:
                return fn(*args, **kwargs)
            finally:
                connections.close_all()

        return super().submit(run)


class TurazoHealthView(HealthCheckView):
    tenant_exempt = "service status only"
    checks = (Database, Broker, Workers, Beat, JobBacklog)

    @contextlib.contextmanager
    def get_executor(self):
        executor = _ClosingExecutor(max_workers=len(self.checks), thread_name_prefix="health")
        try:
            yield executor
        finally:
            # Not waiting: a check past its budget is already reported as timed out.
            executor.shutdown(wait=False)

    async def dispatch(self, request, *args, **kwargs):
        response = await super().dispatch(request, *args, **kwargs)
        # The library's status page styles itself with a <style> element (and has no script).
        response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return response
