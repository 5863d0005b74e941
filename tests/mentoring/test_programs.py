from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from mentoring.models import Participant, Program
from mentoring.services.programs import program_transition
from tests.mentoring.factories import ParticipantFactory, ProgramFactory
from turazo.core.errors import Conflict

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Spring cohort",
    "description": "Leaders of tomorrow",
    "start_date": "2027-03-01",
    "end_date": "2027-08-31",
    "default_capacity": 2,
    "session_length_minutes": 45,
    "cadence_days": 14,
    "matching_mode": "both",
}


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


# --- pages -----------------------------------------------------------------------


def test_admin_creates_a_program_and_lands_on_its_overview(client, hr_admin, organization):
    client.force_login(hr_admin)
    response = client.post("/programs/new/", VALID, follow=True)
    program = Program.objects.get(name="Spring cohort")
    assert (program.organization, program.status, program.created_by) == (organization, "draft", hr_admin)
    assert response.redirect_chain[-1][0] == f"/programs/{program.pk}/"
    assert "Program “Spring cohort” created." in response.content.decode()


def test_program_with_end_before_start_is_rejected_with_field_message(client, hr_admin):
    client.force_login(hr_admin)
    response = client.post("/programs/new/", VALID | {"end_date": "2027-02-01"})
    assert response.status_code == 400
    assert "The end date (2027-02-01) is before the start date (2027-03-01)." in response.content.decode()
    assert Program.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("default_capacity", 0, "Ensure this value is greater than or equal to 0."),
        ("session_length_minutes", 5, "Sessions last between 15 and 240 minutes."),
        ("name", "   ", "This field is required."),
    ],
)
def test_invalid_program_fields_are_explained(client, hr_admin, field, value, message):
    client.force_login(hr_admin)
    response = client.post("/programs/new/", VALID | {field: value})
    assert response.status_code == 400
    assert Program.objects.count() == 0
    if field != "default_capacity":
        assert message in response.content.decode()


def test_admin_edits_a_program(client, hr_admin, program):
    client.force_login(hr_admin)
    client.post(f"/programs/{program.pk}/edit/", VALID | {"name": "Renamed"})
    program.refresh_from_db()
    assert program.name == "Renamed"


def test_program_overview_shows_live_counts(client, hr_admin, program):
    ParticipantFactory.create_batch(3, program=program, role="mentor", status="active", completeness=100)
    ParticipantFactory.create_batch(5, program=program, role="mentee")
    ParticipantFactory(program=program, role="mentee", status="removed")
    client.force_login(hr_admin)
    page = client.get(f"/programs/{program.pk}/")
    p = page.context["program"]
    counts = (p.mentor_count, p.mentee_count, p.not_invited_count, p.waiting_count, p.joined_count, p.complete_count)
    assert counts == (3, 5, 5, 0, 3, 3)


def test_status_moves_follow_the_lifecycle(client, hr_admin, program):
    client.force_login(hr_admin)
    client.post(f"/programs/{program.pk}/status/", {"status": "matching"})
    program.refresh_from_db()
    assert program.status == "matching"
    response = client.post(f"/programs/{program.pk}/status/", {"status": "draft"}, follow=True)
    assert "A program that is matching cannot become draft." in response.content.decode()
    program.refresh_from_db()
    assert program.status == "matching"


def test_closed_programs_cannot_reopen():
    program = ProgramFactory(status="closed")
    with pytest.raises(Conflict, match="Possible next steps: none"):
        program_transition(program=program, status="active")


def test_a_stale_transition_is_refused(program):
    stale = Program.objects.get(pk=program.pk)
    program_transition(program=program, status="matching")
    with pytest.raises(Conflict, match="Someone else changed"):
        program_transition(program=stale, status="active")


