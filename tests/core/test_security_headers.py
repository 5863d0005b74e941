"""Every page sends a Content-Security-Policy that runs no inline script, and a
Permissions-Policy; no template carries an inline script or event handler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def _assert_strict(policy: dict[str, list[str]]) -> None:
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_public_pages_send_a_policy_with_no_inline_script_or_style_element(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _policy(response)
    _assert_strict(policy)
    assert policy["style-src"] == ["'self'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]  # style="" attributes only


def test_signed_in_pages_send_the_policy(client, hr_admin, program):
    client.force_login(hr_admin)
    for path in ["/dashboard/", "/programs/", f"/programs/{program.pk}/participants/", "/skills/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_strict(_policy(response))


def test_every_page_denies_browser_features_it_never_uses(client):
    header = client.get("/accounts/login/")["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in header


def test_swagger_ui_loads_its_start_up_script_from_a_url(client):
    page = client.get("/api/docs/").content.decode()
    assert re.findall(r"<script>", page) == []
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1).replace("&amp;", "&")
    script = client.get(script_url)
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


def test_redoc_runs_no_inline_script_and_loads_nothing_from_elsewhere(client):
    response = client.get("/api/redoc/")
    page = response.content.decode()
    assert re.findall(r"<script>", page) == []
    assert "fonts.googleapis.com" not in page
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    # ReDoc writes its styles as <style> elements and searches in a blob: worker.
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["worker-src"] == ["blob:"]


def test_the_status_page_keeps_scripts_strict(client):
    policy = _policy(client.get("/health/", HTTP_ACCEPT="text/html"))
    assert policy["script-src"] == ["'self'"]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def test_no_template_has_an_inline_script_or_event_handler():
    """The policy would refuse them: JavaScript lives in static/js/ and reads data attributes."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            found += [f"{path.relative_to(TEMPLATES)}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
    assert found == []
