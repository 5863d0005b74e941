"""Small rules every outgoing email follows."""

from __future__ import annotations


def subject_line(text: str) -> str:
    """An email subject on one line: names typed with line breaks (a CSV cell can hold
    them) would otherwise make Django refuse the header and abort the whole batch."""
    return " ".join(text.split())[:200]
