"""Background jobs that survive a broker outage and a dead worker.

Enqueue: ``enqueue_on_commit``
------------------------------
Use it instead of ``task.delay(...)``, ``task.apply_async(...)`` or
``transaction.on_commit(partial(task.delay, ...))``, everywhere::

    from turazo.core.jobs import enqueue_on_commit

    @transaction.atomic
    def invitation_resend(...):
        ...
        enqueue_on_commit(invitations_send, [new.pk])

It writes a :class:`~turazo.core.models.Job` row (task name, args, kwargs) in
the caller's transaction, so the job exists exactly when the data it works on
does, and a rollback leaves neither. After commit it hands the task to the
broker over a short-timeout connection and marks the row dispatched. When the
broker cannot be reached that costs the request about a second at worst: the
error is logged (never the broker URL's password), noted on the row, and the
request carries on. The periodic sweep (``jobs_dispatch_pending``, every 30
seconds on beat) publishes what is still waiting once the broker answers again.
Called outside a transaction, the row is written and published at once.

Keyword-only options (so a task cannot have arguments with these names):

``countdown=seconds``
    Do not start before then. Up to a minute travels as a broker countdown;
    longer delays wait in the table and the sweep publishes them when due, so
    no long ETA sits in a worker's memory.
``dedupe_key="suggestions:42"``
    Coalesce a burst. While a job with the same key has not started, another
    enqueue returns that job instead of adding one. The waiting row is locked
    until the enqueuing transaction ends, and a worker marks a job started
    (``task_prerun``) before running it, so the task cannot start before that
    transaction commits: it always sees the change that asked for it. A
    dispatched job that no worker started within ``DEDUPE_STALE`` no longer
    absorbs enqueues (its message may have been lost).

The task, in return, must take ids and plain JSON values, and be safe to run
twice: the sweep may publish a job again when a hand-over timed out but in
fact arrived, and tasks with ``acks_late`` are redelivered when their worker
dies. Claim work with a conditional UPDATE, a status transition or
``select_for_update(skip_locked=True)``.

With ``CELERY_TASK_ALWAYS_EAGER`` (the tests) the task runs in-process right
after commit, and its exceptions propagate as eager tasks' do.

Long jobs: ``Lease`` and ``long_jobs_reap``
-------------------------------------------
A job that runs for minutes (an import, a match run) has ``queued_at`` and
``heartbeat_at`` fields and statuses queued → running → done/failed. While it
runs, ``Lease`` renews ``heartbeat_at`` from a background thread; the thread
dies with the process, so a heartbeat older than ``LEASE_TIMEOUT`` means the
worker is gone. ``long_jobs_reap`` (each app calls it from a beat task) fails
such jobs with a message saying what happened and that Retry is possible,
publishes queued jobs nobody picked up again, and fails them after
``QUEUED_GIVE_UP``. Enqueue a long job with ``dedupe_key=long_job_key(job)``
so a retry, a re-dispatch and a double click never queue it twice.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, partial
from typing import Any

import kombu.exceptions
from celery import Task
from celery.exceptions import NotRegistered
from celery.signals import task_prerun
from django.db import DatabaseError, connections, models, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from turazo.celery import app as celery_app
from turazo.core.models import Job

logger = logging.getLogger(__name__)

#: Seconds a hand-over to the broker may take (connect, and wait for its answer).
PUBLISH_TIMEOUT_S = 1.0
#: Rows younger than this are left to their own transaction's after-commit hand-over.
SWEEP_GRACE = timedelta(seconds=10)
SWEEP_BATCH = 200
#: Longer countdowns wait in the table instead of in the broker.
BROKER_COUNTDOWN_MAX = timedelta(minutes=1)
DEDUPE_STALE = timedelta(minutes=10)
#: Dispatched rows are kept this long (to look into what ran), then pruned.
KEEP_DISPATCHED = timedelta(days=2)
#: /health/ warns about rows waiting longer than this.
BACKLOG_WARN_AFTER = timedelta(minutes=1)

#: A running long job renews its heartbeat this often...
HEARTBEAT_EVERY_S = 15.0
#: ...and is given up on when the heartbeat is older than this.
LEASE_TIMEOUT = timedelta(minutes=2)
#: A queued long job nobody started is published again after this...
QUEUED_REDISPATCH_AFTER = timedelta(minutes=5)
#: ...and failed after this (the task time limit: a worker would have finished it by then).
QUEUED_GIVE_UP = timedelta(minutes=30)

HEADER = "turazo_job"
RESERVED = frozenset({"countdown", "dedupe_key"})


# --- Enqueue ---------------------------------------------------------------------------


def enqueue_on_commit(
    task: Task | str, /, *args: Any, countdown: float | None = None, dedupe_key: str = "", **kwargs: Any
) -> Job:
    """Record ``task(*args, **kwargs)`` in the current transaction and run it after
    commit (see the module docstring). ``task`` is a Celery task or its registered
    name (handy where importing the task module would be circular). Returns the
    job row, or with ``dedupe_key`` the waiting job that absorbed this call."""
    name = _task(task).name
    _check_arguments(name)
    json.dumps([args, kwargs])  # a TypeError here, before any write, names the bad argument
    now = timezone.now()
    not_before = now + timedelta(seconds=countdown) if countdown else now
    # No savepoint: a failed INSERT fails the caller's transaction as any write of theirs would.
    with transaction.atomic(savepoint=False):
        if dedupe_key:
            waiting = _waiting(dedupe_key, now).select_for_update(skip_locked=True).first()
            if waiting is not None:
                return waiting
        job = Job.objects.create(
            task=name, args=list(args), kwargs=kwargs, dedupe_key=dedupe_key, created_at=now, not_before=not_before
        )
        # robust: nothing that goes wrong after commit may turn a saved change into a 500;
        # eager mode (tests) keeps the task's own exceptions visible.
        transaction.on_commit(partial(_dispatch_committed, job.pk), robust=not _eager())
    return job


def _task(task: Task | str) -> Task:
    return celery_app.tasks[task] if isinstance(task, str) else task


@cache
def _check_arguments(name: str) -> None:
    clash = RESERVED & set(inspect.signature(celery_app.tasks[name].run).parameters)
    if clash:
        raise TypeError(f"Task {name} has argument(s) {', '.join(sorted(clash))}, reserved by enqueue_on_commit.")


def _waiting(dedupe_key: str, now: datetime) -> models.QuerySet[Job]:
    stale = now - DEDUPE_STALE
    return (
        Job.objects.filter(dedupe_key=dedupe_key, started_at__isnull=True)
        .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__gt=stale) | Q(not_before__gt=stale))
        .order_by("pk")
    )


def _eager() -> bool:
    return bool(celery_app.conf.task_always_eager)


# --- Hand-over to the broker --------------------------------------------------------------


def _dispatch_committed(job_id: int) -> None:
    """After commit: publish the job unless a sweeper holds it or it is due later."""
    if _eager():  # eager tasks ignore countdowns: run it now
        _run_eagerly(Job.objects.filter(pk=job_id))
        return
    due = Q(pk=job_id, dispatched_at__isnull=True, not_before__lte=timezone.now() + BROKER_COUNTDOWN_MAX)
    with transaction.atomic():
        _publish(list(Job.objects.select_for_update(skip_locked=True).filter(due)))


def jobs_dispatch_pending(*, now: datetime | None = None) -> int:
    """Publish every committed job still waiting for the broker: those whose
    after-commit hand-over failed (broker down) or never ran (the process died),
    and delayed ones now due. Rows are claimed with ``SKIP LOCKED``, so two
    sweepers (or a sweeper and a request) never publish the same row; a broker
    error stops the sweep until the next run. Returns how many were published."""
    now = now or timezone.now()
    pending = Job.objects.filter(
        dispatched_at__isnull=True, created_at__lte=now - SWEEP_GRACE, not_before__lte=now + BROKER_COUNTDOWN_MAX
    ).order_by("pk")
    published, after = 0, 0
    while True:
        if _eager():
            batch = list(pending.filter(pk__gt=after)[:SWEEP_BATCH])
            published += _run_eagerly(Job.objects.filter(pk__in=[j.pk for j in batch]))
            broker_down = False
        else:
            with transaction.atomic():
                batch = list(pending.filter(pk__gt=after).select_for_update(skip_locked=True)[:SWEEP_BATCH])
                sent, broker_down = _publish(batch)
                published += sent
        if broker_down or len(batch) < SWEEP_BATCH:
            return published
        after = batch[-1].pk


def _publish(jobs: list[Job]) -> tuple[int, bool]:
    """Hand each job to the broker over one short-timeout connection and mark it
    dispatched. Returns (published, broker_down); stops at the first broker error."""
    if not jobs:
        return 0, False
    published = 0
    with celery_app.connection_for_write(
        connect_timeout=PUBLISH_TIMEOUT_S, transport_options=_publish_transport_options()
    ) as connection:
        for job in jobs:
            now = timezone.now()
            try:
                task = _task(job.task)
            except NotRegistered as e:  # renamed or removed since it was queued: skip, keep it visible
                _note_failure(job, e)
                continue
            try:
                task.apply_async(
                    args=job.args,
                    kwargs=job.kwargs,
                    eta=job.not_before if job.not_before > now else None,
                    headers={HEADER: job.pk},
                    connection=connection,
                    retry=False,  # a fresh connection: nothing stale to retry; the sweep is the retry
                )
            except Exception as e:  # the broker, mostly; anything else must not fail the request either
                _note_failure(job, e)
                if _is_broker_error(e, connection):
                    return published, True
                continue
            Job.objects.filter(pk=job.pk).update(dispatched_at=now, attempts=F("attempts") + 1, last_error="")
            published += 1
    return published, False


def _note_failure(job: Job, error: Exception) -> None:
    text = _describe(error)
    logger.warning("Job %s (%s) was not handed to the broker: %s", job.pk, job.task, text)
    Job.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1, last_error=text[:300])


def _run_eagerly(jobs: models.QuerySet[Job]) -> int:
    ran = 0
    for job in list(jobs.order_by("pk")):
        if Job.objects.filter(pk=job.pk, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now(), attempts=F("attempts") + 1
        ):
            _task(job.task).apply_async(args=job.args, kwargs=job.kwargs, headers={HEADER: job.pk})
            ran += 1
    return ran


def _publish_transport_options() -> dict[str, float]:
    """One connection attempt (kombu would otherwise retry for seconds), with socket
    timeouts so a broker that accepts connections but does not answer costs no more."""
    options: dict[str, float] = {"max_retries": 0}
    if celery_app.conf.broker_url.split(":", 1)[0] in ("redis", "rediss"):
        options |= {"socket_connect_timeout": PUBLISH_TIMEOUT_S, "socket_timeout": PUBLISH_TIMEOUT_S}
    return options


def _is_broker_error(error: Exception, connection: Any) -> bool:
    known = (kombu.exceptions.OperationalError, OSError, TimeoutError)
    try:
        known += tuple(connection.connection_errors) + tuple(connection.channel_errors)
    except Exception:  # the transport itself could not be loaded
        return True
    return isinstance(error, known)


_CREDENTIALS = re.compile(r"(\w+://)[^@/\s]*@")


def _describe(error: Exception) -> str:
    """The error for logs and the row, with any URL's user and password removed."""
    return _CREDENTIALS.sub(r"\1***@", f"{type(error).__name__}: {error}")


