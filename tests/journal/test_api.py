"""The goals and notes API: the pages' rules, full bodies, clear errors."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from journal.models import Goal, Note
from tests.journal.conftest import make_session
from tests.journal.factories import GoalFactory


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_mentee_creates_updates_and_deletes_a_goal(pair, mentee):
    api = _api(mentee)
    created = api.post(
        f"/api/mentorships/{pair.pk}/goals/",
        {"title": "Present at all-hands", "target_date": "2027-04-01"},
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    goal_id = body.pop("id")
    assert {k: body[k] for k in ("mentorship", "title", "status", "target_date", "done_at")} == {
        "mentorship": pair.pk,
        "title": "Present at all-hands",
        "status": "open",
        "target_date": "2027-04-01",
        "done_at": None,
    }
    patched = api.patch(f"/api/goals/{goal_id}/", {"status": "done"}, format="json").json()
    assert patched["status"] == "done"
    assert patched["target_date"] == "2027-04-01"
    assert patched["done_at"] is not None
    cleared = api.patch(f"/api/goals/{goal_id}/", {"target_date": None}, format="json").json()
    assert cleared["target_date"] is None
    assert api.delete(f"/api/goals/{goal_id}/").status_code == 204
    assert Goal.objects.count() == 0


def test_the_mentor_reads_goals_but_gets_403_on_writes(pair, mentor):
    goal = GoalFactory(mentorship=pair, title="Read only")
    api = _api(mentor)
    assert [g["title"] for g in api.get(f"/api/mentorships/{pair.pk}/goals/").json()] == ["Read only"]
    response = api.post(f"/api/mentorships/{pair.pk}/goals/", {"title": "Mine"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert api.patch(f"/api/goals/{goal.pk}/", {"status": "done"}, format="json").status_code == 403
    goal.refresh_from_db()
    assert goal.status == "open"
    assert Goal.objects.count() == 1


def test_a_blank_goal_title_is_a_400_naming_the_field(pair, mentee):
    response = _api(mentee).post(f"/api/mentorships/{pair.pk}/goals/", {"title": "  "}, format="json")
    assert response.status_code == 400
    assert "title" in response.json()["error"]["fields"]


def test_notes_are_created_on_a_session_and_rendered_safely(pair, mentee):
    session = make_session(pair)
    api = _api(mentee)
    response = api.post(
        f"/api/mentorships/{pair.pk}/notes/",
        {"body": "**Next**: <b>try</b> [x](javascript:alert(1))", "session": session.pk},
        format="json",
    )
    assert response.status_code == 201
    note = response.json()
    assert note["session"] == session.pk
    assert note["visibility"] == "shared"
    assert note["mine"] is True
    assert note["body_html"] == "<p><strong>Next</strong>: &lt;b&gt;try&lt;/b&gt; [x](javascript:alert(1))</p>\n"


def test_a_note_on_a_session_of_another_pair_is_a_400(pair, other_pair, mentee):
    response = _api(mentee).post(
        f"/api/mentorships/{pair.pk}/notes/", {"body": "x", "session": make_session(other_pair).pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"session": ["Give a session of this pair."]}
    assert Note.objects.count() == 0


@pytest.mark.parametrize("who", ["outsider", "stranger", "hr_admin"])
def test_goals_of_a_pair_are_404_to_everyone_else(request, pair, who):
    goal = GoalFactory(mentorship=pair)
    api = _api(request.getfixturevalue(who))
    assert api.get(f"/api/mentorships/{pair.pk}/goals/").status_code == 404
    assert api.get(f"/api/goals/{goal.pk}/").status_code == 404
    assert api.delete(f"/api/goals/{goal.pk}/").status_code == 404
    assert Goal.objects.filter(pk=goal.pk).exists()
