from __future__ import annotations

import pytest

from tests.worker import running_worker, wait_for
from turazo.core.models import Heartbeat
from turazo.core.tasks import heartbeat

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_on_redis_runs_a_task_and_its_effect_is_in_the_database():
    with running_worker():
        heartbeat.delay("integration-test")
        row = wait_for(lambda: Heartbeat.objects.filter(name="integration-test").first())
    assert row.seen_at is not None
