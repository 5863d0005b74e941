"""Reads shared by matching views, the API, tasks and the command.

``match_input_for_program`` is the one loader that turns a program's people into
engine ``Person``s. Who takes part (documented in docs/guide-matching.md):

* mentees and mentors whose participant status is **active** (they accepted the
  invitation); invited, declined and removed people are left out;
* mentees who already have an active mentorship in the program are left out;
* a mentor's capacity for the run is their effective capacity (their own, else
  the program default) minus their active mentorships.

Pins and forbids (``PairRule``) apply when both people take part. Shared working
hours are computed over the program's dates. A profile field left empty reaches
the engine as unknown (working hours need a time zone, a start, an end and at
least one working day), never as a guessed default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from matching.engine import DEFAULT_QUESTION_RULE, DEFAULT_QUESTION_WEIGHT, MatchInput, Period, Person, Rules, Weights
from matching.models import MatchProposal, MatchRun, PairRule, Suggestion, UnmatchedMentee
from mentoring.models import Mentorship, Participant, Program, effective_capacity

COMPONENTS = ("goals", "skills", "hours", "languages", "seniority", "department")
# The defaults live in the engine's dataclasses; pages, the API and runs all read them from there.
DEFAULT_WEIGHTS: dict[str, float] = {c: float(getattr(Weights(), c)) for c in COMPONENTS}
DEFAULT_RULES: dict[str, Any] = {
    key: getattr(Rules(), key) for key in ("min_score", "seniority_gap", "department", "min_shared_hours")
}
QUESTION_PREFIX = "q:"


def question_weight(weights: Mapping[str, Any], key: str) -> float:
    """The weight runs give a program question (``DEFAULT_QUESTION_WEIGHT`` when none is set)."""
    return float(weights.get(f"{QUESTION_PREFIX}{key}", DEFAULT_QUESTION_WEIGHT))


def question_rule(rules: Mapping[str, Any], key: str) -> str:
    return str(rules.get(f"{QUESTION_PREFIX}{key}", DEFAULT_QUESTION_RULE))


def program_weights(program: Program) -> dict[str, float]:
    return DEFAULT_WEIGHTS | dict(program.weights or {})


def program_rules(program: Program) -> dict[str, Any]:
    return DEFAULT_RULES | dict(program.rules or {})


def engine_weights(weights: Mapping[str, Any]) -> Weights:
    w = DEFAULT_WEIGHTS | dict(weights)
    return Weights(
        **{c: float(w[c]) for c in COMPONENTS},
        questions={k[len(QUESTION_PREFIX) :]: float(v) for k, v in w.items() if k.startswith(QUESTION_PREFIX)},
    )


def engine_rules(rules: Mapping[str, Any]) -> Rules:
    r = DEFAULT_RULES | dict(rules)
    return Rules(
        min_score=float(r["min_score"]),
        seniority_gap=int(r["seniority_gap"]),
        department=r["department"],
        min_shared_hours=float(r["min_shared_hours"]),
        questions={k[len(QUESTION_PREFIX) :]: v for k, v in r.items() if k.startswith(QUESTION_PREFIX)},
    )


def _minutes(t: dt.time | None) -> int | None:
    return t.hour * 60 + t.minute if t is not None else None


def _answers(raw: Mapping[str, Any] | None) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for key, value in (raw or {}).items():
        if isinstance(value, list | tuple):
            out[key] = tuple(str(v) for v in value if v not in (None, ""))
        elif value not in (None, ""):
            out[key] = (str(value),)
    return out


_PERSON_FIELDS = (
    "pk", "email", "full_name", "role", "capacity", "languages", "timezone", "work_start", "work_end",
    "work_days", "seniority", "department", "manager_email", "goals", "expertise", "skills_wanted",
    "skills_offered", "answers",
)  # fmt: skip


def _person(row: dict[str, Any], capacity: int) -> Person:
    mentee = row["role"] == Participant.Role.MENTEE
    return Person(
        id=row["pk"],
        email=row["email"],
        name=row["full_name"] or row["email"],
        languages=tuple(row["languages"] or ()),
        timezone=row["timezone"] or "",  # empty: hours unknown, never guessed as UTC
        work_start=_minutes(row["work_start"]),
        work_end=_minutes(row["work_end"]),
        work_days=tuple(row["work_days"] or ()),
        seniority=row["seniority"],
        department=row["department"] or "",
        manager_email=row["manager_email"] or "",
        text=(row["goals"] if mentee else row["expertise"]) or "",
        skills=tuple((row["skills_wanted"] if mentee else row["skills_offered"]) or ()),
        answers=_answers(row["answers"]),
        capacity=capacity,
    )


@dataclass(frozen=True)
class LoadedInput:
    input: MatchInput
    mentor_remaining: dict[int, int]  # mentor participant id -> free slots before this run


def match_input_for_program(
    program: Program, *, weights: Mapping[str, Any], rules: Mapping[str, Any], with_pair_rules: bool = True
) -> LoadedInput:
    """Build the engine input in four queries, with ``.values()`` (no model instances)."""
    matched = set(
        Mentorship.objects.filter(program=program, status=Mentorship.Status.ACTIVE).values_list("mentee_id", flat=True)
    )
    busy = dict(
        Mentorship.objects.filter(program=program, status=Mentorship.Status.ACTIVE)
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    rows = Participant.objects.filter(program=program, status=Participant.Status.ACTIVE).order_by("pk")
    mentees: list[Person] = []
    mentors: list[Person] = []
    remaining: dict[int, int] = {}
    for row in rows.values(*_PERSON_FIELDS):
        if row["role"] == Participant.Role.MENTOR:
            cap = effective_capacity(row["capacity"], program.default_capacity)
            remaining[row["pk"]] = max(cap - busy.get(row["pk"], 0), 0)
            mentors.append(_person(row, remaining[row["pk"]]))
        elif row["pk"] not in matched:
            mentees.append(_person(row, 1))
    pinned: set[tuple[int, int]] = set()
    forbidden: set[tuple[int, int]] = set()
    if with_pair_rules:
        mentee_ids = {p.id for p in mentees}
        for mentee_id, mentor_id, kind in PairRule.objects.filter(program=program).values_list(
            "mentee_id", "mentor_id", "kind"
        ):
            if mentee_id in mentee_ids and mentor_id in remaining:
                (pinned if kind == PairRule.Kind.PIN else forbidden).add((mentee_id, mentor_id))
    return LoadedInput(
        input=MatchInput(
            mentees=mentees,
            mentors=mentors,
            weights=engine_weights(weights),
            rules=engine_rules(rules),
            pinned=frozenset(pinned),
            forbidden=frozenset(forbidden),
            period=Period(program.start_date, program.end_date),
        ),
        mentor_remaining=remaining,
    )


# --- runs and proposals --------------------------------------------------------------

PROPOSAL_SORTS = {
    "score": ("score", "pk"),
    "-score": ("-score", "pk"),
    "mentee": ("mentee__full_name", "mentee__email", "pk"),
    "mentor": ("mentor__full_name", "mentor__email", "pk"),
}


def pair_rules_for_program(program: Program) -> QuerySet[PairRule]:
    """The program's pinned and forbidden pairs, with their people, newest first."""
    return (
        PairRule.objects.filter(program=program)
        .select_related("mentee", "mentor", "created_by")
        .order_by("kind", "-created_at", "-pk")
    )


