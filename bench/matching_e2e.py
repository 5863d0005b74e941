"""End-to-end matching benchmark: Postgres rows -> saved proposals.

Creates a throwaway Postgres database, migrates it, bulk-creates a synthetic
cohort (bench/synthetic.py, read-only) as Participants, then times one run the
way the worker executes it: load with ``.values()``, engine, explanations and
one bulk insert. Prints JSON with ``end_to_end_s``. Target for 10k x 2k: <= 8 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/matching_e2e.py [10k|1k|50k]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 2000


def _time(minutes: int | None) -> dt.time | None:
    return None if minutes is None else dt.time(minutes // 60 % 24, minutes % 60)


def create_program(organization, inp, *, name: str = "Synthetic cohort"):
    """A program holding ``inp``'s people as active participants (bulk inserts)."""
    from mentoring.models import Participant, Program

    program = Program.objects.create(
        organization=organization,
        name=name,
        # the cohort's own dates, so the Django run computes the same shared hours as the engine bench
        start_date=inp.period.start if inp.period else dt.date(2027, 1, 1),
        end_date=inp.period.end if inp.period else dt.date(2027, 12, 31),
        status=Program.Status.MATCHING,
        weights={"q:" + k: v for k, v in inp.weights.questions.items()},
        rules={
            "min_score": inp.rules.min_score,
            "seniority_gap": inp.rules.seniority_gap,
            "department": inp.rules.department,
            **{"q:" + k: v for k, v in inp.rules.questions.items()},
        },
    )
    rows = []
    for role, people in (("mentee", inp.mentees), ("mentor", inp.mentors)):
        for p in people:
            rows.append(
                Participant(
                    organization=organization,
                    program=program,
                    email=p.email,
                    role=role,
                    status=Participant.Status.ACTIVE,
                    full_name=p.name,
                    department=p.department,
                    manager_email=p.manager_email if "@" in p.manager_email else "",
                    seniority=p.seniority,
                    timezone=p.timezone,
                    languages=list(p.languages),
                    work_start=_time(p.work_start),
                    work_end=_time(p.work_end),
                    work_days=list(p.work_days),
                    goals=p.text if role == "mentee" else "",
                    expertise=p.text if role == "mentor" else "",
                    skills_wanted=list(p.skills) if role == "mentee" else [],
                    skills_offered=list(p.skills) if role == "mentor" else [],
                    capacity=p.capacity if role == "mentor" else None,
                    answers={k: list(v) for k, v in p.answers.items()},
                    completeness=100,
                )
            )
    Participant.objects.bulk_create(rows, batch_size=BATCH)
    return program


def main(size: str = "10k") -> dict:
    import psycopg

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a Postgres server (any database; a throwaway one is created).")
    server, _, _ = base.rpartition("/")
    name = f"turazo_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{server}/{name}"
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "turazo.settings"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        from accounts.models import Organization
        from bench.synthetic import sized
        from matching import services
        from matching.models import MatchProposal

        t = time.perf_counter()
        inp = sized(size)
        organization = Organization.objects.create(name="Bench", slug=name)
        program = create_program(organization, inp)
        setup_s = time.perf_counter() - t

        run = services.match_run_create(program=program, actor=None, enqueue=False)
        t = time.perf_counter()
        run = services.match_run_execute(run_id=run.pk)
        end_to_end = time.perf_counter() - t
        assert run.status == "done", run.error
        saved = MatchProposal.objects.filter(run=run).count()
        connection.close()
        return {
            "size": size,
            "mentees": len(inp.mentees),
            "mentors": len(inp.mentors),
            "setup_s": round(setup_s, 2),
            "end_to_end_s": round(end_to_end, 3),
            "engine_s": run.timings.get("engine"),
            "timings": run.timings,
            "matched": run.stats["matched"],
            "unmatched": run.stats["unmatched"],
            "mean_score": run.stats["mean_score"],
            "proposals_saved": saved,
        }
    finally:
        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def end_to_end(size: str) -> float | None:
    """The hook bench/matching.py calls: run ``main`` in its own process (it sets up
    Django against a throwaway database) and return its seconds. None without Postgres
    (DATABASE_URL unset or not postgres), so the engine benchmark still runs alone."""
    import subprocess

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return None
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), size], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout)["end_to_end_s"]


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else "10k"), indent=2))
