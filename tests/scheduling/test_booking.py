"""Booking, rescheduling and cancelling sessions through the services: rows, reminders,
invites, and every way a booking is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentoring.models import Mentorship, Program
from scheduling.models import Reminder, Session, SessionAttendance
from scheduling.services.activity import sessions_complete_due
from scheduling.services.free_time import next_slots
from scheduling.services.policy import policy_for, policy_update
from scheduling.services.sessions import (
    SlotUnavailable,
    session_book,
    session_cancel,
    session_report_no_show,
    session_reschedule,
)
from tests.accounts.factories import UserFactory
from tests.scheduling.helpers import NOW, another_program, make_pair, participant_for, vevent
from turazo.core.errors import Conflict, PermissionDenied, ValidationFailed

TUE_9 = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)  # Lisbon is UTC+0 in early March


@pytest.fixture
def pair(program):
    return make_pair(program)


def book(pair, start=TUE_9, actor=None, **kw):
    return session_book(mentorship=pair, start=start, actor=actor or pair.mentee.user, now=NOW, **kw)


def test_booking_creates_the_session_its_attendance_and_reminders(pair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        session = book(pair, agenda="Career plan")

    session.refresh_from_db()
    assert (session.start, session.end) == (TUE_9, TUE_9 + timedelta(minutes=45))
    assert session.status == "scheduled"
    assert session.sequence == 0
    assert session.agenda == "Career plan"
    assert session.video_url.startswith("https://meet.jit.si/Turazo-")
    assert len(session.video_url.rsplit("/", 1)[1]) >= 24
    assert session.calendar_uid.startswith("session-")
    assert sorted(SessionAttendance.objects.filter(session=session).values_list("role", "active")) == [
        ("mentee", True),
        ("mentor", True),
    ]
    reminders = sorted(Reminder.objects.filter(session=session).values_list("kind", "recipient_id", "due_at", "status"))
    mentor_id, mentee_id = pair.mentor.user_id, pair.mentee.user_id
    assert reminders == sorted(
        [
            ("1h", mentor_id, TUE_9 - timedelta(hours=1), "pending"),
            ("1h", mentee_id, TUE_9 - timedelta(hours=1), "pending"),
            ("24h", mentor_id, TUE_9 - timedelta(hours=24), "pending"),
            ("24h", mentee_id, TUE_9 - timedelta(hours=24), "pending"),
            ("feedback", mentor_id, session.end, "pending"),
            ("feedback", mentee_id, session.end, "pending"),
        ]
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pair.mentor.user.email, pair.mentee.user.email])


def test_a_reminder_whose_time_has_passed_at_booking_is_recorded_as_skipped(pair):
    session = book(pair, start=TUE_9)  # 27 h ahead of NOW: the 24 h reminder is still due
    assert Reminder.objects.get(session=session, kind="24h", recipient=pair.mentee.user).status == "pending"
    policy_update(policy=policy_for(pair.program), data={"min_notice_hours": 2})
    soon = book(pair, start=datetime(2027, 3, 1, 9, 0, tzinfo=UTC))  # 3 h ahead
    rows = dict(Reminder.objects.filter(session=soon, recipient=pair.mentee.user).values_list("kind", "status"))
    assert rows == {"24h": "skipped", "1h": "pending", "feedback": "pending"}


def test_the_mentor_can_book_too(pair):
    session = book(pair, actor=pair.mentor.user)
    assert session.booked_by == pair.mentor.user


def test_someone_outside_the_pair_cannot_book(pair, hr_admin):
    with pytest.raises(PermissionDenied):
        book(pair, actor=hr_admin)
    assert Session.objects.count() == 0


def test_an_ended_mentorship_cannot_book(pair):
    Mentorship.objects.filter(pk=pair.pk).update(status="ended", ended_at=timezone.now())
    pair.refresh_from_db()
    with pytest.raises(Conflict, match="has ended"):
        book(pair)
    assert Session.objects.count() == 0


def test_a_closed_program_cannot_book(pair):
    Program.objects.filter(pk=pair.program_id).update(status="closed")
    pair.program.refresh_from_db()
    with pytest.raises(Conflict, match="is closed"):
        book(pair)


def _program_ends(pair, day):
    Program.objects.filter(pk=pair.program_id).update(end_date=day)
    pair.program.refresh_from_db()


def test_a_session_must_end_by_the_programs_last_day(pair):
    _program_ends(pair, TUE_9.date() - timedelta(days=1))
    with pytest.raises(ValidationFailed, match="ends on 1 Mar 2027: pick a time that ends by then") as e:
        book(pair)
    assert e.value.code == "after_program_end"
    assert Session.objects.count() == 0


def test_the_last_day_of_the_program_can_still_be_booked(pair):
    _program_ends(pair, TUE_9.date())
    assert book(pair).start == TUE_9


def test_a_session_cannot_be_moved_past_the_programs_end(pair):
    session = book(pair)
    _program_ends(pair, TUE_9.date())
    with pytest.raises(ValidationFailed, match="pick a time that ends by then"):
        session_reschedule(session=session, start=TUE_9 + timedelta(days=1), actor=pair.mentee.user, now=NOW)
    session.refresh_from_db()
    assert session.start == TUE_9


def test_free_times_stop_at_the_programs_end(pair):
    _program_ends(pair, TUE_9.date())
    offered = next_slots(mentorship=pair, after=NOW, count=50, now=NOW)
    assert offered
    assert max(slot.end for slot in offered) <= datetime(2027, 3, 3, 0, 0, tzinfo=UTC)  # Lisbon = UTC in March


@pytest.mark.parametrize(
    ("start", "code"),
    [
        (datetime(2027, 3, 1, 9, 0, tzinfo=UTC), "too_soon"),  # inside the 12 h notice
        (datetime(2027, 6, 1, 9, 0, tzinfo=UTC), "too_far"),  # beyond 60 days
        (datetime(2027, 3, 2, 9, 10, tzinfo=UTC), "off_grid"),
    ],
)
def test_a_time_that_is_never_offered_is_a_bad_request(pair, start, code):
    with pytest.raises(ValidationFailed) as caught:
        book(pair, start=start)
    assert caught.value.code == code
    assert caught.value.status_code == 400
    assert "start" in caught.value.fields
    assert Session.objects.count() == 0


def test_a_time_outside_the_mentors_availability_is_a_conflict_with_the_next_free_times(pair):
    with pytest.raises(SlotUnavailable) as caught:
        book(pair, start=datetime(2027, 3, 2, 20, 0, tzinfo=UTC))
    error = caught.value
    assert error.status_code == 409
    assert "not available" in error.message
    assert [s.start for s in error.next_slots] == [
        datetime(2027, 3, 3, 9, 0, tzinfo=UTC),
        datetime(2027, 3, 3, 9, 30, tzinfo=UTC),
        datetime(2027, 3, 3, 10, 0, tzinfo=UTC),
    ]
    assert error.extra["next_slots"][0] == {"start": "2027-03-03T09:00:00+00:00", "end": "2027-03-03T09:45:00+00:00"}


def test_an_overlapping_booking_is_refused_and_the_buffer_is_kept(pair):
    book(pair)
    with pytest.raises(SlotUnavailable) as caught:
        book(pair, start=TUE_9 + timedelta(minutes=30))
    assert caught.value.code == "slot_taken"
    assert "just taken" in caught.value.message
    # 09:45 ends the first session; the 10-minute buffers push the next start to 10:00 (grid).
    assert caught.value.next_slots[0].start == TUE_9 + timedelta(hours=1)
    assert Session.objects.count() == 1


def test_a_mentor_busy_in_another_program_of_another_organization_is_not_double_booked(pair, other_organization):
    other = another_program(other_organization)
    elsewhere = make_pair(other, mentee_user=pair.mentor.user)  # the mentor is a mentee over there
    session_book(mentorship=elsewhere, start=TUE_9, actor=elsewhere.mentee.user, now=NOW)
    with pytest.raises(SlotUnavailable, match="mentor already has a session"):
        book(pair)


def test_a_mentee_with_two_mentors_is_not_double_booked(pair, organization):
    second = another_program(organization)
    with_other_mentor = make_pair(second, mentee_user=pair.mentee.user)
    session_book(mentorship=with_other_mentor, start=TUE_9, actor=pair.mentee.user, now=NOW)
    with pytest.raises(SlotUnavailable, match="mentee already has a session"):
        book(pair)


def test_the_weekly_cap_counts_the_mentors_sessions_in_the_program(pair, program):
    policy_update(policy=policy_for(program), data={"max_sessions_per_week": 1})
    book(pair)
    second_mentee = participant_for(UserFactory(), program, "mentee")
    second = Mentorship.objects.create(
        organization=program.organization, program=program, mentor=pair.mentor, mentee=second_mentee, source="admin"
    )
    with pytest.raises(SlotUnavailable, match="week is full"):
        session_book(mentorship=second, start=TUE_9 + timedelta(days=1), actor=second_mentee.user, now=NOW)
    nxt = session_book(mentorship=second, start=TUE_9 + timedelta(days=7), actor=second_mentee.user, now=NOW)
    assert nxt.start == TUE_9 + timedelta(days=7)


def test_a_participant_who_has_not_joined_cannot_be_booked(pair):
    pair.mentee.user = None
    pair.mentee.save(update_fields=["user"])
    with pytest.raises((Conflict, PermissionDenied)):
        book(pair, actor=pair.mentor.user)


def test_a_long_agenda_is_refused_with_the_field_named(pair):
    with pytest.raises(ValidationFailed) as caught:
        book(pair, agenda="x" * 2001)
    assert "agenda" in caught.value.fields


def test_the_mentors_own_room_and_the_organization_template_set_the_video_link(pair, organization):
    organization.video_url_template = "https://zoom.example/j/{room}?pwd=1"
    organization.save()
    pair.organization.refresh_from_db()
    first = book(pair)
    assert first.video_url == f"https://zoom.example/j/{first.video_room}?pwd=1"
    pair.mentor.availability.video_room_url = "https://teams.example/maria"
    pair.mentor.availability.save()
    second = book(pair, start=TUE_9 + timedelta(days=1))
    assert second.video_url == "https://teams.example/maria"


# --- Reschedule and cancel ---------------------------------------------------------------------


def test_rescheduling_moves_the_session_raises_the_sequence_and_moves_the_reminders(
    pair, django_capture_on_commit_callbacks
):
    session = book(pair)
    Reminder.objects.filter(session=session, kind="24h").update(status="sent")
    new = TUE_9 + timedelta(days=2, hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        moved = session_reschedule(session=session, start=new, actor=pair.mentor.user, note="Clash", now=NOW)
    moved.refresh_from_db()
    assert (moved.start, moved.end, moved.sequence, moved.reschedule_count) == (
        new,
        new + timedelta(minutes=45),
        1,
        1,
    )
    assert moved.calendar_uid == session.calendar_uid
    assert set(SessionAttendance.objects.filter(session=moved).values_list("starts_at", flat=True)) == {new}
    due = dict(Reminder.objects.filter(session=moved, recipient=pair.mentee.user).values_list("kind", "due_at"))
    assert due == {"24h": new - timedelta(hours=24), "1h": new - timedelta(hours=1), "feedback": moved.end}
    assert set(Reminder.objects.filter(session=moved).values_list("status", flat=True)) == {"pending"}


def test_rescheduling_to_the_time_next_to_itself_is_allowed(pair):
    session = book(pair)
    moved = session_reschedule(session=session, start=TUE_9 + timedelta(minutes=30), actor=pair.mentee.user, now=NOW)
    assert moved.start == TUE_9 + timedelta(minutes=30)


def test_rescheduling_onto_another_session_is_refused(pair):
    first = book(pair)
    second = book(pair, start=TUE_9 + timedelta(hours=2))
    with pytest.raises(SlotUnavailable):
        session_reschedule(session=second, start=first.start, actor=pair.mentee.user, now=NOW)
    second.refresh_from_db()
    assert second.start == TUE_9 + timedelta(hours=2)
    assert second.sequence == 0


def test_cancelling_stops_reminders_frees_the_time_and_raises_the_sequence(pair, django_capture_on_commit_callbacks):
    session = book(pair)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = session_cancel(session=session, actor=pair.mentee.user, reason="Sick", now=NOW)
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.sequence, cancelled.cancel_reason) == ("cancelled", 1, "Sick")
    assert cancelled.cancelled_by == pair.mentee.user
    assert cancelled.late_cancellation is False
    assert set(Reminder.objects.filter(session=session).values_list("status", flat=True)) == {"cancelled"}
    assert not SessionAttendance.objects.filter(session=session, active=True).exists()
    again = book(pair)  # the time is free again
    assert again.start == TUE_9


def test_cancelling_inside_the_notice_is_allowed_and_marked_late(pair):
    session = book(pair)
    cancelled = session_cancel(session=session, actor=pair.mentor.user, now=TUE_9 - timedelta(hours=3))
    assert cancelled.late_cancellation is True


def test_a_cancelled_or_started_session_cannot_be_changed(pair):
    session = book(pair)
    with pytest.raises(Conflict, match="already started"):
        session_cancel(session=session, actor=pair.mentor.user, now=TUE_9 + timedelta(minutes=1))
    session_cancel(session=session, actor=pair.mentor.user, now=NOW)
    with pytest.raises(Conflict, match="already cancelled by"):
        session_reschedule(session=session, start=TUE_9 + timedelta(days=1), actor=pair.mentee.user, now=NOW)


def test_only_the_pair_can_cancel(pair, hr_admin):
    session = book(pair)
    with pytest.raises(PermissionDenied):
        session_cancel(session=session, actor=hr_admin, now=NOW)
    session.refresh_from_db()
    assert session.status == "scheduled"


def test_sessions_are_completed_after_their_end_and_a_no_show_can_be_reported(pair):
    session = book(pair)
    assert sessions_complete_due(now=session.end - timedelta(seconds=1)) == 0
    assert sessions_complete_due(now=session.end) == 1
    session.refresh_from_db()
    assert session.status == "completed"
    with pytest.raises(Conflict):
        session_report_no_show(session=session, actor=pair.mentor.user, now=session.end + timedelta(days=8))
    reported = session_report_no_show(session=session, actor=pair.mentor.user, now=session.end)
    assert (reported.status, reported.no_show_role) == ("no_show", "mentee")
    assert set(Reminder.objects.filter(session=session, status="pending").values_list("kind", flat=True)) == set()


def test_a_no_show_cannot_be_reported_before_the_start(pair):
    session = book(pair)
    with pytest.raises(Conflict, match="not started"):
        session_report_no_show(session=session, actor=pair.mentee.user, now=NOW)


# --- The database guarantee --------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_refuses_overlapping_active_attendance_of_one_person(pair):
    session = book(pair)
    other = Session.objects.get(pk=session.pk)
    other.pk = None
    other.calendar_uid = "copy@test"
    other.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionAttendance.objects.create(
            organization=session.organization,
            session=other,
            user=pair.mentor.user,
            participant=pair.mentor,
            role="mentor",
            starts_at=session.start + timedelta(minutes=44),
            ends_at=session.end + timedelta(hours=1),
        )
    # Touching end-to-start is not an overlap; inactive (cancelled) rows never conflict.
    SessionAttendance.objects.create(
        organization=session.organization,
        session=other,
        user=pair.mentor.user,
        participant=pair.mentor,
        role="mentor",
        starts_at=session.end,
        ends_at=session.end + timedelta(hours=1),
    )
    SessionAttendance.objects.filter(session=session).update(active=False)
    SessionAttendance.objects.filter(session=other).update(starts_at=session.start)


@pytest.mark.postgres
def test_the_constraint_answers_409_when_the_python_check_is_bypassed(pair, monkeypatch):
    book(pair)
    # Pretend the calculator saw nothing: only the exclusion constraint stands in the way.
    monkeypatch.setattr("scheduling.slots.check_slot", lambda *a, **k: None)
    with pytest.raises(SlotUnavailable, match="just taken"):
        book(pair, start=TUE_9 + timedelta(minutes=30))
    assert Session.objects.count() == 1


def test_invites_carry_a_request_with_the_uid_and_the_people(pair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        session = book(pair, agenda="Plans; goals, next steps")
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        method, cal, ev = vevent(message)
        assert method == "REQUEST"
        assert str(cal["METHOD"]) == "REQUEST"
        assert str(ev["UID"]) == session.calendar_uid
        assert int(ev["SEQUENCE"]) == 0
        assert ev.decoded("DTSTART") == TUE_9
        assert str(ev["LOCATION"]) == session.video_url
        assert "Plans; goals, next steps" in str(ev["DESCRIPTION"])
        assert f"/sessions/{session.pk}/" in str(ev["DESCRIPTION"])
        attendees = sorted(str(a).removeprefix("mailto:").lower() for a in ev.get("ATTENDEE"))
        assert attendees == sorted([pair.mentor.user.email, pair.mentee.user.email])
