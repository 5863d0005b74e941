from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from turazo.core.models import Heartbeat


@shared_task(name="turazo.core.tasks.heartbeat", ignore_result=True)
def heartbeat(name: str = "beat") -> str:
    """Record that the scheduler and a worker are alive. Safe to run any number of times."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": now})
    return now.isoformat()
