"""Mentor suggestions for mentees who choose: recomputed (debounced) after changes."""

from __future__ import annotations

import dataclasses

from django.db import transaction

from matching import selectors
from matching.engine import explain
from matching.engine import run as engine_run
from matching.models import Suggestion
from matching.services.common import BATCH
from mentoring.models import Program
from turazo.core.jobs import enqueue_on_commit

SUGGESTIONS_K = 10
SUGGESTIONS_DEBOUNCE_S = 5
SUGGESTIONS_KEY = "matching.suggestions:{}"


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
