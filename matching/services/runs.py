"""Match runs: create, retry, re-run, cancel, execute in the worker (progress, cancellation), reap."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from matching import selectors
from matching.engine import InvalidInput, MatchCancelled, Proposal, explain
from matching.engine import run as engine_run
from matching.models import MatchProposal, MatchRun, UnmatchedMentee
from matching.services.common import BATCH, RUN_GONE
from mentoring.models import Program
from mentoring.services.writable import program_writable
from turazo.core.errors import Conflict, ValidationFailed
from turazo.core.jobs import (
    LEASE_TIMEOUT,
    QUEUED_GIVE_UP,
    Lease,
    Reaped,
    enqueue_on_commit,
    long_job_key,
    long_jobs_reap,
)
from turazo.core.models import lock_existing

logger = logging.getLogger(__name__)

# Share of the progress bar each stage fills (start, end), so the bar only moves forward.
STAGE_SPAN = {
    MatchRun.Stage.LOADING: (0, 5),
    MatchRun.Stage.SCORING: (5, 55),
    MatchRun.Stage.ASSIGNING: (55, 90),
    MatchRun.Stage.SAVING: (90, 100),
}
PROGRESS_EVERY_S = 0.25
CANCEL_POLL_EVERY_S = 0.5

ALREADY_ACTIVE = gettext_lazy(
    "A matching run is already queued or running for this program. Wait for it to finish or cancel it "
    "(a run whose worker stopped is marked failed within a few minutes)."
)


def match_run_create(
    *,
    program: Program,
    actor: User | None,
    algorithm: str = MatchRun.Algorithm.OPTIMAL,
    weights: Mapping[str, Any] | None = None,
    rules: Mapping[str, Any] | None = None,
    enqueue: bool = True,
) -> MatchRun:
    """Queue a run with a snapshot of the settings; the worker starts it after commit.

    ``enqueue=False`` leaves it queued for the caller to execute (the shell command)."""
    if algorithm not in MatchRun.Algorithm.values:
        raise ValidationFailed(
            _("Unknown algorithm “%(algorithm)s”: choose optimal or stable.") % {"algorithm": algorithm},
            fields={"algorithm": [_("Choose optimal or stable.")]},
        )
    program_writable(program)
    try:
        with transaction.atomic():
            run = MatchRun.objects.create(
                organization_id=program.organization_id,
                program=program,
                algorithm=algorithm,
                weights=dict(weights) if weights is not None else selectors.program_weights(program),
                rules=dict(rules) if rules is not None else selectors.program_rules(program),
                created_by=actor,
                queued_at=timezone.now(),
            )
            if enqueue:
                _enqueue(run)
    except IntegrityError:
        raise Conflict(ALREADY_ACTIVE)
    return run


def _enqueue(run: MatchRun) -> None:
    from matching.tasks import match_run_execute_task

    enqueue_on_commit(match_run_execute_task, run.pk, dedupe_key=long_job_key(run))


def match_run_retry(*, run: MatchRun, actor: User | None) -> MatchRun:
    """Queue a failed run again as it is (same id, algorithm and settings; pins and
    forbids as they are now). A failed run saved no proposals, so nothing is undone.

    Idempotent: a run already queued or running again is returned as it is. 409 when
    the run did not fail, the program is closed, or another run is active."""
    with transaction.atomic():
        locked = lock_existing(MatchRun.objects.select_related("program"), pk=run.pk, gone=RUN_GONE, of=("self",))
        if locked.is_active:
            return locked  # retried already: nothing more to queue
        if locked.status != MatchRun.Status.FAILED:
            raise Conflict(
                _(
                    "Only a failed run can be retried; this one is %(status)s. Use Re-run for a new run "
                    "with the same settings."
                )
                % {"status": locked.get_status_display().lower()}
            )
        program_writable(locked.program)
        now = timezone.now()
        try:
            with transaction.atomic():
                MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.FAILED).update(
                    status=MatchRun.Status.QUEUED,
                    stage=MatchRun.Stage.QUEUED,
                    progress=0,
                    cancel_requested=False,
                    error="",
                    stats={},
                    timings={},
                    queued_at=now,
                    started_at=None,
                    heartbeat_at=None,
                    finished_at=None,
                    updated_at=now,
                )
        except IntegrityError:
            raise Conflict(ALREADY_ACTIVE)
        _enqueue(locked)
        locked.refresh_from_db()
    return locked


def match_run_rerun(*, run: MatchRun, actor: User | None) -> MatchRun:
    """Same algorithm and settings as ``run``; pins and forbids as they are now.

    Every organiser decision survives: a pin, a forbid, and a swap (which pins the pair)."""
    return match_run_create(
        program=run.program, actor=actor, algorithm=run.algorithm, weights=run.weights, rules=run.rules
    )


def match_run_cancel(*, run: MatchRun) -> MatchRun:
    """A queued run is cancelled at once; a running one stops at the engine's next
    check, or at once when its lease ran out (its worker is gone: nobody would check)."""
    now = timezone.now()
    if MatchRun.objects.filter(
        Q(status=MatchRun.Status.QUEUED) | Q(status=MatchRun.Status.RUNNING, heartbeat_at__lt=now - LEASE_TIMEOUT),
        pk=run.pk,
    ).update(status=MatchRun.Status.CANCELLED, cancel_requested=True, finished_at=now):
        run.refresh_from_db()
        return run
    if not MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(cancel_requested=True):
        run.refresh_from_db()
        raise Conflict(
            _("This run is already %(status)s; there is nothing to cancel.")
            % {"status": run.get_status_display().lower()}
        )
    run.refresh_from_db()
    return run


class _Reporter:
    """Progress and cancellation for one run, written outside any transaction."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.stage = ""
        self.percent = -1
        self.last_write = 0.0
        self.last_poll = 0.0

    def progress(self, stage: str, fraction: float) -> None:
        lo, hi = STAGE_SPAN.get(stage, (0, 100))
        percent = max(int(lo + (hi - lo) * fraction), self.percent)
        now = time.monotonic()
        if stage == self.stage and (percent == self.percent or now - self.last_write < PROGRESS_EVERY_S):
            return
        self.stage, self.percent, self.last_write = stage, percent, now
        MatchRun.objects.filter(pk=self.run_id, status=MatchRun.Status.RUNNING).update(stage=stage, progress=percent)

    def should_cancel(self) -> bool:
        now = time.monotonic()
        if now - self.last_poll < CANCEL_POLL_EVERY_S:
            return False
        self.last_poll = now
        return MatchRun.objects.filter(pk=self.run_id, cancel_requested=True).exists()


