"""Benchmarks of scheduling (the slot figures need no Django).

    .venv/bin/python bench/scheduling.py [--json] [--only NAME,...] [--repeat 200]

Sections (each a function in ``SECTIONS`` that returns a dict of figures):

* ``slots_one_mentor``: one mentor (Europe/Berlin) and one mentee (America/New_York),
  60-day horizon spanning the US and EU spring changes, 200 existing sessions of the two,
  weekly cap; timed per call (building the ``SlotQuery`` from plain lists included):
  ``free_slots``, ``next_free_slots(count=5)`` and ``check_slot``.
* ``slots_week_50_mentors``: "who is free this week": the free slots of 50 mentors in 12
  zones (40 sessions each over the horizon) for one mentee, over the next 7 days.

Each of these runs the naive minute-by-minute reference of the tests
(``tests/scheduling/reference.py``) once on the same data, checks that it finds the same
slots, and reports the ratio. Data is seeded: the same on every machine.

With Django and a database (``DATABASE_URL``; a throw-away organization is created and
deleted):

* ``booking_postgres``: booking throughput on PostgreSQL: 8 concurrent clients (threads,
  each with its own connection) book sessions of 200 pairs with 100 mentors in 12 zones,
  the way the booking page does (load the next free slots, pick one, book it), through
  ``session_book`` (lock, re-check, insert, exclusion constraint); conflicts are the 409s.
  Then every pair of active attendance rows of one person is checked for overlap (must
  be 0). Invites are left out (the worker sends them after the commit).
* ``reminders_worker``: 10,000 due reminders dispatched by a real Celery worker
  (concurrency 2, the broker of CELERY_BROKER_URL / REDIS_URL, else the filesystem
  transport), the emails written to an outbox folder; reports reminders/s and the
  duplicates found in the written emails (must be 0).

``--json`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import email
import email.policy
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parent
# bench/ holds a script named matching.py: keep it from shadowing the app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_ROOT))

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


# --- With Django and a database ---------------------------------------------------------------

_VAR_DIR = tempfile.mkdtemp(prefix="turazo-bench-scheduling-")
_QUEUE = f"bench-scheduling-{uuid.uuid4().hex[:8]}"


def _django() -> None:
    import django
    from django.apps import apps

    if apps.ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "turazo.settings")
    os.environ["DEBUG"] = "true"  # emails go to the outbox folder under the temporary folder
    os.environ["TURAZO_VAR_DIR"] = _VAR_DIR
    os.environ["CELERY_QUEUE"] = _QUEUE
    os.environ.pop("EMAIL_URL", None)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _cohort(tag: str, mentors: int, mentees_per_mentor: int):
    """A throw-away organization and active program with ``mentors`` mentors in 12 zones (the
    default availability: weekdays 09:00-17:00 on their clock), each with their mentees."""
    from accounts.models import Organization, User
    from mentoring.models import Mentorship, Participant, Program
    from scheduling.services.availability import availability_get_or_create

    organization = Organization.objects.create(name=f"Scheduling bench {tag}", slug=f"bench-sched-{tag}")
    program = Program.objects.create(
        organization=organization, name="Bench cohort", start_date="2026-01-01", end_date="2027-12-31",
        status=Program.Status.ACTIVE,
    )  # fmt: skip
    users = User.objects.bulk_create(
        User(email=f"p{i}.{tag}@bench.invalid", full_name=f"Person {i}")
        for i in range(mentors * (1 + mentees_per_mentor))
    )
    people = Participant.objects.bulk_create(
        Participant(
            organization=organization,
            program=program,
            user=u,
            email=u.email,
            full_name=u.full_name,
            role="mentor" if i < mentors else "mentee",
            status="active",
            timezone=ZONES[i % len(ZONES)],
        )
        for i, u in enumerate(users)
    )
    for p in people:
        availability_get_or_create(participant=p)
    pairs = Mentorship.objects.bulk_create(
        Mentorship(
            organization=organization,
            program=program,
            mentor=people[i % mentors],
            mentee=people[mentors + i],
            source="admin",
        )
        for i in range(mentors * mentees_per_mentor)
    )
    return organization, users, [p.pk for p in pairs]


def _cleanup(organization, users) -> None:
    from accounts.models import User

    organization.delete()
    User.objects.filter(pk__in=[u.pk for u in users]).delete()


def _booking_round(pair_ids: list[int], *, clients: int, attempts: int, choices: int) -> dict[str, Any]:
    """``clients`` threads (own connections) each make ``attempts`` bookings: a random pair,
    its next ``choices`` free slots (as the booking page shows them), one of those at random."""
    from django.db import connections

    from mentoring.models import Mentorship
    from scheduling.services import sessions as services
    from scheduling.services.free_time import next_slots
    from turazo.core.errors import DomainError

    results: list[list[tuple[str, float]]] = [[] for _ in range(clients)]
    barrier = threading.Barrier(clients)

    def client(i: int) -> None:
        rng = random.Random(i)
        try:
            pairs = {
                m.pk: m
                for m in Mentorship.objects.select_related(
                    "program", "organization", "mentor__user", "mentee__user"
                ).filter(pk__in=pair_ids)
            }
            barrier.wait(timeout=60)
            for _ in range(attempts):
                pair = pairs[rng.choice(pair_ids)]
                t = time.perf_counter()
                offered = next_slots(mentorship=pair, after=datetime.now(UTC), count=choices)
                try:
                    services.session_book(mentorship=pair, start=rng.choice(offered).start, actor=pair.mentee.user)
                    outcome = "booked"
                except DomainError as e:
                    outcome = str(e.status_code)
                results[i].append((outcome, time.perf_counter() - t))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    outcomes = Counter(o for r in results for o, _ in r)
    latencies = [d for r in results for o, d in r if o == "booked"]
    return {
        "pairs": len(pair_ids),
        "attempts": sum(outcomes.values()),
        "booked": outcomes["booked"],
        "conflicts_409": outcomes["409"],
        "other_errors": {k: v for k, v in outcomes.items() if k not in ("booked", "409")},
        "seconds": round(elapsed, 2),
        "bookings_per_s": round(outcomes["booked"] / elapsed, 1),
        "attempts_per_s": round(sum(outcomes.values()) / elapsed, 1),
        "latency_booked": _ms(latencies) if latencies else None,
    }


def section_booking_postgres(repeat: int) -> dict[str, Any]:
    """8 clients on 100 mentors: spread over all 200 pairs, then "hot" on 10 pairs of 5
    mentors choosing among the first 3 free times (most attempts collide)."""
    _django()
    from django.db import connection

    if connection.vendor != "postgresql":
        return {"skipped": "needs PostgreSQL: set DATABASE_URL=postgres://..."}
    from scheduling.models import Session
    from scheduling.services import sessions as services

    clients = 8
    tag = uuid.uuid4().hex[:8]
    organization, users, pair_ids = _cohort(tag, mentors=100, mentees_per_mentor=2)
    notify = services._enqueue_notify
    services._enqueue_notify = lambda session_id: None  # invites are the worker's job, after the commit
    try:
        spread = _booking_round(pair_ids, clients=clients, attempts=max(10, repeat // 4), choices=6)
        hot_pairs = [pk for i, pk in enumerate(pair_ids) if i % 100 < 5]  # mentors 0-4, both their mentees
        hot = _booking_round(hot_pairs, clients=clients, attempts=max(5, repeat // 8), choices=3)
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT count(*) FROM scheduling_sessionattendance a JOIN scheduling_sessionattendance b
                   ON a.user_id = b.user_id AND a.id < b.id AND a.active AND b.active
                  AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
                   WHERE a.organization_id = %s""",
                [organization.pk],
            )
            double = cursor.fetchone()[0]
        sessions = Session.objects.filter(organization=organization).count()
    finally:
        services._enqueue_notify = notify
        _cleanup(organization, users)
    if double:
        raise SystemExit(f"booking_postgres: {double} double bookings")
    return {
        "clients": clients,
        "mentors": 100,
        "spread": spread,
        "hot": hot,
        "sessions_in_db": sessions,
        "double_bookings": double,
    }