@task_prerun.connect(dispatch_uid="turazo.core.jobs.mark_started")
def _mark_started(sender: Any = None, task: Task | None = None, **_: Any) -> None:
    """A worker is about to run a job: it no longer absorbs deduplicated enqueues.
    The UPDATE waits while an enqueuing transaction holds the row (see ``dedupe_key``)."""
    request = getattr(task, "request", None)
    job_id = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER)
    if job_id:
        Job.objects.filter(pk=int(job_id), started_at__isnull=True).update(started_at=timezone.now())


# --- Upkeep and monitoring ------------------------------------------------------------------


def jobs_prune(*, now: datetime | None = None) -> int:
    """Delete rows dispatched more than ``KEEP_DISPATCHED`` ago. Waiting rows are
    work not yet done and are never pruned."""
    cutoff = (now or timezone.now()) - KEEP_DISPATCHED
    deleted, _ = Job.objects.filter(dispatched_at__lt=cutoff).delete()
    return deleted


@dataclass(frozen=True)
class Backlog:
    count: int
    oldest: datetime | None


def jobs_backlog(*, now: datetime | None = None, older_than: timedelta = BACKLOG_WARN_AFTER) -> Backlog:
    """Jobs due for longer than ``older_than`` that are still not handed to the broker."""
    cutoff = (now or timezone.now()) - older_than
    waiting = Job.objects.filter(dispatched_at__isnull=True, created_at__lt=cutoff, not_before__lt=cutoff)
    row = waiting.aggregate(count=models.Count("pk"), oldest=Min("created_at"))
    return Backlog(count=row["count"], oldest=row["oldest"])


