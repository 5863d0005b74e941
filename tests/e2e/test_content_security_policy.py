"""The pages' behaviour under the Content-Security-Policy (no inline script or handler):
every e2e test fails on a violation (conftest.py); these walk the behaviour that used
inline handlers, and the API docs pages, which come from a third party."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from mentoring.models import Skill
from tests.accounts.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.mentoring.factories import SkillFactory

PASSWORD = "correct-horse-battery"


def _sign_in(page, live_server, email: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_a_confirmation_and_the_organization_switch_work_without_inline_script(page, live_server, shot):
    """(Select-all and the bulk confirmation: tests/e2e/test_visual.py.)"""
    organization = OrganizationFactory(name="Acme")
    admin = UserFactory(email="hr@acme.test")
    MembershipFactory(user=admin, organization=organization, is_admin=True)
    MembershipFactory(user=admin, organization=OrganizationFactory(name="Globex"), is_admin=True)
    SkillFactory(organization=organization, name="Negotiation")
    _sign_in(page, live_server, "hr@acme.test")

    # Deleting a skill asks first, naming it; dismissing keeps it.
    page.goto(f"{live_server.url}/skills/")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Delete Negotiation").click()
    assert asked == ["Remove “Negotiation” from the list?"]
    assert Skill.objects.filter(name="Negotiation").exists()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete Negotiation").click()
    expect(page.get_by_role("button", name="Delete Negotiation")).to_have_count(0)
    assert not Skill.objects.filter(name="Negotiation").exists()

    # The account menu (Bootstrap's dropdown) switches organization.
    page.locator(".account-toggle").click()
    page.get_by_role("button", name="Globex").click()
    page.locator(".account-toggle").click()
    expect(page.get_by_role("button", name="Globex")).to_have_attribute("aria-current", "true")
    shot(page, "switched")


def test_swagger_ui_and_redoc_render_under_the_policy(page, live_server, shot, page_errors):
    page.goto(live_server.url + "/api/docs/")
    # Both render the whole schema in the browser: give a loaded CI machine time.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Turazo API", timeout=30_000)
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=30_000)
    shot(page, "swagger", full_page=False)  # the whole schema is metres long: slow to shoot
    assert page_errors == []

    page.goto(live_server.url + "/api/redoc/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Turazo API", timeout=30_000)
    expect(page.get_by_role("menuitem").first).to_be_visible(timeout=30_000)
    shot(page, "redoc", full_page=False)
    # ReDoc's "API docs by Redocly" footer tries its logo from cdn.redoc.ly: refused, as
    # nothing leaves the site, and ReDoc then leaves the image out. Nothing else may be.
    logo = [e for e in page_errors if "https://cdn.redoc.ly/redoc/logo-mini.svg" in e]
    assert len(logo) == 1
    page_errors.remove(logo[0])


def test_a_violation_fails_the_test(page, live_server, page_errors):
    """The check every e2e test relies on: an inline handler is refused and reported."""
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img src=\"/static/none.png\" onerror=\"window.x = 1\">')"
    )
    page.wait_for_timeout(500)
    assert any("Content Security Policy" in error for error in page_errors)
    assert page.evaluate("window.x") is None
    page_errors.clear()
