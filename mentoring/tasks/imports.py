"""Applying a confirmed CSV import in the worker, and looking after imports."""

from __future__ import annotations

from celery import shared_task

from mentoring.services import imports as services


# acks_late + reject_on_worker_lost: a worker that dies before claiming the job gets the
# message redelivered; after claiming, a redelivery finds the job running (or failed by
# the reaper) and does nothing, so it can never loop.
@shared_task(name="mentoring.import_run", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def import_run(job_id: int) -> None:
    """Apply one confirmed import. Running it twice is harmless: the second run finds
    the job no longer previewed/queued and does nothing."""
    services.import_apply(job_id=job_id)


@shared_task(name="mentoring.imports_purge_stale", ignore_result=True)
def imports_purge_stale() -> int:
    """Periodic: drop week-old previews that were never confirmed."""
    return services.imports_purge_stale()


@shared_task(name="mentoring.imports_reap", ignore_result=True)
def imports_reap() -> dict[str, list[int]]:
    """Periodic: fail imports whose worker died or that no worker picked up; publish
    again those still waiting. Safe to run concurrently (rows claimed with SKIP LOCKED)."""
    reaped = services.imports_reap()
    return {"abandoned": reaped.abandoned, "redispatched": reaped.redispatched, "unclaimed": reaped.unclaimed}
