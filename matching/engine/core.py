"""``run()`` and ``score_pairs()``: glue between scoring, solvers and explanations."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import assign
from .explain import unmatched_reasons
from .scoring import Scorer
from .stable import deferred_acceptance
from .translation import _
from .types import (
    Algorithm,
    InvalidInput,
    MatchCancelled,
    MatchInput,
    MatchResult,
    Proposal,
    Unmatched,
)

DEFAULT_K = 40  # candidate mentors per mentee for "optimal"; exactness does not depend on it
STABLE_FIRST = 20  # initial preference-list length for "stable" (extended lazily)
ALGORITHMS = ("optimal", "stable", "suggestions", "optimal_dense")


class _Stage:
    """Progress reporting + cancellation polling, called between chunks."""

    def __init__(
        self,
        progress: Callable[[str, float], None] | None,
        should_cancel: Callable[[], bool] | None,
    ) -> None:
        self.progress = progress
        self.should_cancel = should_cancel
        self.name = ""
        self.done = 0
        self.total = 1

    def start(self, name: str, total: int = 1) -> None:
        self.name, self.done, self.total = name, 0, max(total, 1)
        self.report(0.0)

    def report(self, frac: float) -> None:
        self.poll()
        if self.progress is not None:
            self.progress(self.name, min(max(frac, 0.0), 1.0))

    def poll(self) -> None:
        if self.should_cancel is not None and self.should_cancel():
            raise MatchCancelled(f"cancelled during {self.name or 'setup'}")

    def tick(self) -> None:
        self.done += 1
        # fraction can exceed the estimate during certification passes; keep it < 1 until done
        self.report(min(self.done / self.total, 0.99))


def _pins(scorer: Scorer) -> list[tuple[int, int]]:
    """Validate pinned pairs; returns (mentee index, mentor index) sorted.

    Hard rules (language, manager, same person, forbidden, capacity) hold for
    pins. The two thresholds (``min_score``, ``min_shared_hours``) do not: a pin
    is an organiser's decision and is kept below either one, with the details
    saying so (see ``Rules``).
    """
    out: list[tuple[int, int]] = []
    seen: dict[int, int] = {}
    load: dict[int, int] = {}
    for me_id, mo_id in sorted(scorer.inp.pinned):
        i, j = scorer.mentee_pos.get(me_id), scorer.mentor_pos.get(mo_id)
        if i is None:
            raise InvalidInput(f"pinned pair ({me_id}, {mo_id}): unknown mentee id {me_id}")
        if j is None:
            raise InvalidInput(f"pinned pair ({me_id}, {mo_id}): unknown mentor id {mo_id}")
        me, mo = scorer.mentees[i], scorer.mentors[j]
        pair = {"mentee": me.email, "mentor": mo.email}
        if me_id in seen:
            other = scorer.mentors[seen[me_id]].email
            raise InvalidInput(_("%(mentee)s is pinned twice (to %(other)s and %(mentor)s)") % {**pair, "other": other})
        lang, not_excl, _hours = scorer.hard_ok(i)
        if not lang[j]:
            raise InvalidInput(_("pinned pair %(mentee)s -> %(mentor)s breaks a hard rule: no shared language") % pair)
        if not not_excl[j]:
            why = scorer.excl_reason.get((i, j), "forbidden")
            text = {"manager": _("the mentor is the mentee's manager"), "self": _("same person")}.get(
                why, _("the pair is forbidden")
            )
            raise InvalidInput(
                _("pinned pair %(mentee)s -> %(mentor)s breaks a hard rule: %(rule)s") % {**pair, "rule": text}
            )
        seen[me_id] = j
        load[j] = load.get(j, 0) + 1
        if load[j] > scorer.capacity[j]:
            raise InvalidInput(
                _("%(mentor)s has %(count)s pinned mentees but capacity %(capacity)s")
                % {"mentor": mo.email, "count": load[j], "capacity": int(scorer.capacity[j])}
            )
        out.append((i, j))
    return out


def _proposals(scorer: Scorer, ii: np.ndarray, jj: np.ndarray, centi: np.ndarray, pinned: bool) -> list[Proposal]:
    info = scorer.pair_info(ii, jj)
    for c, (_pair, det) in zip(centi.tolist(), info, strict=True):
        if 0 <= c < scorer.min_centi:  # only pins and threshold-free look-ups get here
            det["below_min_score"] = float(scorer.rules.min_score)
    return [
        Proposal(
            mentee_id=int(scorer.mentee_ids[i]),
            mentor_id=int(scorer.mentor_ids[j]),
            score=round(int(c) / 100, 2),
            components=comps,
            details=det,
            pinned=pinned,
        )
        for i, j, c, (comps, det) in zip(ii.tolist(), jj.tolist(), centi.tolist(), info, strict=True)
    ]


def score_stats(scores: list[float], *, unmatched: int) -> dict[str, Any]:
    """A run's statistics: counts, total/mean/min/max score and the histogram (ten
    10-point buckets, 100 in the last). The one definition, for the engine's result and
    for a run an organiser changed by hand."""
    hist = [0] * 10
    for s in scores:
        hist[min(int(s // 10), 9)] += 1
    total = round(sum(scores), 2)
    return {
        "matched": len(scores),
        "unmatched": unmatched,
        "total_score": total,
        "mean_score": round(total / len(scores), 2) if scores else 0.0,
        "min_score": min(scores) if scores else 0.0,
        "max_score": max(scores) if scores else 0.0,
        "histogram": hist,
    }


def _stats(proposals: list[Proposal], unmatched: list[Unmatched]) -> dict[str, Any]:
    return score_stats([p.score for p in proposals], unmatched=len(unmatched))


@dataclass
class _Problem:
    """A program prepared for assignment: pins set aside, who is left to match to whom."""

    scorer: Scorer
    pins: list[tuple[int, int]]
    residual: np.ndarray  # places left per mentor after the pins
    rows: np.ndarray  # mentees to match (not pinned)
    cols: np.ndarray  # mentors with a place left
    cap: np.ndarray  # their places
    n_chunks: int  # scoring blocks, for progress


@dataclass
class _Assignment:
    match: np.ndarray  # per row: index into cols, or -1
    centi: np.ndarray  # per row: score of its pair
    suggestions: dict[int, list[Proposal]]
    extra: dict[str, Any]  # solver statistics


def run(
    inp: MatchInput,
    *,
    algorithm: Algorithm,
    k: int = 10,
    progress: Callable[[str, float], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> MatchResult:
    """Match a program. See the package docstring for the algorithms.

    ``k`` is the number of suggestions per mentee (``"suggestions"`` only).
    Deterministic: same input, same output.
    """
    if algorithm not in ALGORITHMS:
        raise InvalidInput(f"unknown algorithm {algorithm!r}")
    timings: dict[str, float] = {}
    stage = _Stage(progress, should_cancel)
    t0 = time.perf_counter()
    stage.poll()
    problem = _prepare(inp)
    timings["prepare"] = time.perf_counter() - t0

    stage.start("scoring", problem.n_chunks)
    if algorithm == "suggestions":
        assignment = _suggest(problem, k, stage, timings)
    elif algorithm in ("optimal", "optimal_dense"):
        assignment = _assign_optimal(problem, algorithm, stage, timings)
    else:
        assignment = _assign_stable(problem, stage, timings)
    stage.report(1.0)

    t = time.perf_counter()
    proposals, unmatched = _results(problem, assignment, algorithm)
    timings["details"] = time.perf_counter() - t
    stats = _stats(proposals, unmatched)
    stats.update({f"solver_{k2}": v for k2, v in assignment.extra.items()})
    if algorithm == "suggestions":
        stats["with_suggestions"] = len(assignment.suggestions)
    timings["total"] = time.perf_counter() - t0
    return MatchResult(algorithm, proposals, unmatched, assignment.suggestions, stats, timings)


def _prepare(inp: MatchInput) -> _Problem:
    scorer = Scorer(inp)
    pins = _pins(scorer)
    pinned_rows = {i for i, _ in pins}
    residual = scorer.capacity.copy()
    for _row, j in pins:
        residual[j] -= 1
    rows = np.array([i for i in range(scorer.n) if i not in pinned_rows], dtype=np.int64)
    cols = np.flatnonzero(residual > 0).astype(np.int64)
    budget_rows = max(1, 4_000_000 // max(len(cols), 1))
    n_chunks = -(-len(rows) // budget_rows) if len(cols) else 0
    return _Problem(scorer, pins, residual, rows, cols, residual[cols], n_chunks)


def _unassigned(problem: _Problem) -> _Assignment:
    n = len(problem.rows)
    return _Assignment(np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64), {}, {})


def _suggest(problem: _Problem, k: int, stage: _Stage, timings: dict[str, float]) -> _Assignment:
    """Each mentee's top ``k`` mentors with a place left (no assignment)."""
    scorer, rows, cols = problem.scorer, problem.rows, problem.cols
    out = _unassigned(problem)
    t = time.perf_counter()
    keys = assign.top_keys(scorer, rows, cols, k, stage.tick) if len(cols) else np.full((len(rows), 0), -1)
    timings["scoring"] = time.perf_counter() - t
    stage.report(1.0)
    t = time.perf_counter()
    stage.start("assigning")
    mc = max(len(cols), 1)
    rr, kk = np.nonzero(keys >= 0)
    ss, cc = keys[rr, kk] // mc, mc - 1 - keys[rr, kk] % mc
    props = _proposals(scorer, rows[rr], cols[cc], ss, False) if len(rr) else []
    for r, p in zip(rr.tolist(), props, strict=True):
        out.suggestions.setdefault(int(scorer.mentee_ids[rows[r]]), []).append(p)
    out.match[np.unique(rr)] = 0  # has at least one suggestion
    timings["assigning"] = time.perf_counter() - t
    return out


