"""Browser journey of an HR admin on the seeded running program: the dashboard's charts and
tables, the quiet pairs, nudging two of them, the emails in the outbox; the final report of a
closed program; and axe on the new pages."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from mentoring.models import Program
from tests.e2e.test_accessibility import _check, _sign_in


@pytest.fixture
def running(db):
    call_command("seed_demo")
    return Program.objects.get(name="2026 Leadership Circle")


def test_admin_reads_the_dashboard_and_nudges_two_quiet_pairs(page, live_server, running, shot):
    base = live_server.url
    _sign_in(page, base, "hr@northwind.example")

    # The program list leads a running program to its dashboard.
    page.goto(base + "/programs/")
    page.get_by_role("link", name="2026 Leadership Circle").click()
    expect(page.get_by_role("heading", name="Funnel")).to_be_visible()
    # Chart.js drew the three charts from the page's JSON.
    for chart in ("chart-sessions", "chart-scores", "chart-ratings"):
        assert page.evaluate(f"() => Chart.getChart('{chart}') !== undefined"), chart
    page.get_by_text("Numbers as a table").first.click()
    expect(page.locator("#table-sessions tbody tr").first).to_be_visible()
    held = page.locator("#table-sessions tbody td:nth-child(2)").all_inner_texts()
    assert sum(int(n) for n in held) > 5
    shot(page, "dashboard")

    # Quiet pairs: three seeded, quietest first; nudge two of them.
    rows = page.locator("#quiet-pairs tbody tr")
    expect(rows).to_have_count(3)
    rows.nth(0).get_by_role("checkbox").check()
    rows.nth(1).get_by_role("checkbox").check()
    page.get_by_role("button", name="Nudge selected pairs…").click()
    expect(page.get_by_role("heading", name="Nudge: Book your next session")).to_be_visible()
    expect(page.locator("#nudge-form input[name=mentorships]:checked")).to_have_count(2)
    page.get_by_label("Message").fill("Hello both! It has been a while: could you pick a time for your next talk?")
    shot(page, "compose")
    page.get_by_role("button", name="Send the nudges").click()
    expect(page.get_by_text("4 emails are on their way.")).to_be_visible()
    expect(page.locator("#nudge-log tbody tr")).to_have_count(4)
    shot(page, "sent")

    # Back on the dashboard the two pairs show as nudged this week.
    page.goto(base + f"/programs/{running.pk}/dashboard/")
    expect(page.locator("#quiet-pairs").get_by_text("both")).to_have_count(2)

    # The four emails are in the outbox, with the booking link.
    page.goto(base + "/dev/outbox/")
    letters = page.locator(".outbox-list a", has_text="time for your next session")
    expect(letters).to_have_count(4)
    letters.first.click()
    expect(page.locator(".outbox-body")).to_contain_text("could you pick a time for your next talk?")
    expect(page.locator(".outbox-body")).to_contain_text("/book/")
    shot(page, "outbox")


def test_final_report_of_a_closed_program(page, live_server, running, shot):
    Program.objects.filter(pk=running.pk).update(status=Program.Status.CLOSED)
    base = live_server.url
    _sign_in(page, base, "hr@northwind.example")
    page.goto(base + f"/programs/{running.pk}/report/")
    expect(page.get_by_role("heading", name="2026 Leadership Circle: final report")).to_be_visible()
    with page.expect_download() as download:
        page.locator("a[href*='figure=sessions']").click()
    assert download.value.suggested_filename.endswith(".csv")
    shot(page, "report")


def test_dashboard_pages_have_no_wcag_violations(page, live_server, running):
    _sign_in(page, live_server.url, "hr@northwind.example")
    pk = running.pk
    paths = [
        f"/programs/{pk}/dashboard/", f"/programs/{pk}/report/", f"/programs/{pk}/nudges/",
        f"/programs/{pk}/nudges/?kind=quiet_pair", f"/programs/{pk}/nudges/?kind=profile", "/programs/health/",
    ]  # fmt: skip
    assert _check(page, live_server.url, paths) == {}


def test_dashboard_on_a_phone(browser, live_server, running, shot, settings):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    _sign_in(page, live_server.url, "hr@northwind.example")
    page.goto(live_server.url + f"/programs/{running.pk}/dashboard/")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    shot(page, "phone")
    context.close()
    assert width <= 390
