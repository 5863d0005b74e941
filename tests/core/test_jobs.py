"""The job outbox (turazo/core/jobs.py): written with the caller's transaction, handed
to the broker after commit, kept and swept while the broker is down, deduplicated,
pruned, and watched by /health/. Leases and the reaper are tested with the jobs that
use them (imports, match runs)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

import pytest
from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone
from health_check.exceptions import ServiceWarning

from tests.worker import broker_unreachable, closed_port
from turazo.core import jobs
from turazo.core.health import JobBacklog
from turazo.core.jobs import enqueue_on_commit, jobs_dispatch_pending
from turazo.core.models import Heartbeat, Job
from turazo.core.tasks import heartbeat

pytestmark = pytest.mark.django_db


@shared_task(name="tests.core.clashing_task")
def clashing_task(countdown: int) -> None:
    """A task whose own argument is named like an enqueue option."""


@pytest.fixture
def published(monkeypatch):
    """Records what is handed to the broker instead of sending it (publishing, not eager)."""
    calls: list[dict] = []
    lock = threading.Lock()

    def apply_async(args=None, kwargs=None, **options):
        time.sleep(0.02)  # a broker round trip: lets concurrent sweepers overlap
        with lock:
            calls.append({"args": args, "kwargs": kwargs, **options})

    monkeypatch.setattr(heartbeat, "apply_async", apply_async)
    monkeypatch.setitem(jobs.celery_app.conf, "task_always_eager", False)
    return calls


def _later(seconds: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


# --- Enqueue and dispatch --------------------------------------------------------------------


def test_a_job_is_written_with_the_transaction_and_runs_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = enqueue_on_commit(heartbeat, "after-commit")
    assert (job.task, job.args, job.kwargs, job.dispatched_at) == (
        "turazo.core.tasks.heartbeat",
        ["after-commit"],
        {},
        None,
    )
    assert not Heartbeat.objects.filter(name="after-commit").exists()

    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert Heartbeat.objects.filter(name="after-commit").exists()
    assert job.dispatched_at is not None
    assert job.started_at is not None  # the task_prerun hook marks the job it runs
    assert job.attempts == 1


def test_a_rolled_back_transaction_leaves_no_job_and_runs_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(heartbeat, "rolled-back")
        raise RuntimeError("the change failed")
    assert Job.objects.count() == 0
    assert not Heartbeat.objects.filter(name="rolled-back").exists()


def test_arguments_that_are_not_json_are_refused_when_enqueuing_not_later():
    with pytest.raises(TypeError):
        enqueue_on_commit(heartbeat, object())
    assert Job.objects.count() == 0


def test_a_task_cannot_take_arguments_named_like_the_enqueue_options():
    with pytest.raises(TypeError, match="countdown, reserved by enqueue_on_commit"):
        enqueue_on_commit(clashing_task, 5)


def test_a_task_can_be_named_instead_of_imported(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit("turazo.core.tasks.heartbeat", "by-name")
    assert Heartbeat.objects.filter(name="by-name").exists()


def test_after_commit_the_job_is_published_with_its_id_in_a_header(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue_on_commit(heartbeat, "published", countdown=5)
    (call,) = published
    assert (call["args"], call["kwargs"], call["headers"]) == (["published"], {}, {"turazo_job": job.pk})
    assert call["eta"] == job.not_before
    assert call["retry"] is False
    job.refresh_from_db()
    assert job.dispatched_at is not None


def test_a_long_countdown_waits_in_the_table_and_the_sweep_publishes_it_when_due(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue_on_commit(heartbeat, "later", countdown=600)
    assert published == []
    assert jobs_dispatch_pending() == 0
    assert jobs_dispatch_pending(now=_later(600)) == 1
    assert [c["args"] for c in published] == [["later"]]
    job.refresh_from_db()
    assert job.dispatched_at is not None


# --- The sweep -------------------------------------------------------------------------------


def test_the_sweep_publishes_jobs_whose_hand_over_never_happened_and_leaves_fresh_ones(published):
    old = Job.objects.create(task="turazo.core.tasks.heartbeat", args=["old"], created_at=_later(-60))
    fresh = Job.objects.create(task="turazo.core.tasks.heartbeat", args=["fresh"])  # its own commit hook has it
    assert jobs_dispatch_pending() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.dispatched_at is not None
    assert fresh.dispatched_at is None


def test_running_the_sweep_twice_publishes_each_job_once(published):
    for name in ("a", "b", "c"):
        Job.objects.create(task="turazo.core.tasks.heartbeat", args=[name], created_at=_later(-60))
    assert jobs_dispatch_pending() == 3
    assert jobs_dispatch_pending() == 0
    assert sorted(c["args"][0] for c in published) == ["a", "b", "c"]


def test_a_job_for_a_task_that_no_longer_exists_is_noted_and_does_not_block_the_others(published):
    gone = Job.objects.create(task="tests.renamed_long_ago", created_at=_later(-60))
    Job.objects.create(task="turazo.core.tasks.heartbeat", args=["next"], created_at=_later(-60))
    assert jobs_dispatch_pending() == 1
    gone.refresh_from_db()
    assert gone.dispatched_at is None
    assert gone.last_error.startswith("NotRegistered")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_the_same_moment_publish_each_job_exactly_once(published):
    ids = [
        Job.objects.create(task="turazo.core.tasks.heartbeat", args=[f"job-{i}"], created_at=_later(-60)).pk
        for i in range(40)
    ]
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def sweep() -> None:
        try:
            barrier.wait()
            counts.append(jobs_dispatch_pending())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(c["headers"]["turazo_job"] for c in published) == ids
    assert sum(counts) == 40
    assert Job.objects.filter(dispatched_at__isnull=True).count() == 0


# --- Broker down -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_change_commits_fast_and_the_job_waits_for_the_sweep(caplog):
    with broker_unreachable():
        started = time.monotonic()
        with transaction.atomic():
            Heartbeat.objects.create(name="the-change", seen_at=timezone.now())
            job = enqueue_on_commit(heartbeat, "the-job")
        elapsed = time.monotonic() - started
        assert jobs_dispatch_pending(now=_later(60)) == 0  # still down: the sweep stops at the first error
    assert elapsed < 2
    assert Heartbeat.objects.filter(name="the-change").exists()
    job.refresh_from_db()
    assert job.dispatched_at is None
    assert job.attempts == 2
    assert job.last_error.startswith("OperationalError")
    assert "was not handed to the broker" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_broker_password_never_reaches_the_logs_or_the_job_row(caplog):
    caplog.set_level(logging.DEBUG)
    with broker_unreachable(f"redis://turazo:s3cret-broker-pass@127.0.0.1:{closed_port()}/0"):
        job = enqueue_on_commit(heartbeat, "secret")
    job.refresh_from_db()
    assert job.last_error
    assert "s3cret-broker-pass" not in job.last_error
    assert "s3cret-broker-pass" not in caplog.text


# --- Deduplication ---------------------------------------------------------------------------


def test_enqueues_with_a_key_join_the_job_that_has_not_started():
    first = enqueue_on_commit(heartbeat, "burst", dedupe_key="burst", countdown=5)
    second = enqueue_on_commit(heartbeat, "burst", dedupe_key="burst", countdown=5)
    assert second.pk == first.pk
    assert Job.objects.count() == 1


def test_once_the_job_started_the_next_enqueue_queues_another():
    first = enqueue_on_commit(heartbeat, "burst", dedupe_key="burst")
    Job.objects.filter(pk=first.pk).update(dispatched_at=timezone.now(), started_at=timezone.now())
    second = enqueue_on_commit(heartbeat, "burst", dedupe_key="burst")
    assert second.pk != first.pk


def test_a_job_dispatched_long_ago_and_never_started_no_longer_absorbs_enqueues():
    lost = enqueue_on_commit(heartbeat, "burst", dedupe_key="burst")
    Job.objects.filter(pk=lost.pk).update(
        created_at=_later(-3600), not_before=_later(-3600), dispatched_at=_later(-3600)
    )
    assert enqueue_on_commit(heartbeat, "burst", dedupe_key="burst").pk != lost.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_that_absorbed_an_enqueue_cannot_start_before_that_transaction_commits():
    """Otherwise the task could read the data as it was before the change that asked for it."""
    waiting = Job.objects.create(task="turazo.core.tasks.heartbeat", dedupe_key="burst", dispatched_at=timezone.now())
    joined, commit = threading.Event(), threading.Event()
    times: dict[str, float] = {}

    def admin_saves() -> None:
        try:
            with transaction.atomic():
                assert enqueue_on_commit(heartbeat, "burst", dedupe_key="burst").pk == waiting.pk
                joined.set()
                commit.wait(5)
                times["committed"] = time.monotonic()
        finally:
            connection.close()

    def worker_starts() -> None:
        try:
            joined.wait(5)
            task = type("T", (), {"request": type("R", (), {"turazo_job": waiting.pk, "headers": None})()})()
            jobs._mark_started(task=task)
            times["started"] = time.monotonic()
        finally:
            connection.close()

    threads = [threading.Thread(target=admin_saves), threading.Thread(target=worker_starts)]
    for t in threads:
        t.start()
    joined.wait(5)
    time.sleep(0.3)
    commit.set()
    for t in threads:
        t.join()
    assert times["started"] >= times["committed"]
    waiting.refresh_from_db()
    assert waiting.started_at is not None


# --- Upkeep and health -----------------------------------------------------------------------


def test_pruning_forgets_old_dispatched_jobs_and_keeps_waiting_ones():
    old = Job.objects.create(task="turazo.core.tasks.heartbeat", dispatched_at=_later(-3 * 86400))
    recent = Job.objects.create(task="turazo.core.tasks.heartbeat", dispatched_at=_later(-3600))
    waiting = Job.objects.create(task="turazo.core.tasks.heartbeat", created_at=_later(-30 * 86400))
    assert jobs.jobs_prune() == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not Job.objects.filter(pk=old.pk).exists()


def test_health_warns_about_jobs_the_broker_has_not_taken_for_over_a_minute():
    Job.objects.create(task="turazo.core.tasks.heartbeat", created_at=_later(-30))
    Job.objects.create(task="turazo.core.tasks.heartbeat", created_at=_later(-3600), dispatched_at=_later(-3500))
    JobBacklog().run()  # nothing old is waiting: OK
    Job.objects.create(task="turazo.core.tasks.heartbeat", created_at=_later(-120), not_before=_later(-120), attempts=3)
    with pytest.raises(ServiceWarning) as warning:
        JobBacklog().run()
    assert str(warning.value).startswith("Warning: 1 background job(s) waiting for the broker since ")
    assert str(warning.value).endswith("is the broker reachable? They are sent once it is.")


def test_the_sweep_and_the_pruning_run_on_beat(settings):
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["turazo.core.jobs_dispatch_pending"] == 30.0
    assert schedule["turazo.core.jobs_prune"] == 3600.0
