"""The scheduling API: availability, free slots, sessions (book, reschedule, cancel, no-show),
feedback and a program's rules, with the same rules and errors as the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from scheduling.models import Feedback, Session
from scheduling.services.free_time import next_slots
from scheduling.services.sessions import session_book
from tests.accounts.factories import UserFactory
from tests.scheduling.helpers import make_pair, participant_for


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(program, mentor_user=mentor, mentee_user=mentee, mentor_zone="Europe/Berlin")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def free(pair, n: int = 0):
    return next_slots(mentorship=pair, after=timezone.now(), count=n + 1)[n]


def test_availability_round_trip(pair, mentor):
    client = api(mentor)
    url = f"/api/participants/{pair.mentor.pk}/availability/"
    got = client.get(url).json()
    assert got["timezone"] == "Europe/Berlin"
    assert got["weekly"]["0"] == [["09:00", "17:00"]]
    assert got["weekly"]["6"] == []
    body = {
        "timezone": "Asia/Kolkata",
        "video_room_url": "https://zoom.example/me",
        "weekly": {"0": [["08:00", "12:00"], ["22:00", "02:00"]], "3": [["10:00", "11:30"]]},
        "overrides": {"2099-01-05": [], "2099-01-06": [["10:00", "12:00"]]},
    }
    put = client.put(url, body, format="json")
    assert put.status_code == 200
    assert put.json() == {
        "participant": pair.mentor.pk,
        "timezone": "Asia/Kolkata",
        "applies": True,
        "video_room_url": "https://zoom.example/me",
        "weekly": {
            "0": [["08:00", "12:00"], ["22:00", "02:00"]],
            "1": [],
            "2": [],
            "3": [["10:00", "11:30"]],
            "4": [],
            "5": [],
            "6": [],
        },
        "overrides": {"2099-01-05": [], "2099-01-06": [["10:00", "12:00"]]},
    }


@pytest.mark.parametrize(
    ("weekly", "field"),
    [
        ({"0": [["09:00", "12:00"], ["11:00", "13:00"]]}, "weekly"),
        ({"8": [["09:00", "12:00"]]}, "weekly"),
        ({"0": [["9am", "12:00"]]}, "weekly"),
    ],
)
def test_bad_availability_is_400_and_nothing_changes(pair, mentor, weekly, field):
    client = api(mentor)
    url = f"/api/participants/{pair.mentor.pk}/availability/"
    before = client.get(url).json()
    response = client.put(url, {"timezone": "Europe/Berlin", "weekly": weekly}, format="json")
    assert response.status_code == 400
    assert [k for k in response.json()["error"]["fields"] if k.split(".")[0] == field]
    assert client.get(url).json() == before


def test_free_slots_in_utc(pair, mentee):
    start = free(pair).start
    response = api(mentee).get(
        f"/api/mentorships/{pair.pk}/slots/",
        {"from": start.isoformat(), "to": (start + timedelta(hours=2)).isoformat()},
    )
    assert response.status_code == 200
    assert response.json()[0] == {"start": start.isoformat(), "end": (start + timedelta(minutes=45)).isoformat()}


@pytest.mark.parametrize(
    "params",
    [
        {"from": "yesterday"},
        {"from": "2099-01-01T00:00:00"},
        {"from": "2099-01-01T00:00Z", "to": "2099-06-01T00:00Z"},
        {"limit": "0"},
    ],
)
def test_bad_slot_queries_are_400(pair, mentee, params):
    response = api(mentee).get(f"/api/mentorships/{pair.pk}/slots/", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_failed"


def test_booking_returns_the_whole_session(pair, mentee):
    slot = free(pair)
    response = api(mentee).post(
        "/api/sessions/", {"mentorship": pair.pk, "start": slot.start.isoformat(), "agenda": "Hi"}, format="json"
    )
    assert response.status_code == 201
    session = Session.objects.get()
    body = response.json()
    assert body == {
        "id": session.pk,
        "mentorship": pair.pk,
        "program": pair.program_id,
        "mentor": {"participant": pair.mentor.pk, "name": pair.mentor.display_name, "email": pair.mentor.user.email},
        "mentee": {"participant": pair.mentee.pk, "name": pair.mentee.display_name, "email": pair.mentee.user.email},
        "my_role": "mentee",
        "start": slot.start.isoformat().replace("+00:00", "Z"),
        "end": slot.end.isoformat().replace("+00:00", "Z"),
        "status": "scheduled",
        "agenda": "Hi",
        "video_url": session.video_url,
        "calendar_uid": session.calendar_uid,
        "sequence": 0,
        "reschedule_count": 0,
        "cancelled_at": None,
        "cancel_reason": "",
        "late_cancellation": False,
        "no_show_role": "",
        "feedback": [],
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


def test_a_taken_slot_is_409_with_the_next_free_slots(pair, mentee, mentor):
    slot = free(pair)
    session_book(mentorship=pair, start=slot.start, actor=mentor)
    response = api(mentee).post(
        "/api/sessions/", {"mentorship": pair.pk, "start": slot.start.isoformat()}, format="json"
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "slot_taken"
    assert "just taken" in error["message"]
    assert len(error["next_slots"]) == 3
    assert error["next_slots"][0]["start"] > slot.start.isoformat()
    assert Session.objects.count() == 1


def test_a_time_never_offered_is_400(pair, mentee):
    response = api(mentee).post(
        "/api/sessions/",
        {"mentorship": pair.pk, "start": (timezone.now() + timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("too_soon", "off_grid")


def test_someone_elses_mentorship_is_a_400_naming_the_field(pair, outsider):
    response = api(outsider).post(
        "/api/sessions/", {"mentorship": pair.pk, "start": free(pair).start.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert "mentorship" in response.json()["error"]["fields"]


def test_reschedule_cancel_and_the_lists(pair, mentee, mentor, hr_admin):
    session = session_book(mentorship=pair, start=free(pair).start, actor=mentee)
    new = next_slots(mentorship=pair, after=session.end + timedelta(days=1), count=1, exclude_session_id=session.pk)[0]
    moved = api(mentor).post(f"/api/sessions/{session.pk}/reschedule/", {"start": new.start.isoformat()}, format="json")
    assert moved.status_code == 200
    assert (moved.json()["sequence"], moved.json()["my_role"]) == (1, "mentor")
    cancelled = api(mentee).post(f"/api/sessions/{session.pk}/cancel/", {"reason": "Sorry"}, format="json")
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == ("cancelled", "Sorry")
    again = api(mentee).post(f"/api/sessions/{session.pk}/cancel/", {}, format="json")
    assert again.status_code == 409
    assert "already cancelled by you" in again.json()["error"]["message"]
    assert [s["id"] for s in api(mentee).get("/api/sessions/").json()["results"]] == [session.pk]
    assert [s["id"] for s in api(hr_admin).get("/api/sessions/").json()["results"]] == [session.pk]
    assert api(hr_admin).get("/api/sessions/?mine=true").json()["results"] == []


def test_outsiders_and_other_participants_get_404_and_the_admin_403_on_actions(
    pair, mentee, outsider, hr_admin, program
):
    session = session_book(mentorship=pair, start=free(pair).start, actor=mentee)
    stranger = UserFactory()
    participant_for(stranger, program, "mentee")
    for user in (outsider, stranger):
        client = api(user)
        assert client.get(f"/api/sessions/{session.pk}/").status_code == 404
        assert client.post(f"/api/sessions/{session.pk}/cancel/", {}, format="json").status_code == 404
        assert client.get(f"/api/sessions/{session.pk}/feedback/").status_code == 404
        assert client.get(f"/api/mentorships/{pair.pk}/slots/").status_code == 404
        assert client.get(f"/api/participants/{pair.mentor.pk}/availability/").status_code == 404
    admin = api(hr_admin)
    assert admin.get(f"/api/sessions/{session.pk}/").status_code == 200
    assert admin.post(f"/api/sessions/{session.pk}/cancel/", {}, format="json").status_code == 403
    assert api(outsider).get("/api/sessions/").json()["results"] == []
    assert api(mentee).get("/api/sessions/junk/").status_code == 404


def test_feedback_and_what_the_other_person_sees(pair, mentee, mentor, hr_admin):
    session = session_book(mentorship=pair, start=free(pair).start, actor=mentee)
    early = api(mentee).put(f"/api/sessions/{session.pk}/feedback/", {"rating": 5}, format="json")
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "not_ended"
    Session.objects.filter(pk=session.pk).update(
        start=timezone.now() - timedelta(hours=2), end=timezone.now() - timedelta(hours=1)
    )
    assert api(mentee).get(f"/api/sessions/{session.pk}/feedback/").status_code == 404
    put = api(mentee).put(
        f"/api/sessions/{session.pk}/feedback/",
        {"rating": 5, "comment": "Great", "private_note": "for HR", "shared": True},
        format="json",
    )
    assert put.status_code == 200
    assert {k: put.json()[k] for k in ("role", "rating", "comment", "private_note", "shared")} == {
        "role": "mentee", "rating": 5, "comment": "Great", "private_note": "for HR", "shared": True,
    }  # fmt: skip
    seen_by_mentor = api(mentor).get(f"/api/sessions/{session.pk}/").json()["feedback"]
    assert seen_by_mentor == [
        {"id": Feedback.objects.get().pk, "role": "mentee", "rating": 5, "comment": "Great", "shared": True}
    ]
    seen_by_admin = api(hr_admin).get(f"/api/sessions/{session.pk}/").json()["feedback"]
    assert seen_by_admin[0]["private_note"] == "for HR"
    bad = api(mentor).put(f"/api/sessions/{session.pk}/feedback/", {"rating": 6}, format="json")
    assert bad.status_code == 400
    assert "rating" in bad.json()["error"]["fields"]


def test_no_show_through_the_api(pair, mentee, mentor):
    session = session_book(mentorship=pair, start=free(pair).start, actor=mentee)
    early = api(mentor).post(f"/api/sessions/{session.pk}/no-show/")
    assert early.status_code == 409
    Session.objects.filter(pk=session.pk).update(
        start=timezone.now() - timedelta(minutes=15), end=timezone.now() + timedelta(minutes=30)
    )
    response = api(mentor).post(f"/api/sessions/{session.pk}/no-show/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["no_show_role"]) == ("no_show", "mentee")


def test_the_programs_rules_are_admin_only(program, hr_admin, mentee, pair):
    url = f"/api/programs/{program.pk}/scheduling/"
    assert api(mentee).get(url).status_code == 403
    got = api(hr_admin).get(url).json()
    assert got == {
        "buffer_before_minutes": 10, "buffer_after_minutes": 10, "min_notice_hours": 12, "horizon_days": 60,
        "grid_minutes": 30, "max_sessions_per_week": None, "remind_24h": True, "remind_1h": True,
        "feedback_requests": True,
    }  # fmt: skip
    changed = api(hr_admin).patch(url, {"min_notice_hours": 24, "max_sessions_per_week": 3}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["min_notice_hours"], changed.json()["max_sessions_per_week"]) == (24, 3)
    bad = api(hr_admin).patch(url, {"grid_minutes": 7}, format="json")
    assert bad.status_code == 400
    assert "grid_minutes" in bad.json()["error"]["fields"]


def test_the_schema_documents_the_scheduling_api(client, hr_admin):
    client.force_login(hr_admin)
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/sessions/{id}/reschedule/",
        "/api/mentorships/{id}/slots/",
        "/api/participants/{id}/availability/",
    ):
        assert path in schema
