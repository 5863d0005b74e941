"""A run whose worker died, or that no worker picked up: the reaper fails it (freeing the
program), cancel works on it at once, and Retry queues it again, once (pages and API).
The same with a real worker killed mid-run is in test_runs_worker.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from matching import services
from matching.models import MatchProposal, MatchRun
from mentoring.models import Program
from tests.matching import cohort
from turazo.core.errors import Conflict, NotFound
from turazo.core.jobs import LEASE_TIMEOUT, QUEUED_GIVE_UP
from turazo.core.models import Job

pytestmark = pytest.mark.django_db


def _ago(delta: dt.timedelta) -> dt.datetime:
    return timezone.now() - delta - dt.timedelta(seconds=1)


@pytest.fixture
def queued(program, hr_admin) -> MatchRun:
    """A run no worker took yet (its commit hook never runs in these tests)."""
    cohort.cohort(program)
    return services.match_run_create(program=program, actor=hr_admin)


def _died_while_scoring(run: MatchRun) -> MatchRun:
    Job.objects.filter(task="matching.match_run_execute").update(
        dispatched_at=timezone.now(), started_at=timezone.now()
    )
    MatchRun.objects.filter(pk=run.pk).update(
        status="running", stage="scoring", progress=42, started_at=_ago(LEASE_TIMEOUT), heartbeat_at=_ago(LEASE_TIMEOUT)
    )
    return run


@pytest.fixture
def failed(queued) -> MatchRun:
    _died_while_scoring(queued)
    services.match_runs_reap()
    queued.refresh_from_db()
    return queued


def test_a_running_run_whose_heartbeat_stopped_is_failed_and_frees_its_program(queued, program, hr_admin):
    _died_while_scoring(queued)
    with pytest.raises(Conflict, match="already queued or running"):
        services.match_run_create(program=program, actor=hr_admin)

    assert services.match_runs_reap().abandoned == [queued.pk]
    queued.refresh_from_db()
    assert queued.status == "failed"
    assert queued.error == "The background worker stopped while scoring pairs (42%); press Retry to run it again."
    assert queued.finished_at is not None
    assert services.match_run_create(program=program, actor=hr_admin).status == "queued"


def test_the_reaper_runs_every_minute_on_beat(settings):
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["matching.match_runs_reap"] == 60.0


def test_a_running_run_with_a_fresh_heartbeat_is_left_alone(queued):
    MatchRun.objects.filter(pk=queued.pk).update(status="running", heartbeat_at=timezone.now())
    assert services.match_runs_reap().abandoned == []
    queued.refresh_from_db()
    assert queued.status == "running"


def test_a_run_nobody_started_for_half_an_hour_is_failed_with_what_to_check(queued):
    MatchRun.objects.filter(pk=queued.pk).update(queued_at=_ago(QUEUED_GIVE_UP))
    assert services.match_runs_reap().unclaimed == [queued.pk]
    queued.refresh_from_db()
    assert queued.status == "failed"
    assert queued.error == (
        "No background worker started this run within 30 minutes, so it was stopped. Check that the worker is "
        "running (an administrator can see it on /health/), then press Retry."
    )


def test_cancelling_a_run_whose_worker_died_cancels_it_at_once(queued):
    _died_while_scoring(queued)
    run = services.match_run_cancel(run=queued)
    assert run.status == "cancelled"
    assert run.finished_at is not None


def test_cancelling_a_live_running_run_asks_it_to_stop(queued):
    MatchRun.objects.filter(pk=queued.pk).update(status="running", heartbeat_at=timezone.now())
    run = services.match_run_cancel(run=queued)
    assert (run.status, run.cancel_requested) == ("running", True)


# --- Retry -------------------------------------------------------------------------------------


def test_retry_queues_the_failed_run_as_it_is_and_the_worker_completes_it(
    failed, hr_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.match_run_retry(run=failed, actor=hr_admin)
    assert run.pk == failed.pk
    run.refresh_from_db()
    assert (run.status, run.error, run.progress) == ("done", "", 100)
    assert MatchProposal.objects.filter(run=run).count() == 6


def test_retrying_twice_queues_the_run_once(failed, hr_admin):
    assert services.match_run_retry(run=failed, actor=hr_admin).status == "queued"
    assert services.match_run_retry(run=failed, actor=hr_admin).status == "queued"
    waiting = Job.objects.filter(task="matching.match_run_execute", args=[failed.pk], started_at__isnull=True)
    assert waiting.count() == 1


def test_a_run_cannot_be_retried_while_another_run_of_the_program_is_active(failed, program, hr_admin):
    other = services.match_run_create(program=program, actor=hr_admin)
    with pytest.raises(Conflict, match="already queued or running"):
        services.match_run_retry(run=failed, actor=hr_admin)
    failed.refresh_from_db()
    other.refresh_from_db()
    assert (failed.status, other.status) == ("failed", "queued")


def test_only_a_failed_run_can_be_retried(queued, hr_admin):
    services.match_run_execute(run_id=queued.pk)
    with pytest.raises(Conflict, match="Only a failed run can be retried; this one is done. Use Re-run"):
        services.match_run_retry(run=queued, actor=hr_admin)


def test_a_run_of_a_closed_program_cannot_be_retried(failed, program, hr_admin):
    Program.objects.filter(pk=program.pk).update(status=Program.Status.CLOSED)
    failed.refresh_from_db()
    with pytest.raises(Conflict, match="is closed"):
        services.match_run_retry(run=failed, actor=hr_admin)


def test_retrying_a_run_deleted_meanwhile_says_so(failed, hr_admin):
    MatchRun.objects.filter(pk=failed.pk).delete()
    with pytest.raises(NotFound, match="This matching run was deleted meanwhile"):
        services.match_run_retry(run=failed, actor=hr_admin)
    assert Job.objects.filter(task="matching.match_run_execute", started_at__isnull=True).count() == 0


def test_the_failed_run_page_offers_retry_and_the_button_queues_it(client, hr_admin, failed):
    client.force_login(hr_admin)
    detail = reverse("matchrun-detail", args=[failed.pk])
    page = client.get(detail).content.decode()
    assert "This run failed.</strong> No proposals were saved. The background worker stopped while scoring" in page
    assert f'action="{reverse("matchrun-retry", args=[failed.pk])}"' in page

    response = client.post(reverse("matchrun-retry", args=[failed.pk]), follow=True)
    assert response.redirect_chain == [(detail, 302)]
    html = response.content.decode()
    assert "The run is queued again; it starts as soon as a background worker is free." in html
    assert "Saved and queued: the run starts as soon as a background worker is free." in html


def test_a_run_waiting_long_for_a_worker_says_so(client, hr_admin, queued):
    MatchRun.objects.filter(pk=queued.pk).update(queued_at=timezone.now() - dt.timedelta(minutes=5))
    client.force_login(hr_admin)
    page = client.get(reverse("matchrun-detail", args=[queued.pk])).content.decode()
    assert "Queued 5\xa0minutes ago and no background worker has started it yet" in page


def test_the_api_retries_with_202_and_answers_409_when_it_cannot(failed, hr_admin):
    api = APIClient()
    api.force_authenticate(hr_admin)
    url = reverse("api-matchrun-retry", args=[failed.pk])
    response = api.post(url)
    assert response.status_code == 202
    body = response.json()
    assert (body["id"], body["status"], body["error"], body["can_retry"]) == (failed.pk, "queued", "", False)
    services.match_run_execute(run_id=failed.pk)
    response = api.post(url)
    assert response.status_code == 409
    assert response.json()["error"]["message"].startswith("Only a failed run can be retried; this one is done.")
