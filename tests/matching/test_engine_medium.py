"""Medium cohort (2,000 x 400, bench/synthetic.py, fixed seed): sparse certified == dense exact."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bench.synthetic import cohort
from matching.engine import MatchInput, Rules, assign, run
from matching.engine.scoring import Scorer


@pytest.fixture(scope="module")
def inp() -> MatchInput:
    # capacities 1-2: ~600 slots for 2,000 mentees, so mentors are contested
    return cohort(2_000, 400, capacity=(1, 2), seed=11, min_score=45.0)


def _totals(match: np.ndarray, g: assign.Graph) -> tuple[int, int]:
    on = g.c == match[g.r]
    return int((match >= 0).sum()), int(g.centi[on].sum())


def test_run_optimal_equals_dense(inp: MatchInput) -> None:
    sparse = run(inp, algorithm="optimal")
    # everything the Django side stores must be JSON-serialisable as is
    json.dumps([[p.components, p.details] for p in sparse.proposals])
    json.dumps([u.details for u in sparse.unmatched])
    json.dumps([sparse.stats, sparse.timings])
    dense = run(inp, algorithm="optimal_dense")
    assert sparse.stats["matched"] == dense.stats["matched"] > 0
    assert sparse.stats["total_score"] == dense.stats["total_score"]
    # lexicographic: greedy can't beat it either
    assert {u.code for u in sparse.unmatched} <= {"capacity", "below_min_score", "no_language", "all_forbidden"}


@pytest.mark.parametrize("k", [2, 5])
def test_small_k_forces_certification_rounds(inp: MatchInput, k: int) -> None:
    sc = Scorer(inp)
    rows = np.arange(sc.n)
    cols = np.flatnonzero(sc.capacity > 0)
    cap = sc.capacity[cols]
    g = assign.candidate_graph(sc, rows, cols, k)
    edges_before = len(g.r)
    first = _totals(assign.solve_flow(g, cap), g)
    match, g = assign.certify(sc, rows, cols, cap, g, k)
    assert g.stats["pairs_added"] > 0 and g.stats["rounds"] >= 2
    assert len(g.r) == edges_before + g.stats["pairs_added"]
    assert len(set(zip(g.r.tolist(), g.c.tolist(), strict=True))) == len(g.r)  # no pair twice
    dense = assign.dense_graph(sc, rows, cols)
    best = _totals(assign.solve_flow(dense, cap), dense)
    assert _totals(match, g) == best
    assert first <= best  # the uncertified top-k solution may be worse


def test_stable_and_suggestions_run(inp: MatchInput) -> None:
    st = run(inp, algorithm="stable")
    opt = run(inp, algorithm="optimal")
    assert st.stats["matched"] <= opt.stats["matched"]
    sug = run(inp, algorithm="suggestions", k=5)
    assert all(len(v) <= 5 for v in sug.suggestions.values())
    assert all(p.score >= 45.0 for v in sug.suggestions.values() for p in v)


def test_min_shared_hours_rule_holds(inp: MatchInput) -> None:
    r = inp.rules
    strict = MatchInput(
        inp.mentees[:300],
        inp.mentors[:80],
        inp.weights,
        Rules(r.min_score, r.seniority_gap, r.department, r.questions, min_shared_hours=4.0),
    )
    res = run(strict, algorithm="optimal")
    assert all(p.details["shared_hours"] >= 4.0 for p in res.proposals)
    assert res.stats["matched"] == run(strict, algorithm="optimal_dense").stats["matched"]
