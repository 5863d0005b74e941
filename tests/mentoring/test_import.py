"""CSV import through the pages and the services: preview writes nothing, confirm applies
all-or-nothing in the worker task, re-import is idempotent, and only HR admins of the
program's organization get in."""

from __future__ import annotations

import datetime as dt
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentoring.models import ImportJob, Invitation, Participant, Question, Skill
from mentoring.services import imports as services
from mentoring.tasks.imports import import_run
from tests.mentoring.factories import InvitationFactory, ParticipantFactory
from turazo.core.errors import Conflict, PermissionDenied, ValidationFailed

HEADER = "email,role,full_name,timezone,skills_wanted,work_days\n"


def rows_csv(n: int, *, bad_line: int | None = None) -> bytes:
    """A file of n mentees; with bad_line, that line of the file has an invalid email."""
    lines = [HEADER]
    for i in range(n):
        line = i + 2
        email = "not-an-email" if line == bad_line else f"person{i}@acme.test"
        lines.append(f"{email},mentee,Person {i},Europe/Lisbon,sql;hiring,Mon-Fri\n")
    return "".join(lines).encode()


def upload(client, program, data: bytes, name: str = "people.csv"):
    return client.post(reverse("import-upload", args=[program.pk]), {"file": SimpleUploadedFile(name, data)})


def confirm(client, program, job, **data):
    return client.post(reverse("import-confirm", args=[program.pk, job.pk]), data or {"send_invitations": "on"})


@pytest.fixture
def admin_client(client, hr_admin):
    client.force_login(hr_admin)
    return client


# --- The journey ----------------------------------------------------------------------


def test_upload_shows_a_preview_and_writes_no_participant(admin_client, program):
    response = upload(admin_client, program, rows_csv(3))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import-detail", args=[program.pk, job.pk])
    assert (job.status, job.total_rows, job.filename, job.report["creates"]) == ("previewed", 3, "people.csv", 3)
    assert Participant.objects.count() == 0

    page = admin_client.get(response["Location"]).content.decode()
    assert "No problems found. Nothing has been saved yet" in page
    assert "Confirm import</button>" in page and "disabled" not in page.split("Confirm import")[0][-80:]


def test_confirm_applies_every_field_in_the_worker_and_sends_invitations(
    admin_client, program, hr_admin, django_capture_on_commit_callbacks
):
    Skill.objects.create(organization=program.organization, name="SQL", slug="sql")
    Question.objects.create(
        organization=program.organization, program=program, key="track", label="Track", choices=["Engineering", "Sales"]
    )
    data = (
        b"Email,Role,Name,Time zone,skills_offered,work_start,work_end,work_days,capacity,seniority,q:track\n"
        b"Ann@Acme.test,Mentor,Ann Lee,europe/lisbon,sql; Public speaking,09:00,17:00,Mon-Thu,3,5,sales\n"
    )
    upload(admin_client, program, data)
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(admin_client, program, job)
    assert response.status_code == 302

    ann = Participant.objects.get()
    assert (ann.email, ann.role, ann.status, ann.full_name, ann.timezone) == (
        "ann@acme.test",
        "mentor",
        "invited",
        "Ann Lee",
        "Europe/Lisbon",
    )
    assert ann.skills_offered == ["SQL", "Public speaking"]
    assert (ann.work_start, ann.work_end, ann.work_days) == (dt.time(9), dt.time(17), [0, 1, 2, 3])
    assert (ann.capacity, ann.seniority, ann.answers) == (3, 5, {"track": "Sales"})
    assert ann.organization_id == program.organization_id
    assert ann.completeness > 0
    invitation = Invitation.objects.get()
    assert (invitation.participant_id, invitation.invited_by_id, invitation.status) == (ann.pk, hr_admin.pk, "sent")
    assert [m.to for m in mail.outbox] == [["ann@acme.test"]]

    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.progress_percent, job.content) == ("done", 1, 100, "")
    assert job.summary == {"created": 1, "updated": 0, "unchanged": 0, "invited": 1}
    assert job.finished_at is not None
    page = admin_client.get(reverse("import-detail", args=[program.pk, job.pk])).content.decode()
    assert "1 participant created, 0 updated, 0 unchanged; 1 invitation on its way." in page
    assert reverse("participant-list", args=[program.pk]) in page


