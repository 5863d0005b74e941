"""Goals and notes of a pair: who may write what, the page, htmx partials, safe rendering."""

from __future__ import annotations

import datetime as dt

import pytest

from journal.models import Goal, Note
from journal.services.goals import MAX_GOALS, goal_create, goal_delete, goal_update
from journal.services.notes import note_create, note_delete, note_update
from tests.journal.conftest import make_session
from tests.journal.factories import GoalFactory, NoteFactory
from turazo.core.errors import Conflict, PermissionDenied, ValidationFailed

# --- Goals ---------------------------------------------------------------------------------------


def test_the_mentee_adds_a_goal_with_a_target_date(pair, mentee):
    goal = goal_create(mentorship=pair, actor=mentee, title="  Lead a   retro ", target_date=dt.date(2027, 5, 1))
    goal.refresh_from_db()
    assert (goal.title, goal.status, goal.target_date) == ("Lead a retro", "open", dt.date(2027, 5, 1))


def test_the_mentor_cannot_add_goals(pair, mentor):
    with pytest.raises(PermissionDenied, match="Only the mentee sets the goals"):
        goal_create(mentorship=pair, actor=mentor, title="Mine")
    assert Goal.objects.count() == 0


def test_an_empty_goal_title_is_refused_with_the_field(pair, mentee):
    with pytest.raises(ValidationFailed) as e:
        goal_create(mentorship=pair, actor=mentee, title="   ")
    assert "title" in e.value.fields


def test_a_mentorship_keeps_a_few_goals_at_most(pair, mentee):
    for n in range(MAX_GOALS):
        goal_create(mentorship=pair, actor=mentee, title=f"Goal {n}")
    with pytest.raises(Conflict, match=f"at most {MAX_GOALS} goals"):
        goal_create(mentorship=pair, actor=mentee, title="One too many")
    assert Goal.objects.filter(mentorship=pair).count() == MAX_GOALS


def test_marking_a_goal_done_records_when_and_reopening_clears_it(pair, mentee):
    goal = goal_create(mentorship=pair, actor=mentee, title="Negotiate")
    goal_update(goal=goal, actor=mentee, status="done")
    goal.refresh_from_db()
    assert goal.done_at is not None
    goal_update(goal=goal, actor=mentee, status="open")
    goal.refresh_from_db()
    assert goal.done_at is None


def test_the_mentor_cannot_change_or_delete_a_goal(pair, mentor):
    goal = GoalFactory(mentorship=pair, title="Theirs")
    with pytest.raises(PermissionDenied):
        goal_update(goal=goal, actor=mentor, status="done")
    with pytest.raises(PermissionDenied):
        goal_delete(goal=goal, actor=mentor)
    goal.refresh_from_db()
    assert goal.status == "open"


# --- Notes ---------------------------------------------------------------------------------------


def test_either_person_writes_shared_and_private_notes(pair, mentor, mentee):
    note_create(mentorship=pair, actor=mentee, body="Shared by mentee")
    note_create(mentorship=pair, actor=mentor, body="Mentor's own", visibility="private")
    assert sorted(Note.objects.values_list("body", "visibility")) == [
        ("Mentor's own", "private"),
        ("Shared by mentee", "shared"),
    ]


def test_someone_outside_the_pair_cannot_write_a_note(pair, stranger, hr_admin):
    for actor in (stranger, hr_admin):
        with pytest.raises(PermissionDenied):
            note_create(mentorship=pair, actor=actor, body="Hello")
    assert Note.objects.count() == 0


def test_a_note_on_a_session_of_another_pair_is_refused(pair, other_pair, mentee):
    with pytest.raises(ValidationFailed, match="another mentorship"):
        note_create(mentorship=pair, actor=mentee, body="x", session=make_session(other_pair))
    assert Note.objects.count() == 0


def test_an_empty_or_huge_note_is_refused(pair, mentee):
    with pytest.raises(ValidationFailed, match="Write something"):
        note_create(mentorship=pair, actor=mentee, body="  \n ")
    with pytest.raises(ValidationFailed, match="under 5000"):
        note_create(mentorship=pair, actor=mentee, body="x" * 5001)
    assert Note.objects.count() == 0


def test_only_the_author_changes_or_deletes_a_shared_note(pair, mentor, mentee):
    note = NoteFactory(mentorship=pair, author=mentee, body="Original")
    with pytest.raises(PermissionDenied, match="Only the person who wrote"):
        note_update(note=note, actor=mentor, body="Hijacked")
    with pytest.raises(PermissionDenied):
        note_delete(note=note, actor=mentor)
    note.refresh_from_db()
    assert note.body == "Original"
    note_update(note=note, actor=mentee, body="Edited", visibility="private")
    note.refresh_from_db()
    assert (note.body, note.visibility) == ("Edited", "private")


# --- Pages ---------------------------------------------------------------------------------------


def test_the_mentee_adds_a_goal_and_a_shared_note_that_the_mentor_sees(client, pair, mentor, mentee):
    client.force_login(mentee)
    url = f"/journal/mentorships/{pair.pk}/"
    assert client.post(f"{url}goals/", {"title": "Speak up in meetings", "status": "open"}).status_code == 302
    assert (
        client.post(f"{url}notes/", {"body": "We agreed on **three** steps.", "visibility": "shared"}).status_code
        == 302
    )
    assert client.post(f"{url}notes/", {"body": "My own worry", "visibility": "private"}).status_code == 302

    client.force_login(mentor)
    page = client.get(url).content.decode()
    assert "Speak up in meetings" in page
    assert "We agreed on <strong>three</strong> steps." in page
    assert "My own worry" not in page
    assert "never what your notes say" in page


