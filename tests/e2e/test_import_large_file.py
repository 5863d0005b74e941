"""A large CSV in a real browser: the upload returns at once, the page says the file
is being checked and shows the preview by itself (htmx polling) when the worker is
done; the admin confirms and sees the import finish."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.db import connection, transaction
from playwright.sync_api import expect

from mentoring.models import Participant
from mentoring.services import imports as services
from tests.mentoring.test_import import rows_csv


@pytest.fixture
def slow_checker(monkeypatch, settings):
    """Stand-in for the Celery worker: checks the file in a thread after a pause, so the
    browser sees the page before the preview is ready."""
    settings.CSV_IMPORT_INLINE_MAX_BYTES = 1_000
    threads: list[threading.Thread] = []

    def work(job_id: int) -> None:
        try:
            time.sleep(1.5)
            services.import_preview_complete(job_id=job_id)
        finally:
            connection.close()

    def enqueue_check(job) -> None:
        thread = threading.Thread(target=work, args=[job.pk])
        threads.append(thread)
        transaction.on_commit(thread.start)

    monkeypatch.setattr(services, "_enqueue_check", enqueue_check)
    yield
    for thread in threads:
        thread.join(timeout=30)


def test_a_large_file_is_checked_in_the_background_and_the_preview_appears_by_itself(
    page, live_server, shot, hr_admin, program, slow_checker
):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("hr@acme.test")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    page.goto(f"{live_server.url}/programs/{program.pk}/import/")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "cohort.csv", "mimeType": "text/csv", "buffer": rows_csv(60)}]
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Checking the file…")).to_be_visible()
    expect(page.locator("#import-status")).to_have_text("Checking")
    shot(page, "checking")

    expect(page.get_by_role("heading", name="Preview", exact=True)).to_be_visible(timeout=15_000)
    expect(page.locator("#import-status")).to_have_text("Previewed")  # the header's badge follows
    expect(page.get_by_role("status").filter(has_text="No problems found")).to_be_visible()
    shot(page, "preview")
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_role("status").filter(has_text="60 participants created")).to_be_visible()
    assert Participant.objects.filter(program=program).count() == 60
