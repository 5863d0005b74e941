"""The profile page, "My programs" and the dashboard cards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import Participant, Question
from tests.mentoring.factories import ParticipantFactory, ProgramFactory, QuestionFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentee_p(mentee) -> Participant:
    return Participant.objects.get(user=mentee)


@pytest.fixture
def mentor_p(mentor) -> Participant:
    return Participant.objects.get(user=mentor)


def _url(participant: Participant) -> str:
    return reverse("profile-edit", args=[participant.pk])


VALID_POST = {
    "full_name": "Tom Mentee",
    "job_title": "Analyst",
    "department": "Finance",
    "manager_email": "boss@acme.test",
    "seniority": "2",
    "location": "Lisbon",
    "timezone": "Europe/Lisbon",
    "languages": "English, Portuguese",
    "work_start": "09:00",
    "work_end": "17:00",
    "work_days": ["0", "1", "2", "3", "4"],
    "goals": "Negotiate better.",
    "skills_wanted": "  public  SPEAKING, SQL",
}


def test_mentee_sees_their_profile_in_sections_with_completeness(client, mentee, mentee_p, program):
    QuestionFactory(program=program, key="format", label="Preferred format")
    SkillFactory(organization=program.organization, name="Public speaking")
    client.force_login(mentee)
    client.cookies["turazo_tz"] = "America/Toronto"
    response = client.get(_url(mentee_p))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("About you", "Working hours &amp; languages", "As a mentee: goals and skills", "Program questions"):
        assert heading in html
    assert "Preferred format" in html
    assert 'aria-valuenow="0"' in html
    assert '<option value="Public speaking">' in html
    assert "capacity" not in html  # a mentor-only field
    assert response.context["form"]["timezone"].value() == "Europe/Lisbon"  # the profile's zone wins


def test_time_zone_defaults_to_the_browsers_when_the_profile_has_none(client, mentee, mentee_p):
    mentee_p.timezone = ""
    mentee_p.save()
    client.force_login(mentee)
    client.cookies["turazo_tz"] = "America/Toronto"
    response = client.get(_url(mentee_p))
    assert response.context["form"]["timezone"].value() == "America/Toronto"


def test_mentee_saves_the_profile_and_stays_on_the_page_with_a_flash(client, mentee, mentee_p, program):
    SkillFactory(organization=program.organization, name="Public speaking")
    client.force_login(mentee)
    response = client.post(_url(mentee_p), VALID_POST, follow=True)
    assert response.redirect_chain == [(_url(mentee_p), 302)]
    assert "Your profile is saved. It is 100% complete." in response.content.decode()
    mentee_p.refresh_from_db()
    assert mentee_p.completeness == 100
    assert mentee_p.skills_wanted == ["Public speaking", "SQL"]
    assert mentee_p.languages == ["english", "portuguese"]
    assert mentee_p.work_days == [0, 1, 2, 3, 4]
    assert (mentee_p.work_start, mentee_p.work_end) == (dt.time(9), dt.time(17))


def test_invalid_values_show_messages_next_to_their_fields_and_nothing_is_saved(client, mentee, mentee_p, program):
    QuestionFactory(program=program, key="format", label="Preferred format", required=True)
    client.force_login(mentee)
    response = client.post(
        _url(mentee_p),
        {**VALID_POST, "timezone": "Europe/Lisbn", "work_start": "18:00", "work_end": "09:00", "seniority": "9"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {
        "timezone": ["“Europe/Lisbn” is not a time zone we know. Pick one from the list, for example Europe/Lisbon."],
        "work_end": [
            "The end (09:00) is before the start (18:00). If your working day crosses midnight, "
            "tick “My working day crosses midnight”."
        ],
        "seniority": ["Select a valid choice. 9 is not one of the available choices."],
        "q_format": ["Please answer this question; it is required."],
    }
    html = response.content.decode()
    assert 'id="id_timezone_error"' in html
    assert 'aria-describedby="id_timezone_error"' in html
    assert "Your profile is not saved yet. Please correct the 4 fields marked below." in html
    mentee_p.refresh_from_db()
    assert mentee_p.job_title == ""
    assert mentee_p.completeness == 0


def test_mentor_sees_capacity_and_gets_its_message(client, mentor, mentor_p):
    client.force_login(mentor)
    response = client.post(
        _url(mentor_p), {"full_name": "Maria", "expertise": "Finance", "skills_offered": "SQL", "capacity": "0"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "capacity": ["Take between 1 and 20 mentees, or leave it empty for the program's default (2)."]
    }
    assert "goals" not in response.context["form"].fields


def test_night_shift_is_saved_when_declared_on_the_page(client, mentor, mentor_p):
    client.force_login(mentor)
    response = client.post(
        _url(mentor_p), {"full_name": "Maria", "work_start": "22:00", "work_end": "06:00", "works_overnight": "on"}
    )
    assert response.status_code == 302
    mentor_p.refresh_from_db()
    assert (mentor_p.work_start, mentor_p.work_end) == (dt.time(22), dt.time(6))
    assert client.get(_url(mentor_p)).context["form"]["works_overnight"].value() is True


def test_hr_admin_can_edit_a_participants_profile(client, hr_admin, mentee_p):
    client.force_login(hr_admin)
    response = client.post(_url(mentee_p), {**VALID_POST, "department": "Sales"}, follow=True)
    assert "Tom Mentee&#x27;s profile is saved." in response.content.decode()
    mentee_p.refresh_from_db()
    assert mentee_p.department == "Sales"


def test_another_participant_gets_404_on_a_profile(client, mentor, mentee_p):
    client.force_login(mentor)
    assert client.get(_url(mentee_p)).status_code == 404
    assert client.post(_url(mentee_p), VALID_POST).status_code == 404
    mentee_p.refresh_from_db()
    assert mentee_p.job_title == ""


def test_outsider_gets_404_on_a_profile(client, outsider, mentee_p):
    client.force_login(outsider)
    assert client.get(_url(mentee_p)).status_code == 404
    assert client.post(_url(mentee_p), VALID_POST).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client, mentee_p):
    response = client.get(_url(mentee_p))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_profile_page_query_count_does_not_grow_with_questions_and_skills(client, mentee, mentee_p, program):
    client.force_login(mentee)
    QuestionFactory(program=program)
    SkillFactory(organization=program.organization)
    few = _count_queries(client, _url(mentee_p))
    for n in range(6):
        QuestionFactory(program=program, kind=Question.Kind.MULTIPLE, choices=["a", "b", "c"])
        SkillFactory(organization=program.organization, name=f"Tag {n}")
    mentee_p.answers = {q.key: ["Video"] for q in program.questions.all()[:1]}
    mentee_p.save()
    assert _count_queries(client, _url(mentee_p)) == few
    # session, user, membership, roles, organization list, participant, questions, skills
    assert few <= 8


def test_my_programs_lists_the_persons_participations_with_completeness(client, mentee, mentee_p, organization):
    other_program = ProgramFactory(organization=organization, name="Leadership Circle")
    ParticipantFactory(program=other_program, user=mentee, email=mentee.email, role="mentor", completeness=100)
    ParticipantFactory(program=other_program, email="someone@acme.test", completeness=50)  # someone else
    mentee_p.completeness = 40
    mentee_p.save()
    client.force_login(mentee)
    response = client.get(reverse("my-participations"))
    html = response.content.decode()
    assert {(p.program.name, p.role, p.completeness) for p in response.context["participations"]} == {
        ("Acme Mentoring 2027", "mentee", 40),
        ("Leadership Circle", "mentor", 100),
    }
    assert "Complete your profile" in html
    assert "Edit your profile" in html
    assert _url(mentee_p) in html


def test_my_programs_shows_nothing_from_another_organization(client, outsider, mentee_p):
    client.force_login(outsider)
    response = client.get(reverse("my-participations"))
    assert list(response.context["participations"]) == []
    assert "You are not in any program of Globex yet" in response.content.decode()


def test_dashboard_invites_a_mentee_to_complete_their_profile(client, mentee, mentee_p):
    client.force_login(mentee)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Acme Mentoring 2027" in html
    assert f'href="{_url(mentee_p)}">Complete your profile' in html
    assert 'href="/me/programs/"' in html  # navigation


def test_dashboard_shows_a_mentor_their_complete_profile(client, mentor, mentor_p):
    mentor_p.completeness = 100
    mentor_p.save()
    client.force_login(mentor)
    html = client.get(reverse("dashboard")).content.decode()
    assert f'href="{_url(mentor_p)}"><i class="bi bi-pencil" aria-hidden="true"></i> Edit your profile' in html
    assert 'aria-valuenow="100"' in html
