from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Secret-phrase-42"


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body).group(0)


def test_signup_sends_verification_email_with_absolute_link(client, settings):
    settings.SITE_URL = "https://mentoring.acme.test"
    response = client.post(
        "/accounts/signup/", {"email": "New.Person@Example.com", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "new.person@example.com"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.com"]
    assert _confirmation_link(mail.outbox[0]).startswith("https://mentoring.acme.test/accounts/confirm-email/")


def test_confirmation_link_needs_a_post_so_mail_scanners_do_not_confirm(client, settings):
    client.post("/accounts/signup/", {"email": "a@example.com", "password1": PASSWORD, "password2": PASSWORD})
    path = _confirmation_link(mail.outbox[0]).replace(settings.SITE_URL, "")
    for _ in range(3):
        assert client.get(path).status_code == 200
    assert not EmailAddress.objects.get(email="a@example.com").verified
    client.post(path)
    assert EmailAddress.objects.get(email="a@example.com").verified


def test_unverified_user_cannot_log_in(client):
    UserFactory(email="u@example.com", verified=False)
    response = client.post("/accounts/login/", {"login": "u@example.com", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_login_by_email_is_case_insensitive(client):
    UserFactory(email="case@example.com")
    response = client.post("/accounts/login/", {"login": "CASE@example.com", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"


def test_signup_with_an_existing_email_in_other_case_is_refused(client):
    UserFactory(email="taken@example.com")
    client.post("/accounts/signup/", {"email": "TAKEN@example.com", "password1": PASSWORD, "password2": PASSWORD})
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_password_reset_email_has_absolute_link(client, settings):
    settings.SITE_URL = "https://mentoring.acme.test"
    UserFactory(email="forgot@example.com")
    client.post("/accounts/password/reset/", {"email": "forgot@example.com"})
    assert len(mail.outbox) == 1
    assert "https://mentoring.acme.test/accounts/password/reset/key/" in mail.outbox[0].body


def test_failed_logins_are_rate_limited(client):
    UserFactory(email="target@example.com")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "target@example.com", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "target@example.com", "password": "correct-horse-battery"})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_preferences_save_timezone_and_reject_unknown_zone(client):
    user = UserFactory()
    client.force_login(user)
    assert client.post("/preferences/", {"full_name": "Ada", "timezone": "Mars/Olympus"}).status_code == 400
    client.post("/preferences/", {"full_name": "Ada", "timezone": "Asia/Tokyo"})
    user.refresh_from_db()
    assert (user.full_name, user.timezone) == ("Ada", "Asia/Tokyo")


def test_times_render_in_browser_zone_cookie_or_chosen_zone(client):
    user = UserFactory()
    client.force_login(user)
    client.cookies["turazo_tz"] = "America/Sao_Paulo"
    assert "Times shown in America/Sao_Paulo" in client.get("/dashboard/").content.decode()
    client.cookies["turazo_tz"] = "Not/AZone"
    assert "Times shown in UTC" in client.get("/dashboard/").content.decode()
    user.timezone = "Asia/Tokyo"
    user.save()
    assert "Times shown in Asia/Tokyo" in client.get("/dashboard/").content.decode()
