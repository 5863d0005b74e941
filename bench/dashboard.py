"""Benchmark of the program dashboard (insights) on the configured database.

    .venv/bin/python bench/dashboard.py [--json] [--repeat 30]

Builds two throw-away programs with ``tests/insights/cohort.py`` (seeded, so the same on every
machine), in one throw-away organization deleted at the end:

* the **baseline**: 100 participants (the figures of a small program, measured in the same run);
* the **big** program: 10,000 participants, 5,000 mentorships and 60,000 sessions (12 per
  pair, spread over 19 weeks, every status), with feedback and requests.

For each page (the dashboard, the final report, the sessions CSV, the API's figures) and the
organization overview, it requests the page ``--repeat`` times as the program's HR admin
through Django's test client (in-process: URL routing, middleware, the view, every query and
the template; no network) and reports the median and p95 server time and the number of SQL
queries, big next to baseline, with the ratio. Target: the big dashboard's median ≤ 300 ms
and the same query count as the baseline. Meant for PostgreSQL (``DATABASE_URL``); on SQLite
it runs too, and says so.

``--json`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parent
# bench/ holds a script named matching.py: keep it from shadowing the app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_ROOT))

TARGET_MS = 300.0
PAGES = ["program-dashboard", "program-report", "dashboard-csv", "api-program-dashboard"]


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "turazo.settings")
    os.environ.setdefault("DEBUG", "true")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _time(client, url: str, repeat: int) -> dict[str, Any]:
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)  # warm-up, and the query count
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)], 1),
        "queries": len(queries),
    }


def run(repeat: int, *, keep: bool = False, reuse: bool = False) -> dict[str, Any]:
    _django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from accounts.models import Membership, Organization, User
    from mentoring.models import Mentorship, Participant, Program
    from scheduling.models import Session
    from tests.insights.cohort import build_cohort

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    now = datetime.now(UTC)
    kept = Organization.objects.filter(slug="bench-dash-kept").first() if reuse else None
    if kept is not None:
        organization = kept
        admin = Membership.objects.filter(organization=organization, is_admin=True).first().user
    else:
        organization = Organization.objects.create(
            name="Dashboard bench", slug="bench-dash-kept" if keep else f"bench-dash-{stamp}"
        )
        admin = User.objects.create_user(email=f"hr-{stamp}@bench.invalid", full_name="Bench Admin")
        Membership.objects.create(user=admin, organization=organization, is_admin=True)
    try:
        started = time.perf_counter()
        if kept is not None:
            small, big = (
                type("C", (), {"program": p})()
                for p in Program.objects.filter(organization=organization).order_by("pk")
            )
        else:
            small = build_cohort(organization, people=100, now=now, seed=100)
            big = build_cohort(organization, people=10_000, now=now, seed=10_000, pairs_target=5_000, sessions_each=12)
        build_seconds = round(time.perf_counter() - started, 1)
        if connection.vendor == "postgresql":
            # What autovacuum does soon after a bulk load in production: statistics for the
            # planner, and the visibility map that lets covering indexes answer alone.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        sizes = {
            "participants": Participant.objects.filter(program=big.program).count(),
            "mentorships": Mentorship.objects.filter(program=big.program).count(),
            "sessions": Session.objects.filter(program=big.program).count(),
        }
        client = Client()
        client.force_login(admin)
        pages: dict[str, Any] = {}
        for name in PAGES:
            base = _time(client, reverse(name, args=[small.program.pk]), repeat)
            heavy = _time(client, reverse(name, args=[big.program.pk]), repeat)
            pages[name] = {
                "baseline_100": base,
                "big_10000": heavy,
                "time_ratio": round(heavy["median_ms"] / base["median_ms"], 2) if base["median_ms"] else None,
                "same_query_count": base["queries"] == heavy["queries"],
            }
        pages["organization-overview"] = {"both_programs": _time(client, reverse("organization-overview"), repeat)}
        dashboard = pages["program-dashboard"]["big_10000"]
        return {
            "database": connection.vendor,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "repeat": repeat,
            "build_seconds": build_seconds,
            "big_program": sizes,
            "pages": pages,
            "target_ms": TARGET_MS,
            "dashboard_meets_target": dashboard["median_ms"] <= TARGET_MS,
        }
    finally:
        if not (keep or reuse):  # --keep / --reuse leave the data for the next run
            organization.delete()
            User.objects.filter(email__startswith="author-", email__endswith="@cohort.test").delete()
            admin.delete()


def _print(out: dict[str, Any]) -> None:
    print(
        f"Program dashboard on {out['database']} (Python {out['python']}, {out['machine']}), {out['repeat']} requests each"
    )
    size = out["big_program"]
    print(
        f"  big program: {size['participants']:,} participants, {size['mentorships']:,} mentorships, "
        f"{size['sessions']:,} sessions (built in {out['build_seconds']} s)"
    )
    for name, figures in out["pages"].items():
        if "big_10000" not in figures:
            f = figures["both_programs"]
            print(f"  {name:24} median {f['median_ms']:7.1f} ms  p95 {f['p95_ms']:7.1f} ms  {f['queries']} queries")
            continue
        b, h = figures["baseline_100"], figures["big_10000"]
        print(
            f"  {name:24} 100 people: {b['median_ms']:6.1f} ms (p95 {b['p95_ms']:6.1f}), {b['queries']} queries | "
            f"10,000: {h['median_ms']:6.1f} ms (p95 {h['p95_ms']:6.1f}), {h['queries']} queries | "
            f"x{figures['time_ratio']}"
        )
    verdict = "meets" if out["dashboard_meets_target"] else "MISSES"
    print(f"  dashboard {verdict} the {out['target_ms']:.0f} ms target")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    ap.add_argument("--keep", action="store_true", help="keep the generated programs for --reuse (development)")
    ap.add_argument("--reuse", action="store_true", help="reuse the programs a --keep run left (development)")
    args = ap.parse_args(argv)
    out = run(args.repeat, keep=args.keep, reuse=args.reuse)
    if args.json:
        print(json.dumps(out))
    else:
        _print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
