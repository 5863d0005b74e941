"""Goals, notes and closing in real browsers: the mentee adds a goal and a shared note (htmx);
the mentor sees both, rendered; the HR admin reads the counts (never the notes), closes the
program from its confirmation page, and the survey emails are in the outbox; the mentee
answers from the email link. Screenshots in light mode and on a 390 px phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from journal.models import Goal, Note, SurveyAnswer
from tests.e2e.axe import inject_axe
from tests.scheduling.helpers import make_pair

PASSWORD = "correct-horse-battery"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(program, mentor_user=mentor, mentee_user=mentee)


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def axe_violations(page) -> list[str]:
    inject_axe(page)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [f"{v['id']}: {v['help']} — {v['nodes'][0]['target'][0]}" for v in result["violations"]]


@pytest.fixture
def second(browser):
    context = browser.new_context(timezone_id="Europe/Lisbon", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(timezone_id="Europe/Lisbon", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_goals_notes_and_closing_in_the_browser(
    page, second, phone, live_server, shot, pair, program, hr_admin, mentor, mentee
):
    base = live_server.url

    # 1. The mentee adds a goal and a shared note from "Goals & notes".
    sign_in(page, base, mentee.email)
    page.get_by_role("link", name="Goals & notes").first.click()
    page.get_by_role("link", name=re.compile(pair.mentor.display_name)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Goals and notes with {pair.mentor.display_name}")
    expect(page.locator("#privacy-note")).to_contain_text("never what your notes say")
    page.get_by_label("Goal", exact=True).fill("Run my first team retrospective")
    page.get_by_role("button", name="Add goal").click()
    expect(page.locator("#goals .goal-title")).to_have_text("Run my first team retrospective")
    page.get_by_role("button", name="Start Run my first team retrospective").click()
    expect(page.locator("#goals")).to_contain_text("In progress")
    page.get_by_label("Note", exact=True).fill(
        "We agreed: **one** small experiment a week.\n- ask for feedback\n- <script>alert(1)</script>"
    )
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#notes .note-body strong")).to_have_text("one")
    expect(page.locator("#notes .note-body")).to_contain_text("<script>alert(1)</script>")
    page.get_by_label("Note", exact=True).fill("Private: nervous about it")
    page.get_by_label("Private (only me)").check()
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#notes .note")).to_have_count(2)
    assert Goal.objects.get().status == "in_progress"
    assert sorted(Note.objects.values_list("visibility", flat=True)) == ["private", "shared"]
    assert axe_violations(page) == []
    shot(page, "mentee-journal")

    # 2. The mentor sees the goal and the shared note, not the private one.
    sign_in(second, base, mentor.email)
    second.goto(f"{base}/journal/mentorships/{pair.pk}/")
    expect(second.locator("#goals")).to_contain_text("Run my first team retrospective")
    expect(second.locator("#notes .note")).to_have_count(1)
    expect(second.locator("#notes")).not_to_contain_text("nervous")
    expect(second.get_by_role("button", name="Add goal")).to_have_count(0)
    shot(second, "mentor-journal")

    # 3. On a phone, the same page stacks.
    sign_in(phone, base, mentee.email)
    phone.goto(f"{base}/journal/mentorships/{pair.pk}/")
    expect(phone.locator("#notes .note")).to_have_count(2)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "mentee-journal-390")

    # 4. The HR admin reads counts (never notes), then closes the program.
    admin = second
    admin.context.clear_cookies()
    sign_in(admin, base, hr_admin.email)
    admin.goto(f"{base}/programs/{program.pk}/")
    admin.get_by_role("link", name=re.compile("Goals, notes & closing")).click()
    expect(admin.locator("#admin-privacy-note")).to_contain_text("never see note contents")
    expect(admin.locator("main")).not_to_contain_text("one small experiment")
    expect(admin.locator("#goals-total")).to_have_text("1")
    shot(admin, "admin-journal")
    admin.get_by_role("link", name="Close program").click()
    expect(admin.locator("#close-effects")).to_contain_text("1 active mentorship ends")
    expect(admin.locator("#close-effects")).to_contain_text("2 participants who joined get the closing survey")
    assert axe_violations(admin) == []
    shot(admin, "admin-close-confirm")
    admin.get_by_role("button", name=f"Close {program.name}").click()
    expect(admin.get_by_role("status").first).to_contain_text("is closed. Mentorships ended: 1")
    expect(admin.locator("main")).to_contain_text("Closed")
    shot(admin, "admin-closed")
    phone.context.clear_cookies()
    sign_in(phone, base, hr_admin.email)
    phone.goto(f"{base}/programs/{program.pk}/journal/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "admin-journal-390")

    # 5. The survey emails are in the outbox; the mentee answers from the link, once.
    admin.goto(base + "/dev/outbox/")
    admin.locator(".outbox-list a", has_text=mentee.email).filter(has_text="has closed").first.click()
    expect(admin.locator("#email-subject")).to_contain_text("has closed: how was it for you?")
    admin.locator(".outbox-body a", has_text="/links/").first.click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text(f"How was {program.name}?")
    admin.get_by_label("4", exact=True).check()
    admin.get_by_label("What changed for you?").fill("I ask for feedback every week now.")
    shot(admin, "survey-link")
    admin.get_by_role("button", name="Send my answer").click()
    expect(admin.locator("main")).to_contain_text("your answer about")
    answer = SurveyAnswer.objects.get(user=mentee)
    assert (answer.rating, answer.what_changed) == (4, "I ask for feedback every week now.")

    # 6. The mentee's journal is read-only now.
    page.reload()
    expect(page.get_by_role("button", name="Save note")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("is closed: goals and notes are kept, read-only.")
