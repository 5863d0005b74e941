"""Profile rules shared by forms, the CSV import and the API: skill tags,
languages, and the completeness figure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mentoring.models import Participant, Question

_SPACES = re.compile(r"\s+")


def skill_slug(value: str) -> str:
    """The folded form two spellings of one skill share: ' Public  Speaking' -> 'public speaking'."""
    return _SPACES.sub(" ", value).strip().casefold()


def normalize_tags(values: Iterable[str], known: Mapping[str, str] | None = None) -> list[str]:
    """Clean, de-duplicated tags in input order. A tag the organization already lists
    takes that spelling; a new one keeps the person's spelling, with spaces folded."""
    known = known or {}
    seen: set[str] = set()
    result: list[str] = []
    for raw in values:
        slug = skill_slug(raw)
        if not slug or slug in seen:
            continue
        seen.add(slug)
        result.append(known.get(slug) or _SPACES.sub(" ", raw).strip())
    return result


def split_list(value: str) -> list[str]:
    """Split a cell or field like 'SQL; public speaking, Hiring' into items."""
    return [part.strip() for part in re.split(r"[;,|\n]", value or "") if part.strip()]


def normalize_languages(values: Iterable[str]) -> list[str]:
    return normalize_tags(v.casefold() for v in values)


def _filled(value: object) -> bool:
    return value not in (None, "", [], {})


def profile_completeness(participant: Participant, *, questions: Sequence[Question]) -> int:
    """Percent of the profile a person has filled in, over the fields that matter for
    their role and the program's *required* questions that apply to them.

    Optional questions never count: leaving one blank is a valid answer, so it must not
    keep anyone below 100 % (nor the program's "Profiles complete" at 0). Migration
    mentoring 0003 recomputed the stored figures with this rule; question changes
    recompute them through ``program_recompute_completeness``."""
    p = participant
    checks = [
        p.full_name,
        p.job_title,
        p.department,
        p.seniority,
        p.timezone,
        p.languages,
        p.work_start and p.work_end,
    ]
    if p.role == "mentee":
        checks += [p.goals, p.skills_wanted]
    else:
        checks += [p.expertise, p.skills_offered]
    checks += [p.answers.get(q.key) for q in questions if q.required and q.applies_to(p.role)]
    return round(100 * sum(_filled(c) for c in checks) / len(checks))