def test_thousand_rows_with_a_bad_row_at_line_999_commit_nothing_send_nothing_and_name_line_999(
    admin_client, program, django_capture_on_commit_callbacks
):
    upload(admin_client, program, rows_csv(1000, bad_line=999))
    job = ImportJob.objects.get()
    assert job.total_rows == 1000
    assert job.report["problems"] == [
        {"line": 999, "column": "email", "message": "'not-an-email' is not a valid email address."}
    ]
    page = admin_client.get(reverse("import-detail", args=[program.pk, job.pk])).content.decode()
    assert (
        '<td data-label="Line" class="tabular">999</td><td data-label="Column"><code>email</code></td>'
        '<td data-label="Problem" class="cell-full">&#x27;not-an-email&#x27; is not a valid email address.</td>'
    ) in page
    assert 'disabled aria-disabled="true"><i class="bi bi-check-lg" aria-hidden="true"></i> Confirm import' in page

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = confirm(admin_client, program, job)
    assert callbacks == []
    assert "The file has 1 problem; nothing was imported." in admin_client.get(response["Location"]).content.decode()
    job.refresh_from_db()
    assert job.status == "previewed"
    assert Participant.objects.count() == 0
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_reimporting_the_same_file_creates_no_participant_and_no_invitation(
    admin_client, program, django_capture_on_commit_callbacks
):
    data = rows_csv(5)
    upload(admin_client, program, data)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(admin_client, program, ImportJob.objects.get())
    assert (Participant.objects.count(), Invitation.objects.count(), len(mail.outbox)) == (5, 5, 5)

    upload(admin_client, program, data)
    second = ImportJob.objects.filter(status="previewed").get()
    assert (second.report["creates"], second.report["updates"], second.report["unchanged"]) == (0, 0, 5)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(admin_client, program, second)
    second.refresh_from_db()
    assert second.summary == {"created": 0, "updated": 0, "unchanged": 5, "invited": 0}
    assert (Participant.objects.count(), Invitation.objects.count(), len(mail.outbox)) == (5, 5, 5)


def test_reimport_updates_changed_people_and_keeps_what_empty_cells_leave_out(
    admin_client, program, django_capture_on_commit_callbacks
):
    tom = ParticipantFactory(
        program=program, email="Tom@Acme.test", full_name="Tom", job_title="Analyst", goals="Lead a team"
    )
    InvitationFactory(participant=tom)
    upload(admin_client, program, b"email,role,full_name,job_title,goals\ntom@acme.test,mentee,Tom Jones,,\n")
    job = ImportJob.objects.get()
    assert job.report["update_emails"] == ["tom@acme.test"]
    with django_capture_on_commit_callbacks(execute=True):
        confirm(admin_client, program, job)
    tom.refresh_from_db()
    assert (tom.full_name, tom.job_title, tom.goals, tom.email) == (
        "Tom Jones",
        "Analyst",
        "Lead a team",
        "Tom@Acme.test",
    )
    assert Participant.objects.count() == 1
    assert Invitation.objects.count() == 1


def test_unchecking_send_invitations_imports_without_inviting(
    admin_client, program, django_capture_on_commit_callbacks
):
    upload(admin_client, program, rows_csv(2))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(admin_client, program, ImportJob.objects.get(), send_invitations="")
    assert Participant.objects.count() == 2
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_unknown_columns_are_shown_on_the_preview(admin_client, program):
    upload(admin_client, program, b"email,role,Shoe size\na@acme.test,mentee,42\n")
    page = admin_client.get(reverse("import-detail", args=[program.pk, ImportJob.objects.get().pk])).content.decode()
    assert "Columns Turazo does not know, which will be ignored:</strong> Shoe size." in page


