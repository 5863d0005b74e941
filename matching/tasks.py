"""Background work of the matching app: runs, suggestions, and the emails after publishing."""

from __future__ import annotations

import logging

from celery import shared_task

from matching import services
from matching.engine import InvalidInput
from matching.models import MatchProposal
from matching.services import mentorships as mentorship_services

logger = logging.getLogger(__name__)


# acks_late + reject_on_worker_lost: a worker that dies before claiming the run gets the
# message redelivered; after claiming, a redelivery finds the run running (or failed by
# the reaper) and does nothing, so a run that kills its worker cannot loop.
@shared_task(name="matching.match_run_execute", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def match_run_execute_task(run_id: int) -> str | None:
    """Execute a queued run; a second delivery finds it claimed and does nothing."""
    run = services.match_run_execute(run_id=run_id)
    return run.status if run else None


@shared_task(name="matching.match_runs_reap", ignore_result=True)
def match_runs_reap_task() -> dict[str, list[int]]:
    """Periodic: fail runs whose worker died or that no worker picked up (freeing their
    program); publish again those still waiting. Safe to run concurrently."""
    reaped = services.match_runs_reap()
    return {"abandoned": reaped.abandoned, "redispatched": reaped.redispatched, "unclaimed": reaped.unclaimed}


# acks_late without reject_on_worker_lost: whole-worker deaths are redelivered by the
# broker, but a refresh that kills its own process (memory) is not retried in a loop;
# the next profile change queues another anyway.
@shared_task(name="matching.suggestions_refresh", acks_late=True, ignore_result=True)
def suggestions_refresh_task(program_id: int) -> int:
    try:
        return services.suggestions_refresh(program_id=program_id)
    except InvalidInput:
        # profiles the engine cannot read (reported on the next admin run); keep the old suggestions
        logger.exception("suggestions for program %s could not be computed", program_id)
        return 0


@shared_task(name="matching.match_published_notify", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def match_published_notify_task(run_id: int) -> int:
    """Kept for jobs queued before introductions moved to ``mentorships_introduce``:
    introduces the run's mentorships (each once, whoever sends it first)."""
    ids = MatchProposal.objects.filter(run_id=run_id, mentorship__isnull=False).values_list("mentorship_id", flat=True)
    return mentorship_services.mentorships_introduce(mentorship_ids=list(ids))


# acks_late: each mentorship is claimed (conditional UPDATE) before its emails go out, so
# a redelivery mails only those the dead worker had not reached.
@shared_task(
    name="matching.mentorships_introduce",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 6},
)
def mentorships_introduce_task(mentorship_ids: list[int]) -> int:
    """Email both people of each new mentorship an introduction (once)."""
    return mentorship_services.mentorships_introduce(mentorship_ids=mentorship_ids)


@shared_task(
    name="matching.mentorship_ended_notify",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 6},
)
def mentorship_ended_notify_task(mentorship_id: int) -> int:
    """Tell the other person (both, after an admin ended it) that a mentorship ended (once)."""
    return mentorship_services.mentorship_ended_notify(mentorship_id=mentorship_id)


@shared_task(
    name="matching.request_notify",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 6},
)
def request_notify_task(request_id: int, event: str) -> int:
    """Send the email one change of a mentorship request causes (enqueued by the change,
    in its transaction, so exactly one job exists per change)."""
    from matching.models import MentorshipRequest
    from matching.request_emails import request_message

    req = (
        MentorshipRequest.objects.select_related("program", "organization", "mentee__user", "mentor__user")
        .filter(pk=request_id)
        .first()
    )
    if req is None:
        return 0
    message = request_message(req, event)
    if message is None:
        return 0
    return message.send()


@shared_task(name="matching.requests_sweep", ignore_result=True)
def requests_sweep_task() -> dict[str, int]:
    """Periodic: remind mentors once and expire unanswered requests (rows claimed in the
    database, so two workers never both act)."""
    from matching.services.requests import requests_sweep

    result = requests_sweep()
    return {"reminded": len(result.reminded), "expired": len(result.expired), "cancelled": len(result.cancelled)}
