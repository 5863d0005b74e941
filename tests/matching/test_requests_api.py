"""The requests API: create, list mine, withdraw, accept, decline — the same rules as the
pages, as 400/403/404/409 with the sentence a person reads; other organizations get 404."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from matching.models import MentorshipRequest
from mentoring.models import Mentorship, Program
from tests.matching.requesting import ask, mentee, mentor

pytestmark = pytest.mark.django_db(transaction=True)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_mentee_asks_and_reads_the_whole_request(program):
    me, them = mentee(program, 1), mentor(program, 1)
    r = api(me.user).post(
        "/api/requests/", {"program": program.pk, "mentor": them.pk, "message": "Hello!"}, format="json"
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    req = MentorshipRequest.objects.get()
    assert body["id"] == req.pk
    assert body["status"] == "pending"
    assert body["kind"] == "request"
    assert body["message"] == "Hello!"
    assert body["mentor"] == {"id": them.pk, "name": "Mentor 01", "email": them.email}
    assert body["mentee"] == {"id": me.pk, "name": "Mentee 01", "email": me.email}
    assert body["score"] == req.score
    assert body["explanation"] == req.explanation
    assert body["answered_at"] is None


def test_rules_answer_409_with_the_reason_and_create_nothing(program):
    program.matching_mode = Program.MatchingMode.ADMIN
    program.save()
    me, them = mentee(program, 1), mentor(program, 1)
    r = api(me.user).post("/api/requests/", {"program": program.pk, "mentor": them.pk}, format="json")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict"
    assert "the HR team matches mentees with mentors" in r.json()["error"]["message"]
    assert MentorshipRequest.objects.count() == 0


def test_bad_input_is_400_naming_the_field(program):
    me, them = mentee(program, 1), mentor(program, 1)
    r = api(me.user).post(
        "/api/requests/", {"program": program.pk, "mentor": them.pk, "message": "x" * 1001}, format="json"
    )
    assert r.status_code == 400
    assert list(r.json()["error"]["fields"]) == ["message"]
    r = api(me.user).post("/api/requests/", {"program": program.pk, "mentor": me.pk}, format="json")
    assert r.status_code == 400
    assert r.json()["error"]["fields"] == {"mentor": ["Choose a listed mentor."]}
    assert MentorshipRequest.objects.count() == 0


def test_someone_who_is_not_a_mentee_is_403(program):
    them, other = mentor(program, 1), mentor(program, 2)
    r = api(other.user).post("/api/requests/", {"program": program.pk, "mentor": them.pk}, format="json")
    assert r.status_code == 403
    assert "You are not a mentee of Acme Mentoring 2027" in r.json()["error"]["message"]


def test_each_side_lists_its_own_and_the_mentor_accepts(program):
    me, them, stranger = mentee(program, 1), mentor(program, 1), mentee(program, 2)
    req = ask(me, them)
    assert [r["id"] for r in api(me.user).get("/api/requests/?role=mentee").json()["results"]] == [req.pk]
    assert [r["id"] for r in api(them.user).get("/api/requests/?role=mentor").json()["results"]] == [req.pk]
    assert api(stranger.user).get("/api/requests/").json()["results"] == []
    assert api(stranger.user).post(f"/api/requests/{req.pk}/accept/").status_code == 404
    assert api(me.user).post(f"/api/requests/{req.pk}/accept/").status_code == 403
    r = api(them.user).post(f"/api/requests/{req.pk}/accept/")
    assert r.status_code == 200
    assert r.json()["status"] == "accepted"
    assert r.json()["mentorship"] == Mentorship.objects.get(mentee=me).pk
    again = api(them.user).post(f"/api/requests/{req.pk}/decline/", {"reason": "no"}, format="json")
    assert again.status_code == 409
    assert "You accepted Mentee 01's request on" in again.json()["error"]["message"]


def test_decline_with_a_reason_and_withdraw(program):
    me, a, b = mentee(program, 1), mentor(program, 1), mentor(program, 2)
    first, second = ask(me, a), ask(me, b)
    r = api(a.user).post(f"/api/requests/{first.pk}/decline/", {"reason": "Too busy."}, format="json")
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["decline_reason"]) == ("declined", "Too busy.")
    assert api(b.user).post(f"/api/requests/{second.pk}/withdraw/").status_code == 403
    r = api(me.user).post(f"/api/requests/{second.pk}/withdraw/")
    assert r.status_code == 200
    assert r.json()["status"] == "withdrawn"
    assert api(me.user).post(f"/api/requests/{second.pk}/withdraw/").status_code == 409


def test_another_organization_gets_404_everywhere(program, outsider, hr_admin):
    req = ask(mentee(program, 1), mentor(program, 1))
    client = api(outsider)
    assert client.get(f"/api/requests/{req.pk}/").status_code == 404
    assert client.get("/api/requests/").json()["results"] == []
    for action in ("accept", "decline", "withdraw"):
        assert client.post(f"/api/requests/{req.pk}/{action}/").status_code == 404
    assert (
        client.post("/api/requests/", {"program": program.pk, "mentor": req.mentor_id}, format="json").status_code
        == 404
    )
    req.refresh_from_db()
    assert req.status == "pending"
    # the organization's HR admin sees it, but cannot answer for the mentor
    assert api(hr_admin).get(f"/api/requests/{req.pk}/").status_code == 200
    assert api(hr_admin).post(f"/api/requests/{req.pk}/accept/").status_code == 403


def test_the_program_api_reads_and_writes_the_request_settings(program, hr_admin):
    client = api(hr_admin)
    body = client.get(f"/api/programs/{program.pk}/").json()
    assert (body["max_pending_requests"], body["request_reminder_days"], body["request_expiry_days"]) == (3, 3, 7)
    assert body["mentors_confirm_matches"] is False
    r = client.patch(
        f"/api/programs/{program.pk}/",
        {"max_pending_requests": 5, "request_expiry_days": 10, "mentors_confirm_matches": True},
        format="json",
    )
    assert r.status_code == 200, r.json()
    program.refresh_from_db()
    assert (program.max_pending_requests, program.request_expiry_days, program.mentors_confirm_matches) == (5, 10, True)
    bad = client.patch(f"/api/programs/{program.pk}/", {"request_expiry_days": 2}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["request_expiry_days"] == [
        "Requests must expire after the reminder (3 days); choose more than 3 days."
    ]


def test_a_new_program_with_only_a_late_reminder_is_400_not_a_server_error(organization, hr_admin):
    body = {"name": "Spring", "start_date": "2027-03-01", "end_date": "2027-06-30", "request_reminder_days": 10}
    r = api(hr_admin).post("/api/programs/", body, format="json")
    assert r.status_code == 400
    assert r.json()["error"]["fields"]["request_expiry_days"] == [
        "Requests must expire after the reminder (10 days); choose more than 10 days."
    ]
    assert Program.objects.filter(name="Spring").count() == 0
