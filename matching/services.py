"""Writes of the matching app: settings, runs, review (pin/forbid/swap), publish, suggestions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from matching import selectors
from matching.engine import InvalidInput, MatchCancelled, Proposal, explain, score_pairs
from matching.engine import run as engine_run
from matching.models import MatchProposal, MatchRun, PairRule, Suggestion, UnmatchedMentee
from mentoring.models import Mentorship, Participant, Program, Question
from mentoring.services.mentorships import Pair, mentor_free_places, mentorships_create
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
from turazo.core.models import lock_existing, save_existing

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
SUGGESTIONS_K = 10
SUGGESTIONS_DEBOUNCE_S = 5
SUGGESTIONS_KEY = "matching.suggestions:{}"
BATCH = 2000
PROGRAM_GONE = "This program was deleted meanwhile."
RUN_GONE = "This matching run was deleted meanwhile; open the program's runs again."
PROPOSAL_GONE = (
    "This pair is no longer in the run: it was forbidden (or the run was replaced) meanwhile. Reload the run."
)


# --- settings ------------------------------------------------------------------------------


def _number(value: Any, field: str, lo: float, hi: float, errors: dict[str, list[str]]) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        errors[field] = [f"Enter a number from {lo:g} to {hi:g}."]
        return 0.0
    if not lo <= x <= hi:
        errors[field] = [f"{x:g} is out of range: use {lo:g} to {hi:g}."]
    return x


def matching_settings_validate(
    *, program: Program, weights: Mapping[str, Any], rules: Mapping[str, Any]
) -> tuple[dict[str, float], dict[str, Any]]:
    """Clean weights/rules dicts (``q:<key>`` for the program's questions) or raise ValidationFailed."""
    errors: dict[str, list[str]] = {}
    keys = set(Question.objects.filter(program=program).values_list("key", flat=True))
    allowed_w = set(selectors.COMPONENTS) | {f"q:{k}" for k in keys}
    allowed_r = set(selectors.DEFAULT_RULES) | {f"q:{k}" for k in keys}
    for key in sorted(set(weights) - allowed_w):
        errors[f"weights.{key}"] = [f"Unknown weight “{key}”: use {', '.join(sorted(allowed_w))}."]
    for key in sorted(set(rules) - allowed_r):
        errors[f"rules.{key}"] = [f"Unknown rule “{key}”: use {', '.join(sorted(allowed_r))}."]
    clean_w = {k: _number(v, f"weights.{k}", 0, 10, errors) for k, v in weights.items() if k in allowed_w}
    clean_r: dict[str, Any] = {}
    for key, value in rules.items():
        if key not in allowed_r:
            continue
        if key == "min_score":
            clean_r[key] = _number(value, "rules.min_score", 0, 100, errors)
        elif key == "min_shared_hours":
            clean_r[key] = _number(value, "rules.min_shared_hours", 0, 12, errors)
        elif key == "seniority_gap":
            clean_r[key] = int(_number(value, "rules.seniority_gap", 0, 5, errors))
        elif key == "department":
            if value not in ("different", "same", "ignore"):
                errors["rules.department"] = ["Choose different, same or ignore."]
            clean_r[key] = value
        else:  # q:<key>
            if value not in ("same", "different"):
                errors[f"rules.{key}"] = ["Choose same or different."]
            clean_r[key] = value
    if clean_w and not errors and not any(v > 0 for v in (selectors.DEFAULT_WEIGHTS | clean_w).values()):
        errors["weights"] = ["Give at least one component a weight above 0, or every pair scores the same."]
    if errors:
        raise ValidationFailed("Some matching settings are invalid: " + ", ".join(sorted(errors)) + ".", fields=errors)
    return clean_w, clean_r


def matching_settings_update(*, program: Program, weights: Mapping[str, Any], rules: Mapping[str, Any]) -> Program:
    """Store the weights and rules later runs use; suggestions are recomputed."""
    clean_w, clean_r = matching_settings_validate(program=program, weights=weights, rules=rules)
    program.weights = selectors.program_weights(program) | clean_w
    program.rules = selectors.program_rules(program) | clean_r
    save_existing(program, update_fields=["weights", "rules", "updated_at"], gone=PROGRAM_GONE)
    suggestions_schedule_refresh(program_id=program.pk)
    return program


# --- runs ------------------------------------------------------------------------------------

ALREADY_ACTIVE = (
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
            f"Unknown algorithm “{algorithm}”: choose optimal or stable.",
            fields={"algorithm": ["Choose optimal or stable."]},
        )
    if program.status == Program.Status.CLOSED:
        raise Conflict(f"{program.name} is closed; matching is no longer possible.")
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
                f"Only a failed run can be retried; this one is {locked.get_status_display().lower()}. "
                "Use Re-run for a new run with the same settings."
            )
        if locked.program.status == Program.Status.CLOSED:
            raise Conflict(f"{locked.program.name} is closed; matching is no longer possible.")
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
        raise Conflict(f"This run is already {run.get_status_display().lower()}; there is nothing to cancel.")
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
        _finish(run_id, MatchRun.Status.FAILED, error=f"The run cannot start: {e}. Fix it and run again.")
    except Exception as e:
        logger.exception("match run %s failed", run_id)
        _finish(run_id, MatchRun.Status.FAILED, error=f"Unexpected error ({type(e).__name__}): {e}")


