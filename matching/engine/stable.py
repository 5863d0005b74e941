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
    """Returns (local column per row or -1, score per row or -1, stats).

    Each mentor keeps a min-heap of held mentees keyed by its own preference
    ``pk = score * (n + 1) + (n - row)`` (higher is better, ties to the lower
    id) and a threshold ``thr`` = worst held ``pk`` when full, else -1. A
    proposal is accepted iff ``pk > thr``. Thresholds only rise, so when a
    proposal fails, the mentee's remaining list is scanned in one numpy step
    for the first mentor that would accept it *now*: every mentor skipped
    would have rejected it anyway, now and later. That removes the long
    chains of hopeless proposals which dominate pure-Python DA.
    """
    n, mc = len(rows), len(cols)
    # small cohorts: take (nearly) full lists up front, within ~2M entries
    first = max(first, min(mc, 2_000_000 // max(n, 1)))
    keys = top_keys(scorer, rows, cols, first, tick)

    def decode(block: np.ndarray, block_rows: np.ndarray) -> tuple[np.ndarray, ...]:
        # invalid keys (-1) sort last, so each row's valid entries are a prefix
        cnt = (block >= 0).sum(axis=1)
        kk = np.maximum(block, 0)
        sc, c = kk // mc, mc - 1 - kk % mc
        pk = sc * (n + 1) + (n - block_rows[:, None])
        done = (cnt < block.shape[1]) | (block.shape[1] >= mc)
        return cnt, c, sc, pk, done

    cnt, c_all, s_all, p_all, done = decode(keys, np.arange(n))
    lst_c = [c_all[r, : cnt[r]] for r in range(n)]
    lst_s = [s_all[r, : cnt[r]] for r in range(n)]
    lst_p = [p_all[r, : cnt[r]] for r in range(n)]
    complete = done.tolist()
    del keys, c_all, s_all, p_all
    thr = np.full(mc, -1, dtype=np.int64)
    thr[cap <= 0] = np.iinfo(np.int64).max
    nxt = [0] * n
    held: list[list[tuple[int, int]]] = [[] for _ in range(mc)]  # min-heap of (pk, row)
    match = np.full(n, -1, dtype=np.int64)
    score = np.full(n, -1, dtype=np.int64)
    free = list(range(n - 1, -1, -1))  # pop() from the end: row 0 first
    proposals = extensions = skipped = 0
    while True:
        waiting: list[int] = []
        while free:
            r = free.pop()
            cs, ps = lst_c[r], lst_p[r]
            pos = nxt[r]
            if pos < len(cs) and ps[pos] <= thr[cs[pos]]:
                # rejected by the next mentor: jump to the first one that accepts now
                later = np.flatnonzero(ps[pos + 1 :] > thr[cs[pos + 1 :]])
                step = int(later[0]) + 1 if len(later) else len(cs) - pos
                skipped += step
                pos += step
            if pos >= len(cs):
                nxt[r] = pos
                if not complete[r]:
                    waiting.append(r)
                continue
            proposals += 1
            nxt[r] = pos + 1
            c = int(cs[pos])
            pk = int(ps[pos])
            h = held[c]
            if len(h) < cap[c]:
                heapq.heappush(h, (pk, r))
            else:
                out = heapq.heapreplace(h, (pk, r))[1]
                match[out] = score[out] = -1
                free.append(out)
            if len(h) >= cap[c]:
                thr[c] = h[0][0]
            match[r], score[r] = c, int(lst_s[r][pos])
        if not waiting:
            break
        # extend exhausted lists with the next entries of the (total) order
        waiting.sort()
        wr = np.array(waiting, dtype=np.int64)
        width = min(max(len(lst_c[r]) for r in waiting) * 4, mc)
        more = top_keys(scorer, rows[wr], cols, max(width, first), tick)
        cnt, c_all, s_all, p_all, done = decode(more, wr)
        for a, r in enumerate(waiting):
            lst_c[r], lst_s[r], lst_p[r] = c_all[a, : cnt[a]], s_all[a, : cnt[a]], p_all[a, : cnt[a]]
            complete[r] = bool(done[a])
            free.append(r)
        free.reverse()
        extensions += len(waiting)
    return match, score, {"proposals": proposals, "skipped": skipped, "extensions": extensions}
