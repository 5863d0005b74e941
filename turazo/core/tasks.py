from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from turazo.core import jobs
from turazo.core.models import Heartbeat


@shared_task(name="turazo.core.tasks.heartbeat", ignore_result=True)
def heartbeat(name: str = "beat") -> str:
    """Record that the scheduler and a worker are alive. Safe to run any number of times."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": now})
    return now.isoformat()


@shared_task(name="turazo.core.jobs_dispatch_pending", ignore_result=True)
def jobs_dispatch_pending() -> int:
    """Periodic: publish outbox jobs the broker did not take when they were committed.
    Safe to run concurrently: rows are claimed with SKIP LOCKED."""
    return jobs.jobs_dispatch_pending()


@shared_task(name="turazo.core.jobs_prune", ignore_result=True)
def jobs_prune() -> int:
    """Periodic: forget outbox rows dispatched days ago."""
    return jobs.jobs_prune()


@shared_task(name="turazo.core.tasks.action_links_purge", ignore_result=True)
def action_links_purge_task() -> int:
    """Forget email action links three months after they expired. Safe to run any time."""
    from turazo.core.action_links import action_links_purge

    return action_links_purge()