# --- File-level rejections on the upload page -------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        ("email,role\nzoë@acme.test,mentee\n".encode("utf-16"), "The file is encoded as UTF-16"),
        ("email,role,name\nz@acme.test,mentee,Zoë\n".encode("cp1252"), "The file is not UTF-8: byte 0xEB on line 2"),
        (b"name,role\nZoe,mentee\n", "Line 1: the header has no email column"),
    ],
)
def test_unreadable_files_are_rejected_on_the_form_and_store_nothing(admin_client, program, data, message):
    response = upload(admin_client, program, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_bom_file_is_accepted(admin_client, program):
    upload(admin_client, program, "email,role,full_name\nzoe@acme.test,mentee,Zoë\n".encode("utf-8-sig"))
    job = ImportJob.objects.get()
    assert job.report["columns"] == ["email", "role", "full_name"]
    assert job.report["problems"] == []


def padded_csv(size: int) -> bytes:
    """A valid file of exactly ``size`` bytes: rows with long goals, the last one cut to fit."""
    data = b"email,role,goals\n"
    person = 0
    while len(data) < size:
        row = f"p{person}@acme.test,mentee,".encode()
        data += row + b"g" * max(0, min(100_000, size - len(data) - len(row) - 1)) + b"\n"
        person += 1
    assert len(data) == size
    return data


def test_a_file_over_the_size_limit_is_refused_with_its_real_size(admin_client, program):
    response = upload(admin_client, program, padded_csv(7_654_321))
    assert response.status_code == 400
    assert "The file is 7.3 MB; the limit is 5 MB. Split it into smaller files" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_one_byte_over_the_size_limit_is_refused_and_the_limit_itself_is_accepted(admin_client, program, settings):
    settings.CSV_IMPORT_INLINE_MAX_BYTES = 6 * 1024 * 1024  # check it here, not in a worker
    limit = settings.CSV_IMPORT_MAX_BYTES
    response = upload(admin_client, program, padded_csv(limit + 1))
    assert response.status_code == 400
    assert "The file is just over the 5 MB limit." in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert upload(admin_client, program, padded_csv(limit)).status_code == 302
    assert ImportJob.objects.get().total_rows == 53


def test_more_rows_than_the_limit_are_rejected(admin_client, program, settings):
    settings.CSV_IMPORT_MAX_ROWS = 3
    response = upload(admin_client, program, rows_csv(4))
    assert "The file has more than 3 rows; the limit is 3." in response.content.decode()
    assert ImportJob.objects.count() == 0


# --- Apply: re-validation, all-or-nothing, twice-safe --------------------------------------


def test_apply_rechecks_the_file_and_fails_whole_when_the_program_changed(program, hr_admin):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(3))
    ParticipantFactory(program=program, email="person2@acme.test", role="mentor")
    import_run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "The participants changed since the preview; nothing was imported."
    assert job.report["problems"][0]["line"] == 4
    assert Participant.objects.count() == 1


def test_an_error_while_inviting_rolls_back_every_participant(program, hr_admin):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(3))
    with mock.patch.object(services, "invitation_issue_bulk", side_effect=RuntimeError("boom")):
        services.import_apply(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error.startswith("The import failed unexpectedly; nothing was imported.")
    assert Participant.objects.count() == 0


def test_running_the_task_twice_applies_once(program, hr_admin):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(3))
    import_run(job.pk)
    import_run(job.pk)
    job.refresh_from_db()
    assert job.summary["created"] == 3
    assert Participant.objects.count() == 3
    assert Invitation.objects.count() == 3


def test_confirming_twice_is_a_conflict_and_queues_once(program, hr_admin, django_capture_on_commit_callbacks):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(1))
    with django_capture_on_commit_callbacks() as callbacks:
        services.import_confirm(job=job, actor=hr_admin)
        with pytest.raises(Conflict, match="already confirmed"):
            services.import_confirm(job=job, actor=hr_admin)
    assert len(callbacks) == 1
    assert ImportJob.objects.get().status == "queued"


def test_only_an_admin_of_the_organization_can_confirm(program, hr_admin, mentor, outsider):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(1))
    for person in (mentor, outsider):
        with pytest.raises(PermissionDenied):
            services.import_confirm(job=job, actor=person)
    assert ImportJob.objects.get().status == "previewed"


def test_a_file_with_problems_cannot_be_confirmed_through_the_service(program, hr_admin):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(3, bad_line=2))
    with pytest.raises(ValidationFailed, match="The file has 1 problem"):
        services.import_confirm(job=job, actor=hr_admin)


def test_preview_uses_a_fixed_number_of_queries_whatever_the_file_size(program, hr_admin, django_assert_num_queries):
    ParticipantFactory.create_batch(3, program=program)
    # questions, skills, existing participants, insert the job
    with django_assert_num_queries(4):
        small = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(5))
    with django_assert_num_queries(4):
        big = services.import_preview(program=program, uploaded_by=hr_admin, filename="b.csv", data=rows_csv(1500))
    assert (small.total_rows, big.total_rows) == (5, 1500)


@pytest.mark.postgres
def test_apply_uses_bulk_queries_not_one_per_row(program, hr_admin, django_assert_num_queries):
    """(On SQLite the 999-parameter limit splits bulk inserts further.)"""
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="b.csv", data=rows_csv(1500))
    # claim, load job, savepoint, lock program, questions, skills, participants, 2 inserts (1000 + 500),
    # suggestions refresh (look for a waiting job, insert one), invitations (savepoint, lock, eligible,
    # insert, one outbox job per 200 invitations, release), finish, release, reload job
    with django_assert_num_queries(17 + 2 + 8):
        services.import_apply(job_id=job.pk)
    assert Participant.objects.count() == 1500
    assert Invitation.objects.count() == 1500


