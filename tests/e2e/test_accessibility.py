"""WCAG 2.1 A/AA checks with axe-core on the pages each kind of user sees."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from mentoring.models import Participant, Program
from tests.e2e.axe import inject_axe

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _violations(page) -> list[str]:
    inject_axe(page)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in result["violations"]
    ]


def _sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("turazo-demo-2026")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


@pytest.fixture
def demo(db):
    call_command("seed_demo")
    return Program.objects.get(name="2027 Growth Mentoring")


def _check(page, base: str, paths: list[str]) -> dict[str, list[str]]:
    problems = {}
    for path in paths:
        page.goto(base + path)
        found = _violations(page)
        if found:
            problems[path] = found
    return problems


def test_public_pages_have_no_wcag_violations(page, live_server):
    assert (
        _check(page, live_server.url, ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]) == {}
    )


def test_hr_admin_pages_have_no_wcag_violations(page, live_server, demo):
    _sign_in(page, live_server.url, "hr@northwind.example")
    pk = demo.pk
    paths = [
        "/dashboard/", "/programs/", "/programs/new/", f"/programs/{pk}/", f"/programs/{pk}/edit/",
        f"/programs/{pk}/participants/", f"/programs/{pk}/import/", f"/programs/{pk}/invitations/",
        f"/programs/{pk}/questions/", f"/programs/{pk}/matching/", "/skills/", "/preferences/",
        f"/programs/{pk}/mentorships/", f"/programs/{pk}/mentorships/?show=unmatched",
        f"/programs/{pk}/mentorships/add/", f"/programs/{pk}/requests/",
        f"/programs/{pk}/journal/", f"/programs/{pk}/close/",
        f"/programs/{pk}/mentors/",
    ]  # fmt: skip
    assert _check(page, live_server.url, paths) == {}


def test_mentee_and_mentor_pages_have_no_wcag_violations(page, live_server, demo):
    mentee = Participant.objects.get(email="mentee1@northwind.example")
    _sign_in(page, live_server.url, "mentee1@northwind.example")
    assert (
        _check(
            page,
            live_server.url,
            [
                "/dashboard/", "/me/programs/", f"/participations/{mentee.pk}/profile/", "/me/suggestions/",
                "/me/requests/", f"/programs/{mentee.program_id}/mentors/", "/journal/",
            ],  # fmt: skip
        )
        == {}
    )
    page.context.clear_cookies()
    mentor = Participant.objects.get(email="mentor1@northwind.example")
    _sign_in(page, live_server.url, "mentor1@northwind.example")
    assert _check(page, live_server.url, ["/dashboard/", f"/participations/{mentor.pk}/profile/", "/requests/"]) == {}


def test_keyboard_user_skips_to_content_and_signs_in_without_a_mouse(page, live_server, demo, shot):
    page.goto(live_server.url + "/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.get_by_label("Email").focus()
    page.keyboard.type("hr@northwind.example")
    page.keyboard.press("Tab")
    page.keyboard.type("turazo-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard/")
    shot(page, "keyboard-dashboard")
