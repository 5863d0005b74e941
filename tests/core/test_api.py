from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_api_call_gets_clear_401_json():
    response = APIClient().get("/api/me/")
    assert response.status_code == 401
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


def test_an_invalid_token_gets_401_with_the_token_challenge():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"error": {"code": "authentication_failed", "message": "Invalid token.", "fields": {}}}


def test_no_credentials_get_401_with_the_token_challenge():
    response = APIClient().get("/api/programs/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_api_throttling_is_on_with_the_declared_rates():
    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

    assert [UserRateThrottle, AnonRateThrottle] == api_settings.DEFAULT_THROTTLE_CLASSES
    assert api_settings.DEFAULT_THROTTLE_RATES == {"user": "600/min", "anon": "60/min"}


def test_a_client_over_its_rate_gets_429_with_retry_after(hr_admin, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "3/min")
    token = Token.objects.create(user=hr_admin)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert [api.get("/api/me/").status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/api/me/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"
    assert response.json()["error"]["message"].startswith("Request was throttled.")
    # another user has a quota of their own
    other = APIClient()
    other.force_authenticate(UserFactory(email="other@acme.test"))
    assert other.get("/api/me/").status_code == 200


def test_public_api_endpoints_are_throttled_per_address_without_credentials(monkeypatch):
    """The schema is public and costly to build; authenticated endpoints answer 401
    before any throttle runs."""
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "1/min")
    api = APIClient()
    assert api.get("/api/schema/").status_code == 200
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