# --- Template, progress partial, access -----------------------------------------------------


def test_template_csv_has_every_column_the_program_questions_and_one_example_row_per_role(admin_client, program):
    Question.objects.create(
        organization=program.organization, program=program, key="track", label="Track", choices=["Sales", "Tech"]
    )
    response = admin_client.get(reverse("import-template", args=[program.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="acme-mentoring-2027-participants-template.csv"'
    assert response.content.decode() == (
        "\ufeffemail,role,full_name,job_title,department,manager_email,seniority,location,timezone,languages,"
        "work_start,work_end,work_days,goals,skills_wanted,expertise,skills_offered,capacity,q:track\r\n"
        "ana.mentor@example.com,mentor,Ana Example,Engineering Manager,Engineering,,4,Lisbon,Europe/Lisbon,"
        "English; Portuguese,09:00,17:30,Mon-Fri,,,Leading a team through its first year; hiring well,"
        "Hiring; Public speaking,2,Sales\r\n"
        "ben.mentee@example.com,mentee,Ben Example,Data Analyst,Finance,carla.manager@example.com,2,Berlin,"
        "Europe/Berlin,English; German,08:30,17:00,Mon-Thu,Grow into a team lead role within a year,"
        "SQL; Negotiation,,,,Sales\r\n"
    )


def test_template_question_choices_that_look_like_formulas_are_neutralised(admin_client, program):
    Question.objects.create(
        organization=program.organization,
        program=program,
        key="pick",
        label="Pick",
        choices=['=HYPERLINK("http://evil.test","x")', "B"],
    )
    lines = admin_client.get(reverse("import-template", args=[program.pk])).content.decode().splitlines()
    assert lines[1].endswith('"\'=HYPERLINK(""http://evil.test"",""x"")"')


def test_uploading_the_template_unchanged_says_to_replace_the_example_rows(admin_client, program):
    template = admin_client.get(reverse("import-template", args=[program.pk])).content
    upload(admin_client, program, template, name="template.csv")
    job = ImportJob.objects.get()
    assert [(p["line"], p["message"]) for p in job.report["problems"]] == [
        (2, "This is the template's example row; replace it with a real person or delete it."),
        (3, "This is the template's example row; replace it with a real person or delete it."),
    ]


def test_progress_partial_polls_while_running_and_stops_when_done(admin_client, program, hr_admin):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(4))
    ImportJob.objects.filter(pk=job.pk).update(status="running", processed_rows=1)
    url = reverse("import-progress", args=[program.pk, job.pk])
    partial = admin_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<section id="import-progress"')
    assert 'hx-trigger="every 1s"' in partial
    assert 'aria-valuenow="25"' in partial and "1 of 4 rows" in partial
    assert "<html" not in partial

    ImportJob.objects.filter(pk=job.pk).update(
        status="done", processed_rows=4, summary={"created": 4, "updated": 0, "unchanged": 0, "invited": 4}
    )
    partial = admin_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial
    assert "4 participants created, 0 updated, 0 unchanged; 4 invitations on their way." in partial
    assert "<html" in admin_client.get(url).content.decode()


def test_program_page_links_to_the_import(admin_client, program):
    page = admin_client.get(reverse("program-detail", args=[program.pk])).content.decode()
    assert f'href="{reverse("import-upload", args=[program.pk])}">Import CSV</a>' in page


def _import_urls(program, job):
    return [
        ("get", reverse("import-upload", args=[program.pk])),
        ("post", reverse("import-upload", args=[program.pk])),
        ("get", reverse("import-template", args=[program.pk])),
        ("get", reverse("import-detail", args=[program.pk, job.pk])),
        ("get", reverse("import-progress", args=[program.pk, job.pk])),
        ("post", reverse("import-confirm", args=[program.pk, job.pk])),
    ]


def test_outsider_gets_404_on_every_import_page(client, program, hr_admin, outsider):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(1))
    client.force_login(outsider)
    for method, url in _import_urls(program, job):
        assert getattr(client, method)(url).status_code == 404, url
    assert ImportJob.objects.get().status == "previewed"


def test_a_job_is_not_reachable_under_another_program_of_the_same_organization(admin_client, program, hr_admin):
    other = type(program).objects.create(
        organization=program.organization, name="Other", start_date=program.start_date, end_date=program.end_date
    )
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(1))
    assert admin_client.get(reverse("import-detail", args=[other.pk, job.pk])).status_code == 404