def match_runs_for_program(program: Program) -> QuerySet[MatchRun]:
    return MatchRun.objects.filter(program=program).select_related("created_by").order_by("-created_at", "-pk")


def match_run_queryset() -> QuerySet[MatchRun]:
    return MatchRun.objects.select_related("program", "created_by")


def proposals_for_run(
    run: MatchRun, *, sort: str = "-score", min_score: float | None = None, search: str = ""
) -> QuerySet[MatchProposal]:
    qs = MatchProposal.objects.filter(run=run).select_related("mentee__user", "mentor__user")
    if min_score is not None:
        qs = qs.filter(score__gte=min_score)
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(mentee__full_name__icontains=search)
            | Q(mentee__email__icontains=search)
            | Q(mentor__full_name__icontains=search)
            | Q(mentor__email__icontains=search)
        )
    return qs.order_by(*PROPOSAL_SORTS.get(sort, PROPOSAL_SORTS["-score"]))


def unmatched_for_run(run: MatchRun) -> QuerySet[UnmatchedMentee]:
    return UnmatchedMentee.objects.filter(run=run).select_related("mentee__user").order_by("mentee__full_name", "pk")


def mentor_load_in_run(run: MatchRun) -> dict[int, int]:
    """Proposals per mentor in this run."""
    return dict(
        MatchProposal.objects.filter(run=run).values("mentor_id").annotate(n=Count("pk")).values_list("mentor_id", "n")
    )


@dataclass(frozen=True)
class RunComparison:
    a: MatchRun
    b: MatchRun
    changed: list[dict[str, Any]]  # mentee, mentor in a, mentor in b, scores
    same: int
    only_a: int
    only_b: int


def match_runs_compare(a: MatchRun, b: MatchRun) -> RunComparison:
    """Pairs whose mentor differs between two runs of one program."""
    pairs_a = {
        r["mentee_id"]: r
        for r in MatchProposal.objects.filter(run=a).values(
            "mentee_id", "mentor_id", "score", mentee_name=F("mentee__full_name"), mentor_name=F("mentor__full_name")
        )
    }
    pairs_b = {
        r["mentee_id"]: r
        for r in MatchProposal.objects.filter(run=b).values(
            "mentee_id", "mentor_id", "score", mentee_name=F("mentee__full_name"), mentor_name=F("mentor__full_name")
        )
    }
    changed: list[dict[str, Any]] = []
    same = 0
    for mentee_id in sorted(pairs_a.keys() | pairs_b.keys()):
        pa, pb = pairs_a.get(mentee_id), pairs_b.get(mentee_id)
        if pa and pb and pa["mentor_id"] == pb["mentor_id"]:
            same += 1
            continue
        changed.append(
            {
                "mentee_id": mentee_id,
                "mentee": (pa or pb)["mentee_name"],
                "mentor_a": pa["mentor_name"] if pa else None,
                "score_a": pa["score"] if pa else None,
                "mentor_b": pb["mentor_name"] if pb else None,
                "score_b": pb["score"] if pb else None,
            }
        )
    return RunComparison(
        a=a,
        b=b,
        changed=changed,
        same=same,
        only_a=len(pairs_a.keys() - pairs_b.keys()),
        only_b=len(pairs_b.keys() - pairs_a.keys()),
    )


# --- suggestions ---------------------------------------------------------------------


def suggestions_for_mentee(participant: Participant) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(mentee=participant).select_related("mentor__user").order_by("rank")


def mentee_participations(user, organization) -> QuerySet[Participant]:
    return (
        Participant.objects.for_organization(organization)
        .filter(user=user, role=Participant.Role.MENTEE, status=Participant.Status.ACTIVE)
        .select_related("program")
        .order_by("program__name", "pk")
    )


def active_mentorships_by_mentee(participants: list[Participant]) -> dict[int, Mentorship]:
    rows = Mentorship.objects.filter(mentee__in=participants, status=Mentorship.Status.ACTIVE).select_related(
        "mentor__user"
    )
    return {m.mentee_id: m for m in rows}
