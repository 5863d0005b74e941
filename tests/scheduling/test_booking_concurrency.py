"""Concurrent bookings on Postgres: real threads with their own connections, released together
by a barrier. Whatever the interleaving, one session wins and every other request gets 409."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from scheduling.models import Session, SessionAttendance
from scheduling.services.free_time import next_slots
from scheduling.services.sessions import session_book
from tests.concurrency import together
from tests.scheduling.helpers import another_program, make_pair

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_twenty_threads_booking_overlapping_slots_of_one_mentor_make_one_session(program, organization):
    # Ten mentees of one mentor, two threads each, on two overlapping starts (:00 and :30).
    first = make_pair(program)
    pairs = [first] + [make_pair(program, mentor_user=first.mentor.user) for _ in range(9)]
    base = next_slots(mentorship=first, after=timezone.now() + timedelta(days=1), count=1)[0].start
    starts = [base, base + timedelta(minutes=30)]

    def prepare(i):
        return client_for(pairs[i % 10].mentee.user)

    def act(i, client):
        body = {"mentorship": pairs[i % 10].pk, "start": starts[i % 2].isoformat()}
        return client.post("/api/sessions/", body, format="json")

    responses = together(THREADS, prepare, act)
    codes = Counter(r.status_code if hasattr(r, "status_code") else repr(r) for r in responses)
    assert codes == {201: 1, 409: THREADS - 1}
    assert Session.objects.count() == 1
    assert SessionAttendance.objects.filter(user=first.mentor.user, active=True).count() == 1
    losers = [r.json()["error"] for r in responses if r.status_code == 409]
    assert {e["code"] for e in losers} == {"slot_taken"}
    assert all(e["next_slots"] for e in losers)


def test_twenty_threads_booking_one_mentee_with_two_mentors_make_one_session(program, organization):
    a = make_pair(program)
    b = make_pair(another_program(organization), mentee_user=a.mentee.user)
    start = next_slots(mentorship=a, after=timezone.now() + timedelta(days=1), count=1)[0].start

    def prepare(i):
        return client_for(a.mentee.user)

    def act(i, client):
        pair = a if i % 2 else b
        return client.post("/api/sessions/", {"mentorship": pair.pk, "start": start.isoformat()}, format="json")

    responses = together(THREADS, prepare, act)
    codes = Counter(r.status_code if hasattr(r, "status_code") else repr(r) for r in responses)
    assert codes == {201: 1, 409: THREADS - 1}
    assert SessionAttendance.objects.filter(user=a.mentee.user, active=True).count() == 1


def test_a_person_who_mentors_in_one_program_and_is_mentored_in_another_is_booked_once(program, organization):
    as_mentor = make_pair(program)
    as_mentee = make_pair(another_program(organization), mentee_user=as_mentor.mentor.user)
    start = next_slots(mentorship=as_mentor, after=timezone.now() + timedelta(days=1), count=1)[0].start

    def prepare(i):
        pair = as_mentor if i % 2 else as_mentee
        return pair, client_for(pair.mentee.user)

    def act(i, prepared):
        pair, client = prepared
        return client.post("/api/sessions/", {"mentorship": pair.pk, "start": start.isoformat()}, format="json")

    responses = together(10, prepare, act)
    codes = Counter(r.status_code if hasattr(r, "status_code") else repr(r) for r in responses)
    assert codes == {201: 1, 409: 9}
    assert SessionAttendance.objects.filter(user=as_mentor.mentor.user, active=True).count() == 1


def test_concurrent_reschedules_onto_one_time_move_one_session(program):
    pair = make_pair(program)
    slots = next_slots(mentorship=pair, after=timezone.now() + timedelta(days=1), count=8)
    sessions = [session_book(mentorship=pair, start=s.start, actor=pair.mentee.user) for s in slots[::3][:2]]
    target = next_slots(mentorship=pair, after=timezone.now() + timedelta(days=3), count=1)[0].start

    def prepare(i):
        return client_for(pair.mentee.user)

    def act(i, client):
        session = sessions[i % 2]
        return client.post(f"/api/sessions/{session.pk}/reschedule/", {"start": target.isoformat()}, format="json")

    responses = together(10, prepare, act)
    codes = Counter(r.status_code if hasattr(r, "status_code") else repr(r) for r in responses)
    assert codes[200] == 1
    # The other session's requests find the time taken (409); the winner's own repeats find
    # it already there (400).
    assert codes[409] + codes[400] == 9
    assert codes[409] >= 5
    assert Session.objects.filter(start=target).count() == 1


def test_without_the_lock_the_database_constraint_alone_still_allows_one_booking(program, monkeypatch):
    """The lock serialises bookings; this proves the exclusion constraint holds on its own."""
    monkeypatch.setattr("scheduling.services.sessions._lock_people", lambda user_ids: None)
    first = make_pair(program)
    pairs = [first] + [make_pair(program, mentor_user=first.mentor.user) for _ in range(9)]
    start = next_slots(mentorship=first, after=timezone.now() + timedelta(days=1), count=1)[0].start

    def prepare(i):
        return client_for(pairs[i % 10].mentee.user)

    def act(i, client):
        return client.post(
            "/api/sessions/", {"mentorship": pairs[i % 10].pk, "start": start.isoformat()}, format="json"
        )

    responses = together(THREADS, prepare, act)
    codes = Counter(r.status_code if hasattr(r, "status_code") else repr(r) for r in responses)
    assert codes == {201: 1, 409: THREADS - 1}
    assert SessionAttendance.objects.filter(user=first.mentor.user, active=True).count() == 1
