"""Plain data types of the matching engine (no Django, no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

DepartmentRule = Literal["different", "same", "ignore"]
QuestionRule = Literal["same", "different"]
Algorithm = Literal["optimal", "stable", "suggestions", "optimal_dense"]

UNMATCHED_CODES = ("no_mentors", "no_language", "all_forbidden", "below_min_score", "capacity")

# The one place the defaults of program questions live: the Django settings form,
# the API and the engine all read these (a question without a weight does not count).
DEFAULT_QUESTION_WEIGHT = 0.0
DEFAULT_QUESTION_RULE: QuestionRule = "same"


@dataclass(frozen=True, slots=True)
class Person:
    """A mentee or a mentor as seen by the engine.

    ``work_end <= work_start`` means the working day crosses local midnight.
    Working hours are *unknown* when ``timezone`` is empty (or not a zone
    zoneinfo knows), ``work_start`` or ``work_end`` is None, or no weekday is
    given; unknown hours share 0 h with everyone. Any other empty field
    (``text``, ``skills``, ``languages``, ``seniority``, ``department``, an
    answer) is unknown too: it scores 0 in its component, never more than a
    filled value (see ``scoring.py``).
    ``capacity`` is only read for mentors (remaining slots for this run).
    """

    id: int
    email: str
    name: str = ""
    languages: tuple[str, ...] = ()
    timezone: str = "UTC"
    work_start: int | None = 540
    work_end: int | None = 1020
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    seniority: int | None = None
    department: str = ""
    manager_email: str = ""
    text: str = ""
    skills: tuple[str, ...] = ()
    answers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    capacity: int = 1


@dataclass(frozen=True)
class Weights:
    """Relative weight of each score component; components with weight <= 0 are left out.

    These defaults are the program defaults (the Django side reads them from here).
    ``languages`` only separates a known shared language from an unknown one (the
    hard rule already ensures a shared language wherever both lists are known), so
    its default is small: enough to rank a known match above an unknown one,
    without adding a near-constant to almost every pair, which would flatten the
    other components (and measurably slows the certification of the optimum).
    ``questions`` maps a question key to its weight; a key that is absent weighs
    ``DEFAULT_QUESTION_WEIGHT``.
    """

    goals: float = 1.0
    skills: float = 1.0
    hours: float = 1.0
    languages: float = 0.25
    seniority: float = 0.5
    department: float = 0.5
    questions: Mapping[str, float] = field(default_factory=dict)

    def question(self, key: str) -> float:
        return float(self.questions.get(key, DEFAULT_QUESTION_WEIGHT))


@dataclass(frozen=True)
class Rules:
    """Thresholds and preferences of a program.

    The two thresholds decide which pairs a run may *propose*: ``min_score``
    (0..100) and, when > 0, ``min_shared_hours`` (hours per working day of the
    mentee in the program's leanest week, see ``hours.py``; at 0 shared hours
    only feed the soft ``hours`` component). Both apply the same way to pinned
    pairs: an organiser's pin is kept even below them, and its details say so
    (``below_min_score`` / ``below_min_shared_hours``). Hard rules (language,
    manager, same person, forbidden, capacity) hold for pins too.
    ``questions`` maps a question key to "same" or "different"; an absent key
    means ``DEFAULT_QUESTION_RULE``.
    """

    min_score: float = 0.0
    seniority_gap: int = 1
    department: DepartmentRule = "different"
    questions: Mapping[str, QuestionRule] = field(default_factory=dict)
    min_shared_hours: float = 0.0

    def question(self, key: str) -> QuestionRule:
        return self.questions.get(key, DEFAULT_QUESTION_RULE)


@dataclass(frozen=True)
class Period:
    """The program's first and last day (inclusive): shared working hours are
    computed over its weeks, so daylight-saving changes inside it count."""

    start: date
    end: date


@dataclass(frozen=True)
class MatchInput:
    """Everything a run needs. Pairs are ``(mentee_id, mentor_id)``.

    ``period`` None means one fixed reference week (see ``hours.py``), for
    callers without program dates (tests, benchmarks).
    """

    mentees: Sequence[Person]
    mentors: Sequence[Person]
    weights: Weights = field(default_factory=Weights)
    rules: Rules = field(default_factory=Rules)
    pinned: frozenset[tuple[int, int]] = frozenset()
    forbidden: frozenset[tuple[int, int]] = frozenset()
    period: Period | None = None


@dataclass(frozen=True)
class Proposal:
    """One proposed mentee/mentor pair with its explanation facts."""

    mentee_id: int
    mentor_id: int
    score: float
    components: dict[str, float]
    details: dict[str, Any]
    pinned: bool = False


@dataclass(frozen=True)
class Unmatched:
    """A mentee left without a mentor, with the first reason that applies."""

    mentee_id: int
    code: str
    reason: str
    details: dict[str, Any]


@dataclass
class MatchResult:
    algorithm: str
    proposals: list[Proposal]
    unmatched: list[Unmatched]
    suggestions: dict[int, list[Proposal]]
    stats: dict[str, Any]
    timings: dict[str, float]


class MatchCancelled(Exception):
    """Raised when ``should_cancel()`` returned True between two chunks."""


class InvalidInput(ValueError):
    """The input cannot be matched as given (e.g. a pinned pair breaks a hard rule)."""
