"""The participants bulk import API: same checks as the pages, a dry run, 202 + status URL."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from mentoring.models import ImportJob, Invitation, Participant
from mentoring.services import imports as services
from tests.mentoring.test_import import rows_csv


@pytest.fixture
def api(hr_admin) -> APIClient:
    client = APIClient()
    client.force_authenticate(hr_admin)
    return client


def post_file(client: APIClient, program_id: int, data: bytes, **extra):
    url = reverse("api-participant-import", args=[program_id])
    return client.post(url, {"file": SimpleUploadedFile("people.csv", data), **extra}, format="multipart")


def test_dry_run_returns_the_full_report_and_stores_nothing(api, program):
    response = post_file(api, program.pk, b"email,role,Shoe size\na@acme.test,mentee,42\nbad,mentor,\n", dry_run=True)
    assert response.status_code == 200
    assert response.json() == {
        "valid": False,
        "rows": 2,
        "columns": ["email", "role"],
        "unknown_columns": ["Shoe size"],
        "problems": [{"line": 3, "column": "email", "message": "'bad' is not a valid email address."}],
        "problem_count": 1,
        "creates": 1,
        "updates": 0,
        "unchanged": 0,
        "create_emails": ["a@acme.test"],
        "update_emails": [],
    }
    assert ImportJob.objects.count() == 0
    assert Participant.objects.count() == 0


def test_a_valid_file_is_accepted_202_and_applied_after_commit(api, program, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(api, program.pk, rows_csv(3))
    job = ImportJob.objects.get()
    assert response.status_code == 202
    body = response.json()
    assert (body["id"], body["program"], body["status"], body["total_rows"]) == (job.pk, program.pk, "queued", 3)
    assert body["status_url"] == f"http://testserver/api/imports/{job.pk}/"
    assert Participant.objects.count() == 3
    assert len(mail.outbox) == 3

    status = api.get(body["status_url"]).json()
    assert status == {
        "id": job.pk,
        "program": program.pk,
        "filename": "people.csv",
        "status": "done",
        "send_invitations": True,
        "total_rows": 3,
        "processed_rows": 3,
        "progress_percent": 100,
        "report": {
            "valid": True,
            "rows": 3,
            "columns": ["email", "role", "full_name", "timezone", "skills_wanted", "work_days"],
            "unknown_columns": [],
            "problems": [],
            "problem_count": 0,
            "creates": 3,
            "updates": 0,
            "unchanged": 0,
            "create_emails": ["person0@acme.test", "person1@acme.test", "person2@acme.test"],
            "update_emails": [],
        },
        "summary": {"created": 3, "updated": 0, "unchanged": 0, "invited": 3},
        "error": "",
        "can_retry": False,
        "created_at": status["created_at"],
        "queued_at": status["queued_at"],
        "finished_at": status["finished_at"],
        "status_url": body["status_url"],
    }
    assert status["finished_at"] is not None
    assert status["queued_at"] is not None


def test_send_invitations_false_imports_without_inviting(api, program, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_file(api, program.pk, rows_csv(2), send_invitations=False)
    assert Participant.objects.count() == 2
    assert Invitation.objects.count() == 0


def test_a_file_with_a_bad_row_is_400_with_every_problem_and_nothing_stored(
    api, program, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_file(api, program.pk, rows_csv(1000, bad_line=999))
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "validation_failed",
            "message": "The file has 1 problem; nothing was imported. Fix them in the file and upload it again.",
            "fields": {"file": ["'not-an-email' is not a valid email address."]},
            "problems": [{"line": 999, "column": "email", "message": "'not-an-email' is not a valid email address."}],
            "problem_count": 1,
        }
    }
    assert callbacks == []
    assert ImportJob.objects.count() == 0
    assert Participant.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_unreadable_file_is_400_with_the_reason(api, program, dry_run):
    response = post_file(api, program.pk, "email,role\n".encode("utf-16"), dry_run=dry_run)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_file"
    assert error["message"].startswith(
        "The file is encoded as UTF-16 (Excel calls it 'Unicode Text'); Turazo reads UTF-8 only."
    )
    assert error["fields"] == {"file": [error["message"]]}


def test_a_missing_file_is_400(api, program):
    response = api.post(reverse("api-participant-import", args=[program.pk]), {"dry_run": True}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"file": ["No file was submitted."]}


def test_outsider_gets_404_for_the_program_and_the_job(program, hr_admin, outsider):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(1))
    client = APIClient()
    client.force_authenticate(outsider)
    assert post_file(client, program.pk, rows_csv(1), dry_run=True).status_code == 404
    assert post_file(client, program.pk, rows_csv(1)).status_code == 404
    response = client.get(reverse("api-import-detail", args=[job.pk]))
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
    assert ImportJob.objects.count() == 1


@pytest.mark.parametrize("person", ["mentor", "mentee"])
def test_mentors_and_mentees_get_403(program, hr_admin, person, request):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(1))
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(person))
    assert post_file(client, program.pk, rows_csv(1), dry_run=True).status_code == 403
    assert client.get(reverse("api-import-detail", args=[job.pk])).status_code == 403


def test_the_openapi_schema_documents_the_import_endpoints(api):
    schema = api.get(reverse("api-schema"), {"format": "json"}).json()
    post = schema["paths"]["/api/programs/{program_id}/participants/import/"]["post"]
    assert post["operationId"] == "participants_import"
    # 401, 409, 415 and 429 come with the shared error shape on every operation (turazo/core/schema.py).
    assert set(post["responses"]) == {"200", "202", "400", "401", "403", "404", "409", "415", "429"}
    request_schema = post["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][request_schema]["properties"]) == {"file", "dry_run", "send_invitations"}
    get = schema["paths"]["/api/imports/{id}/"]["get"]
    assert get["operationId"] == "imports_retrieve"


def test_a_file_with_thousands_of_problems_is_400_with_the_first_200_and_the_count(api, program, settings):
    settings.CSV_IMPORT_INLINE_MAX_BYTES = settings.CSV_IMPORT_MAX_BYTES
    data = b"email,role\n" + b"".join(f"bad{i},boss\n".encode() for i in range(5000))
    response = post_file(api, program.pk, data)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (
        error["message"]
        == "The file has 10,000 problems; nothing was imported. Fix them in the file and upload it again."
    )
    assert error["problem_count"] == 10_000
    assert len(error["problems"]) == 200
    assert error["problems"][-1] == {
        "line": 101,
        "column": "role",
        "message": "'boss' is not a role; write mentor or mentee.",
    }
    report = post_file(api, program.pk, data, dry_run=True).json()
    assert (report["valid"], report["problem_count"], len(report["problems"])) == (False, 10_000, 200)
    assert ImportJob.objects.count() == 0


def test_a_file_over_the_limit_is_400_with_its_real_size(api, program):
    response = post_file(api, program.pk, b"email,role\n" + b"a@acme.test,mentee\n" * 400_000)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("The file is 7.2 MB; the limit is 5 MB.")
