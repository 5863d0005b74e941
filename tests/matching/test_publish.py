"""Publishing a run: mentorships once, capacity re-checked under a lock, emails after commit."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from matching import services
from matching.models import MatchProposal, MatchRun
from matching.tasks import match_published_notify_task, mentorships_introduce_task
from mentoring.models import Mentorship, Participant, Program
from tests.matching import cohort
from turazo.core.errors import Conflict


@pytest.fixture
def done_run(program, hr_admin, django_capture_on_commit_callbacks) -> MatchRun:
    cohort.cohort(program, mentees=4, mentors=2, capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.match_run_create(program=program, actor=hr_admin)
    run.refresh_from_db()
    return run


def _publish(run, hr_admin, capture):
    with capture(execute=True):
        return services.match_run_publish(run=run, actor=hr_admin)


@pytest.mark.django_db
def test_publishing_creates_mentorships_from_matching_and_emails_both_people_after_commit(
    program, hr_admin, done_run, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = services.match_run_publish(run=done_run, actor=hr_admin)
    assert mail.outbox == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert (result.created, result.already_published, result.skipped) == (4, 0, [])
    assert result.message == "Published 4 mentorships; both people get an email."
    rows = list(Mentorship.objects.order_by("mentee__email"))
    assert len(rows) == 4 and {m.source for m in rows} == {"matching"} and {m.status for m in rows} == {"active"}
    proposal = MatchProposal.objects.get(mentee=rows[0].mentee)
    assert (rows[0].mentor_id, rows[0].score, rows[0].explanation) == (
        proposal.mentor_id,
        proposal.score,
        proposal.explanation,
    )
    assert proposal.mentorship == rows[0]
    assert rows[0].introduced_at is not None
    assert len(mail.outbox) == 8  # one introduction to each person, nothing else
    to_mentee = next(m for m in mail.outbox if m.to == [rows[0].mentee.email])
    assert to_mentee.subject == f"Your mentor in {program.name}: {rows[0].mentor.display_name}"
    assert proposal.explanation in to_mentee.body
    assert f"/mentorships/{rows[0].pk}/book/" in to_mentee.body
    to_mentor = next(
        m for m in mail.outbox if m.to == [rows[0].mentor.email] and rows[0].mentee.display_name in m.subject
    )
    assert to_mentor.subject == f"Your mentee in {program.name}: {rows[0].mentee.display_name}"
    done_run.refresh_from_db()
    program.refresh_from_db()
    assert done_run.published_at is not None
    assert program.status == Program.Status.ACTIVE


@pytest.mark.django_db
def test_publishing_twice_creates_each_mentorship_once_and_says_so(
    program, hr_admin, done_run, django_capture_on_commit_callbacks
):
    _publish(done_run, hr_admin, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    again = _publish(done_run, hr_admin, django_capture_on_commit_callbacks)
    assert (again.created, again.already_published) == (0, 4)
    assert again.message == "Nothing new to publish: the 4 pairs of this run are already mentorships."
    assert Mentorship.objects.count() == 4 and mail.outbox == []


@pytest.mark.django_db
def test_capacity_is_rechecked_at_publish(program, hr_admin, done_run, django_capture_on_commit_callbacks):
    full = Participant.objects.get(pk=done_run.proposals.first().mentor_id)
    outsider_mentee = cohort.mentee(program, 20)
    Mentorship.objects.create(
        organization=program.organization, program=program, mentor=full, mentee=outsider_mentee, source="admin"
    )
    Participant.objects.filter(pk=full.pk).update(capacity=1)
    result = _publish(done_run, hr_admin, django_capture_on_commit_callbacks)
    assert result.created == 4 - done_run.proposals.filter(mentor=full).count()
    assert result.skipped
    assert all(s == f"{full.display_name} has no free place left." for s in result.skipped)
    assert Mentorship.objects.filter(mentor=full).count() == 1


@pytest.mark.django_db
def test_a_mentee_who_got_a_mentor_meanwhile_is_skipped(
    program, hr_admin, done_run, django_capture_on_commit_callbacks
):
    proposal = done_run.proposals.select_related("mentee").first()
    other_mentor = cohort.mentor(program, 9)
    Mentorship.objects.create(
        organization=program.organization,
        program=program,
        mentor=other_mentor,
        mentee=proposal.mentee,
        source="request",
    )
    result = _publish(done_run, hr_admin, django_capture_on_commit_callbacks)
    assert result.created == 3
    assert result.skipped == [f"{proposal.mentee.display_name} already has a mentor."]
    assert Mentorship.objects.filter(mentee=proposal.mentee).count() == 1


@pytest.mark.django_db
def test_only_a_finished_run_can_be_published(program, hr_admin):
    run = services.match_run_create(program=program, actor=hr_admin)
    with pytest.raises(Conflict, match="this one is queued"):
        services.match_run_publish(run=run, actor=hr_admin)
    assert Mentorship.objects.count() == 0


@pytest.mark.django_db
def test_the_introductions_never_mail_a_pair_twice(program, hr_admin, done_run, django_capture_on_commit_callbacks):
    _publish(done_run, hr_admin, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 8
    ids = list(Mentorship.objects.values_list("pk", flat=True))
    assert mentorships_introduce_task(ids) == 0
    assert match_published_notify_task(done_run.pk) == 0  # the task queued by older releases
    assert len(mail.outbox) == 8


@pytest.mark.django_db
def test_the_publish_button_reports_what_happened(client, hr_admin, done_run, django_capture_on_commit_callbacks):
    client.force_login(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("matchrun-publish", args=[done_run.pk]), follow=True)
    assert "Published 4 mentorships" in page.content.decode()
    page = client.post(reverse("matchrun-publish", args=[done_run.pk]), follow=True)
    assert "Nothing new to publish" in page.content.decode()
    assert Mentorship.objects.count() == 4


@pytest.mark.django_db
def test_api_publish_returns_the_result_and_outsiders_get_404(
    client, hr_admin, outsider, done_run, django_capture_on_commit_callbacks
):
    client.force_login(outsider)
    assert client.post(f"/api/match-runs/{done_run.pk}/publish/").status_code == 404
    assert Mentorship.objects.count() == 0
    client.force_login(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        body = client.post(f"/api/match-runs/{done_run.pk}/publish/").json()
    assert body == {
        "created": 4,
        "already_published": 0,
        "skipped": [],
        "offered": 0,
        "message": "Published 4 mentorships; both people get an email.",
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_publishing_at_once_create_each_mentorship_once(program, hr_admin):
    cohort.cohort(program, mentees=4, mentors=2, capacity=2)
    run = services.match_run_create(program=program, actor=hr_admin)  # eager + autocommit: done now
    run.refresh_from_db()
    assert run.status == "done"
    barrier = threading.Barrier(2)
    results, errors = [], []

    def publish() -> None:
        try:
            barrier.wait()
            results.append(services.match_run_publish(run=run, actor=hr_admin).created)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [0, 4]
    assert Mentorship.objects.count() == 4
