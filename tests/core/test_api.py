from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_anonymous_api_call_gets_clear_401_json():
    response = APIClient().get("/api/me/")
    assert response.status_code in (401, 403)
    assert response.json() == {
        "error": {"code": "not_authenticated", "message": "Authentication credentials were not provided.", "fields": {}}
    }


def test_token_auth_reads_me(hr_admin):
    token = Token.objects.create(user=hr_admin)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/me/").json() == {
        "id": hr_admin.pk,
        "email": "hr@acme.test",
        "full_name": "Helen HR",
        "timezone": "",
    }


def test_token_user_is_scoped_to_their_organization(hr_admin, organization, outsider):
    token = Token.objects.create(user=outsider)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(f"/api/organizations/{organization.pk}/").status_code == 404


def test_patch_me_validates_fields(hr_admin):
    api = APIClient()
    api.force_authenticate(hr_admin)
    response = api.patch("/api/me/", {"full_name": "x" * 200}, format="json")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "validation_failed"
    assert "full_name" in body["fields"]
    assert api.patch("/api/me/", {"full_name": "Helen H."}, format="json").json()["full_name"] == "Helen H."


def test_email_cannot_be_changed_through_me(hr_admin):
    api = APIClient()
    api.force_authenticate(hr_admin)
    api.patch("/api/me/", {"email": "evil@example.com"}, format="json")
    hr_admin.refresh_from_db()
    assert hr_admin.email == "hr@acme.test"


def test_openapi_schema_and_docs_are_served_without_cdn(client, hr_admin):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/organizations/" in schema.content
    client.force_login(hr_admin)
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn." not in docs and "unpkg" not in docs and "jsdelivr" not in docs
