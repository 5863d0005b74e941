"""Property tests: exactness of "optimal", stability of "stable", hard rules, pins, determinism."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import lil_matrix

from matching.engine import (
    InvalidInput,
    MatchInput,
    MatchResult,
    Period,
    Person,
    Rules,
    Weights,
    run,
    score_pairs,
)

LANGS = [(), ("english",), ("portuguese",), ("english", "spanish")]
TEXTS = ["", "negotiation hiring", "python sql data", "leadership negotiation", "public speaking", "data leadership"]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", ""]  # "": working hours unknown
# no dates (reference week), a program across the March clock changes, a whole year
PERIODS = [None, Period(dt.date(2025, 3, 3), dt.date(2025, 4, 6)), Period(dt.date(2025, 1, 6), dt.date(2025, 12, 21))]
ANSWERS = [{}, {"f": ("remote",)}, {"f": ("hybrid",)}, {"t": ("a", "b")}, {"t": ("b",)}]


def _person(draw: st.DrawFn, pid: int, email: str, managers: list[str], capacity: int) -> Person:
    return Person(
        id=pid,
        email=email,
        languages=draw(st.sampled_from(LANGS)),
        timezone=draw(st.sampled_from(ZONES)),
        work_start=draw(st.sampled_from([480, 540, 1320, None])),
        work_end=draw(st.sampled_from([1020, 360, 720])),
        seniority=draw(st.one_of(st.none(), st.integers(1, 4))),
        department=draw(st.sampled_from(["", "x", "y"])),
        manager_email=draw(st.sampled_from(managers)),
        text=draw(st.sampled_from(TEXTS)),
        skills=tuple(draw(st.lists(st.sampled_from("abcd"), max_size=3, unique=True))),
        answers=draw(st.sampled_from(ANSWERS)),
        capacity=capacity,
    )


@st.composite
def instances(draw: st.DrawFn) -> MatchInput:
    n = draw(st.integers(0, 8))
    m = draw(st.integers(0, 5))
    mentors = [_person(draw, 100 + j, f"mo{j}@x.org", [""], draw(st.integers(1, 3))) for j in range(m)]
    managers = ["", "boss@x.org"] + [p.email for p in mentors]
    mentees = [_person(draw, 1 + i, f"me{i}@x.org", managers, 1) for i in range(n)]
    pairs = [(a.id, b.id) for a in mentees for b in mentors]
    forbidden = frozenset(draw(st.lists(st.sampled_from(pairs), max_size=4))) if pairs else frozenset()
    pinned = frozenset(draw(st.lists(st.sampled_from(pairs), max_size=2))) if pairs else frozenset()
    weights = draw(
        st.sampled_from(
            [
                Weights(),
                Weights(goals=0, hours=2, questions={"f": 1}),
                Weights(skills=3, seniority=0, department=1, questions={"t": 1}),
            ]
        )
    )
    rules = Rules(
        min_score=draw(st.sampled_from([0.0, 30.0, 50.0, 60.0])),
        department=draw(st.sampled_from(["different", "same", "ignore"])),
        questions=draw(st.sampled_from([{}, {"f": "same"}, {"t": "different"}])),
        min_shared_hours=draw(st.sampled_from([0.0, 0.0, 2.0])),
    )
    period = draw(st.sampled_from(PERIODS))
    return MatchInput(mentees, mentors, weights, rules, pinned=pinned, forbidden=forbidden, period=period)


# ------------------------------------------------------------ independent oracles
def _hard_ok(inp: MatchInput, a: Person, b: Person) -> bool:
    """Hard rules except min_score / min_shared_hours, written independently of the engine."""
    la = {x.casefold() for x in a.languages}
    lb = {x.casefold() for x in b.languages}
    if la and lb and not la & lb:
        return False
    if a.manager_email and a.manager_email == b.email:
        return False
    if a.email == b.email or a.id == b.id:
        return False
    return (a.id, b.id) not in inp.forbidden


def _pins_valid(inp: MatchInput) -> bool:
    me = {p.id: p for p in inp.mentees}
    mo = {p.id: p for p in inp.mentors}
    if len({a for a, _ in inp.pinned}) != len(inp.pinned):
        return False
    for j, b in mo.items():
        if sum(1 for _, y in inp.pinned if y == j) > b.capacity:
            return False
    # Only hard rules bind a pin: below min_score or min_shared_hours it is kept (and flagged).
    return all(_hard_ok(inp, me[a], mo[b]) for a, b in inp.pinned)


def _without_min_score(inp: MatchInput) -> MatchInput:
    r = inp.rules
    return MatchInput(
        inp.mentees,
        inp.mentors,
        inp.weights,
        Rules(0.0, r.seniority_gap, r.department, r.questions, r.min_shared_hours),
        forbidden=inp.forbidden,
        period=inp.period,
    )


def _valid_scores(inp: MatchInput) -> dict[tuple[int, int], float]:
    return {(p.mentee_id, p.mentor_id): p.score for a in inp.mentees for p in score_pairs(inp, a.id)}


def _residual(inp: MatchInput) -> dict[int, int]:
    res = {b.id: b.capacity for b in inp.mentors}
    for _, b in inp.pinned:
        res[b] -= 1
    return res


def _reference_optimum(inp: MatchInput, scores: dict[tuple[int, int], float]) -> tuple[int, int]:
    """(matched, total centi-score) of the free market, by MILP (HiGHS), independent of OR-Tools."""
    pinned_me = {a for a, _ in inp.pinned}
    res = _residual(inp)
    edges = [(a, b, round(s * 100)) for (a, b), s in scores.items() if a not in pinned_me and res[b] > 0]
    if not edges:
        return 0, 0
    mes = sorted({a for a, _, _ in edges})
    mos = sorted({b for _, b, _ in edges})
    big = 10000 * len(mes) + 1
    a_mat = lil_matrix((len(mes) + len(mos), len(edges)))
    for k, (a, b, _) in enumerate(edges):
        a_mat[mes.index(a), k] = 1
        a_mat[len(mes) + mos.index(b), k] = 1
    ub = [1] * len(mes) + [res[b] for b in mos]
    c = -np.array([big + s for _, _, s in edges], dtype=float)
    sol = milp(c, constraints=LinearConstraint(a_mat.tocsr(), 0, ub), integrality=np.ones(len(edges)), bounds=(0, 1))
    assert sol.success
    x = np.round(sol.x).astype(int)
    return int(x.sum()), int(sum(s for (_, _, s), xi in zip(edges, x, strict=True) if xi))


def _market_totals(inp: MatchInput, r: MatchResult) -> tuple[int, int]:
    free = [p for p in r.proposals if not p.pinned]
    return len(free), round(sum(p.score for p in free) * 100)


def _check_common(inp: MatchInput, r: MatchResult, scores: dict[tuple[int, int], float]) -> None:
    me = {p.id: p for p in inp.mentees}
    mo = {p.id: p for p in inp.mentors}
    assert inp.pinned <= {(p.mentee_id, p.mentor_id) for p in r.proposals}
    assert all(p.pinned == ((p.mentee_id, p.mentor_id) in inp.pinned) for p in r.proposals)
    ids = [p.mentee_id for p in r.proposals]
    assert len(ids) == len(set(ids))
    load: dict[int, int] = {}
    for p in r.proposals:
        load[p.mentor_id] = load.get(p.mentor_id, 0) + 1
        assert _hard_ok(inp, me[p.mentee_id], mo[p.mentor_id])
        if not p.pinned:
            assert scores[(p.mentee_id, p.mentor_id)] == p.score  # valid incl. min_score
            assert p.score >= inp.rules.min_score
            assert "below_min_score" not in p.details
            assert "below_min_shared_hours" not in p.details
        else:  # kept whatever the thresholds, scored like any pair, and flagged when below one
            (free,) = score_pairs(inp, p.mentee_id, [p.mentor_id], thresholds=False)
            assert free.score == p.score
            assert ("below_min_score" in p.details) == (p.score < inp.rules.min_score)
            meets_hours = inp.rules.min_shared_hours == 0 or bool(
                score_pairs(_without_min_score(inp), p.mentee_id, [p.mentor_id])
            )
            assert ("below_min_shared_hours" in p.details) == (not meets_hours)
            if (p.mentee_id, p.mentor_id) in scores:
                assert scores[(p.mentee_id, p.mentor_id)] == p.score
    assert all(load[b] <= mo[b].capacity for b in load)
    matched = set(ids)
    assert {u.mentee_id for u in r.unmatched} == set(me) - matched
    assert r.stats["matched"] + r.stats["unmatched"] == len(me)


SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(instances())
def test_optimal_is_exact_and_respects_rules(inp: MatchInput) -> None:
    if not _pins_valid(inp):
        try:
            run(inp, algorithm="optimal")
        except InvalidInput:
            return
        raise AssertionError("invalid pins accepted")
    r = run(inp, algorithm="optimal")
    scores = _valid_scores(inp)
    _check_common(inp, r, scores)
    ref = _reference_optimum(inp, scores)
    event(f"matched in market: {min(ref[0], 3)}+, pins: {len(inp.pinned)}, unmatched: {min(len(r.unmatched), 2)}+")
    assert _market_totals(inp, r) == ref
    dense = run(inp, algorithm="optimal_dense")
    assert _market_totals(inp, dense) == _market_totals(inp, r)
    again = run(inp, algorithm="optimal")
    assert again.proposals == r.proposals and again.unmatched == r.unmatched


@SETTINGS
@given(instances())
def test_stable_has_no_blocking_pair(inp: MatchInput) -> None:
    if not _pins_valid(inp):
        return
    r = run(inp, algorithm="stable")
    scores = _valid_scores(inp)
    _check_common(inp, r, scores)
    pinned_me = {a for a, _ in inp.pinned}
    res = _residual(inp)
    cur = {p.mentee_id: p.mentor_id for p in r.proposals if not p.pinned}
    held: dict[int, list[int]] = {}
    for a, b in cur.items():
        held.setdefault(b, []).append(a)
    for (a, b), s in scores.items():
        if a in pinned_me or res[b] <= 0 or cur.get(a) == b:
            continue
        if a in cur:
            c = cur[a]
            if (scores[(a, c)], -c) >= (s, -b):
                continue  # a prefers (or keeps) its mentor
        hs = held.get(b, [])
        if len(hs) < res[b]:
            raise AssertionError(f"blocking pair {(a, b)}: mentor has room")
        worst = min(hs, key=lambda x: (scores[(x, b)], -x))
        assert (scores[(worst, b)], -worst) > (s, -a), f"blocking pair {(a, b)}"
    again = run(inp, algorithm="stable")
    assert again.proposals == r.proposals


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(instances(), st.integers(1, 4))
def test_suggestions_are_top_k_valid_with_capacity(inp: MatchInput, k: int) -> None:
    if not _pins_valid(inp):
        return
    r = run(inp, algorithm="suggestions", k=k)
    res = _residual(inp)
    pinned_me = {a for a, _ in inp.pinned}
    for a in inp.mentees:
        if a.id in pinned_me:
            continue
        expect = [p for p in score_pairs(inp, a.id) if res[p.mentor_id] > 0][:k]
        got = r.suggestions.get(a.id, [])
        assert [(p.mentor_id, p.score) for p in got] == [(p.mentor_id, p.score) for p in expect]
