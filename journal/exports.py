"""The closing survey as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from journal.models import SurveyAnswer
from mentoring.exports import csv_safe

COLUMNS = ["email", "name", "role", "emailed_at", "answered_at", "rating", "what_changed"]


class _Echo:
    def write(self, value: str) -> str:
        return value


def survey_csv(answers: Iterable[SurveyAnswer]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    for a in answers:
        p = a.participant
        row = [
            p.email,
            p.full_name,
            p.role,
            a.emailed_at.isoformat() if a.emailed_at else "",
            a.answered_at.isoformat() if a.answered_at else "",
            a.rating if a.rating is not None else "",
            a.what_changed,
        ]
        yield writer.writerow([csv_safe(v) for v in row])
