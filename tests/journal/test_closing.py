"""Closing a program: sessions cancelled and reminders stopped, mentorships ended, one survey
email per person, the survey answered once (email link or app), the CSV export, idempotence."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from rest_framework.test import APIClient

from journal.models import ProgramClosure, SurveyAnswer
from journal.selectors import program_goal_progress, survey_comments, survey_summary
from journal.services.closing import program_close
from journal.services.survey import survey_answer
from mentoring.models import Mentorship, Participant, Program
from scheduling.models import Reminder, Session
from scheduling.services.sessions import session_book
from tests.journal.conftest import make_session
from tests.journal.factories import GoalFactory
from tests.mentoring.factories import ParticipantFactory, UserFactory
from tests.scheduling.helpers import NOW, make_pair
from turazo.core.errors import Conflict, PermissionDenied, ValidationFailed

TUE_9 = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def busy(program, hr_admin, django_capture_on_commit_callbacks):
    """An active program: a pair with a booked future session (reminders pending), a past
    session waiting for feedback, a joined participant without a pair, and an invitee."""
    pair = make_pair(program)
    with django_capture_on_commit_callbacks(execute=True):  # the invites go out
        session = session_book(mentorship=pair, start=TUE_9, actor=pair.mentee.user, now=NOW)
    past = make_session(pair, start="2026-01-05T09:00Z", end="2026-01-05T10:00Z", status="completed")
    Reminder.objects.create(
        organization=program.organization, session=past, recipient=pair.mentee.user, kind="feedback",
        due_at=datetime(2099, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    lone = UserFactory(email="lone@acme.test")
    ParticipantFactory(program=program, user=lone, email=lone.email, role="mentor", status="active")
    ParticipantFactory(program=program, email="invited@acme.test", role="mentee")  # never joined
    mail.outbox.clear()
    return {"pair": pair, "session": session, "past": past}


def _survey_mails():
    return [m for m in mail.outbox if "has closed: how was it for you?" in m.subject]


def test_closing_does_everything_once(busy, program, hr_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = program_close(program=program, actor=hr_admin)

    program.refresh_from_db()
    assert program.status == "closed"
    assert result.already_closed is False
    pair = Mentorship.objects.get(pk=busy["pair"].pk)
    assert (pair.status, pair.end_reason, pair.ended_by_id) == ("ended", "Program closed", hr_admin.pk)
    session = Session.objects.get(pk=busy["session"].pk)
    assert (session.status, session.cancel_reason, session.late_cancellation) == ("cancelled", "Program closed", False)
    assert Reminder.objects.filter(session__program=program, status="pending").count() == 0
    cancels = [m for m in mail.outbox if any("method=CANCEL" in mimetype for _, mimetype in m.alternatives)]
    assert sorted(m.to[0] for m in cancels) == sorted([pair.mentor.user.email, pair.mentee.user.email])
    assert sorted(m.to[0] for m in _survey_mails()) == sorted(
        [pair.mentor.user.email, pair.mentee.user.email, "lone@acme.test"]
    )
    closure = ProgramClosure.objects.get(program=program)
    assert (closure.mentorships_ended, closure.sessions_cancelled, closure.surveys_sent) == (1, 1, 3)
    assert closure.reminders_stopped == 1  # the past session's feedback request
    assert closure.closed_by_id == hr_admin.pk


def test_closing_twice_is_harmless(busy, program, hr_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        program_close(program=program, actor=hr_admin)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = program_close(program=program, actor=hr_admin)
    assert again.already_closed is True
    assert len(mail.outbox) == sent
    assert SurveyAnswer.objects.filter(program=program).count() == 3
    assert again.closure.surveys_sent == 3


def test_a_survey_send_run_twice_emails_each_person_once(busy, program, hr_admin, django_capture_on_commit_callbacks):
    from journal.services.survey import surveys_send

    with django_capture_on_commit_callbacks(execute=True):
        program_close(program=program, actor=hr_admin)
    assert surveys_send(program_id=program.pk) == 0
    assert len(_survey_mails()) == 3


def test_moving_the_status_to_closed_any_other_way_also_closes_properly(client, busy, program, hr_admin):
    client.force_login(hr_admin)
    client.post(f"/programs/{program.pk}/status/", {"status": "closed"})
    program.refresh_from_db()
    assert program.status == "closed"
    assert Mentorship.objects.get(pk=busy["pair"].pk).status == "ended"
    assert SurveyAnswer.objects.filter(program=program).count() == 3


def test_the_close_page_says_what_will_happen_and_changes_nothing_on_get(client, busy, program, hr_admin):
    client.force_login(hr_admin)
    page = client.get(f"/programs/{program.pk}/close/").content.decode()
    effects = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.split('id="close-effects"')[1].split("</ul>")[0]))
    assert "1 active mentorship ends" in effects
    assert "1 upcoming session is cancelled" in effects
    assert "3 participants who joined get the closing survey" in effects
    program.refresh_from_db()
    assert program.status == "active"


def test_closing_from_the_page_then_again(client, busy, program, hr_admin, django_capture_on_commit_callbacks):
    client.force_login(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/programs/{program.pk}/close/", follow=True)
    assert "is closed. Mentorships ended: 1 · sessions cancelled: 1 · closing surveys sent: 3." in (
        response.content.decode()
    )
    response = client.post(f"/programs/{program.pk}/close/", follow=True)
    assert "was already closed; nothing changed." in response.content.decode()
    assert len(_survey_mails()) == 3


def test_the_program_page_offers_the_close_flow_instead_of_a_bare_status_change(client, program, hr_admin):
    Program.objects.filter(pk=program.pk).update(status="active")
    client.force_login(hr_admin)
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert f'href="/programs/{program.pk}/close/"' in page


@pytest.mark.parametrize("who", ["mentee", "outsider"])
def test_only_the_programs_admins_can_close_it(client, request, program, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(f"/programs/{program.pk}/close/")
    assert response.status_code == (403 if who == "mentee" else 404)
    program.refresh_from_db()
    assert program.status != "closed"


def test_the_api_closes_once(busy, program, hr_admin):
    api = APIClient()
    api.force_authenticate(hr_admin)
    first = api.post(f"/api/programs/{program.pk}/close/").json()
    assert {k: first[k] for k in ("mentorships_ended", "sessions_cancelled", "surveys_sent", "already_closed")} == {
        "mentorships_ended": 1,
        "sessions_cancelled": 1,
        "surveys_sent": 3,
        "already_closed": False,
    }
    assert api.post(f"/api/programs/{program.pk}/close/").json()["already_closed"] is True


# --- The survey ----------------------------------------------------------------------------------


@pytest.fixture
def closed(busy, program, hr_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        program_close(program=program, actor=hr_admin)
    return busy


def _link_of(user_email: str) -> str:
    message = next(m for m in _survey_mails() if m.to == [user_email])
    return re.search(r"http://[^\s]+/links/[^\s/]+/", message.body).group(0)


def test_the_survey_is_answered_from_the_email_once(client, closed, program):
    mentee = closed["pair"].mentee.user
    url = _link_of(mentee.email).split("testserver", 1)[-1]
    url = url[url.index("/links/") :]
    page = client.get(url)
    assert page.status_code == 200
    assert "What changed for you?" in page.content.decode()
    assert SurveyAnswer.objects.get(user=mentee).answered_at is None

    done = client.post(url, {"rating": "4", "what_changed": "I lead meetings now."})
    assert "your answer about Acme Mentoring 2027 is recorded" in done.content.decode()
    answer = SurveyAnswer.objects.get(user=mentee)
    assert (answer.rating, answer.what_changed) == (4, "I lead meetings now.")
    again = client.post(url, {"rating": "1", "what_changed": "changed my mind"})
    assert again.status_code == 410
    answer.refresh_from_db()
    assert answer.rating == 4


def test_a_bad_rating_from_the_email_link_keeps_the_link_usable(client, closed):
    mentee = closed["pair"].mentee.user
    url = _link_of(mentee.email)
    url = url[url.index("/links/") :]
    assert client.post(url, {"rating": "9"}).status_code == 400
    assert client.post(url, {"rating": "5"}).status_code == 200
    assert SurveyAnswer.objects.get(user=mentee).rating == 5


def test_the_survey_is_answered_in_the_app_once(client, closed):
    mentor = closed["pair"].mentor.user
    answer = SurveyAnswer.objects.get(user=mentor)
    client.force_login(mentor)
    assert f"/journal/surveys/{answer.pk}/" in client.get("/journal/").content.decode()
    client.post(f"/journal/surveys/{answer.pk}/", {"rating": "5", "what_changed": "More confident."})
    answer.refresh_from_db()
    assert answer.rating == 5
    with pytest.raises(Conflict, match="You already answered this survey on"):
        survey_answer(answer=answer, actor=mentor, rating=1)
    assert "You answered on" in client.get(f"/journal/surveys/{answer.pk}/").content.decode()


def test_someone_else_cannot_answer_or_open_a_survey(client, closed, hr_admin, outsider):
    answer = SurveyAnswer.objects.get(user=closed["pair"].mentor.user)
    with pytest.raises(PermissionDenied):
        survey_answer(answer=answer, actor=hr_admin, rating=3)
    for user in (hr_admin, outsider, closed["pair"].mentee.user):
        client.force_login(user)
        assert client.get(f"/journal/surveys/{answer.pk}/").status_code == 404
        assert client.post(f"/journal/surveys/{answer.pk}/", {"rating": "1"}).status_code == 404
    answer.refresh_from_db()
    assert answer.answered_at is None


def test_a_rating_outside_1_to_5_is_refused(closed):
    mentor = closed["pair"].mentor.user
    answer = SurveyAnswer.objects.get(user=mentor)
    with pytest.raises(ValidationFailed, match="from 1"):
        survey_answer(answer=answer, actor=mentor, rating=0)


def test_the_selectors_give_the_report_its_figures(closed, program):
    pair = closed["pair"]
    for user, rating, text in ((pair.mentor.user, 5, "Great"), (pair.mentee.user, 2, "")):
        survey_answer(answer=SurveyAnswer.objects.get(user=user), actor=user, rating=rating, what_changed=text)
    GoalFactory(mentorship=pair, status="done", done_at=NOW)
    GoalFactory(mentorship=pair, status="in_progress")
    summary = survey_summary(program=program)
    assert (summary.sent, summary.answered, summary.average_rating) == (3, 2, 3.5)
    assert summary.distribution == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    assert [c.what_changed for c in survey_comments(program=program)] == ["Great"]
    progress = program_goal_progress(program=program)
    assert (progress.total, progress.done, progress.in_progress, progress.done_percent) == (2, 1, 1, 50)


def test_the_survey_csv_is_formula_safe_and_admin_only(client, closed, program, hr_admin, outsider, mentee):
    user = closed["pair"].mentee.user
    survey_answer(answer=SurveyAnswer.objects.get(user=user), actor=user, rating=3, what_changed="=HYPERLINK(1)")
    client.force_login(hr_admin)
    response = client.get(f"/programs/{program.pk}/closing-survey.csv")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == "\ufeffemail,name,role,emailed_at,answered_at,rating,what_changed"
    assert "'=HYPERLINK(1)" in body
    assert len(body.splitlines()) == 4
    client.force_login(outsider)
    assert client.get(f"/programs/{program.pk}/closing-survey.csv").status_code == 404
    client.force_login(mentee)
    assert client.get(f"/programs/{program.pk}/closing-survey.csv").status_code == 403


def test_participants_who_never_joined_get_no_survey(closed, program):
    invited = Participant.objects.get(email="invited@acme.test")
    assert not SurveyAnswer.objects.filter(participant=invited).exists()
