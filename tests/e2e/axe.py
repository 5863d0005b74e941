"""axe-core for the accessibility checks, loaded into pages that run under the site's
Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


def inject_axe(page) -> None:
    """Define ``window.axe`` in the page. Through the DevTools protocol, which the page's
    CSP does not govern: an added <script> element would be refused like any inline script."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
