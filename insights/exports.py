"""CSV downloads of the dashboard's figures: the same numbers as its charts and tables."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.utils import timezone

from insights.selectors import Dashboard


def _funnel(d: Dashboard) -> list[list]:
    rows = [["step", "mentors", "mentees", "total", "conversion_from_previous_pct"]]
    rows += [[s.label, s.mentors, s.mentees, s.total, "" if s.conversion is None else s.conversion] for s in d.funnel]
    return rows


def _sessions(d: Dashboard) -> list[list]:
    rows = [["week_starting", "held", "cancelled", "no_show", "scheduled"]]
    rows += [[w.week.isoformat(), w.held, w.cancelled, w.no_show, w.scheduled] for w in d.weeks]
    return rows


def _scores(d: Dashboard) -> list[list]:
    return [["score_from", "score_to", "pairs"], *([b.low, b.high, b.count] for b in d.scores)]


def _ratings(d: Dashboard) -> list[list]:
    rows = [["week_starting", "average_rating", "ratings"]]
    rows += [[r.week.isoformat(), "" if r.average is None else r.average, r.count] for r in d.ratings]
    return rows


def _requests(d: Dashboard) -> list[list]:
    r = d.requests
    return [
        ["figure", "value"],
        ["pending", r.pending],
        ["oldest_pending_since", r.oldest_pending_at.isoformat() if r.oldest_pending_at else ""],
        ["accepted", r.accepted],
        ["declined", r.declined],
        ["expired", r.expired],
        ["acceptance_rate_pct", "" if r.acceptance_rate is None else r.acceptance_rate],
        ["median_hours_to_answer", "" if r.median_answer_hours is None else r.median_answer_hours],
    ]


def _quiet(d: Dashboard) -> list[list]:
    rows = [["mentor", "mentee", "paired_since", "last_activity", "quiet_days", "last_session_held"]]
    for m in d.quiet:
        rows.append(
            [
                m.mentor.display_name,
                m.mentee.display_name,
                timezone.localtime(m.created_at, d.period.zone).date().isoformat(),
                timezone.localtime(m.last_activity, d.period.zone).isoformat(timespec="minutes"),
                (d.now - m.last_activity).days,
                timezone.localtime(m.last_held, d.period.zone).date().isoformat() if m.last_held else "",
            ]
        )
    return rows


FIGURES: dict[str, Callable[[Dashboard], list[list]]] = {
    "funnel": _funnel,
    "sessions": _sessions,
    "scores": _scores,
    "ratings": _ratings,
    "requests": _requests,
    "quiet": _quiet,
}


def figure_csv(d: Dashboard, figure: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in FIGURES[figure](d):
        # A cell starting with = + - @ is a formula to spreadsheets; names come from people.
        writer.writerow([f"'{c}" if isinstance(c, str) and c[:1] in "=+-@" else c for c in row])
    return out.getvalue()
