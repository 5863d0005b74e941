"""Exact lexicographic-optimal assignment on a sparse candidate graph, certified by LP duality.

Problem (after pins are fixed and removed): mentees ``r``, mentors ``k``
with residual capacity ``cap_k``, valid pairs with integer scores
``s_rk`` (centi-points). Maximise first the number of matched mentees, then
the total score. With ``BIG = 10000 * n + 1`` (larger than any total score)
this is the single objective ``max sum (BIG + s_rk) x_rk``: one more match
is worth more than any score gain.

Solving. Each mentee keeps only its top-K valid mentors (scores computed
chunk by chunk, never the whole matrix); OR-Tools' max-flow-min-cost solves
the b-matching exactly on that graph (source->row capacity 1, row->mentor
cost ``-s``, mentor->sink capacity ``cap``): maximum flow = most matched
mentees, minimum cost among those = highest total score.

Certification. The LP of the b-matching (totally unimodular, so the integer
optimum is the LP optimum) has the dual

    min sum_r u_r + sum_k cap_k v_k   s.t.  u_r + v_k >= w_rk,  u, v >= 0.

From the flow solution we construct duals satisfying complementary
slackness on the candidate graph: ``u_r = 0`` for unmatched ``r``,
``v_k = 0`` for mentors not full, ``u_r = w_rj - v_j`` when ``r`` is matched
to ``j``. The remaining constraints are difference constraints on ``v``
(``v_k >= v_j + w_rk - w_rj`` for every other candidate ``k`` of ``r``;
``v_k >= w_rk`` for unmatched ``r``), solved by longest-path relaxation
from ``v = 0`` (the *smallest* prices, which make every ``u_r`` as large as
possible). That dual is feasible on the candidate graph and has the same
objective as the primal, so the primal is optimal *there*.

It is optimal over *all* valid pairs iff no pair outside the graph has
positive reduced cost ``w_rk - u_r - v_k``. Since ``v >= 0``, a row ``r``
can only have such a pair if ``u_r < BIG + best_outside_r``, where
``best_outside_r`` is the best score not among its candidates (kept from
the top-K pass). Only those rows are re-scored in full; violating pairs are
added and the flow re-solved, until a pass finds none. At that point the
dual is feasible for the full problem, so the solution is the exact optimum.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from .scoring import Scorer


@dataclass
class Graph:
    """Candidate edges between local rows (0..n-1) and local mentor columns (0..mc-1)."""

    n: int
    mc: int
    r: np.ndarray
    c: np.ndarray
    centi: np.ndarray
    bound: np.ndarray  # per row: best valid score outside the graph, -1 if none
    stats: dict[str, float] = field(default_factory=dict)


def big_of(n: int) -> int:
    return 10000 * max(n, 1) + 1


def _decode(keys: np.ndarray, mc: int) -> tuple[np.ndarray, np.ndarray]:
    return keys // mc, mc - 1 - keys % mc


def top_keys(
    scorer: Scorer,
    rows: np.ndarray,
    cols: np.ndarray,
    width: int,
    tick: Callable[[], None] | None = None,
) -> np.ndarray:
    """Per row, the ``width`` best keys in descending order (``-1``-ish padding = invalid).

    A key packs ``score * mc + (mc - 1 - column)`` so sorting keys sorts by
    score desc, then mentor id asc: an exact total order, hence the top-L
    set is always the true prefix of the preference list.
    """
    mc = len(cols)
    width = max(min(width, mc), 0)
    out = np.full((len(rows), width), -1, dtype=np.int64)
    if width == 0 or len(rows) == 0:
        return out
    tie = (mc - 1 - np.arange(mc, dtype=np.int64))[None, :]
    pos = [0]

    def reduce(ch: np.ndarray, centi: np.ndarray) -> np.ndarray:
        keys = centi.astype(np.int64) * mc + tie
        if mc > width:
            part = np.argpartition(keys, mc - width, axis=1)[:, mc - width :]
            keys = np.take_along_axis(keys, part, axis=1)
        keys = np.sort(keys, axis=1)[:, ::-1]
        keys[keys < 0] = -1
        return keys

    def collect(ch: np.ndarray, keys: np.ndarray) -> None:
        out[pos[0] : pos[0] + len(ch)] = keys
        pos[0] += len(ch)

    scorer.iter_blocks(rows, cols, reduce, collect, tick)
    return out


def candidate_graph(
    scorer: Scorer, rows: np.ndarray, cols: np.ndarray, k: int, tick: Callable[[], None] | None = None
) -> Graph:
    mc = len(cols)
    keys = top_keys(scorer, rows, cols, k + 1, tick)
    top = keys[:, :k]
    rr, kk = np.nonzero(top >= 0)
    centi, c = _decode(top[rr, kk], mc)
    if keys.shape[1] > k:
        b = keys[:, k]
        bound = np.where(b >= 0, b // mc, -1)
    else:
        bound = np.full(len(rows), -1, dtype=np.int64)
    return Graph(len(rows), mc, rr.astype(np.int64), c.astype(np.int64), centi.astype(np.int64), bound)


def dense_graph(scorer: Scorer, rows: np.ndarray, cols: np.ndarray, tick: Callable[[], None] | None = None) -> Graph:
    """Every valid pair (reference solver; memory grows with n x m)."""
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    offset = [0]

    def reduce(ch: np.ndarray, centi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rr, cc = np.nonzero(centi >= 0)
        return rr, cc, centi[rr, cc]

    def collect(ch: np.ndarray, part: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        parts.append((part[0] + offset[0], part[1], part[2]))
        offset[0] += len(ch)

    scorer.iter_blocks(rows, cols, reduce, collect, tick)
    if parts:
        r = np.concatenate([p[0] for p in parts]).astype(np.int64)
        c = np.concatenate([p[1] for p in parts]).astype(np.int64)
        s = np.concatenate([p[2] for p in parts]).astype(np.int64)
    else:
        r = c = s = np.zeros(0, dtype=np.int64)
    return Graph(len(rows), len(cols), r, c, s, np.full(len(rows), -1, dtype=np.int64))


def solve_flow(g: Graph, cap: np.ndarray) -> np.ndarray:
    """Exact lexicographic optimum on the graph: local column per row, -1 = unmatched.

    OR-Tools' ``solve_max_flow_with_min_cost`` computes a maximum flow of
    minimum cost, i.e. max matched mentees first, then max total score
    (cost ``-score``) -- the same optimum as the ``BIG + score`` objective
    in the module docstring, with small costs (cost scaling runs ~2x faster
    than with the BIG offsets).
    """
    n, mc = g.n, g.mc
    match = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(g.r) == 0:
        return match
    source, sink = n + mc, n + mc + 1
    e = len(g.r)
    smcf = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([g.r, np.full(n, source), n + np.arange(mc)]).astype(np.int32)
    heads = np.concatenate([n + g.c, np.arange(n), np.full(mc, sink)]).astype(np.int32)
    caps = np.concatenate([np.ones(e), np.ones(n), cap]).astype(np.int64)
    costs = np.concatenate([-g.centi, np.zeros(n + mc)]).astype(np.int64)
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(n + mc + 2, dtype=np.int64)
    supplies[source] = n
    supplies[sink] = -n
    smcf.set_nodes_supplies(np.arange(n + mc + 2, dtype=np.int32), supplies)
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:  # pragma: no cover - would be a bug
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = smcf.flows(arcs[:e])
    sel = np.flatnonzero(flows > 0)
    match[g.r[sel]] = g.c[sel]
    return match


def duals(g: Graph, match: np.ndarray, cap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smallest mentor prices ``v`` and row values ``u`` satisfying complementary slackness.

    Raises RuntimeError if none exist, which would mean ``match`` is not
    optimal on the graph (a bug, never an input problem).
    """
    n, mc = g.n, g.mc
    if mc == 0 or n == 0:
        return np.zeros(n, dtype=np.int64), np.zeros(mc, dtype=np.int64)
    big = big_of(n)
    w = big + g.centi
    matched = match >= 0
    on_match = g.c == match[g.r]
    wm = np.zeros(n, dtype=np.int64)
    wm[g.r[on_match]] = w[on_match]
    v = np.zeros(mc, dtype=np.int64)
    un = ~matched[g.r]
    if un.any():
        np.maximum.at(v, g.c[un], w[un])
    sel = matched[g.r] & ~on_match
    src = match[g.r[sel]]
    dst = g.c[sel]
    cst = w[sel] - wm[g.r[sel]]
    # an edge can only bind if v[src] + cst > 0; v[src] <= max possible price (2*big bound)
    keep = cst > -2 * big
    src, dst, cst = src[keep], dst[keep], cst[keep]
    order = np.argsort(dst, kind="stable")
    src, dst, cst = src[order], dst[order], cst[order]
    udst, starts = np.unique(dst, return_index=True)
    for _ in range(mc + 2):
        if len(udst) == 0:
            break
        best = np.maximum.reduceat(v[src] + cst, starts)
        cur = v[udst]
        grow = best > cur
        if not grow.any():
            break
        v[udst[grow]] = best[grow]
    else:  # pragma: no cover
        raise RuntimeError("dual prices do not converge: assignment not optimal")
    load = np.bincount(match[matched], minlength=mc)
    if np.any(v[load < cap] != 0) or np.any(v[match[matched]] > wm[matched]):  # pragma: no cover
        raise RuntimeError("complementary slackness violated: assignment not optimal")
    u = np.where(matched, wm - v[np.maximum(match, 0)], 0)
    return u, v