def section_reminders_worker(repeat: int) -> dict[str, Any]:
    _django()
    from django.db import connection
    from django.utils import timezone

    from mentoring.models import Mentorship
    from scheduling.models import Reminder, Session
    from scheduling.services.policy import policy_for
    from scheduling.tasks import reminders_dispatch_task
    from turazo.core.models import Heartbeat
    from turazo.core.tasks import heartbeat

    count = 10_000
    tag = uuid.uuid4().hex[:8]
    organization, users, pair_ids = _cohort(tag, mentors=50, mentees_per_mentor=1)
    pairs = list(Mentorship.objects.select_related("mentor", "mentee").filter(pk__in=pair_ids))
    policy_for(pairs[0].program)
    now = timezone.now()
    sessions = Session.objects.bulk_create(
        Session(
            organization=organization,
            program_id=pairs[0].program_id,
            mentorship=pair,
            mentor=pair.mentor,
            mentee=pair.mentee,
            start=now + timedelta(minutes=50, seconds=i),
            end=now + timedelta(minutes=95, seconds=i),
            video_url=f"https://meet.jit.si/bench-{tag}-{i}",
            video_room=f"bench-{tag}-{i}",
            calendar_uid=f"bench-{tag}-{i}@bench.invalid",
        )
        for i, pair in ((i, pairs[i % len(pairs)]) for i in range(count // 2))
    )
    Reminder.objects.bulk_create(
        Reminder(organization=organization, session=s, recipient_id=p.user_id, kind="1h", due_at=now)
        for s in sessions
        for p in (s.mentor, s.mentee)
    )
    outbox = Path(_VAR_DIR) / "outbox"
    log = Path(_VAR_DIR) / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "turazo", "worker", "-Q", _QUEUE, "-n", f"{_QUEUE}@localhost"]
        + ["--concurrency=2", "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
        cwd=_ROOT,
        env=os.environ.copy(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        heartbeat.delay(f"bench-{tag}")
        deadline = time.monotonic() + 120
        while not Heartbeat.objects.filter(name=f"bench-{tag}").exists():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("The Celery worker did not start:\n" + log.read_text())
            time.sleep(0.2)
        pending = Reminder.objects.filter(organization=organization, status="pending")
        t0 = time.perf_counter()
        last_kick = 0.0
        while pending.exists():
            # What beat does every minute, faster: overlapping runs are safe (SKIP LOCKED).
            if time.perf_counter() - last_kick > 10:
                reminders_dispatch_task.delay()
                reminders_dispatch_task.delay()
                last_kick = time.perf_counter()
            if worker.poll() is not None or time.perf_counter() - t0 > 1800:
                raise SystemExit("Dispatch stalled:\n" + log.read_text()[-3000:])
            time.sleep(0.1)
        elapsed = time.perf_counter() - t0
        time.sleep(1)
        ids = []
        for path in outbox.glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["X-Turazo-Reminder"]:
                ids.append(int(message["X-Turazo-Reminder"]))
        statuses = Counter(Reminder.objects.filter(organization=organization).values_list("status", flat=True))
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        _cleanup(organization, users)
    duplicates = sum(n - 1 for n in Counter(ids).values() if n > 1)
    if duplicates or len(set(ids)) != count:
        raise SystemExit(f"reminders_worker: {len(set(ids))} distinct of {count}, {duplicates} duplicates")
    return {
        "reminders": count,
        "database": connection.vendor,
        "broker": "redis"
        if (os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", "")).startswith("redis")
        else "filesystem",
        "worker_concurrency": 2,
        "seconds": round(elapsed, 2),
        "reminders_per_s": round(count / elapsed, 1),
        "statuses": dict(statuses),
        "emails_written": len(ids),
        "duplicates": duplicates,
    }


SECTIONS: dict[str, Callable[[int], dict[str, Any]]] = {
    "slots_one_mentor": section_slots_one_mentor,
    "slots_week_50_mentors": section_slots_week_50_mentors,
    "booking_postgres": section_booking_postgres,
    "reminders_worker": section_reminders_worker,
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
