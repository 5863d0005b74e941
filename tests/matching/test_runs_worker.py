"""Runs through a real Celery worker on Redis and Postgres, including one whose worker is killed."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from bench.matching_e2e import create_program
from bench.synthetic import cohort as synthetic_cohort
from matching import services
from matching.models import MatchProposal, MatchRun
from tests.worker import running_worker, wait_for
from turazo.core.errors import Conflict
from turazo.core.jobs import LEASE_TIMEOUT

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _watch(run_id: int, seen: list, stop: threading.Event, on_running=None) -> None:
    try:
        while not stop.is_set():
            row = MatchRun.objects.filter(pk=run_id).values_list("status", "stage", "progress").first()
            if row and (not seen or seen[-1] != row):
                seen.append(row)
                if on_running and row[0] == "running":
                    on_running()
                    on_running = None
            stop.wait(0.01)
    finally:
        connection.close()


def _run_with_watcher(program, hr_admin, on_running=None):
    seen: list[tuple[str, str, int]] = []
    stop = threading.Event()
    with running_worker():
        run = services.match_run_create(program=program, actor=hr_admin)  # autocommit: enqueued at once
        watcher = threading.Thread(target=_watch, args=[run.pk, seen, stop, on_running])
        watcher.start()
        try:
            wait_for(lambda: not MatchRun.objects.get(pk=run.pk).is_active, timeout=60)
        finally:
            stop.set()
            watcher.join()
    run.refresh_from_db()
    return run, seen


def test_a_run_goes_from_queued_to_done_through_a_real_worker_with_progress_updates(organization, hr_admin):
    program = create_program(organization, synthetic_cohort(3000, 600, capacity=(5, 5)))
    run, seen = _run_with_watcher(program, hr_admin)
    assert run.status == MatchRun.Status.DONE, run.error
    assert run.progress == 100 and run.stats["matched"] == 3000
    assert MatchProposal.objects.filter(run=run).count() == 3000
    running = [(stage, progress) for status, stage, progress in seen if status == "running"]
    assert len(running) >= 2, seen
    assert [p for _, p in running] == sorted(p for _, p in running)
    assert {stage for stage, _ in running} <= {"loading", "scoring", "assigning", "saving"}


def test_a_run_cancelled_while_a_real_worker_runs_it_stops_without_proposals(organization, hr_admin):
    program = create_program(organization, synthetic_cohort(3000, 600, capacity=(5, 5)))

    def cancel() -> None:
        services.match_run_cancel(run=MatchRun.objects.get(program=program))

    run, seen = _run_with_watcher(program, hr_admin, on_running=cancel)
    assert run.status == MatchRun.Status.CANCELLED, (run.status, seen)
    assert run.cancel_requested and run.finished_at is not None
    assert MatchProposal.objects.filter(run=run).count() == 0


def test_a_run_whose_worker_is_killed_is_failed_by_the_reaper_which_frees_the_program_and_retry_completes_it(
    organization, hr_admin
):
    program = create_program(organization, synthetic_cohort(3000, 600, capacity=(5, 5)))
    with running_worker() as worker:
        run = services.match_run_create(program=program, actor=hr_admin)
        wait_for(lambda: MatchRun.objects.get(pk=run.pk).stage in ("scoring", "assigning"), timeout=60, interval=0.02)
        worker.kill()
    run.refresh_from_db()
    assert (run.status, run.stage) in {("running", "scoring"), ("running", "assigning")}
    with pytest.raises(Conflict):  # the dead run still holds the program
        services.match_run_create(program=program, actor=hr_admin)

    assert services.match_runs_reap().abandoned == []  # the lease is still fresh: it could be alive
    reaped = services.match_runs_reap(now=timezone.now() + LEASE_TIMEOUT + dt.timedelta(seconds=1))
    assert reaped.abandoned == [run.pk]
    stage = MatchRun.Stage(run.stage).label.lower()
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert run.error == f"The background worker stopped while {stage} ({run.progress}%); press Retry to run it again."
    assert run.can_retry
    assert MatchProposal.objects.filter(run=run).count() == 0

    with running_worker():
        assert services.match_run_retry(run=run, actor=hr_admin).status == MatchRun.Status.QUEUED
        wait_for(lambda: not MatchRun.objects.get(pk=run.pk).is_active, timeout=120)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE, run.error
    assert MatchProposal.objects.filter(run=run).count() == 3000
