"""Large uploads are stored at once and checked by a worker: the page and the API poll
the job until its preview is ready. The check is safe to run twice, also at once."""

from __future__ import annotations

import datetime as dt
import threading
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Membership
from mentoring.models import ImportJob, Invitation, Participant
from mentoring.services import imports as services
from mentoring.tasks.imports import import_preview_run
from tests.mentoring.test_import import confirm, rows_csv, upload
from turazo.core.errors import Conflict
from turazo.core.jobs import QUEUED_GIVE_UP, QUEUED_REDISPATCH_AFTER
from turazo.core.models import Job

INLINE_MAX = 2_000  # rows_csv(40) is about 3 KB: checked in the worker


@pytest.fixture(autouse=True)
def _small_inline_limit(settings):
    settings.CSV_IMPORT_INLINE_MAX_BYTES = INLINE_MAX


@pytest.fixture
def admin_client(client, hr_admin):
    client.force_login(hr_admin)
    return client


@pytest.fixture
def api(hr_admin) -> APIClient:
    client = APIClient()
    client.force_authenticate(hr_admin)
    return client


def post_file(client: APIClient, program_id: int, data: bytes, **extra):
    url = reverse("api-participant-import", args=[program_id])
    return client.post(url, {"file": SimpleUploadedFile("people.csv", data), **extra}, format="multipart")


def progress(client, program, job) -> str:
    url = reverse("import-progress", args=[program.pk, job.pk])
    return client.get(url, headers={"HX-Request": "true"}).content.decode()


# --- The pages ---------------------------------------------------------------------------------


def test_a_large_upload_is_stored_and_the_page_polls_until_the_worker_has_the_preview(
    admin_client, program, django_capture_on_commit_callbacks
):
    data = rows_csv(40)
    assert len(data) > INLINE_MAX
    with (
        mock.patch.object(services, "parse_participants", wraps=services.parse_participants) as parse,
        django_capture_on_commit_callbacks() as callbacks,
    ):
        response = upload(admin_client, program, data)
        assert parse.call_count == 0  # the upload only stores the file
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("import-detail", args=[program.pk, job.pk])
    assert (job.status, job.report, job.total_rows, len(callbacks)) == ("checking", {}, 0, 1)
    assert job.content == data.decode()

    page = admin_client.get(response["Location"]).content.decode()
    assert "Checking the file…" in page
    assert 'hx-trigger="every 1s"' in page
    assert "Confirm import" not in page

    callbacks[0]()  # the worker runs the queued check
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.report["creates"], job.problem_count) == ("previewed", 40, 40, 0)
    partial = progress(admin_client, program, job)
    assert partial.lstrip().startswith('<section id="import-progress"')
    assert "hx-trigger" not in partial
    assert "No problems found. Nothing has been saved yet" in partial
    assert "Confirm import</button>" in partial
    assert 'name="csrfmiddlewaretoken"' in partial
    assert '<span id="import-status" hx-swap-oob="true"><span class="status status-attention">' in partial
    assert admin_client.get(response["Location"]).content.decode().count('id="import-status"') == 1
    assert Participant.objects.count() == 0


def test_a_large_file_with_problems_previews_them_and_cannot_be_confirmed(
    admin_client, program, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, program, rows_csv(40, bad_line=30))
    job = ImportJob.objects.get()
    assert job.status == "previewed"
    assert job.report["problems"] == [
        {"line": 30, "column": "email", "message": "'not-an-email' is not a valid email address."}
    ]
    page = progress(admin_client, program, job)
    assert 'disabled aria-disabled="true"><i class="bi bi-check-lg" aria-hidden="true"></i> Confirm import' in page


def test_a_large_file_that_cannot_be_read_fails_with_the_reason_and_drops_the_file(
    admin_client, program, django_capture_on_commit_callbacks
):
    data = rows_csv(40).replace(b"person5@acme.test,mentee,Person 5", b'person5@acme.test,mentee,"Person 5')
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, program, data)
    job = ImportJob.objects.get()
    assert (job.status, job.content) == ("failed", "")
    assert job.error.startswith("Line 7: the quote (\") that opens the 'full_name' cell is never closed")
    assert job.finished_at is not None
    page = progress(admin_client, program, job)
    assert "Line 7: the quote (&quot;) that opens the &#x27;full_name&#x27; cell is never closed" in page
    assert "Upload the file again" in page
    assert Participant.objects.count() == 0


def test_a_job_still_being_checked_cannot_be_confirmed(
    admin_client, program, hr_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        upload(admin_client, program, rows_csv(40))
    job = ImportJob.objects.get()
    with pytest.raises(Conflict, match="The file is still being checked; confirm it once the preview is ready."):
        services.import_confirm(job=job, actor=hr_admin)
    response = confirm(admin_client, program, job)
    assert "The file is still being checked" in admin_client.get(response["Location"]).content.decode()
    assert ImportJob.objects.get().status == "checking"


def test_small_files_are_still_checked_within_the_upload(admin_client, program):
    upload(admin_client, program, rows_csv(3))
    assert ImportJob.objects.get().status == "previewed"


# --- The task ------------------------------------------------------------------------------------


def test_the_check_uses_a_fixed_number_of_queries(program, hr_admin, django_assert_num_queries):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(300))
    # the job, questions, skills, participants, the conditional update, reload
    with django_assert_num_queries(6 + 2 * connection.features.uses_savepoints):
        import_preview_run(job.pk)
    assert ImportJob.objects.get().total_rows == 300


