"""Mentee-proposing deferred acceptance (Gale-Shapley with mentor capacities).

Preferences are the valid pairs: a mentee ranks mentors by score desc (ties:
lower mentor id first), a mentor ranks mentees by the same score desc (ties:
lower mentee id first). Both are strict total orders, so the mentee-optimal
stable matching is unique and independent of proposal order.

Lists are lazy: each mentee starts with its top-L mentors; only a mentee
that is rejected by all of them gets its list extended (a batch of such
mentees is re-scored at once). Because the order is total, the extension is
exactly the continuation of the full list, so the result equals DA on the
complete lists.

Pinned pairs are pre-assigned outside the market: the pinned mentee does not
take part and the mentor's capacity is reduced by its pins. Stability is
therefore among the non-pinned mentees and the remaining capacities.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np

from .assign import top_keys
from .scoring import Scorer


def deferred_acceptance(
    scorer: Scorer,
    rows: np.ndarray,
    cols: np.ndarray,
    cap: np.ndarray,
    first: int = 20,
    tick: Callable[[], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Returns (local column per row or -1, score per row or -1, stats)."""
    n, mc = len(rows), len(cols)
    keys = top_keys(scorer, rows, cols, first, tick)
    prefs: list[list[int]] = keys.tolist()  # per row: keys desc; -1 marks the end
    complete = [len(p) < first or p[-1] < 0 or first >= mc for p in prefs]
    nxt = [0] * n
    held: list[list[tuple[int, int, int]]] = [[] for _ in range(mc)]  # heap of (score, -row, row)
    match = np.full(n, -1, dtype=np.int64)
    score = np.full(n, -1, dtype=np.int64)
    free = list(range(n - 1, -1, -1))  # pop() from the end: row 0 first
    proposals = extensions = 0
    while True:
        waiting: list[int] = []
        while free:
            r = free.pop()
            lst = prefs[r]
            while True:
                if nxt[r] >= len(lst) or lst[nxt[r]] < 0:
                    if not complete[r]:
                        waiting.append(r)
                    break
                key = lst[nxt[r]]
                nxt[r] += 1
                proposals += 1
                s, c = key // mc, mc - 1 - key % mc
                h = held[c]
                entry = (s, -r, r)
                if len(h) < cap[c]:
                    heapq.heappush(h, entry)
                    match[r], score[r] = c, s
                    break
                if entry > h[0]:  # mentor prefers r to its worst held mentee
                    out = heapq.heapreplace(h, entry)[2]
                    match[r], score[r] = c, s
                    match[out] = score[out] = -1
                    free.append(out)
                    break
        if not waiting:
            break
        # extend exhausted lists: next entries of the (total) order
        waiting.sort()
        wr = np.array(waiting, dtype=np.int64)
        width = max(len(prefs[r]) for r in waiting) * 4
        more = top_keys(scorer, rows[wr], cols, width)
        for a, r in enumerate(waiting):
            have = len(prefs[r])
            ext = more[a].tolist()
            prefs[r] = ext
            nxt[r] = min(nxt[r], have)
            complete[r] = width >= mc or ext[-1] < 0
            free.append(r)
        free.reverse()
        extensions += len(waiting)
    return match, score, {"proposals": proposals, "extensions": extensions}
