"""Applying a confirmed CSV import in the worker."""

from __future__ import annotations

from celery import shared_task

from mentoring.services import imports as services


@shared_task(name="mentoring.import_run")
def import_run(job_id: int) -> None:
    """Apply one confirmed import. Running it twice is harmless: the second run finds
    the job no longer previewed/queued and does nothing."""
    services.import_apply(job_id=job_id)


@shared_task(name="mentoring.imports_purge_stale", ignore_result=True)
def imports_purge_stale() -> int:
    """Periodic: drop week-old previews that were never confirmed."""
    return services.imports_purge_stale()
