"""The main pages in light mode, dark mode and on a 390×844 phone: full-page screenshots under
tests/e2e/screenshots/, no horizontal scroll on the phone, and no serious or critical axe-core
violation in any of the three."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from matching.services import match_run_create, match_run_execute
from mentoring.models import Participant, Program
from tests.e2e.axe import inject_axe
from tests.e2e.conftest import SCREENSHOTS

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MODES = {
    "light": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "light"},
    "dark": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "dark"},
    "mobile": {"viewport": {"width": 390, "height": 844}, "color_scheme": "light", "is_mobile": True,
               "has_touch": True, "device_scale_factor": 1},
}  # fmt: skip


@pytest.fixture
def demo(db):
    call_command("seed_demo")
    program = Program.objects.get(name="2027 Growth Mentoring")
    run = match_run_create(program=program, actor=User.objects.get(email="hr@northwind.example"), algorithm="optimal")
    match_run_execute(run_id=run.pk)
    return program, run


def _sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("turazo-demo-2026")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def _serious(page) -> list[str]:
    inject_axe(page)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _walk(browser, live_server, mode: str, email: str | None, pages: dict[str, str]) -> dict[str, list[str]]:
    """Open each page in `mode`, save its screenshot, and return what is wrong with it."""
    context = browser.new_context(timezone_id="Europe/Lisbon", **MODES[mode])
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    try:
        if email:
            _sign_in(page, live_server.url, email)
        for name, path in pages.items():
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{mode}-{name}.png"), full_page=True)
            found = _serious(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                found.append(f"scrolls sideways by {overflow}px at {MODES[mode]['viewport']['width']}px")
            if found:
                problems[f"{mode} {path}"] = found
    finally:
        context.close()
    return problems


@pytest.mark.parametrize("mode", list(MODES))
def test_public_pages_look_right(browser, live_server, mode, settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path
    pages = {"landing": "/", "sign-in": "/accounts/login/", "sign-up": "/accounts/signup/", "not-found": "/no-such/"}
    assert _walk(browser, live_server, mode, None, pages) == {}


@pytest.mark.parametrize(("mode", "density"), [(m, 1) for m in MODES] + [("light", 2), ("mobile", 3)])
def test_the_landing_shows_the_product_screenshots_of_the_visitors_colour_scheme(browser, live_server, mode, density):
    """Every screenshot loads (the lazy ones once scrolled to), in the visitor's mode, and the
    browser takes a file with enough pixels for its screen (the 2x one on a retina screen)."""
    context = browser.new_context(**(MODES[mode] | {"device_scale_factor": density}))
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        images = page.locator("picture.screenshot img")
        expect(images).to_have_count(4)
        for i in range(4):
            images.nth(i).scroll_into_view_if_needed()
            expect(images.nth(i)).to_have_js_property("complete", True)
        shown = images.evaluate_all(
            "imgs => imgs.map(i => [i.currentSrc, i.naturalWidth > 0, i.width, i.getAttribute('width')])"
        )
        colour = "dark" if mode == "dark" else "light"
        for src, decoded, shown_width, width_1x in shown:
            assert f"-{colour}" in src and decoded, src
            pixels = int(width_1x) * (2 if src.endswith("-2x.webp") else 1)
            assert pixels >= min(shown_width * density, 2 * int(width_1x)) * 0.95, (src, shown_width)
            assert src.endswith("-2x.webp") == (density > 1), src
    finally:
        context.close()


@pytest.mark.parametrize("mode", list(MODES))
def test_hr_admin_pages_look_right(browser, live_server, demo, mode):
    program, run = demo
    pk = program.pk
    pages = {
        "admin-home": "/dashboard/", "programs": "/programs/", "program": f"/programs/{pk}/",
        "program-form": f"/programs/{pk}/edit/", "participants": f"/programs/{pk}/participants/",
        "invitations": f"/programs/{pk}/invitations/", "import": f"/programs/{pk}/import/",
        "questions": f"/programs/{pk}/questions/", "matching": f"/programs/{pk}/matching/",
        "run": f"/matching/runs/{run.pk}/", "skills": "/skills/",
        "goals-notes-admin": f"/programs/{pk}/journal/", "close-program": f"/programs/{pk}/close/",
    }  # fmt: skip
    assert _walk(browser, live_server, mode, "hr@northwind.example", pages) == {}


@pytest.mark.parametrize("mode", list(MODES))
def test_mentee_and_mentor_pages_look_right(browser, live_server, demo, mode):
    mentee = Participant.objects.get(email="mentee1@northwind.example")
    pages = {
        "mentee-home": "/dashboard/", "my-programs": "/me/programs/",
        "profile": f"/participations/{mentee.pk}/profile/", "suggestions": "/me/suggestions/",
        "goals-notes": "/journal/",
    }  # fmt: skip
    assert _walk(browser, live_server, mode, "mentee1@northwind.example", pages) == {}
    mentor = Participant.objects.get(email="mentor1@northwind.example")
    pages = {"mentor-home": "/dashboard/", "mentor-profile": f"/participations/{mentor.pk}/profile/"}
    assert _walk(browser, live_server, mode, "mentor1@northwind.example", pages) == {}


def test_the_phone_navigation_is_a_bottom_bar_within_thumb_reach(browser, live_server, demo):
    context = browser.new_context(timezone_id="Europe/Lisbon", **MODES["mobile"])
    page = context.new_page()
    try:
        _sign_in(page, live_server.url, "hr@northwind.example")
        bar = page.get_by_role("navigation", name="Main menu")
        box = bar.bounding_box()
        assert box["y"] + box["height"] == pytest.approx(844, abs=1)  # pinned to the bottom edge
        bar.get_by_role("link", name="Programs").click()
        page.wait_for_url("**/programs/")
        assert bar.get_by_role("link", name="Programs").get_attribute("aria-current") == "page"
        # The wide-screen links are not shown on a phone: one set of links at a time.
        assert (
            not page.get_by_role("navigation", name="Main", exact=True).get_by_role("link", name="Skills").is_visible()
        )
    finally:
        context.close()


def test_a_confirmation_arrives_as_a_toast_that_can_be_closed(page, live_server, demo):
    _sign_in(page, live_server.url, "hr@northwind.example")
    page.goto(live_server.url + "/preferences/")
    page.get_by_role("button", name="Save preferences").click()
    toast = page.get_by_role("status").filter(has_text="Your preferences are saved.")
    expect(toast).to_be_visible()
    toast.get_by_role("button", name="Close").click()
    expect(page.locator(".tz-toast")).to_have_count(0)


@pytest.mark.parametrize("mode", list(MODES))
def test_the_style_guide_shows_every_component_accessibly(browser, live_server, settings, mode):
    """docs/design.md shows this page; DEBUG is on only for it (it answers 404 otherwise)."""
    settings.DEBUG = True
    assert _walk(browser, live_server, mode, None, {"styleguide": "/dev/styleguide/"}) == {}


def test_bulk_actions_select_everyone_and_ask_before_acting(page, live_server, demo):
    """No inline handlers: select-all and the confirmation come from data attributes."""
    program, _ = demo
    _sign_in(page, live_server.url, "hr@northwind.example")
    page.goto(f"{live_server.url}/programs/{program.pk}/participants/")
    page.get_by_label("Select all on this page").check()
    boxes = page.locator("input[name=participant]")
    assert boxes.count() == 42
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Apply to selected").click()
    assert asked == ["Apply this action to the selected participants?"]
    assert Participant.objects.filter(program=program, status="removed").count() == 0  # dismissed: nothing done