def _proposal_rows(run: MatchRun, proposals: list[Proposal]) -> list[MatchProposal]:
    return [
        MatchProposal(
            organization_id=run.organization_id,
            run_id=run.pk,
            mentee_id=p.mentee_id,
            mentor_id=p.mentor_id,
            score=p.score,
            components=p.components,
            details=p.details,
            explanation=explain(p),
            pinned=p.pinned,
        )
        for p in proposals
    ]


def _finish(run_id: int, status: str, *, error: str = "", timings: dict | None = None) -> None:
    MatchRun.objects.filter(pk=run_id, status__in=MatchRun.ACTIVE).update(
        status=status, error=error, finished_at=timezone.now(), **({"timings": timings} if timings else {})
    )


def match_run_execute(*, run_id: int) -> MatchRun | None:
    """Run the engine for a queued run. Safe to call twice: only a queued run is claimed.

    Progress and the cancel flag travel through small conditional UPDATEs; the
    proposals are written in one transaction at the end, so a failed or
    cancelled run has none."""
    now = timezone.now()
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED, cancel_requested=False).update(
        status=MatchRun.Status.RUNNING, stage=MatchRun.Stage.LOADING, progress=0, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return None
    with Lease(MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING)):
        _execute(MatchRun.objects.select_related("program").get(pk=run_id))
    return MatchRun.objects.get(pk=run_id)


def _execute(run: MatchRun) -> None:
    run_id = run.pk
    reporter = _Reporter(run_id)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    try:
        reporter.progress(MatchRun.Stage.LOADING, 0.0)
        loaded = selectors.match_input_for_program(run.program, weights=run.weights, rules=run.rules)
        timings["loading"] = round(time.perf_counter() - t0, 3)
        result = engine_run(
            loaded.input, algorithm=run.algorithm, progress=reporter.progress, should_cancel=reporter.should_cancel
        )
        for key in ("scoring", "assigning", "details"):
            timings[key] = round(result.timings.get(key, 0.0), 3)
        timings["engine"] = round(result.timings.get("total", 0.0), 3)
        reporter.progress(MatchRun.Stage.SAVING, 0.0)
        t = time.perf_counter()
        rows = _proposal_rows(run, result.proposals)
        unmatched = [
            UnmatchedMentee(
                organization_id=run.organization_id, run_id=run.pk, mentee_id=u.mentee_id, code=u.code, reason=u.reason
            )
            for u in result.unmatched
        ]
        with transaction.atomic():
            locked = MatchRun.objects.select_for_update().get(pk=run_id)
            if locked.cancel_requested or locked.status != MatchRun.Status.RUNNING:
                raise MatchCancelled("cancelled before saving")
            MatchProposal.objects.bulk_create(rows, batch_size=BATCH)
            UnmatchedMentee.objects.bulk_create(unmatched, batch_size=BATCH)
            timings["saving"] = round(time.perf_counter() - t, 3)
            timings["total"] = round(time.perf_counter() - t0, 3)
            MatchRun.objects.filter(pk=run_id).update(
                status=MatchRun.Status.DONE,
                stage="",
                progress=100,
                stats=result.stats,
                timings=timings,
                finished_at=timezone.now(),
            )
    except MatchCancelled:
        _finish(run_id, MatchRun.Status.CANCELLED, timings=timings)
    except InvalidInput as e:
        _finish(
            run_id,
            MatchRun.Status.FAILED,
            error=_("The run cannot start: %(problem)s. Fix it and run again.") % {"problem": e},
        )
    except Exception as e:
        logger.exception("match run %s failed", run_id)
        _finish(
            run_id,
            MatchRun.Status.FAILED,
            error=_("Unexpected error (%(error)s): %(message)s") % {"error": type(e).__name__, "message": e},
        )


# --- runs whose worker died ------------------------------------------------------------------


def _abandoned_message(run: MatchRun) -> str:
    stage = MatchRun.Stage(run.stage).label.lower() if run.stage else _("starting")
    return _("The background worker stopped while %(stage)s (%(progress)s%%); press Retry to run it again.") % {
        "stage": stage,
        "progress": run.progress,
    }


def _unclaimed_message(run: MatchRun) -> str:
    return _(
        "No background worker started this run within %(minutes)s minutes, so it was "
        "stopped. Check that the worker is running (an administrator can see it on /health/), "
        "then press Retry."
    ) % {"minutes": f"{QUEUED_GIVE_UP.total_seconds() / 60:g}"}


def match_runs_reap(*, now: dt.datetime | None = None) -> Reaped:
    """Fail runs whose worker died (lease ran out) or that no worker picked up, which
    frees their program for a new run; publish again runs still waiting. See
    ``turazo.core.jobs.long_jobs_reap``."""
    return long_jobs_reap(
        model=MatchRun,
        task="matching.match_run_execute",
        abandoned_message=_abandoned_message,
        unclaimed_message=_unclaimed_message,
        now=now,
    )
