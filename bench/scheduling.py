"""Benchmarks of scheduling (the slot figures need no Django).

    .venv/bin/python bench/scheduling.py [--json] [--only NAME,...] [--repeat 200]

Sections (each a function in ``SECTIONS`` that returns a dict of figures):

* ``slots_one_mentor``: one mentor (Europe/Berlin) and one mentee (America/New_York),
  60-day horizon spanning the US and EU spring changes, 200 existing sessions of the two,
  weekly cap; timed per call (building the ``SlotQuery`` from plain lists included):
  ``free_slots``, ``next_free_slots(count=5)`` and ``check_slot``.
* ``slots_week_50_mentors``: "who is free this week": the free slots of 50 mentors in 12
  zones (40 sessions each over the horizon) for one mentee, over the next 7 days.

Each section also runs the naive minute-by-minute reference of the tests
(``tests/scheduling/reference.py``) once on the same data, checks that it finds the same
slots, and reports the ratio. Data is seeded: the same on every machine. ``--json`` prints
one JSON object. The booking and reminder benchmarks of the scheduling issue are meant to
join ``SECTIONS``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.slots import (  # noqa: E402
    Availability,
    SlotQuery,
    SlotRules,
    check_slot,
    free_slots,
    next_free_slots,
)
from tests.scheduling.reference import reference_free_starts  # noqa: E402

NOW = datetime(2026, 3, 2, 7, 13, tzinfo=UTC)  # Monday; the US changes on 8 March, the EU on 29 March
RULES = SlotRules(
    length=timedelta(minutes=60),
    buffer_before=timedelta(minutes=10),
    buffer_after=timedelta(minutes=10),
    min_notice=timedelta(hours=12),
    horizon=timedelta(days=60),
    grid_minutes=30,
    max_per_week=3,
)
ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Africa/Lagos",
]

Raw = dict[str, Any]  # the plain lists a booking page would load from the database


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return times, result


def _ms(times: list[float]) -> dict[str, float]:
    s = sorted(times)
    return {
        "median_ms": round(statistics.median(s) * 1000, 3),
        "p95_ms": round(s[min(len(s) - 1, int(0.95 * len(s)))] * 1000, 3),
        "min_ms": round(s[0] * 1000, 3),
    }


def _sessions(rng: random.Random, n: int, start: datetime, days: int) -> list[tuple[datetime, datetime]]:
    out = []
    for _ in range(n):
        day = start.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=rng.randrange(days))
        s = day + timedelta(minutes=rng.randrange(6 * 60, 21 * 60, 15))
        out.append((s, s + timedelta(minutes=rng.choice([30, 45, 60, 90]))))
    return sorted(out)


def _query(raw: Raw) -> SlotQuery:
    return SlotQuery(
        mentor=Availability(raw["mentor_zone"], weekly=raw["mentor_weekly"], overrides=raw["mentor_overrides"]),
        mentee=Availability(raw["mentee_zone"], weekly=raw["mentee_weekly"], overrides=raw["mentee_overrides"]),
        rules=RULES,
        mentor_busy=raw["mentor_busy"],
        mentee_busy=raw["mentee_busy"],
        cap_sessions=raw["cap_sessions"],
    )


def one_mentor_data(seed: int = 7) -> Raw:
    rng = random.Random(seed)
    weekday = [(clock(9), clock(12, 30)), (clock(13, 30), clock(18))]
    mentor_weekly = {d: list(weekday) for d in range(5)}
    mentor_weekly[1] = [*weekday, (clock(19), clock(21))]
    mentor_weekly[5] = [(clock(10), clock(12))]
    mentor_busy = _sessions(rng, 120, NOW, 62)
    return {
        "mentor_zone": "Europe/Berlin",
        "mentor_weekly": mentor_weekly,
        "mentor_overrides": {
            date(2026, 3, 13): [],
            date(2026, 4, 3): [],
            date(2026, 3, 18): [(clock(7), clock(10))],
            date(2026, 4, 22): [(clock(15), clock(20))],
        },
        "mentee_zone": "America/New_York",
        "mentee_weekly": {d: [(clock(7), clock(12)), (clock(17), clock(20))] for d in range(5)},
        "mentee_overrides": {date(2026, 3, 20): []},
        "mentor_busy": mentor_busy,
        "mentee_busy": _sessions(rng, 80, NOW, 62),
        # The mentor's sessions in this program (the cap counts those): one in six.
        "cap_sessions": [s for s, _ in mentor_busy[::6]],
    }


def section_slots_one_mentor(repeat: int) -> dict[str, Any]:
    raw = one_mentor_data()
    times, slots = _timed(lambda: free_slots(_query(raw), now=NOW), repeat)
    q = _query(raw)
    nxt_times, _ = _timed(
        lambda: next_free_slots(_query(raw), now=NOW, after=NOW + timedelta(days=20), count=5), repeat
    )
    picks = [slots[i].start for i in range(0, len(slots), max(1, len(slots) // 50))]
    check_times, _ = _timed(lambda: [check_slot(_query(raw), now=NOW, start=p) for p in picks], max(1, repeat // 10))
    t = time.perf_counter()
    naive = reference_free_starts(q, NOW)
    naive_s = time.perf_counter() - t
    if naive != [s.start for s in slots]:
        raise SystemExit("slots_one_mentor: the calculator and the naive reference disagree")
    free = _ms(times)
    return {
        "sessions": len(raw["mentor_busy"]) + len(raw["mentee_busy"]),
        "horizon_days": RULES.horizon.days,
        "slots": len(slots),
        "free_slots": free,
        "next_free_slots_5": _ms(nxt_times),
        "check_slot": _ms([x / len(picks) for x in check_times]),
        "naive_s": round(naive_s, 3),
        "naive_ratio": round(naive_s * 1000 / free["median_ms"], 1),
        "target_ms": 20,
    }


def week_data(seed: int = 11) -> list[Raw]:
    rng = random.Random(seed)
    mentee_busy = _sessions(rng, 10, NOW, 8)
    out = []
    for i in range(50):
        zone = ZONES[i % len(ZONES)]
        start_h = rng.choice([7, 8, 9, 10, 14, 20])  # 20:00 + 6-9 h crosses midnight
        hours = rng.choice([4, 6, 8, 9])
        end = clock((start_h + hours) % 24, rng.choice([0, 30]))
        days = range(5) if rng.random() > 0.2 else (6, 0, 1, 2, 3)  # some work Sunday-Thursday
        mentor_busy = _sessions(rng, 40, NOW, 60)
        out.append(
            {
                "mentor_zone": zone,
                "mentor_weekly": {d: [(clock(start_h), end)] for d in days},
                "mentor_overrides": {date(2026, 3, 4): []} if i % 7 == 0 else {},
                "mentee_zone": "Europe/Lisbon",
                "mentee_weekly": {d: [(clock(8), clock(20))] for d in range(6)},
                "mentee_overrides": {},
                "mentor_busy": mentor_busy,
                "mentee_busy": mentee_busy,
                "cap_sessions": [s for s, _ in mentor_busy[::4]],
            }
        )
    return out


def section_slots_week_50_mentors(repeat: int) -> dict[str, Any]:
    raws = week_data()
    until = NOW + timedelta(days=7)

    def view() -> list[int]:
        return [len(free_slots(_query(raw), now=NOW, before=until)) for raw in raws]

    times, counts = _timed(view, max(1, repeat // 5))
    week_rules = dataclasses.replace(RULES, horizon=timedelta(days=7))
    t = time.perf_counter()
    naive = [reference_free_starts(dataclasses.replace(_query(raw), rules=week_rules), NOW) for raw in raws]
    naive_s = time.perf_counter() - t
    ours = [[s.start for s in free_slots(_query(raw), now=NOW, before=until)] for raw in raws]
    if naive != ours:
        raise SystemExit("slots_week_50_mentors: the calculator and the naive reference disagree")
    view_ms = _ms(times)
    return {
        "mentors": len(raws),
        "zones": len({r["mentor_zone"] for r in raws}),
        "sessions_per_mentor": 40,
        "mentors_with_slots": sum(1 for c in counts if c),
        "slots": sum(counts),
        "view": view_ms,
        "per_mentor_ms": round(view_ms["median_ms"] / len(raws), 3),
        "naive_s": round(naive_s, 3),
        "naive_ratio": round(naive_s * 1000 / view_ms["median_ms"], 1),
    }


SECTIONS: dict[str, Callable[[int], dict[str, Any]]] = {
    "slots_one_mentor": section_slots_one_mentor,
    "slots_week_50_mentors": section_slots_week_50_mentors,
}


def _print(name: str, r: dict[str, Any]) -> None:
    print(f"== {name}")
    for key, value in r.items():
        print(f"  {key:22} {value}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections: " + ", ".join(SECTIONS))
    ap.add_argument("--repeat", type=int, default=200, help="timed calls per figure (default 200)")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        ap.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    out: dict[str, Any] = {"python": platform.python_version(), "machine": platform.machine()}
    for name in names:
        out[name] = SECTIONS[name](args.repeat)
        if not args.json:
            _print(name, out[name])
    if args.json:
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
