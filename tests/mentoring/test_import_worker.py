"""The import on PostgreSQL with real transactions: progress is visible to other
connections while the import's transaction is still open, and a real Celery worker
applies a confirmed import and sends its invitations."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from mentoring.models import ImportJob, Invitation, Participant
from mentoring.services import imports as services
from tests.mentoring.test_import import rows_csv
from tests.worker import running_worker, wait_for


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
