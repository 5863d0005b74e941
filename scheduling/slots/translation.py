"""Translating the slot calculator's and the calendar writer's sentences without importing Django.

The calculator (why a start time cannot be booked) and ``scheduling/ics.py`` (the event's
description) write English through ``_`` below, which ``makemessages`` extracts like any
other gettext call. The scheduling app hands in Django's ``gettext`` and ``ngettext`` when it
starts (``scheduling/apps.py``), so the sentences come out in the active language; scripts
and benchmarks that run them alone get the English source.
"""

from __future__ import annotations

from collections.abc import Callable

_gettext: Callable[[str], str] = lambda message: message  # noqa: E731
_ngettext: Callable[[str, str, int], str] = lambda singular, plural, n: singular if n == 1 else plural  # noqa: E731


def use_translation(*, gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str]) -> None:
    global _gettext, _ngettext
    _gettext, _ngettext = gettext, ngettext


def _(message: str) -> str:
    return _gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _ngettext(singular, plural, n)


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogue where it is defined; ``_`` translates it where used."""
    return message
