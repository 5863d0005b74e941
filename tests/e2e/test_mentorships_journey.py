"""The mentorship lifecycle in real browsers: the HR admin adds a pair by hand and sees it on
the program's Mentorships page; the mentee's home shows the mentorship with "Book your first
session" as the next step; the mentee ends it with a reason. Light and 390 px screenshots."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from mentoring.models import Mentorship, Participant, Program
from tests.e2e.test_accessibility import _violations

PASSWORD = "correct-horse-battery"


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


@pytest.fixture
def people(program, mentor, mentee):
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ACTIVE)
    Participant.objects.filter(user=mentee).update(
        full_name="Tom Mentee", completeness=100, timezone="America/New_York", work_start=dt.time(9),
        work_end=dt.time(17), work_days=[0, 1, 2, 3, 4], goals="Grow into a team lead",
    )  # fmt: skip
    Participant.objects.filter(user=mentor).update(
        full_name="Maria Mentor", completeness=100, timezone="Europe/Berlin", work_start=dt.time(9),
        work_end=dt.time(17), work_days=[0, 1, 2, 3, 4], job_title="Engineering manager", expertise="Leading teams",
    )  # fmt: skip
    return Participant.objects.get(user=mentor), Participant.objects.get(user=mentee)


def test_admin_adds_a_pair_the_mentee_sees_it_and_ends_it(browser, page, live_server, shot, program, hr_admin, people):
    base = live_server.url
    mentor, mentee = people

    # 1. The HR admin adds the pair by hand from the program's Mentorships page.
    sign_in(page, base, hr_admin.email)
    page.goto(f"{base}/programs/{program.pk}/")
    page.get_by_role("link", name=re.compile("^Mentorships")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentorships")
    page.get_by_role("link", name="Unmatched 1").click()
    page.get_by_role("link", name=re.compile("Find a mentor")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a mentor for Tom Mentee")
    shot(page, "admin-rematch")
    page.get_by_role("button", name="Pair Maria Mentor with Tom Mentee").click()
    expect(page.locator("#messages")).to_contain_text("Maria Mentor now mentors Tom Mentee")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Tom Mentee")
    expect(row).to_contain_text("Added by an admin")
    assert _violations(page) == []
    shot(page, "admin-mentorships")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "admin-mentorships-390")
    pair = Mentorship.objects.get(mentee=mentee)
    assert pair.source == Mentorship.Source.ADMIN

    # 2. The mentee's home leads with booking the first session, and shows Maria's card.
    context = browser.new_context(timezone_id="America/New_York", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    mentee_page = context.new_page()
    sign_in(mentee_page, base, mentee.email)
    expect(mentee_page.locator(".next-step-title").first).to_have_text("Book your first session with Maria Mentor")
    expect(mentee_page.locator(".person-card").first).to_contain_text("Engineering manager")
    expect(mentee_page.get_by_text("Shared working hours:")).to_be_visible()
    assert _violations(mentee_page) == []
    shot(mentee_page, "mentee-home")
    mentee_page.set_viewport_size({"width": 390, "height": 844})
    assert mentee_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(mentee_page, "mentee-home-390")
    mentee_page.set_viewport_size({"width": 1280, "height": 900})
    assert mentee_page.get_by_role("link", name=re.compile("^Book your first session")).first.get_attribute(
        "href"
    ) == f"/mentorships/{pair.pk}/book/"

    # 3. The mentee ends it with a reason (a confirmation page first).
    mentee_page.get_by_role("link", name=re.compile("End mentorship")).click()
    expect(mentee_page.get_by_role("heading", level=1)).to_have_text("End your mentorship with Maria Mentor?")
    mentee_page.get_by_label("Why is it ending?").fill("I changed teams")
    shot(mentee_page, "mentee-end")
    mentee_page.get_by_role("button", name="End the mentorship").click()
    mentee_page.wait_for_url("**/dashboard/")
    expect(mentee_page.locator("#messages")).to_contain_text("has ended; the other person is told by email")
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ENDED
    assert pair.end_reason == "I changed teams"
    shot(mentee_page, "mentee-home-after")
    context.close()
