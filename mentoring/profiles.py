"""The rules of a participant profile, written once: the CSV import
(``mentoring/csv_import.py``), the profile service behind the page and the API
(``mentoring/services/profiles.py``), the form and the API serializer all read them.

What a profile holds (``FIELDS``, who fills in what), the limits (``TEXT_LIMITS``,
``CAPACITY_MIN``..``CAPACITY_MAX``, seniority levels, answers, skills), the time-zone
lookup, how answers to choice questions are matched, skill tags, languages and the
completeness figure. Each caller phrases its own messages (a CSV problem names the
cell, the page the field), but the rule itself lives here only.

Capacity: a mentor takes 1 to 20 mentees (empty: the program's default). The CSV
import used to allow 50 while the profile allowed 20, so an imported capacity of 35
could never be saved again; the user guides state the one limit.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING

from django.utils import dates
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from mentoring.models import Participant, Question

# The profile fields, in the order the CSV template, the export and the form use.
FIELDS = (
    "full_name",
    "job_title",
    "department",
    "manager_email",
    "seniority",
    "location",
    "timezone",
    "languages",
    "work_start",
    "work_end",
    "work_days",
    "goals",
    "skills_wanted",
    "expertise",
    "skills_offered",
    "capacity",
)
MENTOR_ONLY = ("expertise", "skills_offered", "capacity")
MENTEE_ONLY = ("goals", "skills_wanted")

LONG_TEXT_MAX = 4000
TEXT_LIMITS = {
    "full_name": 150,
    "job_title": 150,
    "department": 100,
    "location": 100,
    "goals": LONG_TEXT_MAX,
    "expertise": LONG_TEXT_MAX,
}
EMAIL_MAX = 254
SENIORITY_LEVELS = {
    1: _("1 · Junior"),
    2: _("2 · Intermediate"),
    3: _("3 · Senior"),
    4: _("4 · Lead / principal"),
    5: _("5 · Manager / director"),
    6: _("6 · Executive"),
}
CAPACITY_MIN = 1
CAPACITY_MAX = 20
ANSWER_MAX = 500
TAGS_MAX = 20
TAG_LENGTH_MAX = 60
LANGUAGE_LENGTH_MAX = 40
WEEKDAYS = tuple(dates.WEEKDAYS[day] for day in range(7))  # Monday first, in the active language


def capacity_allowed(value: int) -> bool:
    return CAPACITY_MIN <= value <= CAPACITY_MAX


def seniority_allowed(value: int) -> bool:
    return value in SENIORITY_LEVELS


# --- Time zones ----------------------------------------------------------------------------


@cache
def timezones_by_folded_name() -> dict[str, str]:
    """Every IANA zone name, keyed by its case-folded spelling."""
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def timezone_names() -> list[str]:
    return sorted(timezones_by_folded_name().values())


def find_timezone(value: str) -> str | None:
    """The IANA name ``value`` spells (any case, surrounding spaces ignored), or None."""
    return timezones_by_folded_name().get((value or "").strip().casefold())


# --- Answers to program questions ---------------------------------------------------------------


class NotAChoice(ValueError):
    """An answer that is not one of the question's choices (``value`` as given)."""

    def __init__(self, value: str):
        super().__init__(value)
        self.value = value


def choice_answers(question: Question, values: Iterable[str]) -> list[str]:
    """``values`` (already split and stripped) as the question's own spellings of its
    choices, matched without case, duplicates dropped, in the order given; NotAChoice
    for the first value that is no choice."""
    canonical = {str(c).casefold(): str(c) for c in question.choices}
    picked: list[str] = []
    for value in values:
        choice = canonical.get(value.casefold())
        if choice is None:
            raise NotAChoice(value)
        if choice not in picked:
            picked.append(choice)
    return picked


# --- Skills and languages ----------------------------------------------------------------------

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
