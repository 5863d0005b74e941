"""Reviewing a finished run before publishing: pin, unpin, forbid, swap, alternatives, statistics."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from matching import selectors
from matching.engine import InvalidInput, Proposal, explain, score_pairs, score_stats
from matching.models import MatchProposal, MatchRun, PairRule, UnmatchedMentee
from matching.services.common import PROPOSAL_GONE, RUN_GONE
from mentoring.models import Participant
from mentoring.services.mentorships import mentor_free_places
from mentoring.services.writable import program_writable
from turazo.core.errors import Conflict, ValidationFailed
from turazo.core.models import lock_existing, save_existing


def _lock_editable(run: MatchRun) -> MatchRun:
    locked = lock_existing(MatchRun.objects.select_related("program"), pk=run.pk, gone=RUN_GONE)
    if locked.published_at is not None:
        raise Conflict(_("This run is published; start a new run to change pairs."))
    if locked.status != MatchRun.Status.DONE:
        raise Conflict(
            _("This run is %(status)s; pairs can be changed once it is done.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def match_run_refresh_stats(*, run: MatchRun) -> MatchRun:
    """Recompute the statistics after an admin changed proposals by hand."""
    scores = list(MatchProposal.objects.filter(run=run).values_list("score", flat=True))
    unmatched = UnmatchedMentee.objects.filter(run=run).count()
    run.stats = {**run.stats, **score_stats(scores, unmatched=unmatched)}
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
    program_writable(run.program)
    _pin_rule_set(run=run, mentee_id=proposal.mentee_id, mentor_id=proposal.mentor_id, actor=actor)
    proposal.pinned = True
    proposal.explanation = explain(_as_engine(proposal))
    save_existing(proposal, update_fields=["pinned", "explanation", "updated_at"], gone=PROPOSAL_GONE)
    return proposal


@transaction.atomic
def proposal_unpin(*, proposal: MatchProposal) -> MatchProposal:
    run, proposal = _lock_proposal(proposal)
    program_writable(run.program)
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
    program_writable(run.program)
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
        reason=_("the proposed mentor %(mentor)s was forbidden by an organiser; re-run to find another")
        % {"mentor": mentor_name},
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
            _(
                "%(mentee)s or that mentor no longer takes part in matching (not active, or already "
                "has a mentor); start a new run."
            )
            % {"mentee": proposal.mentee.display_name}
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
    mentors = Participant.objects.select_related("user").in_bulk([p.mentor_id for p in picked])
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
    program_writable(run.program)
    if mentor_id == proposal.mentor_id:
        raise ValidationFailed(
            _("%(mentor)s is already the proposed mentor.") % {"mentor": proposal.mentor.display_name},
            fields={"mentor": [_("Choose another.")]},
        )
    mentor = Participant.objects.filter(
        program=run.program, pk=mentor_id, role=Participant.Role.MENTOR, status=Participant.Status.ACTIVE
    ).first()
    if mentor is None:
        raise ValidationFailed(
            _("That person is not an active mentor of this program."), fields={"mentor": [_("Choose a listed mentor.")]}
        )
    pairs, free = _scored_alternatives(proposal, [mentor_id], thresholds=False)
    if not pairs:
        raise ValidationFailed(
            _(
                "%(mentor)s cannot mentor %(mentee)s: a hard rule excludes the pair (no shared "
                "language, the mentee's manager, the same person, or a forbidden pair)."
            )
            % {"mentor": mentor.display_name, "mentee": proposal.mentee.display_name},
            fields={"mentor": [_("This pair breaks a hard rule.")]},
        )
    if free.get(mentor_id, 0) <= 0:
        raise Conflict(
            _("%(mentor)s has no free place left in this run; swap or forbid one of theirs first.")
            % {"mentor": mentor.display_name}
        )
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
    program_writable(rule.program)
    rule.delete()
