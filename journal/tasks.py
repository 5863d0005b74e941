"""Background work of the journal app: the closing survey emails."""

from __future__ import annotations

from celery import shared_task

from journal.services.survey import surveys_send


@shared_task(
    name="journal.surveys_send",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 6},
)
def surveys_send_task(program_id: int) -> int:
    """Email the closing survey to everyone of the program who has not had it (safe to run twice)."""
    return surveys_send(program_id=program_id)
