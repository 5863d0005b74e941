"""The reminder/expiry sweep with two real Celery workers at once: each email goes out once."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from django.utils import timezone

from matching.models import MentorshipRequest
from matching.tasks import requests_sweep_task
from tests.matching.requesting import mentee, mentor
from tests.worker import running_worker, wait_for


def _headers(outbox: str) -> list[str]:
    found = []
    for path in Path(outbox, "outbox").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if message["X-Turazo-Request"]:
            found.append(str(message["X-Turazo-Request"]))
    return found


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_send_each_reminder_and_expiry_once(program):
    mentors = [mentor(program, i, capacity=10) for i in range(4)]
    mentees = [mentee(program, i) for i in range(40)]
    now = timezone.now()
    rows = MentorshipRequest.objects.bulk_create(
        MentorshipRequest(
            organization=program.organization,
            program=program,
            mentee=m,
            mentor=mentors[i % 4],
            created_at=now - dt.timedelta(days=4 if i % 2 else 8),
            expires_at=now - dt.timedelta(days=4 if i % 2 else 8) + dt.timedelta(days=7),
        )
        for i, m in enumerate(mentees)
    )
    MentorshipRequest.objects.filter(pk__in=[r.pk for r in rows]).update(
        created_at=now - dt.timedelta(days=4)
    )  # auto_now_add ignored the value above
    for i, r in enumerate(rows):
        if not i % 2:
            MentorshipRequest.objects.filter(pk=r.pk).update(created_at=now - dt.timedelta(days=8))
    expected = {f"{r.pk}/{'reminder' if i % 2 else 'expired'}" for i, r in enumerate(rows)}
    outbox = tempfile.mkdtemp(prefix="turazo-requests-")
    with running_worker(var_dir=outbox) as first, running_worker(queue=first.queue, name="-b", var_dir=outbox):
        for _ in range(6):
            requests_sweep_task.delay()
        wait_for(lambda: len(_headers(outbox)) >= len(expected), timeout=120)
        requests_sweep_task.delay()  # one more, after everything was claimed
        wait_for(
            lambda: not MentorshipRequest.objects.filter(status="pending", reminded_at__isnull=True).exists(),
            timeout=60,
        )
    headers = _headers(outbox)
    assert [h for h, n in Counter(headers).items() if n > 1] == []
    assert set(headers) == expected
