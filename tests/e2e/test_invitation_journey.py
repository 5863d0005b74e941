"""Invitations in a browser: a newcomer accepts from the email and signs up; an HR
admin follows the invitations list, resends, revokes and resends to everyone pending."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership, User
from mentoring.models import Invitation
from mentoring.services.invitations import invitation_issue_bulk
from tests.mentoring.factories import InvitationFactory, ParticipantFactory

PASSWORD = "a-long-Secret-phrase-42"


def test_invited_mentor_opens_the_email_link_signs_up_and_lands_on_the_profile(
    page, live_server, shot, program, hr_admin
):
    nina = ParticipantFactory(program=program, email="nina@acme.test", full_name="Nina New", role="mentor")
    invitation_issue_bulk(participants=[nina], invited_by=hr_admin)

    page.goto(live_server.url + "/dev/outbox/")
    expect(page.locator("#email-subject")).to_have_text("You're invited to Acme Mentoring 2027 as a mentor")
    shot(page, "email")
    page.locator(".outbox-body a", has_text="/invitations/").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You're invited to Acme Mentoring 2027")
    expect(page.get_by_text("invited by Helen HR")).to_be_visible()
    shot(page, "invitation")
    invitation_url = page.url
    page.get_by_role("button", name="Accept").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    email = page.get_by_label("Email")
    expect(email).to_have_value("nina@acme.test")
    expect(email).to_be_disabled()
    expect(page.get_by_label("Your name")).to_have_value("Nina New")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    shot(page, "signup")
    page.get_by_role("button", name="Create account and accept").click()

    expect(page).to_have_url(re.compile(rf"/participations/{nina.pk}/profile/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect(page.get_by_role("status").first).to_contain_text("Welcome to Acme Mentoring 2027")
    shot(page, "profile")
    user = User.objects.get(email="nina@acme.test")
    assert Membership.objects.filter(user=user, organization=program.organization).exists()

    page.goto(invitation_url)  # the second click says what already happened
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation is no longer open")
    expect(page.get_by_role("status").first).to_contain_text("already accepted")
    shot(page, "second-click")


def test_hr_admin_resends_revokes_and_resends_to_everyone_pending(page, live_server, shot, program, hr_admin):
    failed = InvitationFactory(
        participant=ParticipantFactory(program=program, full_name="Fay Failed", email="fay@acme.test"),
        status="failed",
        attempts=6,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    sent = InvitationFactory(participant=ParticipantFactory(program=program, full_name="Sam Sent"), status="sent")
    InvitationFactory(
        participant=ParticipantFactory(program=program, full_name="Otto Overdue"),
        status="sent",
        expires_at=timezone.now() - dt.timedelta(days=1),
    )

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("hr@acme.test")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign In").click()
    page.goto(live_server.url + f"/programs/{program.pk}/")
    page.get_by_role("link", name="Invitations").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations")
    fay_row = page.locator("tr", has_text="Fay Failed")
    expect(fay_row).to_contain_text("Failed to send")
    expect(fay_row).to_contain_text("SMTPServerDisconnected")
    expect(page.locator("tr", has_text="Otto Overdue")).to_contain_text("Expired")
    shot(page, "list")

    fay_row.get_by_role("button", name="Resend to Fay Failed").click()
    expect(
        page.get_by_role("status").filter(has_text="A new invitation is on its way to fay@acme.test")
    ).to_be_visible()
    expect(page.locator("tr", has_text="Fay Failed")).to_contain_text("Sent")
    shot(page, "resent")
    failed.refresh_from_db()
    assert failed.status == "revoked"

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("tr", has_text="Sam Sent").get_by_role("button", name="Revoke invitation for Sam Sent").click()
    expect(page.locator("tr", has_text="Sam Sent")).to_contain_text("Revoked")
    sent.refresh_from_db()
    assert sent.status == "revoked"

    page.get_by_role("link", name="Resend to everyone pending").click()
    expect(page.get_by_text("1 participant will get a new invitation")).to_be_visible()
    shot(page, "confirm-all")
    page.get_by_role("button", name="Resend 1 invitation").click()
    expect(page.get_by_role("status").first).to_contain_text("1 invitation is on the way")
    expect(page.locator("tr", has_text="Otto Overdue")).to_contain_text("Sent")
    shot(page, "after-all")
    assert Invitation.objects.filter(status="sent").count() == 2