def _assign_optimal(problem: _Problem, algorithm: str, stage: _Stage, timings: dict[str, float]) -> _Assignment:
    """Most mentees matched, then the highest total score (see assign.py)."""
    scorer, rows, cols = problem.scorer, problem.rows, problem.cols
    out = _unassigned(problem)
    t = time.perf_counter()
    if algorithm == "optimal":
        g = assign.candidate_graph(scorer, rows, cols, DEFAULT_K, stage.tick)
    else:
        g = assign.dense_graph(scorer, rows, cols, stage.tick)
    timings["scoring"] = time.perf_counter() - t
    stage.report(1.0)
    t = time.perf_counter()
    stage.start("assigning", problem.n_chunks)
    if algorithm == "optimal":
        out.match, g = assign.certify(scorer, rows, cols, problem.cap, g, DEFAULT_K, stage.tick)
        out.extra = dict(g.stats)
    else:
        out.match = assign.solve_flow(g, problem.cap)
    on = g.c == out.match[g.r]
    out.centi[g.r[on]] = g.centi[on]
    timings["assigning"] = time.perf_counter() - t
    return out


def _assign_stable(problem: _Problem, stage: _Stage, timings: dict[str, float]) -> _Assignment:
    """Mentee-proposing deferred acceptance (stable.py)."""
    t = time.perf_counter()
    stage.start("scoring", problem.n_chunks)
    match, centi, extra = deferred_acceptance(
        problem.scorer, problem.rows, problem.cols, problem.cap, STABLE_FIRST, stage.tick
    )
    # scoring and proposing interleave (lazy lists); report them together
    timings["scoring"] = 0.0
    timings["assigning"] = time.perf_counter() - t
    stage.start("assigning")
    return _Assignment(match, centi, {}, extra)


