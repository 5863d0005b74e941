from __future__ import annotations

import re

from playwright.sync_api import expect

PASSWORD = "a-long-Secret-phrase-42"


def test_newcomer_signs_up_verifies_email_from_outbox_logs_in_and_sees_dashboard(page, live_server, shot):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Run mentoring programs")
    shot(page, "landing")

    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("Newcomer@Example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    shot(page, "signup")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify Your Email Address")
    shot(page, "verify-sent")

    page.goto(live_server.url + "/dev/outbox/")
    expect(page.locator("#email-subject")).to_contain_text("Please Confirm Your Email Address")
    shot(page, "outbox")
    page.locator(".outbox-body a", has_text="/accounts/confirm-email/").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirm Email Address")
    shot(page, "confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    page.get_by_role("button", name=re.compile("newcomer", re.I)).click()
    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome to Turazo")
    expect(page.locator("footer")).to_contain_text("Europe/Lisbon")
    shot(page, "dashboard")

    page.get_by_label("Organization name").fill("Initech")
    page.get_by_role("button", name="Create organization").click()
    expect(page.get_by_role("status")).to_contain_text("Initech is ready")
    shot(page, "admin-dashboard")