def _price(
    scorer: Scorer,
    rows: np.ndarray,
    cols: np.ndarray,
    g: Graph,
    u: np.ndarray,
    v: np.ndarray,
    check: np.ndarray,
    k: int,
    margin: int,
    tick: Callable[[], None] | None,
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Re-score rows ``check`` in full; return pairs outside ``g`` worth adding.

    Also tightens ``g.bound`` of the priced rows to the best score left outside.
    """
    big = big_of(g.n)
    order = np.argsort(g.r, kind="stable")
    ec = g.c[order]
    ptr = np.searchsorted(g.r[order], np.arange(g.n + 1))
    glob_rows = rows[check]
    g2l = dict(zip(glob_rows.tolist(), check.tolist(), strict=True))
    new_r: list[np.ndarray] = []
    new_c: list[np.ndarray] = []
    new_s: list[np.ndarray] = []

    def reduce(ch: np.ndarray, centi: np.ndarray) -> tuple[np.ndarray, ...]:
        lr = np.array([g2l[int(x)] for x in ch], dtype=np.int64)
        cnt = ptr[lr + 1] - ptr[lr]
        if cnt.sum():
            rr = np.repeat(np.arange(len(lr)), cnt)
            idx = np.concatenate([np.arange(ptr[x], ptr[x + 1]) for x in lr])
            centi[rr, ec[idx]] = -1  # already in the graph
        red = (big + centi.astype(np.int64)) - u[lr][:, None] - v[None, :]
        red[centi < 0] = -big
        take_r, take_c, take_s = [], [], []
        # Rows with a violation also get their *nearly* improving pairs
        # (reduced cost > -margin): prices move when the flow is re-solved,
        # and adding them now saves re-solve rounds. Correctness only
        # needs the violating ones.
        for a in np.flatnonzero((red > 0).any(axis=1)):
            viol = np.flatnonzero(red[a] > -margin)
            if len(viol) > k:  # most improving first; the loop adds the rest later if needed
                viol = viol[np.argsort(-red[a, viol], kind="stable")[:k]]
            take_r.append(np.full(len(viol), lr[a]))
            take_c.append(viol)
            take_s.append(centi[a, viol].astype(np.int64))
            centi[a, viol] = -1
        nb = centi.max(axis=1).astype(np.int64) if centi.shape[1] else np.full(len(lr), -1)
        empty = np.zeros(0, np.int64)
        return (
            lr,
            np.concatenate(take_r) if take_r else empty,
            np.concatenate(take_c) if take_c else empty,
            np.concatenate(take_s) if take_s else empty,
            nb,
        )

    def collect(ch: np.ndarray, res: tuple[np.ndarray, ...]) -> None:
        lr, rr2, cc2, ss2, nb = res
        g.bound[lr] = np.maximum(nb, -1)
        if len(rr2):
            new_r.append(rr2)
            new_c.append(cc2)
            new_s.append(ss2)

    scorer.iter_blocks(glob_rows, cols, reduce, collect, tick)
    return new_r, new_c, new_s


def certify(
    scorer: Scorer,
    rows: np.ndarray,
    cols: np.ndarray,
    cap: np.ndarray,
    g: Graph,
    k: int,
    tick: Callable[[], None] | None = None,
    margin: int = 300,
) -> tuple[np.ndarray, Graph]:
    """Solve on ``g``, price every pair outside it, add improving ones, repeat (see module doc)."""
    big = big_of(g.n)
    rounds = priced = added = 0
    spent = {"flow_s": 0.0, "duals_s": 0.0, "pricing_s": 0.0}
    while True:
        rounds += 1
        t0 = time.perf_counter()
        match = solve_flow(g, cap)
        t1 = time.perf_counter()
        u, v = duals(g, match, cap)
        t2 = time.perf_counter()
        spent["flow_s"] += t1 - t0
        spent["duals_s"] += t2 - t1
        check = np.flatnonzero((g.bound >= 0) & (u < big + g.bound))
        if len(check) == 0:
            break
        priced += len(check)
        new_r, new_c, new_s = _price(scorer, rows, cols, g, u, v, check, k, margin, tick)
        spent["pricing_s"] += time.perf_counter() - t2
        if not new_r:
            break
        nr, nc, ns = np.concatenate(new_r), np.concatenate(new_c), np.concatenate(new_s)
        added += len(nr)
        g.r = np.concatenate([g.r, nr])
        g.c = np.concatenate([g.c, nc])
        g.centi = np.concatenate([g.centi, ns])
    g.stats.update({"rounds": rounds, "rows_priced": priced, "pairs_added": added, "edges": len(g.r)})
    g.stats.update({key: round(val, 3) for key, val in spent.items()})
    return match, g


def greedy(g: Graph, cap: np.ndarray) -> np.ndarray:
    """Baseline: take pairs by score desc (ties by ids) while both sides have room."""
    order = np.lexsort((g.c, g.r, -g.centi))
    left = cap.astype(np.int64).copy()
    match = np.full(g.n, -1, dtype=np.int64)
    for r, c in zip(g.r[order].tolist(), g.c[order].tolist(), strict=True):
        if match[r] < 0 and left[c] > 0:
            match[r] = c
            left[c] -= 1
    return match
