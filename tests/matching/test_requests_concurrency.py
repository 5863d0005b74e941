"""Requests under real concurrency on Postgres: threads with their own connections,
released together by a barrier. Capacity never overshoots, a mentee ends with one mentor,
accept racing expiry has one outcome, and two sweeps at once send each email once."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from matching.models import MentorshipRequest
from matching.services.requests import request_accept, requests_sweep
from mentoring.models import Mentorship
from tests.matching.requesting import ask, mentee, mentor
from turazo.core.errors import Conflict

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(calls: list[Callable[[], object]]) -> list[object]:
    """Run every call in its own thread and connection, all released at once; results or exceptions."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[i] = calls[i]()
        except Exception as e:  # noqa: BLE001 - returned to the test
            outcomes[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_twenty_requests_to_a_mentor_with_two_places_accepted_at_once_make_two(program):
    program.max_pending_requests = 3
    program.save()
    them = mentor(program, 1, capacity=2)
    requests = [ask(mentee(program, i), them) for i in range(20)]
    outcomes = _together([lambda r=r: request_accept(request=r, actor=them.user) for r in requests])
    assert Mentorship.objects.filter(mentor=them, status="active").count() == 2
    assert [repr(o) for o in outcomes if not isinstance(o, MentorshipRequest | Conflict)] == []
    assert sum(isinstance(o, MentorshipRequest) for o in outcomes) == 2
    statuses = Counter(MentorshipRequest.objects.filter(mentor=them).values_list("status", flat=True))
    assert statuses == {"accepted": 2, "declined": 18}
    assert MentorshipRequest.objects.filter(status="declined", answered_by__isnull=True).count() == 18


def test_a_mentee_accepted_by_two_mentors_at_once_ends_with_one(program):
    me, a, b = mentee(program, 1), mentor(program, 1), mentor(program, 2)
    to_a, to_b = ask(me, a), ask(me, b)
    outcomes = _together(
        [lambda: request_accept(request=to_a, actor=a.user), lambda: request_accept(request=to_b, actor=b.user)]
    )
    assert Mentorship.objects.filter(mentee=me, status="active").count() == 1
    assert sum(isinstance(o, MentorshipRequest) for o in outcomes) == 1
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    statuses = sorted(MentorshipRequest.objects.filter(mentee=me).values_list("status", flat=True))
    assert statuses == ["accepted", "withdrawn"]


def test_accept_racing_expiry_has_one_outcome(program):
    for attempt in range(3):
        me, them = mentee(program, 10 + attempt), mentor(program, 10 + attempt)
        req = ask(me, them)
        # due for expiry a moment from now: the accept checks the clock, the sweep its "now"
        soon = timezone.now() + dt.timedelta(milliseconds=300)
        MentorshipRequest.objects.filter(pk=req.pk).update(expires_at=soon)
        later = soon + dt.timedelta(seconds=1)
        outcomes = _together(
            [
                lambda req=req, them=them: request_accept(request=req, actor=them.user),
                lambda later=later: requests_sweep(now=later),
            ]
        )
        req.refresh_from_db()
        accepted = Mentorship.objects.filter(mentee=me).exists()
        assert req.status in ("accepted", "expired")
        assert accepted == (req.status == "accepted")
        if req.status == "expired":
            assert isinstance(outcomes[0], Conflict)


def test_two_sweeps_at_once_send_each_reminder_and_expiry_email_once(program):
    them = [mentor(program, i, capacity=5) for i in range(3)]
    due_reminder, due_expiry = [], []
    for i in range(12):
        req = ask(mentee(program, i), them[i % 3])
        created = timezone.now() - dt.timedelta(days=4 if i % 2 else 8)
        MentorshipRequest.objects.filter(pk=req.pk).update(
            created_at=created, expires_at=created + dt.timedelta(days=7)
        )
        (due_reminder if i % 2 else due_expiry).append(req.pk)
    mail.outbox.clear()
    _together([requests_sweep, requests_sweep])
    requests_sweep()  # and once more afterwards
    headers = Counter(m.extra_headers["X-Turazo-Request"] for m in mail.outbox)
    assert set(headers.values()) == {1}
    assert set(headers) == {f"{pk}/reminder" for pk in due_reminder} | {f"{pk}/expired" for pk in due_expiry}
