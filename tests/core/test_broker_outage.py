"""With the broker unreachable, every action that starts background work saves its
data, answers normally (no 500) and leaves an outbox job; once the broker is back,
the sweep hands the jobs over and a real worker does the work, once."""

from __future__ import annotations

import time

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from matching import services as matching
from matching.models import MatchRun, Suggestion
from mentoring.models import ImportJob, Invitation, Mentorship, Participant
from mentoring.services import imports
from mentoring.services.invitations import invitation_issue_bulk
from tests.matching import cohort
from tests.mentoring.factories import ParticipantFactory
from tests.mentoring.test_import import rows_csv
from tests.worker import broker_unreachable, running_worker, wait_for
from turazo.core.jobs import SWEEP_GRACE, jobs_dispatch_pending
from turazo.core.models import Job

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin(client, hr_admin):
    client.force_login(hr_admin)
    return client


@pytest.fixture
def api(hr_admin) -> APIClient:
    client = APIClient()
    client.force_authenticate(hr_admin)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _waiting(task: str) -> list[Job]:
    """Jobs of ``task`` the broker refused: saved, not dispatched, the error noted."""
    rows = list(Job.objects.filter(task=task, dispatched_at__isnull=True))
    for job in rows:
        assert job.attempts == 1
        assert job.last_error.startswith("OperationalError")
    return rows


@pytest.fixture
def broker_down():
    with broker_unreachable():
        started = time.monotonic()
        yield
        # A refused connection costs the request next to nothing, never seconds of retries.
        assert time.monotonic() - started < 5


def _add_participant(admin, program):
    return admin.post(
        reverse("participant-add", args=[program.pk]),
        {"email": "nina@acme.test", "role": "mentee", "full_name": "Nina New", "send_invitation": "on"},
    )


def test_adding_a_participant_saves_them_and_their_invitation(admin, program, broker_down):
    response = _add_participant(admin, program)
    assert response.status_code == 302
    assert _messages(response) == ["Nina New added; the invitation is on its way."]
    invitation = Invitation.objects.get(participant__email="nina@acme.test")
    assert invitation.status == "pending"
    (job,) = _waiting("mentoring.invitations_send")
    assert job.args == [[invitation.pk]]
    assert [j.args for j in _waiting("matching.suggestions_refresh")] == [[program.pk]]


def test_confirming_an_import_queues_it_and_the_page_says_it_waits_for_a_worker(admin, program, hr_admin):
    job = imports.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(3))
    with broker_unreachable():
        response = admin.post(reverse("import-confirm", args=[program.pk, job.pk]), {"send_invitations": "on"})
        page = admin.get(response["Location"]).content.decode()
    assert response.status_code == 302
    assert _messages(response) == []
    job.refresh_from_db()
    assert job.status == "queued"
    assert "Waiting for the worker" in page
    assert "Saved and queued: the import starts as soon as a background worker is free." in page
    assert [j.args for j in _waiting("mentoring.import_run")] == [[job.pk]]


def test_submitting_an_import_through_the_api_is_accepted(api, program, broker_down):
    response = api.post(
        reverse("api-participant-import", args=[program.pk]),
        {"file": SimpleUploadedFile("people.csv", rows_csv(2))},
        format="multipart",
    )
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    job = ImportJob.objects.get()
    assert [j.args for j in _waiting("mentoring.import_run")] == [[job.pk]]


def test_running_matching_queues_the_run_and_its_page_says_it_waits(admin, program):
    cohort.cohort(program)
    with broker_unreachable():
        response = admin.post(reverse("matchrun-list", args=[program.pk]), {"algorithm": "optimal"})
        page = admin.get(response["Location"]).content.decode()
    run = MatchRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("matchrun-detail", args=[run.pk])
    assert run.status == "queued"
    assert "Waiting for a worker…" in page
    assert [j.args for j in _waiting("matching.match_run_execute")] == [[run.pk]]


def test_running_matching_through_the_api_is_accepted(api, program, broker_down):
    cohort.cohort(program)
    response = api.post(reverse("api-program-matchruns", args=[program.pk]), {"algorithm": "stable"})
    assert response.status_code == 201
    assert response.json()["status"] == "queued"


