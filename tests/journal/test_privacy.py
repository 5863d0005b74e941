"""Who can read which note. Private notes: only their author (an HR admin, the other person
of the pair and a member of another organization get 404, pages and API alike). Shared notes:
the pair only. HR admins see counts and goal progress, never a note's text."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from journal.models import Note
from tests.journal.factories import GoalFactory, NoteFactory

SECRET = "my-private-worry-7731"
SHARED = "our-shared-plan-4410"


@pytest.fixture
def private_note(pair, mentee):
    return NoteFactory(mentorship=pair, author=mentee, visibility="private", body=SECRET)


@pytest.fixture
def shared_note(pair, mentee):
    return NoteFactory(mentorship=pair, author=mentee, visibility="shared", body=SHARED)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("who", ["hr_admin", "mentor", "outsider", "stranger"])
def test_nobody_but_the_author_reads_a_private_note_on_pages(client, request, private_note, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/journal/notes/{private_note.pk}/edit/").status_code == 404
    assert (
        client.post(f"/journal/notes/{private_note.pk}/edit/", {"body": "x", "visibility": "shared"}).status_code == 404
    )
    assert client.post(f"/journal/notes/{private_note.pk}/delete/").status_code == 404
    private_note.refresh_from_db()
    assert (private_note.body, private_note.visibility) == (SECRET, "private")


@pytest.mark.parametrize("who", ["hr_admin", "mentor", "outsider", "stranger"])
def test_nobody_but_the_author_reads_a_private_note_in_the_api(request, private_note, who):
    api = _api(request.getfixturevalue(who))
    assert api.get(f"/api/notes/{private_note.pk}/").status_code == 404
    assert api.patch(f"/api/notes/{private_note.pk}/", {"body": "x"}, format="json").status_code == 404
    assert api.delete(f"/api/notes/{private_note.pk}/").status_code == 404
    assert Note.objects.filter(pk=private_note.pk, body=SECRET).exists()


def test_the_other_person_never_sees_a_private_note_in_lists(client, pair, mentor, private_note, shared_note):
    client.force_login(mentor)
    page = client.get(f"/journal/mentorships/{pair.pk}/").content.decode()
    assert SHARED in page
    assert SECRET not in page
    bodies = [n["body"] for n in _api(mentor).get(f"/api/mentorships/{pair.pk}/notes/").json()["results"]]
    assert bodies == [SHARED]


def test_the_author_reads_their_private_note(client, pair, mentee, private_note):
    client.force_login(mentee)
    assert SECRET in client.get(f"/journal/mentorships/{pair.pk}/").content.decode()
    assert _api(mentee).get(f"/api/notes/{private_note.pk}/").json()["body"] == SECRET


@pytest.mark.parametrize("who", ["hr_admin", "outsider", "stranger"])
def test_shared_notes_stay_within_the_pair(client, request, pair, shared_note, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(f"/journal/mentorships/{pair.pk}/").status_code == 404
    assert client.get(f"/journal/notes/{shared_note.pk}/edit/").status_code == 404
    api = _api(user)
    assert api.get(f"/api/mentorships/{pair.pk}/notes/").status_code == 404
    assert api.get(f"/api/notes/{shared_note.pk}/").status_code == 404
    assert api.post(f"/api/mentorships/{pair.pk}/notes/", {"body": "intrude"}, format="json").status_code == 404
    assert Note.objects.count() == 1


def test_the_mentor_reads_a_shared_note_but_may_not_change_it(pair, mentor, shared_note):
    api = _api(mentor)
    assert api.get(f"/api/notes/{shared_note.pk}/").json()["body"] == SHARED
    response = api.patch(f"/api/notes/{shared_note.pk}/", {"body": "changed"}, format="json")
    assert response.status_code == 403
    shared_note.refresh_from_db()
    assert shared_note.body == SHARED


def test_the_admin_overview_shows_counts_and_goal_progress_never_contents(
    client, hr_admin, pair, private_note, shared_note
):
    GoalFactory(mentorship=pair, title="Goal-title-visible", status="done", done_at="2027-01-01T00:00Z")
    GoalFactory(mentorship=pair)
    client.force_login(hr_admin)
    page = client.get(f"/programs/{pair.program_id}/journal/").content.decode()
    assert SECRET not in page
    assert SHARED not in page
    assert "never see note contents" in page
    assert "1 of 2" in page
    summary = _api(hr_admin).get(f"/api/programs/{pair.program_id}/journal/").json()
    assert summary["goals"] == {
        "total": 2, "open": 1, "in_progress": 0, "done": 1, "mentorships_with_goals": 1, "done_percent": 50,
    }  # fmt: skip
    assert SECRET not in str(summary)


def test_the_admin_overview_counts_only_shared_notes(client, hr_admin, pair, private_note, shared_note):
    from journal.selectors import mentorship_journal_counts

    row = mentorship_journal_counts(program=pair.program).get(pk=pair.pk)
    assert row.shared_notes == 1


def test_a_mentee_gets_403_on_the_admin_overview(client, mentee, pair):
    client.force_login(mentee)
    assert client.get(f"/programs/{pair.program_id}/journal/").status_code == 403


def test_the_admin_overview_keeps_its_query_count_as_pairs_grow(client, hr_admin, pair, other_pair):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mentoring.models import Mentorship

    client.force_login(hr_admin)
    url = f"/programs/{pair.program_id}/journal/"
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(5):
        m = Mentorship.objects.create(
            organization=pair.organization, program=pair.program, mentor=pair.mentor, mentee=other_pair.mentee,
            source="admin", status="ended", ended_at="2027-01-01T00:00Z",
        )  # fmt: skip
        GoalFactory(mentorship=m)
        NoteFactory(mentorship=m, author=other_pair.mentee.user)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.content.decode().count("of 1") >= 5
    assert len(large.captured_queries) == len(small.captured_queries)
