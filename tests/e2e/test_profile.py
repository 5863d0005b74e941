from __future__ import annotations

import re

from playwright.sync_api import expect

from mentoring.models import Participant
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.mentoring.factories import ParticipantFactory, ProgramFactory, SkillFactory

PASSWORD = "correct-horse-battery"


def test_mentee_completes_their_profile_after_fixing_a_bad_time_zone(page, live_server, shot):
    program = ProgramFactory(name="Acme Mentoring 2027")
    SkillFactory(organization=program.organization, name="Public speaking")
    user = UserFactory(email="tom@acme.test", full_name="Tom Mentee")
    MembershipFactory(user=user, organization=program.organization)
    participant = ParticipantFactory(program=program, user=user, email=user.email, role="mentee", status="active")

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("tom@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    shot(page, "dashboard")

    page.get_by_role("link", name="Complete your profile for Acme Mentoring 2027").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    page.get_by_label("Job title").fill("Analyst")
    page.get_by_label("Department").fill("Finance")
    page.get_by_label("Seniority level").select_option("2")
    page.get_by_label("Time zone").fill("Europe/Lisbn")
    page.get_by_label("Working day starts").fill("09:00")
    page.get_by_label("Working day ends").fill("17:30")
    page.get_by_label("Monday").check()
    page.get_by_label("Your goals").fill("Speak up in meetings and negotiate my next role.")
    page.get_by_role("button", name="Add Public speaking").click()
    expect(page.get_by_label("Skills you want to grow")).to_have_value("Public speaking")
    page.get_by_label("Skills you want to grow").fill("Public speaking, SQL")
    page.get_by_role("button", name="Save profile").click()

    time_zone = page.get_by_label("Time zone")
    expect(time_zone).to_have_attribute("aria-describedby", "id_timezone_error")
    expect(page.locator("#id_timezone_error")).to_have_text(
        re.compile("“Europe/Lisbn” is not a time zone we know. Pick one from the list, for example Europe/Lisbon.")
    )
    expect(page.get_by_role("alert")).to_contain_text("Your profile is not saved yet")
    expect(page.get_by_label("Job title")).to_have_value("Analyst")  # nothing typed is lost
    shot(page, "time-zone-message")

    time_zone.fill("Europe/Lisbon")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved. It is 100% complete.")
    expect(page.get_by_role("progressbar", name="Profile completeness")).to_have_attribute("aria-valuenow", "100")
    shot(page, "saved")

    participant.refresh_from_db()
    assert (participant.timezone, participant.completeness, participant.skills_wanted) == (
        "Europe/Lisbon",
        100,
        ["Public speaking", "SQL"],
    )
    assert Participant.objects.get(pk=participant.pk).work_days == [0]