def test_running_the_check_twice_changes_nothing_the_second_time(program, hr_admin):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(40))
    assert services.import_preview_complete(job_id=job.pk).status == "previewed"
    before = ImportJob.objects.values().get()
    assert services.import_preview_complete(job_id=job.pk) is None
    import_preview_run(job.pk)
    assert ImportJob.objects.values().get() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_checks_at_once_apply_an_api_import_once(program, hr_admin):
    with mock.patch.object(services, "_enqueue_check"):  # the two runs below stand for the worker
        job = services.import_submit(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(40))
    assert job.status == "checking"
    barrier = threading.Barrier(2)
    outcomes: list[object] = []
    parse = services._parse
    checks = iter(range(2))

    def parse_then_wait(*args, **kwargs):
        result = parse(*args, **kwargs)
        if next(checks, None) is not None:  # the two checks, not the apply that follows
            barrier.wait(timeout=10)  # both have checked the file before either writes
        return result

    def run() -> None:
        try:
            outcomes.append(services.import_preview_complete(job_id=job.pk))
        finally:
            connection.close()

    with mock.patch.object(services, "_parse", side_effect=parse_then_wait):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(outcome is None for outcome in outcomes) == [False, True]
    job.refresh_from_db()
    # The winner queued the apply after its commit (run at once: tasks are eager in tests).
    assert (job.status, job.summary["created"], job.summary["invited"]) == ("done", 40, 40)
    assert Participant.objects.count() == 40
    assert Invitation.objects.count() == 40


def test_the_reaper_publishes_a_stuck_check_again_then_gives_up_with_a_message(program, hr_admin):
    with mock.patch.object(services, "_enqueue_check"):  # the check's message is lost
        job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(40))
    now = timezone.now()
    assert services.imports_reap(now=now).redispatched == []  # a fresh check is left alone
    reaped = services.imports_reap(now=now + QUEUED_REDISPATCH_AFTER + dt.timedelta(seconds=1))
    assert (reaped.redispatched, reaped.unclaimed) == ([job.pk], [])
    assert Job.objects.filter(task="mentoring.import_preview_run", args=[job.pk]).count() == 1
    assert ImportJob.objects.get().status == "checking"

    reaped = services.imports_reap(now=now + QUEUED_GIVE_UP + dt.timedelta(seconds=1))
    assert (reaped.redispatched, reaped.unclaimed) == ([], [job.pk])
    job.refresh_from_db()
    assert (job.status, job.content) == ("failed", "")
    assert job.error.startswith("No background worker checked this file within 30 minutes, so it was stopped;")
    assert not job.can_retry


def test_week_old_checks_that_never_finished_are_purged(program, hr_admin):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(40))
    assert job.status == "checking"
    assert services.imports_purge_stale() == 0
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    assert services.imports_purge_stale() == 1
    assert ImportJob.objects.count() == 0


# --- The API -------------------------------------------------------------------------------------


def test_api_dry_run_of_a_large_file_is_202_checking_then_previewed(api, program, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_file(api, program.pk, rows_csv(40), dry_run=True)
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["report"], body["summary"], body["total_rows"]) == ("checking", None, None, 0)
    callbacks[0]()
    status = api.get(body["status_url"]).json()
    assert status["status"] == "previewed"
    assert status["report"]["valid"] is True
    assert (status["report"]["rows"], status["report"]["creates"], status["report"]["problem_count"]) == (40, 40, 0)
    assert Participant.objects.count() == 0


def test_api_import_of_a_large_valid_file_is_checked_then_applied(api, program, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(api, program.pk, rows_csv(40))
    assert response.status_code == 202
    assert response.json()["status"] == "checking"
    status = api.get(response.json()["status_url"]).json()
    assert (status["status"], status["summary"]) == (
        "done",
        {"created": 40, "updated": 0, "unchanged": 0, "invited": 40},
    )
    assert Participant.objects.count() == 40
    assert len(mail.outbox) == 40


def test_api_import_of_a_large_file_with_problems_fails_with_them_and_imports_nothing(
    api, program, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(api, program.pk, rows_csv(40, bad_line=30))
    status = api.get(response.json()["status_url"]).json()
    assert status["status"] == "failed"
    assert status["error"] == (
        "The file has 1 problem; nothing was imported. Fix them in the file and upload it again."
    )
    assert status["report"]["valid"] is False
    assert status["report"]["problems"] == [
        {"line": 30, "column": "email", "message": "'not-an-email' is not a valid email address."}
    ]
    assert ImportJob.objects.get().content == ""
    assert Participant.objects.count() == 0
    assert Invitation.objects.count() == 0


def test_api_import_is_not_applied_when_the_uploader_is_no_longer_an_admin(
    api, program, hr_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_file(api, program.pk, rows_csv(40))
    Membership.objects.filter(user=hr_admin).update(is_admin=False)
    callbacks[0]()
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.error, job.content) == (
        "failed",
        "Only HR admins of this organization can confirm an import.",
        "",
    )
    assert not job.can_retry  # never confirmed: upload the file again
    assert Participant.objects.count() == 0