# --- Long jobs: lease and reaper --------------------------------------------------------------


class Lease:
    """Keep a running job's ``heartbeat_at`` fresh while the ``with`` block runs.

    A daemon thread stamps the rows of ``rows`` (e.g. the job filtered on
    status running, so a job failed meanwhile is left alone) every
    ``HEARTBEAT_EVERY_S`` seconds through its own database connection, outside
    the job's transaction. It beats whatever the job is doing (parsing,
    waiting for a lock, inside a solver), and stops only when the process does,
    which is exactly what the reaper needs to know."""

    def __init__(self, rows: models.QuerySet, *, every: float | None = None) -> None:
        self.rows = rows
        self.every = every if every is not None else HEARTBEAT_EVERY_S
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="job-lease", daemon=True)

    def __enter__(self) -> Lease:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    self.rows.update(heartbeat_at=timezone.now())
                except DatabaseError as e:  # e.g. SQLite busy: the next beat tries again
                    logger.warning("Could not renew a %s lease: %s", self.rows.model.__name__, e)
        finally:
            connections.close_all()  # this thread's connections only


def long_job_key(job: models.Model) -> str:
    """The dedupe key every enqueue of this long job uses."""
    return f"{job._meta.label_lower}:{job.pk}"


@dataclass
class Reaped:
    abandoned: list[int] = field(default_factory=list)
    redispatched: list[int] = field(default_factory=list)
    unclaimed: list[int] = field(default_factory=list)


