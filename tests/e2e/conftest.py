"""Playwright on Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between clicks are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_errors() -> list[str]:
    """What the page's console reported against the Content-Security-Policy, and uncaught errors."""
    return []


@pytest.fixture
def page(browser, settings, tmp_path, live_server, page_errors):
    """A fresh browser context in Lisbon's time zone, with emails going to the outbox page."""
    settings.EMAIL_BACKEND = "turazo.core.outbox.OutboxBackend"
    settings.OUTBOX_DIR = tmp_path / "outbox"
    settings.SITE_URL = live_server.url
    settings.CELERY_TASK_ALWAYS_EAGER = True
    context = browser.new_context(timezone_id="Europe/Lisbon", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    # Every page runs under the site's Content-Security-Policy: anything it refuses
    # (an inline script or handler, a <style>, a foreign origin) fails the test.
    page.on("console", lambda m: page_errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: page_errors.append(f"uncaught: {e}"))
    yield page
    context.close()
    assert page_errors == [], "The page broke under the Content-Security-Policy or raised:\n" + "\n".join(page_errors)


@pytest.fixture
def shot(request):
    """shot(page, "name") saves tests/e2e/screenshots/<test>-<n>-<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    counter = iter(range(1, 100))

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{next(counter):02d}-{name}.png"
        # Charts grow into place over a second: shoot them drawn, not half-way.
        page.wait_for_function(
            "() => !window.Chart || Object.values(Chart.instances).every(c => !Chart.animator.running(c))"
        )
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
