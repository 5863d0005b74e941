"""The invitations API: list (filters, fixed queries), resend, revoke; admin-only and scoped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from mentoring.models import Invitation
from tests.mentoring.factories import InvitationFactory, ParticipantFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def invitation(program, hr_admin):
    participant = ParticipantFactory(program=program, email="nina@acme.test", full_name="Nina New", role="mentor")
    return InvitationFactory(participant=participant, status="sent", invited_by=hr_admin, attempts=1)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def test_list_returns_the_full_invitation(api, hr_admin, invitation, program):
    api.force_authenticate(hr_admin)
    response = api.get("/api/invitations/")
    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": invitation.pk,
                "program": program.pk,
                "participant": {
                    "id": invitation.participant_id,
                    "email": "nina@acme.test",
                    "full_name": "Nina New",
                    "role": "mentor",
                    "status": "invited",
                },
                "status": "sent",
                "invited_by": "hr@acme.test",
                "created_at": _iso(invitation.created_at),
                "sent_at": None,
                "expires_at": _iso(invitation.expires_at),
                "responded_at": None,
                "attempts": 1,
                "last_error": "",
            }
        ],
    }
    assert "token" not in response.content.decode().replace("token_hash", "")
    assert invitation.token_hash not in response.content.decode()


def test_list_filters_by_program_and_effective_status(api, hr_admin, program, organization):
    overdue = InvitationFactory(
        participant=ParticipantFactory(program=program),
        status="sent",
        expires_at=timezone.now() - dt.timedelta(hours=1),
    )
    InvitationFactory(participant=ParticipantFactory(program=program), status="sent")
    other_program = ProgramFactory(organization=organization)
    elsewhere = InvitationFactory(participant=ParticipantFactory(program=other_program), status="failed")
    api.force_authenticate(hr_admin)

    expired = api.get("/api/invitations/", {"program": program.pk, "status": "expired"}).json()
    assert [r["id"] for r in expired["results"]] == [overdue.pk] and expired["results"][0]["status"] == "expired"
    assert [r["id"] for r in api.get("/api/invitations/", {"program": other_program.pk}).json()["results"]] == [
        elsewhere.pk
    ]
    assert api.get("/api/invitations/", {"status": "sent"}).json()["count"] == 1


def test_list_rejects_unknown_filters_clearly(api, hr_admin):
    api.force_authenticate(hr_admin)
    bad_status = api.get("/api/invitations/", {"status": "lost"})
    assert bad_status.status_code == 400
    assert (
        bad_status.json()["error"]["code"] == "validation_failed" and "status" in bad_status.json()["error"]["fields"]
    )
    assert api.get("/api/invitations/", {"program": "abc"}).status_code == 400


def test_list_keeps_a_fixed_number_of_queries(api, hr_admin, program, django_assert_num_queries):
    api.force_authenticate(hr_admin)
    for _ in range(3):
        InvitationFactory(participant=ParticipantFactory(program=program))
    with django_assert_num_queries(4):  # membership, program, count, page (with joins)
        api.get("/api/invitations/", {"program": program.pk})
    for _ in range(20):
        InvitationFactory(participant=ParticipantFactory(program=program))
    with django_assert_num_queries(4):
        api.get("/api/invitations/", {"program": program.pk})


def test_resend_returns_the_new_invitation_and_kills_the_old(
    api, hr_admin, invitation, django_capture_on_commit_callbacks
):
    api.force_authenticate(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/invitations/{invitation.pk}/resend/")
    assert response.status_code == 201
    body = response.json()
    new = Invitation.objects.get(pk=body["id"])
    invitation.refresh_from_db()
    assert new.pk != invitation.pk and invitation.status == "revoked"
    # The answer is written before the commit; the email goes out after it.
    assert body["status"] == "pending" and body["attempts"] == 0 and body["participant"]["email"] == "nina@acme.test"
    assert new.status == "sent" and new.attempts == 1
    assert [m.to for m in mail.outbox] == [["nina@acme.test"]]


def test_resend_after_acceptance_is_a_409(api, hr_admin, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(status="accepted")
    invitation.participant.status = "active"
    invitation.participant.save()
    api.force_authenticate(hr_admin)
    response = api.post(f"/api/invitations/{invitation.pk}/resend/")
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "not_resendable",
            "message": "Nina New has already joined the program; there is nothing to resend.",
            "fields": {},
        }
    }
    assert Invitation.objects.count() == 1


def test_revoke_then_revoke_again_is_a_409(api, hr_admin, invitation):
    api.force_authenticate(hr_admin)
    response = api.post(f"/api/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    again = api.post(f"/api/invitations/{invitation.pk}/revoke/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_revocable"


def _endpoints(invitation, program):
    return [
        ("get", "/api/invitations/", {"program": program.pk}),
        ("get", f"/api/invitations/{invitation.pk}/", None),
        ("post", f"/api/invitations/{invitation.pk}/resend/", None),
        ("post", f"/api/invitations/{invitation.pk}/revoke/", None),
    ]


def test_an_admin_of_another_organization_gets_404_on_every_endpoint(api, outsider, invitation, program):
    api.force_authenticate(outsider)
    for method, url, params in _endpoints(invitation, program):
        response = getattr(api, method)(url, params)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    assert api.get("/api/invitations/").json()["count"] == 0
    invitation.refresh_from_db()
    assert invitation.status == "sent" and Invitation.objects.count() == 1


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_participants_get_403(api, request, invitation, program, who):
    api.force_authenticate(request.getfixturevalue(who))
    for method, url, params in _endpoints(invitation, program):
        assert getattr(api, method)(url, params).status_code == 403, url
    invitation.refresh_from_db()
    assert invitation.status == "sent"


def test_anonymous_callers_are_refused(api, invitation, program):
    for method, url, params in _endpoints(invitation, program):
        assert getattr(api, method)(url, params).status_code == 401


def test_the_schema_documents_the_endpoints(api, hr_admin):
    api.force_authenticate(hr_admin)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert {
        "/api/invitations/",
        "/api/invitations/{id}/",
        "/api/invitations/{id}/resend/",
        "/api/invitations/{id}/revoke/",
    } <= set(paths)
    assert paths["/api/invitations/{id}/resend/"]["post"]["summary"] == "Resend an invitation"
    assert {"201", "404", "409"} <= set(paths["/api/invitations/{id}/resend/"]["post"]["responses"])
    params = {p["name"] for p in paths["/api/invitations/"]["get"]["parameters"]}
    assert {"program", "status", "page"} <= params
