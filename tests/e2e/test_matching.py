"""An HR admin tunes matching, runs it, reviews (pin, forbid, re-run, compare) and publishes;
the mentee then sees their mentor."""

from __future__ import annotations

import re
import threading
from types import SimpleNamespace

import pytest
from django.db import connection
from playwright.sync_api import expect

from matching import services, tasks
from matching.models import MatchProposal, MatchRun
from mentoring.models import Participant, Program
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.matching import cohort
from tests.mentoring.factories import ProgramFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture
def slow_worker(monkeypatch):
    """Stand-in for the Celery worker: executes each run in a thread once the test has seen
    its progress bar (``slow_worker.release()``), so the browser sees the queued run before
    the results, whatever the machine's speed: no sleeping and hoping."""
    threads: list[threading.Thread] = []
    gate = threading.Semaphore(0)

    def work(run_id: int) -> None:
        try:
            if gate.acquire(timeout=60):
                services.match_run_execute(run_id=run_id)
        finally:
            connection.close()

    def apply_async(args, **options) -> None:  # the outbox hands the job over after commit
        thread = threading.Thread(target=work, args=args)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(tasks.match_run_execute_task, "apply_async", apply_async)
    yield SimpleNamespace(release=gate.release)
    for thread in threads:
        thread.join(timeout=30)


def _login(page, live_server, email: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def _wait_for_results(page) -> None:
    expect(page.get_by_role("heading", name="Results")).to_be_visible(timeout=30_000)


def test_admin_tunes_runs_reviews_compares_and_publishes_and_the_mentee_sees_their_mentor(
    page, live_server, shot, slow_worker
):
    program = ProgramFactory(name="Acme Mentoring 2027", status=Program.Status.MATCHING)
    admin = UserFactory(email="hr@acme.test", full_name="Helen HR")
    MembershipFactory(user=admin, organization=program.organization, is_admin=True)
    mentees, mentors = cohort.cohort(program, mentees=6, mentors=3, capacity=2)
    tom = UserFactory(email="mentee0@acme.test", full_name="Mentee 00")
    MembershipFactory(user=tom, organization=program.organization)
    Participant.objects.filter(pk=mentees[0].pk).update(user=tom)

    _login(page, live_server, "hr@acme.test")
    page.goto(live_server.url + f"/programs/{program.pk}/")
    page.get_by_role("link", name="Matching").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matching for Acme Mentoring 2027")
    page.get_by_label("Skills wanted ↔ offered").fill("6")
    shot(page, "settings")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status").first).to_contain_text("Matching settings saved")
    expect(page.get_by_label("Skills wanted ↔ offered")).to_have_value("6.0")

    page.get_by_label("Optimal (highest total score)").check()
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("progressbar", name="Matching progress")).to_be_visible()
    shot(page, "progress")
    slow_worker.release()
    _wait_for_results(page)
    expect(page.locator("#stat-matched")).to_have_text("6")
    shot(page, "results")
    first = MatchRun.objects.get()
    assert first.weights["skills"] == 6.0

    rows = page.locator("#proposals tbody tr[id^=proposal-]")
    expect(rows).to_have_count(6)
    pin_target = MatchProposal.objects.filter(run=first).select_related("mentee", "mentor").order_by("-score", "pk")[0]
    forbid_target = (
        MatchProposal.objects.filter(run=first).select_related("mentee", "mentor").order_by("-score", "pk")[1]
    )
    page.get_by_role(
        "button", name=f"Pin {pin_target.mentee.display_name} with {pin_target.mentor.display_name}"
    ).click()
    expect(page.get_by_role("status").first).to_contain_text("re-runs keep this pair")
    page.get_by_role(
        "button", name=f"Forbid {forbid_target.mentee.display_name} with {forbid_target.mentor.display_name}"
    ).click()
    expect(page.get_by_role("status").first).to_contain_text("no run will pair them again")
    expect(page.locator("#stat-unmatched")).to_have_text("1")
    expect(page.get_by_text("was forbidden by an organiser")).to_be_visible()
    shot(page, "pinned-and-forbidden")

    page.get_by_role("button", name="Re-run").click()
    expect(page.get_by_role("progressbar", name="Matching progress")).to_be_visible()
    slow_worker.release()
    _wait_for_results(page)
    second = MatchRun.objects.exclude(pk=first.pk).get()
    kept = MatchProposal.objects.get(run=second, mentee=pin_target.mentee)
    assert kept.mentor_id == pin_target.mentor_id
    assert kept.pinned
    moved = MatchProposal.objects.get(run=second, mentee=forbid_target.mentee)
    assert moved.mentor_id != forbid_target.mentor_id
    expect(page.locator(f"#proposal-{kept.pk}")).to_contain_text("pinned")

    page.get_by_label("Compare with").select_option(str(first.pk))
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Run #{second.pk} compared with run #{first.pk}")
    expect(page.locator("#changed-count")).not_to_have_text("0")
    shot(page, "compare")

    page.get_by_role("link", name=f"Run #{second.pk}").first.click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").first).to_contain_text("Published 6 mentorships")
    shot(page, "published")

    page.get_by_role("button", name="Helen").click()
    page.get_by_role("button", name="Sign out").click()
    _login(page, live_server, "mentee0@acme.test")
    page.get_by_role("link", name="Suggested mentors").click()
    mine = MatchProposal.objects.select_related("mentor").get(run=second, mentee=mentees[0])
    expect(page.get_by_role("status").first).to_contain_text(f"Your mentor is {mine.mentor.display_name}")
    shot(page, "mentee-sees-mentor")
