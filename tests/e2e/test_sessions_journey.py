"""A pair's whole session life in real browsers, each person in their own time zone: the mentor
edits availability; the mentee books in New York time and sees the session on their home; the
invite is in the outbox; the mentor reschedules from the email link (a page first, then the
POST); the mentee cancels; and gives feedback after a (time-shifted) past session."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scheduling.models import AvailabilityRule, Session
from scheduling.services.free_time import next_slots
from scheduling.services.sessions import session_book
from tests.scheduling.helpers import make_pair

PASSWORD = "correct-horse-battery"


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(
        program, mentor_user=mentor, mentee_user=mentee, mentor_zone="Europe/Berlin", mentee_zone="America/New_York"
    )


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


@pytest.fixture
def new_york(browser, page):
    """A second browser (the mentee's) in New York; ``page`` (Lisbon) already set up the outbox."""
    context = browser.new_context(timezone_id="America/New_York", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_book_remind_reschedule_cancel_and_review_in_the_browser(
    page, new_york, live_server, shot, pair, mentor, mentee
):
    base = live_server.url

    # 1. The mentor (Lisbon browser, Berlin availability) adds Tuesday evening hours.
    sign_in(page, base, mentor.email)
    page.get_by_role("link", name="Availability").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your availability")
    expect(page.get_by_text("In Europe/Berlin")).to_be_visible()
    page.get_by_role("button", name="Add hours on Tuesday").click()
    tuesday = page.locator("#day-1")
    tuesday.locator('input[name="start"]').nth(1).fill("18:00")
    tuesday.locator('input[name="end"]').nth(1).fill("20:00")
    page.get_by_role("button", name="Save Tuesday").click()
    expect(page.locator("#day-1").get_by_role("status")).to_have_text("Saved.")
    assert AvailabilityRule.objects.filter(availability__participant=pair.mentor, weekday=1).count() == 2
    shot(page, "mentor-availability")

    # 2. The mentee books from the home, in New York time, and can switch zones.
    mentee_page = new_york
    sign_in(mentee_page, base, mentee.email)
    mentee_page.get_by_role("link", name=re.compile("Book a session")).click()
    expect(mentee_page.get_by_role("heading", level=1)).to_have_text(f"Book a session with {pair.mentor.display_name}")
    expect(mentee_page.locator("#tz-switch")).to_have_value("America/New_York")
    mentee_page.locator("#tz-switch").select_option("Europe/Berlin")
    expect(mentee_page.locator("#picker-zone-note")).to_contain_text("Times in Europe/Berlin")
    mentee_page.locator("#tz-switch").select_option("America/New_York")
    expect(mentee_page.locator("#picker-zone-note")).to_contain_text("Times in America/New_York")
    if not mentee_page.locator("a.slot").count():
        mentee_page.get_by_role("link", name=re.compile("Go to the next free time")).click()
    shot(mentee_page, "mentee-week")
    first_slot = mentee_page.locator("a.slot").first
    label = first_slot.inner_text()
    first_slot.focus()
    mentee_page.keyboard.press("Enter")  # keyboard-usable
    expect(mentee_page.get_by_role("button", name="Book this session")).to_be_visible()
    mentee_page.get_by_label("Agenda (optional)").fill("Negotiation practice; salary talk")
    shot(mentee_page, "mentee-confirm")
    mentee_page.get_by_role("button", name="Book this session").click()
    expect(mentee_page.get_by_role("status").first).to_contain_text("Booked:")
    expect(mentee_page.locator("#session-when")).to_contain_text(label)
    expect(mentee_page.locator("#session-when")).to_contain_text("America/New_York")
    expect(mentee_page.locator("#session-when-other")).to_contain_text("Europe/Berlin")
    session = Session.objects.get()
    shot(mentee_page, "mentee-session")
    mentee_page.get_by_role("link", name="Home").first.click()
    upcoming = mentee_page.locator("#home-sessions")
    expect(upcoming.locator(f'a[href="/sessions/{session.pk}/"]')).to_contain_text(label)
    expect(upcoming.get_by_role("link", name=re.compile("Join the video call"))).to_be_visible()
    shot(mentee_page, "mentee-home")

    # 3. The invite is in the outbox; the mentor reschedules from the link in it.
    page.goto(base + "/dev/outbox/")
    page.locator(".outbox-list a", has_text=mentor.email).filter(has_text="Session booked").first.click()
    expect(page.locator("#email-subject")).to_contain_text("Session booked:")
    expect(page.locator(".outbox-body")).to_contain_text("Video call: https://meet.jit.si/Turazo-")
    expect(page.locator(".outbox-body")).to_contain_text("Negotiation practice; salary talk")
    expect(page.locator("#email-parts")).to_contain_text("method=REQUEST")
    expect(page.locator("#email-parts")).to_contain_text("invite.ics")
    shot(page, "invite-email")
    page.locator(".outbox-body a", has_text="/links/").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reschedule your session with")
    link_url = page.url
    session.refresh_from_db()
    assert session.sequence == 0  # opening the link changed nothing
    shot(page, "reschedule-link")
    if not page.locator("a.slot").count():
        page.get_by_role("link", name=re.compile("Go to the next free time")).click()
    page.locator("a.slot").nth(2).click()
    page.get_by_label("Note to the other person (optional)").fill("Sorry, a clash")
    page.get_by_role("button", name="Move the session here").click()
    expect(page.get_by_role("status").first).to_contain_text("You moved your session with")
    shot(page, "rescheduled")
    session.refresh_from_db()
    assert (session.sequence, session.reschedule_count, session.change_note) == (1, 1, "Sorry, a clash")
    page.goto(link_url)  # the second click says what already happened
    expect(page.get_by_role("status").first).to_contain_text("This link was already used")

    # 4. The mentee cancels from the app.
    mentee_page.goto(base + f"/sessions/{session.pk}/")
    expect(mentee_page.locator("#session-when")).to_contain_text("America/New_York")
    mentee_page.get_by_role("link", name="Cancel").click()
    mentee_page.get_by_label("Reason (optional)").fill("Moving house")
    mentee_page.get_by_role("button", name="Cancel the session").click()
    expect(mentee_page.get_by_role("status").first).to_contain_text("Cancelled.")
    expect(mentee_page.get_by_role("heading", level=1)).to_contain_text("Cancelled")
    shot(mentee_page, "cancelled")
    session.refresh_from_db()
    assert session.status == "cancelled"

    # 5. Feedback after a session that happened (shifted into the past).
    slot = next_slots(mentorship=pair, after=timezone.now(), count=1)[0]
    held = session_book(mentorship=pair, start=slot.start, actor=mentee)
    Session.objects.filter(pk=held.pk).update(
        start=timezone.now() - timedelta(hours=3), end=timezone.now() - timedelta(hours=2), status="completed"
    )
    mentee_page.goto(base + "/dashboard/")
    mentee_page.get_by_role("link", name="How was it? Give feedback").click()
    mentee_page.get_by_label("4", exact=True).check()
    mentee_page.get_by_label("What helped?").fill("Concrete scripts for the salary talk")
    mentee_page.get_by_label("Share my rating and comment with the other person").check()
    shot(mentee_page, "feedback-form")
    mentee_page.get_by_role("button", name="Send feedback").click()
    expect(mentee_page.get_by_role("status").first).to_contain_text("Thank you")
    expect(mentee_page.get_by_text("You rated it 4/5")).to_be_visible()
    shot(mentee_page, "feedback-done")

    # The mentor sees the shared rating on the session page.
    page.goto(base + f"/sessions/{held.pk}/")
    expect(page.get_by_text("Concrete scripts for the salary talk")).to_be_visible()


def test_scheduling_pages_have_no_wcag_violations(page, live_server, pair, mentor, mentee, hr_admin, program):
    from tests.e2e.test_accessibility import _check

    slot = next_slots(mentorship=pair, after=timezone.now(), count=1)[0]
    session = session_book(mentorship=pair, start=slot.start, actor=mentee, agenda="Goals")
    base = live_server.url
    sign_in(page, base, mentee.email)
    paths = [
        "/dashboard/", f"/mentorships/{pair.pk}/book/", f"/mentorships/{pair.pk}/book/?start={slot.start.isoformat()}",
        f"/sessions/{session.pk}/", f"/sessions/{session.pk}/reschedule/", f"/sessions/{session.pk}/cancel/",
        f"/sessions/{session.pk}/feedback/", "/sessions/", "/sessions/settings/",
        f"/participations/{pair.mentee.pk}/availability/",
    ]  # fmt: skip
    assert _check(page, base, [p.replace("+", "%2B") for p in paths]) == {}
    page.context.clear_cookies()
    sign_in(page, base, hr_admin.email)
    admin_paths = [
        f"/programs/{program.pk}/scheduling/",
        f"/programs/{program.pk}/sessions/",
        f"/sessions/{session.pk}/",
    ]
    assert _check(page, base, admin_paths) == {}