@pytest.mark.parametrize("person", ["mentor", "mentee"])
def test_mentors_and_mentees_get_403_on_import_pages(client, program, hr_admin, person, request):
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(1))
    client.force_login(request.getfixturevalue(person))
    for method, url in _import_urls(program, job):
        assert getattr(client, method)(url).status_code == 403, url
    assert ImportJob.objects.get().status == "previewed"


def test_anonymous_visitors_are_sent_to_sign_in(client, program):
    response = client.get(reverse("import-upload", args=[program.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_week_old_unconfirmed_previews_are_purged_and_others_kept(program):
    from datetime import timedelta

    from django.utils import timezone

    from mentoring.models import ImportJob
    from mentoring.services.imports import imports_purge_stale

    def job(status: str, age_days: int) -> ImportJob:
        j = ImportJob.objects.create(
            organization=program.organization, program=program, filename="x.csv", content="email,role\n",
            content_sha256="0" * 64, status=status,
        )  # fmt: skip
        ImportJob.objects.filter(pk=j.pk).update(created_at=timezone.now() - timedelta(days=age_days))
        return j

    old_preview, fresh_preview, old_done = job("previewed", 8), job("previewed", 2), job("done", 30)
    assert imports_purge_stale() == 1
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {fresh_preview.pk, old_done.pk}
    assert not ImportJob.objects.filter(pk=old_preview.pk).exists()


# --- Files that used to import wrong data or nothing ---------------------------------------------


def test_an_unclosed_quote_refuses_the_upload_and_imports_nobody(admin_client, program):
    data = (
        b"email,role,goals\n"
        b"ann@acme.test,mentee,Lead a team\n"
        b'bob@acme.test,mentee,"Grow into sales\n'
        b"cat@acme.test,mentee,Negotiation\n"
        b"dan@acme.test,mentee,Hiring\n"
        b"eve@acme.test,mentee,SQL\n"
    )
    response = upload(admin_client, program, data)
    assert response.status_code == 400
    assert (
        "Line 3: the quote (&quot;) that opens the &#x27;goals&#x27; cell is never closed" in response.content.decode()
    )
    assert ImportJob.objects.count() == 0
    assert Participant.objects.count() == 0


@pytest.mark.parametrize("data", [b"email,role\n", b"\xef\xbb\xbfemail,role,name\r\n\r\n,,\r\n"], ids=["plain", "bom"])
def test_a_header_only_file_is_refused_on_the_form(admin_client, program, data):
    response = upload(admin_client, program, data)
    assert response.status_code == 400
    assert "The file has no rows, only the header line." in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_renamed_excel_workbook_is_named_as_one(admin_client, program):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    response = upload(admin_client, program, out.getvalue(), name="people.csv")
    assert response.status_code == 400
    assert "This is an Excel workbook (.xlsx), not a CSV file." in response.content.decode()
    assert "NUL" not in response.content.decode()


def test_first_and_last_name_columns_import_as_the_full_name_without_a_warning(
    admin_client, program, django_capture_on_commit_callbacks
):
    upload(admin_client, program, b"First Name,Last Name,Work Email,Role\nAna,Lee,ana@acme.test,mentor\n")
    job = ImportJob.objects.get()
    page = admin_client.get(reverse("import-detail", args=[program.pk, job.pk])).content.decode()
    assert "Columns Turazo does not know" not in page
    with django_capture_on_commit_callbacks(execute=True):
        confirm(admin_client, program, job)
    assert Participant.objects.get().full_name == "Ana Lee"


def test_thousands_of_problems_make_a_small_preview_page_and_a_small_job_row(admin_client, program, settings):
    settings.CSV_IMPORT_INLINE_MAX_BYTES = settings.CSV_IMPORT_MAX_BYTES
    lines = ["email,role,timezone,seniority,work_start,work_end,work_days,capacity"]
    lines += [f"bad{i},boss,Mars/X{i},9,25:00,26:00,Funday,0" for i in range(20_000)]
    upload(admin_client, program, "\n".join(lines).encode())
    job = ImportJob.objects.get()
    assert job.problem_count == 160_000
    assert len(job.report["problems"]) == 200
    page = admin_client.get(reverse("import-detail", args=[program.pk, job.pk])).content.decode()
    assert len(page) < 150_000  # 22 MB when every problem was listed
    assert "The file has 160,000 problems." in page
    assert "The table lists the first 200; the other 159,800 are not listed" in page
    assert page.count('<td data-label="Line"') == 200
    assert 'disabled aria-disabled="true"><i class="bi bi-check-lg" aria-hidden="true"></i> Confirm import' in page


# --- Re-importing: the update path is bulk and still all-or-nothing ---------------------------------


def test_reimport_writes_every_kind_of_field_and_keeps_what_the_file_leaves_empty(
    program, hr_admin, django_capture_on_commit_callbacks
):
    Question.objects.create(
        organization=program.organization, program=program, key="track", label="Track", choices=["Sales", "Tech"]
    )
    ann = ParticipantFactory(program=program, email="ann@acme.test", role="mentor", seniority=None, capacity=2)
    bob = ParticipantFactory(program=program, email="bob@acme.test", role="mentor", seniority=3, answers={"x": 1})
    data = (
        b"email,role,full_name,seniority,languages,work_start,work_days,capacity,q:track\n"
        b"ann@acme.test,mentor,Ann New,,German;English,08:15,Tue-Thu,4,tech\n"
        b"bob@acme.test,mentor,,5,,,,,\n"
    )
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=data)
    assert (job.report["updates"], job.report["problems"]) == (2, [])
    services.import_apply(job_id=job.pk)
    ann.refresh_from_db()
    bob.refresh_from_db()
    assert (ann.full_name, ann.seniority, ann.languages) == ("Ann New", None, ["german", "english"])
    assert (ann.work_start, ann.work_days, ann.capacity, ann.answers) == (
        dt.time(8, 15),
        [1, 2, 3],
        4,
        {"track": "Tech"},
    )
    assert (bob.seniority, bob.capacity, bob.answers, bob.work_start) == (5, None, {"x": 1}, None)
    assert bob.full_name != ""
    assert ann.updated_at > ann.created_at
    assert ann.completeness > 0


def test_a_failure_after_the_updates_rolls_every_update_back(program, hr_admin):
    people = ParticipantFactory.create_batch(3, program=program, job_title="Analyst")
    data = HEADER.replace("work_days", "job_title").encode() + b"".join(
        f"{p.email},mentee,{p.full_name},Europe/Lisbon,sql,Lead\n".encode() for p in people
    )
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=data)
    assert job.report["updates"] == 3
    with mock.patch.object(services, "invitation_issue_bulk", side_effect=RuntimeError("boom")):
        services.import_apply(job_id=job.pk)
    assert ImportJob.objects.get().status == "failed"
    assert set(Participant.objects.values_list("job_title", flat=True)) == {"Analyst"}


@pytest.mark.postgres
def test_reimport_updates_use_a_fixed_number_of_queries(program, hr_admin, django_assert_num_queries):
    services.import_apply(
        job_id=services.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(1500)).pk
    )
    changed = rows_csv(1500).replace(b"Europe/Lisbon", b"Europe/Berlin")
    job = services.import_preview(program=program, uploaded_by=hr_admin, filename="b.csv", data=changed)
    assert job.report["updates"] == 1500
    # claim, load job, savepoint, lock program, questions, skills, participants, 2 updates (1000 + 500),
    # suggestions refresh (the first import's job still waits here: found, none added), invitations
    # (savepoint, lock, eligible, release), finish, release, reload job
    with django_assert_num_queries(16 + 1):
        services.import_apply(job_id=job.pk)
    assert set(Participant.objects.values_list("timezone", flat=True)) == {"Europe/Berlin"}


@pytest.mark.postgres
def test_reimport_updating_every_row_takes_no_more_than_twice_the_first_import(program, hr_admin):
    """Updates went through Django's bulk_update (a CASE per field and row): 160 s for
    20,000 rows against 15 s to create them. bench/import.py measures the full size."""

    def timed_import(data: bytes, name: str) -> float:
        job = services.import_preview(program=program, uploaded_by=hr_admin, filename=name, data=data)
        started = time.perf_counter()
        job = services.import_apply(job_id=job.pk)
        elapsed = time.perf_counter() - started
        assert job.status == "done"
        return elapsed

    data = rows_csv(2000)
    create = timed_import(data, "a.csv")
    update = timed_import(data.replace(b"Europe/Lisbon", b"Europe/Berlin").replace(b"Person ", b"Someone "), "b.csv")
    assert ImportJob.objects.get(filename="b.csv").summary["updated"] == 2000
    assert update < 2 * create, (create, update)
