"""Reminders and feedback requests: rows claimed by the periodic dispatcher and sent exactly
once, never late, never after a cancellation, respecting each person's choices; two real
Celery workers on Redis dispatching 500 due reminders at once send each one once."""

from __future__ import annotations

import email
import email.policy
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from scheduling.models import NotificationPreference, Reminder, Session
from scheduling.services.policy import policy_for, policy_update
from scheduling.services.reminders import MAX_ATTEMPTS, reminders_dispatch
from scheduling.services.sessions import session_book, session_cancel, session_reschedule
from scheduling.tasks import reminders_dispatch_task
from tests.scheduling.helpers import NOW, make_pair
from tests.worker import running_worker, wait_for

TUE_9 = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def pair(program):
    return make_pair(program)


@pytest.fixture
def session(pair):
    return session_book(mentorship=pair, start=TUE_9, actor=pair.mentee.user, now=NOW)


def statuses(session) -> dict[tuple[str, int], str]:
    return {(r.kind, r.recipient_id): r.status for r in Reminder.objects.filter(session=session)}


def test_due_reminders_are_sent_once(session, pair):
    result = reminders_dispatch(now=TUE_9 - timedelta(hours=23))
    assert (result.sent, result.skipped, result.failed) == (2, 0, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pair.mentor.user.email, pair.mentee.user.email])
    assert all(m.subject.startswith("Tomorrow: your session with") for m in mail.outbox)
    assert reminders_dispatch(now=TUE_9 - timedelta(hours=23)).sent == 0
    assert len(mail.outbox) == 2
    rows = Reminder.objects.filter(session=session, kind="24h")
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert all(r.processed_at == TUE_9 - timedelta(hours=23) for r in rows)


def test_the_one_hour_reminder_has_the_join_link_and_the_personal_links(session, pair):
    reminders_dispatch(now=TUE_9 - timedelta(minutes=59))
    one_hour = [m for m in mail.outbox if m.subject.startswith("In 1 hour")]
    assert len(one_hour) == 2
    body = one_hour[0].body
    assert session.video_url in body
    assert "/links/" in body
    assert "/sessions/settings/" in body
    assert one_hour[0].extra_headers["X-Turazo-Reminder"].isdigit()


def test_a_reminder_whose_session_already_started_is_skipped_and_recorded(session):
    result = reminders_dispatch(now=TUE_9 + timedelta(minutes=1))
    assert result.sent == 0
    assert mail.outbox == []
    skipped = Reminder.objects.filter(session=session, kind__in=["24h", "1h"])
    assert set(skipped.values_list("status", flat=True)) == {"skipped"}
    assert set(skipped.values_list("note", flat=True)) == {
        "The session had already started; reminders are never sent late."
    }


def test_cancelled_sessions_send_no_reminders(session, pair):
    session_cancel(session=session, actor=pair.mentor.user, now=NOW)
    assert reminders_dispatch(now=TUE_9 + timedelta(hours=2)).sent == 0
    assert mail.outbox == []
    assert set(Reminder.objects.filter(session=session).values_list("status", flat=True)) == {"cancelled"}


def test_rescheduled_sessions_remind_at_the_new_time(session, pair):
    reminders_dispatch(now=TUE_9 - timedelta(hours=23))  # the 24 h ones went out
    mail.outbox.clear()
    later = TUE_9 + timedelta(days=3)
    session_reschedule(session=session, start=later, actor=pair.mentee.user, now=TUE_9 - timedelta(hours=22))
    assert reminders_dispatch(now=TUE_9 - timedelta(minutes=30)).sent == 0  # nothing at the old time
    assert reminders_dispatch(now=later - timedelta(hours=23)).sent == 2
    assert all(m.subject.startswith("Tomorrow") for m in mail.outbox)


def test_a_person_who_turned_a_kind_off_gets_none_of_it(session, pair):
    NotificationPreference.objects.create(
        organization=session.organization, user=pair.mentee.user, remind_24h=False, remind_1h=True
    )
    reminders_dispatch(now=TUE_9 - timedelta(hours=23))
    assert [m.to[0] for m in mail.outbox] == [pair.mentor.user.email]
    row = Reminder.objects.get(session=session, kind="24h", recipient=pair.mentee.user)
    assert (row.status, row.note) == ("skipped", "Turned off by the recipient.")


def test_a_kind_the_program_turns_off_is_not_sent(session, program):
    policy_update(policy=policy_for(program), data={"remind_1h": False})
    reminders_dispatch(now=TUE_9 - timedelta(minutes=30))
    assert not [m for m in mail.outbox if m.subject.startswith("In 1 hour")]


def test_the_feedback_request_completes_the_session_and_links_to_the_form(session, pair):
    result = reminders_dispatch(now=session.end + timedelta(minutes=1))
    session.refresh_from_db()
    assert session.status == "completed"
    feedback = [m for m in mail.outbox if m.subject.startswith("How was your session")]
    assert len(feedback) == 2
    assert f"/sessions/{session.pk}/feedback/" in feedback[0].body
    assert result.sent == 2  # the reminders before the start were skipped, not sent late