def test_resending_an_invitation_saves_the_new_one(admin, program, hr_admin):
    participant = ParticipantFactory(program=program, email="fay@acme.test")
    (old,) = invitation_issue_bulk(participants=[participant], invited_by=hr_admin)
    with broker_unreachable():
        response = admin.post(reverse("invitation-resend", args=[program.pk, old.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f"A new invitation is on its way to {participant.email}" in response.content.decode()
    new = Invitation.objects.get(participant=participant, status="pending")
    assert [j.args for j in _waiting("mentoring.invitations_send")] == [[[new.pk]]]


def test_a_participant_saving_their_profile_gets_200_and_a_suggestions_refresh_waits(program, mentee, broker_down):
    me = Participant.objects.get(user=mentee)
    api = APIClient()
    api.force_authenticate(mentee)
    response = api.patch(f"/api/participants/{me.pk}/profile/", {"goals": "learn negotiation"}, format="json")
    assert response.status_code == 200
    me.refresh_from_db()
    assert me.goals == "learn negotiation"
    assert [j.args for j in _waiting("matching.suggestions_refresh")] == [[program.pk]]


def test_publishing_a_run_creates_the_mentorships_and_the_emails_wait(admin, program, hr_admin):
    cohort.cohort(program)
    run = matching.match_run_create(program=program, actor=hr_admin, enqueue=False)
    matching.match_run_execute(run_id=run.pk)
    with broker_unreachable():
        response = admin.post(reverse("matchrun-publish", args=[run.pk]))
    assert response.status_code == 302
    assert _messages(response) == ["Published 6 mentorships; both people get an email."]
    ids = sorted(Mentorship.objects.filter(program=program).values_list("pk", flat=True))
    assert [sorted(j.args[0]) for j in _waiting("matching.mentorships_introduce")] == [ids]


@pytest.mark.services
def test_work_saved_while_the_broker_was_down_is_done_once_it_is_back(admin, api, program, hr_admin, mentee):
    mentors = [cohort.mentor(program, i, capacity=3) for i in range(2)]
    invited = ParticipantFactory(program=program, email="fay@acme.test")
    (old,) = invitation_issue_bulk(participants=[invited], invited_by=hr_admin)
    preview = imports.import_preview(program=program, uploaded_by=hr_admin, filename="a.csv", data=rows_csv(5))
    me = Participant.objects.get(user=mentee)
    Suggestion.objects.all().delete()

    with broker_unreachable():
        assert _add_participant(admin, program).status_code == 302
        confirm = reverse("import-confirm", args=[program.pk, preview.pk])
        assert admin.post(confirm, {"send_invitations": "on"}).status_code == 302
        assert admin.post(reverse("matchrun-list", args=[program.pk]), {"algorithm": "optimal"}).status_code == 302
        assert admin.post(reverse("invitation-resend", args=[program.pk, old.pk])).status_code == 302
        patch = APIClient()
        patch.force_authenticate(mentee)
        assert patch.patch(f"/api/participants/{me.pk}/profile/", {"goals": "sql"}, format="json").status_code == 200
    saved = list(Job.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True))
    waiting = len(saved)
    assert waiting >= 5

    later = timezone.now() + SWEEP_GRACE
    with running_worker():
        assert jobs_dispatch_pending(now=later) == waiting
        assert jobs_dispatch_pending(now=later) == 0  # a second sweep finds nothing left to send
        wait_for(lambda: ImportJob.objects.get(pk=preview.pk).status == "done", timeout=60)
        wait_for(lambda: MatchRun.objects.filter(status="done").exists(), timeout=60)
        wait_for(lambda: Invitation.objects.filter(status="pending").count() == 0, timeout=60)
        wait_for(lambda: Suggestion.objects.filter(mentee=me).exists(), timeout=60)
        # the worker marks each job it begins: every job saved during the outage ran
        wait_for(lambda: not Job.objects.filter(pk__in=saved, started_at__isnull=True).exists(), timeout=60)
    assert Job.objects.filter(dispatched_at__isnull=True).count() == 0
    assert Participant.objects.filter(email__startswith="person").count() == 5
    assert set(Invitation.objects.exclude(status="revoked").values_list("status", "attempts")) == {("sent", 1)}
    assert {s.mentor_id for s in Suggestion.objects.filter(mentee=me)} <= {m.pk for m in mentors}
