"""An import whose worker died, or that no worker picked up: the reaper fails it with a
message that is true, and Retry queues it again, once (pages and API). The same with a
real worker killed mid-apply is in test_import_worker.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from mentoring.models import ImportJob, Participant
from mentoring.services import imports as services
from tests.mentoring.test_import import rows_csv
from turazo.core.errors import Conflict, NotFound, PermissionDenied
from turazo.core.jobs import LEASE_TIMEOUT, QUEUED_GIVE_UP, QUEUED_REDISPATCH_AFTER, Lease
from turazo.core.models import Job

pytestmark = pytest.mark.django_db


def _ago(delta: dt.timedelta, seconds: int = 1) -> dt.datetime:
    return timezone.now() - delta - dt.timedelta(seconds=seconds)


@pytest.fixture
def queued(program, hr_admin) -> ImportJob:
    """A confirmed import whose job no worker took yet (its commit hook never ran here)."""
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(3))
    return services.import_confirm(job=job, actor=hr_admin)


def _died_while_running(job: ImportJob, *, processed: int = 1000, total: int = 20_000) -> ImportJob:
    Job.objects.filter(task="mentoring.import_run").update(dispatched_at=timezone.now(), started_at=timezone.now())
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", processed_rows=processed, total_rows=total, heartbeat_at=_ago(LEASE_TIMEOUT)
    )
    return job


@pytest.fixture
def failed(queued) -> ImportJob:
    _died_while_running(queued)
    services.imports_reap()
    queued.refresh_from_db()
    return queued


# --- The reaper ------------------------------------------------------------------------------


def test_a_running_import_whose_heartbeat_stopped_is_failed_with_where_it_stopped(queued):
    _died_while_running(queued)
    assert services.imports_reap().abandoned == [queued.pk]
    queued.refresh_from_db()
    assert queued.status == "failed"
    assert queued.error == (
        "The background worker stopped while importing row 1,000 of 20,000. Nothing was imported; press Retry."
    )
    assert queued.finished_at is not None
    assert queued.can_retry


def test_a_worker_that_died_before_the_first_row_is_said_so(queued):
    _died_while_running(queued, processed=0, total=3)
    services.imports_reap()
    queued.refresh_from_db()
    assert queued.error == (
        "The background worker stopped before the first of 3 rows was imported. Nothing was imported; press Retry."
    )


def test_a_running_import_with_a_fresh_heartbeat_is_left_alone(queued):
    ImportJob.objects.filter(pk=queued.pk).update(status="running", heartbeat_at=timezone.now())
    assert services.imports_reap().abandoned == []
    queued.refresh_from_db()
    assert queued.status == "running"


def test_the_reaper_runs_every_minute_on_beat(settings):
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["mentoring.imports_reap"] == 60.0


def test_reaping_twice_fails_a_job_once(queued):
    _died_while_running(queued)
    assert services.imports_reap().abandoned == [queued.pk]
    assert services.imports_reap().abandoned == []


def test_a_queued_import_nobody_started_is_published_again_once_its_job_is_stale(queued):
    (first,) = Job.objects.filter(task="mentoring.import_run")
    ImportJob.objects.filter(pk=queued.pk).update(queued_at=_ago(QUEUED_REDISPATCH_AFTER))
    assert services.imports_reap().redispatched == [queued.pk]
    assert Job.objects.filter(task="mentoring.import_run").count() == 1  # its job still waits for the broker

    sent_long_ago = _ago(dt.timedelta(minutes=11))  # handed to the broker, never started: the message is lost
    Job.objects.filter(pk=first.pk).update(
        created_at=sent_long_ago, not_before=sent_long_ago, dispatched_at=sent_long_ago
    )
    services.imports_reap()
    services.imports_reap()
    assert Job.objects.filter(task="mentoring.import_run", args=[queued.pk]).count() == 2


def test_a_queued_import_nobody_started_for_half_an_hour_is_failed_and_can_be_retried(queued):
    ImportJob.objects.filter(pk=queued.pk).update(queued_at=_ago(QUEUED_GIVE_UP))
    assert services.imports_reap().unclaimed == [queued.pk]
    queued.refresh_from_db()
    assert queued.status == "failed"
    assert queued.error.startswith("No background worker started this import within 30 minutes")
    assert queued.can_retry


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_given_up_on_while_still_alive_commits_nothing(program, hr_admin):
    """The reaper was wrong (a worker frozen for minutes came back): its message must stay true."""
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(3))
    reaper = connections.create_connection(DEFAULT_DB_ALIAS)

    def reaper_strikes(processed: int) -> None:  # from its own connection, while the import runs
        with reaper.cursor() as cursor:
            cursor.execute(
                "UPDATE mentoring_importjob SET status = 'failed', error = 'Stopped.' WHERE id = %s", [job.pk]
            )

    try:
        services.import_apply(job_id=job.pk, progress=reaper_strikes)
    finally:
        reaper.close()
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "Stopped.")
    assert Participant.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_lease_renews_the_heartbeat_from_its_own_thread_while_the_job_runs(program, hr_admin):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(1))
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=_ago(LEASE_TIMEOUT))
    with connection.cursor() as cursor, Lease(ImportJob.objects.filter(pk=job.pk, status="running"), every=0.05):
        cursor.execute("SELECT pg_sleep(0.3)")  # the job is busy; the lease is not
        beat = ImportJob.objects.get(pk=job.pk).heartbeat_at
    assert timezone.now() - beat < dt.timedelta(seconds=1)
    assert services.imports_reap().abandoned == []


# --- Retry -------------------------------------------------------------------------------------


def test_retry_queues_a_failed_import_again_and_the_worker_completes_it(
    failed, hr_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_retry(job=failed, actor=hr_admin)
    assert job.status == "queued"
    job.refresh_from_db()
    assert (job.status, job.error, job.summary["created"]) == ("done", "", 3)
    assert Participant.objects.count() == 3


def test_retrying_twice_queues_the_import_once(failed, hr_admin):
    first = services.import_retry(job=failed, actor=hr_admin)
    second = services.import_retry(job=failed, actor=hr_admin)
    assert (first.status, second.status) == ("queued", "queued")
    assert Job.objects.filter(task="mentoring.import_run", args=[failed.pk], started_at__isnull=True).count() == 1


def test_a_finished_import_cannot_be_retried(queued, hr_admin):
    services.import_apply(job_id=queued.pk)
    with pytest.raises(Conflict, match="Only a failed import can be retried; this one is done."):
        services.import_retry(job=queued, actor=hr_admin)


def test_an_import_whose_file_no_longer_fits_cannot_be_retried(queued, hr_admin):
    ImportJob.objects.filter(pk=queued.pk).update(
        status="failed", report={**queued.report, "problems": [{"line": 2, "column": "email", "message": "x"}]}
    )
    queued.refresh_from_db()
    assert not queued.can_retry
    with pytest.raises(Conflict, match="Fix the file and upload it again"):
        services.import_retry(job=queued, actor=hr_admin)


def test_retrying_an_import_deleted_meanwhile_says_so(failed, hr_admin):
    ImportJob.objects.filter(pk=failed.pk).delete()
    with pytest.raises(NotFound, match="This import was deleted meanwhile"):
        services.import_retry(job=failed, actor=hr_admin)


def test_only_an_admin_can_retry(failed, mentor):
    with pytest.raises(PermissionDenied):
        services.import_retry(job=failed, actor=mentor)


def test_the_failed_page_offers_retry_and_the_button_queues_it(client, hr_admin, failed, program):
    client.force_login(hr_admin)
    detail = reverse("import-detail", args=[program.pk, failed.pk])
    page = client.get(detail).content.decode()
    assert "The background worker stopped while importing row 1,000 of 20,000." in page
    assert f'action="{reverse("import-retry", args=[program.pk, failed.pk])}"' in page

    response = client.post(reverse("import-retry", args=[program.pk, failed.pk]), follow=True)
    assert response.redirect_chain == [(detail, 302)]
    html = response.content.decode()
    assert "The import is queued again; it starts as soon as a background worker is free." in html
    assert "Saved and queued: the import starts as soon as a background worker is free." in html


def test_a_queued_import_waiting_for_long_says_no_worker_started_it(client, hr_admin, queued, program):
    ImportJob.objects.filter(pk=queued.pk).update(queued_at=timezone.now() - dt.timedelta(minutes=3))
    client.force_login(hr_admin)
    page = client.get(reverse("import-detail", args=[program.pk, queued.pk])).content.decode()
    assert "Queued 3\xa0minutes ago and no background worker has started it yet" in page


def test_the_api_retries_with_202_and_says_409_when_it_cannot(failed, hr_admin, program):
    api = APIClient()
    api.force_authenticate(hr_admin)
    url = reverse("api-import-retry", args=[failed.pk])
    response = api.post(url)
    assert response.status_code == 202
    body = response.json()
    assert (body["id"], body["status"], body["error"], body["can_retry"]) == (failed.pk, "queued", "", False)
    services.import_apply(job_id=failed.pk)
    response = api.post(url)
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Only a failed import can be retried; this one is done."


def test_an_outsider_cannot_retry_an_import(failed, outsider):
    api = APIClient()
    api.force_authenticate(outsider)
    assert api.post(reverse("api-import-retry", args=[failed.pk])).status_code == 404
    failed.refresh_from_db()
    assert failed.status == "failed"