def test_a_failed_send_is_retried_by_the_next_run_then_marked_failed(session, monkeypatch):
    def boom(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", boom)
    moment = TUE_9 - timedelta(hours=23)
    first = reminders_dispatch(now=moment)
    assert (first.sent, len(first.retrying)) == (0, 2)
    assert set(Reminder.objects.filter(session=session, kind="24h").values_list("status", "attempts")) == {
        ("pending", 1)
    }
    for _ in range(MAX_ATTEMPTS - 1):
        reminders_dispatch(now=moment)
    rows = Reminder.objects.filter(session=session, kind="24h")
    assert set(rows.values_list("status", flat=True)) == {"failed"}
    assert set(rows.values_list("note", flat=True)) == {"OSError: SMTP down"}


def test_the_beat_schedule_runs_the_dispatcher_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["scheduling-reminders"]
    assert entry == {"task": "scheduling.reminders_dispatch", "schedule": 60.0}
    assert reminders_dispatch_task.name == "scheduling.reminders_dispatch"


# --- Two real workers --------------------------------------------------------------------------


def _due_reminders(pair, count: int) -> list[int]:
    """``count`` reminders due now, for sessions in half an hour (rows written directly)."""
    now = timezone.now()
    sessions = Session.objects.bulk_create(
        Session(
            organization=pair.organization,
            program=pair.program,
            mentorship=pair,
            mentor=pair.mentor,
            mentee=pair.mentee,
            start=now + timedelta(minutes=30, seconds=i),
            end=now + timedelta(minutes=75, seconds=i),
            video_url=f"https://meet.jit.si/bench-{i}",
            video_room=f"bench-{i}",
            calendar_uid=f"bench-{i}@test",
        )
        for i in range(count // 2)
    )
    policy_for(pair.program)
    rows = Reminder.objects.bulk_create(
        Reminder(
            organization=pair.organization,
            session=s,
            recipient_id=user_id,
            kind="1h",
            due_at=now - timedelta(minutes=1),
        )
        for s in sessions
        for user_id in (pair.mentor.user_id, pair.mentee.user_id)
    )
    return [r.pk for r in rows]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_workers_dispatching_at_once_send_each_of_500_reminders_exactly_once(program):
    pair = make_pair(program)
    ids = _due_reminders(pair, 500)
    outbox = tempfile.mkdtemp(prefix="turazo-reminders-")
    with running_worker(var_dir=outbox) as first, running_worker(queue=first.queue, name="-b", var_dir=outbox):
        for _ in range(6):
            reminders_dispatch_task.delay()
        wait_for(lambda: not Reminder.objects.filter(pk__in=ids, status="pending").exists(), timeout=120)
    assert Counter(Reminder.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent": 500}
    headers = []
    for path in Path(outbox, "outbox").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        headers.append(int(message["X-Turazo-Reminder"]))
    duplicates = [pk for pk, n in Counter(headers).items() if n > 1]
    assert duplicates == []
    assert sorted(headers) == sorted(ids)


def test_the_periodic_task_completes_ended_sessions_even_without_feedback_requests(session, program):
    policy_update(policy=policy_for(program), data={"feedback_requests": False})
    Reminder.objects.filter(session=session, kind="feedback").delete()  # as if booked with them off
    Session.objects.filter(pk=session.pk).update(
        start=timezone.now() - timedelta(hours=2), end=timezone.now() - timedelta(hours=1)
    )
    outcome = reminders_dispatch_task()
    session.refresh_from_db()
    assert session.status == "completed"
    assert outcome["completed"] == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_loses_no_reminder_and_resends_at_most_one(program):
    pair = make_pair(program)
    ids = _due_reminders(pair, 400)
    outbox = tempfile.mkdtemp(prefix="turazo-reminders-kill-")
    with running_worker(var_dir=outbox) as doomed:
        reminders_dispatch_task.delay()
        wait_for(lambda: Reminder.objects.filter(pk__in=ids, status="sent").count() >= 50, timeout=120)
        doomed.kill()
    assert Reminder.objects.filter(pk__in=ids, status="pending").exists()  # killed mid-way
    with running_worker(var_dir=outbox):
        for _ in range(8):  # each run sends for at most its time budget, as beat would repeat it
            reminders_dispatch_task.delay()
        wait_for(lambda: not Reminder.objects.filter(pk__in=ids, status="pending").exists(), timeout=300)
    assert Counter(Reminder.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent": 400}
    messages = [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in Path(outbox, "outbox").glob("*.eml")
    ]
    sent = Counter(int(m["X-Turazo-Reminder"]) for m in messages)
    assert set(sent) == set(ids)
    assert sum(n - 1 for n in sent.values()) <= 1
    ids_by_reminder = {}
    for m in messages:
        ids_by_reminder.setdefault(int(m["X-Turazo-Reminder"]), set()).add(m["Message-ID"])
    assert all(len(v) == 1 for v in ids_by_reminder.values())  # a resent copy keeps its Message-ID
