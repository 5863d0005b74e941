"""Run the same action in real threads released together by a barrier (Postgres tests)."""

from __future__ import annotations

import threading

from django.db import connection


def together(n: int, prepare, act) -> list:
    """``prepare(i)`` in each of ``n`` threads, then all at once ``act(i, prepared)``; the
    results (or the exceptions raised) in thread order. Each thread closes its connection."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            prepared = prepare(i)
            barrier.wait(timeout=30)
            results[i] = act(i, prepared)
        except Exception as e:  # noqa: BLE001 - reported by the caller's assertions
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results