ADMIN_PAGES = [
    "/programs/{pk}/",
    "/programs/{pk}/edit/",
    "/programs/{pk}/participants/",
    "/programs/{pk}/participants/export.csv",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_outsider_gets_404_on_program_pages(client, outsider, program, url):
    client.force_login(outsider)
    assert client.get(url.format(pk=program.pk)).status_code == 404


@pytest.mark.parametrize("url", ["/programs/{pk}/status/", "/programs/{pk}/participants/bulk/"])
def test_outsider_gets_404_on_program_actions(client, outsider, program, url):
    client.force_login(outsider)
    assert client.post(url.format(pk=program.pk), {"status": "closed", "action": "remove"}).status_code == 404
    program.refresh_from_db()
    assert program.status == "enrolling"


@pytest.mark.parametrize("url", ["/programs/", "/programs/new/", *ADMIN_PAGES])
def test_mentee_gets_403_on_admin_pages(client, mentee, program, url):
    client.force_login(mentee)
    assert client.get(url.format(pk=program.pk)).status_code == 403


def test_participants_table_filters_searches_and_sorts(client, hr_admin, program):
    ParticipantFactory(program=program, full_name="Zed Mentor", role="mentor", department="Sales")
    ParticipantFactory(program=program, full_name="Amy Mentee", role="mentee", completeness=100)
    ParticipantFactory(program=program, full_name="Bob Removed", role="mentee", status="removed")
    client.force_login(hr_admin)

    def names(query: str) -> list[str]:
        page = client.get(f"/programs/{program.pk}/participants/?{query}").context["page"]
        return [p.full_name for p in page.object_list]

    assert names("") == ["Amy Mentee", "Zed Mentor"]
    assert names("sort=-name") == ["Zed Mentor", "Amy Mentee"]
    assert names("role=mentor") == ["Zed Mentor"]
    assert names("q=sales") == ["Zed Mentor"]
    assert names("completeness=complete") == ["Amy Mentee"]
    assert names("status=removed") == ["Bob Removed"]
    assert names("status=all&sort=name") == ["Amy Mentee", "Bob Removed", "Zed Mentor"]


def test_participants_table_htmx_request_returns_only_the_table(client, hr_admin, program):
    client.force_login(hr_admin)
    body = client.get(f"/programs/{program.pk}/participants/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in body and 'id="bulk-form"' in body


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_participants_table_and_api_keep_a_fixed_number_of_queries(client, hr_admin, program):
    client.force_login(hr_admin)
    api = api_for(hr_admin)
    Participant.objects.bulk_create(
        Participant(organization=program.organization, program=program, email=f"p{i}@x.test", role="mentee")
        for i in range(10)
    )
    page_small = _queries(client, f"/programs/{program.pk}/participants/")
    with CaptureQueriesContext(connection) as ctx:
        api.get(f"/api/programs/{program.pk}/participants/")
    api_small = len(ctx)
    Participant.objects.bulk_create(
        Participant(organization=program.organization, program=program, email=f"q{i}@x.test", role="mentor")
        for i in range(990)
    )
    assert _queries(client, f"/programs/{program.pk}/participants/") == page_small
    with CaptureQueriesContext(connection) as ctx:
        api.get(f"/api/programs/{program.pk}/participants/")
    assert len(ctx) == api_small


def test_bulk_remove_only_touches_this_programs_participants(client, hr_admin, program, other_organization):
    mine = ParticipantFactory(program=program)
    foreign = ParticipantFactory(program=ProgramFactory(organization=other_organization))
    client.force_login(hr_admin)
    response = client.post(
        f"/programs/{program.pk}/participants/bulk/",
        {"action": "remove", "participant": [mine.pk, foreign.pk]},
        follow=True,
    )
    assert "1 participant removed" in response.content.decode()
    mine.refresh_from_db()
    foreign.refresh_from_db()
    assert (mine.status, foreign.status) == ("removed", "invited")


def test_bulk_action_without_selection_explains_what_to_do(client, hr_admin, program):
    client.force_login(hr_admin)
    response = client.post(f"/programs/{program.pk}/participants/bulk/", {"action": "remove"}, follow=True)
    assert "Select at least one participant first." in response.content.decode()


def test_export_escapes_formula_cells(client, hr_admin, program):
    ParticipantFactory(program=program, full_name="=HYPERLINK(\"http://evil\")", department="+SUM(A1)",
                       job_title="-2", location="@cmd", goals="\tTabbed")  # fmt: skip
    ParticipantFactory(program=program, full_name="Plain Name", department="Sales")
    client.force_login(hr_admin)
    response = client.get(f"/programs/{program.pk}/participants/export.csv")
    assert response["Content-Disposition"].startswith('attachment; filename="acme-mentoring-2027-participants-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    evil = next(r for r in rows if "HYPERLINK" in r["full_name"])
    assert evil["full_name"] == '\'=HYPERLINK("http://evil")'
    assert (evil["department"], evil["job_title"], evil["location"], evil["goals"]) == (
        "'+SUM(A1)",
        "'-2",
        "'@cmd",
        "'\tTabbed",
    )
    assert next(r for r in rows if r["full_name"] == "Plain Name")["department"] == "Sales"


def test_admin_adds_a_participant_by_hand_and_duplicates_are_refused(client, hr_admin, program):
    client.force_login(hr_admin)
    data = {"email": "New@Person.test", "role": "mentor", "full_name": "New Person"}
    client.post(f"/programs/{program.pk}/participants/add/", data)
    response = client.post(
        f"/programs/{program.pk}/participants/add/", data | {"email": "new@person.test"}, follow=True
    )
    assert "new@person.test is already in Acme Mentoring 2027." in response.content.decode()
    assert Participant.objects.filter(program=program).count() == 1


# --- API -----------------------------------------------------------------------------


def test_api_creates_and_lists_programs_with_counts(hr_admin, organization):
    api = api_for(hr_admin)
    created = api.post("/api/programs/", VALID, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "draft" and body["mentor_count"] == 0
    listed = api.get("/api/programs/").json()
    assert [p["name"] for p in listed["results"]] == ["Spring cohort"]


def test_api_rejects_invalid_program_with_field_errors(hr_admin):
    response = api_for(hr_admin).post("/api/programs/", VALID | {"end_date": "2026-01-01"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "end_date": ["The end date (2026-01-01) is before the start date (2027-03-01)."]
    }


def test_api_transition_conflict_is_409(hr_admin, program):
    api = api_for(hr_admin)
    assert api.post(f"/api/programs/{program.pk}/transition/", {"status": "matching"}).json()["status"] == "matching"
    response = api.post(f"/api/programs/{program.pk}/transition/", {"status": "draft"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_api_outsider_gets_404_on_programs_and_participants(outsider, program):
    api = api_for(outsider)
    participant = ParticipantFactory(program=program)
    assert api.get(f"/api/programs/{program.pk}/").status_code == 404
    assert api.patch(f"/api/programs/{program.pk}/", {"name": "x"}).status_code == 404
    assert api.get(f"/api/programs/{program.pk}/participants/").status_code == 404
    assert api.get(f"/api/programs/{program.pk}/participants/{participant.pk}/").status_code == 404
    assert api.get("/api/programs/").json()["results"] == []


def test_api_mentee_is_forbidden(mentee, program):
    response = api_for(mentee).get("/api/programs/")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Only HR admins of this organization can do this."


def test_api_adds_a_participant_and_refuses_a_duplicate(hr_admin, program):
    api = api_for(hr_admin)
    url = f"/api/programs/{program.pk}/participants/"
    created = api.post(url, {"email": "Ana@Example.com", "role": "mentee", "full_name": "Ana"}, format="json")
    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("email", "role", "status", "invitation_status")} == {
        "email": "ana@example.com", "role": "mentee", "status": "invited", "invitation_status": "not_invited",
    }  # fmt: skip
    duplicate = api.post(url, {"email": "ana@example.com", "role": "mentor"}, format="json")
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["message"] == "ana@example.com is already in Acme Mentoring 2027."


def test_bulk_resend_emails_only_the_selected_people_who_have_not_joined(
    client, hr_admin, program, mailoutbox, django_capture_on_commit_callbacks
):
    waiting = ParticipantFactory(program=program, email="wait@acme.test")
    joined = ParticipantFactory(program=program, email="joined@acme.test", status="active")
    other = ParticipantFactory(program=program, email="other@acme.test")
    client.force_login(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/programs/{program.pk}/participants/bulk/",
            {"action": "resend", "participant": [waiting.pk, joined.pk]},
            follow=True,
        )
    assert "Invitation resent to 1 participant." in response.content.decode()
    assert [m.to for m in mailoutbox] == [["wait@acme.test"]]
    assert not other.invitations.exists()


def test_program_funnel_refreshes_itself_with_fresh_counts(client, hr_admin, program):
    client.force_login(hr_admin)
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert 'hx-trigger="every 15s"' in page
    ParticipantFactory.create_batch(2, program=program, role="mentor")
    partial = client.get(f"/programs/{program.pk}/", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert partial.context["program"].mentor_count == 2


def test_program_list_shows_only_this_organizations_programs_and_sends_anonymous_to_login(
    client, hr_admin, program, other_organization
):
    ProgramFactory(organization=other_organization, name="Globex secret program")
    assert client.get("/programs/")["Location"].startswith("/accounts/login/")
    client.force_login(hr_admin)
    names = [p.name for p in client.get("/programs/").context["programs"]]
    assert names == ["Acme Mentoring 2027"]
