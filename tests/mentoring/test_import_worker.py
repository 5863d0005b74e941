"""The import on PostgreSQL with real transactions: progress is visible to other
connections while the import's transaction is still open, a real Celery worker
applies a confirmed import and sends its invitations, and an import whose worker
is killed mid-apply is rolled back, failed by the reaper and completed by Retry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from mentoring.models import ImportJob, Invitation, Participant
from mentoring.services import imports as services
from tests.mentoring.test_import import rows_csv
from tests.worker import running_worker, wait_for
from turazo.core.jobs import LEASE_TIMEOUT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_the_page_while_the_import_transaction_is_still_open(program, hr_admin, monkeypatch):
    monkeypatch.setattr(services, "CREATE_BATCH", 100)
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(300))
    observer = connections.create_connection(DEFAULT_DB_ALIAS)  # stands for the page polling the job
    seen: list[tuple[str, int, int]] = []
    write = services._ProgressWriter.__call__

    def write_and_look(self, processed: int) -> None:
        write(self, processed)
        with observer.cursor() as cursor:
            cursor.execute("SELECT status, processed_rows FROM mentoring_importjob WHERE id = %s", [job.pk])
            status, rows = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM mentoring_participant WHERE program_id = %s", [program.pk])
            seen.append((status, rows, cursor.fetchone()[0]))

    monkeypatch.setattr(services._ProgressWriter, "__call__", write_and_look)
    try:
        services.import_apply(job_id=job.pk)
    finally:
        observer.close()
    # Progress moved in batches while the participants were not yet visible (not committed).
    assert seen == [("running", 100, 0), ("running", 200, 0), ("running", 300, 0), ("running", 300, 0)]
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.summary["created"]) == ("done", 300, 300)
    assert Participant.objects.filter(program=program).count() == 300


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_applies_a_confirmed_import_and_sends_its_invitations(program, hr_admin):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(40))
    with running_worker():
        services.import_confirm(job=job, actor=hr_admin)  # autocommit: queued at once
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "done")
        wait_for(lambda: Invitation.objects.filter(status="sent").count() == 40)
    job.refresh_from_db()
    assert job.summary == {"created": 40, "updated": 0, "unchanged": 0, "invited": 40}
    assert Participant.objects.filter(program=program).count() == 40
    assert Invitation.objects.exclude(status="sent").count() == 0


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_is_killed_mid_apply_is_failed_by_the_reaper_and_a_retry_completes_it(program, hr_admin):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="big.csv", data=rows_csv(20_000))
    with running_worker() as worker:
        services.import_confirm(job=job, actor=hr_admin, send_invitations=False)
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).processed_rows >= 1000, timeout=120, interval=0.02)
        worker.kill()
    job.refresh_from_db()
    assert job.status == "running"  # nobody told the database: the page would say "importing" forever
    assert job.heartbeat_at is not None
    assert Participant.objects.filter(program=program).count() == 0  # the transaction died with the worker

    assert services.imports_reap().abandoned == []  # the lease is still fresh: it could be alive
    reaped = services.imports_reap(now=timezone.now() + LEASE_TIMEOUT + dt.timedelta(seconds=1))
    assert reaped.abandoned == [job.pk]
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == (
        f"The background worker stopped while importing row {job.processed_rows:,} of 20,000. "
        "Nothing was imported; press Retry."
    )
    assert job.can_retry
    assert Participant.objects.filter(program=program).count() == 0  # the message is true

    with running_worker():
        services.import_retry(job=job, actor=hr_admin)
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "done", timeout=180)
    job.refresh_from_db()
    assert job.summary == {"created": 20_000, "updated": 0, "unchanged": 0, "invited": 0}
    assert job.error == ""
    assert Participant.objects.filter(program=program).count() == 20_000


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_a_large_upload_into_a_preview(program, hr_admin, settings):
    settings.CSV_IMPORT_INLINE_MAX_BYTES = 1_000
    with running_worker():
        job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(60))
        assert job.status == "checking"  # autocommit: the check is queued at once
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "previewed")
    job.refresh_from_db()
    assert (job.total_rows, job.report["creates"], job.problem_count) == (60, 60, 0)
    assert Participant.objects.filter(program=program).count() == 0
