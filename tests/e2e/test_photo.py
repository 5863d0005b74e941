"""A mentee adds a photo on their profile page: it replaces their initials in the top bar at
once, and their mentor sees it on the mentee's card at home; then they remove it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from mentoring.models import Mentorship, Participant
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.accounts.images import jpeg_with_gps
from tests.mentoring.factories import ParticipantFactory, ProgramFactory

PASSWORD = "correct-horse-battery"


def _sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def _wait_loaded(image) -> None:
    """The <img> really decoded a picture (not a broken-image icon), waiting for it to load:
    right after navigation it may still be on its way (a busy machine). A broken image is
    complete with no width, so this times out (and fails) rather than passing."""
    image.page.wait_for_function("img => img.complete && img.naturalWidth === 256", arg=image.element_handle())


def test_a_mentee_adds_a_photo_their_mentor_sees_it_and_they_remove_it(page, live_server, tmp_path, shot):
    program = ProgramFactory(name="Acme Mentoring 2027", status="active")
    people = {}
    for role, email, name in (("mentee", "tom@acme.test", "Tom Mentee"), ("mentor", "maria@acme.test", "Maria Mentor")):
        user = UserFactory(email=email, full_name=name)
        MembershipFactory(user=user, organization=program.organization)
        people[role] = ParticipantFactory(
            program=program, user=user, email=email, full_name=name, role=role, status="active"
        )
    Mentorship.objects.create(
        organization=program.organization, program=program, mentor=people["mentor"], mentee=people["mentee"],
        source="admin",
    )  # fmt: skip
    (tmp_path / "holiday.jpg").write_bytes(jpeg_with_gps())
    (tmp_path / "notes.jpg").write_bytes(b"%PDF-1.7 this is not a photo")

    _sign_in(page, live_server.url, "tom@acme.test")
    top_bar = page.locator(".account-toggle .avatar")
    expect(top_bar).to_have_text("TM")
    page.goto(f"{live_server.url}/participations/{people['mentee'].pk}/profile/")
    photo = page.get_by_role("region", name="Your photo")

    photo.get_by_label("Photo", exact=True).set_input_files(tmp_path / "notes.jpg")
    photo.get_by_role("button", name="Upload photo").click()
    expect(page.locator(".tz-toast")).to_contain_text(
        "Your photo is not changed. That file is not a photo we can read."
    )
    expect(top_bar).to_have_text("TM")

    photo.get_by_label("Photo", exact=True).set_input_files(tmp_path / "holiday.jpg")
    photo.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_role("status")).to_contain_text("Your photo is saved.")
    expect(page).to_have_url(re.compile(rf"/participations/{people['mentee'].pk}/profile/$"))
    image = top_bar.locator("img")
    expect(image).to_have_attribute("alt", "Tom Mentee")
    _wait_loaded(image)
    _wait_loaded(page.locator(".avatar-xl img"))  # the profile's header
    shot(page, "profile-with-photo")

    mentor_page = page.context.browser.new_context(timezone_id="Europe/Lisbon").new_page()
    try:
        _sign_in(mentor_page, live_server.url, "maria@acme.test")
        card = mentor_page.locator(".person-card").filter(has_text="Tom Mentee")
        expect(card.locator(".avatar img")).to_have_attribute("alt", "Tom Mentee")
        _wait_loaded(card.locator(".avatar img"))
        shot(mentor_page, "mentor-home-sees-the-photo")
    finally:
        mentor_page.context.close()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove photo").click()
    expect(page.get_by_role("status")).to_contain_text("Your photo is removed. Your initials show instead.")
    expect(top_bar).to_have_text("TM")
    assert Participant.objects.get(pk=people["mentee"].pk).user.photo_version == ""
