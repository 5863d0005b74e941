"""No secret from an email link reaches the logs of the real web process: gunicorn's
access and error logs and Django's request logs, while people follow invitation,
password-reset and email-confirmation links (and make the usual mistakes with them)."""

from __future__ import annotations

import re

import pytest

from mentoring.services.invitations import token_new
from tests.accounts.factories import UserFactory
from tests.mentoring.factories import InvitationFactory, ParticipantFactory
from tests.web import Browser, running_web

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-Secret-phrase-42"


def _link(message, pattern: str) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(pattern, body).group(1)


def test_no_token_or_key_from_an_email_link_appears_in_the_web_process_logs(program, hr_admin):
    token, hashed = token_new()
    participant = ParticipantFactory(program=program, email="nina@acme.test", full_name="Nina New", role="mentor")
    InvitationFactory(participant=participant, token_hash=hashed, status="sent", invited_by=hr_admin)
    UserFactory(email="forgot@acme.test")
    secrets = [token]

    with running_web() as web:
        # An invitation: opened, mistyped, shared without its slash, answered, signed up to.
        anonymous = Browser(web.url)
        assert anonymous.get(f"/invitations/{token}/").status == 200
        assert anonymous.get(f"/invitations/{token}").status == 301
        assert anonymous.get(f"/invitations/{token}x/").status == 404
        assert anonymous.get(f"/accounts/login/?next=/invitations/{token}/").status == 200
        answer = anonymous.post(f"/invitations/{token}/", {"action": "accept"})
        assert answer.status == 302
        signup = f"/invitations/{token}/signup/"
        assert anonymous.get(signup, referer=f"{web.url}/invitations/{token}/").status == 200
        joined = anonymous.post(signup, {"full_name": "Nina New", "password1": PASSWORD, "password2": PASSWORD})
        assert joined.status == 302
        assert Browser(web.url).get(f"/invitations/{token}/").status == 410

        # allauth's password reset: the emailed key, and the page it redirects to.
        browser = Browser(web.url)
        assert browser.post("/accounts/password/reset/", {"email": "forgot@acme.test"}).status == 302
        reset_path = _link(web.emails()[-1], r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)")
        secrets.append(reset_path.rsplit("/", 2)[1])
        opened = browser.get(reset_path)
        assert opened.status == 302
        assert browser.get(opened.headers["Location"], referer=web.url + reset_path).status == 200

        # allauth's email confirmation after a sign-up.
        newcomer = Browser(web.url)
        signed_up = newcomer.post(
            "/accounts/signup/", {"email": "newcomer@acme.test", "password1": PASSWORD, "password2": PASSWORD}
        )
        assert signed_up.status == 302
        confirm_path = _link(web.emails()[-1], r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)")
        secrets.append(confirm_path.rsplit("/", 2)[1])
        assert newcomer.get(confirm_path).status == 200
        assert newcomer.post(confirm_path, {}).status == 302

    logs = web.logs()
    for secret in secrets:
        assert secret not in logs
    # The requests were logged, with their secrets redacted: access log, and Django's own.
    assert '"GET /invitations/[redacted]/ HTTP/1.1" 200' in logs
    assert '"GET /invitations/[redacted] HTTP/1.1" 301' in logs
    assert '"POST /invitations/[redacted]/signup/ HTTP/1.1" 302' in logs
    assert f'"{web.url}/invitations/[redacted]/"' in logs  # the Referer
    assert "GET /accounts/login/?next=/invitations/[redacted]/ HTTP/1.1" in logs
    assert "Not Found: /invitations/[redacted]/" in logs
    assert "Gone: /invitations/[redacted]/" in logs
    assert '"GET /accounts/password/reset/key/[redacted]-[redacted]/ HTTP/1.1" 302' in logs
    assert '"POST /accounts/confirm-email/[redacted]/ HTTP/1.1" 302' in logs
