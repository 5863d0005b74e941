"""Each mentorship's ``PairActivity`` (the dashboard's quiet pairs and funnel read it) equals a
plain-Python summary of its sessions after every way sessions change: booking, rescheduling,
cancelling, a no-show, completion by the sweep and by the reminder dispatcher, the end of the
mentorship, closing the program; also under two concurrent transactions on one pair, and the
repair command rebuilds it."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from mentoring.models import Mentorship
from mentoring.services.mentorships import mentorship_end
from scheduling.models import PairActivity, Session
from scheduling.services.activity import sessions_complete_due
from scheduling.services.reminders import reminders_dispatch
from scheduling.services.sessions import (
    program_sessions_stop,
    session_book,
    session_cancel,
    session_report_no_show,
    session_reschedule,
)
from tests.scheduling.helpers import NOW, make_pair
from tests.scheduling.test_booking import TUE_9

LIVE = {"scheduled", "completed", "no_show"}


def expected(pair: Mentorship) -> dict:
    """The activity recounted in Python over the pair's sessions."""
    sessions = list(Session.objects.filter(mentorship=pair))
    held = [s for s in sessions if s.status == "completed"]
    live = [s for s in sessions if s.status in LIVE]
    scheduled = [s for s in sessions if s.status == "scheduled"]
    return {
        "held_count": len(held),
        "last_held_start": max((s.start for s in held), default=None),
        "last_booked_at": max((s.created_at for s in live), default=None),
        "upcoming_until": max((s.end for s in scheduled), default=None),
    }


def stored(pair: Mentorship) -> dict:
    row = PairActivity.objects.filter(mentorship=pair).first()
    if row is None:
        return {"held_count": 0, "last_held_start": None, "last_booked_at": None, "upcoming_until": None}
    return {f: getattr(row, f) for f in ("held_count", "last_held_start", "last_booked_at", "upcoming_until")}


def assert_in_step(pair: Mentorship) -> None:
    assert stored(pair) == expected(pair)


@pytest.fixture
def pair(program):
    return make_pair(program)


def book(pair, start):
    return session_book(mentorship=pair, start=start, actor=pair.mentee.user, now=NOW)


def test_a_pair_without_sessions_has_no_activity(pair):
    assert not PairActivity.objects.filter(mentorship=pair).exists()
    assert_in_step(pair)


def test_booking_rescheduling_and_cancelling_keep_the_activity(pair):
    first = book(pair, TUE_9)
    assert stored(pair)["upcoming_until"] == first.end
    assert stored(pair)["last_booked_at"] == first.created_at
    second = book(pair, TUE_9 + timedelta(days=7))
    assert stored(pair)["upcoming_until"] == second.end
    session_reschedule(session=second, start=TUE_9 + timedelta(days=8), actor=pair.mentor.user, now=NOW)
    assert_in_step(pair)
    assert stored(pair)["upcoming_until"] == TUE_9 + timedelta(days=8, minutes=pair.program.session_length_minutes)
    session_cancel(session=second, actor=pair.mentee.user, now=NOW)
    assert_in_step(pair)
    assert stored(pair)["upcoming_until"] == first.end  # the cancelled one no longer counts
    session_cancel(session=first, actor=pair.mentee.user, now=NOW)
    assert_in_step(pair)
    assert stored(pair) == {"held_count": 0, "last_held_start": None, "last_booked_at": None, "upcoming_until": None}


def test_completion_by_the_sweep_and_a_no_show_keep_the_activity(pair):
    first = book(pair, TUE_9)
    second = book(pair, TUE_9 + timedelta(days=7))
    assert sessions_complete_due(now=first.end) == 1
    assert_in_step(pair)
    assert stored(pair)["held_count"] == 1
    assert stored(pair)["last_held_start"] == first.start
    assert sessions_complete_due(now=second.end + timedelta(hours=1)) == 1
    assert stored(pair)["held_count"] == 2
    session_report_no_show(session=second, actor=pair.mentor.user, now=second.end + timedelta(hours=1))
    assert_in_step(pair)
    assert (stored(pair)["held_count"], stored(pair)["last_held_start"]) == (1, first.start)


def test_completion_by_the_reminder_dispatcher_keeps_the_activity(pair):
    session = book(pair, TUE_9)
    reminders_dispatch(now=session.end + timedelta(minutes=30))  # the feedback request completes it
    session.refresh_from_db()
    assert session.status == "completed"
    assert_in_step(pair)
    assert stored(pair)["held_count"] == 1


def test_ending_the_mentorship_and_closing_the_program_keep_the_activity(pair, program):
    book(pair, TUE_9)
    mentorship_end(mentorship=pair, actor=pair.mentee.user, reason="Goals reached.")
    assert_in_step(pair)
    assert stored(pair)["upcoming_until"] is None

    other = make_pair(program)
    book(other, TUE_9 + timedelta(days=1))
    program_sessions_stop(program=program, actor=None, reason="Closed.", now=NOW)
    assert_in_step(other)
    assert stored(other)["upcoming_until"] is None


def test_the_repair_command_rebuilds_rows_changed_outside_the_services(pair):
    session = book(pair, TUE_9)
    Session.objects.filter(pk=session.pk).update(status="completed")  # behind the services' back
    assert stored(pair)["held_count"] == 0
    call_command("refresh_pair_activity", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert_in_step(pair)
    assert stored(pair)["held_count"] == 1


def create_session(pair: Mentorship, start) -> Session:
    """A held session saved directly (no booking service, so no lock on the people is taken)."""
    return Session.objects.create(
        organization=pair.organization, program=pair.program, mentorship=pair, mentor=pair.mentor,
        mentee=pair.mentee, start=start, end=start + timedelta(minutes=45), video_url="https://meet.jit.si/x",
        video_room="x", calendar_uid=f"{start.isoformat()}@activity.test", status="completed",
    )  # fmt: skip


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_transactions_changing_one_pair_leave_both_sessions_counted(program):
    """The second refresh waits for the first transaction's lock on the pair's row, then reads
    its committed session. Without the lock the second would count only its own session and,
    writing last, win."""
    pair = make_pair(program)
    create_session(pair, TUE_9 - timedelta(days=7))  # the pair's row exists before the race
    first_refreshed, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow() -> None:
        try:
            with transaction.atomic():
                create_session(pair, TUE_9)  # refreshes (and locks) the pair's row in this transaction
                first_refreshed.set()
                release.wait(timeout=10)
        except BaseException as e:  # noqa: BLE001 - asserted below
            errors.append(e)
        finally:
            connection.close()

    thread = threading.Thread(target=slow)
    thread.start()
    assert first_refreshed.wait(timeout=30)
    timer = threading.Timer(0.5, release.set)  # the second change starts while the first is open
    timer.start()
    create_session(pair, TUE_9 + timedelta(days=7))
    thread.join(timeout=30)
    assert not errors
    assert Session.objects.filter(mentorship=pair).count() == 3
    assert_in_step(pair)
    assert stored(pair)["held_count"] == 3
