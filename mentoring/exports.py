"""CSV exports, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from mentoring.models import Participant

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a cell that starts with
    = + - @ tab or CR gets a leading apostrophe, so it is shown as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


PARTICIPANT_COLUMNS = [
    ("email", "email"), ("role", "role"), ("full_name", "full_name"), ("status", "status"),
    ("invitation_status", "invitation"), ("completeness", "completeness"), ("job_title", "job_title"),
    ("department", "department"), ("manager_email", "manager_email"), ("seniority", "seniority"),
    ("location", "location"), ("timezone", "timezone"), ("languages", "languages"), ("goals", "goals"),
    ("skills_wanted", "skills_wanted"), ("expertise", "expertise"), ("skills_offered", "skills_offered"),
    ("capacity", "capacity"),
]  # fmt: skip


class _Echo:
    def write(self, value: str) -> str:
        return value


def participants_csv(participants: Iterable[Participant]) -> Iterator[str]:
    """Stream the participants table as CSV lines (header first)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([header for _, header in PARTICIPANT_COLUMNS])
    for p in participants:
        row = []
        for attr, _ in PARTICIPANT_COLUMNS:
            value = getattr(p, attr, "")
            if isinstance(value, list):
                value = "; ".join(value)
            row.append(csv_safe(value))
        yield writer.writerow(row)
