"""Plain data types of the matching engine (no Django, no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

DepartmentRule = Literal["different", "same", "ignore"]
QuestionRule = Literal["same", "different"]
Algorithm = Literal["optimal", "stable", "suggestions", "optimal_dense"]

UNMATCHED_CODES = ("no_mentors", "no_language", "all_forbidden", "below_min_score", "capacity")


@dataclass(frozen=True, slots=True)
class Person:
    """A mentee or a mentor as seen by the engine.

    ``work_end <= work_start`` means the working day crosses local midnight.
    ``capacity`` is only read for mentors (remaining slots for this run).
    """

    id: int
    email: str
    name: str = ""
    languages: tuple[str, ...] = ()
    timezone: str = "UTC"
    work_start: int = 540
    work_end: int = 1020
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
    """Relative weight of each score component; components with weight <= 0 are left out."""

    goals: float = 1.0
    skills: float = 1.0
    hours: float = 1.0
    seniority: float = 0.5
    department: float = 0.5
    questions: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Rules:
    """Hard rules and preferences of a program.

    ``min_score`` (0..100) is hard. ``min_shared_hours`` is hard only when > 0
    (hours per working day of the mentee, see ``hours.py``); otherwise shared
    hours only feed the soft ``hours`` component.
    """

    min_score: float = 0.0
    seniority_gap: int = 1
    department: DepartmentRule = "different"
    questions: Mapping[str, QuestionRule] = field(default_factory=dict)
    min_shared_hours: float = 0.0


@dataclass(frozen=True)
class MatchInput:
    """Everything a run needs. Pairs are ``(mentee_id, mentor_id)``."""

    mentees: Sequence[Person]
    mentors: Sequence[Person]
    weights: Weights = field(default_factory=Weights)
    rules: Rules = field(default_factory=Rules)
    pinned: frozenset[tuple[int, int]] = frozenset()
    forbidden: frozenset[tuple[int, int]] = frozenset()


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
