"""Run matching for a program from the shell, in this process, and print the statistics."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching import services
from matching.models import MatchRun
from mentoring.models import Program
from turazo.core.errors import DomainError


class Command(BaseCommand):
    help = "Run matching for a program (in this process, not the worker) and print the statistics."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program_id", type=int)
        parser.add_argument("--algorithm", choices=MatchRun.Algorithm.values, default=MatchRun.Algorithm.OPTIMAL)
        parser.add_argument("--publish", action="store_true", help="Publish the proposals when the run is done.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the statistics as JSON.")

    def handle(self, *args: Any, program_id: int, algorithm: str, publish: bool, as_json: bool, **options: Any) -> None:
        program = Program.objects.filter(pk=program_id).first()
        if program is None:
            raise CommandError(f"There is no program with id {program_id}.")
        try:
            # Create without the worker: the run executes right here, after its row commits.
            run = services.match_run_create(program=program, actor=None, algorithm=algorithm, enqueue=False)
        except DomainError as e:
            raise CommandError(e.message)
        run = services.match_run_execute(run_id=run.pk) or run
        run.refresh_from_db()
        if run.status != MatchRun.Status.DONE:
            raise CommandError(f"Run #{run.pk} {run.status}: {run.error or 'no details'}")
        published = services.match_run_publish(run=run, actor=None) if publish else None
        if as_json:
            body = {"run": run.pk, "stats": run.stats, "timings": run.timings}
            if published:
                body["published"] = {"created": published.created, "skipped": published.skipped}
            self.stdout.write(json.dumps(body, indent=2, sort_keys=True))
            return
        s = run.stats
        self.stdout.write(
            f"Run #{run.pk} of “{program.name}” ({run.get_algorithm_display()}) done in {run.timings['total']:.2f} s"
        )
        self.stdout.write(f"  matched:     {s['matched']}")
        self.stdout.write(f"  unmatched:   {s['unmatched']}")
        self.stdout.write(f"  total score: {s['total_score']}")
        self.stdout.write(f"  mean score:  {s['mean_score']}")
        self.stdout.write(f"  min score:   {s['min_score']}")
        self.stdout.write(
            "  histogram:   " + "  ".join(f"{10 * i}-{10 * i + 10}: {n}" for i, n in enumerate(s["histogram"]))
        )
        self.stdout.write("  timings:     " + ", ".join(f"{k} {v:.3f}s" for k, v in run.timings.items()))
        if published:
            self.stdout.write(self.style.SUCCESS(published.message))