def _results(problem: _Problem, assignment: _Assignment, algorithm: str) -> tuple[list[Proposal], list[Unmatched]]:
    """The pinned pairs and the assigned ones, by mentee id; why the others are unmatched."""
    scorer, rows, cols = problem.scorer, problem.rows, problem.cols
    match, centi = assignment.match, assignment.centi
    proposals: list[Proposal] = []
    if problem.pins:
        pi = np.array([i for i, _ in problem.pins], dtype=np.int64)
        pj = np.array([j for _, j in problem.pins], dtype=np.int64)
        proposals += _proposals(scorer, pi, pj, scorer.pair_centi(pi, pj, thresholds=False), True)
    if algorithm != "suggestions":
        sel = np.flatnonzero(match >= 0)
        proposals += _proposals(scorer, rows[sel], cols[match[sel]], centi[sel], False)
        proposals.sort(key=lambda p: p.mentee_id)
    lost = [int(r) for r in rows[match < 0]]
    return proposals, unmatched_reasons(scorer, lost, problem.residual)


def pair_problem(inp: MatchInput, mentee_id: int, mentor_id: int) -> str | None:
    """Which hard rule excludes the pair, or None: ``"language"`` (no shared language),
    ``"manager"``, ``"self"`` or ``"forbidden"``; ``"unknown"`` when either id is not in
    the input. The same masks ``run`` and ``score_pairs`` use, so the rule is written once."""
    scorer = Scorer(inp)
    i, j = scorer.mentee_pos.get(mentee_id), scorer.mentor_pos.get(mentor_id)
    if i is None or j is None:
        return "unknown"
    lang, not_excl, _ = scorer.hard_ok(i)
    if not not_excl[j]:
        return scorer.excl_reason.get((i, j), "forbidden")
    if not lang[j]:
        return "language"
    return None


def score_pairs(
    inp: MatchInput, mentee_id: int, mentor_ids: Sequence[int] | None = None, *, thresholds: bool = True
) -> list[Proposal]:
    """Every *valid* pair of one mentee (hard rules and both thresholds; capacity is
    not a pair property and is ignored), best first, ties by mentor id.

    ``thresholds=False`` keeps pairs below ``min_score`` / ``min_shared_hours``
    (as a pin would be kept), flagged in their details. Scores are identical to
    those of ``run()`` on the same input (the TF-IDF model is fitted on the
    whole program either way).
    """
    scorer = Scorer(inp)
    i = scorer.mentee_pos.get(mentee_id)
    if i is None:
        raise InvalidInput(f"unknown mentee id {mentee_id}")
    if mentor_ids is None:
        cols = np.arange(scorer.m, dtype=np.int64)
    else:
        unknown = [x for x in mentor_ids if x not in scorer.mentor_pos]
        if unknown:
            raise InvalidInput(f"unknown mentor id {unknown[0]}")
        cols = np.array(sorted({scorer.mentor_pos[x] for x in mentor_ids}), dtype=np.int64)
    if len(cols) == 0:
        return []
    c = scorer.block_centi(np.array([i]), cols, thresholds=thresholds)[0].astype(np.int64)
    ok = np.flatnonzero(c >= 0)
    ok = ok[np.lexsort((ok, -c[ok]))]
    return _proposals(scorer, np.full(len(ok), i), cols[ok], c[ok], False)
