"""CSV imports in the worker: checking a large upload, applying a confirmed import, and
looking after imports."""

from __future__ import annotations

from celery import shared_task

from mentoring.services import imports as services


# acks_late, not reject_on_worker_lost: the check writes nothing until its last statement, so
# running it again is harmless, but a file that killed its worker must not kill the next one in
# a loop; imports_reap publishes a check still waiting after 5 minutes, and gives up at 30.
@shared_task(name="mentoring.import_preview_run", acks_late=True, ignore_result=True)
def import_preview_run(job_id: int) -> None:
    """Check a large upload and store its preview. Running it twice is harmless: only
    a job still *checking* takes the outcome."""
    services.import_preview_complete(job_id=job_id)


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
    """Periodic: fail imports whose worker died or that no worker picked up (checks of
    large files included); publish again those still waiting. Safe to run concurrently
    (rows claimed with SKIP LOCKED)."""
    reaped = services.imports_reap()
    return {"abandoned": reaped.abandoned, "redispatched": reaped.redispatched, "unclaimed": reaped.unclaimed}
