"""The HR onboarding journey of issue 3, in a real browser: create a program, import
a CSV (fixing two bad rows), confirm, see invitations sent; the invitee opens the
link from the outbox while logged out, signs up, completes the profile, and the
admin's table shows them joined and complete."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from mentoring.models import Participant

PASSWORD = "a-long-Secret-phrase-42"
HEADER = "email,role,full_name,department,timezone,languages,seniority,job_title\n"
GOOD_ROWS = (
    "ines@acme.test,mentee,Ines Ito,Finance,Europe/Lisbon,english,2,Analyst\n"
    "marco@acme.test,mentor,Marco Rossi,Engineering,Europe/Rome,english;italian,5,Director\n"
)
BAD_FILE = (
    HEADER
    + GOOD_ROWS
    + (
        "not-an-email,mentee,Bad Email,Sales,Europe/Lisbon,english,1,Rep\n"
        "olga@acme.test,coach,Olga Role,Sales,Mars/Olympus,english,1,Rep\n"
    )
)
FIXED_FILE = (
    HEADER
    + GOOD_ROWS
    + (
        "bea@acme.test,mentee,Bea Mail,Sales,Europe/Lisbon,english,1,Rep\n"
        "olga@acme.test,mentor,Olga Role,Sales,Europe/Berlin,english,4,Head of Sales\n"
    )
)


def _sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def _sign_out(page) -> None:
    page.locator("nav .dropdown-toggle").click()
    page.get_by_role("button", name="Sign out").click()


def _upload(page, name: str, content: str) -> None:
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}]
    )
    page.get_by_role("button", name="Upload and preview").click()


def test_hr_admin_imports_a_cohort_and_an_invitee_joins_with_a_complete_profile(
    page, live_server, shot, hr_admin, organization
):
    base = live_server.url
    _sign_in(page, base, "hr@acme.test", "correct-horse-battery")

    # 1. Create the program.
    page.get_by_role("link", name="Create your first program").click()
    page.get_by_label("Name").fill("Autumn Mentoring")
    page.get_by_label("Start date").fill("2027-01-10")
    page.get_by_label("End date").fill("2027-06-30")
    shot(page, "new-program")
    page.get_by_role("button", name="Create program").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Autumn Mentoring")
    shot(page, "program")

    # 2. Upload a file with two bad rows and read the problems.
    page.get_by_role("link", name="Import CSV").click()
    _upload(page, "cohort.csv", BAD_FILE)
    problems = page.locator("table", has_text="Problem")
    expect(problems.locator("tbody tr")).to_have_count(3)
    expect(problems.locator("tr", has_text="not-an-email")).to_contain_text("4")
    expect(problems).to_contain_text("coach")
    expect(problems).to_contain_text("Mars/Olympus")
    expect(page.get_by_role("button", name="Confirm import")).to_be_disabled()
    shot(page, "problems")
    assert Participant.objects.count() == 0

    # 3. Upload the fixed file and confirm.
    page.get_by_role("link", name="upload the file again").click()
    _upload(page, "cohort-fixed.csv", FIXED_FILE)
    expect(page.get_by_role("status").filter(has_text="No problems found")).to_be_visible()
    shot(page, "preview")
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_role("status").filter(has_text="4 participants created")).to_be_visible()
    shot(page, "imported")

    # 4. The invitations went out.
    page.get_by_role("link", name="Back to the program").click()
    page.get_by_role("link", name="Invitations").click()
    expect(page.locator("tr", has_text="Ines Ito")).to_contain_text("Sent")
    shot(page, "invitations")
    _sign_out(page)

    # 5. The invitee opens the link from the outbox while logged out and signs up.
    page.goto(base + "/dev/outbox/")
    page.get_by_role("link", name=re.compile("You're invited to Autumn Mentoring as a mentee.*ines@acme.test")).click()
    page.locator(".outbox-body a", has_text="/invitations/").click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_label("Email")).to_have_value("ines@acme.test")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account and accept").click()

    # 6. Straight to the profile form; complete it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    page.get_by_label("Working day starts").fill("09:00")
    page.get_by_label("Working day ends").fill("17:00")
    page.get_by_label("Monday").check()
    page.get_by_label("Your goals").fill("Learn to lead a finance team and present to the board.")
    page.get_by_label("Skills you want to grow").fill("Budgeting, Public speaking")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("100% complete")
    shot(page, "profile-complete")
    _sign_out(page)

    # 7. The admin sees Ines joined and complete.
    _sign_in(page, base, "hr@acme.test", "correct-horse-battery")
    page.get_by_role("link", name="Programs").first.click()
    page.get_by_role("link", name="Autumn Mentoring").click()
    page.get_by_role("link", name="Participants").click()
    row = page.locator("tr", has_text="Ines Ito")
    expect(row).to_contain_text("Joined")
    expect(row).to_contain_text("100%")
    shot(page, "admin-table")
