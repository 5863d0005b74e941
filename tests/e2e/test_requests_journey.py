"""The self-selection journey in real browsers: a mentee asks a mentor from their
suggestions with a message; the mentor, signed out, opens the email from the outbox,
sees the confirmation page and accepts; the mentorship exists; another mentee's request
to the now-full mentor is declined automatically and that mentee is pointed to new
suggestions. Screenshots at each step, at desktop width and at 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from matching.models import MentorshipRequest
from mentoring.models import Mentorship
from tests.matching.requesting import ask, mentee, mentor

PASSWORD = "correct-horse-battery"


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


@pytest.fixture
def cast(program):
    program.name = "Northwind Mentoring"
    program.save()
    priya = mentee(program, 1, full_name="Priya Patel")
    sam = mentee(program, 2, full_name="Sam Okafor")
    maria = mentor(program, 1, capacity=1, full_name="Maria Santos")
    other = mentor(program, 2, capacity=2, full_name="Ken Watanabe")
    return priya, sam, maria, other


@pytest.mark.django_db(transaction=True)
def test_request_from_suggestions_accept_from_the_email_and_the_full_mentor_declines_the_rest(
    page, browser, live_server, shot, cast
):
    base = live_server.url
    priya, sam, maria, _ken = cast
    waiting = ask(sam, maria, "Could you help me with public speaking?")  # Sam asked first

    # 1. Priya asks Maria from her suggestions, with a message.
    sign_in(page, base, priya.user.email)
    page.get_by_role("link", name="Suggested mentors").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentors for you")
    card = page.locator("article", has_text="Maria Santos")
    card.locator("summary", has_text="Request Maria Santos").click()
    card.get_by_label("Message to Maria Santos").fill("I would love your help with SQL and analytics.")
    shot(page, "suggestions-request-form")
    card.get_by_role("button", name="Send request").click()
    page.wait_for_url("**/me/requests/")
    expect(page.get_by_role("status").first).to_contain_text("Request sent to Maria Santos.")
    expect(page.locator("table")).to_contain_text("Maria Santos")
    shot(page, "my-requests-pending")
    req = MentorshipRequest.objects.get(mentee=priya)
    assert req.message == "I would love your help with SQL and analytics."

    # 2. Maria, signed out in her own browser, opens the email from the outbox.
    context = browser.new_context(timezone_id="Europe/Lisbon", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    maria_page = context.new_page()
    maria_page.goto(base + "/dev/outbox/")
    maria_page.locator(".outbox-list a", has_text=maria.user.email).filter(
        has_text="Priya Patel asks you to be their mentor"
    ).first.click()
    body = maria_page.locator(".outbox-body")
    expect(body).to_contain_text("I would love your help with SQL and analytics.")
    expect(body).to_contain_text("Match score:")
    shot(maria_page, "email-in-outbox")
    body.locator("a", has_text="/links/").first.click()  # Accept comes first

    # 3. The confirmation page: nothing happens until she presses the button.
    expect(maria_page.get_by_role("heading", level=1)).to_have_text("Mentor Priya Patel?")
    expect(maria_page.get_by_text("I would love your help with SQL and analytics.")).to_be_visible()
    shot(maria_page, "confirm-accept")
    assert not Mentorship.objects.exists()
    maria_page.get_by_role("button", name="Accept and start mentoring Priya Patel").click()
    expect(maria_page.get_by_role("status")).to_contain_text("You accepted Priya Patel's request on")
    shot(maria_page, "accepted")
    context.close()

    # 4. The mentorship exists; Sam's request to the now-full Maria was declined automatically.
    pair = Mentorship.objects.get(mentee=priya)
    assert (pair.mentor_id, pair.source) == (maria.pk, "request")
    waiting.refresh_from_db()
    assert waiting.status == "declined"
    page.get_by_role("link", name="Suggested mentors").first.click()
    expect(page.get_by_role("status").first).to_contain_text("Your mentor is Maria Santos.")
    shot(page, "priya-has-a-mentor")

    # 5. Sam sees why, and new suggestions without Maria.
    page.context.clear_cookies()
    sign_in(page, base, sam.user.email)
    page.goto(base + "/me/requests/")
    expect(page.locator("table")).to_contain_text("Declined")
    expect(page.locator("table")).to_contain_text("mentoring places have all been taken")
    shot(page, "sam-declined")
    page.get_by_role("link", name="Suggest another mentor").first.click()
    page.wait_for_url("**/me/suggestions/")
    expect(page.locator("article", has_text="Ken Watanabe")).to_be_visible()
    expect(page.locator("article", has_text="Maria Santos")).to_have_count(0)
    shot(page, "sam-new-suggestions")

    # 6. The same pages at 390 px.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/me/requests/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "sam-requests-390")
