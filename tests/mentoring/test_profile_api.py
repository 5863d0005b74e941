"""GET/PATCH /api/participants/<id>/profile/: self or HR admin; 404 for anyone else."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from mentoring.models import Participant
from tests.mentoring.factories import QuestionFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentee_p(mentee) -> Participant:
    return Participant.objects.get(user=mentee)


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _url(participant) -> str:
    return f"/api/participants/{participant.pk}/profile/"


def test_participant_reads_their_profile(mentee, mentee_p, program):
    body = _api(mentee).get(_url(mentee_p)).json()
    assert body == {
        "id": mentee_p.pk,
        "program": program.pk,
        "program_name": "Acme Mentoring 2027",
        "role": "mentee",
        "status": "active",
        "email": "mentee@acme.test",
        "full_name": mentee_p.full_name,
        "job_title": "",
        "department": "",
        "manager_email": "",
        "seniority": None,
        "location": "",
        "timezone": "Europe/Lisbon",
        "languages": ["english"],
        "work_start": None,
        "work_end": None,
        "works_overnight": False,
        "work_days": [],
        "goals": "",
        "skills_wanted": [],
        "expertise": "",
        "skills_offered": [],
        "capacity": None,
        "answers": {},
        "completeness": 0,
    }


def test_participant_patches_their_profile_through_the_same_rules(mentee, mentee_p, program):
    SkillFactory(organization=program.organization, name="Public speaking")
    QuestionFactory(program=program, key="format", choices=["Video", "In person"], required=True)
    response = _api(mentee).patch(
        _url(mentee_p),
        {
            "skills_wanted": ["  public  SPEAKING"],
            "work_start": "22:00",
            "work_end": "06:00",
            "works_overnight": True,
            "answers": {"format": "video"},
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["skills_wanted"], body["work_start"], body["work_end"], body["works_overnight"]) == (
        ["Public speaking"],
        "22:00",
        "06:00",
        True,
    )
    assert body["answers"] == {"format": ["Video"]}
    mentee_p.refresh_from_db()
    assert mentee_p.completeness == body["completeness"] == 60


def test_invalid_patch_is_a_400_with_every_field_and_saves_nothing(mentee, mentee_p):
    response = _api(mentee).patch(
        _url(mentee_p), {"timezone": "Mars/Base", "capacity": 3, "job_title": "Analyst"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "validation_failed",
            "message": "Please correct these 2 fields: capacity, timezone.",
            "fields": {
                "capacity": ["Only mentors fill this in; you take part as a mentee."],
                "timezone": [
                    "“Mars/Base” is not a time zone we know. Pick one from the list, for example Europe/Lisbon."
                ],
            },
        }
    }
    mentee_p.refresh_from_db()
    assert mentee_p.job_title == ""


def test_non_object_body_is_a_clear_400(mentee, mentee_p):
    response = _api(mentee).patch(_url(mentee_p), ["timezone"], format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Send the profile as a JSON object of fields."


def test_hr_admin_reads_and_patches_a_participants_profile(hr_admin, mentee_p):
    api = _api(hr_admin)
    assert api.get(_url(mentee_p)).status_code == 200
    assert api.patch(_url(mentee_p), {"department": "Sales"}, format="json").json()["department"] == "Sales"


def test_another_participant_gets_404(mentor, mentee_p):
    api = _api(mentor)
    assert api.get(_url(mentee_p)).status_code == 404
    assert api.patch(_url(mentee_p), {"department": "Sales"}, format="json").status_code == 404
    mentee_p.refresh_from_db()
    assert mentee_p.department == ""


def test_outsider_gets_404(outsider, mentee_p):
    api = _api(outsider)
    response = api.get(_url(mentee_p))
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
    assert api.patch(_url(mentee_p), {"department": "Sales"}, format="json").status_code == 404


def test_anonymous_gets_401(mentee_p):
    assert APIClient().get(_url(mentee_p)).status_code == 401


def test_profile_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/participants/{id}/profile/", "/api/programs/{program_id}/questions/", "/api/skills/"):
        assert path in schema
    assert "ProfileUpdate" in schema