def test_htmx_posts_answer_with_the_section_only(client, pair, mentee):
    client.force_login(mentee)
    response = client.post(
        f"/journal/mentorships/{pair.pk}/goals/", {"title": "Ship it", "status": "open"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section class="card" id="goals"')
    assert "Ship it" in html


def test_a_bad_goal_over_htmx_shows_the_field_error_in_the_section(client, pair, mentee):
    client.force_login(mentee)
    response = client.post(
        f"/journal/mentorships/{pair.pk}/goals/", {"title": "", "status": "open"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert Goal.objects.count() == 0


def test_goal_status_buttons_move_a_goal_along(client, pair, mentee):
    goal = GoalFactory(mentorship=pair)
    client.force_login(mentee)
    client.post(f"/journal/goals/{goal.pk}/status/", {"status": "in_progress"})
    goal.refresh_from_db()
    assert goal.status == "in_progress"


def test_the_mentor_gets_403_on_the_goal_edit_page_and_nothing_changes(client, pair, mentor):
    goal = GoalFactory(mentorship=pair, title="Keep")
    client.force_login(mentor)
    assert client.get(f"/journal/goals/{goal.pk}/edit/").status_code == 403
    assert client.post(f"/journal/goals/{goal.pk}/edit/", {"title": "Changed", "status": "done"}).status_code == 403
    goal.refresh_from_db()
    assert (goal.title, goal.status) == ("Keep", "open")


def test_the_author_edits_and_deletes_a_note_from_the_pages(client, pair, mentee):
    note = NoteFactory(mentorship=pair, author=mentee, body="Draft")
    client.force_login(mentee)
    assert client.post(f"/journal/notes/{note.pk}/edit/", {"body": "Final", "visibility": "shared"}).status_code == 302
    note.refresh_from_db()
    assert note.body == "Final"
    assert client.post(f"/journal/notes/{note.pk}/delete/").status_code == 302
    assert Note.objects.count() == 0


def test_the_session_page_links_to_notes_on_that_session(client, pair, mentee):
    session = make_session(pair)
    client.force_login(mentee)
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert f"/journal/mentorships/{pair.pk}/?session={session.pk}#notes" in page
    journal = client.get(f"/journal/mentorships/{pair.pk}/?session={session.pk}").content.decode()
    assert "New note on the session of" in journal
    client.post(
        f"/journal/mentorships/{pair.pk}/notes/", {"body": "Per session", "visibility": "shared", "session": session.pk}
    )
    assert Note.objects.get().session_id == session.pk


def test_my_journal_lists_my_mentorships_only(client, pair, mentee, stranger):
    client.force_login(mentee)
    assert f"/journal/mentorships/{pair.pk}/" in client.get("/journal/").content.decode()
    client.force_login(stranger)
    assert f"/journal/mentorships/{pair.pk}/" not in client.get("/journal/").content.decode()


# --- Safe rendering ------------------------------------------------------------------------------

XSS = [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"),
    ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),
    ("[click](JaVaScRiPt:alert(1))", "[click](JaVaScRiPt:alert(1))"),
    ("[data](data:text/html;base64,PHNjcmlwdD4=)", "[data](data:text/html;base64,PHNjcmlwdD4=)"),
    ('[t](https://x.test "a\\" onmouseover=\\"alert(1)")', "&quot;"),
]


@pytest.mark.parametrize(("body", "expected"), XSS)
def test_xss_attempts_in_notes_are_rendered_inert(client, pair, mentee, mentor, body, expected):
    NoteFactory(mentorship=pair, author=mentee, body=body)
    client.force_login(mentor)
    html = client.get(f"/journal/mentorships/{pair.pk}/").content.decode()
    note_html = html.split('<div class="note-body">', 1)[1].split("</div>", 1)[0]
    assert expected in note_html
    assert "<script" not in note_html
    assert "onerror=" not in note_html.replace("onerror=&quot;", "")
    assert 'href="javascript' not in note_html.lower()
    assert 'href="data' not in note_html.lower()


def test_links_are_kept_for_http_and_mailto_with_nofollow_noopener(client, pair, mentee):
    NoteFactory(mentorship=pair, author=mentee, body="[site](https://example.com) and [mail](mailto:a@b.test)")
    client.force_login(mentee)
    html = client.get(f"/journal/mentorships/{pair.pk}/").content.decode()
    assert '<a href="https://example.com" rel="nofollow noopener">site</a>' in html
    assert '<a href="mailto:a@b.test" rel="nofollow noopener">mail</a>' in html


def test_markdown_light_renders_paragraphs_breaks_lists_bold_and_italic():
    from journal.markdown import render_note

    html = str(render_note("**b** *i*\nnext\n\n- one\n- two\n\n1. first"))
    assert html == (
        "<p><strong>b</strong> <em>i</em><br>\nnext</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<ol>\n<li>first</li>\n</ol>\n"
    )


def test_the_home_links_to_goals_and_notes(client, pair, mentee):
    client.force_login(mentee)
    assert 'id="home-journal-link"><a href="/journal/"' in client.get("/dashboard/").content.decode()