# --- review ------------------------------------------------------------------------------------


def _lock_editable(run: MatchRun) -> MatchRun:
    locked = lock_existing(MatchRun.objects.select_related("program"), pk=run.pk, gone=RUN_GONE)
    if locked.published_at is not None:
        raise Conflict("This run is published; start a new run to change pairs.")
    if locked.status != MatchRun.Status.DONE:
        raise Conflict(f"This run is {locked.get_status_display().lower()}; pairs can be changed once it is done.")
    return locked


def match_run_refresh_stats(*, run: MatchRun) -> MatchRun:
    """Recompute the statistics after an admin changed proposals by hand."""
    scores = list(MatchProposal.objects.filter(run=run).values_list("score", flat=True))
    hist = [0] * 10
    for s in scores:
        hist[min(int(s // 10), 9)] += 1
    total = round(sum(scores), 2)
    run.stats = {
        **run.stats,
        "matched": len(scores),
        "unmatched": UnmatchedMentee.objects.filter(run=run).count(),
        "total_score": total,
        "mean_score": round(total / len(scores), 2) if scores else 0.0,
        "min_score": min(scores) if scores else 0.0,
        "max_score": max(scores) if scores else 0.0,
        "histogram": hist,
    }
    save_existing(run, update_fields=["stats", "updated_at"], gone=RUN_GONE)
    return run


def _lock_proposal(proposal: MatchProposal) -> tuple[MatchRun, MatchProposal]:
    """Lock the run (edits of one run take turns), then re-read the proposal under that lock:
    a concurrent forbid deletes it, and the caller read it before waiting."""
    run = _lock_editable(proposal.run)
    current = lock_existing(
        MatchProposal.objects.filter(run=run).select_related("mentee", "mentor", "run__program"),
        pk=proposal.pk,
        gone=PROPOSAL_GONE,
        of=("self",),
    )
    return run, current


def _pin_rule_set(*, run: MatchRun, mentee_id: int, mentor_id: int, actor: User | None) -> None:
    """Make (mentee, mentor) the mentee's one pin in the program, if the mentor has room for it."""
    pins_elsewhere = (
        PairRule.objects.filter(program=run.program, mentor=mentor_id, kind=PairRule.Kind.PIN)
        .exclude(mentee=mentee_id)
        .count()
    )
    mentor = Participant.objects.select_related("program").get(pk=mentor_id)
    free = mentor_free_places(mentor)
    if pins_elsewhere >= free:
        pinned = ngettext("%(count)d pinned mentee", "%(count)d pinned mentees", pins_elsewhere) % {
            "count": pins_elsewhere
        }
        places = ngettext("%(count)d free place", "%(count)d free places", free) % {"count": free}
        raise Conflict(
            _("%(mentor)s already has %(pinned)s and %(places)s; unpin one of them or raise their capacity first.")
            % {"mentor": mentor.display_name, "pinned": pinned, "places": places}
        )
    PairRule.objects.filter(program=run.program, mentee=mentee_id, kind=PairRule.Kind.PIN).exclude(
        mentor=mentor_id
    ).delete()
    PairRule.objects.update_or_create(
        program=run.program,
        mentee_id=mentee_id,
        mentor_id=mentor_id,
        defaults={"kind": PairRule.Kind.PIN, "organization_id": run.organization_id, "created_by": actor},
    )


@transaction.atomic
def proposal_pin(*, proposal: MatchProposal, actor: User | None) -> MatchProposal:
    """Keep this pair in every re-run (a mentee has at most one pin)."""
    run, proposal = _lock_proposal(proposal)
    _pin_rule_set(run=run, mentee_id=proposal.mentee_id, mentor_id=proposal.mentor_id, actor=actor)
    proposal.pinned = True
    proposal.explanation = explain(_as_engine(proposal))
    save_existing(proposal, update_fields=["pinned", "explanation", "updated_at"], gone=PROPOSAL_GONE)
    return proposal


@transaction.atomic
def proposal_unpin(*, proposal: MatchProposal) -> MatchProposal:
    run, proposal = _lock_proposal(proposal)
    PairRule.objects.filter(
        program=run.program, mentee=proposal.mentee_id, mentor=proposal.mentor_id, kind=PairRule.Kind.PIN
    ).delete()
    proposal.pinned = False
    proposal.explanation = explain(_as_engine(proposal))
    save_existing(proposal, update_fields=["pinned", "explanation", "updated_at"], gone=PROPOSAL_GONE)
    return proposal


@transaction.atomic
def proposal_forbid(*, proposal: MatchProposal, actor: User | None) -> UnmatchedMentee:
    """Never pair these two again in this program; the mentee leaves this run's proposals."""
    run, proposal = _lock_proposal(proposal)
    PairRule.objects.update_or_create(
        program=run.program,
        mentee_id=proposal.mentee_id,
        mentor_id=proposal.mentor_id,
        defaults={"kind": PairRule.Kind.FORBID, "organization_id": run.organization_id, "created_by": actor},
    )
    mentor_name = proposal.mentor.display_name
    proposal.delete()
    unmatched = UnmatchedMentee.objects.create(
        organization_id=run.organization_id,
        run=run,
        mentee_id=proposal.mentee_id,
        code="forbidden",
        reason=f"the proposed mentor {mentor_name} was forbidden by an organiser; re-run to find another",
    )
    match_run_refresh_stats(run=run)
    return unmatched


@dataclass(frozen=True)
class Alternative:
    mentor: Participant
    score: float
    delta: float
    explanation: str
    free: int


def _as_engine(proposal: MatchProposal) -> Proposal:
    return Proposal(
        mentee_id=proposal.mentee_id,
        mentor_id=proposal.mentor_id,
        score=proposal.score,
        components=proposal.components,
        details=proposal.details,
        pinned=proposal.pinned,
    )


def _scored_alternatives(
    proposal: MatchProposal, mentor_ids: list[int] | None, *, thresholds: bool = True
) -> tuple[list[Proposal], dict]:
    run = proposal.run
    loaded = selectors.match_input_for_program(run.program, weights=run.weights, rules=run.rules)
    try:
        pairs = score_pairs(loaded.input, proposal.mentee_id, mentor_ids, thresholds=thresholds)
    except InvalidInput:
        raise Conflict(
            f"{proposal.mentee.display_name} or that mentor no longer takes part in matching "
            "(not active, or already has a mentor); start a new run."
        )
    load = selectors.mentor_load_in_run(run)
    free = {
        m: remaining - load.get(m, 0) + (1 if m == proposal.mentor_id else 0)
        for m, remaining in loaded.mentor_remaining.items()
    }
    return pairs, free


def proposal_alternatives(*, proposal: MatchProposal, limit: int = 8) -> list[Alternative]:
    """The mentee's next-best valid mentors who still have a free place in this run."""
    pairs, free = _scored_alternatives(proposal, None)
    picked = [p for p in pairs if p.mentor_id != proposal.mentor_id and free.get(p.mentor_id, 0) > 0][:limit]
    mentors = Participant.objects.in_bulk([p.mentor_id for p in picked])
    return [
        Alternative(
            mentor=mentors[p.mentor_id],
            score=p.score,
            delta=round(p.score - proposal.score, 2),
            explanation=explain(p),
            free=free[p.mentor_id],
        )
        for p in picked
    ]


@transaction.atomic
def proposal_swap(*, proposal: MatchProposal, mentor_id: int, actor: User | None) -> MatchProposal:
    """Give the mentee another mentor in this run, checking hard rules and capacity.

    A swap is an organiser's decision, so it pins the new pair: a re-run keeps it (unpin it to
    let matching choose again). Like any pin it may go below the program's minimum score or
    minimum shared hours, and its explanation says so."""
    run, proposal = _lock_proposal(proposal)
    if mentor_id == proposal.mentor_id:
        raise ValidationFailed(
            f"{proposal.mentor.display_name} is already the proposed mentor.", fields={"mentor": ["Choose another."]}
        )
    mentor = Participant.objects.filter(
        program=run.program, pk=mentor_id, role=Participant.Role.MENTOR, status=Participant.Status.ACTIVE
    ).first()
    if mentor is None:
        raise ValidationFailed(
            "That person is not an active mentor of this program.", fields={"mentor": ["Choose a listed mentor."]}
        )
    pairs, free = _scored_alternatives(proposal, [mentor_id], thresholds=False)
    if not pairs:
        raise ValidationFailed(
            f"{mentor.display_name} cannot mentor {proposal.mentee.display_name}: a hard rule excludes the pair "
            "(no shared language, the mentee's manager, the same person, or a forbidden pair).",
            fields={"mentor": ["This pair breaks a hard rule."]},
        )
    if free.get(mentor_id, 0) <= 0:
        raise Conflict(f"{mentor.display_name} has no free place left in this run; swap or forbid one of theirs first.")
    _pin_rule_set(run=run, mentee_id=proposal.mentee_id, mentor_id=mentor_id, actor=actor)
    new = dataclasses.replace(pairs[0], pinned=True)
    proposal.mentor = mentor
    proposal.pinned = True
    proposal.score = new.score
    proposal.components = new.components
    proposal.details = new.details
    proposal.explanation = explain(new)
    save_existing(
        proposal,
        update_fields=["mentor", "pinned", "score", "components", "details", "explanation", "updated_at"],
        gone=PROPOSAL_GONE,
    )
    match_run_refresh_stats(run=run)
    return proposal


@transaction.atomic
def pair_rule_delete(*, rule: PairRule) -> None:
    rule.delete()


# --- publish --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishResult:
    created: int
    already_published: int
    skipped: list[str]

    @property
    def message(self) -> str:
        if not self.created and self.already_published:
            text = ngettext(
                "Nothing new to publish: the %(count)d pair of this run is already a mentorship.",
                "Nothing new to publish: the %(count)d pairs of this run are already mentorships.",
                self.already_published,
            ) % {"count": self.already_published}
        else:
            text = ngettext(
                "Published %(count)d mentorship; both people get an email.",
                "Published %(count)d mentorships; both people get an email.",
                self.created,
            ) % {"count": self.created}
        if self.skipped:
            text += " " + ngettext("%(count)d pair skipped: ", "%(count)d pairs skipped: ", len(self.skipped)) % {
                "count": len(self.skipped)
            }
            text += "; ".join(s.rstrip(".") for s in self.skipped[:5])
            text += "…" if len(self.skipped) > 5 else "."
        return text


def match_run_publish(*, run: MatchRun, actor: User | None) -> PublishResult:
    """Turn proposals into mentorships (source "matching"), once.

    Mentors of the program are locked while capacity is re-checked against
    active mentorships, so a concurrent publish or request cannot overfill one.
    Emails go out after commit."""
    with transaction.atomic():
        run = lock_existing(MatchRun.objects.select_related("program"), pk=run.pk, gone=RUN_GONE)
        if run.status != MatchRun.Status.DONE:
            raise Conflict(f"Only a finished run can be published; this one is {run.get_status_display().lower()}.")
        program = run.program
        proposals = list(run.proposals.select_related("mentee", "mentor").order_by("-pinned", "-score", "pk"))
        fresh = [p for p in proposals if p.mentorship_id is None]
        already = len(proposals) - len(fresh)
        result = mentorships_create(
            program=program,
            pairs=[Pair(p.mentor_id, p.mentee_id, score=p.score, explanation=p.explanation) for p in fresh],
            source=Mentorship.Source.MATCHING,
            actor=actor,
        )
        skipped = [reason for _pair, reason in result.skipped]
        by_pair = {(m.mentor_id, m.mentee_id): m for m in result.created}
        linked = []
        for p in fresh:
            m = by_pair.get((p.mentor_id, p.mentee_id))
            if m is not None:
                p.mentorship = m
                linked.append(p)
        MatchProposal.objects.bulk_update(linked, ["mentorship"], batch_size=BATCH)
        created = result.created
        if run.published_at is None:
            run.published_at = timezone.now()
            save_existing(run, update_fields=["published_at", "updated_at"], gone=RUN_GONE)
        Program.objects.filter(pk=program.pk, status__in=[Program.Status.ENROLLING, Program.Status.MATCHING]).update(
            status=Program.Status.ACTIVE
        )
        if created:
            from matching.tasks import match_published_notify_task

            enqueue_on_commit(match_published_notify_task, run.pk)
    return PublishResult(created=len(created), already_published=already, skipped=skipped)


# --- suggestions -----------------------------------------------------------------------------


def suggestions_refresh(*, program_id: int) -> int:
    """Replace the program's suggestions (top 10 mentors with a free place per mentee)."""
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        return 0
    rows: list[Suggestion] = []
    if program.matching_mode != Program.MatchingMode.ADMIN and program.status != Program.Status.CLOSED:
        loaded = selectors.match_input_for_program(
            program, weights=selectors.program_weights(program), rules=selectors.program_rules(program)
        )
        # pins are an admin's matching decision; suggestions honour forbids only
        inp = dataclasses.replace(loaded.input, pinned=frozenset())
        result = engine_run(inp, algorithm="suggestions", k=SUGGESTIONS_K)
        for mentee_id, props in result.suggestions.items():
            rows += [
                Suggestion(
                    organization_id=program.organization_id,
                    program_id=program.pk,
                    mentee_id=mentee_id,
                    mentor_id=p.mentor_id,
                    rank=rank,
                    score=p.score,
                    explanation=explain(p),
                    components=p.components,
                )
                for rank, p in enumerate(props, start=1)
            ]
    with transaction.atomic():
        Suggestion.objects.filter(program_id=program_id).delete()
        Suggestion.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def suggestions_schedule_refresh(*, program_id: int) -> None:
    """Recompute suggestions once, a few seconds after a burst of changes commits.

    One outbox job per program waits at a time (``dedupe_key``): the first change
    after a refresh started queues it with a countdown, later changes find it
    waiting and join it. The job cannot start before the transaction that joined
    it commits, so it sees every change; changes made once it started queue the next."""
    from matching.tasks import suggestions_refresh_task

    enqueue_on_commit(
        suggestions_refresh_task,
        program_id,
        countdown=SUGGESTIONS_DEBOUNCE_S,
        dedupe_key=SUGGESTIONS_KEY.format(program_id),
    )


# --- runs whose worker died ------------------------------------------------------------------


def _abandoned_message(run: MatchRun) -> str:
    stage = MatchRun.Stage(run.stage).label.lower() if run.stage else "starting"
    return f"The background worker stopped while {stage} ({run.progress}%); press Retry to run it again."


def _unclaimed_message(run: MatchRun) -> str:
    return (
        f"No background worker started this run within {QUEUED_GIVE_UP.total_seconds() / 60:g} minutes, "
        "so it was stopped. Check that the worker is running (an administrator can see it on /health/), "
        "then press Retry."
    )


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