def long_jobs_reap(
    *,
    model: type[models.Model],
    task: Task | str,
    abandoned_message: Callable[[Any], str],
    unclaimed_message: Callable[[Any], str],
    now: datetime | None = None,
) -> Reaped:
    """Look after one kind of long job (``model`` with ``status``, ``error``,
    ``queued_at``, ``heartbeat_at``, ``finished_at``, ``updated_at``):

    * running, heartbeat older than ``LEASE_TIMEOUT``: its worker died; fail it
      with ``abandoned_message(job)``;
    * queued for over ``QUEUED_REDISPATCH_AFTER``: publish it again (deduplicated,
      so at most once per ``DEDUPE_STALE``, and never while its job row still
      waits for the broker);
    * queued for over ``QUEUED_GIVE_UP``: fail it with ``unclaimed_message(job)``.

    Rows are claimed with ``SKIP LOCKED`` and changed with conditional UPDATEs,
    so a job that finishes at the same moment keeps its result, and two reapers
    never act on the same row."""
    now = now or timezone.now()
    status = model.Status
    result = Reaped()
    with transaction.atomic():
        dead = model.objects.select_for_update(skip_locked=True).filter(
            status=status.RUNNING, heartbeat_at__lt=now - LEASE_TIMEOUT
        )
        for job in dead:
            if model.objects.filter(pk=job.pk, status=status.RUNNING).update(
                status=status.FAILED, error=abandoned_message(job), finished_at=now, updated_at=now
            ):
                result.abandoned.append(job.pk)
    with transaction.atomic():
        waiting = model.objects.select_for_update(skip_locked=True).filter(
            status=status.QUEUED, queued_at__lt=now - QUEUED_REDISPATCH_AFTER
        )
        for job in waiting:
            if job.queued_at < now - QUEUED_GIVE_UP:
                if model.objects.filter(pk=job.pk, status=status.QUEUED).update(
                    status=status.FAILED, error=unclaimed_message(job), finished_at=now, updated_at=now
                ):
                    result.unclaimed.append(job.pk)
            else:
                enqueue_on_commit(task, job.pk, dedupe_key=long_job_key(job))
                result.redispatched.append(job.pk)
    for kind, ids in (("abandoned by their worker", result.abandoned), ("never picked up", result.unclaimed)):
        if ids:
            logger.warning("Failed %s %s (%s): %s", len(ids), model.__name__, kind, ids)
    return result
