"""Benchmark of the CSV import: preview, commit, sending the invitations, and re-import.

    .venv/bin/python bench/import.py [--rows 10000] [--json]

Uses the database of DATABASE_URL (default: a fresh SQLite file in a temporary
folder) and the broker of CELERY_BROKER_URL / REDIS_URL (default: the filesystem
transport). It starts its own Celery worker (concurrency 2) on a private queue,
creates a throw-away organization, program and HR admin, generates a CSV of
--rows participants (half mentors, half mentees, every column filled), then:

* preview: ``import_preview`` (decode, check every row, store the job), in this
  process whatever the file's size (the app leaves a file over 1 MB to a worker);
* commit:  ``import_apply`` in this process (bulk insert + invitations, one transaction);
* sending: from the commit until the worker has marked every invitation sent
  (emails go to an outbox folder in the temporary folder, never to a mail server);
* update:  a second file with the same people and every row changed (name, job
  title, department, time zone, languages, hours, goals or expertise, skills),
  previewed and applied: the re-import path, with no invitation to create.

It prints rows/second for each phase, the SQL queries per row of preview +
commit (counted on this process's connection), and how the update commit
compares with the first commit (the target: at most 2x), then deletes what it
created. ``--json`` prints one JSON object instead.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

# bench/ holds a script named matching.py: keep it from shadowing the app.
_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_ROOT))

ZONES = ["Europe/Lisbon", "Europe/Berlin", "America/New_York", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Tokyo"]
SKILLS = ["SQL", "Python", "public speaking", "negotiation", "hiring", "budgeting", "design reviews", "coaching"]
DEPARTMENTS = ["Engineering", "Sales", "Finance", "People", "Marketing", "Support"]


def generate_csv(rows: int, tag: str, *, changed: bool = False) -> bytes:
    """Half mentors, half mentees, every column filled; ``changed`` alters every row's
    values (not its email or role), as a re-export from an HR system after a year."""
    if changed:
        zones, skills, departments = ZONES[1:] + ZONES[:1], SKILLS[3:] + SKILLS[:3], DEPARTMENTS[::-1]
        name, title, start, days, goal = "Member", ("Director", "Specialist"), "08:30", "Mon-Thu", "Move into"
    else:
        zones, skills, departments = ZONES, SKILLS, DEPARTMENTS
        name, title, start, days, goal = "Person", ("Lead", "Analyst"), "09:00", "Mon-Fri", "Grow into"
    out = io.StringIO()
    out.write(
        "email,role,full_name,job_title,department,seniority,location,timezone,languages,"
        "work_start,work_end,work_days,goals,skills_wanted,expertise,skills_offered,capacity\n"
    )
    for i in range(rows):
        mentor = i % 2 == 0
        tags = f"{skills[i % 8]}; {skills[(i * 3 + 1) % 8]}"
        out.write(
            f"person{i}.{tag}@bench.invalid,{'mentor' if mentor else 'mentee'},{name} {i},"
            f"{title[0] if mentor else title[1]},{departments[i % 6]},{(i % 6) + 1},City {i % 40},"
            f"{zones[i % 6]},English; {'German' if i % 3 else 'Portuguese'},{start},17:30,{days},"
            f"{'' if mentor else goal + ' a lead role and get better at ' + skills[i % 8]},"
            f"{'' if mentor else tags},{'Years of ' + skills[i % 8] if mentor else ''},"
            f"{tags if mentor else ''},{(i % 3) + 1 if mentor else ''}\n"
        )
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="turazo-bench-import-")
    queue = f"bench-import-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="turazo.settings",
        DEBUG="true",  # emails go to the outbox folder under var_dir
        TURAZO_VAR_DIR=var_dir,
        CELERY_QUEUE=queue,
        CSV_IMPORT_MAX_BYTES=str(max(5 * 1024 * 1024, args.rows * 400)),
        # The preview is timed in this process, not left to the worker.
        CSV_IMPORT_INLINE_MAX_BYTES=str(max(5 * 1024 * 1024, args.rows * 400)),
        CSV_IMPORT_MAX_ROWS=str(max(20_000, args.rows)),
    )
    os.environ.pop("EMAIL_URL", None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Membership, Organization, User
    from mentoring.models import Invitation, Participant, Program
    from mentoring.services import imports
    from turazo.core.models import Heartbeat
    from turazo.core.tasks import heartbeat

    call_command("migrate", verbosity=0)
    log = Path(var_dir) / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "turazo", "worker", "-Q", queue, "-n", f"{queue}@localhost"]
        + ["--concurrency=2", "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
        cwd=_ROOT,
        env=os.environ.copy(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    tag = uuid.uuid4().hex[:8]
    organization = Organization.objects.create(name=f"Import bench {tag}", slug=f"bench-import-{tag}")
    admin = User.objects.create_user(f"hr.{tag}@bench.invalid")
    try:
        Membership.objects.create(user=admin, organization=organization, is_admin=True)
        program = Program.objects.create(
            organization=organization, name="Bench cohort", start_date="2027-01-01", end_date="2027-12-31"
        )
        data = generate_csv(args.rows, tag)

        # The worker is ready once it has run one task.
        heartbeat.delay(f"bench-{tag}")
        deadline = time.monotonic() + 120
        while not Heartbeat.objects.filter(name=f"bench-{tag}").exists():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("The Celery worker did not start:\n" + log.read_text())
            time.sleep(0.2)

        queries = {"n": 0}

        def count(execute, sql, params, many, context):
            queries["n"] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            t0 = time.perf_counter()
            job = imports.import_preview(program=program, uploaded_by=admin, filename="bench.csv", data=data)
            preview_s = time.perf_counter() - t0
            preview_queries = queries["n"]
            if job.report["problems"]:
                raise SystemExit(f"The generated file has problems: {job.report['problems'][:3]}")
            t0 = time.perf_counter()
            job = imports.import_apply(job_id=job.pk)
            commit_s = time.perf_counter() - t0
            commit_queries = queries["n"] - preview_queries
        if job.status != "done":
            raise SystemExit(f"The import failed: {job.error}")
        invited = job.summary["invited"]

        t0 = time.perf_counter()
        sent = Invitation.objects.filter(participant__program=program, status=Invitation.Status.SENT)
        deadline = time.monotonic() + 1800
        while sent.count() < invited:
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"Sending stalled at {sent.count()} of {invited}:\n" + log.read_text()[-3000:])
            time.sleep(0.25)
        send_s = time.perf_counter() - t0
        emails = len(list((Path(var_dir) / "outbox").glob("*.eml")))
        assert Participant.objects.filter(program=program).count() == args.rows

        # The re-import, once the worker is idle again: every row changes.
        changed = generate_csv(args.rows, tag, changed=True)
        queries["n"] = 0
        with connection.execute_wrapper(count):
            t0 = time.perf_counter()
            update_job = imports.import_preview(program=program, uploaded_by=admin, filename="again.csv", data=changed)
            update_preview_s = time.perf_counter() - t0
            update_preview_queries = queries["n"]
            if update_job.report["updates"] != args.rows:
                raise SystemExit(f"The re-import does not update every row: {update_job.report}")
            t0 = time.perf_counter()
            update_job = imports.import_apply(job_id=update_job.pk)
            update_s = time.perf_counter() - t0
            update_queries = queries["n"] - update_preview_queries
        if update_job.status != "done" or update_job.summary["updated"] != args.rows:
            raise SystemExit(f"The re-import failed: {update_job.error or update_job.summary}")
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        organization.delete()
        admin.delete()

    result = {
        "rows": args.rows,
        "database": connection.vendor,
        "broker": "redis"
        if (os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", "")).startswith("redis")
        else "filesystem",
        "preview_s": round(preview_s, 3),
        "preview_rows_per_s": round(args.rows / preview_s),
        "commit_s": round(commit_s, 3),
        "commit_rows_per_s": round(args.rows / commit_s),
        "send_s": round(send_s, 3),
        "send_rows_per_s": round(invited / send_s) if send_s else None,
        "invitations": invited,
        "emails_written": emails,
        "update_preview_s": round(update_preview_s, 3),
        "update_s": round(update_s, 3),
        "update_rows_per_s": round(args.rows / update_s),
        "update_vs_commit": round(update_s / commit_s, 2),
        "queries": {
            "preview": preview_queries,
            "commit": commit_queries,
            "update_preview": update_preview_queries,
            "update": update_queries,
        },
        "queries_per_row": round((preview_queries + commit_queries) / args.rows, 4),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"CSV import of {args.rows:,} rows on {result['database']} (worker: concurrency 2)")
    print(f"  preview  {preview_s:7.2f} s  {result['preview_rows_per_s']:>8,} rows/s  ({preview_queries} queries)")
    print(f"  commit   {commit_s:7.2f} s  {result['commit_rows_per_s']:>8,} rows/s  ({commit_queries} queries)")
    print(
        f"  sending  {send_s:7.2f} s  {result['send_rows_per_s']:>8,} rows/s  ({invited:,} invitations, {emails:,} emails)"
    )
    print(
        f"  update   {update_s:7.2f} s  {result['update_rows_per_s']:>8,} rows/s  ({update_queries} queries; "
        f"every row changed, preview {update_preview_s:.2f} s)"
    )
    print(f"  update / commit: {result['update_vs_commit']}x (target: at most 2x)")
    print(f"  SQL queries per row (preview + commit): {result['queries_per_row']}")


if __name__ == "__main__":
    main()
