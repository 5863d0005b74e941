"""Background work of program health: deliver nudges, and the automatic quiet-pair sweep."""

from __future__ import annotations

from celery import shared_task

from insights.services.nudges import nudge_deliver, quiet_pairs_nudge_automatically


@shared_task(
    name="insights.nudge_deliver",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 6},
)
def nudge_deliver_task(nudge_id: int) -> bool:
    return nudge_deliver(nudge_id=nudge_id)


@shared_task(name="insights.quiet_pair_nudges", ignore_result=True)
def quiet_pair_nudges_task() -> int:
    """Run by beat every hour; each person gets at most one quiet-pair nudge a week."""
    return quiet_pairs_nudge_automatically()
